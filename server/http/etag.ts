import type { FastifyReply, FastifyRequest } from 'fastify';
import { preconditionFailed } from '../errors';

/** Weak ETags carry the resource version: `W/"<version>"`. */
export const etagOf = (version: number): string => `W/"${version}"`;

function versionsIn(header: string): (number | '*')[] {
  return header.split(',').map((part) => {
    const t = part.trim();
    if (t === '*') return '*';
    const m = /^(?:W\/)?"(\d{1,15})"$/.exec(t);
    return m ? Number(m[1]) : -1;
  });
}

/** The version required by If-Match (undefined: none or `*`); 412 when no listed tag can match. */
export function ifMatchVersion(request: FastifyRequest, current?: number): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const versions = versionsIn(header);
  if (versions.includes('*')) return undefined;
  const numbers = versions.filter((v): v is number => typeof v === 'number' && v >= 0);
  if (numbers.length === 0) throw preconditionFailed();
  if (current !== undefined) return numbers.includes(current) ? current : numbers[0];
  return numbers[0];
}

/** True (and a 304 sent) when If-None-Match already names the current version. */
export function notModified(request: FastifyRequest, reply: FastifyReply, version: number): boolean {
  reply.header('etag', etagOf(version));
  const header = request.headers['if-none-match'];
  if (typeof header !== 'string') return false;
  const versions = versionsIn(header);
  if (versions.includes('*') || versions.includes(version)) {
    reply.code(304).send();
    return true;
  }
  return false;
}
