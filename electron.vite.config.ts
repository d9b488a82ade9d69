// Builds the desktop app: Electron main (with the core) -> out/main, sandboxed preload -> out/preload, page -> out/renderer.
import path from 'node:path';
import { defineConfig, mergeConfig } from 'electron-vite';
import rendererConfig from './src-renderer/vite.config';

const fromRoot = (...parts: string[]): string => path.resolve(__dirname, ...parts);

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out', 'main'),
      // Dependencies stay in node_modules and are required at run time; better-sqlite3 must, being a
      // native addon (it is listed even though it is already a dependency, so a move cannot bundle it).
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        // Named `index` so the output is out/main/index.js, the "main" of package.json.
        input: { index: fromRoot('src-main', 'electron', 'index.ts') },
      },
    },
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
