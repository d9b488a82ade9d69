// Finds files shipped beside the code (migrations/, capabilities.json, out/renderer) from source, bundle or package.
import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/** The folder holding package.json: walk up from this module, which works for tsx, bundles and asar. */
export function appRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'migrations'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find Jarvis's install folder (package.json beside migrations/) above ${__dirname}.`);
    dir = parent;
  }
}

export function resourcePath(...parts: string[]): string {
  return path.join(appRoot(), ...parts);
}
