// The desktop shell's goal window route: `#/quick-goal?signin=CODE` signs in by itself, Enter plans, Enter runs, and the task is opened.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';
import { requireBuiltRenderer, shot } from './support';

let j: JarvisProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  requireBuiltRenderer();
  j = await startJarvis();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 560, height: 360 } });
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
});

describe('goal window', () => {
  it('signs in from its own link, shows the plan on Enter and runs it on the next Enter', async () => {
    const code = new URLSearchParams(new URL(j.signInUrl).hash.slice(1)).get('signin') ?? '';
    await page.goto(`${j.url}/#/quick-goal?signin=${encodeURIComponent(code)}`);
    await page.getByTestId('quick-goal').waitFor();
    // The code leaves the address at once; the route stays.
    await expect.poll(() => new URL(page.url()).hash).toBe('#/quick-goal');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('quick-goal-input');

    await page.keyboard.type('echo from the hotkey');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="plan"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('plan-step').getAttribute('data-tool')).toBe('echo');
    await shot(page, 'quick-goal-plan', { dark: true });
    // Nothing ran yet: the first Enter only planned.
    const tasks = (await api(j, '/v1/tasks')).body.tasks as { status: string }[];
    expect(tasks.map((t) => t.status)).toEqual(['planned']);

    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/tasks\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="task-detail"][data-status="succeeded"]').waitFor();
  });
});
