import type { FastifyInstance } from 'fastify';
import type { FormField } from '../../common/api/lifecycle';
import type { CustomFieldValue } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import type { ServerContext } from '../context';
import { validateAnswers } from '../forms/model';
import { csrfField, errorSummary, html, notice, type FieldError, type Html } from './html';
import type { PortalKey } from './i18n';
import { csrfRefused, refuseWhileImpersonating, signedIn } from './account-pages';
import { noticeOf, postAllowed, redirect, send, type PortalRequest } from './request';

const problemKeys: Record<string, PortalKey> = {
  required: 'fieldRequired',
  number: 'fieldNumber',
  date: 'fieldDate',
  notAnOption: 'fieldOption',
  pattern: 'fieldPattern',
  tooLong: 'fieldTooLong',
  boolean: 'fieldBoolean',
};

const fieldId = (key: string) => `f-${key}`;

/** One form field as the right control, labelled, with its error. */
function control(
  r: PortalRequest,
  f: FormField,
  value: CustomFieldValue | string | string[] | undefined,
  errors: FieldError[],
): Html {
  const id = fieldId(f.key);
  const error = errors.find((e) => e.field === id);
  const label = html`${f.label}${f.required ? html` <span class="req">(${r.t('required')})</span>` : ''}`;
  const described = [f.description ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = html`${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}${f.required ? html` required` : ''}`;
  const hint = f.description ? html`<p class="hint" id="${id}-hint">${f.description}</p>` : '';
  const err = error ? html`<p class="error" id="${id}-error">${error.message}</p>` : '';
  const text = value === null || value === undefined ? '' : Array.isArray(value) ? '' : String(value);
  if (f.type === 'multiselect') {
    const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
    return html`<fieldset class="field${error ? ' invalid' : ''}" ${described ? html` aria-describedby="${described}"` : ''}>
      <legend>${label}</legend>
      ${hint}${err}
      ${f.options.map((o, i) => html`<div><input type="checkbox" id="${id}-${i}" name="${f.key}" value="${o}" ${chosen.has(o) ? html` checked` : ''} /><label for="${id}-${i}">${o}</label></div>`)}
    </fieldset>`;
  }
  if (f.type === 'boolean')
    return html`<div class="field${error ? ' invalid' : ''}">
      ${hint}${err}<input
        type="checkbox"
        id="${id}"
        name="${f.key}"
        value="true"
        ${value === true || text === 'true' ? html` checked` : ''}${aria}
      />
      <label for="${id}">${label}</label>
    </div>`;
  const input =
    f.type === 'select'
      ? html`<select id="${id}" name="${f.key}" ${aria}>
          <option value="">${r.t('chooseOne')}</option>
          ${f.options.map((o) => html`<option value="${o}" ${o === text ? html` selected` : ''}>${o}</option>`)}
        </select>`
      : html`<input
          id="${id}"
          name="${f.key}"
          type="${f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text'}"
          value="${text}"
          ${f.type === 'number' ? html` step="any"` : ''}${aria}
        />`;
  return html`<div class="field${error ? ' invalid' : ''}"><label for="${id}">${label}</label>${hint}${err}${input}</div>`;
}

/** My forms: the active forms, answered on the portal and saved per user. */
export function formPages(portal: FastifyInstance, ctx: ServerContext): void {
  portal.get('/forms', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    const forms = await ctx.db.kysely
      .selectFrom('forms')
      .leftJoin('form_answers', (j) =>
        j.onRef('form_answers.form_id', '=', 'forms.id').on('form_answers.user_id', '=', r.session.user.id),
      )
      .select(['forms.id', 'forms.name', 'forms.description', 'form_answers.submitted_at'])
      .where('forms.active', '=', 1)
      .orderBy('forms.name')
      .limit(200)
      .execute();
    return send(
      r,
      200,
      r.t('formsTitle'),
      html`${notice(noticeOf(r), 'success')}
      ${
        forms.length
          ? html`<ul>
              ${forms.map(
                (f) =>
                  html`<li>
                    <a href="/portal/forms/${encodeURIComponent(f.id)}">${f.name}</a> —
                    ${f.submitted_at ? r.t('answered') : r.t('notAnswered')}${f.description ? html`<br /><span class="hint">${f.description}</span>` : ''}
                  </li>`,
              )}
            </ul>`
          : html`<p>${r.t('noForms')}</p>`
      }`,
    );
  });

  const loadForm = async (id: string) => {
    const row = await ctx.db.kysely
      .selectFrom('forms')
      .selectAll()
      .where('id', '=', id)
      .where('active', '=', 1)
      .executeTakeFirst();
    return row ? { ...row, parsed: JSON.parse(row.fields) as FormField[] } : null;
  };

  const formPage = (
    r: PortalRequest,
    form: NonNullable<Awaited<ReturnType<typeof loadForm>>>,
    values: Record<string, unknown>,
    errors: FieldError[],
  ) =>
    send(
      r,
      errors.length ? 400 : 200,
      form.name,
      html`${form.description ? html`<p>${form.description}</p>` : ''}${errorSummary(r.p, errors)}
        <form method="post" action="/portal/forms/${encodeURIComponent(form.id)}" novalidate>
          ${csrfField(r.p)} ${form.parsed.map((f) => control(r, f, values[f.key] as CustomFieldValue, errors))}
          <button type="submit">${r.t('saveAnswers')}</button>
        </form>
        <p><a href="/portal/forms">${r.t('formsTitle')}</a></p>`,
    );

  portal.get<{ Params: { id: string } }>('/forms/:id', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    const form = await loadForm(request.params.id);
    if (!form) return send(r, 404, r.t('errorTitle'), notice(r.t('notFound'), 'warning'));
    const saved = await ctx.db.kysely
      .selectFrom('form_answers')
      .select('answers')
      .where('form_id', '=', form.id)
      .where('user_id', '=', r.session.user.id)
      .executeTakeFirst();
    return formPage(r, form, saved ? (JSON.parse(saved.answers) as Record<string, unknown>) : {}, []);
  });

  portal.post<{ Params: { id: string } }>('/forms/:id', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    if (!(await postAllowed(r))) return csrfRefused(r);
    const refused = refuseWhileImpersonating(r);
    if (refused) return refused;
    const form = await loadForm(request.params.id);
    if (!form) return send(r, 404, r.t('errorTitle'), notice(r.t('notFound'), 'warning'));
    const { answers, problems } = validateAnswers(form.parsed, r.form);
    if (problems.length)
      return formPage(
        r,
        form,
        r.form,
        problems.map((p) => ({
          field: fieldId(p.field),
          message: `${form.parsed.find((f) => f.key === p.field)?.label ?? p.field}: ${r.t(problemKeys[p.code] ?? 'fieldPattern')}`,
        })),
      );
    const now = ctx.clock.now().toISOString();
    await ctx.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('form_answers')
        .values({
          form_id: form.id,
          user_id: r.session.user.id,
          answers: JSON.stringify(answers),
          submitted_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['form_id', 'user_id']).doUpdateSet({ answers: JSON.stringify(answers), updated_at: now }))
        .execute();
      await appendActivity(
        trx,
        ctx.clock,
        { type: 'user', id: r.session.user.id },
        { action: 'form.answered', targetType: 'form', targetId: form.id },
      );
    });
    return redirect(r, '/portal/forms?notice=answersSaved');
  });
}
