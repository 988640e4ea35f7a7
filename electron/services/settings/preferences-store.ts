import { join } from 'node:path';
import { defaultPreferences, preferencesSchema, type Preferences } from '../../../common/preferences';
import { readJsonFile, writeJsonFile } from '../storage/json-file';

/** The app's preferences in `<dataDir>/preferences.json`. */
export class PreferencesStore {
  private readonly path: string;
  private current: Preferences;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'preferences.json');
    this.current = readJsonFile(this.path, preferencesSchema, defaultPreferences);
  }

  get(): Preferences {
    return { ...this.current };
  }

  update(patch: Partial<Preferences>): Preferences {
    this.current = preferencesSchema.parse({ ...this.current, ...patch });
    writeJsonFile(this.path, this.current);
    return this.get();
  }
}
