// Tool manifests (JSON or YAML): validated into tool definitions; a broken one is reported by file and field, never fatal.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { RISKS, type ToolDefinition, type ToolPermissions } from './types';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
export const TOOL_NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

const JsonSchema = z.record(z.string(), z.unknown()).refine((s) => s.type === 'object', 'must be a JSON Schema with "type": "object"');

const ManifestSchema = z.strictObject({
  name: z.string().max(64).regex(TOOL_NAME, 'must be lower case letters, digits, "_" or "-", in dot-separated parts'),
  version: z.string().regex(SEMVER, 'must be a semantic version such as 1.0.0'),
  description: z.string().min(1).max(500),
  input_schema: JsonSchema,
  output_schema: JsonSchema,
  permissions: z
    .strictObject({
      network: z.union([z.boolean(), z.strictObject({ hosts: z.array(z.string().min(1)).min(1) })]).default(false),
      filesystem: z
        .union([z.literal(false), z.strictObject({ read: z.array(z.string().min(1)).default([]), write: z.array(z.string().min(1)).default([]) })])
        .default(false),
      system: z.boolean().default(false),
      external_api: z.boolean().default(false),
    })
    .default({ network: false, filesystem: false, system: false, external_api: false }),
  risk: z.enum(RISKS),
  idempotent: z.boolean().default(false),
  runner: z.strictObject({
    type: z.literal('process'),
    entry: z.string().min(1),
    timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
    max_output_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** `~/x` → home, a relative path → inside the tool's folder; the result is absolute. */
function resolvePermissionPath(p: string, toolDir: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(toolDir, p);
}

function parseFile(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ManifestError(file, `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

export function loadManifest(file: string): ToolDefinition {
  const raw = parseFile(file);
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new ManifestError(file, `${field}: ${issue?.message ?? 'invalid'}`);
  }
  const m = parsed.data;
  const dir = path.dirname(file);
  const entry = path.resolve(dir, m.runner.entry);
  if (!entry.startsWith(dir + path.sep)) throw new ManifestError(file, 'runner.entry: must be a file inside the tool folder');
  if (!fs.existsSync(entry)) throw new ManifestError(file, `runner.entry: ${m.runner.entry} does not exist`);
  let input: z.ZodType;
  let output: z.ZodType;
  try {
    input = z.fromJSONSchema(m.input_schema as Parameters<typeof z.fromJSONSchema>[0]);
    output = z.fromJSONSchema(m.output_schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (err) {
    throw new ManifestError(file, `input_schema/output_schema: unsupported JSON Schema (${(err as Error).message})`);
  }
  const fsPerm = m.permissions.filesystem;
  const permissions: ToolPermissions = {
    network: m.permissions.network,
    filesystem: fsPerm === false ? false : { read: fsPerm.read.map((p) => resolvePermissionPath(p, dir)), write: fsPerm.write.map((p) => resolvePermissionPath(p, dir)) },
    system: m.permissions.system,
    external_api: m.permissions.external_api,
  };
  const digest = crypto.createHash('sha256').update(fs.readFileSync(file)).update('\0').update(fs.readFileSync(entry)).digest('hex');
  return {
    name: m.name,
    version: m.version,
    description: m.description,
    input,
    output,
    permissions,
    risk: m.risk,
    idempotent: m.idempotent,
    runner: { kind: 'process', entry, dir, timeoutMs: m.runner.timeout_ms, maxOutputBytes: m.runner.max_output_bytes },
    source: 'user',
    // Reading or writing files, or starting programs, is too much to grant without a person looking first.
    review: permissions.filesystem !== false || permissions.system ? 'required' : 'none',
    manifestPath: file,
    digest,
  };
}

const MANIFEST_NAMES = ['manifest.json', 'manifest.yaml', 'manifest.yml'];

/** Loads every `<dir>/<tool>/manifest.{json,yaml,yml}`; broken ones are returned as errors, the rest still load. */
export function loadManifestDir(dir: string): { tools: ToolDefinition[]; errors: { file: string; message: string }[] } {
  const tools: ToolDefinition[] = [];
  const errors: { file: string; message: string }[] = [];
  if (!fs.existsSync(dir)) return { tools, errors };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const file = MANIFEST_NAMES.map((n) => path.join(dir, entry.name, n)).find((f) => fs.existsSync(f));
    if (!file) continue;
    try {
      tools.push(loadManifest(file));
    } catch (err) {
      errors.push({ file, message: err instanceof ManifestError ? err.message.slice(file.length + 2) : (err as Error).message });
    }
  }
  return { tools, errors };
}
