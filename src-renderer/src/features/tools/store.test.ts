// Tools in words (permissions, review state), the review filter, and enable/disable decisions with their failures kept per tool.
import { describe, expect, it } from 'vitest';
import type { ToolInfo } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { ToolsApi } from './api';
import { createToolsStore, describePermissions, reviewState, visibleTools } from './store';

function tool(name: string, over: Partial<ToolInfo> = {}): ToolInfo {
  return {
    name,
    version: '1.0.0',
    description: `${name} tool`,
    risk: 'low',
    permissions: { network: false, filesystem: false, system: false, external_api: false },
    source: 'user',
    runner: 'process',
    idempotent: true,
    review: 'none',
    enabled: true,
    disabled_reason: null,
    input_schema: {},
    output_schema: {},
    ...over,
  };
}

const needsReview = (name: string) =>
  tool(name, { review: 'required', enabled: false, disabled_reason: 'needs review: it asks for filesystem or system access; a person must enable it', permissions: { network: false, filesystem: { read: ['/notes'], write: [] }, system: true, external_api: false } });

describe('tool facts in words', () => {
  it('lists each permission', () => {
    expect(describePermissions({ network: { hosts: ['api.example.com'] }, filesystem: { read: ['~/Notes'], write: ['./out'] }, system: true, external_api: true })).toEqual([
      'Network: only api.example.com',
      'Reads files in ~/Notes',
      'Writes files in ./out',
      'Starts other programs',
      'Calls an external service',
    ]);
    expect(describePermissions({ network: true, filesystem: false, system: false, external_api: false })).toEqual(['Network: any host']);
    expect(describePermissions(tool('x').permissions)).toEqual([]);
  });

  it('tells a tool waiting for review from one a person turned off', () => {
    expect(reviewState(tool('a'))).toBe('not_needed');
    expect(reviewState(needsReview('b'))).toBe('needs_review');
    expect(reviewState({ ...needsReview('c'), disabled_reason: 'changed since it was reviewed; a person must enable it again' })).toBe('needs_review');
    expect(reviewState({ ...needsReview('d'), disabled_reason: 'disabled by a person' })).toBe('disabled');
    expect(reviewState({ ...needsReview('e'), enabled: true, disabled_reason: null })).toBe('enabled');
  });
});

describe('tools store', () => {
  const fixedApi = (tools: ToolInfo[], setEnabled: ToolsApi['setEnabled'] = async (name, enabled) => ({ ...needsReview(name), enabled, disabled_reason: enabled ? null : 'disabled by a person' })): ToolsApi => ({
    list: async () => ({ tools, errors: [{ file: '/home/tools/broken/manifest.json', message: 'risk: expected one of none, low' }] }),
    setEnabled,
  });

  it('loads tools sorted by name with the manifests that failed, and filters to those needing review', async () => {
    const store = createToolsStore(fixedApi([tool('zeta'), needsReview('alpha'), tool('mid')]));
    await store.getState().load();
    expect(store.getState().tools.map((t) => t.name)).toEqual(['alpha', 'mid', 'zeta']);
    expect(store.getState().manifestErrors).toHaveLength(1);
    store.getState().setFilter('review');
    expect(visibleTools(store.getState()).map((t) => t.name)).toEqual(['alpha']);
  });

  it('enabling replaces the tool with the server’s answer and ends the confirmation', async () => {
    const store = createToolsStore(fixedApi([needsReview('alpha')]));
    await store.getState().load();
    store.getState().askToEnable('alpha');
    await store.getState().setEnabled('alpha', true);
    expect(store.getState().tools[0]).toMatchObject({ name: 'alpha', enabled: true });
    expect(store.getState().confirming).toBeNull();
    expect(store.getState().busy).toEqual({});
  });

  it('a refused decision stays next to that tool, in words, until the next try', async () => {
    let fail = true;
    const store = createToolsStore(
      fixedApi([needsReview('alpha'), needsReview('beta')], async (name, enabled) => {
        if (fail) throw new ApiError(403, 'forbidden', 'POST /v1/tools/alpha/enable needs the owner role; this token is a member.');
        return { ...needsReview(name), enabled };
      }),
    );
    await store.getState().load();
    await store.getState().setEnabled('alpha', true);
    expect(store.getState().rowErrors).toEqual({ alpha: expect.stringMatching(/needs the owner role.*owner’s sign-in/) });
    expect(store.getState().tools[0]?.enabled).toBe(false);
    fail = false;
    await store.getState().setEnabled('alpha', true);
    expect(store.getState().rowErrors).toEqual({});
    expect(store.getState().tools[0]?.enabled).toBe(true);
  });

  it('a failed load says what to do', async () => {
    const store = createToolsStore({ list: () => Promise.reject(new ApiError(503, 'store_unavailable', 'The database is locked.')), setEnabled: () => Promise.reject(new Error('unused')) });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'failed', error: expect.stringMatching(/locked\. .*try again in a moment/i) });
  });
});
