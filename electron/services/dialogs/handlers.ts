import type { HandlersOf } from '../ipc/handlers';
import { filtersByKind, type DialogPort } from './dialog-port';
import type { FileHandles } from './file-handles';

export function dialogHandlers(deps: { dialogs: DialogPort; files: FileHandles }): HandlersOf<'dialogs'> {
  return {
    'dialogs/openFile': async ({ kind, title }) => {
      const path = await deps.dialogs.openFile({ kind, title, filters: filtersByKind[kind] });
      return path ? deps.files.register(path) : null;
    },
  };
}
