// `npm test`: system packages, typecheck, lint, then the unit, integration and e2e suites; ends with one "N passed, N failed" line.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureSystemPackages } = require('./system-deps.cjs');

const root = path.join(__dirname, '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const resultsDir = path.join(root, 'test-results');

let passed = 0;
let failed = 0;

function run(label, args) {
  console.log(`\n▶ ${label}`);
  const res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  return res.status === 0;
}

function vitest(project) {
  const out = path.join(resultsDir, `${project}.json`);
  fs.rmSync(out, { force: true });
  const ok = run(`${project} tests`, [bin('vitest', 'vitest.mjs'), 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    if (report.numTotalTests === 0) {
      console.error(`${project}: no tests ran`);
      return false;
    }
    if (report.numPendingTests + report.numTodoTests > 0) {
      console.error(`${project}: ${report.numPendingTests + report.numTodoTests} tests were skipped; a skipped test proves nothing`);
      return false;
    }
  } catch {
    failed += 1;
    return false;
  }
  return ok;
}

function main() {
  fs.mkdirSync(resultsDir, { recursive: true });
  if (!ensureSystemPackages()) return false;
  const steps = [
    () => run('typecheck', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']),
    () => run('lint', [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings', '0']),
    () => vitest('unit'),
    () => vitest('integration'),
    () => run('build the dashboard', [bin('vite', 'bin/vite.js'), 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']),
    () => vitest('e2e'),
  ];
  for (const step of steps) if (!step()) return false;
  return true;
}

const ok = main();
if (!ok && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
