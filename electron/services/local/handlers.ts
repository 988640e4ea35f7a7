import { LOCAL_CONNECTION_ID } from '../../../common/connections';
import type { ConnectionManager } from '../connections/manager';
import type { HandlersOf } from '../ipc/handlers';
import type { LocalDirectory } from './local-directory';

export function localHandlers(deps: { local: LocalDirectory; connections: ConnectionManager }): HandlersOf<'local'> {
  const { local, connections } = deps;
  return {
    'local/status': () => local.status(),
    // First run: start it with the sample data or empty, then work with it.
    'local/initialize': async ({ sample }) => {
      await local.initialize(sample);
      return connections.activate(LOCAL_CONNECTION_ID);
    },
    'local/stop': async () => {
      if (connections.active()?.id === LOCAL_CONNECTION_ID) await connections.disconnect();
      await local.stop();
      return local.status();
    },
  };
}
