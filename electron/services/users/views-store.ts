import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../common/errors';
import type { SavedView, UserQuery, UsersViewState } from '../../../common/users/directory';
import { readJsonFile, writeJsonFile } from '../storage/json-file';

const MAX_VIEWS = 100;

const fileSchema = z.object({
  version: z.literal(1),
  connections: z.record(
    z.string(),
    z.object({
      views: z.array(
        z.object({ id: z.string(), name: z.string(), query: z.record(z.string(), z.string()), createdAt: z.string() }),
      ),
      columns: z.array(z.string()).nullable(),
    }),
  ),
});
type ViewsFile = z.infer<typeof fileSchema>;

/**
 * Saved views and the chosen columns of the users list, per connection, in
 * `<dataDir>/users-views.json`. They are the admin's own arrangement of the app, not directory
 * data, so they stay on this computer.
 */
export class UsersViewsStore {
  private readonly path: string;
  private data: ViewsFile;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'users-views.json');
    this.data = readJsonFile(this.path, fileSchema, { version: 1, connections: {} });
  }

  state(connectionId: string): UsersViewState {
    const entry = this.data.connections[connectionId];
    return structuredClone(entry ?? { views: [], columns: null });
  }

  private update(connectionId: string, change: (entry: UsersViewState) => void): UsersViewState {
    const entry = this.data.connections[connectionId] ?? { views: [], columns: null };
    change(entry);
    this.data.connections[connectionId] = entry;
    writeJsonFile(this.path, this.data);
    return this.state(connectionId);
  }

  /** Saves a view; a view of the same name is replaced (saving again updates it). */
  save(connectionId: string, name: string, query: UserQuery): UsersViewState {
    return this.update(connectionId, (entry) => {
      const existing = entry.views.find((v) => v.name.toLowerCase() === name.toLowerCase());
      if (existing) {
        existing.query = query;
        return;
      }
      if (entry.views.length >= MAX_VIEWS)
        throw new AppError('validation', { field: 'name', max: MAX_VIEWS }, { key: 'users.views.tooMany' });
      const view: SavedView = { id: randomUUID(), name, query, createdAt: new Date().toISOString() };
      entry.views.push(view);
    });
  }

  delete(connectionId: string, viewId: string): UsersViewState {
    return this.update(connectionId, (entry) => {
      entry.views = entry.views.filter((v) => v.id !== viewId);
    });
  }

  setColumns(connectionId: string, columns: string[] | null): UsersViewState {
    return this.update(connectionId, (entry) => {
      entry.columns = columns;
    });
  }

  /** Forgets a deleted connection's views. */
  forget(connectionId: string): void {
    if (!this.data.connections[connectionId]) return;
    delete this.data.connections[connectionId];
    writeJsonFile(this.path, this.data);
  }
}
