/**
 * The browser bridge (DESIGN.md §6): serves the built renderer and the same handler map as Electron
 * main over loopback HTTP. Calls need the per-run token; requests from another origin or another
 * Host are refused, so neither a web page nor DNS rebinding can reach the handlers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Dispatch } from '../services/ipc/dispatch';
import type { Logger } from '../services/log/logger';
import { contentSecurityPolicy } from '../../common/csp';
import type { QueueDialogs } from './queue-dialogs';
import { POPUP_PREFIX, type BridgePopups } from './popups';

export interface BridgeOptions {
  host?: string;
  port?: number;
  rendererDir: string;
  dispatch: Dispatch;
  logger: Logger;
  /** When set, the test endpoint that fills the dialog queues is enabled. */
  testDialogs?: QueueDialogs;
  token?: string;
  /** One-time redirects to the portal for impersonation popups. */
  popups?: BridgePopups;
}

export interface Bridge {
  /** The page URL, token included. */
  url: string;
  origin: string;
  token: string;
  /** Sends an event to every open page. */
  emit(event: string, payload: unknown): void;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

async function bundleShim(): Promise<string> {
  const entry = fileURLToPath(new URL('./shim.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
    target: 'es2022',
    minify: true,
  });
  return result.outputFiles[0]!.text;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sameToken(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const shim = await bundleShim();
  const root = normalize(options.rendererDir);
  const streams = new Set<ServerResponse>();
  let origin = '';
  let hostHeader = '';

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      ...extra,
    });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown) =>
    send(res, status, JSON.stringify(value), 'application/json');

  const serveStatic = async (res: ServerResponse, pathname: string) => {
    const relative = pathname === '/' ? '/index.html' : decodeURIComponent(pathname);
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) return send(res, 404, 'Not found', 'text/plain');
    try {
      let body: Buffer | string = await readFile(file);
      if (file.endsWith('index.html')) {
        // The shim must define window.userdeck before the app's module script runs.
        body = body.toString('utf8').replace('<head>', '<head><script src="/__userdeck/shim.js"></script>');
      }
      send(res, 200, body, mimeTypes[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(res, 404, 'Not found', 'text/plain');
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      // Loopback only, and only under our own name: refuses DNS-rebinding and cross-site requests.
      if (req.headers.host !== hostHeader) return send(res, 421, 'Misdirected request', 'text/plain');
      if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(res, 403, 'Forbidden', 'text/plain');

      if (url.pathname === '/__userdeck/shim.js') return send(res, 200, shim, 'text/javascript; charset=utf-8');
      // A popup's navigation carries no token header: the unguessable one-time path is the permission.
      if (url.pathname.startsWith(POPUP_PREFIX) && req.method === 'GET' && options.popups) {
        const target = options.popups.take(url.pathname);
        if (!target) return send(res, 404, 'Not found', 'text/plain');
        res.writeHead(302, { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
        return res.end();
      }
      if (!url.pathname.startsWith('/__userdeck/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain');
        return serveStatic(res, url.pathname);
      }
      if (!sameToken(req.headers['x-userdeck-token'], token)) return json(res, 401, { error: 'bad token' });

      if (url.pathname === '/__userdeck/events' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
        res.write('\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (req.method !== 'POST') return send(res, 405, 'Method not allowed', 'text/plain');
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse((await readBody(req)) || '{}');
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return json(res, 400, { ok: false, error: { code: 'invalidInput', key: 'errors.invalidInput', params: {} } });
      }
      if (url.pathname.startsWith('/__userdeck/invoke/')) {
        const channel = decodeURIComponent(url.pathname.slice('/__userdeck/invoke/'.length));
        return json(res, 200, await options.dispatch(channel, 'input' in body ? body.input : undefined, { via: 'bridge' }));
      }
      if (url.pathname === '/__userdeck/test/dialogs' && options.testDialogs) {
        const dialogs = options.testDialogs;
        if (Array.isArray(body.open)) dialogs.queueOpen(...body.open.map((p) => (typeof p === 'string' ? p : null)));
        if (Array.isArray(body.save)) dialogs.queueSave(...body.save.map((p) => (typeof p === 'string' ? p : null)));
        return json(res, 200, { requests: dialogs.requests });
      }
      return json(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      options.logger.error('bridge: request failed', { error });
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'internal', key: 'errors.internal', params: {} } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('bridge: no address');
  hostHeader = `${host}:${address.port}`;
  origin = `http://${hostHeader}`;

  return {
    url: `${origin}/?bridgeToken=${token}`,
    origin,
    token,
    emit(event, payload) {
      const line = `${JSON.stringify({ event, payload })}\n`;
      for (const res of streams) res.write(line);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
