// Acceptance: the kill switch pressed on the page pauses a running 3-step task after its current step; released, the task finishes.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { effects, installEffectTools } from '../helpers/effect-tools';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { enableTool, requireBuiltRenderer, runWorkflow, shot } from './support';

let j: JarvisProcess;
let browser: Browser;
let page: Page;
const home = tempHome();
const out = tempHome('jarvis-effects-');
const file = path.join(out, 'effects.txt');
const hold = (step: string) => path.join(out, `release-${step}`);

beforeAll(async () => {
  requireBuiltRenderer();
  installEffectTools(home, out);
  j = await startJarvis({ home });
  await enableTool(j, 'effect_once');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(j.signInUrl);
  await page.locator('[data-testid="kill-switch"][data-state="off"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
});

describe('kill switch on the page', () => {
  it('pauses a running 3-step task after its current step; Release lets it finish', async () => {
    const step = (id: string) => ({ id, tool: 'effect_once', input: { file, line: id, hold_file: hold(id) } });
    const { taskId } = await runWorkflow(j, { name: 'three-steps', steps: [step('one'), step('two'), step('three')] });
    const card = page.locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);
    // Step one is running and holds until the test lets it go.
    await card.locator('[data-testid="task-step"][data-step-id="one"][data-status="running"]').waitFor();
    await shot(page, 'home-task-running');

    const top = async () => (await page.locator('#main').boundingBox())?.y;
    const before = await top();
    await page.getByTestId('kill-switch').click();
    await page.locator('[data-testid="kill-switch"][data-state="on"]').waitFor();
    await page.getByTestId('kill-banner').waitFor();
    // Saying so never moves the page: the state has its own slot beside the connection strip.
    expect(await top()).toBe(before);
    fs.writeFileSync(hold('one'), '');
    await card.and(page.locator('[data-status="paused"]')).waitFor();
    await card.locator('[data-testid="task-step"][data-step-id="one"][data-status="succeeded"]').waitFor();
    expect(await card.locator('[data-testid="task-step"][data-step-id="two"]').getAttribute('data-status')).toBe('pending');
    expect(effects(file)).toEqual(['one']);
    // Released with the switch, not task by task.
    expect(await card.getByTestId('paused-by').textContent()).toMatch(/kill switch/);
    expect(await card.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    const paused = await api(j, `/v1/tasks/${taskId}`);
    expect(paused.body).toMatchObject({ status: 'paused', paused_by: 'kill_switch' });
    await shot(page, 'home-kill-switch-on', { dark: true });

    fs.writeFileSync(hold('two'), '');
    fs.writeFileSync(hold('three'), '');
    await page.getByTestId('kill-switch').click();
    await page.locator('[data-testid="kill-switch"][data-state="off"]').waitFor();
    expect(await page.getByTestId('kill-banner').count()).toBe(0);
    expect(await top()).toBe(before);
    await card.and(page.locator('[data-status="succeeded"]')).waitFor();
    expect(await card.getByTestId('task-progress').textContent()).toBe('3 of 3 steps');
    expect(effects(file)).toEqual(['one', 'two', 'three']);
    await shot(page, 'home-kill-switch-released');

    const trail = await api(j, '/v1/audit?type=safety.kill_switch_on');
    expect((trail.body.events as unknown[]).length).toBe(1);
  });
});
