// The injection guard's rules and the wire-safe tool names, on real tool definitions.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { NO_PERMISSIONS, type ToolDefinition } from '../tools/types';
import { bringsUntrustedContent, guardCall, sendsDataOut } from './injection-guard';
import { ToolNameMap } from './tool-names';

function tool(name: string, o: Partial<ToolDefinition> = {}): ToolDefinition {
  return { name, version: '1.0.0', description: name, input: z.object({}), output: z.unknown(), permissions: NO_PERMISSIONS, risk: 'none', idempotent: true, runner: { kind: 'inline', run: () => null }, source: 'builtin', review: 'none', ...o };
}

const echo = tool('echo');
const http = tool('http_request', { permissions: { ...NO_PERMISSIONS, network: true }, risk: 'low' });
const files = tool('notes', { permissions: { ...NO_PERMISSIONS, filesystem: { read: ['/home/me/notes'], write: [] } }, source: 'user', runner: { kind: 'process', entry: '/x/index.js', dir: '/x', timeoutMs: 1000, maxOutputBytes: 1000 } });
const mcp = tool('mcp.fs.read_file', { source: 'mcp', untrustedOutput: true });
const wipe = tool('disk.wipe', { risk: 'critical' });
const daemon = tool('daemon.open_app', { risk: 'medium' });

describe('untrusted content', () => {
  it('comes from the network, files, other programs and MCP servers; Jarvis\'s own inline tools answer with its own data', () => {
    expect(bringsUntrustedContent(echo, { text: 'x' })).toBe(false);
    expect(bringsUntrustedContent(http, { body: '<html>' })).toBe(true);
    expect(bringsUntrustedContent(files, {})).toBe(true);
    expect(bringsUntrustedContent(mcp, {})).toBe(true);
    expect(bringsUntrustedContent(undefined, {})).toBe(true);
    expect(bringsUntrustedContent(echo, { _meta: { untrusted: true } })).toBe(true);
  });
});

describe('the guard after untrusted content', () => {
  it('asks for approval for calls that send data out or are high risk, and only once untrusted content is in', () => {
    expect(sendsDataOut(http)).toBe(true);
    expect(sendsDataOut(daemon)).toBe(true);
    expect(sendsDataOut(echo)).toBe(false);
    expect(guardCall(http, [])).toEqual({ needsApproval: false, reason: null });
    expect(guardCall(http, ['mcp.fs.read_file'])).toEqual({ needsApproval: true, reason: '"http_request" can send data out and the conversation holds untrusted content from mcp.fs.read_file' });
    expect(guardCall(wipe, ['http_request']).needsApproval).toBe(true);
    expect(guardCall(wipe, ['http_request']).reason).toMatch(/is critical risk/);
    expect(guardCall(echo, ['http_request']).needsApproval).toBe(false);
  });
});

describe('wire-safe tool names', () => {
  it('maps dotted names to [A-Za-z0-9_-]{1,64} and back, keeping collisions apart and unknown names unknown', () => {
    const names = new ToolNameMap(['echo', 'timer.set', 'timer__set', 'mcp.files.read file', `a.${'b'.repeat(80)}`]);
    expect(names.wire('echo')).toBe('echo');
    expect(names.wire('timer__set')).toBe('timer__set');
    expect(names.wire('timer.set')).toBe('timer__set_2');
    expect(names.wire('mcp.files.read file')).toBe('mcp__files__read_file');
    const long = names.wire(`a.${'b'.repeat(80)}`);
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    for (const n of ['echo', 'timer.set', 'timer__set', 'mcp.files.read file']) expect(names.resolve(names.wire(n))).toBe(n);
    expect(names.resolve('timer.set')).toBe('timer.set');
    expect(names.resolve(' echo ')).toBe('echo');
    expect(names.resolve('launch_rockets')).toBeNull();
  });
});
