// Fastpath intents, declared as data: patterns → intent + typed slots → planned tool steps and reply templates.
import { z } from 'zod';

export interface IntentDecl {
  id: string;
  description: string;
  examples: readonly string[];
  /** Named groups become slots; the first pattern that matches wins. */
  patterns: readonly RegExp[];
  slots: z.ZodType<Record<string, unknown>>;
  /** Tool steps; a string value "$name" is replaced by the slot of that name. */
  steps: readonly { tool: string; input: Record<string, unknown> }[];
  /** Reply templates: {{slots.x}}, {{output.x}} (last step), {{error.message}}; {{path|N}} truncates to N characters. */
  reply: { success: string; failure: string };
}

// "5m", "5 mins", "5 minutes" → minute: the unit's first letter decides.
const UNIT_BY_LETTER: Record<string, string> = { s: 'second', m: 'minute', h: 'hour' };
const UNIT = z.preprocess((v) => (typeof v === 'string' ? (UNIT_BY_LETTER[v.charAt(0).toLowerCase()] ?? v) : v), z.enum(['second', 'minute', 'hour']));

// "every weekday", "every monday", "every 30 minutes", "every hour"; and "at 8am", "at 7:30", "at noon".
const EVERY = String.raw`weekdays?|weekends?|day|morning|night|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|(?:\d+\s+)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)`;
const AT = String.raw`\d{1,2}(?::\d{2})?\s*(?:am|pm)?|noon|midnight`;

export const INTENTS: readonly IntentDecl[] = Object.freeze([
  {
    id: 'echo',
    description: 'Repeat a text back',
    examples: ['echo hello'],
    patterns: [/^(?:echo|say)\s+(?<text>.+)$/is],
    slots: z.object({ text: z.string().min(1) }),
    steps: [{ tool: 'echo', input: { text: '$text' } }],
    reply: { success: '{{output.text}}', failure: 'I could not echo that: {{error.message}}' },
  },
  {
    id: 'ping',
    description: 'Check that Jarvis is listening (runs the no-op tool)',
    examples: ['ping'],
    patterns: [/^ping[.!?]?$/i],
    slots: z.object({}),
    steps: [{ tool: 'noop', input: {} }],
    reply: { success: 'pong', failure: 'ping failed: {{error.message}}' },
  },
  {
    id: 'timer.set',
    description: 'Set a timer',
    examples: ['set a timer for 5 minutes', 'timer 30 seconds for tea'],
    patterns: [/^(?:set\s+(?:a\s+)?)?timer\s+(?:for\s+)?(?<amount>\d+(?:\.\d+)?)\s*(?<unit>s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)(?:\s+(?:for|called|named)\s+(?<label>.+))?$/i],
    slots: z.object({
      amount: z.coerce.number().positive().max(1_000_000),
      unit: UNIT,
      label: z.string().optional(),
    }),
    steps: [{ tool: 'timer.set', input: { amount: '$amount', unit: '$unit', label: '$label' } }],
    reply: { success: 'Timer set for {{slots.amount}} {{slots.unit}}(s); it goes off at {{output.due_at}}.', failure: 'I could not set that timer: {{error.message}}' },
  },
  {
    id: 'http.fetch',
    description: 'Fetch a web page or API (GET)',
    examples: ['fetch https://example.com'],
    patterns: [/^(?:fetch|get|download)\s+(?<url>https?:\/\/\S+)$/i],
    slots: z.object({ url: z.string().url() }),
    steps: [{ tool: 'http_request', input: { method: 'GET', url: '$url' } }],
    reply: { success: 'Fetched {{output.url}} (HTTP {{output.status}}): {{output.body|500}}', failure: 'I could not fetch {{slots.url}}: {{error.message}}' },
  },
  {
    id: 'open_app',
    description: 'Open an application',
    examples: ['open calculator'],
    patterns: [/^(?:open|launch|start)\s+(?:the\s+)?(?<app>[a-z0-9][a-z0-9 ._-]{0,63}?)(?:\s+app)?$/i],
    slots: z.object({ app: z.string().min(1) }),
    steps: [{ tool: 'daemon.open_app', input: { app: '$app' } }],
    reply: { success: 'Opened {{slots.app}}.', failure: 'I could not open {{slots.app}}: {{error.message}}' },
  },
  {
    id: 'screenshot',
    description: 'Take a screenshot',
    examples: ['take a screenshot'],
    patterns: [/^(?:take\s+a\s+)?screen\s?shot(?:\s+please)?$/i, /^capture\s+(?:the\s+)?screen$/i],
    slots: z.object({}),
    steps: [{ tool: 'daemon.screenshot', input: {} }],
    reply: { success: 'Screenshot saved to {{output.path}}.', failure: 'I could not take a screenshot: {{error.message}}' },
  },
  {
    id: 'file.move',
    description: 'Move a file',
    examples: ['move ~/Downloads/a.pdf to ~/Documents'],
    patterns: [/^move\s+(?<from>\S+)\s+(?:to|into)\s+(?<to>\S+)$/i],
    slots: z.object({ from: z.string().min(1), to: z.string().min(1) }),
    steps: [{ tool: 'daemon.file_move', input: { from: '$from', to: '$to' } }],
    reply: { success: 'Moved {{slots.from}} to {{output.to}}.', failure: 'I could not move {{slots.from}}: {{error.message}}' },
  },
  {
    id: 'task.status',
    description: 'Show the status of a task, or of recent tasks',
    examples: ['task status', 'status of task 1b2c…'],
    patterns: [/^(?:what(?:'s| is)\s+the\s+)?status\s+of\s+(?:task\s+)?(?<task_id>[0-9a-f-]{8,36})\??$/i, /^(?:task|tasks)\s+status$/i, /^(?:list|show)\s+(?:my\s+)?tasks$/i],
    slots: z.object({ task_id: z.string().optional() }),
    steps: [{ tool: 'task.status', input: { task_id: '$task_id' } }],
    reply: { success: '{{output.summary}}', failure: 'I could not read the task status: {{error.message}}' },
  },
  {
    id: 'task.cancel',
    description: 'Cancel a task',
    examples: ['cancel task 1b2c…'],
    patterns: [/^(?:cancel|stop|abort)\s+(?:task\s+)?(?<task_id>[0-9a-f-]{8,36})$/i],
    slots: z.object({ task_id: z.string().min(8) }),
    steps: [{ tool: 'task.cancel', input: { task_id: '$task_id' } }],
    reply: { success: 'Task {{output.task_id}} is {{output.status}}.', failure: 'I could not cancel that task: {{error.message}}' },
  },
  {
    id: 'autonomy.set',
    description: 'Set the autonomy level (owners only)',
    examples: ['set autonomy to A3'],
    patterns: [/^(?:set\s+)?autonomy(?:\s+level)?\s+(?:to\s+)?(?<level>a[0-4])$/i],
    slots: z.object({ level: z.string().transform((v) => v.toUpperCase()) }),
    steps: [{ tool: 'autonomy.set', input: { level: '$level' } }],
    reply: { success: 'Autonomy is now {{output.level}} (was {{output.previous}}).', failure: 'I could not change the autonomy: {{error.message}}' },
  },
  {
    id: 'approval.list',
    description: 'List the approvals waiting for you',
    examples: ['list approvals'],
    patterns: [/^(?:list|show)?\s*(?:pending\s+)?approvals$/i, /^what(?:'s| is) waiting for (?:my )?approval\??$/i],
    slots: z.object({}),
    steps: [{ tool: 'approval.list', input: {} }],
    reply: { success: '{{output.summary}}', failure: 'I could not list approvals: {{error.message}}' },
  },
  {
    id: 'approval.approve',
    description: 'Approve a waiting action',
    examples: ['approve 1b2c3d4e'],
    patterns: [/^approve\s+(?:approval\s+)?(?<approval_id>[0-9a-f-]{4,36})$/i],
    slots: z.object({ approval_id: z.string() }),
    steps: [{ tool: 'approval.approve', input: { approval_id: '$approval_id' } }],
    reply: { success: 'Approved {{output.tool}}; it runs now.', failure: 'I could not approve that: {{error.message}}' },
  },
  {
    id: 'approval.deny',
    description: 'Deny a waiting action',
    examples: ['deny 1b2c3d4e'],
    patterns: [/^(?:deny|reject)\s+(?:approval\s+)?(?<approval_id>[0-9a-f-]{4,36})$/i],
    slots: z.object({ approval_id: z.string() }),
    steps: [{ tool: 'approval.deny', input: { approval_id: '$approval_id' } }],
    reply: { success: 'Denied {{output.tool}}; it will not run.', failure: 'I could not deny that: {{error.message}}' },
  },
  // Home intents: the daemon resolves the name against Home Assistant's entity names and areas (s1), then calls the service (s2).
  {
    id: 'home.switch',
    description: 'Turn a Home Assistant device on or off, or lock or unlock a lock',
    examples: ['turn on the kitchen light', 'turn the fan off', 'unlock the front door'],
    patterns: [
      /^turn\s+(?<action>on|off)\s+(?:the\s+)?(?<name>.+?)[.!]?$/i,
      /^turn\s+(?:the\s+)?(?<name>.+?)\s+(?<action>on|off)[.!]?$/i,
      /^(?<action>lock|unlock|toggle)\s+(?:the\s+)?(?<name>.+?)[.!]?$/i,
    ],
    slots: z.object({
      action: z.string().transform((a) => ({ on: 'turn_on', off: 'turn_off' })[a.toLowerCase()] ?? a.toLowerCase()),
      name: z.string().trim().min(1).max(200),
    }),
    steps: [
      { tool: 'daemon.ha.resolve', input: { name: '$name', action: '$action' } },
      { tool: 'daemon.ha.call_service', input: { domain: { from_step: 's1', path: 'domain' }, service: { from_step: 's1', path: 'service' }, entity_id: { from_step: 's1', path: 'entity_id' }, data: { from_step: 's1', path: 'data' } } },
    ],
    reply: { success: 'Done: {{output.summary}}.', failure: 'I could not do that: {{error.message}}' },
  },
  {
    id: 'home.set',
    description: 'Set a Home Assistant device to a value (brightness, temperature, option)',
    examples: ['set the living room lamp to 40', 'set the thermostat to 21'],
    patterns: [/^set\s+(?:the\s+)?(?<name>.+?)\s+to\s+(?<value>.+?)[.!]?$/i],
    slots: z.object({ name: z.string().trim().min(1).max(200), value: z.string().trim().min(1).max(200) }),
    steps: [
      { tool: 'daemon.ha.resolve', input: { name: '$name', action: 'set', value: '$value' } },
      { tool: 'daemon.ha.call_service', input: { domain: { from_step: 's1', path: 'domain' }, service: { from_step: 's1', path: 'service' }, entity_id: { from_step: 's1', path: 'entity_id' }, data: { from_step: 's1', path: 'data' } } },
    ],
    reply: { success: 'Done: {{output.summary}}.', failure: 'I could not set {{slots.name}}: {{error.message}}' },
  },
  {
    id: 'mqtt.publish',
    description: 'Publish a message to an MQTT topic',
    examples: ['publish ON to home/porch/light/set'],
    patterns: [/^publish\s+(?<payload>.+?)\s+to\s+(?:topic\s+)?(?<topic>[^\s+#]+)$/i],
    slots: z.object({ payload: z.string().min(1).max(10_000), topic: z.string().min(1).max(1024) }),
    steps: [{ tool: 'daemon.mqtt.publish', input: { topic: '$topic', payload: '$payload' } }],
    reply: { success: 'Published to {{output.topic}}.', failure: 'I could not publish to {{slots.topic}}: {{error.message}}' },
  },
  // Schedules: the scheduler's tools (src-main/core/scheduler/tools.ts) read the spoken timing.
  {
    id: 'schedule.create',
    description: 'Create a recurring schedule',
    examples: ['every weekday at 8am brief me', 'every 30 minutes remind me to stretch'],
    patterns: [
      new RegExp(`^every\\s+(?<every>${EVERY})(?:\\s+at\\s+(?<at>${AT}))?\\s*,?\\s+(?:to\\s+)?(?<goal>.+?)[.!]?$`, 'i'),
      new RegExp(`^(?<goal>remind\\s+me\\s+.+?)\\s+every\\s+(?<every>${EVERY})(?:\\s+at\\s+(?<at>${AT}))?[.!]?$`, 'i'),
    ],
    slots: z.object({ every: z.string().min(1), at: z.string().optional(), goal: z.string().min(1) }),
    steps: [{ tool: 'schedule.create', input: { every: '$every', at: '$at', goal: '$goal' } }],
    reply: { success: 'Scheduled "{{output.name}}" ({{output.describe}}); first run {{output.first_run}}.', failure: 'I could not schedule that: {{error.message}}' },
  },
  {
    id: 'schedule.list',
    description: 'List the schedules',
    examples: ['list schedules'],
    patterns: [/^(?:list|show)\s+(?:my\s+|the\s+)?schedules$/i, /^what(?:'s| is) scheduled\??$/i],
    slots: z.object({}),
    steps: [{ tool: 'schedule.list', input: {} }],
    reply: { success: '{{output.summary}}', failure: 'I could not list the schedules: {{error.message}}' },
  },
  {
    id: 'schedule.cancel',
    description: 'Delete a schedule',
    examples: ['cancel schedule 1b2c3d4e'],
    patterns: [/^(?:cancel|delete|remove)\s+(?:the\s+)?schedule\s+(?<schedule>.+?)$/i],
    slots: z.object({ schedule: z.string().min(1) }),
    steps: [{ tool: 'schedule.cancel', input: { schedule: '$schedule' } }],
    reply: { success: 'Schedule "{{output.name}}" is deleted.', failure: 'I could not cancel that schedule: {{error.message}}' },
  },
  {
    id: 'schedule.pause',
    description: 'Pause a schedule',
    examples: ['pause schedule 1b2c3d4e'],
    patterns: [/^pause\s+(?:the\s+)?schedule\s+(?<schedule>.+?)$/i],
    slots: z.object({ schedule: z.string().min(1) }),
    steps: [{ tool: 'schedule.pause', input: { schedule: '$schedule' } }],
    reply: { success: 'Schedule "{{output.name}}" is paused.', failure: 'I could not pause that schedule: {{error.message}}' },
  },
  {
    id: 'schedule.resume',
    description: 'Resume a paused schedule',
    examples: ['resume schedule 1b2c3d4e'],
    patterns: [/^resume\s+(?:the\s+)?schedule\s+(?<schedule>.+?)$/i],
    slots: z.object({ schedule: z.string().min(1) }),
    steps: [{ tool: 'schedule.resume', input: { schedule: '$schedule' } }],
    reply: { success: 'Schedule "{{output.name}}" is active again.', failure: 'I could not resume that schedule: {{error.message}}' },
  },
  // Rules: the rules engine's tools (src-main/core/rules/tools.ts).
  {
    id: 'rule.list',
    description: 'List the rules',
    examples: ['list rules'],
    patterns: [/^(?:list|show)\s+(?:my\s+|the\s+)?rules$/i],
    slots: z.object({}),
    steps: [{ tool: 'rule.list', input: {} }],
    reply: { success: '{{output.summary}}', failure: 'I could not list the rules: {{error.message}}' },
  },
  {
    id: 'rule.enable',
    description: 'Enable a rule',
    examples: ['enable rule 1b2c3d4e'],
    patterns: [/^(?:enable|turn\s+on)\s+(?:the\s+)?rule\s+(?<rule>.+?)$/i],
    slots: z.object({ rule: z.string().min(1) }),
    steps: [{ tool: 'rule.enable', input: { rule: '$rule' } }],
    reply: { success: 'Rule "{{output.name}}" is enabled.', failure: 'I could not enable that rule: {{error.message}}' },
  },
  {
    id: 'rule.disable',
    description: 'Disable a rule',
    examples: ['disable rule 1b2c3d4e'],
    patterns: [/^(?:disable|turn\s+off)\s+(?:the\s+)?rule\s+(?<rule>.+?)$/i],
    slots: z.object({ rule: z.string().min(1) }),
    steps: [{ tool: 'rule.disable', input: { rule: '$rule' } }],
    reply: { success: 'Rule "{{output.name}}" is disabled.', failure: 'I could not disable that rule: {{error.message}}' },
  },
  {
    id: 'rule.create',
    description: 'Create a rule on a Home Assistant entity',
    examples: ['when binary_sensor.front_door turns on, turn on the hall light'],
    patterns: [/^when\s+(?<entity>[a-z_]+\.[a-z0-9_]+)\s+(?:turns|becomes|is|changes\s+to)\s+(?<state>[\w-]+)\s*,?\s+(?:then\s+)?(?<goal>.+?)$/i],
    slots: z.object({ entity: z.string().transform((e) => e.toLowerCase()), state: z.string().min(1), goal: z.string().min(1) }),
    steps: [{ tool: 'rule.create', input: { entity: '$entity', state: '$state', goal: '$goal' } }],
    reply: { success: 'Rule created: {{output.name}}.', failure: 'I could not create that rule: {{error.message}}' },
  },
]);

export interface IntentMatch {
  intent: IntentDecl;
  slots: Record<string, unknown>;
}

/** The first intent whose pattern matches and whose slots validate, else null. */
export function matchIntent(text: string, intents: readonly IntentDecl[] = INTENTS): IntentMatch | null {
  const trimmed = text.trim();
  for (const intent of intents) {
    for (const pattern of intent.patterns) {
      const m = pattern.exec(trimmed);
      if (!m) continue;
      const groups = Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined));
      const slots = intent.slots.safeParse(groups);
      if (slots.success) return { intent, slots: slots.data };
    }
  }
  return null;
}

/** The intent's steps with "$slot" placeholders filled; a placeholder for an absent slot is dropped. */
export function fillSteps(intent: IntentDecl, slots: Record<string, unknown>): { tool: string; input: Record<string, unknown> }[] {
  return intent.steps.map((step) => {
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(step.input)) {
      if (typeof v === 'string' && v.startsWith('$')) {
        const value = slots[v.slice(1)];
        if (value !== undefined) input[k] = value;
      } else input[k] = v;
    }
    return { tool: step.tool, input };
  });
}

/** Renders {{a.b}} and {{a.b|N}} against a context; missing values render as empty. */
export function renderTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.]+)(?:\|(\d+))?\s*\}\}/g, (_, path: string, max?: string) => {
    let value: unknown = context;
    for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    const limit = max ? Number(max) : undefined;
    return limit !== undefined && text.length > limit ? `${text.slice(0, limit)}…` : text;
  });
}
