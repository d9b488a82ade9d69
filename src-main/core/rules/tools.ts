// The rules' tools for the fastpath: rule.list / enable / disable / create; a rule made this way meets the same checks as one made over the API.
import { z } from 'zod';
import { NO_PERMISSIONS, type ToolDefinition } from '../tools/types';
import type { RulesEngine } from './engine';

const inline = (name: string, description: string, input: z.ZodType, output: z.ZodType, risk: ToolDefinition['risk'], run: (input: never) => unknown): ToolDefinition => ({
  name,
  version: '1.0.0',
  description,
  input,
  output,
  permissions: NO_PERMISSIONS,
  risk,
  idempotent: false,
  runner: { kind: 'inline', run: (raw) => run(input.parse(raw) as never) },
  source: 'builtin',
  review: 'none',
});

const Ref = z.strictObject({ rule: z.string().trim().min(1).max(200) });
const Changed = z.object({ rule_id: z.string(), name: z.string(), enabled: z.boolean() });
const CreateInput = z.strictObject({
  entity: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'must be an entity id such as binary_sensor.front_door'),
  state: z.string().min(1).max(100),
  goal: z.string().trim().min(1).max(2000),
});

/** `rules` is late-bound: the engine is made after the registry that holds these tools. */
export function rulesTools(rules: () => RulesEngine): ToolDefinition[] {
  const need = (ref: string) => {
    const row = rules().find(ref);
    if (!row) throw new Error(`no rule "${ref}" (say "list rules" to see them)`);
    return row;
  };
  const toggle = (enabled: boolean) => (input: z.infer<typeof Ref>) => {
    const v = rules().update(need(input.rule).id, { enabled }, 'fastpath');
    return { rule_id: v.id, name: v.name, enabled: v.enabled };
  };
  return [
    inline('rule.list', 'Lists the rules', z.strictObject({}), z.object({ count: z.number(), summary: z.string() }), 'none', () => {
      const all = rules().list();
      const summary = all.length === 0 ? 'No rules yet.' : all.map((r) => `${r.id.slice(0, 8)} ${r.enabled ? 'on ' : 'off'} ${r.name} — ${r.trigger.channel}${r.trigger.match ? ` ${r.trigger.match}` : ''}`).join('\n');
      return { count: all.length, summary };
    }),
    inline('rule.enable', 'Enables a rule (by id, id prefix or name)', Ref, Changed, 'low', toggle(true)),
    inline('rule.disable', 'Disables a rule (by id, id prefix or name)', Ref, Changed, 'low', toggle(false)),
    inline(
      'rule.create',
      'Creates a rule: when a Home Assistant entity turns to a state, route a goal',
      CreateInput,
      Changed,
      'medium',
      (input: z.infer<typeof CreateInput>) => {
        const v = rules().create(
          {
            name: `when ${input.entity} turns ${input.state}: ${input.goal}`.slice(0, 200),
            enabled: true,
            trigger: { channel: 'ha', match: input.entity },
            conditions: [{ op: 'eq', path: 'payload.new_state.state', value: input.state }],
            actions: [{ type: 'emit', goal: input.goal }],
            // A flapping sensor should not repeat the action every second.
            debounce_ms: 10_000,
            dedupe_ms: 0,
            cooldown_ms: 0,
            quiet_hours: null,
          },
          'fastpath',
        );
        return { rule_id: v.id, name: v.name, enabled: v.enabled };
      },
    ),
  ];
}
