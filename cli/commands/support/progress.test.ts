import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressPrinter } from './progress';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe('progressPrinter', () => {
  it('reports the first count at once, then at most one a second, and the final count once', () => {
    let now = 0;
    const out = sink();
    const progress = progressPrinter(out.stream, { now: () => now });
    progress.update(200);
    now = 400;
    progress.update(400);
    now = 999;
    progress.update(600);
    now = 1000;
    progress.update(800);
    now = 1500;
    progress.update(1000);
    progress.done(1000);
    expect(out.lines).toEqual(['progress: 200 rows done', 'progress: 800 rows done', 'progress: 1000 rows done']);
    progress.done(1000);
    expect(out.lines).toHaveLength(3);
  });

  it('never repeats a count already shown', () => {
    let now = 0;
    const out = sink();
    const progress = progressPrinter(out.stream, { now: () => now });
    progress.update(50);
    now = 5000;
    progress.update(50);
    progress.done(50);
    expect(out.lines).toEqual(['progress: 50 rows done']);
  });
});
