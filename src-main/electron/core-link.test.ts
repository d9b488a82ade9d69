// The shell's link to a real core (real SQLite, HTTP and live stream): counts for the tray, approvals announced once, decisions and stale ones, the kill switch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/contract';
import { tokenFile } from '../api/credentials';
import { startJarvis, type RunningJarvis } from '../main';
import { createCoreLink, type CoreLink } from './core-link';
import { trayStateOf, type CoreReport } from './tray-state';

let jarvis: RunningJarvis;
let home: string;
let token: string;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-core-link-'));
  jarvis = await startJarvis({ env: { JARVIS_HOME: home, JARVIS_PORT: '0' } });
  token = fs.readFileSync(tokenFile(home), 'utf8').trim();
});

afterAll(async () => {
  await jarvis.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

async function post(pathname: string, body: unknown): Promise<Response> {
  return fetch(`${jarvis.url}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

interface Recorder {
  link: CoreLink;
  reports: CoreReport[];
  approvals: Approval[];
  updates: Approval[];
  /** Resolves once `predicate` holds for what has been recorded. */
  until(predicate: () => boolean): Promise<void>;
}

function record(baseUrl: string, withToken: string): Recorder {
  const waiting: { predicate: () => boolean; resolve: () => void }[] = [];
  const wake = (): void => {
    for (const waiter of [...waiting]) {
      if (waiter.predicate()) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const rec: Recorder = {
    reports: [],
    approvals: [],
    updates: [],
    link: createCoreLink({
      baseUrl,
      token: withToken,
      reconnect: { initialMs: 50, factor: 2, maxMs: 500 },
      onReport: (report) => {
        rec.reports.push(report);
        wake();
      },
      onApproval: (approval) => {
        rec.approvals.push(approval);
        wake();
      },
      onApprovalUpdate: (approval) => {
        rec.updates.push(approval);
        wake();
      },
    }),
    until: (predicate) =>
      new Promise((resolve) => {
        if (predicate()) return resolve();
        waiting.push({ predicate, resolve });
      }),
  };
  return rec;
}

describe('the core link against a running core', () => {
  it('reports the counts, announces a new approval once, takes a decision and reports a stale one with its state', async () => {
    const rec = record(jarvis.url, token);
    rec.link.start();
    await rec.until(() => rec.link.report().connected);
    expect(rec.link.report()).toEqual({ connected: true, runningTasks: 0, pendingApprovals: 0, killSwitch: false });
    expect(trayStateOf(rec.link.report())).toBe('idle');

    // At A1 a timer needs a person's approval: the task waits and the approval reaches the shell over the stream.
    expect((await post('/v1/controls/autonomy', { level: 'A1', reason: 'core link test' })).status).toBe(200);
    expect((await post('/v1/events', { channel: 'api', payload: { text: 'set a timer for 3 minutes' } })).status).toBeLessThan(300);
    await rec.until(() => rec.approvals.length === 1 && rec.link.report().pendingApprovals === 1);
    const [approval] = rec.approvals;
    expect(approval).toMatchObject({ tool: 'timer.set', status: 'pending' });
    expect(trayStateOf(rec.link.report())).toBe('approval');
    expect(await rec.link.approval(approval?.id ?? '')).toMatchObject({ id: approval?.id, status: 'pending' });

    const denied = await rec.link.decide(approval?.id ?? '', 'deny');
    expect(denied).toMatchObject({ ok: true, approval: { id: approval?.id, status: 'denied' } });
    await rec.until(() => rec.link.report().pendingApprovals === 0 && rec.updates.some((a) => a.id === approval?.id && a.status === 'denied'));

    // Decided already (as if in the app's own modal first): refused with the state it is in now.
    const stale = await rec.link.decide(approval?.id ?? '', 'approve');
    expect(stale).toEqual({ ok: false, code: 'conflict', message: expect.any(String), status: 'denied' });
    expect(await rec.link.decide('apr_does_not_exist', 'approve')).toMatchObject({ ok: false, code: 'not_found', status: null });
    // Refreshing again announces nothing twice.
    await rec.link.refresh();
    expect(rec.approvals).toHaveLength(1);
    expect((await post('/v1/controls/autonomy', { level: 'A2', reason: 'core link test' })).status).toBe(200);
    rec.link.close();
  });

  it('turns the kill switch on and off, and the tray shows it paused', async () => {
    const rec = record(jarvis.url, token);
    rec.link.start();
    await rec.until(() => rec.link.report().connected);
    await rec.link.setKillSwitch(true);
    expect(rec.link.report()).toMatchObject({ killSwitch: true });
    expect(trayStateOf(rec.link.report())).toBe('paused');
    await rec.link.setKillSwitch(false);
    expect(rec.link.report()).toMatchObject({ killSwitch: false });
    expect(trayStateOf(rec.link.report())).toBe('idle');
    rec.link.close();
  });

  it('stays offline with a wrong token, and its decisions are refused with the reason', async () => {
    const rec = record(jarvis.url, 'x'.repeat(43));
    rec.link.start();
    const report = await rec.link.refresh();
    expect(report.connected).toBe(false);
    expect(trayStateOf(report)).toBe('offline');
    expect(await rec.link.decide('apr_1', 'approve')).toMatchObject({ ok: false, code: 'unauthorized' });
    await expect(rec.link.setKillSwitch(true)).rejects.toThrow();
    rec.link.close();
  });

  it('talks to loopback only', () => {
    const options = { token, onReport: () => undefined, onApproval: () => undefined };
    expect(() => createCoreLink({ ...options, baseUrl: 'http://evil.example:7723' })).toThrow(/only talks to http:\/\/127\.0\.0\.1/);
    expect(() => createCoreLink({ ...options, baseUrl: 'https://127.0.0.1:7723' })).toThrow(/only talks to/);
  });
});

describe('the core link when the core goes away', () => {
  it('reports offline once the core stops, and online again when a core answers on the same port', async () => {
    const ownHome = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-core-link-'));
    try {
      const first = await startJarvis({ env: { JARVIS_HOME: ownHome, JARVIS_PORT: '0' } });
      const rec = record(first.url, fs.readFileSync(tokenFile(ownHome), 'utf8').trim());
      rec.link.start();
      await rec.until(() => rec.link.report().connected);
      await first.stop();
      await rec.until(() => !rec.link.report().connected);
      expect(trayStateOf(rec.link.report())).toBe('offline');

      const again = await startJarvis({ env: { JARVIS_HOME: ownHome, JARVIS_PORT: String(first.port) } });
      try {
        await rec.until(() => rec.link.report().connected);
        expect(rec.link.report()).toMatchObject({ connected: true, pendingApprovals: 0 });
      } finally {
        rec.link.close();
        await again.stop();
      }
    } finally {
      fs.rmSync(ownHome, { recursive: true, force: true });
    }
  });
});
