// The served dashboard in real Chromium: sign in through the one-time link, see health, and see an audit event the test caused arrive live.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { api, REPO, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

const SHOTS = path.join(REPO, 'test-results', 'screenshots');
let j: JarvisProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO, 'out', 'renderer', 'index.html'))) {
    throw new Error('The dashboard is not built: run `npm run build:renderer` (npm test does it before this suite).');
  }
  fs.mkdirSync(SHOTS, { recursive: true });
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
  });

  it('signs in through the one-time link, shows health, and streams an audit event the test caused', async () => {
    await page.goto(j.signInUrl);
    await page.getByTestId('health-status').filter({ hasText: /ok/i }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByTestId('audit-row').first().waitFor();

    const caused = await api(j, '/v1/audit/verify');
    expect(caused.status).toBe(200);
    await page.locator('[data-testid="audit-row"][data-type="audit.verified"]').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
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
