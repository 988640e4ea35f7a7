/**
 * Reads one line from a stream (up to a newline or its end), then lets go of it: how `serve
 * --bootstrap-token-stdin` takes its token from the process that started it, out of sight of
 * `ps` and /proc/<pid>/environ.
 */
import { usageError } from '../../cli-error';

export function readFirstLine(stream: NodeJS.ReadableStream, what: string, maxBytes = 4096): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null, line?: string) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      // Nothing more is read: a stdin pipe left open would keep the process alive after a stop.
      (stream as { destroy?: () => void }).destroy?.();
      if (error) reject(error);
      else resolve(line!);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const newline = buffer.indexOf(10);
      chunks.push(newline === -1 ? buffer : buffer.subarray(0, newline));
      size += buffer.length;
      if (newline !== -1) onEnd();
      else if (size > maxBytes) finish(usageError(`${what} on stdin is longer than ${maxBytes} bytes`));
    };
    const onEnd = () => {
      const line = Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
      if (line === '') finish(usageError(`no ${what} on stdin`));
      else finish(null, line);
    };
    const onError = (error: Error) => finish(usageError(`cannot read ${what} from stdin: ${error.message}`));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
