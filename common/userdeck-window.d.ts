import type { UserdeckApi } from './contract';

declare global {
  interface Window {
    /** Exposed by the preload (Electron) or the bridge shim (browser); the only way out of the page. */
    readonly userdeck: UserdeckApi;
  }
}

export {};
