// The main process's IPC handlers as a pure dispatcher: who may call each channel, its payload schema (zod), and the action.
import { z } from 'zod';
import { IPC_CHANNELS, type IpcChannel, type IpcReply } from './ipc-channels';
import { checkIpcSender } from './window-options';

/** Which of the app's windows a message came from, as the shell knows it by web contents id. */
export type WindowRole = 'main' | 'quick-goal';

export interface IpcSender {
  /** `event.senderFrame?.url`; null once the frame is gone. */
  frameUrl: string | null | undefined;
  /** Only the top frame of a window may speak; the app has no sub-frames, so one that speaks is not the app. */
  isMainFrame: boolean;
  window: WindowRole | null;
}

/** A route of the renderer (`#/tasks/<id>`): a fixed prefix and URL-safe characters only, never a URL. */
const Route = z.string().max(300).regex(/^#\/[A-Za-z0-9/_.~%-]*$/, 'a route of the app such as "#/tasks/<id>"');

export const GoalSubmitted = z.strictObject({
  task_id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a task id').nullable(),
  goal: z.string().trim().min(1, 'the goal as typed').max(4000),
});
export type GoalSubmitted = z.infer<typeof GoalSubmitted>;

const OpenMain = z.strictObject({ route: Route.optional() });

export interface IpcActions {
  closeQuickGoal(): void;
  goalSubmitted(goal: GoalSubmitted): void;
  openMain(route: string | null): void;
}

interface ChannelSpec<T> {
  payload: z.ZodType<T>;
  from: readonly WindowRole[];
  run(actions: IpcActions, payload: T): void;
}

const spec = <T>(s: ChannelSpec<T>): ChannelSpec<unknown> => s as ChannelSpec<unknown>;

const CHANNELS: Readonly<Record<IpcChannel, ChannelSpec<unknown>>> = Object.freeze({
  [IPC_CHANNELS.closeQuickGoal]: spec({ payload: z.undefined(), from: ['quick-goal'], run: (a) => a.closeQuickGoal() }),
  [IPC_CHANNELS.goalSubmitted]: spec({ payload: GoalSubmitted, from: ['quick-goal'], run: (a, goal) => a.goalSubmitted(goal) }),
  [IPC_CHANNELS.openMain]: spec({ payload: OpenMain, from: ['quick-goal'], run: (a, p) => a.openMain(p.route ?? null) }),
});

export const IPC_CHANNEL_NAMES: readonly IpcChannel[] = Object.freeze(Object.keys(CHANNELS) as IpcChannel[]);

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = ['payload', ...issue.path.map(String)].join('.');
  return `${field}: ${issue.message}`;
}

/**
 * Returns the handler every channel goes through: the sender must be the top frame of the right window
 * showing the app's own origin, and the payload must match its schema, before any action runs.
 */
export function createIpcDispatcher(appOrigin: string, actions: IpcActions): (channel: string, sender: IpcSender, payload: unknown) => IpcReply {
  return (channel, sender, payload) => {
    const entry = Object.hasOwn(CHANNELS, channel) ? CHANNELS[channel as IpcChannel] : undefined;
    if (entry === undefined) return { ok: false, error: { code: 'unknown_channel', message: `No IPC channel "${channel}".` } };
    if (!sender.isMainFrame || !checkIpcSender(sender.frameUrl, appOrigin) || sender.window === null || !entry.from.includes(sender.window)) {
      return { ok: false, error: { code: 'forbidden', message: `"${channel}" is not accepted from this frame.` } };
    }
    const parsed = entry.payload.safeParse(payload);
    if (!parsed.success) return { ok: false, error: { code: 'bad_request', message: parsed.error.issues.map(describeIssue).join('; ') } };
    entry.run(actions, parsed.data);
    return { ok: true };
  };
}
