// References to earlier steps' outputs and to the run's input: recognising them, reading paths, resolving them.

/** `{ from_step, path? }` reads a step's output (the whole output without a path); `{ from_input }` reads the run's input ("" for all of it). */
export type ValueRef = { from_step: string; path?: string | undefined } | { from_input: string };

/** What a run has so far: each finished step's output by step id, and the input the run was started with. */
export interface RunContext {
  outputs: Record<string, unknown>;
  runInput: unknown;
}

/** A location inside a definition, as zod reports it: ["steps", 1, "input", "text"]. */
export type Location = readonly (string | number)[];

/** Inputs and conditions nested deeper than this are refused, so walking them can never exhaust the stack. */
export const MAX_NESTING = 32;
const MAX_PATH_LENGTH = 500;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "steps[1].input.text"; keys that are not identifiers are quoted: input["content-type"]. Empty for the whole definition. */
export function formatLocation(at: Location): string {
  let out = '';
  for (const key of at) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/**
 * Which kind of reference an object is shaped as, by its keys alone: exactly `from_step` (+ `path`), or exactly
 * `from_input`. Any other object is a literal, so `{ "from_step": "a", "note": 1 }` is passed through as it is.
 */
export function referenceShape(v: unknown): 'step' | 'input' | null {
  if (!isPlainObject(v)) return null;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === 'from_input') return 'input';
  if (keys.includes('from_step') && keys.every((k) => k === 'from_step' || k === 'path')) return 'step';
  return null;
}

/** The reference an object is, when it is shaped as one and its fields have the right types. */
export function asReference(v: unknown): ValueRef | null {
  const shape = referenceShape(v);
  if (shape === null || !isPlainObject(v)) return null;
  if (shape === 'input') return typeof v.from_input === 'string' ? { from_input: v.from_input } : null;
  if (typeof v.from_step !== 'string' || (v.path !== undefined && typeof v.path !== 'string')) return null;
  return v.path === undefined ? { from_step: v.from_step } : { from_step: v.from_step, path: v.path };
}

/** Why a path is malformed, or null. `allowEmpty` is for `from_input`, where "" means the whole run input. */
export function pathProblem(path: string, allowEmpty: boolean): string | null {
  if (path === '') return allowEmpty ? null : 'path must not be empty; leave it out to use the whole output';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.split('.').includes('')) return `path "${path}" has an empty segment; write it like "body.items.0.name"`;
  return null;
}

const NOT_FOUND = Object.freeze({ found: false as const });

/**
 * Reads a dot-separated path: numeric segments index arrays, other segments name an object's own keys (never
 * inherited ones such as "constructor"). No path, or "", is the whole value.
 */
export function getPath(value: unknown, path: string | undefined): { found: true; value: unknown } | { found: false } {
  if (path === undefined || path === '') return { found: true, value };
  let current = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(segment)) return NOT_FOUND;
      const index = Number(segment);
      if (index >= current.length) return NOT_FOUND;
      current = current[index];
    } else if (isPlainObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return NOT_FOUND;
    }
  }
  return { found: true, value: current };
}

/** Reads what a reference points at. A step missing from `outputs` (not run yet, failed or skipped) has nothing to read. */
export function readReference(ref: ValueRef, ctx: RunContext): { found: true; value: unknown } | { found: false } {
  if ('from_input' in ref) return getPath(ctx.runInput, ref.from_input);
  if (!Object.hasOwn(ctx.outputs, ref.from_step)) return NOT_FOUND;
  return getPath(ctx.outputs[ref.from_step], ref.path);
}

/** A reference whose value is not there when the step's input is resolved. */
export class UnresolvedReference extends ReferenceError {
  override readonly name = 'UnresolvedReference';
  /** The step referred to, or null for the run input. */
  readonly step: string | null;
  /** The path inside that step's output or the run input ("" for the whole of it). */
  readonly path: string;
  /** Where the reference sits inside the input being resolved, e.g. "text" or "items[0]"; "" for the input itself. */
  readonly at: string;

  constructor(ref: ValueRef, at: Location, stepHasOutput: boolean) {
    const where = formatLocation(['input', ...at]);
    const step = 'from_step' in ref ? ref.from_step : null;
    const path = 'from_step' in ref ? (ref.path ?? '') : ref.from_input;
    let message: string;
    if (step === null) message = `${where} refers to the run input at path "${path}", but the run input has no value there`;
    else if (!stepHasOutput) message = `${where} refers to step "${step}", which has no output (it has not run, or it failed or was skipped)`;
    else message = `${where} refers to step "${step}" at path "${path}", but that step's output has no value there`;
    super(message);
    this.step = step;
    this.path = path;
    this.at = formatLocation(at);
  }
}

/**
 * Returns a copy of `input` with every reference replaced by the value it points at. Values are shared with
 * `outputs` and `runInput`, not copied, and a resolved value is never resolved again, so a step's output that
 * happens to look like a reference stays data. Throws UnresolvedReference for the first missing value.
 */
export function resolveInput(input: unknown, ctx: RunContext): unknown {
  return resolveAt(input, ctx, []);
}

function resolveAt(value: unknown, ctx: RunContext, at: (string | number)[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveAt(item, ctx, [...at, i]));
  if (!isPlainObject(value)) return value;
  if (referenceShape(value) !== null) {
    const ref = asReference(value);
    if (ref === null) throw new TypeError(`${formatLocation(['input', ...at])} is shaped like a reference but its fields are not strings`);
    const read = readReference(ref, ctx);
    if (!read.found) throw new UnresolvedReference(ref, at, 'from_step' in ref && Object.hasOwn(ctx.outputs, ref.from_step));
    return read.value;
  }
  // fromEntries defines own properties, so a "__proto__" key stays data instead of replacing the prototype.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveAt(v, ctx, [...at, k])]));
}

export interface ReferenceSite {
  ref: ValueRef;
  at: Location;
}

/**
 * Every well-formed reference inside a value, with its location. Malformed ones and anything nested deeper than
 * MAX_NESTING are reported through `onProblem` when given (the schema's check) and otherwise ignored.
 */
export function referencesIn(value: unknown, at: Location, onProblem?: (at: Location, message: string) => void): ReferenceSite[] {
  const sites: ReferenceSite[] = [];
  const walk = (v: unknown, loc: Location, depth: number): void => {
    if (depth > MAX_NESTING) {
      onProblem?.(loc, `nested more than ${MAX_NESTING} levels deep`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...loc, i], depth + 1));
      return;
    }
    if (!isPlainObject(v)) return;
    const shape = referenceShape(v);
    if (shape === null) {
      for (const [k, item] of Object.entries(v)) walk(item, [...loc, k], depth + 1);
      return;
    }
    const problem = referenceProblem(v, shape);
    if (problem !== null) onProblem?.(loc, problem);
    const ref = asReference(v);
    if (ref !== null && problem === null) sites.push({ ref, at: loc });
  };
  walk(value, at, 0);
  return sites;
}

function referenceProblem(v: Record<string, unknown>, shape: 'step' | 'input'): string | null {
  if (shape === 'input') return typeof v.from_input === 'string' ? pathProblem(v.from_input, true) : 'from_input must be a path string ("" for the whole run input)';
  if (typeof v.from_step !== 'string' || v.from_step === '') return 'from_step must be the id of a step';
  if (v.path === undefined) return null;
  return typeof v.path === 'string' ? pathProblem(v.path, false) : 'path must be a string such as "body.items.0"';
}
