// Acceptance: a goal typed on Home reaches the desktop only through the gate, the page's approval and the daemon's own dialog, and its audit trail shows verified.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startXvfb, type Display } from '../helpers/xvfb';
import { answerDaemonDialog, pair, requireBuiltRenderer, shot, startDaemon, type Daemon } from './support';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let x: Display;
let daemon: Daemon;
let j: JarvisProcess;
let browser: Browser;
let page: Page;
// Jarvis's own home folder: the policy reads "Downloads" and "the home folder" from it.
const personHome = tempHome('jarvis-person-');
const downloads = path.join(personHome, 'Downloads');
const documents = path.join(personHome, 'Documents');
const pictures = tempHome('jarvis-pictures-');

beforeAll(async () => {
  requireBuiltRenderer();
  fs.mkdirSync(downloads, { recursive: true });
  fs.mkdirSync(documents, { recursive: true });
  x = await startXvfb();
  daemon = await startDaemon(x, {
    // The daemon asks on its own screen every time, whatever the app decided.
    screenshot: { risk: 'medium', confirm: 'always', confirm_timeout_s: 45, folder: pictures },
    file_move: { risk: 'medium', confirm: 'always', confirm_timeout_s: 45, roots: [downloads, documents] },
    noop: { risk: 'none', confirm: 'never' },
  });
  j = await startJarvis({ env: { HOME: personHome } });
  await pair(j, daemon);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(j.signInUrl);
  await page.getByTestId('kill-switch').and(page.locator('[data-state="off"]')).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
  await daemon?.stop();
  await x?.stop();
});

/** Types the goal, asks for the plan and returns the plan's step cards. */
async function planGoal(goal: string) {
  await page.goto(`${j.url}/#/`);
  await page.getByTestId('goal-input').fill(goal);
  await page.getByTestId('goal-input').press('Enter');
  await page.locator('[data-testid="plan"][data-state="ready"]').waitFor();
  return page.getByTestId('plan-step');
}

async function finishedCard(taskId: string) {
  const card = page.locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);
  await card.and(page.locator('[data-status="succeeded"], [data-status="failed"], [data-status="cancelled"]')).waitFor({ timeout: 60_000 });
  return card;
}

/** Opens the task's page and waits until its trace's audit rows are shown verified. */
async function expectVerifiedTrail(taskId: string, name: string): Promise<void> {
  await page.goto(`${j.url}/#/tasks/${taskId}`);
  await page.locator('[data-testid="task-detail"][data-status="succeeded"]').waitFor();
  const verdict = page.getByTestId('trail-verification');
  await page.locator('[data-testid="trail-verification"][data-state="ok"]').waitFor();
  expect(await verdict.textContent()).toMatch(/Verified: all \d+ rows of this task/);
  const rows = page.getByTestId('trail-row');
  expect(await rows.count()).toBeGreaterThan(3);
  expect(await page.locator('[data-testid="trail-row"][data-verified="false"]').count()).toBe(0);
  expect(await page.locator('[data-testid="trail-row"][data-type="tool_call.succeeded"]').count()).toBe(1);
  await shot(page, name, { dark: true });
}

describe('Home → plan → Run → confirmations → verified trail', () => {
  it('“take a screenshot”: the plan shows the daemon step with its risk and preview; the daemon’s dialog is answered; the PNG exists', async () => {
    const steps = await planGoal('take a screenshot');
    expect(await steps.count()).toBe(1);
    const step = steps.first();
    expect(await step.getAttribute('data-tool')).toBe('daemon.screenshot');
    expect(await step.getByTestId('risk').getAttribute('data-risk')).toBe('medium');
    expect(await step.getByTestId('preview').textContent()).toMatch(/capability\s*screenshot/);
    expect(await step.getByTestId('preview').textContent()).toMatch(/via\s*daemon/);
    // At A2 a medium-risk desktop action is confirmed once, on the daemon's screen.
    expect(await step.getByTestId('plan-confirmations').getAttribute('data-confirmations')).toBe('daemon');
    await shot(page, 'home-plan-screenshot', { dark: true });

    const [started] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/agent/execute') && r.request().method() === 'POST'),
      page.getByTestId('run-button').click(),
    ]);
    const taskId = String(((await started.json()) as { task_id: string }).task_id);
    await answerDaemonDialog(x, 'Return', 'daemon-dialog-screenshot');

    const card = await finishedCard(taskId);
    expect(await card.getAttribute('data-status')).toBe('succeeded');
    const reply = (await card.getByTestId('task-reply').textContent()) ?? '';
    const file = /Screenshot saved to (\S+)\.$/.exec(reply)?.[1] ?? '';
    expect(path.dirname(file)).toBe(fs.realpathSync(pictures));
    expect(fs.readFileSync(file).subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    await expect.poll(() => card.getByTestId('task-log').textContent()).toMatch(/daemon’s screen/);
    await shot(page, 'home-task-screenshot-done');

    await expectVerifiedTrail(taskId, 'task-detail-screenshot');
    const trail = await api(j, `/v1/tasks/${taskId}/trail`);
    const types = (trail.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['gate.delegated_to_daemon', 'tool_call.attempted', 'tool_call.succeeded', 'response.sent']));
  });

  it('at A1 a high-risk file_move needs both: the page’s approval, then the daemon’s dialog', async () => {
    await page.goto(`${j.url}/#/`);
    await page.getByTestId('autonomy-select').selectOption('A1');
    await page.getByTestId('autonomy-apply').click();
    await expect.poll(() => page.getByTestId('autonomy-current').textContent()).toBe('A1');

    const from = path.join(downloads, 'report.txt');
    const to = path.join(documents, 'report.txt');
    fs.writeFileSync(from, 'quarterly numbers\n');
    const steps = await planGoal(`move ${from} to ${to}`);
    const step = steps.first();
    expect(await step.getAttribute('data-tool')).toBe('daemon.file_move');
    expect(await step.getByTestId('risk').getAttribute('data-risk')).toBe('high');
    expect(await step.getByTestId('plan-confirmations').getAttribute('data-confirmations')).toBe('app daemon');
    expect(await step.getByTestId('preview').textContent()).toContain(to);
    await shot(page, 'home-plan-file-move');

    const [started] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/agent/execute') && r.request().method() === 'POST'),
      page.getByTestId('run-button').click(),
    ]);
    const taskId = String(((await started.json()) as { task_id: string }).task_id);
    const card = page.locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);
    await card.and(page.locator('[data-status="waiting_approval"]')).waitFor();
    await expect.poll(() => page.getByTestId('approvals-count').textContent()).toBe('1');
    await shot(page, 'home-waiting-approval');

    await card.getByTestId('review-approval').click();
    const modal = page.getByTestId('approval-modal');
    await modal.waitFor();
    expect(await modal.getAttribute('data-status')).toBe('pending');
    expect(await modal.getByTestId('risk').getAttribute('data-risk')).toBe('high');
    expect(await modal.textContent()).toContain(from);
    expect(await modal.getByTestId('approval-requester').textContent()).toBe('person');
    expect(await modal.getByTestId('approval-trace').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    await shot(page, 'approval-modal-file-move', { dark: true });
    // Nothing moved yet: the page's approval comes first.
    expect(fs.existsSync(from)).toBe(true);
    await modal.getByTestId('approve-once').click();
    await page.locator('[data-testid="approval-modal"][data-status="approved"], [data-testid="approval-modal"][data-status="consumed"]').waitFor();

    await answerDaemonDialog(x, 'Return', 'daemon-dialog-file-move');
    await page.goto(`${j.url}/#/`);
    const done = await finishedCard(taskId);
    expect(await done.getAttribute('data-status')).toBe('succeeded');
    expect(fs.existsSync(from)).toBe(false);
    expect(fs.readFileSync(to, 'utf8')).toBe('quarterly numbers\n');

    await expectVerifiedTrail(taskId, 'task-detail-file-move');
    const trail = await api(j, `/v1/tasks/${taskId}/trail`);
    const types = (trail.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['gate.required', 'gate.approved', 'tool_call.succeeded']));
    expect(types).not.toContain('gate.delegated_to_daemon');
  });
});
