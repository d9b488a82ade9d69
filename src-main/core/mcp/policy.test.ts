// The trust policy: which tools join, at what risk (annotations only raise it), and when a retry is safe.
import { describe, expect, it } from 'vitest';
import { McpTrustPolicy, type McpTrustPolicyInput } from '../../../src-shared/contract/mcp';
import { toolAllowed, toolIdempotent, toolRisk } from './policy';

const policy = (p: McpTrustPolicyInput = {}) => McpTrustPolicy.parse(p);

describe('toolAllowed', () => {
  it('takes exact names, prefixes ending in * and * for all', () => {
    const p = policy({ allowed_tools: ['read_file', 'list_*'] });
    expect(toolAllowed(p, 'read_file')).toBe(true);
    expect(toolAllowed(p, 'list_directory')).toBe(true);
    expect(toolAllowed(p, 'read_file_2')).toBe(false);
    expect(toolAllowed(p, 'write_file')).toBe(false);
    expect(toolAllowed(policy(), 'anything')).toBe(true);
    expect(toolAllowed(policy({ allowed_tools: [] }), 'anything')).toBe(false);
  });
});

describe('toolRisk', () => {
  it('defaults to medium for an untrusted server and low for a trusted one', () => {
    expect(toolRisk(policy(), 't', { readOnlyHint: true }).risk).toBe('medium');
    expect(toolRisk(policy({ trusted: true }), 't', { readOnlyHint: true }).risk).toBe('low');
    expect(toolRisk(policy({ default_risk: 'none' }), 't', { readOnlyHint: true }).risk).toBe('none');
  });

  it('raises tools that may change things, as MCP assumes when nothing is said', () => {
    expect(toolRisk(policy(), 't').risk).toBe('high');
    expect(toolRisk(policy({ trusted: true }), 't', { readOnlyHint: false, destructiveHint: true }).risk).toBe('medium');
    expect(toolRisk(policy({ trusted: true }), 't', { readOnlyHint: false, destructiveHint: false }).risk).toBe('low');
    expect(toolRisk(policy({ default_risk: 'critical' }), 't').risk).toBe('critical');
  });

  it('never lowers risk for a read-only claim', () => {
    expect(toolRisk(policy({ default_risk: 'high' }), 't', { readOnlyHint: true }).risk).toBe('high');
  });

  it('lets a person set one tool, and "approval: always" makes every call critical', () => {
    expect(toolRisk(policy({ tool_risk: { t: 'none' } }), 't').risk).toBe('none');
    const always = policy({ trusted: true, approval: 'always', tool_risk: { t: 'none' } });
    expect(toolRisk(always, 't', { readOnlyHint: true })).toEqual({ risk: 'critical', reason: expect.stringContaining('before every call') });
  });
});

describe('toolIdempotent', () => {
  it('believes read-only or idempotent hints only from a trusted server', () => {
    expect(toolIdempotent(policy({ trusted: true }), { readOnlyHint: true })).toBe(true);
    expect(toolIdempotent(policy({ trusted: true }), { idempotentHint: true })).toBe(true);
    expect(toolIdempotent(policy({ trusted: true }), {})).toBe(false);
    expect(toolIdempotent(policy(), { readOnlyHint: true })).toBe(false);
  });
});

describe('McpTrustPolicy', () => {
  it('names the field and what was expected', () => {
    const bad = McpTrustPolicy.safeParse({ trusted: 'yes', allowed_tools: ['bad name!'], approval: 'sometimes', extra: 1 });
    expect(bad.success).toBe(false);
    const fields = bad.error?.issues.map((i) => i.path.join('.') || '(root)');
    expect(fields).toEqual(expect.arrayContaining(['trusted', 'allowed_tools.0', 'approval', '(root)']));
  });
});
