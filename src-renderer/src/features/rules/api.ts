// The rules screen's calls: list (each rule with its recent log), create, edit (enable / disable too) and delete.
import { z } from 'zod';
import { RULE_PATHS, RuleList, RuleView, type RuleCreate, type RulePatch } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

const Deleted = z.object({ deleted: z.string() });
const one = (id: string) => `${RULE_PATHS.rules}/${encodeURIComponent(id)}`;

export interface RulesApi {
  list(): Promise<RuleList>;
  create(body: RuleCreate): Promise<RuleView>;
  update(id: string, patch: RulePatch): Promise<RuleView>;
  remove(id: string): Promise<void>;
}

export function rulesApi(api: ApiClient): RulesApi {
  return {
    list: () => api.call('GET', RULE_PATHS.rules, RuleList),
    create: (body) => api.call('POST', RULE_PATHS.rules, RuleView, body),
    update: (id, patch) => api.call('PATCH', one(id), RuleView, patch),
    remove: async (id) => {
      await api.call('DELETE', one(id), Deleted);
    },
  };
}
