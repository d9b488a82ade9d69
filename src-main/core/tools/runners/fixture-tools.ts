// Test helpers: writes small manifest tools into a temp folder and runs them through the process runner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ToolPermissions } from '../types';
import { runInProcess, type ProcessRunResult, type ProcessRunSpec } from './process-runner';

export interface FixtureTool {
  name: string;
  dir: string;
  entry: string;
}

export interface Fixtures {
  root: string;
  /** A tool folder holding index.js with `source` as its body. */
  tool(name: string, source: string): FixtureTool;
  /** A fresh folder under the temp root (for grants and for places a tool must not reach). */
  folder(name: string): string;
  run(tool: FixtureTool, input: unknown, permissions?: Partial<ToolPermissions>, extra?: Partial<ProcessRunSpec>): Promise<ProcessRunResult>;
  cleanup(): void;
}

export function createFixtures(prefix: string): Fixtures {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return {
    root,
    tool(name, source) {
      const dir = path.join(root, 'tools', name);
      fs.mkdirSync(dir, { recursive: true });
      const entry = path.join(dir, 'index.js');
      fs.writeFileSync(entry, `'use strict';\n${source}\n`);
      return { name, dir, entry };
    },
    folder(name) {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
    run(tool, input, permissions = {}, extra = {}) {
      return runInProcess({
        toolName: tool.name,
        entry: tool.entry,
        dir: tool.dir,
        input,
        permissions: { network: false, filesystem: false, system: false, external_api: false, ...permissions },
        timeoutMs: 10_000,
        maxOutputBytes: 256 * 1024,
        ...extra,
      });
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The failure of a result that must have failed, so tests can read its fields directly. */
export function failureOf(result: ProcessRunResult): Extract<ProcessRunResult, { ok: false }>['error'] {
  if (result.ok) throw new Error(`expected a failure, got output ${JSON.stringify(result.output)}`);
  return result.error;
}
