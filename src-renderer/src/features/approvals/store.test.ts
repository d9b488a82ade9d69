// Approvals in the page: queue order, copies that only move forward, decisions, and decisions that lost to another client.
import { describe, expect, it } from 'vitest';
import { Refusal, scriptedServer } from '../../lib/scripted-server';
import { approval } from '../shared/fixtures';
import { createApprovalsStore, describeDecided, pendingCount, queueOf } from './store';

describe('approvals store', () => {
  it('queues the longest-waiting first, then the decided ones newest first', () => {
    const byId = {
      a: approval('a', { created_at: '2025-01-01T00:00:03Z' }),
      b: approval('b', { created_at: '2025-01-01T00:00:01Z' }),
      c: approval('c', { created_at: '2025-01-01T00:00:02Z', status: 'denied' }),
      d: approval('d', { created_at: '2025-01-01T00:00:04Z', status: 'approved' }),
    };
    expect(queueOf(byId).map((a) => a.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(pendingCount(byId)).toBe(2);
  });

  it('never lets an older copy undo a decision', () => {
    const store = createApprovalsStore();
    store.getState().apply(approval('a', { status: 'approved', decided_by: 'person:owner@x' }));
    store.getState().apply(approval('a', { status: 'pending' }));
    expect(store.getState().byId.a?.status).toBe('approved');
    store.getState().apply(approval('a', { status: 'consumed' }));
    expect(store.getState().byId.a?.status).toBe('consumed');
  });

  it('approves once, or with a grant, with the body the server expects', async () => {
    const server = scriptedServer({
      'POST /v1/approvals/a/approve': (body: unknown) => approval('a', { status: 'approved', grant_id: (body as { grant?: unknown }).grant ? 'g1' : null }),
    });
    const store = createApprovalsStore();
    store.getState().apply(approval('a'));
    await store.getState().decide(server.api, 'a', { kind: 'grant', grant: { kind: 'same_arguments', minutes: 15 } });
    expect(server.requests[0]?.body).toEqual({ grant: { kind: 'same_arguments', minutes: 15 } });
    expect(store.getState().byId.a).toMatchObject({ status: 'approved', grant_id: 'g1' });
    expect(store.getState().decisions.a).toEqual({ kind: 'idle' });
  });

  it('a decision that lost to another client shows what happened instead', async () => {
    const server = scriptedServer({
      'POST /v1/approvals/a/approve': new Refusal(409, 'conflict', 'Approval a is denied; it can no longer be decided.'),
      'GET /v1/approvals/a': approval('a', { status: 'denied', decided_by: 'person:owner@127.0.0.1', decided_at: '2025-01-01T00:01:00Z' }),
    });
    const store = createApprovalsStore();
    store.getState().apply(approval('a'));
    await store.getState().decide(server.api, 'a', { kind: 'approve' });
    expect(store.getState().byId.a?.status).toBe('denied');
    const decision = store.getState().decisions.a;
    expect(decision?.kind).toBe('stale');
    expect(decision && 'message' in decision ? decision.message : '').toMatch(/^Denied by person:owner@127\.0\.0\.1 .*Nothing was changed by this page\.$/);
  });

  it('a refusal that leaves the approval pending (the kill switch froze it) is a failure in words, not a stale state', async () => {
    const server = scriptedServer({
      'POST /v1/approvals/a/approve': new Refusal(409, 'conflict', 'The kill switch is on: approvals are frozen until it is turned off.'),
      'GET /v1/approvals/a': approval('a'),
    });
    const store = createApprovalsStore();
    store.getState().apply(approval('a'));
    await store.getState().decide(server.api, 'a', { kind: 'approve' });
    expect(store.getState().decisions.a).toMatchObject({ kind: 'failed' });
    expect(store.getState().byId.a?.status).toBe('pending');
  });

  it('says who decided and when', () => {
    expect(describeDecided(approval('a', { status: 'expired', decided_at: null }))).toBe('Expired: nobody decided within its time.');
    expect(describeDecided(approval('a', { status: 'consumed', decided_by: 'p' }))).toMatch(/^Approved by p, and the action has used it\.$/);
  });
});
