// What the tray shows, as a pure function of what the core reports: offline, approval needed, paused, working or idle.

/** The counts the shell reads from the core's API. */
export interface CoreReport {
  /** The live stream is open, so the counts are current. */
  connected: boolean;
  /** Tasks queued or running. */
  runningTasks: number;
  pendingApprovals: number;
  killSwitch: boolean;
}

export const TRAY_STATES = ['idle', 'working', 'approval', 'paused', 'offline'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/**
 * The most urgent thing wins: a core that cannot be reached makes every count stale; an approval needs
 * the person; the kill switch explains why nothing moves; then whether anything is running.
 */
export function trayStateOf(report: CoreReport): TrayState {
  if (!report.connected) return 'offline';
  if (report.pendingApprovals > 0) return 'approval';
  if (report.killSwitch) return 'paused';
  if (report.runningTasks > 0) return 'working';
  return 'idle';
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** The tooltip and the status line of the menu: the state in words, with the counts behind it. */
export function trayStatusText(report: CoreReport): string {
  const state = trayStateOf(report);
  switch (state) {
    case 'offline':
      return 'Jarvis: cannot reach its core';
    case 'approval':
      return `Jarvis: ${plural(report.pendingApprovals, 'approval', 'approvals')} waiting for you`;
    case 'paused':
      return `Jarvis: paused by the kill switch${report.runningTasks > 0 ? ` (${plural(report.runningTasks, 'task', 'tasks')} held)` : ''}`;
    case 'working':
      return `Jarvis: working on ${plural(report.runningTasks, 'task', 'tasks')}`;
    case 'idle':
      return 'Jarvis: idle';
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** The icon file (in the icons folder) for each state; each has a @2x twin for high-density displays. */
export function trayIconFile(state: TrayState): string {
  return state === 'idle' ? 'tray.png' : `tray-${state}.png`;
}
