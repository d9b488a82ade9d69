// The daemon's own reading of a home command's risk: it never takes the app's word that unlocking a door is harmless.
import { RISKS, type CapabilitiesFile, type IotConfigureArgs, type Risk } from '../protocol';
import { onlyRemoves } from './patterns';

/** Domains whose devices keep people and homes safe: locks, alarm panels, garage doors and other covers. */
export const PHYSICAL_SAFETY_DOMAINS: readonly string[] = Object.freeze(['lock', 'alarm_control_panel', 'cover']);

export interface Assessment {
  risk: Risk;
  /** The physical-safety tier: the daemon's dialog is shown whatever capabilities.json says. */
  physical: boolean;
  reasons: string[];
}

const NONE: Assessment = { risk: 'none', physical: false, reasons: [] };

export const maxRisk = (a: Risk, b: Risk): Risk => (RISKS.indexOf(a) >= RISKS.indexOf(b) ? a : b);

export function isPhysicalSafety(entityId: string, critical: readonly string[]): string | null {
  const domain = entityId.slice(0, entityId.indexOf('.'));
  if (PHYSICAL_SAFETY_DOMAINS.includes(domain)) return `${entityId} is a ${domain.replace(/_/g, ' ')}`;
  if (entityId.includes('garage')) return `${entityId} looks like a garage door`;
  if (critical.includes(entityId)) return `${entityId} is marked critical`;
  return null;
}

export function entityIdsOf(args: Record<string, unknown>): string[] {
  const ids = args.entity_id;
  return Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string') : typeof ids === 'string' ? [ids] : [];
}

/** Only removals from allow-lists and additions of critical marks lower no guard; anything else is a change the person confirms here. */
function configureRisk(args: IotConfigureArgs, caps: CapabilitiesFile['capabilities']): Assessment {
  const reasons: string[] = [];
  if (args.ha) reasons.push('changes the Home Assistant connection');
  if (args.mqtt) reasons.push('changes the MQTT connection');
  const allow = args.allow ?? {};
  if (allow.call_service && !onlyRemoves(caps['ha.call_service']?.entities ?? [], allow.call_service)) reasons.push('lets Jarvis act on more entities');
  if (allow.get_state && !onlyRemoves(caps['ha.get_state']?.entities ?? [], allow.get_state)) reasons.push('lets Jarvis read more entities');
  if (allow.publish && !onlyRemoves(caps['mqtt.publish']?.topics ?? [], allow.publish)) reasons.push('lets Jarvis publish to more topics');
  const critical = caps['ha.call_service']?.critical ?? [];
  if (args.critical && !critical.every((id) => args.critical?.includes(id))) reasons.push('removes critical marks');
  return reasons.length ? { risk: 'high', physical: false, reasons } : { risk: 'low', physical: false, reasons: ['only narrows what Jarvis may do'] };
}

export function assessHomeCommand(cap: string, args: Record<string, unknown>, caps: CapabilitiesFile['capabilities']): Assessment {
  switch (cap) {
    case 'ha.call_service': {
      const critical = caps['ha.call_service']?.critical ?? [];
      const domain = typeof args.domain === 'string' ? args.domain : '';
      const reasons = entityIdsOf(args)
        .map((id) => isPhysicalSafety(id, critical))
        .filter((r): r is string => r !== null);
      if (PHYSICAL_SAFETY_DOMAINS.includes(domain)) reasons.unshift(`${domain}.${String(args.service)} acts on a physical-safety device`);
      return reasons.length ? { risk: 'critical', physical: true, reasons } : NONE;
    }
    case 'iot.configure':
      return configureRisk(args as IotConfigureArgs, caps);
    default:
      return NONE;
  }
}
