// ha.call_service, ha.get_state, ha.resolve: Home Assistant through the daemon, inside the entity allow-lists.
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import type { IotHub } from '../iot/hub';
import { anyEntityMatches } from '../iot/patterns';
import { resolve } from '../iot/resolve';
import { entryOf, type CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused } from './errors';

/** Service data keys that pick targets: they would reach entities the allow-list never named. */
const TARGET_KEYS = ['entity_id', 'area_id', 'device_id', 'floor_id', 'label_id'];

function hubOf(ctx: CapabilityContext): IotHub {
  if (!ctx.iot) throw new CapabilityFailed('unavailable', 'The home hub is not running on this daemon.');
  return ctx.iot;
}

const haMessage = (err: unknown): string => (err as { message?: unknown }).message?.toString() ?? JSON.stringify(err);

/** Refuses, before anything is asked or sent, a call that names an entity or target outside the allow-list. */
export function checkCallService(args: z.infer<(typeof CAPABILITY_ARGS)['ha.call_service']>, ctx: Pick<CapabilityContext, 'config'>): string[] {
  const entry = entryOf(ctx as CapabilityContext, 'ha.call_service');
  const ids = Array.isArray(args.entity_id) ? args.entity_id : [args.entity_id];
  const smuggled = TARGET_KEYS.filter((k) => Object.hasOwn(args.data, k));
  if (smuggled.length) throw new CapabilityRefused('outside_allow_list', `Service data may not pick targets (${smuggled.join(', ')}); name the entities in entity_id, where the allow-list applies.`);
  const outside = ids.filter((id) => !anyEntityMatches(entry.entities, id));
  if (outside.length) {
    const listed = entry.entities.length ? entry.entities.join(', ') : 'nothing yet (add entities to ha.call_service.entities)';
    throw new CapabilityRefused('outside_allow_list', `${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} not in the allow-list of ha.call_service, which allows ${listed}.`);
  }
  const foreign = ids.filter((id) => args.domain !== 'homeassistant' && !id.startsWith(`${args.domain}.`));
  if (foreign.length) throw new CapabilityRefused('args_mismatch', `${args.domain}.${args.service} cannot act on ${foreign.join(', ')}: the entity is in another domain.`);
  return ids;
}

export async function runHaCallService(args: z.infer<(typeof CAPABILITY_ARGS)['ha.call_service']>, ctx: CapabilityContext): Promise<Record<string, unknown>> {
  const ids = checkCallService(args, ctx);
  const hub = hubOf(ctx);
  const before = Object.fromEntries(ids.map((id) => [id, hub.haReady().states.get(id)?.state ?? null]));
  try {
    const done = await hub.callService(args.domain, args.service, args.data, ids, ctx.trace ?? '');
    const summary = done.changes.map((c) => `${hub.haReady().nameOf(c.entity_id)} is ${c.to ?? 'unknown'}${c.from !== null && c.from !== c.to ? ` (was ${c.from})` : ''}`).join('; ');
    return { domain: args.domain, service: args.service, entity_id: args.entity_id, context_id: done.context_id, before, changes: done.changes, summary };
  } catch (err) {
    throw new CapabilityFailed('program_failed', `Home Assistant did not carry out ${args.domain}.${args.service}: ${haMessage(err)}.`);
  }
}

export async function runHaGetState(args: z.infer<(typeof CAPABILITY_ARGS)['ha.get_state']>, ctx: CapabilityContext): Promise<Record<string, unknown>> {
  const entry = entryOf(ctx, 'ha.get_state');
  if (!anyEntityMatches(entry.entities, args.entity_id)) throw new CapabilityRefused('outside_allow_list', `${args.entity_id} is not in the allow-list of ha.get_state.`);
  const ha = hubOf(ctx).haReady();
  const state = ha.states.get(args.entity_id);
  if (!state) throw new CapabilityFailed('not_found', `Home Assistant has no entity ${args.entity_id}.`);
  return { entity_id: args.entity_id, name: ha.nameOf(args.entity_id), area: ha.areas.get(args.entity_id) ?? null, state: state.state, attributes: state.attributes, last_changed: state.last_changed };
}

export async function runHaResolve(args: z.infer<(typeof CAPABILITY_ARGS)['ha.resolve']>, ctx: CapabilityContext): Promise<Record<string, unknown>> {
  entryOf(ctx, 'ha.resolve');
  const hub = hubOf(ctx);
  hub.haReady();
  const found = resolve(args.name, args.action, args.value, hub.entities());
  if (!found.ok) throw new CapabilityFailed('not_found', found.message);
  return { ...found.resolved };
}
