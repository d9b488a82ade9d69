// Builds the page into out/renderer, which the main process serves from the API's own origin.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';

/**
 * Mirrors the policy the server sends as a header, so the built page stays locked down even when
 * opened some other way. Build-only: the dev server needs an inline preamble that this would block.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicyMeta(): Plugin {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
  return {
    name: 'jarvis-csp-meta',
    apply: 'build',
    // Right after the charset and before any script, since a policy in a meta tag only covers what follows it.
    transformIndexHtml(html) {
      const charset = '<meta charset="utf-8" />';
      if (!html.includes(charset)) throw new Error(`index.html must contain ${charset}; the Content-Security-Policy goes right after it.`);
      return html.replace(charset, `${charset}\n    ${meta}`);
    },
  };
}

const rendererConfig: UserConfig = {
  root: __dirname,
  // Relative asset URLs let the same build load from the API origin and from a file inside Electron.
  base: './',
  publicDir: false,
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: path.resolve(__dirname, '../out/renderer'),
    emptyOutDir: true,
    sourcemap: false,
  },
};

export default rendererConfig;
