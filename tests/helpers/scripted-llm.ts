// A scripted language model for tests: answers llm_decide turns from a fixed list and records what it was asked.
import type { LlmDecideRequest, LlmDecision, LlmPort } from '../../src-main/core/llm/port';

export class ScriptedLlm implements LlmPort {
  readonly name = 'scripted-test-model';
  readonly requests: LlmDecideRequest[] = [];
  constructor(private readonly script: LlmDecision[]) {}

  async decide(request: LlmDecideRequest): Promise<LlmDecision> {
    this.requests.push(request);
    const next = this.script[this.requests.length - 1];
    if (!next) throw new Error(`the script has no answer for turn ${this.requests.length}`);
    return next;
  }
}
