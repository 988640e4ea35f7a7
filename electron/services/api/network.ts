/**
 * How a connection reaches its server: the TLS trust (system roots plus an optional custom CA, and
 * an optional explicitly trusted certificate fingerprint) and the HTTP(S) proxy (the environment's
 * by default). Verification is never switched off: a certificate that fails it is accepted only
 * when its SHA-256 fingerprint is the one the administrator chose to trust.
 */
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions, type TLSSocket, type PeerCertificate } from 'node:tls';

export interface TlsSettings {
  /** PEM of extra certificate authorities, trusted in addition to the system's. */
  caPem?: string | null;
  /** SHA-256 fingerprint (hex, colons optional) of a certificate trusted although it fails verification. */
  trustedFingerprint?: string | null;
}

export type ProxySetting = { mode: 'system' } | { mode: 'none' } | { mode: 'custom'; url: string };

/** What the UI shows about a server certificate so the administrator can decide to trust it. */
export interface CertificateInfo {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

/** A TLS failure with the certificate the server presented. */
export class TlsVerificationError extends Error {
  constructor(
    readonly code: string,
    readonly certificate: CertificateInfo | null,
  ) {
    super(`TLS verification failed: ${code}`);
    this.name = 'TlsVerificationError';
  }
}

export class ProxyError extends Error {
  readonly code = 'EPROXY';
  constructor(readonly status: number | null) {
    super(status === null ? 'proxy connection failed' : `proxy answered ${status}`);
    this.name = 'ProxyError';
  }
}

export const normalizeFingerprint = (value: string): string => value.replace(/[^0-9a-f]/gi, '').toUpperCase();

export function formatFingerprint(value: string): string {
  return (normalizeFingerprint(value).match(/.{2}/g) ?? []).join(':');
}

function dn(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

export function certificateInfo(cert: PeerCertificate | undefined): CertificateInfo | null {
  if (!cert || !cert.fingerprint256) return null;
  return {
    fingerprint256: formatFingerprint(cert.fingerprint256),
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
  };
}

const loopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);

function noProxyMatches(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name, entryPort] = entry.toLowerCase().split(/:(?=\d+$)/) as [string, string | undefined];
      if (entryPort && entryPort !== port) return false;
      const bare = name.replace(/^\*?\./, '');
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/**
 * The proxy for a target, or null for a direct connection. `system` reads HTTPS_PROXY/HTTP_PROXY
 * and NO_PROXY like curl does, and never sends loopback traffic through a proxy.
 */
export function proxyFor(target: URL, setting: ProxySetting, env: NodeJS.ProcessEnv = process.env): URL | null {
  if (setting.mode === 'none') return null;
  if (setting.mode === 'custom') return new URL(setting.url);
  if (loopback(target.hostname)) return null;
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  if (noProxy && noProxyMatches(target, noProxy)) return null;
  const value =
    target.protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy ?? env.ALL_PROXY ?? env.all_proxy);
  if (!value) return null;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return null;
  }
}

const bareHost = (host: string) => host.replace(/^\[|\]$/g, '');

/** Opens a CONNECT tunnel to `host:port` through an HTTP proxy. */
function tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const headers: Record<string, string> = { host: authority };
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const req = httpRequest({
      host: bareHost(proxy.hostname),
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      timeout: timeoutMs,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new ProxyError(res.statusCode ?? null));
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('proxy timeout'), { code: 'ETIMEDOUT' })));
    req.once('error', (error) =>
      reject(error instanceof ProxyError ? error : Object.assign(new ProxyError(null), { cause: error })),
    );
    req.end();
  });
}

export interface SecureAgentOptions extends TlsSettings {
  proxy: URL | null;
  connectTimeoutMs?: number;
}

/**
 * An HTTPS agent that verifies before it hands the socket over, so no byte of a request is ever
 * written to an unverified peer. Through a proxy it tunnels with CONNECT first.
 */
export class SecureAgent extends HttpsAgent {
  private readonly ca: string[] | undefined;
  private readonly pin: string | null;
  private readonly proxy: URL | null;
  private readonly connectTimeoutMs: number;

  constructor(options: SecureAgentOptions) {
    super({ keepAlive: true, maxSockets: 8 });
    this.ca = options.caPem ? [...rootCertificates, options.caPem] : undefined;
    this.pin = options.trustedFingerprint ? normalizeFingerprint(options.trustedFingerprint) : null;
    this.proxy = options.proxy;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  }

  // Node's Agent accepts an asynchronous createConnection: return nothing, call back later.
  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    this.connectVerified(options as ConnectionOptions).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }

  private async connectVerified(options: ConnectionOptions): Promise<TLSSocket> {
    const host = bareHost(String(options.host ?? 'localhost'));
    const port = Number(options.port ?? 443);
    const socket = this.proxy ? await tunnel(this.proxy, host, port, this.connectTimeoutMs) : undefined;
    return new Promise<TLSSocket>((resolve, reject) => {
      const tlsSocket = tlsConnect({
        host,
        port,
        socket,
        servername: isIP(host) ? undefined : (options.servername ?? host),
        ca: this.ca,
        ALPNProtocols: ['http/1.1'],
        // Verified below, before the socket is used: we need the certificate to compare its pin.
        rejectUnauthorized: false,
      });
      const timer = setTimeout(
        () => tlsSocket.destroy(Object.assign(new Error('TLS handshake timeout'), { code: 'ETIMEDOUT' })),
        this.connectTimeoutMs,
      );
      tlsSocket.once('secureConnect', () => {
        clearTimeout(timer);
        if (tlsSocket.authorized) return resolve(tlsSocket);
        const cert = tlsSocket.getPeerCertificate();
        const fingerprint = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : '';
        if (this.pin && fingerprint === this.pin) return resolve(tlsSocket);
        tlsSocket.destroy();
        const reason = this.pin ? 'CERT_FINGERPRINT_MISMATCH' : String(tlsSocket.authorizationError ?? 'CERT_UNTRUSTED');
        reject(new TlsVerificationError(reason, certificateInfo(cert)));
      });
      tlsSocket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }
}

/** The agents and axios proxy option of one connection. */
export interface NetworkSetup {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** axios's own proxy option: used for plain-HTTP targets; HTTPS goes through the tunnel. */
  proxy: false | { protocol: string; host: string; port: number; auth?: { username: string; password: string } };
  destroy(): void;
}

export function createNetwork(baseUrl: URL, tls: TlsSettings, proxySetting: ProxySetting, env = process.env): NetworkSetup {
  const proxy = proxyFor(baseUrl, proxySetting, env);
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  const httpsAgent = new SecureAgent({ ...tls, proxy });
  return {
    httpAgent,
    httpsAgent,
    proxy:
      proxy && baseUrl.protocol === 'http:'
        ? {
            protocol: proxy.protocol.replace(':', ''),
            host: bareHost(proxy.hostname),
            port: Number(proxy.port || 80),
            ...(proxy.username
              ? { auth: { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } }
              : {}),
          }
        : false,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
