import type { Clock } from '../../server/clock';

/** A clock tests move by hand: `set('2024-01-01')`, `advance(ms)`. */
export class TestClock implements Clock {
  private ms: number;
  constructor(start = '2024-01-01T00:00:00.000Z') {
    this.ms = Date.parse(start);
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
