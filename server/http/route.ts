import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import type { Limits, ServerContext } from '../context';
import type { RouteAccess } from '../roles/permissions';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Call<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  request: FastifyRequest;
  reply: FastifyReply;
  ctx: ServerContext;
}

/**
 * One HTTP route: its access rule (a permission, `authenticated` or `public`), its zod schemas (which
 * validate the request and generate the OpenAPI document) and its handler.
 */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  url: string;
  access: RouteAccess;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Bytes; a function when the limit is configurable (`StartOptions.limits`). */
  bodyLimit?: number | ((limits: Limits) => number);
  /** The success status documented in OpenAPI (200 by default). */
  status?: number;
  handler(call: Call<P, Q, B>): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any, any, any>;

export const route = <P = unknown, Q = unknown, B = unknown>(def: Route<P, Q, B>): Route<P, Q, B> => def;
