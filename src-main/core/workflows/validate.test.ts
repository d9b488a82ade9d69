// Validation: the example definition, each problem on its own, and many problems reported together.
import { describe, expect, it } from 'vitest';
import { WorkflowDefinition, validateWorkflow, type WorkflowProblem } from './index';

const TOOLS = new Set(['echo', 'http_request']);
const opts = { toolExists: (name: string) => TOOLS.has(name) };

const example = () => ({
  name: 'morning-brief',
  description: 'optional',
  retry_policy: { max_attempts: 3, backoff: { initial_ms: 1000, multiplier: 2, max_ms: 60000, jitter: true }, retry_on: ['timeout', 'tool_error', 'crashed'] },
  steps: [
    { id: 's1', tool: 'http_request', input: { method: 'GET', url: 'https://example.com/weather' } },
    {
      id: 's2',
      tool: 'echo',
      input: { text: { from_step: 's1', path: 'body' } },
      depends_on: ['s1'],
      when: { from_step: 's1', path: 'status', op: 'eq', value: 200 },
      retry_policy: { max_attempts: 5 },
      on_error: { action: 'goto', step: 'fallback' },
    },
    { id: 'fallback', tool: 'echo', input: { text: 'weather unavailable' }, fallback: true },
    { id: 's3', kind: 'llm_decide', goal: 'summarise what was fetched' },
  ] as Record<string, unknown>[],
});

/** The problems of a definition built from the example with `edit` applied. */
function problemsOf(edit: (def: ReturnType<typeof example>) => void): WorkflowProblem[] {
  const def = example();
  edit(def);
  const result = validateWorkflow(def, opts);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}
const step = (def: ReturnType<typeof example>, i: number) => def.steps[i] as Record<string, unknown>;

describe('validateWorkflow: valid definitions', () => {
  it('accepts the example, fills defaults and orders the normal flow', () => {
    const result = validateWorkflow(example(), opts);
    expect(result).toMatchObject({ ok: true, order: ['s1', 's2', 's3'] });
    if (!result.ok) return;
    expect(result.definition.steps[0]).toMatchObject({ kind: 'tool', depends_on: [], on_error: { action: 'fail' }, fallback: false });
    expect(result.definition.steps[3]).toMatchObject({ kind: 'llm_decide', max_turns: 8 });
    expect(result.definition.steps[3]).not.toHaveProperty('tools');
  });

  it('accepts a reference to a later step when it makes no cycle, and from_input at any depth', () => {
    const result = validateWorkflow(
      {
        name: 'later',
        steps: [
          { id: 'a', tool: 'echo', input: { text: { from_step: 'b', path: 'text' }, list: [{ x: { from_input: 'user.name' } }] } },
          { id: 'b', tool: 'echo', input: { text: { from_input: '' } }, when: { not: { from_input: 'quiet', op: 'exists' } } },
          { id: 'c', kind: 'llm_decide', goal: 'g', tools: ['echo'], max_turns: 20 },
        ],
      },
      opts,
    );
    expect(result).toMatchObject({ ok: true, order: ['b', 'a', 'c'] });
  });

  it('accepts its own output again unchanged, so a stored definition can be re-validated', () => {
    const first = validateWorkflow(example(), opts);
    if (!first.ok) throw new Error('expected the example to validate');
    const again = validateWorkflow(JSON.parse(JSON.stringify(first.definition)), opts);
    expect(again).toEqual(first);
  });

  it('accepts a reference as the whole input, an explicit null to compare with and an empty tool allow-list', () => {
    const result = validateWorkflow(
      {
        name: 'edges',
        steps: [
          { id: 'a', tool: 'echo', input: { text: 'x' } },
          { id: 'b', tool: 'echo', input: { from_step: 'a' }, when: { from_step: 'a', path: 'error', op: 'eq', value: null } },
          { id: 'c', kind: 'llm_decide', goal: 'g', tools: [], on_error: { action: 'alert' } },
        ],
      },
      opts,
    );
    expect(result).toMatchObject({ ok: true, order: ['a', 'b', 'c'] });
  });

  it('the exported schema checks what spans steps too, though not whether tools exist', () => {
    expect(WorkflowDefinition.safeParse({ ...example(), steps: [{ id: 'a', tool: 'anything' }] }).success).toBe(true);
    const r = WorkflowDefinition.safeParse({ name: 'x', steps: [{ id: 'a', tool: 'echo', input: { t: { from_step: 'zz' } } }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['steps', 0, 'input', 't'], message: 'refers to step "zz", which does not exist' });
  });
});

describe('validateWorkflow: each problem on its own', () => {
  it.each<[string, (d: ReturnType<typeof example>) => void, WorkflowProblem]>([
    ['a bad name', (d) => void (d.name = 'Morning Brief'), { path: 'name', message: expect.stringContaining('lowercase letters') }],
    ['a missing field', (d) => void delete step(d, 0).tool, { path: 'steps[0].tool', message: 'is required' }],
    ['an unknown field', (d) => void (step(d, 0).inptu = {}), { path: 'steps[0].inptu', message: 'unknown field "inptu"' }],
    ['a bad step id', (d) => void (step(d, 3).id = 'Step 3'), { path: 'steps[3].id', message: expect.stringContaining('a step id is') }],
    ['an unknown kind', (d) => void (step(d, 3).kind = 'think'), { path: 'steps[3].kind', message: 'kind must be "tool" (or left out) or "llm_decide"' }],
    ['an input on an llm_decide step', (d) => void (step(d, 3).input = {}), { path: 'steps[3].input', message: 'unknown field "input"' }],
    ['max_turns out of range', (d) => void (step(d, 3).max_turns = 21), { path: 'steps[3].max_turns', message: expect.stringContaining('20') }],
    ['an unknown tool', (d) => void (step(d, 0).tool = 'weather'), { path: 'steps[0].tool', message: 'unknown tool "weather"; no tool by that name is installed' }],
    ['an unknown tool in an allow-list', (d) => void (step(d, 3).tools = ['echo', 'rm']), { path: 'steps[3].tools[1]', message: expect.stringContaining('unknown tool "rm"') }],
    ['a duplicate id', (d) => void (step(d, 3).id = 's1'), { path: 'steps[3].id', message: '"s1" is already the id of steps[0]; step ids must be unique' }],
    ['a dangling reference', (d) => void (step(d, 1).input = { text: { from_step: 's9' } }), { path: 'steps[1].input.text', message: 'refers to step "s9", which does not exist' }],
    ['a dangling depends_on', (d) => void (step(d, 1).depends_on = ['s1', 'nope']), { path: 'steps[1].depends_on[1]', message: 'depends on step "nope", which does not exist' }],
    ['a dangling condition', (d) => void (step(d, 1).when = { all: [{ from_step: 'gone', op: 'exists' }] }), { path: 'steps[1].when.all[0]', message: 'refers to step "gone", which does not exist' }],
    ['a malformed reference', (d) => void (step(d, 1).input = { text: { from_step: 5 } }), { path: 'steps[1].input.text', message: 'from_step must be the id of a step' }],
    ['a path with an empty segment', (d) => void (step(d, 1).input = { t: { from_step: 's1', path: 'a..b' } }), { path: 'steps[1].input.t', message: expect.stringContaining('empty segment') }],
    ['a step referring to itself', (d) => void (step(d, 0).input = { x: { from_step: 's1' } }), { path: 'steps[0].input.x', message: expect.stringContaining('dependency cycle: s1 → s1') }],
    ['a cycle through depends_on', (d) => void (step(d, 0).depends_on = ['s2']), { path: 'steps[0].depends_on[0]', message: expect.stringContaining('dependency cycle: s1 → s2 → s1') }],
    ['a goto to a missing step', (d) => void (step(d, 1).on_error = { action: 'goto', step: 'plan-b' }), { path: 'steps[1].on_error.step', message: 'goes to step "plan-b", which does not exist' }],
    ['a goto to a normal step', (d) => void (step(d, 1).on_error = { action: 'goto', step: 's3' }), { path: 'steps[1].on_error.step', message: expect.stringContaining('not a fallback step; add "fallback": true') }],
    ['a goto to itself', (d) => void (step(d, 2).on_error = { action: 'goto', step: 'fallback' }), { path: 'steps[2].on_error.step', message: 'a step cannot go to itself when it fails' }],
    ['an unknown on_error action', (d) => void (step(d, 1).on_error = { action: 'retry' }), { path: 'steps[1].on_error.action', message: 'action must be "fail", "goto", "alert" or "continue"' }],
    ['waiting for a fallback step', (d) => void (step(d, 3).depends_on = ['fallback']), { path: 'steps[3].depends_on[0]', message: expect.stringContaining('fallback step "fallback"; fallback steps run only after') }],
    ['a fallback using a later step', (d) => void (step(d, 2).input = { text: { from_step: 's3' } }), { path: 'steps[2].input.text', message: expect.stringContaining('"s3" comes after "s2"') }],
    ['a fallback using the failed step', (d) => void (step(d, 2).input = { text: { from_step: 's2' } }), { path: 'steps[2].input.text', message: expect.stringContaining('a failed step has no output') }],
    ['an invalid regex', (d) => void (step(d, 1).when = { from_step: 's1', path: 'body', op: 'matches', value: '(' }), { path: 'steps[1].when.value', message: expect.stringContaining('invalid regular expression') }],
    ['an unknown retry_on kind', (d) => void (d.retry_policy.retry_on = ['timeout', 'flaky']), { path: 'retry_policy.retry_on[1]', message: expect.stringContaining('unknown error kind "flaky"') }],
    ['a zero max_attempts', (d) => void (step(d, 1).retry_policy = { max_attempts: 0 }), { path: 'steps[1].retry_policy.max_attempts', message: expect.stringContaining('>=1') }],
    ['no steps', (d) => void (d.steps = []), { path: 'steps', message: 'a workflow needs at least one step' }],
    ['only fallback steps', (d) => void (d.steps = [{ id: 'f', tool: 'echo', fallback: true }]), { path: 'steps', message: 'every step is a fallback step, so nothing would run' }],
  ])('%s', (_label, edit, expected) => {
    expect(problemsOf(edit)).toEqual([expected]);
  });

  it('an input nested too deeply, without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    const problems = problemsOf((d) => void (step(d, 0).input = { deep }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('nested more than 32 levels deep');
    expect(problems[0]?.path).toMatch(/^steps\[0\]\.input\.deep(\[0\])+$/);
  });

  it('a definition that is not an object', () => {
    expect(validateWorkflow('steps: []', opts)).toEqual({ ok: false, problems: [{ path: '', message: 'a workflow definition must be a JSON object' }] });
  });

  it('names a longer cycle through references to later steps, once', () => {
    const problems = problemsOf((d) => {
      d.steps = [
        { id: 'a', tool: 'echo' },
        { id: 's2', tool: 'echo', input: { t: { from_step: 's3' } } },
        { id: 's3', tool: 'echo', when: { from_step: 's4', op: 'exists' } },
        { id: 's4', tool: 'echo', depends_on: ['a', 's2'] },
      ];
    });
    expect(problems).toEqual([{ path: 'steps[1].input.t', message: 'dependency cycle: s2 → s3 → s4 → s2 (each waits for the next, so none can start)' }]);
  });

  it('names fallback steps that go to each other in a loop', () => {
    const problems = problemsOf((d) => {
      d.steps.push({ id: 'f2', tool: 'echo', fallback: true, on_error: { action: 'goto', step: 'fallback' } });
      step(d, 2).on_error = { action: 'goto', step: 'f2' };
    });
    expect(problems).toEqual([{ path: 'steps[2].on_error.step', message: 'fallback steps go to each other in a loop: fallback → f2 → fallback' }]);
  });

  it('lets a fallback step use steps that ran before the failed one, and the run input', () => {
    const def = example();
    step(def, 2).input = { text: { from_step: 's1', path: 'body' }, who: { from_input: 'user' } };
    expect(validateWorkflow(def, opts).ok).toBe(true);
  });
});

describe('validateWorkflow: many problems at once', () => {
  it('reports schema problems, unknown tools, dangling references, cycles and bad gotos in one answer', () => {
    const result = validateWorkflow(
      {
        name: 'many',
        extra: true,
        retry_policy: { retry_on: ['nope'] },
        steps: [
          { id: 'a', tool: 'mystery', input: { x: { from_step: 'ghost' } } },
          { id: 'b', tool: 'echo', depends_on: ['c'], when: { from_step: 'a', op: 'gt', value: 'ten' } },
          { id: 'c', tool: 'echo', depends_on: ['b'], on_error: { action: 'goto', step: 'b' } },
          { id: 'a', kind: 'llm_decide' },
          { id: 'd', tool: 'echo', when: { from_input: 'x', op: 'matches', value: '(a+)+$' } },
        ],
      },
      opts,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { path: 'extra', message: 'unknown field "extra"' },
        { path: 'retry_policy.retry_on[0]', message: expect.stringContaining('unknown error kind "nope"') },
        { path: 'steps[1].when.value', message: '"gt" compares numbers, so value must be a number' },
        { path: 'steps[3].goal', message: 'is required' },
        { path: 'steps[4].when.value', message: expect.stringContaining('"(a+)+"') },
        { path: 'steps[0].tool', message: expect.stringContaining('unknown tool "mystery"') },
        { path: 'steps[0].input.x', message: 'refers to step "ghost", which does not exist' },
        { path: 'steps[3].id', message: expect.stringContaining('already the id of steps[0]') },
        { path: 'steps[1].depends_on[0]', message: expect.stringContaining('dependency cycle: b → c → b') },
        { path: 'steps[2].on_error.step', message: expect.stringContaining('not a fallback step') },
      ]),
    );
    expect(result.problems).toHaveLength(10);
  });
});
