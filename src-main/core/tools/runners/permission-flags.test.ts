// permissionFlags: which Node flags each permission set and node version produce.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolPermissions } from '../types';
import { permissionFlags, permissionSwitch } from './permission-flags';

const abs = (...parts: string[]): string => path.resolve(path.sep, ...parts);
const files = { harness: abs('app', 'harness.cjs'), guard: abs('app', 'network-guard.cjs'), entry: abs('tools', 't', 'index.js'), dir: abs('tools', 't') };
const none: ToolPermissions = { network: false, filesystem: false, system: false, external_api: false };
const NEVER = ['--allow-worker', '--allow-addons', '--allow-wasi'];

describe('permissionSwitch', () => {
  it('uses --experimental-permission on Node 20 and on 22 before 22.13', () => {
    expect(permissionSwitch(20)).toBe('--experimental-permission');
    expect(permissionSwitch('v20.20.2')).toBe('--experimental-permission');
    expect(permissionSwitch('22.12.0')).toBe('--experimental-permission');
    expect(permissionSwitch('23.4.0')).toBe('--experimental-permission');
  });

  it('uses --permission from 22.13 / 23.5 on (a bare 22 means the current 22 line)', () => {
    expect(permissionSwitch(22)).toBe('--permission');
    expect(permissionSwitch('22.13.0')).toBe('--permission');
    expect(permissionSwitch('v23.5.0')).toBe('--permission');
    expect(permissionSwitch(24)).toBe('--permission');
  });

  it('refuses a node without a permission model, or an unreadable version', () => {
    expect(() => permissionSwitch(18)).toThrow(/no permission model/);
    expect(() => permissionSwitch('nightly')).toThrow(/Cannot read/);
  });
});

describe('permissionFlags', () => {
  it('grants a tool without permissions only reads of the runner files and its own folder (Node 20)', () => {
    expect(permissionFlags(none, files, 20)).toEqual([
      '--experimental-permission',
      `--allow-fs-read=${files.harness}`,
      `--allow-fs-read=${files.guard}`,
      `--allow-fs-read=${files.dir}`,
      `--allow-fs-read=${files.entry}`,
    ]);
  });

  it('uses --permission on Node 22 with the same grants', () => {
    const flags = permissionFlags(none, files, 22);
    expect(flags[0]).toBe('--permission');
    expect(flags.slice(1)).toEqual(permissionFlags(none, files, 20).slice(1));
  });

  it('lets write paths be read too, but writes only the write paths', () => {
    const p: ToolPermissions = { ...none, filesystem: { read: [abs('data', 'in')], write: [abs('data', 'out')] } };
    const flags = permissionFlags(p, files, 20);
    expect(flags).toContain(`--allow-fs-read=${abs('data', 'in')}`);
    expect(flags).toContain(`--allow-fs-read=${abs('data', 'out')}`);
    expect(flags.filter((f) => f.startsWith('--allow-fs-write='))).toEqual([`--allow-fs-write=${abs('data', 'out')}`]);
  });

  it('allows child processes only with system', () => {
    expect(permissionFlags(none, files, 20)).not.toContain('--allow-child-process');
    expect(permissionFlags({ ...none, system: true }, files, 20)).toContain('--allow-child-process');
    expect(permissionFlags({ ...none, system: true }, files, 22)).toContain('--allow-child-process');
  });

  it('never allows workers, addons or WASI, whatever is granted', () => {
    const all: ToolPermissions = { network: true, filesystem: { read: [abs('r')], write: [abs('w')] }, system: true, external_api: true };
    for (const node of [20, '22.12.0', 22, 24, 25]) {
      const flags = permissionFlags(all, files, node);
      for (const flag of NEVER) expect(flags.some((f) => f.startsWith(flag))).toBe(false);
    }
  });

  it('passes --allow-net only where Node gates the network itself (25+) and the tool may use it', () => {
    expect(permissionFlags({ ...none, network: true }, files, 22)).not.toContain('--allow-net');
    expect(permissionFlags({ ...none, network: true }, files, 25)).toContain('--allow-net');
    expect(permissionFlags({ ...none, network: { hosts: ['example.com'] } }, files, 25)).toContain('--allow-net');
    expect(permissionFlags(none, files, 25)).not.toContain('--allow-net');
  });

  it('dedupes and normalises paths', () => {
    const p: ToolPermissions = { ...none, filesystem: { read: [abs('x') + path.sep, abs('x')], write: [] } };
    expect(permissionFlags(p, files, 20).filter((f) => f === `--allow-fs-read=${abs('x')}`)).toHaveLength(1);
  });

  it('refuses relative paths and wildcards, which Node would widen', () => {
    expect(() => permissionFlags({ ...none, filesystem: { read: ['data'], write: [] } }, files, 20)).toThrow(/absolute/);
    expect(() => permissionFlags({ ...none, filesystem: { read: [], write: [abs('home') + path.sep + '*'] } }, files, 20)).toThrow(/wildcard/);
    expect(() => permissionFlags(none, { ...files, dir: 'tools/t' }, 20)).toThrow(/absolute/);
  });
});
