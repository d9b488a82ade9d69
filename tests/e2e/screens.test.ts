// The audit explorer, tools, workflows and settings screens in real Chromium against `jarvis serve`, each saved in light and dark.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditList, Integrations, ToolList, WorkflowList } from '../../src-shared/contract';
import { launchChromium } from '../helpers/browser';
import { api, REPO, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { installTool, requireBuiltRenderer, shot } from './support';

const DAEMON_BIN = path.join(REPO, 'bin', 'jarvis-daemon.cjs');
let j: JarvisProcess;
let browser: Browser;
let page: Page;
let daemon: ChildProcess;
let daemonUrl = '';
const daemonHome = tempHome('jarvis-daemon-');

beforeAll(async () => {
  requireBuiltRenderer();
  const home = tempHome();
  // A tool that asks for files: it stays off until a person enables it on the Tools screen.
  installTool(home, 'notes_reader', {
    risk: 'low',
    description: 'Reads a note from the notes folder',
    permissions: { filesystem: { read: [home], write: [] } },
    code: 'exports.run = async () => ({ text: "note" });',
  });
  daemon = spawn(process.execPath, [DAEMON_BIN, 'serve'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome, JARVIS_DAEMON_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  daemonUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the daemon did not start: ${out}`)), 30_000);
    daemon.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  j = await startJarvis({ home });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await page.goto(j.signInUrl);
  await page.getByTestId('nav-audit').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await j?.stop();
  daemon?.kill('SIGTERM');
});

/** Goes to a screen the way a person does: through the navigation. */
async function open(screen: 'audit' | 'tools' | 'workflows' | 'settings'): Promise<void> {
  await page.getByTestId(`nav-${screen}`).click();
  await page.getByTestId(`page-${screen}`).waitFor();
}

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('audit explorer', () => {
  it('filters by trace, shows the chain intact, and exports that trace', async () => {
    const sent = await api(j, '/v1/events?wait=true', post({ channel: 'api', payload: { text: 'echo from the explorer test' } }));
    const traceId = String(sent.body.trace_id);
    const expected = AuditList.parse((await api(j, `/v1/audit?trace_id=${traceId}&limit=1000`)).body).events;
    expect(expected.length).toBeGreaterThan(2);

    await open('audit');
    await page.getByTestId('explorer-row').first().waitFor();
    await page.getByLabel('Trace', { exact: true }).fill(traceId);
    await page.getByLabel('Trace', { exact: true }).press('Enter');
    await expect.poll(async () => page.getByTestId('explorer-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace')))).toEqual(expected.map(() => traceId));
    const ids = await page.getByTestId('explorer-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
    expect(ids).toEqual(expected.map((e) => e.id).reverse());

    await page.getByTestId('explorer-verify').click();
    await expect.poll(() => page.getByTestId('explorer-chain').getAttribute('data-state')).toBe('ok');
    await expect.poll(() => page.getByTestId('explorer-chain').textContent()).toMatch(/Chain intact/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('explorer-export').click()]);
    expect(download.suggestedFilename()).toBe(`trace-${traceId}.jsonl`);
    const saved = path.join(tempHome('jarvis-export-'), download.suggestedFilename());
    await download.saveAs(saved);
    const lines = fs.readFileSync(saved, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; event?: { id: number } });
    expect(lines.filter((l) => l.kind === 'event').map((l) => l.event?.id)).toEqual(expected.map((e) => e.id));
    expect(lines.at(-1)?.kind).toBe('verification');
    await expect.poll(() => page.getByTestId('explorer-export-status').textContent()).toMatch(/Saved trace-/);

    // A row's details, chosen with the keyboard.
    await page.getByRole('button', { name: `Details of row ${expected[0]?.id}` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#ex-details-title').textContent()).toBe(`Row #${expected[0]?.id}`);
    await shot(page, 'screens-audit-explorer', { dark: true });
  });

  it('a time range that ends before it starts is named on the field and nothing is sent', async () => {
    await page.getByTestId('filter-since').fill('2025-03-02T10:00');
    await page.getByTestId('filter-until').fill('2025-03-01T10:00');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => page.getByTestId('filter-until').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.getByText('“To” must be later than “From”.').count()).toBe(1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.getByTestId('filter-until').getAttribute('aria-invalid')).toBe('false');
  });
});

describe('tools', () => {
  it('shows a tool waiting for review with what it asks for, and enables it after a confirmation', async () => {
    await open('tools');
    const row = page.locator('[data-testid="tool-row"][data-name="notes_reader"]');
    await row.waitFor();
    expect(await row.getAttribute('data-review')).toBe('needs_review');
    expect(await row.textContent()).toMatch(/Reads files in/);
    await shot(page, 'screens-tools', { dark: true });

    await page.getByTestId('enable-notes_reader').click();
    await page.getByTestId('confirm-enable-notes_reader').waitFor();
    await shot(page, 'screens-tools-confirm');
    await page.getByTestId('confirm-enable-notes_reader').click();
    await expect.poll(() => row.getAttribute('data-review')).toBe('enabled');
    const tools = ToolList.parse((await api(j, '/v1/tools')).body).tools;
    expect(tools.find((t) => t.name === 'notes_reader')).toMatchObject({ enabled: true });
    const decided = AuditList.parse((await api(j, '/v1/audit?type=tool.enabled')).body).events;
    expect(decided.map((e) => e.subject)).toEqual(['notes_reader']);
  });
});

describe('workflows', () => {
  it('shows the server’s problem next to the editor, then saves the fixed definition, runs it and follows its task', async () => {
    await open('workflows');
    await page.getByTestId('workflow-new').click();
    const editor = page.getByTestId('workflow-editor');
    const definition = (tool: string) => JSON.stringify({ name: 'greet-e2e', steps: [{ id: 'hello', tool, input: { text: 'hi from a workflow' } }] }, null, 2);
    await editor.fill(definition('no_such_tool'));
    await page.getByTestId('workflow-save').click();
    await expect.poll(() => page.getByTestId('workflow-problem').allTextContents()).toEqual([expect.stringMatching(/steps\[0\]\.tool.*unknown tool "no_such_tool"/)]);
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'screens-workflows-problem', { dark: true });
    expect(WorkflowList.parse((await api(j, '/v1/workflows')).body).workflows).toEqual([]);

    await editor.fill(definition('echo'));
    await editor.press('Control+s');
    await expect.poll(() => page.getByTestId('workflow-problems').textContent()).toMatch(/Created “greet-e2e”/);
    expect(await page.getByTestId('workflow-problem').count()).toBe(0);
    const [stored] = WorkflowList.parse((await api(j, '/v1/workflows')).body).workflows;
    expect(stored?.name).toBe('greet-e2e');

    await page.getByTestId('workflow-run').click();
    const run = page.getByTestId('workflow-run').first();
    await run.waitFor();
    await expect.poll(() => page.locator('[data-testid="workflow-run"][data-status]').first().getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    const taskId = await page.locator('[data-testid="workflow-run"][data-task]').first().getAttribute('data-task');
    expect(taskId).toBeTruthy();
    await shot(page, 'screens-workflows', { dark: true });

    await page.getByTestId('workflow-follow').click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/tasks/${taskId}`);
  });
});

describe('integrations and settings', () => {
  it('shows the data folder and version, and pairs the daemon (a wrong code first)', async () => {
    await open('settings');
    await expect.poll(() => page.getByTestId('install-data-folder').textContent()).toBe(j.home);
    expect(await page.getByTestId('install-version').textContent()).toBe(String((await api(j, '/health')).body.version));
    await expect.poll(() => page.getByTestId('daemon-state').getAttribute('data-state')).toBe('not_paired');
    await shot(page, 'screens-settings', { dark: true });

    // A mistake the page catches itself, then one only the daemon can catch.
    await page.getByTestId('pair-url').fill('localhost:7724');
    await page.getByTestId('pair-submit').click();
    await expect.poll(() => page.getByTestId('pair-url').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('pair-url').fill(daemonUrl);
    await page.getByTestId('pair-code').fill('x'.repeat(68));
    await page.getByTestId('pair-submit').click();
    await expect.poll(() => page.getByTestId('pair-message').textContent(), { timeout: 15_000 }).toMatch(/Pairing failed: .*Nothing was pinned/);
    expect(Integrations.parse((await api(j, '/v1/integrations')).body).daemon.paired).toBe(false);
    await shot(page, 'screens-settings-pair-refused');

    const code = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [DAEMON_BIN, 'pair'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome } });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', () => {
        const found = /Pairing code[^\n]*\n\s*(\S+)/.exec(out)?.[1];
        if (found) resolve(found);
        else reject(new Error(`no code printed:\n${out}`));
      });
    });
    await page.getByTestId('pair-code').fill(code);
    await page.getByTestId('pair-code').press('Enter');
    await expect.poll(() => page.getByTestId('daemon-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    expect(await page.getByTestId('pair-message').textContent()).toMatch(/Paired with daemon [0-9a-f]{16}…/);
    expect(Integrations.parse((await api(j, '/v1/integrations')).body).daemon).toMatchObject({ paired: true, url: daemonUrl });
    await shot(page, 'screens-settings-paired', { dark: true });
  });
});
