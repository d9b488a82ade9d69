// Settings surface.
export { loadSettings, defaultHome, ConfigError, APP_NAME } from './settings';
export type { Settings, LoadOptions } from './settings';
