// The condition language and trigger patterns: compiled once, refusing at creation what could fail at fire time.
import { describe, expect, it } from 'vitest';
import { compileCondition, compileMatch, inWindow, RuleInputError } from './conditions';
import type { MessageEvent } from '../../../src-shared/contract/events';

const event = (payload: Record<string, unknown>): MessageEvent => ({ id: 'e', channel: 'ha', source: 'ha:sensor.t', thread_id: null, text: null, payload, received_at: '', trace_id: 't', parent_event_id: null, dedupe_key: null });
const ctx = (payload: Record<string, unknown>, now = Date.parse('2026-03-02T12:00:00Z'), states: Record<string, string> = {}) => ({ event: event(payload), now, entity: (id: string) => (states[id] === undefined ? undefined : { state: states[id] ?? '' }) });

describe('conditions', () => {
  it('compares, matches and combines', () => {
    const c = compileCondition({ all: [{ op: 'gte', path: 'payload.new_state.state', value: 21.5 }, { not: { op: 'regex', path: 'payload.entity_id', pattern: '^sensor\\.attic', flags: 'i' } }] }, 'conditions.0');
    expect(c(ctx({ entity_id: 'sensor.kitchen', new_state: { state: '22' } }))).toBe(true);
    expect(c(ctx({ entity_id: 'sensor.kitchen', new_state: { state: 'unavailable' } }))).toBe(false);
    expect(c(ctx({ entity_id: 'Sensor.Attic_t', new_state: { state: '30' } }))).toBe(false);
    const state = compileCondition({ op: 'state', entity_id: 'sun.sun', equals: 'below_horizon' }, 'conditions.1');
    expect(state(ctx({}, undefined, { 'sun.sun': 'below_horizon' }))).toBe(true);
    expect(state(ctx({}))).toBe(false);
  });

  it('refuses a bad or backtracking regex and an empty state check, naming the field', () => {
    expect(() => compileCondition({ op: 'regex', path: 'text', pattern: '(' }, 'conditions.2')).toThrow(RuleInputError);
    expect(() => compileCondition({ op: 'regex', path: 'text', pattern: '(a+)+$' }, 'conditions.2')).toThrow(/conditions\.2\.pattern/);
    expect(() => compileCondition({ op: 'state', entity_id: 'sun.sun' }, 'conditions.3')).toThrow(/conditions\.3/);
  });

  it('time windows cross midnight and belong to the day they start on', () => {
    const mondayNight = Date.parse('2026-03-02T23:30:00Z');
    const tuesdayDawn = Date.parse('2026-03-03T06:00:00Z');
    expect(inWindow(mondayNight, '22:00', '07:00', 'UTC')).toEqual({ inside: true, minutesLeft: 450 });
    expect(inWindow(tuesdayDawn, '22:00', '07:00', 'UTC', [1]).inside).toBe(true);
    expect(inWindow(tuesdayDawn, '22:00', '07:00', 'UTC', [2]).inside).toBe(false);
    expect(inWindow(Date.parse('2026-03-02T12:00:00Z'), '22:00', '07:00', 'UTC').inside).toBe(false);
    // 12:00 UTC is 13:00 in Paris in March.
    expect(inWindow(Date.parse('2026-03-02T12:00:00Z'), '13:00', '14:00', 'Europe/Paris').inside).toBe(true);
  });

  it('MQTT filters and globs', () => {
    const m = compileMatch('mqtt', 'home/+/temp/#');
    expect(m?.('home/kitchen/temp')).toBe(true);
    expect(m?.('home/kitchen/temp/c')).toBe(true);
    expect(m?.('home/a/b/temp')).toBe(false);
    expect(() => compileMatch('mqtt', 'home/#/x')).toThrow(/trigger\.match/);
    expect(compileMatch('ha', 'light.*')?.('light.hall')).toBe(true);
    expect(compileMatch('ha', 'light.*')?.('switch.hall')).toBe(false);
  });
});
