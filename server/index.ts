/**
 * The Userdeck directory server (DESIGN.md §4), embeddable: the `serve` command, the desktop app's
 * Local directory and the tests all start it through `startServer`.
 */
import type { AddressInfo } from 'node:net';
import { activityRoutes } from './activity/routes';
import { ensureBootstrapToken } from './auth/bootstrap';
import { authRoutes } from './auth/routes';
import { capabilityRoutes } from './capabilities/routes';
import { systemClock, type Clock } from './clock';
import { defaultLimits, type Limits, type ServerContext } from './context';
import { openDatabase } from './db/database';
import { buildApp, type AppLogger } from './http/app';
import { openApiDocument } from './http/openapi';
import { route, type AnyRoute } from './http/route';
import { ensureBuiltinRoles } from './roles/seed';
import { userRoutes } from './users/routes';
import { groupRoutes } from './groups/routes';
import { roleRoutes } from './roles/routes';
import { tagRoutes } from './tags/routes';
import { customFieldRoutes } from './custom-fields/routes';
import { tokenRoutes } from './auth/token-routes';
import { scimBulkRoutes } from './scim/bulk-routes';
import { scimDiscoveryRoutes } from './scim/discovery-routes';
import { scimGroupRoutes } from './scim/groups-routes';
import { scimUserRoutes } from './scim/users-routes';
import { startBackground } from './background/index';
import { noBackground, type BackgroundOptions } from './background/types';
import { lifecycleApiRoutes } from './lifecycle/setup';
import { registerPortal } from './portal/plugin';

export const serverVersion = '0.1.0';

export interface StartOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** `postgres://…`; SQLite in dataDir otherwise. */
  databaseUrl?: string;
  /** Creates an Administrator API token with this value when it does not exist yet. */
  bootstrapToken?: string;
  /** false serves SCIM only (a "plain SCIM" backend). Default true. */
  adminApi?: boolean;
  clock?: Clock;
  logger?: AppLogger;
  limits?: Partial<Limits>;
  /** Job chunk size and pause, sweep interval, mail polling (defaults suit a server). */
  background?: Partial<BackgroundOptions>;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  /** Every route served, with its access rule (the role matrix test walks them). */
  routes: AnyRoute[];
  close(): Promise<void>;
}

/** All routes of a server: the admin API (unless SCIM-only) and SCIM. */
export function allRoutes(options: { adminApi: boolean }): AnyRoute[] {
  const admin: AnyRoute[] = options.adminApi
    ? [
        ...authRoutes(),
        ...tokenRoutes(),
        ...capabilityRoutes(),
        ...userRoutes(),
        ...groupRoutes(),
        ...roleRoutes(),
        ...tagRoutes(),
        ...customFieldRoutes(),
        ...activityRoutes(),
        ...lifecycleApiRoutes(),
      ]
    : [];
  const openapi = options.adminApi
    ? [
        route({
          method: 'GET',
          url: '/api/v1/openapi.json',
          access: 'public',
          tag: 'meta',
          summary: 'This OpenAPI document',
          async handler({ ctx }) {
            return openApiDocument([...admin], ctx.version);
          },
        }),
      ]
    : [];
  const scim = [...scimDiscoveryRoutes(), ...scimUserRoutes(), ...scimGroupRoutes(), ...scimBulkRoutes()];
  return [...admin, ...openapi, ...scim];
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const db = await openDatabase({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    await ensureBuiltinRoles(db.kysely, clock);
    if (options.bootstrapToken) await ensureBootstrapToken(db.kysely, clock, options.bootstrapToken);
    const ctx: ServerContext = {
      db,
      clock,
      limits: { ...defaultLimits, ...options.limits },
      version: serverVersion,
      background: noBackground,
    };
    const routes = allRoutes({ adminApi: options.adminApi ?? true });
    const app = buildApp(ctx, routes, options.logger);
    if (options.adminApi ?? true) await registerPortal(app, ctx, options.logger);
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port ?? 0, host });
    const { port } = app.server.address() as AddressInfo;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${port}`;
    try {
      ctx.background = await startBackground(ctx, {
        serverUrl: url,
        databaseUrl: options.databaseUrl,
        logger: options.logger,
        options: options.background,
      });
    } catch (error) {
      await app.close();
      throw error;
    }
    return {
      url,
      port,
      host,
      routes,
      async close() {
        await ctx.background.stop();
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
