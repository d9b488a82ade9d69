#!/usr/bin/env node
// The jarvis-daemon command: runs the TypeScript sources directly (tsx compiles them on load).
require('tsx/cjs');
require('../src-daemon/cli.ts')
  .main(process.argv.slice(2))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
