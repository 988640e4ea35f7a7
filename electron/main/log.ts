import log from 'electron-log/main';
import { createLogger, type Logger } from '../services/log/logger';

/** electron-log behind the redacting Logger: nothing reaches the log file unredacted. */
export function createMainLogger(): Logger {
  log.initialize({ preload: false });
  log.transports.file.level = 'info';
  log.transports.console.level = process.env.NODE_ENV === 'development' ? 'debug' : 'warn';
  return createLogger((level, line) => log[level](line));
}
