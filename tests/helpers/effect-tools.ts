// Side-effect tools for durability tests: each appends a line to a file outside the database, optionally holding until a file appears.
import fs from 'node:fs';
import path from 'node:path';

const HOLD = `
async function hold(file) {
  if (!file) return;
  for (let i = 0; i < 1500 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
}`;

/** Installs `effect_once` (idempotent: recognises a retried key) and `effect_raw` (at-most-once) into a data folder. */
export function installEffectTools(home: string, outDir: string): void {
  const tools: Record<string, { idempotent: boolean; code: string }> = {
    effect_once: {
      idempotent: true,
      code: `const fs = require('fs');${HOLD}
exports.run = async ({ file, line, hold_file }, ctx) => {
  const key = ctx.idempotencyKey;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (key && text.split('\\n').some((l) => l.endsWith(' ' + key))) return { applied: false };
  fs.appendFileSync(file, line + ' ' + key + '\\n');
  await hold(hold_file);
  return { applied: true };
};`,
    },
    effect_raw: {
      idempotent: false,
      code: `const fs = require('fs');${HOLD}
exports.run = async ({ file, line, hold_file }) => {
  fs.appendFileSync(file, line + '\\n');
  await hold(hold_file);
  return { applied: true };
};`,
    },
  };
  for (const [name, t] of Object.entries(tools)) {
    const dir = path.join(home, 'tools', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        name,
        version: '1.0.0',
        description: `${name}: appends a line to a file`,
        input_schema: { type: 'object', properties: { file: { type: 'string' }, line: { type: 'string' }, hold_file: { type: 'string' } }, required: ['file', 'line'] },
        output_schema: { type: 'object' },
        risk: 'low',
        idempotent: t.idempotent,
        permissions: { filesystem: { read: [outDir], write: [outDir] } },
        runner: { type: 'process', entry: 'index.js', timeout_ms: 60_000 },
      }),
    );
    fs.writeFileSync(path.join(dir, 'index.js'), t.code);
  }
}

/** Lines of the effect file, without the idempotency keys. */
export function effects(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[0] ?? '');
}
