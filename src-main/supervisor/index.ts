// The daemon supervisor's surface: plain Node, so the desktop app passes a spawner built on utilityProcess and tests one on child_process.
export { createDaemonSupervisor, describeExit, DaemonUnavailableError, SupervisorSettings } from './supervisor';
export type { DaemonSupervisor, SupervisorEvent, SupervisorOptions, SupervisorPhase, SupervisorReady, SupervisorStatus } from './supervisor';
export { describeSupervisorEvent } from './events';
export { BackoffPolicy, DEFAULT_BACKOFF, restartDelayMs } from './backoff';
export { probeDaemon, type DaemonHello } from './probe';
export { nodeDaemonSpawner, type DaemonExit, type DaemonProcess, type NodeDaemonCommand, type SpawnDaemon, type SpawnRequest } from './process';
