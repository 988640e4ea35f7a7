/**
 * The machinery behind `contract.ts`: how a channel is declared and how the renderer's API type and
 * main's handler type are derived from the declarations, so neither is ever written twice.
 */
import type { z } from 'zod';
import type { Result } from './errors';

/** A channel: the zod schema of its input and, as a phantom, the type of its output. */
export interface Channel<I extends z.ZodType, O> {
  input: I;
  /** Never read at run time; carries the output type. */
  output?: O;
}

export function channel<O>() {
  return <I extends z.ZodType>(input: I): Channel<I, O> => ({ input });
}

/** An event main pushes to the renderer, with its payload type as a phantom. */
export interface EventDecl<P> {
  payload?: P;
}

export function event<P>(): EventDecl<P> {
  return {};
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyChannel = Channel<z.ZodType, any>;
export type ChannelMap = Record<`${string}/${string}`, AnyChannel>;
export type EventMap = Record<`${string}/${string}`, EventDecl<unknown>>;

export type InputOf<C extends AnyChannel> = z.input<C['input']>;
export type ParsedInputOf<C extends AnyChannel> = z.output<C['input']>;
export type OutputOf<C extends AnyChannel> = Exclude<C['output'], undefined>;
export type PayloadOf<E extends EventDecl<unknown>> = Exclude<E['payload'], undefined>;

type DomainOf<K> = K extends `${infer D}/${string}` ? D : never;
type ActionOf<K, D extends string> = K extends `${D}/${infer A}` ? A : never;

/** Calls whose input may be omitted take an optional argument. */
type CallArgs<In> = undefined extends In ? [input?: In] : [input: In];

/** The function the renderer calls for one channel. */
type CallOf<C> =
  C extends Channel<infer I, infer O> ? (...args: CallArgs<z.input<I>>) => Promise<Result<Exclude<O, undefined>>> : never;
type PayloadOfDecl<E> = E extends EventDecl<infer P> ? Exclude<P, undefined> : never;

/** `window.userdeck`: one object per domain, one function per action, each resolving to a Result. */
export type ApiOf<M extends ChannelMap, E extends EventMap> = {
  [D in DomainOf<keyof M>]: {
    [K in keyof M as ActionOf<K, D>]: CallOf<M[K]>;
  };
} & {
  /** Subscribes to an event from main; returns the unsubscribe function. */
  on<K extends keyof E & string>(event: K, listener: (payload: PayloadOfDecl<E[K]>) => void): () => void;
};

/** Builds the nested API object from a flat invoke function; used by the preload and the bridge shim. */
export function buildApi<M extends ChannelMap, E extends EventMap>(
  channels: readonly (keyof M & string)[],
  invoke: (channel: string, input: unknown) => Promise<unknown>,
  subscribe: (event: string, listener: (payload: unknown) => void) => () => void,
): ApiOf<M, E> {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of channels) {
    const [domain, action] = name.split('/') as [string, string];
    (api[domain] ??= {})[action] = (input?: unknown) => invoke(name, input);
  }
  return Object.assign(api, {
    on: (event: string, listener: (payload: unknown) => void) => subscribe(event, listener),
  }) as unknown as ApiOf<M, E>;
}
