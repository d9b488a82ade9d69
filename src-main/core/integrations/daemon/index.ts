// Daemon integration surface: the app's key, the client, and what capabilities.json says about confirmation.
import fs from 'node:fs';
import { CapabilitiesFile, RISKS, type CapabilityId, type Risk } from '../../../../src-daemon/protocol';
export { DaemonClient, DaemonError } from './client';
export type { DaemonState, DaemonLink } from './client';
export { loadAppIdentity } from './keys';
export { attachIot, inboundSink, type IotBridgeDeps } from './bridge';
export { InboundLink, type InboundSink, type InboundState } from './inbound';

/** The default whitelist shipped with the app (the daemon's own copy may be stricter). */
export function readCapabilities(file: string): CapabilitiesFile {
  return CapabilitiesFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Whether the daemon's dialog will ask the person for this capability at this risk (per the shipped whitelist). */
export function daemonWillConfirm(caps: CapabilitiesFile, cap: string, risk: Risk): boolean {
  const entry = caps.capabilities[cap as CapabilityId];
  if (!entry) return false;
  const policy = entry.confirm;
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  return RISKS.indexOf(risk) >= RISKS.indexOf(policy.min_risk);
}

export function capabilityRisk(caps: CapabilitiesFile, cap: string): Risk | null {
  return caps.capabilities[cap as CapabilityId]?.risk ?? null;
}
