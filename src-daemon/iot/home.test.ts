// The daemon's pure home decisions: allow-list patterns, name resolution, its own risk reading, and sealed secrets.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSealed, rawX25519, sealSecret, TopicFilter, type CapabilitiesFile } from '../protocol';
import { entityMatches, onlyRemoves, topicMatches } from './patterns';
import { resolve, type EntityInfo } from './resolve';
import { assessHomeCommand } from './risk';

describe('patterns', () => {
  it('matches entities exactly, by domain, or all', () => {
    expect(entityMatches('light.kitchen', 'light.kitchen')).toBe(true);
    expect(entityMatches('light.kitchen', 'light.kitchen_2')).toBe(false);
    expect(entityMatches('light.*', 'light.hall')).toBe(true);
    expect(entityMatches('light.*', 'lightning.x')).toBe(false);
    expect(entityMatches('*', 'lock.front_door')).toBe(true);
  });

  it('matches MQTT filters as the spec says', () => {
    expect(topicMatches('home/+/set', 'home/porch/set')).toBe(true);
    expect(topicMatches('home/+/set', 'home/porch/light/set')).toBe(false);
    expect(topicMatches('home/#', 'home')).toBe(true);
    expect(topicMatches('home/#', 'home/a/b')).toBe(true);
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('a/b', 'a/b/c')).toBe(false);
  });

  it('refuses malformed filters, and tells a narrowing from a widening', () => {
    expect(TopicFilter.safeParse('home/#/x').success).toBe(false);
    expect(TopicFilter.safeParse('home/a+/x').success).toBe(false);
    expect(onlyRemoves(['light.*', 'lock.a'], ['light.*'])).toBe(true);
    expect(onlyRemoves(['light.kitchen'], ['light.*'])).toBe(false);
  });
});

const home: EntityInfo[] = [
  { entity_id: 'light.kitchen', name: 'Kitchen Light', area: 'Kitchen', state: 'off' },
  { entity_id: 'light.ceiling', name: 'Ceiling', area: 'Living Room', state: 'on' },
  { entity_id: 'light.desk', name: 'Desk Lamp', area: 'Office', state: 'off' },
  { entity_id: 'lock.front_door', name: 'Front Door', area: 'Hall', state: 'locked' },
  { entity_id: 'climate.hall', name: 'Thermostat', area: 'Hall', state: 'heat' },
  { entity_id: 'switch.kitchen_radio', name: 'Radio', area: 'Kitchen', state: 'off' },
  { entity_id: 'switch.office_fan', name: 'Fan', area: 'Office', state: 'off' },
];

describe('resolve', () => {
  it('finds an entity by its name, its id or its area and a word for its domain', () => {
    expect(resolve('kitchen light', 'turn_on', undefined, home)).toMatchObject({ ok: true, resolved: { entity_id: 'light.kitchen', domain: 'light', service: 'turn_on', state: 'off' } });
    expect(resolve('the living room light', 'turn_off', undefined, home)).toMatchObject({ ok: true, resolved: { entity_id: 'light.ceiling' } });
    expect(resolve('front door', 'unlock', undefined, home)).toMatchObject({ ok: true, resolved: { entity_id: 'lock.front_door', domain: 'lock', service: 'unlock' } });
  });

  it('maps "set" to the domain\'s service and checks the value', () => {
    expect(resolve('desk lamp', 'set', '40%', home)).toMatchObject({ ok: true, resolved: { service: 'turn_on', data: { brightness_pct: 40 } } });
    expect(resolve('thermostat', 'set', '21', home)).toMatchObject({ ok: true, resolved: { domain: 'climate', service: 'set_temperature', data: { temperature: 21 } } });
    expect(resolve('desk lamp', 'set', 'purple', home)).toMatchObject({ ok: false });
  });

  it('says when nothing or several things match', () => {
    expect(resolve('garage', 'turn_on', undefined, home)).toEqual({ ok: false, message: 'No device called "garage" is known to Home Assistant.' });
    const both = resolve('office', 'turn_on', undefined, home);
    expect(both.ok).toBe(false);
    expect(!both.ok && both.message).toMatch(/"office" could be .*(light\.desk.*switch\.office_fan|switch\.office_fan.*light\.desk).*say which/);
    // Locking picks only locks, so a light named "door" is never unlocked by mistake.
    expect(resolve('kitchen light', 'unlock', undefined, home)).toMatchObject({ ok: false });
  });
});

const caps = (critical: string[] = []): CapabilitiesFile['capabilities'] => ({
  'ha.call_service': { risk: 'low', confirm: 'never', confirm_timeout_s: 60, entities: ['light.*'], critical },
  'mqtt.publish': { risk: 'medium', confirm: 'never', confirm_timeout_s: 60, topics: ['a/#'] },
});

describe('assessHomeCommand', () => {
  it('puts locks, alarms, covers, garage doors and critical marks in the physical-safety tier', () => {
    for (const [domain, id] of [['lock', 'lock.front'], ['alarm_control_panel', 'alarm_control_panel.home'], ['cover', 'cover.blinds'], ['switch', 'switch.garage_opener']] as const) {
      expect(assessHomeCommand('ha.call_service', { domain, service: 'x', entity_id: id }, caps())).toMatchObject({ risk: 'critical', physical: true });
    }
    expect(assessHomeCommand('ha.call_service', { domain: 'switch', service: 'turn_on', entity_id: 'switch.heater' }, caps(['switch.heater']))).toMatchObject({ risk: 'critical', physical: true, reasons: ['switch.heater is marked critical'] });
    expect(assessHomeCommand('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'light.a' }, caps())).toMatchObject({ risk: 'none', physical: false });
  });

  it('lets a settings change that only narrows pass as low, and anything wider as high', () => {
    expect(assessHomeCommand('iot.configure', { allow: { call_service: [] }, critical: ['light.a'] }, caps())).toMatchObject({ risk: 'low' });
    expect(assessHomeCommand('iot.configure', { allow: { publish: ['#'] } }, caps())).toMatchObject({ risk: 'high', reasons: ['lets Jarvis publish to more topics'] });
    expect(assessHomeCommand('iot.configure', { critical: [] }, caps(['switch.heater']))).toMatchObject({ risk: 'high', reasons: ['removes critical marks'] });
    expect(assessHomeCommand('iot.configure', { ha: { url: 'http://ha.local:8123', watch: ['*'] } }, caps())).toMatchObject({ risk: 'high' });
  });
});

describe('sealed secrets', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('x25519');
  const pub = rawX25519(publicKey).toString('base64url');

  it('open only with the key and the context they were sealed for', () => {
    const sealed = sealSecret('s3cret-token', pub, 'ha_token');
    expect(sealed).not.toContain('s3cret');
    expect(openSealed(sealed, privateKey, 'ha_token')).toBe('s3cret-token');
    expect(openSealed(sealed, privateKey, 'mqtt_password')).toBeNull();
    expect(openSealed(sealed, crypto.generateKeyPairSync('x25519').privateKey, 'ha_token')).toBeNull();
    const [v, e, i, c, t] = sealed.split('.') as [string, string, string, string, string];
    const flipped = `${v}.${e}.${i}.${c.slice(0, -2)}${c.endsWith('A') ? 'B' : 'A'}${c.slice(-1)}.${t}`;
    expect(openSealed(flipped, privateKey, 'ha_token')).toBeNull();
  });
});
