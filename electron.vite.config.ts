// Builds the desktop app: Electron main (with the core) and the daemon -> out/main, sandboxed preload -> out/preload, page -> out/renderer.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, mergeConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import rendererConfig from './src-renderer/vite.config';

const fromRoot = (...parts: string[]): string => path.resolve(__dirname, ...parts);

const DAEMON_ENTRY = '\0jarvis-daemon-entry';

/**
 * The daemon as a second entry of the main build (out/main/daemon.js), which the packaged app starts in a
 * utility process: a virtual module runs its command line's `serve`, as bin/jarvis-daemon.cjs does from source.
 * The daemon reads its shipped whitelist at <its folder>/../capabilities.json, so that file is copied beside out/main.
 */
function bundledDaemon(): Plugin {
  return {
    name: 'jarvis-bundled-daemon',
    resolveId: (id) => (id === DAEMON_ENTRY ? id : null),
    load: (id) => (id === DAEMON_ENTRY ? `import { main } from ${JSON.stringify(fromRoot('src-daemon', 'cli.ts'))};\nvoid main(['serve']);\n` : null),
    writeBundle(options) {
      if (options.dir === undefined) throw new Error('The main build must write to a folder (build.outDir).');
      fs.copyFileSync(fromRoot('capabilities.json'), path.join(options.dir, '..', 'capabilities.json'));
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out', 'main'),
      // Dependencies stay in node_modules and are required at run time; better-sqlite3 must, being a
      // native addon (it is listed even though it is already a dependency, so a move cannot bundle it).
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        // Named `index` so the output is out/main/index.js, the "main" of package.json; `daemon` is out/main/daemon.js.
        input: { index: fromRoot('src-main', 'electron', 'index.ts'), daemon: DAEMON_ENTRY },
      },
    },
    plugins: [bundledDaemon()],
  },
  preload: {
    build: {
      outDir: fromRoot('out', 'preload'),
      // A sandboxed preload can require nothing but `electron`: anything else it uses must be inlined,
      // in one CommonJS file (the package has no "type": "module", so electron-vite emits CommonJS).
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: fromRoot('src-main', 'electron', 'preload.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: mergeConfig(rendererConfig, {
    // electron-vite looks for src/renderer/index.html by default; the page lives in src-renderer/.
    // It also turns minification off by default; the core serves this same folder to browsers, so the
    // page is built exactly as `vite build` would build it.
    build: {
      outDir: fromRoot('out', 'renderer'),
      minify: rendererConfig.build?.minify ?? true,
      rolldownOptions: { input: fromRoot('src-renderer', 'index.html') },
    },
  }),
});
