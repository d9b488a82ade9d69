// mqtt.publish: a message to an allow-listed topic, sent with the asked QoS and acknowledged by the broker before it counts as done.
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import { anyTopicMatches } from '../iot/patterns';
import { entryOf, type CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused } from './errors';

export function checkPublish(args: z.infer<(typeof CAPABILITY_ARGS)['mqtt.publish']>, ctx: Pick<CapabilityContext, 'config'>): void {
  const entry = entryOf(ctx as CapabilityContext, 'mqtt.publish');
  if (!anyTopicMatches(entry.topics, args.topic)) {
    throw new CapabilityRefused('outside_allow_list', `"${args.topic}" is not in the allow-list of mqtt.publish, which allows ${entry.topics.length ? entry.topics.join(', ') : 'no topics yet (add filters to mqtt.publish.topics)'}.`);
  }
}

export async function runMqttPublish(args: z.infer<(typeof CAPABILITY_ARGS)['mqtt.publish']>, ctx: CapabilityContext): Promise<Record<string, unknown>> {
  checkPublish(args, ctx);
  if (!ctx.iot) throw new CapabilityFailed('unavailable', 'The home hub is not running on this daemon.');
  try {
    const sent = await ctx.iot.mqttReady().publish(args.topic, args.payload, args.qos, args.retain);
    return { topic: args.topic, qos: args.qos, retain: args.retain, bytes: Buffer.byteLength(args.payload), message_id: sent.message_id };
  } catch (err) {
    throw new CapabilityFailed('unavailable', `The message to ${args.topic} was not published: ${(err as Error).message}.`);
  }
}
