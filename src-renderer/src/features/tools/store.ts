// The tools screen's state: the registry, which tools wait for a person, and one enable/disable decision at a time per tool.
import { createStore } from 'zustand/vanilla';
import type { ToolInfo, ToolList } from '../../../../src-shared/contract';
import { describeError } from '../settings/errors';
import type { ToolsApi } from './api';

export type ReviewState = 'not_needed' | 'enabled' | 'needs_review' | 'disabled';

export function reviewState(tool: ToolInfo): ReviewState {
  if (tool.review === 'none') return 'not_needed';
  if (tool.enabled) return 'enabled';
  return /needs review|changed since/.test(tool.disabled_reason ?? '') ? 'needs_review' : 'disabled';
}

export const REVIEW_LABEL: Record<ReviewState, string> = {
  not_needed: 'No review needed',
  enabled: 'Enabled by a person',
  needs_review: 'Waiting for review',
  disabled: 'Disabled by a person',
};

/** What a tool may do, one line per permission, in words; an empty list means nothing beyond its own input. */
export function describePermissions(p: ToolInfo['permissions']): string[] {
  const lines: string[] = [];
  if (p.network === true) lines.push('Network: any host');
  else if (p.network !== false) lines.push(`Network: only ${p.network.hosts.join(', ') || 'no host'}`);
  if (p.filesystem !== false) {
    if (p.filesystem.read.length) lines.push(`Reads files in ${p.filesystem.read.join(', ')}`);
    if (p.filesystem.write.length) lines.push(`Writes files in ${p.filesystem.write.join(', ')}`);
    if (!p.filesystem.read.length && !p.filesystem.write.length) lines.push('Files: none listed');
  }
  if (p.system) lines.push('Starts other programs');
  if (p.external_api) lines.push('Calls an external service');
  return lines;
}

export type ToolFilter = 'all' | 'review';

export interface ToolsState {
  tools: ToolInfo[];
  manifestErrors: ToolList['errors'];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  filter: ToolFilter;
  /** The tool whose enabling waits for the person to confirm what it will be allowed to do. */
  confirming: string | null;
  busy: Record<string, boolean>;
  rowErrors: Record<string, string>;
  load(): Promise<void>;
  setFilter(filter: ToolFilter): void;
  askToEnable(name: string | null): void;
  setEnabled(name: string, enabled: boolean): Promise<void>;
}

const byName = (a: ToolInfo, b: ToolInfo) => a.name.localeCompare(b.name);

export function visibleTools(state: Pick<ToolsState, 'tools' | 'filter'>): ToolInfo[] {
  return state.filter === 'all' ? state.tools : state.tools.filter((t) => t.review === 'required');
}

export function createToolsStore(api: ToolsApi) {
  return createStore<ToolsState>()((set, get) => ({
    tools: [],
    manifestErrors: [],
    status: 'idle',
    error: null,
    filter: 'all',
    confirming: null,
    busy: {},
    rowErrors: {},

    async load() {
      set({ status: 'loading', error: null });
      try {
        const list = await api.list();
        set({ tools: [...list.tools].sort(byName), manifestErrors: list.errors, status: 'ready' });
      } catch (err) {
        set({ status: 'failed', error: describeError(err) });
      }
    },

    setFilter(filter) {
      set({ filter });
    },

    askToEnable(name) {
      set({ confirming: name });
    },

    async setEnabled(name, enabled) {
      if (get().busy[name]) return;
      const { [name]: _dropped, ...rowErrors } = get().rowErrors;
      set({ busy: { ...get().busy, [name]: true }, rowErrors });
      try {
        const updated = await api.setEnabled(name, enabled);
        set({ tools: get().tools.map((t) => (t.name === name ? updated : t)), confirming: get().confirming === name ? null : get().confirming });
      } catch (err) {
        set({ rowErrors: { ...get().rowErrors, [name]: describeError(err) } });
      } finally {
        const { [name]: _done, ...busy } = get().busy;
        set({ busy });
      }
    },
  }));
}

export type ToolsStore = ReturnType<typeof createToolsStore>;
