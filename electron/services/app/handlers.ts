import type { AppInfo } from '../../../common/contract';
import type { HandlersOf } from '../ipc/handlers';

export function appHandlers(info: AppInfo): HandlersOf<'app'> {
  return { 'app/info': () => ({ ...info }) };
}
