export {
  ALWAYS_IGNORED,
  CONFIG_FILE,
  DEFAULT_ASSETS_DIR,
  DEFAULT_GLOBS,
  DEFAULT_NETWORK_CONCURRENCY,
  DEFAULT_RECORDINGS,
  DEFAULT_REMOTE_URL_TEMPLATE,
  ENV_ASSETS_DIR,
  ENV_FALLBACK_REMOTES,
  ENV_FORK,
  ENV_REMOTE_URL_TEMPLATE,
  ENV_STORE_DIR,
  defaultLocalConcurrency,
} from './defaults.js';
export type { ConfigFileSettings } from './schema.js';
export { configFileSchema, checkGlob } from './schema.js';
export type { ParseConfigResult } from './parse.js';
export { formatSettingPath } from './setting-path.js';
export type { AssetSyncConfig, ConfigSource, ResolveConfigResult } from './load.js';
export { checkAssetsDir, checkStoreDir, defaultConfig, loadConfig, resolveConfig } from './load.js';
export type { RemoteUrl, RemoteUrlOptions } from './remote.js';
export { remoteUrlFor, resolveRemoteUrl } from './remote.js';
export { PLACEHOLDERS, checkCloneUrl, checkUrlTemplate, expandUrlTemplate, sshRemoteOf } from './url.js';
export type { OtherRemote } from './other-remote.js';
export { checkOtherRemote, otherRemoteOf } from './other-remote.js';
