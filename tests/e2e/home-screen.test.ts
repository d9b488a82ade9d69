// The home devices section in real Chromium against `jarvis serve` paired with a real daemon on Xvfb: Home Assistant (simulated) and a real Mosquitto, dialogs answered by xdotool.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IotView } from '../../src-shared/contract';
import { launchChromium } from '../helpers/browser';
import { startHaSimulator, type HaSimulator } from '../helpers/ha-simulator';
import { api, REPO, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto';
import { startXvfb, type Display } from '../helpers/xvfb';
import { filesHolding, pair, startDaemonProcess, waitFor, type DaemonProcess } from '../integration/iot-rig';
import { answerDaemonDialog, requireBuiltRenderer, SHOTS, windows } from './support';

const TOKEN = `ha-token-${crypto.randomBytes(12).toString('hex')}`;
const daemonHome = tempHome('jarvis-daemon-home-');
let x: Display;
let ha: HaSimulator;
let broker: Mosquitto;
let daemon: DaemonProcess;
let j: JarvisProcess;
let browser: Browser;
let page: Page;
let section: Locator;

const status = async () => IotView.parse((await api(j, '/v1/iot')).body).status;

beforeAll(async () => {
  requireBuiltRenderer();
  x = await startXvfb();
  ha = await startHaSimulator({
    token: TOKEN,
    areas: [{ area_id: 'kitchen', name: 'Kitchen' }, { area_id: 'hall', name: 'Hall' }],
    entities: [
      { entity_id: 'light.kitchen', state: 'off', name: 'Kitchen Light', area_id: 'kitchen' },
      { entity_id: 'lock.front_door', state: 'locked', name: 'Front Door', area_id: 'hall' },
      { entity_id: 'switch.garden_pump', state: 'off', name: 'Garden Pump' },
    ],
  });
  broker = await startMosquitto();
  const caps = JSON.parse(fs.readFileSync(path.join(REPO, 'capabilities.json'), 'utf8')) as { capabilities: Record<string, Record<string, unknown>> };
  caps.capabilities['iot.configure'] = { ...caps.capabilities['iot.configure'], confirm_timeout_s: 30 };
  fs.writeFileSync(path.join(daemonHome, 'capabilities.json'), JSON.stringify(caps));
  daemon = await startDaemonProcess(daemonHome, { DISPLAY: x.display });
  j = await startJarvis();
  await pair(j, daemon);
  await waitFor('the daemon status', status);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(j.signInUrl);
  await page.getByTestId('nav-settings').click();
  section = page.getByTestId('settings-iot');
  await section.waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
  await daemon?.stop();
  await ha?.close();
  await broker?.stop();
  await x?.stop();
});

/** Saves one form; when the daemon asks its owner (a change that widens what Jarvis may do), answers with Return. Returns whether it asked. */
async function save(part: string, shotName: string): Promise<boolean> {
  const message = section.getByTestId(`home-save-message-${part}`);
  await section.getByTestId(`home-save-${part}`).click();
  let asked = false;
  await expect
    .poll(
      async () => {
        const tone = await message.getAttribute('data-tone');
        if (tone !== 'muted') return tone;
        if (!asked && (await windows(x, 'Jarvis', 500)).length > 0) {
          asked = true;
          await answerDaemonDialog(x, 'Return', shotName);
        }
        return tone;
      },
      { timeout: 45_000, interval: 250 },
    )
    .toBe('ok');
  return asked;
}

async function shotSection(name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  // At the top the sticky bar sits in its own place, above the section, in the full-page picture.
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

describe('home devices screen', () => {
  it('tests Home Assistant with a typed token, saves it through the daemon’s dialog, and health turns connected while the screen is open', async () => {
    await expect.poll(() => section.getByTestId('home-health-ha').textContent()).toBe(' Home Assistant: not set up.');
    await section.getByTestId('home-ha-url').fill(ha.url);
    await section.getByTestId('home-ha-token').fill('not-the-token');
    await section.getByTestId('home-test-ha').click();
    await expect.poll(() => section.getByTestId('home-test-result-ha').textContent(), { timeout: 20_000 }).toMatch(/^Could not connect: .*refused the token/);
    await section.getByTestId('home-ha-token').fill(TOKEN);
    await section.getByTestId('home-test-ha').click();
    await expect.poll(() => section.getByTestId('home-test-result-ha').textContent(), { timeout: 20_000 }).toBe('Connected (version 2025.1.0); nothing was saved.');
    expect((await status())?.ha.configured).toBe(false);

    expect(await save('ha', 'settings-home-ha-dialog')).toBe(true);
    // The live refresh shows the connection without a reload.
    await expect.poll(() => section.getByTestId('home-health-ha').getAttribute('data-connected'), { timeout: 20_000 }).toBe('yes');
    await expect.poll(() => section.getByTestId('home-health-ha').textContent()).toMatch(/Home Assistant: connected since .* 3 entities\./);
    // Write-only: the field is empty again, says a token is stored, and the page never holds it.
    expect(await section.getByTestId('home-ha-token').inputValue()).toBe('');
    expect(await section.getByTestId('home-ha-token').getAttribute('placeholder')).toBe('•••••••• (stored)');
    expect(await page.content()).not.toContain(TOKEN);
    await expect.poll(() => section.getByTestId('home-entity').count()).toBe(3);
  });

  it('sets up MQTT with a user and password and its subscriptions; health follows the broker', async () => {
    await section.getByTestId('home-mqtt-url').fill(broker.url);
    await section.getByTestId('home-mqtt-username').fill(broker.user);
    await section.getByTestId('home-mqtt-password').fill('wrong-password');
    await section.getByTestId('home-test-mqtt').click();
    await expect.poll(() => section.getByTestId('home-test-result-mqtt').getAttribute('data-tone'), { timeout: 20_000 }).toBe('bad');
    expect(await section.getByTestId('home-test-result-mqtt').textContent()).toMatch(/^Could not connect: /);
    await section.getByTestId('home-mqtt-password').fill(broker.password);
    await section.getByTestId('home-test-mqtt').click();
    await expect.poll(() => section.getByTestId('home-test-result-mqtt').textContent(), { timeout: 20_000 }).toMatch(/^Connected.*nothing was saved\.$/);

    // A topic filter with "#" in the middle is named before anything is sent.
    await section.getByTestId('home-mqtt-topics').fill('home/#/bad');
    await section.getByTestId('home-save-mqtt').click();
    await expect.poll(() => section.getByTestId('home-save-message-mqtt').textContent()).toMatch(/^subscriptions\.0\.topic: an MQTT topic filter.*Nothing was sent\.$/);
    await section.getByTestId('home-mqtt-topics').fill('home/#\nsensors/+/temperature');
    await save('mqtt', 'settings-home-mqtt-dialog');
    await expect.poll(() => section.getByTestId('home-health-mqtt').getAttribute('data-connected'), { timeout: 20_000 }).toBe('yes');
    const mqtt = (await status())?.mqtt;
    expect(mqtt).toMatchObject({ url: broker.url, username: broker.user, has_password: true, subscriptions: [{ topic: 'home/#' }, { topic: 'sensors/+/temperature' }] });
    expect(await page.content()).not.toContain(broker.password);
  });

  it('edits the allow-lists and marks an entity critical; only the daemon’s private secrets file holds the token and password', async () => {
    await section.getByTestId('home-allow-call_service').fill('light.*\nlock.front_door');
    await section.getByTestId('home-allow-get_state').fill('*');
    await section.getByTestId('home-allow-publish').fill('home/commands/#');
    // Widening what Jarvis may do waits for the daemon owner's dialog.
    expect(await save('allow', 'settings-home-allow-dialog')).toBe(true);
    await expect.poll(async () => (await status())?.allow).toEqual({ call_service: ['light.*', 'lock.front_door'], get_state: ['*'], publish: ['home/commands/#'] });
    await expect.poll(() => section.locator('[data-entity="light.kitchen"]').getAttribute('data-allowed'), { timeout: 10_000 }).toBe('yes');
    expect(await section.locator('[data-entity="switch.garden_pump"]').getAttribute('data-allowed')).toBe('no');

    // Keyboard: find the door, mark it with Space, save.
    await section.getByTestId('home-entity-query').fill('door');
    await expect.poll(() => section.getByTestId('home-entity').count()).toBe(1);
    await section.getByTestId('home-critical-lock.front_door').focus();
    await page.keyboard.press('Space');
    // A critical mark only narrows, so it applies without a dialog.
    expect(await save('critical', 'settings-home-critical-dialog')).toBe(false);
    await expect.poll(async () => (await status())?.critical).toEqual(['lock.front_door']);
    await section.getByTestId('home-entity-query').fill('');
    await expect.poll(() => section.getByTestId('home-entity').count()).toBe(3);
    // The form shows what was saved, and keeps showing it through the live refreshes.
    expect(await section.getByTestId('home-critical-lock.front_door').isChecked()).toBe(true);
    for (let i = 0; i < 2; i++) await page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/iot' && r.ok());
    expect(await section.getByTestId('home-critical-lock.front_door').isChecked()).toBe(true);
    await shotSection('home');

    // Only the daemon's private secrets file holds them; not iot.json, databases, logs or anything of Jarvis's.
    const secretsFile = path.join(daemonHome, 'secrets.json');
    expect(filesHolding([TOKEN, broker.password], [j.home, daemonHome])).toEqual([secretsFile]);
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(daemon.output() + j.output()).not.toContain(TOKEN);
  });
});
