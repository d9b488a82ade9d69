#!/usr/bin/env node
// The jarvis command: runs the TypeScript sources directly (tsx compiles them on load).
require('tsx/cjs');
require('../src-main/cli.ts')
  .main(process.argv.slice(2))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
