/**
 * OAuth2 client credentials (RFC 6749 §4.4) against a real authorization server (oauth2-mock-server)
 * and the real directory server. The authorization server hands out, as its access token, an API
 * token the directory accepts: an identity provider and a resource server that trust each other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/index';
import { startFaultFront, type FaultFront } from '../../../tests/helpers/net-front';
import { createApiClient, type ApiClient } from './index';
import { failure } from '../../../tests/helpers/failure';

const adminToken = `oauth-test-${randomUUID()}`;
const clientId = 'userdeck-desktop';
const clientSecret = `s3cr3t/${randomUUID()}`;
let server: RunningServer;
let dataDir: string;
let oauth: OAuth2Server;
let front: FaultFront;
let issued: { id: string; token: string };
const tokenRequests: { authorization: string | undefined; body: Record<string, string> }[] = [];
const clients: ApiClient[] = [];

async function adminCall<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'userdeck-oauth-'));
  server = await startServer({ dataDir, bootstrapToken: adminToken });
  front = await startFaultFront(server.url);
  issued = (await adminCall<{ id: string; token: string }>('POST', '/api/v1/tokens', { name: 'oauth-client', role: 'auditor' }))
    .body;

  oauth = new OAuth2Server();
  await oauth.issuer.keys.generate('RS256');
  await oauth.start(0, '127.0.0.1');
  oauth.service.on(
    'beforeResponse',
    (
      response: { body: Record<string, unknown>; statusCode: number },
      req: IncomingMessage & { body: Record<string, string> },
    ) => {
      tokenRequests.push({ authorization: req.headers.authorization, body: { ...req.body } });
      const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')
        .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
      if (id !== clientId || secret !== clientSecret) {
        response.statusCode = 401;
        response.body = { error: 'invalid_client' };
        return;
      }
      response.body.access_token = issued.token;
      response.body.expires_in = Number(req.body.scope === 'short-lived' ? 10 : 3600);
    },
  );
});

afterAll(async () => {
  for (const api of clients) api.dispose();
  await oauth.stop();
  await front.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client(secret = clientSecret, scope: string | null = 'directory.read', onReauthRequired?: () => void) {
  const api = createApiClient({
    baseUrl: front.url,
    credentials: { method: 'oauth2', tokenUrl: `${oauth.issuer.url}/token`, clientId, scope, clientSecret: secret },
    proxy: { mode: 'none' },
    onReauthRequired,
  });
  clients.push(api);
  return api;
}

describe('OAuth2 client credentials', () => {
  it('gets a token with client_secret_basic, sends it as Bearer, and reuses it until it expires', async () => {
    const before = tokenRequests.length;
    const api = client();
    expect((await api.admin.me()).token?.name).toBe('oauth-client');
    await api.admin.capabilities();
    const requests = tokenRequests.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toEqual({ grant_type: 'client_credentials', scope: 'directory.read' });
    expect(requests[0]!.authorization).toMatch(/^Basic /);
    expect(front.calls.at(-1)!.headers.authorization).toBe(`Bearer ${issued.token}`);
  });

  it('renews a token close to its expiry before using it', async () => {
    const before = tokenRequests.length;
    const api = client(clientSecret, 'short-lived');
    await api.admin.me();
    await api.admin.me();
    expect(tokenRequests.length - before).toBe(2);
  });

  it('reports a refused client secret clearly', async () => {
    expect(await failure(client('wrong-secret').admin.me())).toMatchObject({
      code: 'unauthorized',
      key: 'errors.badClientCredentials',
    });
  });

  it('on 401 gets a new token once, then asks for re-authentication', async () => {
    let reauth = 0;
    const api = client(clientSecret, 'directory.read', () => reauth++);
    await api.admin.me();
    const before = tokenRequests.length;
    front.failNext([{ status: 401 }, { status: 401 }], /auth\/me/);
    expect(await failure(api.admin.me())).toMatchObject({ code: 'unauthorized', key: 'errors.reauthRequired' });
    expect(tokenRequests.length - before).toBe(1);
    expect(reauth).toBe(1);
  });
});
