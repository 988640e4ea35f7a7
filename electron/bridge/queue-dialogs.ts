import type { DialogPort } from '../services/dialogs/dialog-port';

/**
 * The bridge's stand-in for native dialogs: answers come from queues the tests fill over the
 * bridge's test endpoint. An empty queue answers "cancelled".
 */
export class QueueDialogs implements DialogPort {
  private readonly opens: (string | null)[] = [];
  private readonly saves: (string | null)[] = [];
  readonly requests: { type: 'open' | 'save'; kind?: string }[] = [];

  queueOpen(...paths: (string | null)[]): void {
    this.opens.push(...paths);
  }

  queueSave(...paths: (string | null)[]): void {
    this.saves.push(...paths);
  }

  async openFile({ kind }: Parameters<DialogPort['openFile']>[0]): Promise<string | null> {
    this.requests.push({ type: 'open', kind });
    return this.opens.shift() ?? null;
  }

  async saveFile(): Promise<string | null> {
    this.requests.push({ type: 'save' });
    return this.saves.shift() ?? null;
  }
}
