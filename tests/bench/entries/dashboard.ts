// Dashboard bench: from an audit event the server writes to its row on screen in real Chromium, beside the API call alone.
import { launchChromium } from '../../helpers/browser';
import { startJarvis } from '../../helpers/jarvis-process';
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

export const entries: BenchEntry[] = [{ name: 'dashboard-live', title: 'live audit rows reaching the page', run }];
