import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact, redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, meta?: unknown): void;
  info(message: string, meta?: unknown): void;
  warn(message: string, meta?: unknown): void;
  error(message: string, meta?: unknown): void;
}

export type LogWriter = (level: LogLevel, line: string) => void;

/** A logger whose every message and metadata pass through `redact` before the writer sees them. */
export function createLogger(write: LogWriter): Logger {
  const log = (level: LogLevel) => (message: string, meta?: unknown) => {
    const text = redactText(message);
    write(level, meta === undefined ? text : `${text} ${JSON.stringify(redact(meta))}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Appends to a log file (and errors to stderr): the logger of the bridge and the CLI. */
export function fileLogWriter(path: string, { echo = false } = {}): LogWriter {
  mkdirSync(dirname(path), { recursive: true });
  return (level, line) => {
    const entry = `[${new Date().toISOString()}] [${level}] ${line}\n`;
    appendFileSync(path, entry);
    if (echo || level === 'error') process.stderr.write(entry);
  };
}

export const silentLogger: Logger = createLogger(() => {});
