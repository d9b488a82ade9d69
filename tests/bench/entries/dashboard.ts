// Dashboard bench: the renderer's download size beside React alone, and an audit event's way from the server to its row on screen.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchChromium } from '../../helpers/browser';
import { REPO, startJarvis } from '../../helpers/jarvis-process';
import { median, percentile, row, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const N = 20;

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const j = await startJarvis();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(j.signInUrl);
    await page.getByTestId('health-status').filter({ hasText: /ok/i }).waitFor();
    await page.getByTestId('audit-row').first().waitFor();
    const verify = () => fetch(`${j.url}/v1/audit/verify`, { headers: { authorization: `Bearer ${j.token}` } }).then((r) => r.text());
    const onScreen: number[] = [];
    const apiOnly: number[] = [];
    for (let i = 0; i < N; i++) {
      const before = await page.locator('[data-testid="audit-row"][data-type="audit.verified"]').count();
      const t0 = performance.now();
      await verify();
      const t1 = performance.now();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="audit-row"][data-type="audit.verified"]').length > n, before);
      onScreen.push(performance.now() - t0);
      apiOnly.push(t1 - t0);
    }
    ctx.note(`${N} times: GET /v1/audit/verify writes an audit.verified row; timed until that row is in the page's DOM (live stream, 50 ms batching), real Chromium against jarvis serve.`);
    return [
      row('audit event → row on screen p50', median(onScreen), 'ms', { name: 'API call alone', value: median(apiOnly), unit: 'ms', what: 'the same GET /v1/audit/verify round trip, without waiting for the page' }, { of: 'value', op: '<=', target: 1000 }),
      row('audit event → row on screen p99', percentile(onScreen, 99), 'ms', { name: 'API call alone', value: percentile(apiOnly, 99), unit: 'ms', what: 'the same GET /v1/audit/verify round trip, without waiting for the page' }),
    ];
  } finally {
    await browser.close();
    await j.stop();
  }
}

/** Gzipped bytes of every script and stylesheet a build produced: what a page load transfers beyond index.html. */
function gzipOfAssets(outDir: string): { bytes: number; files: number } {
  const assets = path.join(outDir, 'assets');
  const files = fs.readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  const bytes = files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length, 0);
  return { bytes, files: files.length };
}

const BASELINE_MAIN = `import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
createRoot(document.getElementById('root')).render(createElement('p', null, 'hello'));
`;

async function bundleSize(ctx: BenchContext): Promise<BenchRow[]> {
  // Vite is ESM-only; the bench runs as CommonJS under tsx.
  const vite = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  // The real dashboard, built into a scratch folder so out/renderer (which jarvis serve reads) is left alone.
  const appOut = ctx.tempDir('bench-renderer-');
  await vite.build({ configFile: path.join(REPO, 'src-renderer', 'vite.config.ts'), logLevel: 'silent', build: { outDir: appOut, emptyOutDir: true } });
  // The floor: React and ReactDOM rendering one element, built with the same plugin, minifier and target.
  const baseRoot = ctx.tempDir('bench-react-');
  fs.writeFileSync(path.join(baseRoot, 'index.html'), '<!doctype html><html><body><div id="root"></div><script type="module" src="./main.js"></script></body></html>');
  fs.writeFileSync(path.join(baseRoot, 'main.js'), BASELINE_MAIN);
  const baseOut = path.join(baseRoot, 'out');
  await vite.build({
    configFile: false,
    root: baseRoot,
    base: './',
    logLevel: 'silent',
    plugins: [react()],
    resolve: { alias: { react: path.join(REPO, 'node_modules', 'react'), 'react-dom': path.join(REPO, 'node_modules', 'react-dom') } },
    build: { outDir: baseOut, emptyOutDir: true, sourcemap: false },
  });
  const app = gzipOfAssets(appOut);
  const base = gzipOfAssets(baseOut);
  ctx.note(`Renderer: ${app.files} JS/CSS file(s) from \`vite build\` with src-renderer/vite.config.ts, each gzipped at level 9 and summed; the baseline is React + ReactDOM rendering one element, built the same way.`);
  return [
    row(
      'renderer bundle, JS + CSS (gzip)',
      app.bytes / 1024,
      'KB',
      { name: 'react + react-dom alone', value: base.bytes / 1024, unit: 'KB', what: 'createRoot(...).render(<p>) bundled by Vite with @vitejs/plugin-react, gzipped the same way' },
      { of: 'value', op: '<=', target: 300 },
    ),
  ];
}

export const entries: BenchEntry[] = [
  { name: 'dashboard-bundle', title: 'the dashboard’s download size', run: bundleSize },
  { name: 'dashboard-live', title: 'live audit rows reaching the page', run },
];
