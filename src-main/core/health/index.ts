// Heartbeat surface.
export { recordHeartbeat, lastHeartbeat, startHeartbeat } from './heartbeat';
