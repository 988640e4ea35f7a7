import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Problem } from '../../common/api/admin';
import { authenticate } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { ApiError, forbidden } from '../errors';
import { parseJsonBody } from './json-body';
import type { AnyRoute } from './route';
import { zodFieldErrors, describeErrors } from './zod-errors';

export const scimPrefix = '/scim/v2';
const isScim = (url: string) => url.startsWith(scimPrefix);

const statusTitles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
};

export function problemOf(error: ApiError, instance?: string): Problem {
  return {
    type: `https://userdeck.dev/problems/${error.code}`,
    title: statusTitles[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    ...(instance ? { instance } : {}),
    code: error.code,
    ...(error.extra.permission ? { permission: error.extra.permission } : {}),
    ...(error.extra.errors?.length ? { errors: error.extra.errors } : {}),
  };
}

export function scimErrorOf(error: ApiError) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(error.status),
    ...(error.extra.scimType && error.status === 400 ? { scimType: error.extra.scimType } : {}),
    ...(error.status === 409 ? { scimType: 'uniqueness' } : {}),
    ...(error.status === 413 ? { scimType: 'tooMany' } : {}),
    detail: error.message,
  };
}

/** Maps whatever was thrown to an ApiError: ours as they are, Fastify's by status, the rest as 500. */
function asApiError(error: unknown, limit?: number): ApiError {
  if (error instanceof ApiError) return error;
  const fe = error as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new ApiError(
      413,
      'tooLarge',
      limit ? `the request body is too large: at most ${limit} bytes` : 'the request body is too large',
      { scimType: 'tooMany' },
    );
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new ApiError(415, 'unsupportedMediaType', 'send JSON (application/json or application/scim+json)');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new ApiError(fe.statusCode, 'badRequest', fe.message ?? 'bad request', { scimType: 'invalidSyntax' });
  return new ApiError(500, 'internal', 'the server failed to handle this request');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
  if (error.status === 401) reply.header('www-authenticate', 'Bearer');
  if (isScim(request.url)) return reply.code(error.status).type('application/scim+json').send(scimErrorOf(error));
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(problemOf(error, request.url.split('?')[0]));
}

export interface AppLogger {
  error(message: string): void;
}

/** Builds the Fastify app with strict JSON parsing, uniform errors and the given routes. */
export function buildApp(ctx: ServerContext, routes: AnyRoute[], logger?: AppLogger): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.limits.bodyMax,
    routerOptions: { maxParamLength: 500 },
    return503OnClosing: true,
    // Requests Node's HTTP parser rejects (raw non-ASCII in the URL, broken headers) still get a
    // problem+json answer rather than Node's bare text.
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        type: 'https://userdeck.dev/problems/badRequest',
        title: status === 431 ? 'Request Header Fields Too Large' : 'Bad Request',
        status,
        detail:
          status === 431
            ? 'the HTTP request is malformed: its URL or headers are too long (send long SCIM filters with POST /.search)'
            : 'the HTTP request is malformed (percent-encode non-ASCII characters in the URL)',
        code: 'badRequest',
      });
      socket.end(
        `HTTP/1.1 ${status} Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    },
    forceCloseConnections: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setErrorHandler((error, request, reply) => {
    const apiError = asApiError(error, request.routeOptions.bodyLimit);
    if (apiError.status >= 500)
      logger?.error(`${request.method} ${request.url.split('?')[0]}: ${String((error as Error)?.stack ?? error)}`);
    return sendError(request, reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new ApiError(404, 'notFound', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.url,
      ...(def.bodyLimit ? { bodyLimit: typeof def.bodyLimit === 'function' ? def.bodyLimit(ctx.limits) : def.bodyLimit } : {}),
      handler: async (request, reply) => {
        const principal =
          def.access === 'public' ? null : await authenticate(ctx.db.kysely, ctx.clock, request.headers.authorization);
        if (def.access !== 'public' && !principal)
          throw new ApiError(401, 'unauthorized', 'sign in or send a valid API token (Authorization: Bearer …)');
        if (def.access !== 'public' && def.access !== 'authenticated' && !principal!.permissions.has(def.access))
          throw forbidden(def.access);
        const parse = <T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T => {
          if (!schema) return value as T;
          const result = schema.safeParse(value);
          if (result.success) return result.data;
          const errors = zodFieldErrors(result.error, where === 'body' ? '' : where);
          throw new ApiError(400, 'validation', `invalid ${where}: ${describeErrors(errors)}`, {
            errors,
            scimType: errors.some((e) => e.code === 'unknownField') ? 'invalidSyntax' : 'invalidValue',
          });
        };
        const params = parse(def.params, request.params, 'path');
        const query = parse(def.query, request.query, 'query');
        const body = parse(def.body, request.body ?? (def.body ? {} : undefined), 'body');
        const result = await def.handler({ params, query, body, principal, request, reply, ctx });
        if (reply.sent) return reply;
        if (result === undefined) return reply.code(reply.statusCode === 200 ? 204 : reply.statusCode).send();
        if (isScim(request.url) && !reply.hasHeader('content-type')) reply.type('application/scim+json');
        return reply.send(result);
      },
    });
  }
  return app;
}
