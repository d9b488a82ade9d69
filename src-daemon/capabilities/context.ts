// What every capability runner receives, and the lookup of its own whitelist entry.
import type { CapabilitiesFile, CapabilityId } from '../protocol';
import type { IotHub } from '../iot/hub';
import { CapabilityRefused } from './errors';

export interface CapabilityContext {
  /** The loaded whitelist's capabilities (see loadCapabilities). */
  config: CapabilitiesFile['capabilities'];
  platform: NodeJS.Platform;
  /** The daemon's environment: HOME, PATH and the display variables come from here, never from the request. */
  env: NodeJS.ProcessEnv;
  /** Aborted when the daemon stops or the command is cancelled; running processes are killed. */
  signal: AbortSignal;
  /** The home hub (Home Assistant and MQTT), for the home capabilities. */
  iot?: IotHub;
  /** The trace the command belongs to: a state change it causes travels back under it. */
  trace?: string;
}

type Entries = CapabilitiesFile['capabilities'];

/** The capability's whitelist entry; a capability absent from capabilities.json is refused, never run with defaults. */
export function entryOf<K extends CapabilityId>(ctx: CapabilityContext, id: K): NonNullable<Entries[K]> {
  const entry = ctx.config[id];
  if (entry === undefined) {
    const listed = Object.keys(ctx.config).join(', ') || 'none';
    throw new CapabilityRefused('not_whitelisted', `"${id}" is not listed in capabilities.json, so it cannot run. Listed: ${listed}.`);
  }
  return entry as NonNullable<Entries[K]>;
}
