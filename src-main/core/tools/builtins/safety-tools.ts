// autonomy.set and approval.list/approve/deny: the fastpath's window onto the safety controls, with the caller's role checked.
import { z } from 'zod';
import { NO_PERMISSIONS, type ToolDefinition } from '../types';

export interface SafetyControl {
  setAutonomy(level: 'A0' | 'A1' | 'A2' | 'A3' | 'A4', actor: string): { level: string; previous: string };
  listApprovals(): { id: string; tool: string; risk: string; requested_by: string; expires_at: string }[];
  decide(id: string, approve: boolean, actor: string): { id: string; status: string; tool: string };
}

/** The role behind an actor string: "person:owner" → owner; the local command line has the data folder, so it is an owner. */
export function roleOfActor(actor: string): 'viewer' | 'member' | 'owner' {
  if (actor === 'cli') return 'owner';
  const role = actor.split(':')[1];
  return role === 'owner' || role === 'member' ? role : 'viewer';
}

const Level = z.strictObject({ level: z.enum(['A0', 'A1', 'A2', 'A3', 'A4']) });
const Decide = z.strictObject({ approval_id: z.string().min(4) });

const tool = (def: Omit<ToolDefinition, 'version' | 'permissions' | 'idempotent' | 'source' | 'review'>): ToolDefinition => ({
  ...def,
  version: '1.0.0',
  permissions: NO_PERMISSIONS,
  idempotent: true,
  source: 'builtin',
  review: 'none',
});

export function safetyTools(safety: SafetyControl): ToolDefinition[] {
  return [
    tool({
      name: 'autonomy.set',
      description: 'Sets how much Jarvis may do without asking (A0 observe only … A4 everything but critical). Owners only.',
      input: Level,
      output: z.object({ level: z.string(), previous: z.string() }),
      risk: 'none',
      runner: {
        kind: 'inline',
        run: (raw, ctx) => {
          if (roleOfActor(ctx.actor) !== 'owner') throw new Error('only an owner may change the autonomy level');
          return safety.setAutonomy(Level.parse(raw).level, ctx.actor);
        },
      },
    }),
    tool({
      name: 'approval.list',
      description: 'Lists the approvals waiting for a decision.',
      input: z.strictObject({}),
      output: z.object({ approvals: z.array(z.object({ id: z.string(), tool: z.string(), risk: z.string(), requested_by: z.string(), expires_at: z.string() })), summary: z.string() }),
      risk: 'none',
      runner: {
        kind: 'inline',
        run: () => {
          const approvals = safety.listApprovals();
          const summary = approvals.length === 0 ? 'Nothing is waiting for approval.' : approvals.map((a) => `${a.id.slice(0, 8)} ${a.tool} (${a.risk}, asked by ${a.requested_by})`).join('\n');
          return { approvals, summary };
        },
      },
    }),
    ...([true, false] as const).map((approve) =>
      tool({
        name: approve ? 'approval.approve' : 'approval.deny',
        description: approve ? 'Approves a waiting action once.' : 'Denies a waiting action.',
        input: Decide,
        output: z.object({ id: z.string(), status: z.string(), tool: z.string() }),
        risk: 'none',
        runner: { kind: 'inline', run: (raw, ctx) => safety.decide(Decide.parse(raw).approval_id, approve, ctx.actor) },
      }),
    ),
  ];
}
