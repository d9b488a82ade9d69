// Start-up bench: `jarvis serve` from spawn to GET /health 200, beside a bare Node HTTP server started the same way.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { median, row, type BenchContext, type BenchEntry } from '../harness';

const REPO = path.resolve(__dirname, '..', '..', '..');
const ROUNDS = 5;

const BARE_SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { res.writeHead(200, {'content-type': 'application/json'}); res.end('{"status":"ok"}'); });
s.listen(0, '127.0.0.1', () => console.log('Dashboard and API: http://127.0.0.1:' + s.address().port + '/'));
`;

/** Spawns a server, waits until it prints its port and answers /health with 200; returns the elapsed ms. */
async function timeToHealthy(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m?.[1]) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
    });
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
  }
}

export const entries: BenchEntry[] = [
  {
    name: 'serve-startup',
    title: '`jarvis serve` from process spawn to GET /health 200, beside a bare Node HTTP server',
    async run(ctx: BenchContext) {
      const jarvis: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        ctx.log(`startup round ${i + 1}/${ROUNDS}`);
        jarvis.push(await timeToHealthy([path.join(REPO, 'bin', 'jarvis.cjs'), 'serve'], { JARVIS_HOME: ctx.tempDir('jarvis-bench-home-'), JARVIS_PORT: '0' }));
        bare.push(await timeToHealthy(['-e', BARE_SERVER], {}));
      }
      ctx.note(`${ROUNDS} alternating rounds each, a fresh data folder per Jarvis start (first start: creates the database, keys and token); medians shown.`);
      return [
        row(
          'serve start → /health 200',
          median(jarvis),
          'ms',
          { name: 'bare node http', value: median(bare), unit: 'ms', what: 'node -e with a 3-line http.createServer answering 200, spawned and polled exactly like Jarvis (process start + listen + first request)' },
          { of: 'value', op: '<=', target: 2000 },
        ),
      ];
    },
  },
];
