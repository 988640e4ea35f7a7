/** Argument parsing and error mapping shared by the file commands (inspect, convert, validate, plan, apply, export, template). */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../../common/errors';
import { encodingNames, type EncodingName, type MappingTarget } from '../../../common/files/types';
import { fieldSchemaSchema, type FieldSchema } from '../../../common/users/fields';
import { FileError } from '../../../electron/services/files/errors';
import { CliError, networkError, usageError } from '../../cli-error';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(args: string[], options: O, positionals: { min: number; max: number; names: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0]!.split('. To specify')[0]!);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw usageError(`missing ${positionals.names}`);
  if (count > positionals.max) throw usageError(`unexpected argument "${parsed.positionals[positionals.max]}"`);
  return parsed;
}

/** The options every file-reading command understands. */
export const readOptions = {
  json: { type: 'boolean' },
  sheet: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'header-row': { type: 'string' },
  map: { type: 'string', multiple: true },
  'unknown-columns': { type: 'string' },
} as const;

export function readSettings(values: {
  sheet?: string;
  encoding?: string;
  delimiter?: string;
  'header-row'?: string;
  map?: string[];
  'unknown-columns'?: string;
}) {
  const out: {
    sheet?: string;
    encoding?: EncodingName;
    delimiter?: string;
    headerRow?: number;
    overrides?: Record<string, MappingTarget>;
    unknownColumns?: 'ignore' | 'custom';
  } = {};
  if (values.sheet !== undefined) out.sheet = values.sheet;
  if (values.encoding !== undefined) {
    if (!(encodingNames as readonly string[]).includes(values.encoding))
      throw usageError(`--encoding must be one of ${encodingNames.join(', ')}`);
    out.encoding = values.encoding as EncodingName;
  }
  if (values.delimiter !== undefined) {
    const d = values.delimiter === '\\t' || values.delimiter === 'tab' ? '\t' : values.delimiter;
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw usageError('--delimiter must be one character (or "tab")');
    out.delimiter = d;
  }
  if (values['header-row'] !== undefined) {
    const n = Number(values['header-row']);
    if (!Number.isInteger(n) || n < 0) throw usageError('--header-row must be a 0-based row number');
    out.headerRow = n;
  }
  if (values.map?.length) {
    out.overrides = {};
    for (const item of values.map) {
      const eq = item.lastIndexOf('=');
      if (eq <= 0) throw usageError(`--map takes "Column=field" (or "Column=" to ignore), not "${item}"`);
      out.overrides[item.slice(0, eq)] = item.slice(eq + 1) || null;
    }
  }
  if (values['unknown-columns'] !== undefined) {
    if (values['unknown-columns'] !== 'ignore' && values['unknown-columns'] !== 'custom')
      throw usageError('--unknown-columns must be "ignore" or "custom"');
    out.unknownColumns = values['unknown-columns'];
  }
  return out;
}

/** A cached schema file: a FieldSchema, the connection cache entry, or capabilities. */
export function loadSchemaFile(path: string): FieldSchema {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(code ? `cannot read the schema file ${path} (${code})` : `the schema file ${path} is not JSON`);
  }
  const candidates = [
    json,
    (json as { fieldSchema?: unknown })?.fieldSchema,
    (json as { capabilities?: { fieldSchema?: unknown } })?.capabilities?.fieldSchema,
  ];
  for (const candidate of candidates) {
    const parsed = fieldSchemaSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  throw usageError(`the schema file ${path} is not a cached field schema (customFields, policies, roles, languages)`);
}

const networkCodes = new Set(['offline', 'unreachable', 'timeout', 'tls', 'server', 'rateLimited']);

/** Runs a command body, turning expected failures into one line and an exit code (2 bad input, 3 network). */
export async function guard<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof FileError) throw usageError(error.message);
    if (error instanceof AppError) throw appErrorToCli(error);
    throw error;
  }
}

export function appErrorToCli(error: AppError): CliError {
  const params = Object.entries(error.params)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const detail = `${error.code}${params ? ` (${params})` : ''}`;
  if (networkCodes.has(error.code)) return networkError(`cannot reach the directory: ${detail}`);
  if (error.code === 'unauthorized') return usageError(`the directory refused the token: ${detail}`);
  if (error.code === 'forbidden') return usageError(`the token may not do this: ${detail}`);
  if (error.code === 'cancelled') return new CliError('cancelled', 1);
  return usageError(`the directory refused the request: ${detail}`);
}

export const writeJson = (stream: NodeJS.WritableStream, value: unknown) => stream.write(`${JSON.stringify(value, null, 2)}\n`);
