// Bad input from the world: the core goes away under the page. A banner says so, the page reconnects by itself, and nothing typed is lost.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
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

describe('lost connection', () => {
  it('shows a banner, explains a failed call in words, reconnects by itself, and keeps the goal being typed', async () => {
    const goal = 'take a screenshot';
    await page.getByTestId('goal-input').fill(goal);
    const port = j.port;
    await j.stop();

    await page.locator('[data-testid="connection"][data-state="waiting"]').waitFor();
    expect(await page.getByTestId('connection').textContent()).toMatch(/Disconnected from the live stream/);
    // The goal is still in the box, and asking for a plan says what is wrong and what to do.
    expect(await page.getByTestId('goal-input').inputValue()).toBe(goal);
    await page.getByTestId('plan-button').click();
    const error = page.getByTestId('plan-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Cannot reach Jarvis.*start it again \(npm run serve\)/);
    await shot(page, 'home-connection-lost', { dark: true });

    j = await startJarvis({ home, env: { JARVIS_PORT: String(port) } });
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 45_000 });
    expect(await page.getByTestId('goal-input').inputValue()).toBe(goal);
    // The text is kept in the tab's storage, so a reload keeps it too (and the tab's sign-in).
    await page.reload();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
    expect(await page.getByTestId('goal-input').inputValue()).toBe(goal);
    await page.getByTestId('plan-button').click();
    await page.locator('[data-testid="plan"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('plan-step').first().getAttribute('data-tool')).toBe('daemon.screenshot');
    await shot(page, 'home-reconnected');
  });
});
