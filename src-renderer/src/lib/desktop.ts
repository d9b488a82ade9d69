// The desktop shell's bridge (`window.jarvisDesktop`) when the page runs inside the app; null in a browser or when it looks wrong.

/** What the preload exposes; data never goes through it, only these window requests. */
export interface DesktopBridge {
  readonly platform: string;
  closeQuickGoal(): Promise<unknown>;
  goalSubmitted(goal: { task_id: string | null; goal: string }): Promise<unknown>;
  openMainWindow(route?: string): Promise<unknown>;
}

export function desktopBridge(): DesktopBridge | null {
  const candidate: unknown = (globalThis as { jarvisDesktop?: unknown }).jarvisDesktop;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const b = candidate as Record<string, unknown>;
  const ok = typeof b.platform === 'string' && typeof b.closeQuickGoal === 'function' && typeof b.goalSubmitted === 'function' && typeof b.openMainWindow === 'function';
  return ok ? (candidate as DesktopBridge) : null;
}
