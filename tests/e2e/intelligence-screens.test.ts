// The memory explorer, language model settings and MCP servers sections in real Chromium against `jarvis serve`, saved in light and dark.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmSettingsView, McpServerList, MemoryList, MemoryQueryResponse } from '../../src-shared/contract';
import { launchChromium } from '../helpers/browser';
import { api, REPO, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startLlmSimulator, type LlmSimulator } from '../helpers/llm-simulator';
import { requireBuiltRenderer, SHOTS } from './support';

const KEY = 'sk-screen-test-5a4b3c2d1e0f';
const FILESYSTEM_SERVER = path.join(REPO, 'node_modules', '.bin', 'mcp-server-filesystem');
let sim: LlmSimulator;
let j: JarvisProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  requireBuiltRenderer();
  sim = await startLlmSimulator({ apiKey: KEY });
  // One value comes from the environment, so the screen must show it locked.
  j = await startJarvis({ env: { JARVIS_LLM_TIMEOUT_MS: '45000' } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(j.signInUrl);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('page-settings').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
  await sim?.close();
});

/** One section of the settings screen, light and dark, under test-results/screenshots/settings-<name>; cut from the full page so the sticky bar never covers it. */
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

const rowTexts = (list: Locator) => list.evaluateAll((rows) => rows.map((r) => r.querySelector('.mem-text')?.textContent ?? ''));

describe('the plan and memory', () => {
  it('shows on the Home plan what Jarvis remembers that bears on the goal', async () => {
    const added = await api(j, '/v1/memory/add', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'preference', content: 'Invoices are filed under Finance/2026' }) });
    expect(added.status).toBe(201);
    await page.goto(`${j.url}/#/`);
    await page.getByTestId('goal-input').fill('echo file the invoices');
    await page.getByTestId('goal-input').press('Enter');
    await page.locator('[data-testid="plan"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('plan-memories').textContent()).toContain('Invoices are filed under Finance/2026');
    const forgotten = await api(j, `/v1/memory/${(added.body as { id: string }).id}`, { method: 'DELETE' });
    expect(forgotten.status).toBe(200);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('page-settings').waitFor();
  });
});

describe('memory explorer', () => {
  it('adds memories, refuses a secret with the reason by the field, searches with each lane’s rank, filters by kind and forgets after a confirmation', async () => {
    const section = page.getByTestId('settings-memory');
    expect(await section.getAttribute('data-ready')).toBe('yes');
    await expect.poll(() => section.getByTestId('memory-index').textContent()).toMatch(/^Embedding model offline:\S+ \(offline/);

    const add = async (content: string, kind: string) => {
      await section.getByTestId('memory-add-content').fill(content);
      await section.getByTestId('memory-add-kind').selectOption(kind);
      await section.getByTestId('memory-add').click();
    };
    await add('The spare key to the garden shed is under the blue flowerpot', 'semantic');
    await expect.poll(() => section.getByTestId('memory-add-message').textContent()).toMatch(/Remembered as semantic/);
    await add('Ada prefers tea without sugar in the afternoon', 'preference');
    await expect.poll(() => section.getByTestId('memory-add-message').textContent()).toMatch(/Remembered as preference/);
    await expect.poll(() => rowTexts(section.getByTestId('memory-row'))).toHaveLength(2);

    // A secret is refused before it is stored; the reason sits under the field it came from.
    await add('my provider key is sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2', 'semantic');
    const content = section.getByTestId('memory-add-content');
    await expect.poll(() => content.getAttribute('aria-invalid')).toBe('true');
    const noteId = String(await content.getAttribute('aria-describedby'));
    expect(await page.locator(`[id="${noteId}"]`).textContent()).toMatch(/^Refused: content \(characters \d+–\d+\) holds what looks like an API key.*allow_secret/);
    expect(await section.getByTestId('memory-add-message').textContent()).toBe('Nothing was stored.');
    expect(MemoryList.parse((await api(j, '/v1/memory')).body).total).toBe(2);
    await shotSection(section, 'memory-secret-refused');

    // Hybrid: the shed memory first, found by both lanes.
    await section.getByTestId('memory-search-text').fill('where is the shed key');
    await section.getByTestId('memory-search-text').press('Enter');
    await expect.poll(() => section.getByTestId('memory-caption').textContent()).toMatch(/found for “where is the shed key” \(Both \(hybrid\)/);
    const first = section.getByTestId('memory-row').first();
    expect(await first.locator('.mem-text').textContent()).toMatch(/garden shed/);
    expect(await first.getByTestId('memory-lanes').textContent()).toMatch(/^vector #1 \(similarity 0\.\d\d\) · text #1$/);

    // Words only: the lanes line names only the text lane.
    await section.getByTestId('memory-search-mode').selectOption('text');
    await section.getByTestId('memory-search').click();
    await expect.poll(() => section.getByTestId('memory-caption').textContent()).toMatch(/By words \(text\)/);
    const lanes = await section.getByTestId('memory-lanes').allTextContents();
    expect(lanes[0]).toBe('text #1');
    for (const line of lanes) expect(line).toMatch(/^text #\d+$/);

    // The kind filter narrows the search and the list.
    await section.getByTestId('memory-kind-filter').selectOption('preference');
    await expect.poll(() => section.getByTestId('memory-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['preference']);
    expect(await section.getByTestId('memory-caption').textContent()).toMatch(/^1 found/);
    await section.getByRole('button', { name: 'Clear search' }).click();
    await expect.poll(() => rowTexts(section.getByTestId('memory-row'))).toEqual(['Ada prefers tea without sugar in the afternoon']);
    await section.getByTestId('memory-kind-filter').selectOption('all');
    await expect.poll(() => rowTexts(section.getByTestId('memory-row'))).toHaveLength(2);

    // View, then forget with a confirmation; keyboard only.
    const shed = section.getByTestId('memory-row').filter({ hasText: 'garden shed' });
    const id = String(await shed.getAttribute('data-id'));
    await shed.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => section.getByTestId('memory-detail').getAttribute('data-id')).toBe(id);
    await shotSection(section, 'memory');
    await section.getByTestId('memory-forget').click();
    await section.getByRole('button', { name: 'Keep it' }).click();
    expect(await section.getByTestId('memory-confirm-forget').count()).toBe(0);
    await section.getByTestId('memory-forget').click();
    // Focus moves to the question's answer, so Enter confirms.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('memory-confirm-forget');
    await page.keyboard.press('Enter');
    await expect.poll(() => rowTexts(section.getByTestId('memory-row'))).toEqual(['Ada prefers tea without sugar in the afternoon']);

    // Gone from both lanes on the server too.
    for (const mode of ['vector', 'text'] as const) {
      const res = MemoryQueryResponse.parse((await api(j, '/v1/memory/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'garden shed key', mode }) })).body);
      expect(res.results.map((r) => r.memory.id)).not.toContain(id);
    }
  });
});

describe('language model settings', () => {
  it('shows where each value comes from, locks the one set by the environment, tests before saving and keeps the key write-only', async () => {
    const section = page.getByTestId('settings-llm');
    await expect.poll(() => section.getByTestId('llm-state').getAttribute('data-state')).toBe('off');
    expect(await section.getByTestId('llm-problem').textContent()).toMatch(/No language model is set up/);
    const timeout = section.getByTestId('llm-timeout_ms');
    expect(await timeout.inputValue()).toBe('45000');
    expect(await timeout.getAttribute('readonly')).not.toBeNull();
    const timeoutNote = String(await timeout.getAttribute('aria-describedby'));
    expect(await page.locator(`[id="${timeoutNote}"]`).textContent()).toBe('Set by JARVIS_LLM_TIMEOUT_MS; change it there.');

    await section.getByTestId('llm-provider').selectOption('openai');
    await section.getByTestId('llm-base_url').fill(sim.url);
    await section.getByTestId('llm-model').fill('sim-chat');
    await section.getByTestId('llm-api_key').fill('sk-wrong-key-for-the-test');
    await section.getByTestId('llm-test').click();
    await expect.poll(() => section.getByTestId('llm-test-result').getAttribute('data-tone')).toBe('bad');
    expect(await section.getByTestId('llm-test-result').textContent()).toMatch(new RegExp(`^Could not use openai model “sim-chat” at ${sim.url.replaceAll('.', '\\.')}: .*\\(auth\\)\\.$`));

    // A bad number is named by its field before anything is sent.
    await section.getByTestId('llm-context_tokens').fill('lots');
    await section.getByTestId('llm-save').click();
    await expect.poll(() => section.getByTestId('llm-context_tokens').getAttribute('aria-invalid')).toBe('true');
    expect(LlmSettingsView.parse((await api(j, '/v1/llm/settings')).body).provider).toBe('none');
    await section.getByTestId('llm-context_tokens').fill('16000');

    await section.getByTestId('llm-api_key').fill(KEY);
    sim.chat.script({ content: 'OK' });
    await section.getByTestId('llm-test').click();
    await expect.poll(() => section.getByTestId('llm-test-result').textContent()).toMatch(/^Connected: openai model “sim-chat” .* answered in \d+ ms \(“OK”\)\.$/);
    expect(LlmSettingsView.parse((await api(j, '/v1/llm/settings')).body).configured).toBe(false);

    await section.getByTestId('llm-save').click();
    await expect.poll(() => section.getByTestId('llm-save-message').textContent()).toBe('Saved. The language model is live.');
    expect(await section.getByTestId('llm-state').getAttribute('data-state')).toBe('live');
    // The key is never shown back: the field is empty and says one is stored.
    expect(await section.getByTestId('llm-api_key').inputValue()).toBe('');
    expect(await section.getByTestId('llm-api_key').getAttribute('type')).toBe('password');
    expect(await page.content()).not.toContain(KEY);
    const saved = LlmSettingsView.parse((await api(j, '/v1/llm/settings')).body);
    expect(saved).toMatchObject({ provider: 'openai', model: 'sim-chat', context_tokens: 16000, timeout_ms: 45000, key: { present: true, source: 'file' }, sources: { timeout_ms: 'environment', model: 'config' } });
    expect(await section.getByTestId('llm-remove-key').isVisible()).toBe(true);
    await shotSection(section, 'llm');
  });
});

describe('MCP servers', () => {
  it('adds a stdio server, shows the exact command line before anything starts, then health, tools, trust, reconnect, disable and remove', async () => {
    const section = page.getByTestId('settings-mcp');
    const folder = tempHome('jarvis-mcp-files-');
    fs.writeFileSync(path.join(folder, 'hello.txt'), 'hello');

    // A mistake the page catches itself.
    await section.getByTestId('mcp-add-name').fill('Files!');
    await section.getByTestId('mcp-add').click();
    await expect.poll(() => section.getByTestId('mcp-add-name').getAttribute('aria-invalid')).toBe('true');

    await section.getByTestId('mcp-add-name').fill('files');
    await section.getByTestId('mcp-add-command').fill(FILESYSTEM_SERVER);
    await section.getByTestId('mcp-add-args').fill(folder);
    await section.getByTestId('mcp-add-env').fill('HOME');
    await section.getByTestId('mcp-add').click();

    const consent = section.getByTestId('mcp-consent');
    await consent.waitFor();
    const commandLine = String(await consent.getByTestId('mcp-consent-command').textContent());
    expect(commandLine).toContain(FILESYSTEM_SERVER);
    expect(commandLine).toContain(folder);
    expect(await consent.getByTestId('mcp-consent-env').textContent()).toMatch(/PATH=.*HOME/);
    expect(await consent.textContent()).toMatch(/Jarvis will run this program as you, with your rights:/);
    // Focus lands on the step, so a keyboard user reads it first.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mcp-consent-title');
    // Nothing runs before consent.
    const before = McpServerList.parse((await api(j, '/v1/mcp/servers')).body).servers[0];
    expect(before).toMatchObject({ name: 'files', status: 'awaiting_consent', health: { pid: null, connected: false } });
    await shotSection(section, 'mcp-consent');

    await consent.getByTestId('mcp-consent-start').click();
    const card = section.getByTestId('mcp-server').filter({ has: page.locator('[data-testid="mcp-health-files"]') });
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => card.getByTestId('mcp-health-files').textContent(), { timeout: 15_000 }).toMatch(/^Connected to .* \(process \d+\); \d+ tools\.$/);
    await expect.poll(() => card.getByTestId('mcp-tools-files').locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-tool'))), { timeout: 15_000 }).toContain('read_text_file');

    // Trust policy: one tool raised to high, then every call asked about (which the gate treats as critical).
    await card.getByTestId('mcp-edit-policy-files').click();
    await card.getByTestId('mcp-tool-risk-files-read_text_file').selectOption('high');
    await card.getByTestId('mcp-save-policy-files').click();
    await expect.poll(() => card.getByTestId('mcp-row-message-files').textContent()).toMatch(/Trust policy saved/);
    await expect.poll(() => card.locator('[data-tool="read_text_file"] .tl-risk').textContent()).toBe('high');
    expect(await card.locator('[data-tool="list_directory"] .tl-risk').textContent()).toBe('medium');
    await card.getByTestId('mcp-edit-policy-files').click();
    await card.getByTestId('mcp-approval-files').selectOption('always');
    await card.getByTestId('mcp-save-policy-files').click();
    await expect.poll(() => card.locator('[data-tool="list_directory"] .tl-risk').textContent()).toBe('critical');
    const policy = McpServerList.parse((await api(j, '/v1/mcp/servers')).body).servers[0]?.policy;
    expect(policy).toMatchObject({ approval: 'always', tool_risk: { read_text_file: 'high' } });
    await shotSection(section, 'mcp');

    await card.getByTestId('mcp-reconnect-files').click();
    await expect.poll(() => card.getByTestId('mcp-row-message-files').textContent()).toBe('Reconnecting now.');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    await card.getByTestId('mcp-disable-files').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('disabled');
    expect(await card.getByTestId('mcp-health-files').textContent()).toBe('Disabled; nothing runs.');

    await card.getByTestId('mcp-remove-files').click();
    await card.getByTestId('mcp-confirm-remove-files').click();
    await expect.poll(() => section.getByTestId('mcp-server').count()).toBe(0);
    expect(McpServerList.parse((await api(j, '/v1/mcp/servers')).body).servers).toEqual([]);
  });
});
