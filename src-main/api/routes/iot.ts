// Home settings routes: Home Assistant and MQTT connections, allow-lists, critical marks, test connection and live health, all carried out by the daemon.
import { sealSecret, type IotConfigureArgs, type IotStatus, type IotTestArgs } from '../../../src-daemon/protocol';
import { DaemonError } from '../../core/integrations/daemon';
import { newId } from '../../core/util/ids';
import { API_PATHS, IotAllowListsRequest, IotCriticalRequest, IotHaSettingsRequest, IotMqttSettingsRequest, IotTestRequest, type IotChangeResult, type IotEntities, type IotTestResult, type IotView } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import type { Route, RouteContext } from './types';

function view(ctx: RouteContext): IotView {
  const daemon = ctx.agent.daemon;
  const link = daemon.inbound?.view() ?? null;
  return {
    paired: daemon.link() !== undefined,
    link: link && { connected: link.connected, since: link.since, last_event_at: link.last_event_at, last_error: link.last_error, events_received: link.events_received },
    status: link?.status ?? null,
  };
}

/** The daemon's last status: it carries the key secrets are sealed to, so nothing is sent without it. */
function statusOrFail(ctx: RouteContext): IotStatus {
  if (!ctx.agent.daemon.link()) throw new ApiError(409, 'conflict', 'No daemon is paired: home settings live on the daemon. Pair one first (POST /v1/integrations/daemon/pair).');
  const status = ctx.agent.daemon.inbound?.view().status;
  if (!status) throw new ApiError(409, 'conflict', 'The daemon has not reported its home status yet; check that it is running, then try again.');
  return status;
}

function daemonFailure(err: unknown): never {
  if (!(err instanceof DaemonError)) throw err;
  if (err.code === 'unavailable') throw new ApiError(409, 'conflict', err.message);
  if (err.code === 'denied_by_person' || err.code === 'confirm_timeout' || err.code === 'no_display') throw new ApiError(403, 'forbidden', `The daemon's owner did not confirm the change: ${err.message}`);
  throw new ApiError(422, 'unprocessable', `The daemon refused the change (${err.code}): ${err.message}`);
}

/** One signed iot.configure; the daemon asks on its own screen whenever the change widens what Jarvis may do. */
async function configure(ctx: RouteContext, args: IotConfigureArgs, sections: string[]): Promise<void> {
  const trace = newId();
  const by = `person:${ctx.role}`;
  ctx.core.audit.append({ type: 'iot.settings_requested', actor: by, subject: sections.join(','), traceId: trace, payload: { sections, caller: ctx.caller } });
  let out: Record<string, unknown>;
  try {
    out = await ctx.agent.daemon.command('iot.configure', args as Record<string, unknown>, { risk: 'low', approval: by, trace, reason: `home settings changed in the app (${sections.join(', ')})` });
  } catch (err) {
    ctx.core.audit.append({ type: 'iot.settings_refused', actor: by, subject: sections.join(','), traceId: trace, payload: { sections, code: (err as { code?: string }).code ?? 'error', message: (err as Error).message } });
    daemonFailure(err);
  }
  ctx.core.audit.append({ type: 'iot.settings_changed', actor: by, subject: sections.join(','), traceId: trace, payload: { sections } });
  sendJson(ctx.res, 200, out as IotChangeResult);
}

const seal = (secret: string | null | undefined, key: string, context: 'ha_token' | 'mqtt_password'): { sealed?: string | null } =>
  secret === undefined ? {} : { sealed: secret === null ? null : sealSecret(secret, key, context) };

async function putHa(ctx: RouteContext): Promise<void> {
  const body = parseWith(IotHaSettingsRequest, await readJson(ctx.req), 'Home Assistant settings');
  const status = statusOrFail(ctx);
  const token = seal(body.token, status.seal_key, 'ha_token');
  await configure(ctx, { ha: { url: body.url, watch: body.watch ?? status.ha.watch, ...('sealed' in token ? { token: token.sealed ?? null } : {}) } }, ['ha']);
}

async function putMqtt(ctx: RouteContext): Promise<void> {
  const body = parseWith(IotMqttSettingsRequest, await readJson(ctx.req), 'MQTT settings');
  const status = statusOrFail(ctx);
  const password = seal(body.password, status.seal_key, 'mqtt_password');
  const now = status.mqtt;
  await configure(
    ctx,
    {
      mqtt: {
        url: body.url,
        username: body.username === undefined ? now.username : body.username,
        client_id: body.client_id ?? now.client_id,
        protocol_version: body.protocol_version ?? (now.protocol_version === 4 ? 4 : 5),
        subscriptions: body.subscriptions ?? now.subscriptions,
        ...(body.tls ? { tls: body.tls } : {}),
        ...('sealed' in password ? { password: password.sealed ?? null } : {}),
      },
    },
    ['mqtt'],
  );
}

async function putAllowLists(ctx: RouteContext): Promise<void> {
  const body = parseWith(IotAllowListsRequest, await readJson(ctx.req), 'allow-lists');
  statusOrFail(ctx);
  await configure(ctx, { allow: body }, ['allow']);
}

async function putCritical(ctx: RouteContext): Promise<void> {
  const body = parseWith(IotCriticalRequest, await readJson(ctx.req), 'critical marks');
  statusOrFail(ctx);
  await configure(ctx, { critical: [...new Set(body.entities)] }, ['critical']);
}

async function postTest(ctx: RouteContext): Promise<void> {
  const body = parseWith(IotTestRequest, await readJson(ctx.req), 'connection test');
  const status = statusOrFail(ctx);
  const args: IotTestArgs = {
    target: body.target,
    ...(body.url ? { url: body.url } : {}),
    ...(body.username ? { username: body.username } : {}),
    ...(body.secret ? { secret: sealSecret(body.secret, status.seal_key, body.target === 'ha' ? 'ha_token' : 'mqtt_password') } : {}),
  };
  try {
    const out = await ctx.agent.daemon.command('iot.test', args as Record<string, unknown>, { risk: 'low', approval: `person:${ctx.role}`, trace: newId() });
    sendJson(ctx.res, 200, out as IotTestResult);
  } catch (err) {
    daemonFailure(err);
  }
}

function entities(ctx: RouteContext): void {
  const q = (ctx.url.searchParams.get('q') ?? '').trim().toLowerCase();
  const allowed = ctx.url.searchParams.get('allowed');
  const limit = Math.min(2000, Math.max(1, Number(ctx.url.searchParams.get('limit') ?? 500) || 500));
  const all = ctx.agent.daemon.inbound?.entities() ?? [];
  const hits = all.filter((e) => (!q || `${e.entity_id} ${e.name} ${e.area ?? ''}`.toLowerCase().includes(q)) && (allowed === null || String(e.allowed) === allowed));
  sendJson(ctx.res, 200, { entities: hits.slice(0, limit), total: hits.length } satisfies IotEntities);
}

export const IOT_ROUTES: readonly Route[] = [
  { method: 'GET', path: API_PATHS.iot, handle: (ctx) => sendJson(ctx.res, 200, view(ctx)) },
  { method: 'GET', path: API_PATHS.iotEntities, handle: entities },
  // Owner only: these decide what Jarvis may do in the home, and the credentials it does it with.
  { method: 'PUT', path: API_PATHS.iotHa, role: 'owner', handle: putHa },
  { method: 'PUT', path: API_PATHS.iotMqtt, role: 'owner', handle: putMqtt },
  { method: 'PUT', path: API_PATHS.iotAllowLists, role: 'owner', handle: putAllowLists },
  { method: 'PUT', path: API_PATHS.iotCritical, role: 'owner', handle: putCritical },
  { method: 'POST', path: API_PATHS.iotTest, role: 'owner', handle: postTest },
];
