// One task in full: its detail, its verified trail, and rows that arrive after the trail was verified.
import { describe, expect, it } from 'vitest';
import { scriptedServer } from '../../lib/scripted-server';
import { auditEvent, taskView } from '../shared/fixtures';
import { createDetailStore, trailOf } from './detail-store';

const verification = { ok: true, rows: 9, head_hash: 'h9', checked_at: '2025-01-01T00:00:00Z', checkpoint: null, broken: null };

describe('detail store', () => {
  it('loads the detail and the trail, and counts newer rows of the same trace', async () => {
    const server = scriptedServer({
      'GET /v1/tasks/t': { ...taskView('t'), attempts: [], logs: ['00:00:00.000 event.ingested'] },
      'GET /v1/tasks/t/trail': { task_id: 't', trace_id: 'trace-t', events: [{ ...auditEvent(4, 'trace-t'), verified: true }], verification },
    });
    const store = createDetailStore();
    await store.getState().loadDetail(server.api, 't');
    await store.getState().loadTrail(server.api, 't');
    const entry = store.getState().entries.t;
    expect(entry?.detail?.logs).toEqual(['00:00:00.000 event.ingested']);
    expect(trailOf(entry?.trail ?? { kind: 'idle' })?.events.map((e) => e.verified)).toEqual([true]);
    store.getState().receiveAudit([auditEvent(4, 'trace-t'), auditEvent(5, 'trace-t'), auditEvent(6, 'other')]);
    expect(store.getState().entries.t?.newRows).toBe(1);
    await store.getState().loadTrail(server.api, 't');
    expect(store.getState().entries.t?.newRows).toBe(0);
  });

  it('keeps the last verified trail on screen while a new check fails', async () => {
    const server = scriptedServer({ 'GET /v1/tasks/t/trail': { task_id: 't', trace_id: 'trace-t', events: [], verification } });
    const store = createDetailStore();
    await store.getState().loadTrail(server.api, 't');
    server.answer('GET /v1/tasks/t/trail', new Error('Cannot reach Jarvis'));
    await store.getState().loadTrail(server.api, 't');
    const trail = store.getState().entries.t?.trail;
    expect(trail?.kind).toBe('failed');
    expect(trailOf(trail ?? { kind: 'idle' })?.verification.ok).toBe(true);
  });
});
