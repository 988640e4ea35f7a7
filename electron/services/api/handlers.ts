import type { HandlersOf } from '../ipc/handlers';
import type { CancellationRegistry } from './cancellation';

export function apiHandlers(deps: { cancellation: CancellationRegistry }): HandlersOf<'api'> {
  return { 'api/cancel': ({ requestId }) => deps.cancellation.cancel(requestId) };
}
