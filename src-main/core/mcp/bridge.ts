// The tool bridge: an MCP server's tools become registry tools (mcp.<server>.<tool>) with zod schemas, risk from the trust policy, untrusted results and fastpath intents.
import crypto from 'node:crypto';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { canonicalJson } from '../audit';
import type { IntentDecl } from '../pipeline/intents';
import { ToolRunError } from '../tools/executor';
import type { ToolDefinition, ToolPermissions } from '../tools/types';
import type { McpTrustPolicy } from '../../../src-shared/contract/mcp';
import { toolAllowed, toolIdempotent, toolRisk } from './policy';

/** What the executor and the language model receive from an MCP tool. `untrusted: true` marks it as data, never instructions. */
export const McpToolResult = z.object({
  untrusted: z.literal(true),
  /** mcp:<server>/<tool> */
  origin: z.string(),
  is_error: z.boolean(),
  /** The text parts joined, bounded. */
  text: z.string(),
  content: z.array(z.record(z.string(), z.unknown())),
  structured: z.unknown(),
  truncated: z.boolean(),
});
export type McpToolResult = z.infer<typeof McpToolResult>;
const RESULT_JSON_SCHEMA = z.toJSONSchema(McpToolResult);

const MAX_TEXT = 64 * 1024;
const MAX_STRUCTURED = 256 * 1024;

export interface BridgeContext {
  server: string;
  transport: 'stdio' | 'http';
  policy: McpTrustPolicy;
  version: string;
  /** Runs one call on the live connection (throws ToolRunError). */
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
  /** Why the server may not be called now (disabled, tool no longer allowed), or null. */
  inScope(tool: string): string | null;
}

export interface BridgedTools {
  tools: ToolDefinition[];
  /** Offered by the server but not allowed by its policy. */
  disallowed: { tool: string; description: string }[];
  errors: { tool: string; message: string }[];
  /** Registry name → the server's own name and description, for the MCP screen. */
  origin: Map<string, { mcp_name: string; description: string }>;
}

/** mcp.<server>.<tool>, with the tool's name lower-cased and anything the registry does not allow as "_". */
export function registryName(server: string, tool: string): string {
  const part = tool
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.|\.$/g, '_');
  return `mcp.${server}.${part}`;
}

/** Changes to a tool's name, description, schemas or annotations change its digest, which asks for a new review. */
export function toolDigest(server: string, tool: Tool): string {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  return crypto.createHash('sha256').update(canonicalJson({ server, name, title: title ?? null, description: description ?? null, inputSchema, outputSchema: outputSchema ?? null, annotations: annotations ?? null })).digest('hex');
}

/** draft-07's "definitions" as $defs, which z.fromJSONSchema resolves. */
function withDefs(schema: unknown): unknown {
  const text = JSON.stringify(schema).replaceAll('"#/definitions/', '"#/$defs/');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (parsed.definitions && !parsed.$defs) {
    parsed.$defs = parsed.definitions;
    delete parsed.definitions;
  }
  return parsed;
}

export function inputSchemaOf(tool: Tool): z.ZodType {
  if (tool.inputSchema.type !== 'object') throw new Error('inputSchema: must have "type": "object"');
  try {
    return z.fromJSONSchema(withDefs(tool.inputSchema) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (err) {
    throw new Error(`inputSchema: unsupported JSON Schema (${(err as Error).message})`);
  }
}

const bounded = (text: string, max: number) => (text.length > max ? { text: text.slice(0, max), cut: true } : { text, cut: false });

/** The server's answer as data: text kept (bounded), binary parts described but not kept. */
export function shapeResult(server: string, tool: string, result: CallToolResult): McpToolResult {
  let truncated = false;
  const texts: string[] = [];
  const content = (result.content ?? []).map((block): Record<string, unknown> => {
    switch (block.type) {
      case 'text': {
        const b = bounded(block.text, MAX_TEXT);
        truncated ||= b.cut;
        texts.push(b.text);
        return { type: 'text', text: b.text };
      }
      case 'image':
      case 'audio':
        return { type: block.type, mimeType: block.mimeType, bytes: Math.floor((block.data.length * 3) / 4), omitted: 'binary data is not kept' };
      case 'resource_link':
        return { type: block.type, uri: block.uri, name: block.name, mimeType: block.mimeType ?? null };
      case 'resource': {
        const r = block.resource;
        if ('text' in r && typeof r.text === 'string') {
          const b = bounded(r.text, MAX_TEXT);
          truncated ||= b.cut;
          texts.push(b.text);
          return { type: 'resource', uri: r.uri, mimeType: r.mimeType ?? null, text: b.text };
        }
        return { type: 'resource', uri: r.uri, mimeType: r.mimeType ?? null, omitted: 'binary data is not kept' };
      }
      default:
        return { type: String((block as { type?: unknown }).type ?? 'unknown') };
    }
  });
  const joined = bounded(texts.join('\n'), MAX_TEXT);
  truncated ||= joined.cut;
  let structured: unknown = result.structuredContent ?? null;
  if (structured !== null && JSON.stringify(structured).length > MAX_STRUCTURED) {
    structured = { omitted: `structured content over ${MAX_STRUCTURED} bytes` };
    truncated = true;
  }
  return { untrusted: true, origin: `mcp:${server}/${tool}`, is_error: result.isError === true, text: joined.text, content, structured, truncated };
}

function permissionsFor(transport: 'stdio' | 'http'): ToolPermissions {
  // A stdio server is a program running with the person's rights; an HTTP server is someone else's API.
  return transport === 'stdio' ? { network: true, filesystem: false, system: true, external_api: false } : { network: true, filesystem: false, system: false, external_api: true };
}

export function bridgeTools(ctx: BridgeContext, offered: readonly Tool[]): BridgedTools {
  const out: BridgedTools = { tools: [], disallowed: [], errors: [], origin: new Map() };
  const seen = new Set<string>();
  for (const tool of offered) {
    const description = (tool.description ?? tool.title ?? tool.name).slice(0, 1000);
    if (!toolAllowed(ctx.policy, tool.name)) {
      out.disallowed.push({ tool: tool.name, description });
      continue;
    }
    const name = registryName(ctx.server, tool.name);
    if (seen.has(name)) {
      out.errors.push({ tool: tool.name, message: `its registry name ${name} is taken by another of this server's tools` });
      continue;
    }
    let input: z.ZodType;
    try {
      input = inputSchemaOf(tool);
    } catch (err) {
      out.errors.push({ tool: tool.name, message: (err as Error).message });
      continue;
    }
    seen.add(name);
    const { risk } = toolRisk(ctx.policy, tool.name, tool.annotations ?? {});
    const mcpName = tool.name;
    out.origin.set(name, { mcp_name: mcpName, description });
    out.tools.push({
      name,
      version: ctx.version,
      description: `${description} (from the MCP server "${ctx.server}")`,
      input,
      output: McpToolResult,
      permissions: permissionsFor(ctx.transport),
      risk,
      idempotent: toolIdempotent(ctx.policy, tool.annotations ?? {}),
      runner: {
        kind: 'inline',
        run: async (args, run) => {
          const result = await ctx.call(mcpName, (args ?? {}) as Record<string, unknown>, run.signal);
          const shaped = shapeResult(ctx.server, mcpName, result);
          if (shaped.is_error) throw new ToolRunError('tool_error', `"${mcpName}" on MCP server "${ctx.server}" reported an error: ${shaped.text.slice(0, 500) || '(no text)'}`, shaped);
          return shaped;
        },
      },
      source: 'mcp',
      review: 'required',
      reviewReason: `new since the MCP server "${ctx.server}" was approved; a person must enable it`,
      group: `mcp:${ctx.server}`,
      digest: toolDigest(ctx.server, tool),
      jsonSchema: { input: tool.inputSchema, output: RESULT_JSON_SCHEMA },
      untrustedOutput: true,
      scope: () => ctx.inScope(mcpName),
      preview: (args) => ({ server: ctx.server, tool: mcpName, arguments: args }),
    });
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const words = (s: string) => s.split(/[\s_.\-/]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);

/** The one string property free text can fill: the only required one, else the only one. */
function primaryProperty(schema: Tool['inputSchema']): string | null {
  const props = Object.entries(schema.properties ?? {});
  const isString = (v: unknown) => (v as { type?: unknown } | null)?.type === 'string';
  const required = schema.required ?? [];
  if (required.length === 1) {
    const only = props.find(([k]) => k === required[0]);
    return only && isString(only[1]) ? only[0] : null;
  }
  if (required.length === 0) {
    const strings = props.filter(([, v]) => isString(v));
    return strings.length === 1 && strings[0] ? strings[0][0] : null;
  }
  return null;
}

/**
 * Fastpath intents for a bridged tool: "use <tool> <argument>" (optionally naming the server) and, for
 * names of two words or more, the name itself. The argument fills the tool's one string property, or
 * is a JSON object of arguments.
 */
export function intentFor(server: string, registered: string, tool: Tool): IntentDecl {
  const nameRe = words(tool.name).map(escapeRe).join('[\\s_.\\-]*');
  const serverRe = words(server).map(escapeRe).join('[\\s_.\\-]*');
  const tail = '(?:\\s+tool)?(?:\\s+(?:on|with|for|in|at)\\b)?(?:\\s+(?<arg>[\\s\\S]+))?$';
  const prefix = `(?:(?:the\\s+)?${serverRe}(?:'s)?\\s+|mcp\\.${escapeRe(server)}\\.)?`;
  const patterns = [new RegExp(`^(?:use|run|call)\\s+${prefix}${nameRe}${tail}`, 'i'), new RegExp(`^mcp\\.${escapeRe(server)}\\.${nameRe}${tail}`, 'i')];
  if (words(tool.name).length >= 2) patterns.push(new RegExp(`^${nameRe}${tail}`, 'i'));
  const primary = primaryProperty(tool.inputSchema);
  const properties = Object.keys(tool.inputSchema.properties ?? {});
  const slots = z.object({ arg: z.string().optional() }).transform((v, ctx): Record<string, unknown> => {
    const arg = v.arg?.trim();
    // No argument: the executor names the fields that are missing, which is the better answer.
    if (!arg) return {};
    if (arg.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(arg);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // falls through to the issue below
      }
      ctx.issues.push({ code: 'custom', message: 'arguments must be a JSON object', input: arg });
      return z.NEVER;
    }
    if (primary) return { [primary]: arg };
    ctx.issues.push({ code: 'custom', message: 'this tool takes no free-text argument; give its arguments as a JSON object', input: arg });
    return z.NEVER;
  });
  return {
    id: registered,
    description: `${(tool.description ?? tool.title ?? tool.name).slice(0, 200)} (MCP server "${server}")`,
    examples: [`use ${tool.name}${primary ? ` <${primary}>` : properties.length ? ' {…}' : ''}`],
    patterns,
    slots,
    steps: [{ tool: registered, input: Object.fromEntries(properties.map((p) => [p, `$${p}`])) }],
    reply: { success: `${tool.name}: {{output.text|1500}}`, failure: `I could not run ${tool.name} on ${server}: {{error.message}}` },
  };
}
