// Language-model routes: what a call received (GET /v1/llm/context), provider settings, and "test connection".
import { LlmSettingsError } from '../../core/llm';
import { API_PATHS, LlmContextQuery, LlmSettingsUpdate, LlmTestRequest, type LlmContextResponse } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { queryOf, type Route, type RouteContext } from './types';

function context(ctx: RouteContext): void {
  const q = parseWith(LlmContextQuery, queryOf(ctx.url), 'query');
  const body: LlmContextResponse = { trace_id: q.trace_id, calls: ctx.agent.llm.calls.byTrace(q.trace_id) };
  sendJson(ctx.res, 200, body);
}

function settings(ctx: RouteContext): void {
  sendJson(ctx.res, 200, ctx.agent.llm.view());
}

async function updateSettings(ctx: RouteContext): Promise<void> {
  const body = parseWith(LlmSettingsUpdate, await readJson(ctx.req), 'language-model settings');
  try {
    sendJson(ctx.res, 200, ctx.agent.llm.update(body, `person@${ctx.caller}`));
  } catch (err) {
    if (err instanceof LlmSettingsError) throw new ApiError(409, 'conflict', err.message, [{ field: err.field, problem: err.field === 'config.json' ? 'unreadable' : 'set by an environment variable' }]);
    throw err;
  }
}

async function testConnection(ctx: RouteContext): Promise<void> {
  // An empty body tests the saved settings.
  const raw = ctx.req.headers['content-length'] === '0' || ctx.req.headers['content-type'] === undefined ? {} : await readJson(ctx.req);
  const body = parseWith(LlmTestRequest, raw, 'connection test');
  sendJson(ctx.res, 200, await ctx.agent.llm.test(body, `person@${ctx.caller}`));
}

export const LLM_ROUTES: readonly Route[] = [
  { method: 'GET', path: API_PATHS.llmContext, handle: context },
  { method: 'GET', path: API_PATHS.llmSettings, handle: settings },
  // Owner only: the provider decides where the person's messages go, and a test reaches any address given.
  { method: 'PUT', path: API_PATHS.llmSettings, role: 'owner', handle: updateSettings },
  { method: 'POST', path: API_PATHS.llmTest, role: 'owner', handle: testConnection },
];
