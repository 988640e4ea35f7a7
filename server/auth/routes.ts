import { z } from 'zod';
import type { Me, TokenPair } from '../../common/api/admin';
import { appendActivity } from '../activity/log';
import { ApiError } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { loadUser } from '../users/load';
import { AttemptLimiter, login, refresh, revokeSession } from './service';

export function authRoutes(): AnyRoute[] {
  // Made on the first sign-in: its size comes from the server's limits.
  let limiter: AttemptLimiter | undefined;
  return [
    route({
      method: 'POST',
      url: '/api/v1/auth/login',
      access: 'public',
      tag: 'auth',
      summary: 'Sign in with username (or email) and password',
      body: z.object({ username: z.string().min(1).max(254), password: z.string().min(1).max(1024) }).strict(),
      async handler({ body, ctx, request }): Promise<TokenPair> {
        limiter ??= new AttemptLimiter(ctx.limits.loginAttemptsPerMinute, 60_000);
        const wait = limiter.take(request.ip, ctx.clock.now().getTime());
        if (wait > 0)
          throw new ApiError(429, 'rateLimited', `too many sign-in attempts from this address: wait ${wait} s`, {
            headers: { 'retry-after': String(wait) },
          });
        return login(ctx, body, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      access: 'public',
      tag: 'auth',
      summary: 'Trade a refresh token for a new token pair (each refresh token works once)',
      body: z.object({ refreshToken: z.string().min(1).max(200) }).strict(),
      async handler({ body, ctx }): Promise<TokenPair> {
        return refresh(ctx, body.refreshToken);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/logout',
      access: 'authenticated',
      tag: 'auth',
      summary: "End the caller's session",
      status: 204,
      async handler({ principal, ctx }) {
        if (principal!.sessionId) {
          await revokeSession(ctx, principal!.sessionId);
          await appendActivity(ctx.db.kysely, ctx.clock, principal!.actor, {
            action: 'auth.logout',
            targetType: 'session',
            targetId: principal!.sessionId,
          });
        }
        return undefined;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/auth/me',
      access: 'authenticated',
      tag: 'auth',
      summary: 'The caller and their effective permissions',
      async handler({ principal, ctx }): Promise<Me> {
        const p = principal!;
        const user = p.userId ? await loadUser(ctx.db.kysely, p.userId) : null;
        return {
          user: user
            ? {
                id: user.id,
                username: user.username,
                email: user.email,
                firstName: user.firstName,
                lastName: user.lastName,
                displayName: user.displayName,
                roles: user.roles,
              }
            : null,
          ...(p.kind === 'token' ? { token: { id: p.id, name: p.name } } : {}),
          permissions: [...p.permissions].sort(),
        };
      },
    }),
  ];
}
