import type { EventSink } from '../events/event-sink';
import type { HandlersOf } from '../ipc/handlers';
import type { PreferencesStore } from './preferences-store';

export function settingsHandlers(deps: { preferences: PreferencesStore; emit: EventSink }): HandlersOf<'settings'> {
  return {
    'settings/get': () => deps.preferences.get(),
    'settings/update': (patch) => {
      const next = deps.preferences.update(patch);
      deps.emit('settings/changed', next);
      return next;
    },
  };
}
