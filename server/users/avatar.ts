import { z } from 'zod';
import type { User } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import { badRequest, notFound, preconditionFailed } from '../errors';
import { etagOf, ifMatchVersion } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { loadUser } from './load';

/** A small square picture, kept inline with the user (the desktop crops and shrinks it first). */
export const AVATAR_MAX_BYTES = 128 * 1024;

const signatures: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Checks a `data:` URL of a PNG, JPEG or WebP image: the declared type must match the bytes, and the size the limit. */
export function checkAvatar(dataUrl: string): string {
  const match = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!match)
    throw badRequest('the avatar must be a PNG, JPEG or WebP image as a base64 data: URL', [{ field: 'image', code: 'format' }]);
  const bytes = Buffer.from(match[2]!, 'base64');
  if (bytes.length > AVATAR_MAX_BYTES)
    throw badRequest(`the avatar is larger than ${AVATAR_MAX_BYTES / 1024} KB`, [
      { field: 'image', code: 'tooLong', params: { max: AVATAR_MAX_BYTES } },
    ]);
  if (!signatures[match[1]!]!(bytes))
    throw badRequest('the image data does not match its type', [{ field: 'image', code: 'format' }]);
  return `data:${match[1]};base64,${bytes.toString('base64')}`;
}

const idParams = z.object({ id: z.string().min(1).max(100) });

/** `PUT|DELETE /api/v1/users/:id/avatar`: the user's picture (If-Match like any user write). */
export function avatarRoutes(): AnyRoute[] {
  const write = (image: string | null) =>
    async function handler({ params, principal, ctx, request, reply }: Parameters<AnyRoute['handler']>[0]): Promise<User> {
      const id = (params as { id: string }).id;
      const ifMatch = ifMatchVersion(request);
      await ctx.db.kysely.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('users')
          .select(['version', 'deleted_at', 'anonymized_at'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row || row.deleted_at || row.anonymized_at) throw notFound('user');
        if (ifMatch !== undefined && ifMatch !== row.version) throw preconditionFailed();
        const result = await trx
          .updateTable('users')
          .set({ avatar_url: image, version: row.version + 1, updated_at: ctx.clock.now().toISOString() })
          .where('id', '=', id)
          .where('version', '=', row.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw preconditionFailed();
        await appendActivity(trx, ctx.clock, principal!.actor, {
          action: 'user.updated',
          targetType: 'user',
          targetId: id,
          data: { fields: ['avatar'] },
        });
      });
      const user = (await loadUser(ctx.db.kysely, id))!;
      reply.header('etag', etagOf(user.version));
      return user;
    };
  return [
    route({
      method: 'PUT',
      url: '/api/v1/users/:id/avatar',
      access: 'users.update',
      tag: 'users',
      summary: "Set a user's picture: a PNG, JPEG or WebP data: URL of at most 128 KB (If-Match refuses lost updates)",
      params: idParams,
      bodyLimit: 256 * 1024,
      body: z.object({ image: z.string().max(200_000) }).strict(),
      handler: async (call) => write(checkAvatar(call.body.image))(call),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id/avatar',
      access: 'users.update',
      tag: 'users',
      summary: "Remove a user's picture (the default avatar shows again)",
      params: idParams,
      handler: (call) => write(null)(call),
    }),
  ];
}
