// The schedules and rules sections of the settings screen in real Chromium against `jarvis serve`, saved in light and dark.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleList, ScheduleList } from '../../src-shared/contract';
import { launchChromium } from '../helpers/browser';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';
import { requireBuiltRenderer, SHOTS } from './support';

let j: JarvisProcess;
let browser: Browser;
let page: Page;

const JSON_HEADERS = { 'content-type': 'application/json' };

beforeAll(async () => {
  requireBuiltRenderer();
  j = await startJarvis();
  browser = await launchChromium();
  // A fixed zone and locale, so the next runs read the same on every machine.
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC', locale: 'en-GB' });
  await page.goto(j.signInUrl);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('page-settings').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
});

/** One section, light and dark, under test-results/screenshots/settings-<name>; cut from the full page so the sticky bar never covers it. */
async function shotSection(section: Locator, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  const clip = await section.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
  });
  await page.screenshot({ path: path.join(SHOTS, `settings-${name}.png`), fullPage: true, clip });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(SHOTS, `settings-${name}-dark.png`), fullPage: true, clip });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The text under a field: its hint, or the problem the server or the page found with it. */
async function noteOf(field: Locator): Promise<string> {
  const id = String(await field.getAttribute('aria-describedby'));
  return String(await page.locator(`[id="${id}"]`).textContent());
}

const schedules = async () => ScheduleList.parse((await api(j, '/v1/schedules')).body).schedules;
const rules = async () => RuleList.parse((await api(j, '/v1/rules')).body).rules;

describe('schedules', () => {
  it('previews the next five runs as the timing is typed, names a bad cron on its field, creates, pauses, resumes and deletes after a confirmation', async () => {
    const section = page.getByTestId('settings-schedules');
    expect(await section.getAttribute('data-ready')).toBe('yes');
    const preview = section.getByTestId('schedule-preview');
    const runs = section.getByTestId('schedule-preview-run');

    await section.getByTestId('schedule-name').fill('Morning briefing');
    await section.getByTestId('schedule-timezone').fill('UTC');
    await section.getByTestId('schedule-cron').fill('30 7 * * 1-5');
    await expect.poll(() => runs.allTextContents()).toHaveLength(5);
    for (const run of await runs.allTextContents()) expect(run).toMatch(/^(Mon|Tue|Wed|Thu|Fri), \d{1,2} \w{3} \d{4}, 07:30$/);
    expect(await preview.textContent()).toMatch(/30 7 \* \* 1-5/);
    // Nothing is saved by a preview.
    expect(await schedules()).toEqual([]);

    // The server's refusal sits under the field it names, and the preview empties.
    const cron = section.getByTestId('schedule-cron');
    await cron.fill('61 7 * * *');
    await expect.poll(() => cron.getAttribute('aria-invalid')).toBe('true');
    expect(await noteOf(cron)).toMatch(/"61 7 \* \* \*" is not a valid cron expression/);
    expect(await runs.count()).toBe(0);
    expect(await preview.getAttribute('data-state')).toBe('none');
    await shotSection(section, 'schedules-invalid-cron');

    // A changed timing shows its own runs.
    await cron.fill('0 8 * * 1-5');
    await expect.poll(() => cron.getAttribute('aria-invalid')).toBe('false');
    await expect.poll(() => runs.allTextContents()).toHaveLength(5);
    for (const run of await runs.allTextContents()) expect(run).toMatch(/, 08:00$/);

    await section.getByTestId('schedule-text').fill('summarise my unread mail');
    await section.getByTestId('schedule-missed').selectOption('run_once');
    await section.getByTestId('schedule-staleness').fill('120');
    await section.getByTestId('schedule-save').click();
    await expect.poll(() => section.getByTestId('schedule-message').textContent()).toMatch(/^Created “Morning briefing”; next run \w{3}, .*08:00\.$/);
    const row = section.getByTestId('schedule-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('schedule-describe').textContent()).toMatch(/0 8 \* \* 1-5/);
    expect(await row.getByTestId('schedule-missed-policy').textContent()).toBe('Run once to catch up; dropped after 120 min');
    expect(await row.getAttribute('data-status')).toBe('active');
    const [saved] = await schedules();
    expect(saved).toMatchObject({ name: 'Morning briefing', timing: { cron: '0 8 * * 1-5', timezone: 'UTC' }, payload: { kind: 'goal', goal: 'summarise my unread mail' }, missed_policy: 'run_once', staleness_ms: 7_200_000, status: 'active' });

    await row.getByTestId('schedule-toggle').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('paused');
    expect(await row.getByTestId('schedule-next').textContent()).toBe('paused');
    expect((await schedules())[0]?.status).toBe('paused');
    await shotSection(section, 'schedules');

    await row.getByTestId('schedule-toggle').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('active');

    // Deleting asks first; focus lands on the answer, so Enter confirms.
    await row.getByTestId('schedule-delete').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('schedule-confirm-delete');
    await page.keyboard.press('Enter');
    await expect.poll(() => row.count()).toBe(0);
    expect(await schedules()).toEqual([]);
  });
});

describe('rules', () => {
  it('refuses an invalid condition by its field, then logs one trigger and the debounced events with their reason', async () => {
    const section = page.getByTestId('settings-rules');
    expect(await section.getAttribute('data-ready')).toBe('yes');
    await section.getByTestId('rule-name').fill('Doorbell');
    await section.getByTestId('rule-channel').selectOption('api');
    await section.getByTestId('rule-match').fill('api');
    const conditions = section.getByTestId('rule-conditions');
    await conditions.fill(JSON.stringify([{ op: 'regex', path: 'text', pattern: '([a-' }]));
    await section.getByTestId('rule-actions').fill(JSON.stringify([{ type: 'notify', text: 'Someone is at the door' }]));
    await section.getByTestId('rule-debounce').fill('60');
    await section.getByTestId('rule-save').click();
    await expect.poll(() => conditions.getAttribute('aria-invalid')).toBe('true');
    expect(await noteOf(conditions)).toMatch(/^conditions\.0\.pattern: /);
    expect(await section.getByTestId('rule-message').textContent()).toMatch(/^Invalid rule: .*Nothing was saved\.$/);
    expect(await rules()).toEqual([]);
    await shotSection(section, 'rules-invalid-condition');

    await conditions.fill(JSON.stringify([{ op: 'regex', path: 'text', pattern: 'doorbell', flags: 'i' }]));
    await section.getByTestId('rule-save').click();
    await expect.poll(() => section.getByTestId('rule-message').textContent()).toBe('Created “Doorbell”; it is watching for events.');
    const row = section.getByTestId('rule-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-enabled')).toBe('yes');
    expect(await row.getByTestId('rule-windows').textContent()).toBe('debounce 60 s');

    // Three matching events in a row: the first fires, the next two fall inside the debounce window.
    for (const text of ['Doorbell rang', 'doorbell rang again', 'DOORBELL once more']) {
      const res = await api(j, '/v1/events?wait=true', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ channel: 'api', payload: { text } }) });
      expect(res.status).toBe(200);
    }
    // One that does not match leaves no trace in the log.
    await api(j, '/v1/events?wait=true', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ channel: 'api', payload: { text: 'what time is it' } }) });
    const entries = row.getByTestId('rule-log-entry');
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(3);
    const log = await entries.evaluateAll((li) => li.map((l) => [l.getAttribute('data-outcome'), l.getAttribute('data-reason')]));
    expect(log.filter(([o]) => o === 'triggered')).toHaveLength(1);
    expect(log.filter(([o, r]) => o === 'suppressed' && r === 'debounce')).toHaveLength(2);
    expect(await row.getByTestId('rule-log').textContent()).toMatch(/Suppresseddebounce: another matching event came too soon/);
    await shotSection(section, 'rules');

    await row.getByTestId('rule-toggle').click();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('no');
    expect((await rules())[0]?.enabled).toBe(false);
    await row.getByTestId('rule-toggle').click();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('yes');
  });
});
