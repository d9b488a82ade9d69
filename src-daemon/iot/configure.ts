// iot.configure and iot.test: the person's home settings arriving as a signed command; secrets come sealed and are opened only here.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { CapabilityFailed, CapabilityRefused } from '../capabilities/errors';
import { entryOf, type CapabilityContext } from '../capabilities/context';
import type { CAPABILITY_ARGS, CapabilitiesFile } from '../protocol';
import { loadIotFile, loadSecrets, saveIotFile, saveSecrets, writeAtomic, type IotFile } from './files';
import { HaAdapter } from './ha';
import type { IotHub } from './hub';
import { MqttAdapter } from './mqtt';

type Args = z.infer<(typeof CAPABILITY_ARGS)['iot.configure']>;

function hubOf(ctx: CapabilityContext): IotHub {
  if (!ctx.iot) throw new CapabilityFailed('unavailable', 'The home hub is not running on this daemon.');
  return ctx.iot;
}

function openOrRefuse(hub: IotHub, sealed: string, context: 'ha_token' | 'mqtt_password'): string {
  const secret = hub.openSecret(sealed, context);
  if (secret === null) throw new CapabilityRefused('args_mismatch', `The ${context === 'ha_token' ? 'Home Assistant token' : 'MQTT password'} was not sealed to this daemon's key; read the key from its status and seal again.`);
  return secret;
}

/** Defaults for a home capability that capabilities.json does not list yet. */
const FRESH = {
  'ha.call_service': { risk: 'low', confirm: { min_risk: 'critical' }, confirm_timeout_s: 60, entities: [], critical: [] },
  'ha.get_state': { risk: 'none', confirm: 'never', confirm_timeout_s: 60, entities: [] },
  'mqtt.publish': { risk: 'medium', confirm: { min_risk: 'high' }, confirm_timeout_s: 60, topics: [] },
} as const;

export async function runIotConfigure(args: Args, ctx: CapabilityContext): Promise<Record<string, unknown>> {
  entryOf(ctx, 'iot.configure');
  const hub = hubOf(ctx);
  const home = hub.home;
  // Everything is checked and every secret opened before the first file is written.
  const haToken = args.ha?.token ? openOrRefuse(hub, args.ha.token, 'ha_token') : args.ha?.token;
  const mqttPassword = args.mqtt?.password ? openOrRefuse(hub, args.mqtt.password, 'mqtt_password') : args.mqtt?.password;
  const cfg: IotFile = loadIotFile(home);
  if (args.ha) cfg.ha = { url: args.ha.url, watch: args.ha.watch };
  if (args.mqtt) {
    const { password: _p, client_id, ...rest } = args.mqtt;
    cfg.mqtt = { ...rest, client_id: client_id ?? cfg.mqtt.client_id };
  }
  let caps: CapabilitiesFile | null = null;
  if (args.allow || args.critical) {
    const now = structuredClone(hub.currentCaps());
    const c = now.capabilities as Record<string, unknown> & CapabilitiesFile['capabilities'];
    const call = { ...(c['ha.call_service'] ?? FRESH['ha.call_service']) } as NonNullable<CapabilitiesFile['capabilities']['ha.call_service']>;
    if (args.allow?.call_service) call.entities = args.allow.call_service;
    if (args.critical) call.critical = args.critical;
    c['ha.call_service'] = call;
    if (args.allow?.get_state) c['ha.get_state'] = { ...(c['ha.get_state'] ?? FRESH['ha.get_state']), entities: args.allow.get_state } as NonNullable<CapabilitiesFile['capabilities']['ha.get_state']>;
    if (args.allow?.publish) c['mqtt.publish'] = { ...(c['mqtt.publish'] ?? FRESH['mqtt.publish']), topics: args.allow.publish } as NonNullable<CapabilitiesFile['capabilities']['mqtt.publish']>;
    caps = now;
  }
  const secrets = loadSecrets(home);
  if (haToken === null) delete secrets.ha_token;
  else if (haToken !== undefined) secrets.ha_token = haToken;
  if (mqttPassword === null) delete secrets.mqtt_password;
  else if (mqttPassword !== undefined) secrets.mqtt_password = mqttPassword;

  if (caps) hub.replaceCaps(caps);
  if (haToken !== undefined || mqttPassword !== undefined) saveSecrets(home, secrets);
  if (args.ha || args.mqtt) saveIotFile(home, cfg);
  const changed = [args.ha && 'ha', args.mqtt && 'mqtt', args.allow && 'allow', args.critical && 'critical'].filter(Boolean);
  if (args.ha || args.mqtt || haToken !== undefined || mqttPassword !== undefined) await hub.reload();
  if (caps) hub.capsChanged();
  return { changed, status: hub.status(null) };
}

export async function runIotTest(args: z.infer<(typeof CAPABILITY_ARGS)['iot.test']>, ctx: CapabilityContext): Promise<Record<string, unknown>> {
  entryOf(ctx, 'iot.test');
  const hub = hubOf(ctx);
  const context = args.target === 'ha' ? 'ha_token' : 'mqtt_password';
  const stored = hub.config[args.target].url;
  const url = args.url ?? stored;
  if (!url) throw new CapabilityFailed('bad_config', `No ${args.target === 'ha' ? 'Home Assistant' : 'broker'} address is set or given.`);
  // The stored secret goes only to the stored address: a test must not hand it to a new server.
  const storedSecret = url === stored ? (loadSecrets(hub.home)[context] ?? null) : null;
  const secret = args.secret ? openOrRefuse(hub, args.secret, context) : storedSecret;
  if (args.target === 'ha') {
    if (!secret) return { target: 'ha', ok: false, error: 'no access token to log in with' };
    return { target: 'ha', ...(await HaAdapter.test(url, secret)) };
  }
  const settings = { ...hub.config.mqtt, url, username: args.username ?? (url === stored ? hub.config.mqtt.username : null) };
  return { target: 'mqtt', ...(await MqttAdapter.test({ settings, clientId: `${hub.clientId()}-test`, password: secret })) };
}

/** Writes the whitelist as the daemon's own copy; the caller has validated it. */
export function writeCapabilities(home: string, caps: CapabilitiesFile): void {
  const file = path.join(home, 'capabilities.json');
  const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o755 : 0o644;
  writeAtomic(file, `${JSON.stringify(caps, null, 2)}\n`, mode);
}
