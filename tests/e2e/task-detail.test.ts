// Task detail against the real store: steps, attempts, outputs and logs, and a trail that shows exactly which rows stopped verifying after the database was edited behind Jarvis's back.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { requireBuiltRenderer, shot } from './support';

let j: JarvisProcess;
let browser: Browser;
let page: Page;
const home = tempHome();

beforeAll(async () => {
  requireBuiltRenderer();
  j = await startJarvis({ home });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(j.signInUrl);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
});

const post = (pathname: string, body: unknown) => api(j, pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('task detail', () => {
  let taskId = '';

  it('shows steps with attempts and output, the readable log, and the verified trail', async () => {
    const planned = await post('/v1/agent/plan', { goal: 'echo detail page' });
    taskId = String(planned.body.task_id);
    // The plan names the tool's permissions and the gate's prediction for each step.
    expect(planned.body.steps).toEqual([expect.objectContaining({ action: 'echo', permissions: expect.objectContaining({ network: false }), gate: expect.objectContaining({ decision: 'allow' }), confirmations: [] })]);
    await post('/v1/agent/execute', { task_id: taskId, wait: true });

    await page.goto(`${j.url}/#/tasks/${taskId}`);
    await page.locator('[data-testid="task-detail"][data-status="succeeded"]').waitFor();
    const step = page.locator('[data-testid="detail-step"][data-step-id="s1"]');
    expect(await step.getAttribute('data-status')).toBe('succeeded');
    expect(await step.textContent()).toMatch(/#1 succeeded/);
    expect(await step.textContent()).toContain('"text": "detail page"');
    expect(await page.getByTestId('detail-reply').textContent()).toBe('detail page');
    expect(await page.getByTestId('detail-log').textContent()).toMatch(/tool_call\.succeeded tool=echo/);
    await page.locator('[data-testid="trail-verification"][data-state="ok"]').waitFor();
    await shot(page, 'task-detail-echo');
  });

  it('after a row of the trace is edited in the database, the page says the chain is broken there and which rows no longer verify', async () => {
    const before = await api(j, `/v1/tasks/${taskId}/trail`);
    const events = before.body.events as { id: number; type: string }[];
    const edited = events.find((e) => e.type === 'tool_call.succeeded');
    if (!edited) throw new Error('no tool_call.succeeded row');
    await j.stop();
    const db = new Database(path.join(home, 'jarvis.db'));
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    db.prepare(`UPDATE audit_events SET payload = '{"output":"forged"}' WHERE id = ?`).run(edited.id);
    db.close();
    j = await startJarvis({ home, env: { JARVIS_PORT: String(j.port) } });

    await page.goto(j.signInUrl);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    await page.goto(`${j.url}/#/tasks/${taskId}`);
    await page.locator('[data-testid="trail-verification"][data-state="broken"]').waitFor();
    expect(await page.getByTestId('trail-verification').textContent()).toMatch(new RegExp(`breaks at row #${edited.id} \\[hash_mismatch\\]`));
    const verdicts = await page.getByTestId('trail-row').evaluateAll((rows) => rows.map((r) => [Number(r.children[0]?.textContent), r.getAttribute('data-verified')]));
    for (const [id, verified] of verdicts) expect(verified).toBe(Number(id) < edited.id ? 'true' : 'false');
    await shot(page, 'task-detail-broken-chain', { dark: true });
  });

  it('an unknown approval is a 404 in words', async () => {
    const res = await api(j, '/v1/approvals/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body.error?.message).toBe('No approval "does-not-exist".');
  });
});
