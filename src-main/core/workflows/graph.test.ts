// Dependencies and execution order: explicit and implied dependencies, stable topological order, fallbacks left out.
import { describe, expect, it } from 'vitest';
import { WorkflowDefinition, dependenciesOf, executionOrder, type WorkflowStep } from './index';

const parse = (steps: unknown[]) => WorkflowDefinition.parse({ name: 'g', steps });

describe('dependenciesOf', () => {
  it('lists depends_on, then references in the input, then the condition, each once', () => {
    const def = parse([
      { id: 'a', tool: 'echo' },
      { id: 'b', tool: 'echo' },
      { id: 'c', tool: 'echo' },
      { id: 'd', tool: 'echo' },
      {
        id: 'x',
        tool: 'echo',
        depends_on: ['b'],
        input: { p: [{ q: { from_step: 'c', path: 'r.0' } }], again: { from_step: 'b' }, runs: { from_input: 'a' } },
        when: { any: [{ from_step: 'd', op: 'exists' }, { not: { from_step: 'a', path: 'ok', op: 'eq', value: true } }] },
      },
    ]);
    expect(dependenciesOf(def.steps[4] as WorkflowStep)).toEqual(['b', 'c', 'd', 'a']);
  });

  it('reads an llm_decide step\'s explicit dependencies and condition', () => {
    const def = parse([
      { id: 'a', tool: 'echo' },
      { id: 'b', kind: 'llm_decide', goal: 'g', when: { from_step: 'a', op: 'exists' }, depends_on: ['a'] },
    ]);
    expect(dependenciesOf(def.steps[1] as WorkflowStep)).toEqual(['a']);
  });
});

describe('executionOrder', () => {
  it('keeps the declared order when nothing says otherwise', () => {
    expect(executionOrder(parse([{ id: 'c', tool: 'echo' }, { id: 'a', tool: 'echo' }, { id: 'b', tool: 'echo' }]))).toEqual(['c', 'a', 'b']);
  });

  it('moves a step after what it depends on or refers to, and otherwise keeps declared order', () => {
    const def = parse([
      { id: 'report', tool: 'echo', input: { text: { from_step: 'fetch', path: 'body' } } },
      { id: 'notify', tool: 'echo', depends_on: ['report'] },
      { id: 'prepare', tool: 'echo' },
      { id: 'fetch', tool: 'echo', depends_on: ['prepare'] },
      { id: 'check', tool: 'echo', when: { from_step: 'notify', op: 'exists' } },
    ]);
    expect(executionOrder(def)).toEqual(['prepare', 'fetch', 'report', 'notify', 'check']);
  });

  it('leaves fallback steps out', () => {
    const def = parse([
      { id: 'a', tool: 'echo', on_error: { action: 'goto', step: 'f' } },
      { id: 'f', tool: 'echo', fallback: true },
      { id: 'z', tool: 'echo' },
    ]);
    expect(executionOrder(def)).toEqual(['a', 'z']);
  });

  it('throws, naming the cycle, for a definition that was never validated', () => {
    const step = (id: string, dependsOn: string): WorkflowStep => ({ id, kind: 'tool', tool: 'echo', input: {}, depends_on: [dependsOn], on_error: { action: 'fail' }, fallback: false });
    const def: WorkflowDefinition = { name: 'bad', steps: [step('a', 'b'), step('b', 'a')] };
    expect(() => executionOrder(def)).toThrow('workflow "bad" has a dependency cycle: a → b → a');
  });
});
