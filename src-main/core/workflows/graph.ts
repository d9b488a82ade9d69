// The dependency graph between steps: explicit and implied dependencies, cycles named step by step, execution order.
import { conditionReferences } from './conditions';
import { isPlainObject, referencesIn, type Location } from './refs';
import type { WorkflowDefinition, WorkflowStep } from './schema';

/** One thing a step waits for, and where the definition says so. */
export interface DependencySite {
  step: string;
  at: Location;
  via: 'depends_on' | 'input' | 'when';
}

/**
 * What a step waits for: its depends_on entries, then the steps its input refers to, then those its condition
 * tests. Works on definitions that have not been validated, skipping whatever is malformed.
 */
export function dependencySites(step: unknown, at: Location): DependencySite[] {
  if (!isPlainObject(step)) return [];
  const sites: DependencySite[] = [];
  if (Array.isArray(step.depends_on)) {
    step.depends_on.forEach((id, i) => {
      if (typeof id === 'string' && id !== '') sites.push({ step: id, at: [...at, 'depends_on', i], via: 'depends_on' });
    });
  }
  if (step.kind !== 'llm_decide') {
    for (const site of referencesIn(step.input, [...at, 'input'])) if ('from_step' in site.ref) sites.push({ step: site.ref.from_step, at: site.at, via: 'input' });
  }
  for (const site of conditionReferences(step.when, [...at, 'when'])) if ('from_step' in site.ref) sites.push({ step: site.ref.from_step, at: site.at, via: 'when' });
  return sites;
}

/** Every step this step waits for, explicit (depends_on) and implied (references in input and when), each once. */
export function dependenciesOf(step: WorkflowStep): string[] {
  return [...new Set(dependencySites(step, []).map((s) => s.step))];
}

/** A graph over step ids in declared order; each edge keeps the location that created it. */
export interface StepGraph {
  nodes: readonly string[];
  edges: ReadonlyMap<string, readonly { to: string; at: Location }[]>;
}

/**
 * A stable topological order: repeatedly the earliest-declared step whose dependencies are all placed, so steps
 * keep their declared order unless a dependency says otherwise. Null when a cycle stops it.
 */
export function topologicalOrder(graph: StepGraph): string[] | null {
  const placed = new Set<string>();
  const order: string[] = [];
  let pending = [...graph.nodes];
  while (pending.length > 0) {
    const next = pending.find((id) => (graph.edges.get(id) ?? []).every((e) => placed.has(e.to)));
    if (next === undefined) return null;
    placed.add(next);
    order.push(next);
    pending = pending.filter((id) => id !== next);
  }
  return order;
}

/**
 * One cycle per strongly connected component, written from its earliest-declared step along the shortest way
 * back: ["s2", "s3", "s2"]. `at` is where the cycle's first edge is declared. Tarjan's algorithm.
 */
export function findCycles(graph: StepGraph): { cycle: string[]; at: Location }[] {
  const position = new Map(graph.nodes.map((id, i) => [id, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const targets = (id: string): string[] => (graph.edges.get(id) ?? []).map((e) => e.to).filter((to) => position.has(to));

  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const to of targets(id)) {
      if (!index.has(to)) {
        visit(to);
        low.set(id, Math.min(low.get(id) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(id, Math.min(low.get(id) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    components.push(component);
  };
  for (const id of graph.nodes) if (!index.has(id)) visit(id);

  const cycles: { cycle: string[]; at: Location }[] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = graph.nodes.find((id) => members.has(id));
    if (start === undefined) continue;
    const path = shortestCycle(start, members, targets);
    if (path === null) continue; // a single step that does not wait for itself
    const firstEdge = (graph.edges.get(start) ?? []).find((e) => e.to === path[1]);
    cycles.push({ cycle: path, at: firstEdge?.at ?? [] });
  }
  return cycles.sort((a, b) => (position.get(a.cycle[0] ?? '') ?? 0) - (position.get(b.cycle[0] ?? '') ?? 0));
}

/** Breadth-first from `start` back to itself within one component; edges are tried in declared order. */
function shortestCycle(start: string, members: ReadonlySet<string>, targets: (id: string) => string[]): string[] | null {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head] as string;
    for (const to of targets(id)) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at: string | undefined = id; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, id);
        queue.push(to);
      }
    }
  }
  return null;
}

/** "s2 → s3 → s2" */
export const describeCycle = (cycle: readonly string[]): string => cycle.join(' → ');

/**
 * The order the engine runs the normal flow in: topological over dependenciesOf, stable with respect to the
 * declared order. Fallback steps are left out; only an on_error goto reaches them. Throws on a cycle, which a
 * validated definition never has.
 */
export function executionOrder(def: WorkflowDefinition): string[] {
  const graph = normalFlowGraph(def);
  const order = topologicalOrder(graph);
  if (order !== null) return order;
  const cycle = findCycles(graph)[0]?.cycle ?? [];
  throw new Error(`workflow "${def.name}" has a dependency cycle: ${describeCycle(cycle)}`);
}

function normalFlowGraph(def: WorkflowDefinition): StepGraph {
  const normal = def.steps.filter((s) => !s.fallback);
  const ids = new Set(normal.map((s) => s.id));
  // Edges to missing or fallback steps are left out here; validation reports them.
  const edges = new Map(normal.map((s) => [s.id, dependenciesOf(s).filter((d) => ids.has(d)).map((to) => ({ to, at: [] as Location }))]));
  return { nodes: normal.map((s) => s.id), edges };
}
