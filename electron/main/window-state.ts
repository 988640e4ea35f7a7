import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../services/storage/json-file';

const stateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof stateSchema>;

const defaults: WindowState = { width: 1280, height: 820, maximized: false };

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Remembers the main window's size and position; a position off every display is dropped. */
export class WindowStateStore {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'window-state.json');
  }

  load(displays: Rect[]): WindowState {
    const state = readJsonFile(this.path, stateSchema, defaults);
    if (state.x === undefined || state.y === undefined) return state;
    const { x, y } = state;
    const visible = displays.some((d) => x >= d.x && y >= d.y && x < d.x + d.width - 50 && y < d.y + d.height - 50);
    return visible ? state : { width: state.width, height: state.height, maximized: state.maximized };
  }

  save(bounds: Rect, maximized: boolean): void {
    writeJsonFile(this.path, { ...bounds, maximized });
  }
}
