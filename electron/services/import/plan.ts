/**
 * The dry run: looks existing users up in batches (`users/lookup`) and classifies every row as
 * create, update (with its field-by-field diff), skip (with a reason), conflict or error. Apply uses
 * the same classification, chunk by chunk, so what the plan says is what apply does.
 */
import type { Capabilities } from '../../../common/api/admin';
import type { RowProblem } from '../../../common/files/types';
import type { FieldSchema } from '../../../common/users/fields';
import type { User, UserWrite } from '../../../common/users/user';
import type { AdminClient } from '../api/admin';
import { createRowChecker, DuplicateFinder, type ScannedRow } from './validate';
import { compileReader, toUserWrite } from './record';
import type { PreparedFile } from './prepare';
import { throwIfAborted } from '../files/table';

export type PlanAction = 'create' | 'update' | 'skip' | 'conflict' | 'error';

/** add and update (`update`), add new only (`skip`), update only (`update-only`). */
export type ImportPolicy = 'update' | 'skip' | 'update-only';

export interface PlanOptions {
  policy?: ImportPolicy;
  /** Existing users keep their password unless `set`. */
  passwords?: 'keep' | 'set';
  /** An empty cell clears the existing value (off: empty cells never blank anything). */
  blankClears?: boolean;
  signal?: AbortSignal;
  onProgress?: (rows: number) => void;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlannedRow {
  row: number;
  action: PlanAction;
  userId?: string;
  changes?: FieldChange[];
  problems?: Pick<RowProblem, 'column' | 'field' | 'code' | 'problem'>[];
  reason?: string;
}

/** A planned row with what apply sends for it. */
export interface DecidedRow extends PlannedRow {
  write?: UserWrite;
}

export interface PlanSummary {
  create: number;
  update: number;
  skip: number;
  conflict: number;
  error: number;
  rows: PlannedRow[];
}

const lower = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : null);
// The directory trims what it stores: surrounding spaces alone are not a change.
const sameText = (a: unknown, b: unknown) => String(a ?? '').trim() === String(b ?? '').trim();

/** What an update would change on `existing`, field by field. */
export function diffUser(existing: User, write: UserWrite): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(write)) {
    if (field === 'customFields') continue;
    if (field === 'password' || field === 'passwordHash') {
      changes.push({ field, from: '(hidden)', to: '(new)' });
      continue;
    }
    const from =
      field === 'groups' ? existing.groups.map((g) => g.name) : (existing as unknown as Record<string, unknown>)[field];
    if (Array.isArray(to)) {
      const a = new Set((Array.isArray(from) ? from : []).map((v) => String(v).toLowerCase()));
      const b = new Set(to.map((v) => String(v).toLowerCase()));
      if (a.size !== b.size || [...b].some((v) => !a.has(v))) changes.push({ field, from, to });
    } else if (typeof to === 'boolean' || to === null) {
      if ((from ?? null) !== to) changes.push({ field, from: from ?? null, to });
    } else if (!sameText(from, to)) changes.push({ field, from: from ?? null, to });
  }
  for (const [key, to] of Object.entries(write.customFields ?? {})) {
    const from = existing.customFields[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: `customFields.${key}`, from, to });
  }
  return changes;
}

/** The file gives no username: the email stands in for it (Google, Auth0…). */
const isUsernameFromEmail = ({ user }: ScannedRow) =>
  user.columns.username !== undefined &&
  user.columns.username === user.columns.email &&
  user.fields.username === user.fields.email;

/** What apply sends for a row: on update, never a rename to the email, and passwords only when asked. */
export function buildWrite(r: ScannedRow, action: 'create' | 'update', schema: FieldSchema, options: PlanOptions): UserWrite {
  if (action === 'create') return toUserWrite(r.user, schema);
  const write = toUserWrite(r.user, schema, options.blankClears ?? false);
  if (isUsernameFromEmail(r)) delete write.username;
  if ((options.passwords ?? 'keep') === 'keep') {
    delete write.password;
    delete write.passwordHash;
  }
  return write;
}

export interface Classifier {
  /** Classifies a chunk of scanned rows (in file order), looking their users up. */
  classify(rows: ScannedRow[]): Promise<DecidedRow[]>;
}

export function createClassifier(
  api: AdminClient,
  schema: FieldSchema,
  limits: Capabilities['limits'],
  options: PlanOptions,
): Classifier {
  const policy = options.policy ?? 'update';
  const duplicates = new DuplicateFinder();
  const check = createRowChecker(schema);
  const lookupMax = Math.max(1, Math.min(limits.lookupMax, 1000));
  // The existing users of the chunk being classified.
  let byUsername = new Map<string, User>();
  let byEmail = new Map<string, User[]>();
  return {
    async classify(rows) {
      for (const r of rows) duplicates.add(r.index, r.user.fields.username, r.user.fields.email);
      const usernames = new Set<string>();
      const emails = new Set<string>();
      for (const r of rows) {
        const u = lower(r.user.fields.username);
        const e = lower(r.user.fields.email);
        if (u) usernames.add(u);
        if (e) emails.add(e);
      }
      byUsername = new Map();
      byEmail = new Map();
      const names = [...usernames];
      const mails = [...emails];
      for (let i = 0; i < Math.max(names.length, mails.length); i += lookupMax) {
        throwIfAborted(options.signal);
        const { users } = await api.lookup(
          { usernames: names.slice(i, i + lookupMax), emails: mails.slice(i, i + lookupMax) },
          { signal: options.signal },
        );
        for (const user of users) {
          byUsername.set(user.username.toLowerCase(), user);
          const e = lower(user.email);
          if (e) {
            const list = byEmail.get(e) ?? [];
            if (!list.some((x) => x.id === user.id)) list.push(user);
            byEmail.set(e, list);
          }
        }
      }
      return rows.map((r) => decide(r));
    },
  };

  function decide(r: ScannedRow): DecidedRow {
    const { user, index } = r;
    const usernameFromEmail = isUsernameFromEmail(r);
    const u = lower(user.fields.username);
    const e = lower(user.fields.email);
    const byName = u && !usernameFromEmail ? byUsername.get(u) : undefined;
    const byMail = e ? (byEmail.get(e) ?? []) : [];
    let existing: User | undefined = byName;
    if (!existing && usernameFromEmail && byMail.length === 1) existing = byMail[0];
    if (!existing && usernameFromEmail && u) existing = byUsername.get(u);
    const problemsOf = (mode: 'create' | 'update') =>
      check(index, r.record, user, mode).map(({ column, field, code, problem }) => ({ column, field, code, problem }));
    const earlier = duplicates.earlier(user.fields.username, user.fields.email, index);
    if (earlier.length) {
      return {
        row: index,
        action: 'error',
        reason: `duplicate of row ${earlier[0]} (same username or email)`,
        problems: [
          {
            column: user.columns.username ?? user.columns.email ?? null,
            field: 'username',
            code: 'duplicate',
            problem: `duplicate of row ${earlier[0]}`,
          },
        ],
      };
    }
    if (byName && byMail.length && !byMail.some((m) => m.id === byName.id) && !schema.policies.allowSharedEmail) {
      return {
        row: index,
        action: 'conflict',
        userId: byName.id,
        reason: `username "${byName.username}" and email "${user.fields.email}" belong to different users`,
      };
    }
    if (!existing && byMail.length && !schema.policies.allowSharedEmail) {
      const owner = byMail[0]!;
      return {
        row: index,
        action: 'conflict',
        userId: owner.id,
        reason: `email "${user.fields.email}" already belongs to user "${owner.username}"`,
      };
    }
    const problems = problemsOf(existing ? 'update' : 'create');
    if (problems.length)
      return { row: index, action: 'error', userId: existing?.id, problems, reason: problems.map((p) => p.problem).join('; ') };
    if (!existing) {
      if (policy === 'update-only') return { row: index, action: 'skip', reason: 'no such user (policy: update only)' };
      return { row: index, action: 'create', write: toUserWrite(user, schema) };
    }
    if (policy === 'skip')
      return {
        row: index,
        action: 'skip',
        userId: existing.id,
        reason: `user "${existing.username}" exists (policy: add new only)`,
      };
    const write = buildWrite(r, 'update', schema, options);
    const changes = diffUser(existing, write);
    if (changes.length === 0) return { row: index, action: 'skip', userId: existing.id, reason: 'unchanged' };
    return { row: index, action: 'update', userId: existing.id, changes, write };
  }
}

/** Streams the prepared file through the classifier in chunks. */
export async function* decideRows(
  prepared: PreparedFile,
  classifier: Classifier,
  schema: FieldSchema,
  options: { signal?: AbortSignal; chunk?: number; onProgress?: (rows: number) => void },
): AsyncGenerator<{ scanned: ScannedRow[]; decided: DecidedRow[] }> {
  const chunkSize = options.chunk ?? 500;
  let pending: ScannedRow[] = [];
  let index = 0;
  const read = compileReader(prepared.mapping, schema);
  for await (const batch of prepared.table.batches(options.signal)) {
    for (const record of batch) {
      const user = read(record.cells);
      pending.push({ index, record, user, problems: [] });
      index++;
      if (pending.length >= chunkSize) {
        yield { scanned: pending, decided: await classifier.classify(pending) };
        options.onProgress?.(index);
        pending = [];
      }
    }
  }
  if (pending.length) yield { scanned: pending, decided: await classifier.classify(pending) };
  options.onProgress?.(index);
}

export async function planImport(
  prepared: PreparedFile,
  api: AdminClient,
  capabilities: Capabilities,
  options: PlanOptions = {},
): Promise<PlanSummary> {
  const schema = capabilities.fieldSchema;
  const classifier = createClassifier(api, schema, capabilities.limits, options);
  const summary: PlanSummary = { create: 0, update: 0, skip: 0, conflict: 0, error: 0, rows: [] };
  // Chunks as big as one users/lookup call takes: half the round trips of 500-row chunks.
  const chunk = Math.max(1, Math.min(capabilities.limits.lookupMax, 1000));
  for await (const { decided } of decideRows(prepared, classifier, schema, { ...options, chunk })) {
    for (const { write: _write, ...row } of decided) {
      summary[row.action]++;
      summary.rows.push(row);
    }
  }
  return summary;
}
