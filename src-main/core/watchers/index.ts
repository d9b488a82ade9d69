// Watcher surface.
export { Watchers, WatcherNotFoundError, type Watcher } from './watcher';
export { heartbeatWatcher, HEARTBEAT_COMPONENT } from './heartbeat';
