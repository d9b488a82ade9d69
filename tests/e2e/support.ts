// Shared parts of the desktop acceptance suites: a real daemon on Xvfb, pairing through both CLIs, answering its zenity dialog with xdotool, user tools, and page screenshots.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { pair, startDaemonProcess, type DaemonProcess } from '../helpers/daemon-process';
import { api, REPO, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import type { Display } from '../helpers/xvfb';

const exec = promisify(execFile);

export const SHOTS = path.join(REPO, 'test-results', 'screenshots');

/** Every page the suites visit is saved for review, in light and, when asked, dark. */
export async function shot(page: Page, name: string, options: { dark?: boolean } = {}): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  if (options.dark) {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, `${name}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }
}

export function requireBuiltRenderer(): void {
  if (!fs.existsSync(path.join(REPO, 'out', 'renderer', 'index.html'))) {
    throw new Error('The dashboard is not built: run `npm run build:renderer` (npm test does it before this suite).');
  }
}

export type Daemon = DaemonProcess;
export { pair };

/** Starts `jarvis-daemon serve` on the display with the given capabilities file. */
export async function startDaemon(display: Display, capabilities: Record<string, unknown>): Promise<Daemon> {
  const home = tempHome('jarvis-daemon-');
  fs.writeFileSync(path.join(home, 'capabilities.json'), JSON.stringify({ version: 1, capabilities }));
  return startDaemonProcess(home, { DISPLAY: display.display });
}

const xenv = (display: Display) => ({ ...process.env, DISPLAY: display.display });

/** Visible windows whose name matches, waiting up to `ms` for one to appear. */
export async function windows(display: Display, name: string, ms: number): Promise<string[]> {
  try {
    const { stdout } = await exec('xdotool', ['search', '--sync', '--onlyvisible', '--name', name], { env: xenv(display), timeout: ms });
    return stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Waits for the daemon's confirmation dialog (zenity, titled "Jarvis…"), saves a picture of the screen for
 * review, then answers it: Return is Allow, Escape is Deny.
 */
export async function answerDaemonDialog(display: Display, key: 'Return' | 'Escape', screenshotName: string): Promise<void> {
  const [id] = await windows(display, 'Jarvis', 30_000);
  if (!id) throw new Error('no confirmation dialog appeared on the daemon’s screen');
  fs.mkdirSync(SHOTS, { recursive: true });
  await exec('import', ['-window', 'root', path.join(SHOTS, `${screenshotName}.png`)], { env: xenv(display), timeout: 15_000 }).catch(() => undefined);
  await exec('xdotool', ['windowfocus', '--sync', id], { env: xenv(display), timeout: 10_000 });
  await exec('xdotool', ['key', key], { env: xenv(display), timeout: 10_000 });
}

/** Installs a user tool (process runner) into a data folder before Jarvis starts. */
export function installTool(home: string, name: string, options: { risk: string; description: string; code: string; permissions?: Record<string, unknown>; input?: Record<string, unknown> }): void {
  const dir = path.join(home, 'tools', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      description: options.description,
      input_schema: { type: 'object', properties: options.input ?? {} },
      output_schema: { type: 'object' },
      risk: options.risk,
      ...(options.permissions ? { permissions: options.permissions } : {}),
      runner: { type: 'process', entry: 'index.js', timeout_ms: 60_000 },
    }),
  );
  fs.writeFileSync(path.join(dir, 'index.js'), options.code);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Defines a workflow and runs it through the API, as the Workflows screen would; returns the task id. */
export async function runWorkflow(j: JarvisProcess, definition: Record<string, unknown>): Promise<{ taskId: string; traceId: string }> {
  const created = await api(j, '/v1/workflows', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(definition) });
  if (created.status !== 201) throw new Error(`workflow not created: ${JSON.stringify(created.body)}`);
  const id = String((created.body as { id?: unknown }).id ?? (created.body as { workflow_id?: unknown }).workflow_id);
  const run = await api(j, `/v1/workflows/${encodeURIComponent(id)}/run`, { method: 'POST' });
  if (run.status !== 202 && run.status !== 200) throw new Error(`workflow did not run: ${JSON.stringify(run.body)}`);
  return { taskId: String(run.body.task_id), traceId: String(run.body.trace_id) };
}

export async function enableTool(j: JarvisProcess, name: string): Promise<void> {
  const res = await api(j, `/v1/tools/${name}/enable`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`could not enable ${name}: ${JSON.stringify(res.body)}`);
}

/** Pending approvals the server holds, newest first. */
export async function pendingApprovals(j: JarvisProcess): Promise<{ id: string; tool: string; risk: string; status: string; task_id: string | null }[]> {
  const res = await api(j, '/v1/approvals?status=pending');
  return (res.body as { approvals: { id: string; tool: string; risk: string; status: string; task_id: string | null }[] }).approvals;
}
