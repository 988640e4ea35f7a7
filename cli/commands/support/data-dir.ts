import { defaultDataDir } from '../../../electron/services/app/data-dir';

/** Where jobs' journals and mapping presets live: `USERDECK_DATA_DIR`, else the app's data folder. */
export const cliDataDir = (): string => process.env.USERDECK_DATA_DIR || defaultDataDir();
