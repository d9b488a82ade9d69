// The router cascade: filters → rules → fastpath intents → LLM, each stage's outcome kept in the decision.
import type { MessageEvent, RoutingDecision } from '../../../src-shared/contract/events';
import { fillSteps, INTENTS, matchIntent, type IntentDecl } from './intents';

/** A tool to call, or (the LLM lane) a step at which the language model decides what to call. */
export type PlannedStep = { tool: string; input: Record<string, unknown> } | { kind: 'llm_decide'; goal: string };

export interface Route {
  decision: RoutingDecision;
  /** What to run: null when the event was filtered or nothing matched. */
  steps: PlannedStep[] | null;
  /** The fastpath intent that matched, for reply templates. */
  intent: IntentDecl | null;
}

/** The rules engine's seam: returns steps when a stored rule claims the event. */
export interface RuleStage {
  match(event: MessageEvent): { rule: string; steps: PlannedStep[] } | null;
}

/** The LLM lane's seam: plans an event nothing else understood. */
export interface LlmStage {
  /** Why the lane cannot run now (no provider, no model, no key), in words with what to do; null when it can. */
  unavailable?(): string | null;
  plan(event: MessageEvent): Promise<{ steps: PlannedStep[]; detail: string } | null>;
}

export interface RouterOptions {
  mutedSources: readonly string[];
  ignorePatterns: readonly string[];
  intents?: readonly IntentDecl[];
  rules?: RuleStage;
  llm?: LlmStage;
}

type Stage = RoutingDecision['stages'][number];

export class Router {
  private readonly ignore: RegExp[];
  private readonly intents: readonly IntentDecl[];

  constructor(private readonly options: RouterOptions) {
    this.ignore = options.ignorePatterns.map((p) => new RegExp(p, 'i'));
    this.intents = options.intents ?? INTENTS;
  }

  async route(event: MessageEvent): Promise<Route> {
    const stages: Stage[] = [];
    const done = (lane: RoutingDecision['lane'], steps: PlannedStep[] | null, intent: IntentDecl | null = null, slots: Record<string, unknown> = {}): Route => ({
      decision: { lane, intent: intent?.id ?? null, slots, stages },
      steps,
      intent,
    });

    if (this.options.mutedSources.includes(event.source)) {
      stages.push({ stage: 'filters', outcome: 'blocked', detail: `source ${event.source} is muted` });
      return done('filtered', null);
    }
    const ignored = event.text === null ? undefined : this.ignore.find((r) => r.test(event.text ?? ''));
    if (ignored) {
      stages.push({ stage: 'filters', outcome: 'blocked', detail: `text matches ignore pattern /${ignored.source}/` });
      return done('filtered', null);
    }
    stages.push({ stage: 'filters', outcome: 'pass' });

    const rule = this.options.rules?.match(event) ?? null;
    if (rule) {
      stages.push({ stage: 'rules', outcome: 'matched', detail: rule.rule });
      return done('rule', rule.steps);
    }
    stages.push({ stage: 'rules', outcome: this.options.rules ? 'no_match' : 'unavailable', ...(this.options.rules ? {} : { detail: 'no rules engine yet' }) });

    const match = event.text === null ? null : matchIntent(event.text, this.intents);
    if (match) {
      stages.push({ stage: 'fastpath', outcome: 'matched', detail: match.intent.id });
      return done('fastpath', fillSteps(match.intent, match.slots), match.intent, match.slots);
    }
    stages.push({ stage: 'fastpath', outcome: 'no_match' });

    const unavailable = this.options.llm ? (this.options.llm.unavailable?.() ?? null) : 'no language model is configured';
    if (!this.options.llm || unavailable !== null) {
      stages.push({ stage: 'llm', outcome: 'unavailable', detail: unavailable ?? 'no language model is configured' });
      return done('unhandled', null);
    }
    const planned = await this.options.llm.plan(event);
    if (planned) {
      stages.push({ stage: 'llm', outcome: 'matched', detail: planned.detail });
      return done('llm', planned.steps);
    }
    stages.push({ stage: 'llm', outcome: 'no_match' });
    return done('unhandled', null);
  }

  examples(): string[] {
    return this.intents.flatMap((i) => i.examples.slice(0, 1));
  }
}
