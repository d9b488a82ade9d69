// Layers point one way: the real tree has no wrong arrows, and the checker is proven to catch planted ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImports, collectSourceFiles, extractImports, formatViolations, type Rule } from './import-graph';

const REPO_ROOT = path.resolve(__dirname, '../..');

describe('the repository import graph', () => {
  it('scans the real sources (so an empty scan cannot pass)', () => {
    const files = collectSourceFiles(REPO_ROOT);
    expect(files).toContain('src-main/core/audit/log.ts');
    expect(files).toContain('src-shared/contract/index.ts');
    expect(files.some((f) => f.startsWith('src-renderer/'))).toBe(true);
    expect(files.every((f) => !f.includes('/node_modules/') && !f.includes('/out/'))).toBe(true);
  });

  it('has no import that points the wrong way', () => {
    const violations = checkImports(REPO_ROOT);
    if (violations.length > 0) {
      expect.fail(`${violations.length} import(s) break the layering rules (see tests/architecture/import-graph.ts):\n${formatViolations(violations)}`);
    }
    // It reads every source file; on a loaded machine that takes longer than the default 5 s.
  }, 30_000);
});

describe('extractImports', () => {
  it('finds every form of import and nothing in comments or strings', () => {
    const text = [
      "import a from 'static';",
      "import type { T } from 'type-only';",
      "import 'side-effect';",
      "export { b } from 're-export';",
      "export * from 'star';",
      "import c = require('import-equals');",
      "type M = typeof import('type-query');",
      "async function f() { await import('dynamic'); await import(`template`); }",
      "const d = require('required');",
      "// import x from 'in-comment';",
      "const s = \"require('in-string')\";",
    ].join('\n');
    const found = extractImports(text, 'x.ts').map((i) => `${i.kind}:${i.specifier}`);
    expect(found.sort()).toEqual(
      [
        'import:static',
        'import:type-only',
        'side-effect:side-effect',
        'export:re-export',
        'export:star',
        'import-equals:import-equals',
        'type-query:type-query',
        'dynamic:dynamic',
        'dynamic:template',
        'require:required',
      ].sort(),
    );
  });
});

// A tiny tree with exactly one planted wrong arrow per expected violation, beside arrows that are allowed.
const FIXTURE: Record<string, string> = {
  // Planted violations.
  'src-main/core/x.ts': "import { app } from 'electron';\nexport const x = app;\n",
  'src-main/core/y.ts': "import { startServer } from '../api/server';\nexport const y = startServer;\n",
  'src-renderer/a.ts': "import { db } from '../src-main/core/db';\nexport const a = db;\n",
  'src-renderer/b.ts': "import fs from 'node:fs';\nexport const b = fs;\n",
  'src-daemon/c.ts': "import { main } from '../src-main/main';\nexport const c = main;\n",
  'src-main/api/d.ts': "import { serve } from '../../src-daemon/server';\nexport const d = serve;\n",
  'src-main/core/e.ts': "export async function e() {\n  return import('../electron/tray');\n}\n",
  'src-renderer/f.cjs': "const cp = require('child_process');\nmodule.exports = cp;\n",
  'src-main/core/g.ts': "export { run } from '../headless';\n",
  'src-main/core/h.ts': "import type { BrowserWindow } from 'electron/main';\nexport type H = BrowserWindow;\n",
  'src-main/core/i.ts': "import '../cli';\n",
  'src-main/core/j.ts': "import { near } from '../api/contractual';\nexport const j = near;\n",
  'src-daemon/k.js': "const store = require('../src-main/core/db/index.js');\nmodule.exports = store;\n",
  'src-renderer/src/l.tsx': "export type Api = typeof import('../../src-main/api');\n",
  'src-renderer/src/m.ts': "import { home } from '../../src-shared/home';\nexport const m = home;\n",
  'src-shared/n.ts': "import { db } from '../src-main/core/db';\nexport const n = db;\n",
  'src-shared/o.ts': "import { Claims } from '../src-daemon/protocol/claims';\nexport const o = Claims;\n",
  'src-shared/p.ts': "import { create } from 'zustand';\nexport const p = create;\n",
  'src-shared/contract/q.ts': "import os from 'node:os';\nexport const q = os;\n",
  'src-main/core/r.ts': "import { Audit } from '../api/contract';\nexport const r = Audit;\n",

  // Allowed arrows, which must not be reported.
  'src-main/api/server.ts': 'export const startServer = 1;\n',
  'src-main/api/index.ts': "export * from './server';\n",
  'src-main/api/contractual.ts': 'export const near = 1;\n',
  'src-shared/contract/index.ts': "export * from './audit';\n",
  'src-shared/contract/audit.ts': "import { z } from 'zod';\nimport { home } from '../home';\nexport const Audit = z.object({ h: home });\n",
  'src-shared/home.ts': "import { z } from 'zod';\nimport path from 'node:path';\nexport const home = z.string().default(path.sep);\n",
  'src-main/core/db/index.ts': "import fs from 'node:fs';\nexport const db = fs;\n",
  'src-main/core/uses-contract.ts': "import { Audit } from '../../src-shared/contract';\nimport { Claims } from '../../src-daemon/protocol/claims';\nexport const u = [Audit, Claims];\n",
  'src-main/core/quiet.ts': "// import { app } from 'electron';\nexport const s = \"require('electron')\";\n",
  'src-main/electron/tray.ts': "import { Tray } from 'electron';\nimport { db } from '../core/db';\nexport const tray = [Tray, db];\n",
  'src-main/main.ts': "import { tray } from './electron/tray';\nimport { Claims } from '../src-daemon/protocol';\nexport const main = [tray, Claims];\n",
  'src-main/headless.ts': "import { startServer } from './api/server';\nexport const run = startServer;\n",
  'src-main/cli.ts': "export const cli = 1;\n",
  'src-renderer/vite.config.ts': "import path from 'node:path';\nexport default { root: path.resolve(__dirname) };\n",
  'src-renderer/src/api.ts': "import { Audit } from '../../src-shared/contract';\nimport { Audit as A2 } from '../../src-shared/contract/audit';\nimport { create } from 'zustand';\nexport const api = [Audit, A2, create];\n",
  'src-renderer/src/app.tsx': "import { api } from './api';\nexport const App = () => <div>{String(api)}</div>;\n",
  'src-daemon/protocol/index.ts': "export * from './claims';\n",
  'src-daemon/protocol/claims.ts': "export const Claims = 1;\n",
  'src-daemon/server.ts': "import fs from 'node:fs';\nimport { Claims } from './protocol';\nimport { home } from '../src-shared/home';\nexport const serve = [fs, Claims, home];\n",

  // Skipped folders: build output and installed packages.
  'src-main/core/node_modules/pkg/index.js': "require('electron');\n",
  'src-renderer/out/bundle.js': "import 'node:fs';\n",
};

const EXPECTED: { file: string; specifier: string; rule: Rule }[] = [
  { file: 'src-main/core/x.ts', specifier: 'electron', rule: 'electron-only-in-shell' },
  { file: 'src-main/core/y.ts', specifier: '../api/server', rule: 'core-stays-plain' },
  { file: 'src-renderer/a.ts', specifier: '../src-main/core/db', rule: 'renderer-only-contract' },
  { file: 'src-renderer/b.ts', specifier: 'node:fs', rule: 'renderer-no-node' },
  { file: 'src-daemon/c.ts', specifier: '../src-main/main', rule: 'daemon-independent' },
  { file: 'src-main/api/d.ts', specifier: '../../src-daemon/server', rule: 'main-only-daemon-protocol' },
  { file: 'src-main/core/e.ts', specifier: '../electron/tray', rule: 'core-stays-plain' },
  { file: 'src-renderer/f.cjs', specifier: 'child_process', rule: 'renderer-no-node' },
  { file: 'src-main/core/g.ts', specifier: '../headless', rule: 'core-stays-plain' },
  { file: 'src-main/core/h.ts', specifier: 'electron/main', rule: 'electron-only-in-shell' },
  { file: 'src-main/core/i.ts', specifier: '../cli', rule: 'core-stays-plain' },
  { file: 'src-main/core/j.ts', specifier: '../api/contractual', rule: 'core-stays-plain' },
  { file: 'src-daemon/k.js', specifier: '../src-main/core/db/index.js', rule: 'daemon-independent' },
  { file: 'src-renderer/src/l.tsx', specifier: '../../src-main/api', rule: 'renderer-only-contract' },
  { file: 'src-renderer/src/m.ts', specifier: '../../src-shared/home', rule: 'renderer-only-contract' },
  { file: 'src-shared/n.ts', specifier: '../src-main/core/db', rule: 'shared-imports-nothing' },
  { file: 'src-shared/o.ts', specifier: '../src-daemon/protocol/claims', rule: 'shared-imports-nothing' },
  { file: 'src-shared/p.ts', specifier: 'zustand', rule: 'shared-imports-nothing' },
  { file: 'src-shared/contract/q.ts', specifier: 'node:os', rule: 'contract-runs-anywhere' },
  { file: 'src-main/core/r.ts', specifier: '../api/contract', rule: 'core-stays-plain' },
];

const key = (v: { file: string; specifier: string; rule: Rule }): string => `${v.file} ${v.specifier} ${v.rule}`;

describe('the checker on planted wrong imports', () => {
  let root = '';
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-arch-'));
    for (const [file, text] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
  });
  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports exactly the planted violations, one rule each', () => {
    const got = checkImports(root).map(({ file, specifier, rule }) => ({ file, specifier, rule }));
    expect(got.map(key).sort()).toEqual(EXPECTED.map(key).sort());
  });

  it('covers every rule at least once', () => {
    const rules = new Set(checkImports(root).map((v) => v.rule));
    const all: Rule[] = [
      'electron-only-in-shell',
      'core-stays-plain',
      'renderer-only-contract',
      'renderer-no-node',
      'daemon-independent',
      'main-only-daemon-protocol',
      'shared-imports-nothing',
      'contract-runs-anywhere',
    ];
    expect([...rules].sort()).toEqual(all.sort());
  });

  it('leaves allowed arrows alone: renderer to the contract, main to the daemon protocol, the shell to electron', () => {
    const reported = new Set(checkImports(root).map((v) => v.file));
    for (const file of [
      'src-renderer/src/api.ts',
      'src-renderer/src/app.tsx',
      'src-renderer/vite.config.ts',
      'src-main/core/uses-contract.ts',
      'src-main/core/quiet.ts',
      'src-main/electron/tray.ts',
      'src-main/main.ts',
      'src-main/headless.ts',
      'src-daemon/server.ts',
      'src-shared/contract/audit.ts',
      'src-shared/home.ts',
    ]) {
      expect(reported.has(file), file).toBe(false);
    }
  });

  it('skips node_modules and out', () => {
    const files = collectSourceFiles(root);
    expect(files.some((f) => f.includes('node_modules') || f.includes('/out/'))).toBe(false);
  });

  it('reports the line and says the rule in words', () => {
    const text = formatViolations(checkImports(root).filter((v) => v.file === 'src-main/core/e.ts'));
    expect(text).toContain('src-main/core/e.ts:2');
    expect(text).toContain('src-main/electron/**');
  });
});
