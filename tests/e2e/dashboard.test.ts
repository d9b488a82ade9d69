// The served dashboard in real Chromium: sign in through the one-time link, see health, an audit event the test caused arriving live, and every screen of the navigation.
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
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await j?.stop();
});

describe('dashboard', () => {
  it('without signing in, it says how to sign in', async () => {
    await page.goto(`${j.url}/`);
    await expect.poll(() => page.getByText(/Not signed in/i).count()).toBeGreaterThan(0);
    await shot(page, 'signed-out', { dark: true });
  });

  it('signs in through the one-time link, shows health, and streams an audit event the test caused', async () => {
    await page.goto(j.signInUrl);
    await page.getByTestId('health-status').filter({ hasText: /ok/i }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByTestId('audit-row').first().waitFor();

    const caused = await api(j, '/v1/audit/verify');
    expect(caused.status).toBe(200);
    await page.locator('[data-testid="audit-row"][data-type="audit.verified"]').first().waitFor();
    await shot(page, 'home', { dark: true });
  });

  it('the page is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${j.url}/`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
  });

  it('the verify button shows the chain status', async () => {
    await page.getByRole('button', { name: /verify/i }).click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toMatch(/intact|ok/i);
  });
});

describe('navigation', () => {
  it('reaches every screen from the bar, marks the current one, and keeps the kill switch in view', async () => {
    await page.goto(`${j.url}/#/`);
    for (const name of ['approvals', 'audit', 'tools', 'workflows', 'settings', 'home'] as const) {
      await page.getByTestId(`nav-${name}`).click();
      await expect.poll(() => page.getByTestId(`nav-${name}`).getAttribute('aria-current')).toBe('page');
      await page.getByTestId('kill-switch').waitFor();
      expect(await page.locator('[aria-current="page"]').count()).toBe(1);
      await shot(page, `screen-${name}`);
    }
    expect(new URL(page.url()).hash).toBe('#/');
  });

  it('the keyboard starts at a skip link that jumps to the screen', async () => {
    await page.goto(`${j.url}/#/`);
    // A fresh load, so focus starts at the top of the document.
    await page.reload();
    await page.getByTestId('goal-input').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('an unknown address says so instead of showing a blank page', async () => {
    await page.goto(`${j.url}/#/no-such-screen`);
    await page.getByText('No such screen').waitFor();
    await page.goto(`${j.url}/#/tasks/00000000-0000-0000-0000-000000000000`);
    await page.getByText(/No task with id/).waitFor();
    await shot(page, 'task-not-found');
  });
});
