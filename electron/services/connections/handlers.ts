import type { HandlersOf } from '../ipc/handlers';
import type { CancellationRegistry } from '../api/cancellation';
import type { ConnectionManager } from './manager';

export function connectionHandlers(deps: {
  connections: ConnectionManager;
  cancellation: CancellationRegistry;
}): HandlersOf<'connections'> {
  const { connections, cancellation } = deps;
  return {
    'connections/list': () => connections.state(),
    'connections/create': (input) => connections.create(input),
    'connections/update': ({ id, input }) => connections.update(id, input),
    'connections/duplicate': ({ id }) => connections.duplicate(id),
    'connections/delete': ({ id }) => connections.delete(id),
    'connections/test': ({ id, input, requestId }) =>
      cancellation.run(requestId, (signal) => connections.test({ id, input }, signal)),
    'connections/activate': ({ id }) => connections.activate(id),
    'connections/active': () => connections.active(),
    'connections/signIn': ({ id, secret }) => connections.signIn(id, secret),
    'connections/reconnect': () => connections.reconnect(),
    'connections/disconnect': async () => {
      await connections.disconnect();
      return null;
    },
    'connections/dismissWelcome': () => connections.dismissWelcome(),
    'connections/schema': ({ id }) => connections.cachedSchema(id),
  };
}
