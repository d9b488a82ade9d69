// The registry with tools that come and go: groups replaced as one, names never shadowed, review state kept by digest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit';
import { openDatabase } from '../db';
import { ToolRegistry } from './registry';
import { NO_PERMISSIONS, type ToolDefinition } from './types';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function fresh(): { registry: ToolRegistry; audit: AuditLog; home: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-registry-'));
  dirs.push(home);
  const db = openDatabase(path.join(home, 'j.db'));
  const audit = new AuditLog(db);
  const { group: _none, ...echo } = tool('echo', { source: 'builtin', review: 'none' });
  return { registry: new ToolRegistry(db, audit, [echo], path.join(home, 'tools')), audit, home };
}

function tool(name: string, extra: Partial<ToolDefinition> = {}): ToolDefinition {
  return {
    name,
    version: '1.0.0',
    description: name,
    input: z.object({}),
    output: z.unknown(),
    permissions: NO_PERMISSIONS,
    risk: 'low',
    idempotent: false,
    runner: { kind: 'inline', run: () => ({}) },
    source: 'mcp',
    review: 'required',
    reviewReason: 'new since the server was approved',
    group: 'mcp:s',
    digest: `digest-of-${name}`,
    ...extra,
  };
}

describe('ToolRegistry.replaceGroup', () => {
  it('adds, replaces and removes a group\'s tools and says what changed', () => {
    const { registry } = fresh();
    let changes = 0;
    registry.onChange(() => (changes += 1));
    expect(registry.replaceGroup('mcp:s', [tool('mcp.s.a'), tool('mcp.s.b')])).toEqual({ added: ['mcp.s.a', 'mcp.s.b'], removed: [], replaced: [], refused: [] });
    expect(registry.replaceGroup('mcp:s', [tool('mcp.s.a', { digest: 'new' }), tool('mcp.s.c')])).toEqual({ added: ['mcp.s.c'], removed: ['mcp.s.b'], replaced: ['mcp.s.a'], refused: [] });
    expect(registry.list().map((t) => t.name)).toEqual(['echo', 'mcp.s.a', 'mcp.s.c']);
    registry.replaceGroup('mcp:s', []);
    expect(registry.list().map((t) => t.name)).toEqual(['echo']);
    expect(changes).toBe(3);
  });

  it('never lets a group shadow a built-in or another group\'s tool', () => {
    const { registry } = fresh();
    registry.replaceGroup('mcp:other', [tool('mcp.s.a', { group: 'mcp:other' })]);
    const change = registry.replaceGroup('mcp:s', [tool('echo'), tool('mcp.s.a'), tool('mcp.s.b')]);
    expect(change.refused.map((r) => r.name)).toEqual(['echo', 'mcp.s.a']);
    expect(registry.get('echo')?.source).toBe('builtin');
    expect(registry.get('mcp.s.a')?.group).toBe('mcp:other');
  });

  it('keeps group tools when the user folder is reloaded', () => {
    const { registry } = fresh();
    registry.replaceGroup('mcp:s', [tool('mcp.s.a')]);
    registry.reload();
    expect(registry.get('mcp.s.a')).toBeDefined();
  });
});

describe('review state of group tools', () => {
  it('is disabled with the tool\'s own reason until reviewed; a changed digest needs a new review', () => {
    const { registry } = fresh();
    registry.replaceGroup('mcp:s', [tool('mcp.s.a'), tool('mcp.s.b')]);
    expect(registry.state(registry.require('mcp.s.a'))).toEqual({ enabled: false, reason: 'new since the server was approved' });
    registry.recordReviewed([registry.require('mcp.s.a')], 'consent:person');
    expect(registry.state(registry.require('mcp.s.a')).enabled).toBe(true);
    expect(registry.state(registry.require('mcp.s.b')).enabled).toBe(false);
    registry.replaceGroup('mcp:s', [tool('mcp.s.a', { digest: 'changed' })]);
    expect(registry.state(registry.require('mcp.s.a'))).toEqual({ enabled: false, reason: 'changed since it was reviewed; a person must enable it again' });
    expect(registry.setEnabled('mcp.s.a', true, 'person:owner').enabled).toBe(true);
  });

  it('forgets the reviews of one server only', () => {
    const { registry } = fresh();
    registry.replaceGroup('mcp:s', [tool('mcp.s.a')]);
    registry.replaceGroup('mcp:s2', [tool('mcp.s2.a', { group: 'mcp:s2' })]);
    registry.recordReviewed([registry.require('mcp.s.a'), registry.require('mcp.s2.a')], 'consent:person');
    registry.forgetReviews('mcp.s.');
    expect(registry.state(registry.require('mcp.s.a')).enabled).toBe(false);
    expect(registry.state(registry.require('mcp.s2.a')).enabled).toBe(true);
  });

  it('describes a tool with the schemas its author wrote', () => {
    const { registry } = fresh();
    registry.replaceGroup('mcp:s', [tool('mcp.s.a', { jsonSchema: { input: { type: 'object', title: 'as written' }, output: { type: 'object' } } })]);
    const info = registry.describe(registry.require('mcp.s.a'));
    expect(info).toMatchObject({ source: 'mcp', input_schema: { type: 'object', title: 'as written' }, enabled: false, disabled_reason: 'new since the server was approved' });
  });
});
