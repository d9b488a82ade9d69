// Problems with a definition as a person reads them: where ("steps[1].input.text") and what is wrong.
import type { z } from 'zod';
import { formatLocation, type Location } from './refs';

export interface WorkflowProblem {
  /** Where the problem is, e.g. "steps[1].input.text"; empty for the definition as a whole. */
  path: string;
  message: string;
}

/** A problem found by this folder's own checks, located like a zod issue so it can become one. */
export interface LocatedProblem {
  at: Location;
  message: string;
}

/** Zod issues in the words the rest of the checks use; one problem per unknown field. */
export function issueProblems(issues: readonly z.core.$ZodIssue[]): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  for (const issue of issues) {
    const at = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ at: [...at, key], message: `unknown field "${key}"` });
    } else if (issue.code === 'invalid_type' && at.length === 0) {
      out.push({ at, message: 'a workflow definition must be a JSON object' });
    } else {
      out.push({ at, message: issue.message });
    }
  }
  return out;
}

/** Per-parse messages: a missing field says so instead of "expected string, received undefined". */
export const friendlierMessages: z.core.$ZodErrorMap = (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined);

/** Formats problems, dropping exact repeats (two checks can notice the same thing). */
export function toWorkflowProblems(problems: readonly LocatedProblem[]): WorkflowProblem[] {
  const seen = new Set<string>();
  const out: WorkflowProblem[] = [];
  for (const p of problems) {
    const problem = { path: formatLocation(p.at), message: p.message };
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
