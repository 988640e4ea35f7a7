/**
 * Real network pieces put in front of a real server, for the failures a healthy local server never
 * shows: a forwarding front that can answer the next calls with 429/503 or stall them, a TLS front
 * with a chosen certificate, and an HTTP CONNECT proxy. Each records what went through it.
 */
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Stall this long before answering (or forwarding, when status is 0). */
  delayMs?: number;
}

export interface FaultFront {
  url: string;
  port: number;
  calls: RecordedCall[];
  /** The next calls (matching `path` when given) get these answers instead of reaching the server. */
  failNext(faults: Fault[], path?: RegExp): void;
  close(): Promise<void>;
}

function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closer(server: Server | ReturnType<typeof createNetServer>, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server | ReturnType<typeof createNetServer>): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** An HTTP front forwarding to `upstream` (http://127.0.0.1:PORT). */
export async function startFaultFront(upstream: string): Promise<FaultFront> {
  const target = new URL(upstream);
  const queue: { fault: Fault; path?: RegExp }[] = [];
  const calls: RecordedCall[] = [];
  const server = createHttpServer((req, res) => {
    calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const index = queue.findIndex((q) => !q.path || q.path.test(req.url ?? ''));
    const fault = index >= 0 ? queue.splice(index, 1)[0]!.fault : undefined;
    const forward = () => {
      const proxied = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      proxied.on('error', () => res.destroy());
      req.pipe(proxied);
    };
    const answer = () => {
      if (!fault || fault.status === 0) return forward();
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/problem+json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ type: 'about:blank', title: 'injected', status: fault.status }));
    };
    if (fault?.delayMs) {
      const timer = setTimeout(answer, fault.delayMs);
      res.on('close', () => clearTimeout(timer));
    } else answer();
  });
  const sockets = track(server);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    failNext: (faults, path) => queue.push(...faults.map((fault) => ({ fault, path }))),
    close: closer(server, sockets),
  };
}

/** A TLS front with the given certificate, forwarding the decrypted bytes to `upstreamPort`. */
export async function startTlsFront(upstreamPort: number, pair: { key: string; cert: string }) {
  const server = createTlsServer({ key: pair.key, cert: pair.cert }, (socket) => {
    const upstream = netConnect(upstreamPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  let handshakes = 0;
  server.on('secureConnection', () => handshakes++);
  const sockets = track(server);
  const port = await listen(server);
  return { port, url: `https://127.0.0.1:${port}`, handshakes: () => handshakes, close: closer(server, sockets) };
}

/**
 * An HTTP proxy that serves CONNECT tunnels (and forwards absolute-form plain requests). `hosts`
 * maps made-up names to addresses, like the proxy's own DNS would.
 */
export async function startConnectProxy(hosts: Record<string, string> = {}) {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const server = createHttpServer((req, res) => {
    // Absolute-form request of a plain-HTTP target.
    forwarded.push(req.url ?? '');
    const url = new URL(req.url ?? '');
    const proxied = httpRequest(
      {
        host: hosts[url.hostname] ?? url.hostname,
        port: url.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect(Number(port), hosts[host ?? ''] ?? host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, tunnels, forwarded, close: closer(server, sockets) };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
