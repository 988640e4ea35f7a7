import type { z } from 'zod';
import { AppError, type AppErrorData, type FieldIssue, type Result } from '../../../common/errors';
import { contract } from '../../../common/contract';
import type { Logger } from '../log/logger';
import type { CallContext, Handlers } from './handlers';

export type Dispatch = (channel: string, input: unknown, ctx: CallContext) => Promise<Result<unknown>>;

const channels = contract as Record<string, { input: z.ZodType }>;

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const params: FieldIssue['params'] = {};
    if ('expected' in issue && typeof issue.expected === 'string') params.expected = issue.expected;
    return { path: issue.path.map(String).join('.'), key: `validation.${issue.code}`, params };
  });
}

/**
 * Validates a call against the contract and runs its handler. Whatever happens, the caller gets a
 * Result with typed data: never an exception, a message text or a stack.
 */
export function createDispatcher(handlers: Handlers, logger: Logger): Dispatch {
  const table = handlers as unknown as Record<string, (input: unknown, ctx: CallContext) => unknown>;
  return async (channel, input, ctx) => {
    const decl = Object.hasOwn(channels, channel) ? channels[channel] : undefined;
    const handler = Object.hasOwn(table, channel) ? table[channel] : undefined;
    if (!decl || !handler) {
      logger.warn('ipc: unknown channel refused', { channel, via: ctx.via });
      return failure(new AppError('unknownChannel', { channel: String(channel).slice(0, 100) }));
    }
    const parsed = decl.input.safeParse(input);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      return failure(new AppError('invalidInput', { channel, field: issues[0]?.path ?? '' }, { issues }));
    }
    try {
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (error) {
      if (error instanceof AppError) return failure(error);
      logger.error('ipc: handler failed', { channel, error });
      return failure(new AppError('internal', { channel }));
    }
  };
}

function failure(error: AppError): { ok: false; error: AppErrorData } {
  return { ok: false, error: error.toData() };
}
