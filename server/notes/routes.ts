import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Note } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import type { Principal } from '../auth/principal';
import type { Database } from '../db/schema';
import type { NotesTable } from '../db/schema-lifecycle';
import { ApiError, notFound, preconditionFailed } from '../errors';
import { etagOf, ifMatchVersion } from '../http/etag';
import { route, type AnyRoute } from '../http/route';

const idParams = z.object({ id: z.string().min(1).max(100) });
const noteParams = z.object({ id: z.string().min(1).max(100), noteId: z.string().min(1).max(100) });
const noteBody = z.object({ body: z.string().trim().min(1).max(20_000) }).strict();

type Row = Selectable<NotesTable> & { author_name: string | null };

const toNote = (r: Row): Note => ({
  id: r.id,
  userId: r.user_id,
  author: { type: r.author_type, id: r.author_id, name: r.author_name },
  body: r.body,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

function notes(db: Kysely<Database>) {
  return db
    .selectFrom('notes')
    .leftJoin('users as au', (j) => j.onRef('au.id', '=', 'notes.author_id').on('notes.author_type', '=', 'user'))
    .leftJoin('api_tokens as at', (j) => j.onRef('at.id', '=', 'notes.author_id').on('notes.author_type', '=', 'token'))
    .selectAll('notes')
    .select((eb) => eb.fn.coalesce('au.username', 'at.name').as('author_name'));
}

async function requireUser(db: Kysely<Database>, id: string) {
  if (!(await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst())) throw notFound('user');
}

/** Only the author may change or delete a note. */
async function ownNote(db: Kysely<Database>, principal: Principal, userId: string, noteId: string) {
  const note = await db.selectFrom('notes').selectAll().where('id', '=', noteId).where('user_id', '=', userId).executeTakeFirst();
  if (!note) throw notFound('note');
  if (note.author_type !== principal.actor.type || note.author_id !== principal.actor.id)
    throw new ApiError(403, 'notAuthor', 'only the author of a note can change or delete it');
  return note;
}

/** Admin-only notes on a user: author, created, edited; authors edit their own. */
export function noteRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/users/:id/notes',
      access: 'notes.read',
      tag: 'notes',
      summary: 'The notes on a user, newest first',
      params: idParams,
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(30),
      }),
      async handler({ params, query, ctx }): Promise<Page<Note>> {
        const db = ctx.db.kysely;
        await requireUser(db, params.id);
        const rows = await notes(db)
          .where('notes.user_id', '=', params.id)
          .orderBy('notes.created_at', 'desc')
          .orderBy('notes.id')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await db
          .selectFrom('notes')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', params.id)
          .executeTakeFirstOrThrow();
        return { items: rows.map((r) => toNote(r as Row)), total: Number(total.n), page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/notes',
      access: 'notes.write',
      tag: 'notes',
      summary: 'Add a note on a user',
      status: 201,
      params: idParams,
      body: noteBody,
      async handler({ params, body, principal, ctx, reply }) {
        const db = ctx.db.kysely;
        const id = randomUUID();
        await db.transaction().execute(async (trx) => {
          await requireUser(trx, params.id);
          const now = ctx.clock.now().toISOString();
          await trx
            .insertInto('notes')
            .values({
              id,
              user_id: params.id,
              author_type: principal!.actor.type,
              author_id: principal!.actor.id,
              body: body.body,
              created_at: now,
              updated_at: now,
              version: 1,
            })
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'note.created',
            targetType: 'user',
            targetId: params.id,
            data: { note: id },
          });
        });
        const note = toNote((await notes(db).where('notes.id', '=', id).executeTakeFirstOrThrow()) as Row);
        reply.code(201).header('etag', etagOf(note.version));
        return note;
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/users/:id/notes/:noteId',
      access: 'notes.write',
      tag: 'notes',
      summary: 'Edit your own note (If-Match)',
      params: noteParams,
      body: noteBody,
      async handler({ params, body, principal, ctx, request, reply }) {
        const db = ctx.db.kysely;
        await db.transaction().execute(async (trx) => {
          const note = await ownNote(trx, principal!, params.id, params.noteId);
          const ifMatch = ifMatchVersion(request, note.version);
          if (ifMatch !== undefined && ifMatch !== note.version) throw preconditionFailed();
          await trx
            .updateTable('notes')
            .set({ body: body.body, updated_at: ctx.clock.now().toISOString(), version: note.version + 1 })
            .where('id', '=', note.id)
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'note.updated',
            targetType: 'user',
            targetId: params.id,
            data: { note: note.id },
          });
        });
        const note = toNote((await notes(db).where('notes.id', '=', params.noteId).executeTakeFirstOrThrow()) as Row);
        reply.header('etag', etagOf(note.version));
        return note;
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id/notes/:noteId',
      access: 'notes.write',
      tag: 'notes',
      summary: 'Delete your own note',
      status: 204,
      params: noteParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const note = await ownNote(trx, principal!, params.id, params.noteId);
          await trx.deleteFrom('notes').where('id', '=', note.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'note.deleted',
            targetType: 'user',
            targetId: params.id,
            data: { note: note.id },
          });
        });
        return undefined;
      },
    }),
  ];
}
