// Acceptance: the approval dialog. Enter alone never approves a critical action; a grant is scoped and timed; an approval decided elsewhere shows its new state.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { pendingApprovals, installTool, requireBuiltRenderer, runWorkflow, shot } from './support';

let j: JarvisProcess;
let browser: Browser;
let page: Page;
const home = tempHome();

async function approvalFor(taskId: string) {
  await expect.poll(async () => (await pendingApprovals(j)).find((a) => a.task_id === taskId)?.id ?? null, { timeout: 20_000 }).not.toBeNull();
  const found = (await pendingApprovals(j)).find((a) => a.task_id === taskId);
  if (!found) throw new Error('no approval');
  return found;
}

async function statusOf(id: string): Promise<string> {
  const res = await api(j, `/v1/approvals/${id}`);
  return String(res.body.status);
}

/** Opens the queue, then the dialog of one approval through its Review button, as a person would. */
async function openFromQueue(id: string) {
  await page.goto(`${j.url}/#/approvals`);
  const row = page.locator(`[data-testid="approval-row"][data-approval-id="${id}"]`);
  await row.waitFor();
  await row.getByRole('button', { name: /Review/ }).click();
  const modal = page.locator(`[data-testid="approval-modal"][data-approval-id="${id}"]`);
  await modal.waitFor();
  return modal;
}

beforeAll(async () => {
  requireBuiltRenderer();
  installTool(home, 'vault_wipe', { risk: 'critical', description: 'Wipes the vault (does nothing here).', code: 'exports.run = async () => ({ wiped: false });' });
  installTool(home, 'note_post', {
    risk: 'medium',
    description: 'Posts a note (does nothing here).',
    code: 'exports.run = async (input) => ({ posted: input.text });',
    input: { text: { type: 'string' } },
  });
  j = await startJarvis({ home });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(j.signInUrl);
  await page.locator('[data-testid="kill-switch"][data-state="off"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
});

describe('approval dialog', () => {
  it('a critical-risk approval cannot be approved with Enter alone', async () => {
    const { taskId } = await runWorkflow(j, { name: 'wipe', steps: [{ id: 'wipe', tool: 'vault_wipe', input: {} }] });
    const approval = await approvalFor(taskId);
    expect(approval.risk).toBe('critical');
    const modal = await openFromQueue(approval.id);
    expect(await modal.getByTestId('risk').getAttribute('data-risk')).toBe('critical');
    // No default button: focus is on the dialog's title, not on any button.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await shot(page, 'approval-modal-critical', { dark: true });

    await page.keyboard.press('Enter');
    await page.keyboard.press('a');
    // Straight to the Approve button with the keyboard, then Enter: still nothing.
    await modal.getByTestId('approve-once').focus();
    await page.keyboard.press('Enter');
    // Even once the person ticked the box, Enter on the button does not approve.
    await modal.getByTestId('critical-confirm').check();
    await modal.getByTestId('approve-once').focus();
    await page.keyboard.press('Enter');
    await modal.getByTestId('critical-hint').and(page.getByText(/Enter does not approve/)).waitFor();
    await shot(page, 'approval-modal-critical-enter-refused');
    // A round trip to the server after the key presses: had one approved, it would show by now.
    expect(await statusOf(approval.id)).toBe('pending');
    expect(await modal.getAttribute('data-status')).toBe('pending');

    // A deliberate click does it.
    await modal.getByTestId('approve-once').click();
    await page.locator(`[data-testid="approval-modal"][data-approval-id="${approval.id}"]:not([data-status="pending"])`).waitFor();
    expect(['approved', 'consumed']).toContain(await statusOf(approval.id));
    await expect.poll(async () => (await api(j, `/v1/tasks/${taskId}`)).body.status).toBe('succeeded');
  });

  it('approve with a grant: scope and duration are chosen in the dialog, by keyboard', async () => {
    const { taskId } = await runWorkflow(j, { name: 'note', steps: [{ id: 'post', tool: 'note_post', input: { text: 'hello' } }] });
    const approval = await approvalFor(taskId);
    expect(approval.risk).toBe('medium');
    const modal = await openFromQueue(approval.id);
    // Below critical, Approve once is the default button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('approve-once');
    await page.keyboard.press('g');
    await modal.getByTestId('grant-form').waitFor();
    await modal.getByTestId('grant-minutes').selectOption('15');
    await shot(page, 'approval-modal-grant');
    await modal.getByTestId('approve-grant').click();
    await page.locator(`[data-testid="approval-modal"][data-approval-id="${approval.id}"]:not([data-status="pending"])`).waitFor();

    const grants = (await api(j, '/v1/grants')).body.grants as { approval_id: string; expires_at: string; created_at: string; scope: { kind?: string } }[];
    const grant = grants.find((g) => g.approval_id === approval.id);
    expect(grant).toBeDefined();
    const minutes = (Date.parse(grant?.expires_at ?? '') - Date.parse(grant?.created_at ?? '')) / 60_000;
    expect(Math.round(minutes)).toBe(15);
    await expect.poll(async () => (await api(j, `/v1/tasks/${taskId}`)).body.status).toBe('succeeded');

    // The same call again is covered by the grant: no new approval, it just runs.
    const again = await runWorkflow(j, { name: 'note-again', steps: [{ id: 'post', tool: 'note_post', input: { text: 'hello' } }] });
    await expect.poll(async () => (await api(j, `/v1/tasks/${again.taskId}`)).body.status).toBe('succeeded');
    expect((await pendingApprovals(j)).filter((a) => a.task_id === again.taskId)).toEqual([]);
  });

  it('an approval decided elsewhere meanwhile shows its new state instead of failing silently', async () => {
    const { taskId } = await runWorkflow(j, { name: 'note-stale', steps: [{ id: 'post', tool: 'note_post', input: { text: 'other words' } }] });
    const approval = await approvalFor(taskId);
    const modal = await openFromQueue(approval.id);
    // Another client denies it while the dialog is open.
    const denied = await api(j, `/v1/approvals/${approval.id}/deny`, { method: 'POST' });
    expect(denied.status).toBe(200);
    await page.locator(`[data-testid="approval-modal"][data-approval-id="${approval.id}"][data-status="denied"]`).waitFor();
    expect(await modal.getByTestId('approval-state').textContent()).toMatch(/^Denied by person/);
    expect(await modal.getByTestId('approve-once').count()).toBe(0);
    await shot(page, 'approval-modal-stale');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="approval-modal"]').waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe('#/approvals');
    await shot(page, 'approvals-queue', { dark: true });
  });

  it('a decision sent from a page that missed the change is refused, and the page shows the truth', async () => {
    const { taskId } = await runWorkflow(j, { name: 'note-offline', steps: [{ id: 'post', tool: 'note_post', input: { text: 'third' } }] });
    const approval = await approvalFor(taskId);
    const modal = await openFromQueue(approval.id);
    // The page stops hearing the stream (as when a laptop sleeps); the approval is decided elsewhere meanwhile.
    await page.route('**/v1/approvals/*/approve', async (route) => {
      await api(j, `/v1/approvals/${approval.id}/deny`, { method: 'POST' });
      await route.continue();
    });
    await modal.getByTestId('approve-once').click();
    await modal.getByTestId('approval-stale').waitFor();
    expect(await modal.getByTestId('approval-stale').textContent()).toMatch(/Denied by .*Nothing was changed by this page/);
    await page.locator(`[data-testid="approval-modal"][data-approval-id="${approval.id}"][data-status="denied"]`).waitFor();
    await page.unroute('**/v1/approvals/*/approve');
    expect(await statusOf(approval.id)).toBe('denied');
  });
});
