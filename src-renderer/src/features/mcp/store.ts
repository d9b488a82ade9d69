// The MCP servers screen's state: servers with health, the add form, the consent step, per-server actions and trust-policy drafts.
import { createStore } from 'zustand/vanilla';
import { McpAddServerRequest, McpTrustPolicy, type McpServerView, type RISK_LEVELS } from '../../../../src-shared/contract';
import { describeError, fieldProblems } from '../settings/errors';
import type { McpApi } from './api';

export type Risk = (typeof RISK_LEVELS)[number];
export type AddField = 'name' | 'command' | 'args' | 'env' | 'url';

export interface AddForm {
  transport: 'stdio' | 'http';
  name: string;
  command: string;
  /** One argument per line, so arguments with spaces stay whole. */
  args: string;
  /** Environment variable names, separated by spaces or commas. */
  env: string;
  url: string;
}

export interface Consent {
  name: string;
  transport: 'stdio' | 'http';
  command_line: string;
  environment: string[];
  cwd: string | null;
  message: string;
}

/** A policy being edited: the text fields as typed. */
export interface PolicyDraft {
  trusted: boolean;
  default_risk: Risk | '';
  approval: 'by_risk' | 'always';
  allowed_tools: string;
  tool_risk: Record<string, Risk>;
}

export interface McpState {
  servers: McpServerView[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  form: AddForm;
  formErrors: Partial<Record<AddField, string>>;
  adding: boolean;
  addMessage: string | null;
  /** The consent step: exactly what would run, shown before anything starts. */
  consent: Consent | null;
  consentError: string | null;
  busy: Record<string, string>;
  rowErrors: Record<string, string>;
  rowNotes: Record<string, string>;
  drafts: Record<string, PolicyDraft>;
  confirmingRemove: string | null;
  load(quiet?: boolean): Promise<void>;
  setForm(patch: Partial<AddForm>): void;
  submitAdd(): Promise<void>;
  review(name: string): void;
  closeConsent(): void;
  giveConsent(): Promise<void>;
  act(name: string, action: 'disable' | 'reconnect' | 'remove'): Promise<void>;
  askToRemove(name: string | null): void;
  editPolicy(name: string, patch: Partial<PolicyDraft> | null): void;
  savePolicy(name: string): Promise<void>;
}

const emptyForm = (): AddForm => ({ transport: 'stdio', name: '', command: '', args: '', env: '', url: '' });

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const words = (text: string) => text.split(/[\s,]+/).filter((w) => w !== '');

/** The form as the add request, checked with the server's own schema so most mistakes are named before it is sent. */
export function buildAddRequest(form: AddForm): { ok: true; request: McpAddServerRequest } | { ok: false; fieldErrors: Partial<Record<AddField, string>> } {
  const raw =
    form.transport === 'stdio'
      ? { transport: 'stdio', name: form.name.trim(), command: form.command, args: lines(form.args), env: words(form.env) }
      : { transport: 'http', name: form.name.trim(), url: form.url.trim() };
  const parsed = McpAddServerRequest.safeParse(raw);
  if (parsed.success) return { ok: true, request: parsed.data };
  const fieldErrors: Partial<Record<AddField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === 'name' || field === 'command' || field === 'args' || field === 'env' || field === 'url') fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}

export function draftOf(policy: McpTrustPolicy): PolicyDraft {
  return { trusted: policy.trusted, default_risk: policy.default_risk ?? '', approval: policy.approval, allowed_tools: policy.allowed_tools.join('\n'), tool_risk: { ...policy.tool_risk } };
}

export function policyOf(draft: PolicyDraft): { ok: true; policy: McpTrustPolicy } | { ok: false; message: string } {
  const parsed = McpTrustPolicy.safeParse({
    trusted: draft.trusted,
    ...(draft.default_risk ? { default_risk: draft.default_risk } : {}),
    approval: draft.approval,
    allowed_tools: lines(draft.allowed_tools),
    tool_risk: draft.tool_risk,
  });
  if (parsed.success) return { ok: true, policy: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${issue?.path.join('.') || 'policy'}: ${issue?.message ?? 'is not valid'}` };
}

/** A server's health in a few words. */
export function describeHealth(server: McpServerView): string {
  const h = server.health;
  if (server.status === 'awaiting_consent') return 'Waiting for your consent; nothing runs yet.';
  if (server.status === 'disabled') return 'Disabled; nothing runs.';
  const who = h.server_info ? `${h.server_info.name} ${h.server_info.version}` : 'the server';
  if (h.state === 'connected') return `Connected to ${who}${h.pid ? ` (process ${h.pid})` : ''}; ${h.tools} ${h.tools === 1 ? 'tool' : 'tools'}.`;
  if (h.state === 'degraded') return `Degraded: ${h.last_error ?? 'not answering'}; ${h.attempts} failed ${h.attempts === 1 ? 'try' : 'tries'}${h.next_retry_at ? `, next at ${new Date(h.next_retry_at).toLocaleTimeString()}` : ''}.`;
  if (h.state === 'connecting') return 'Connecting…';
  return h.last_error ? `Stopped: ${h.last_error}` : 'Not started.';
}

function consentFor(server: McpServerView): Consent {
  const environment = server.config.transport === 'stdio' ? server.config.env : Object.entries(server.config.headers_env).map(([h, v]) => `header ${h} from $${v}`);
  const cwd = server.config.transport === 'stdio' ? server.config.cwd : null;
  return {
    name: server.name,
    transport: server.transport,
    command_line: server.command_line,
    environment,
    cwd,
    message: server.transport === 'stdio' ? `Jarvis will run this program as you, with your rights: ${server.command_line}` : `Jarvis will send tool calls to ${server.command_line}`,
  };
}

export function createMcpStore(api: McpApi) {
  const replace = (list: McpServerView[], view: McpServerView) => (list.some((s) => s.name === view.name) ? list.map((s) => (s.name === view.name ? view : s)) : [...list, view]);
  return createStore<McpState>()((set, get) => {
    const without = <T>(record: Record<string, T>, key: string): Record<string, T> => {
      const { [key]: _dropped, ...rest } = record;
      return rest;
    };
    return {
      servers: [],
      status: 'idle',
      error: null,
      form: emptyForm(),
      formErrors: {},
      adding: false,
      addMessage: null,
      consent: null,
      consentError: null,
      busy: {},
      rowErrors: {},
      rowNotes: {},
      drafts: {},
      confirmingRemove: null,

      async load(quiet = false) {
        if (!quiet) set({ status: 'loading', error: null });
        try {
          const list = await api.list();
          set({ servers: [...list.servers].sort((a, b) => a.name.localeCompare(b.name)), status: 'ready', error: null });
        } catch (err) {
          set({ status: 'failed', error: describeError(err) });
        }
      },

      setForm(patch) {
        const formErrors = Object.fromEntries(Object.entries(get().formErrors).filter(([key]) => !(key in patch)));
        set({ form: { ...get().form, ...patch }, formErrors, addMessage: null });
      },

      async submitAdd() {
        if (get().adding) return;
        const built = buildAddRequest(get().form);
        if (!built.ok) {
          set({ formErrors: built.fieldErrors, addMessage: 'Check the marked fields; nothing was added.' });
          return;
        }
        set({ adding: true, formErrors: {}, addMessage: null });
        try {
          const result = await api.add(built.request);
          set({ servers: replace(get().servers, result.server), consent: { name: result.server.name, transport: result.server.transport, ...result.consent }, consentError: null, form: emptyForm(), addMessage: `Added “${result.server.name}”; it waits for your consent.` });
        } catch (err) {
          set({ formErrors: fieldProblems(err) as Partial<Record<AddField, string>>, addMessage: `${describeError(err)} Nothing was added.` });
        } finally {
          set({ adding: false });
        }
      },

      review(name) {
        const server = get().servers.find((s) => s.name === name);
        if (server) set({ consent: consentFor(server), consentError: null });
      },

      closeConsent() {
        set({ consent: null, consentError: null });
      },

      async giveConsent() {
        const consent = get().consent;
        if (!consent || get().busy[consent.name]) return;
        set({ busy: { ...get().busy, [consent.name]: 'consent' }, consentError: null });
        try {
          const view = await api.consent(consent.name, consent.command_line);
          set({ servers: replace(get().servers, view), consent: null, addMessage: null, rowNotes: { ...get().rowNotes, [consent.name]: 'Started with your consent.' } });
        } catch (err) {
          set({ consentError: describeError(err) });
          await get().load(true);
        } finally {
          set({ busy: without(get().busy, consent.name) });
        }
      },

      async act(name, action) {
        if (get().busy[name]) return;
        set({ busy: { ...get().busy, [name]: action }, rowErrors: without(get().rowErrors, name), rowNotes: without(get().rowNotes, name) });
        try {
          if (action === 'remove') {
            await api.remove(name);
            set({ servers: get().servers.filter((s) => s.name !== name), confirmingRemove: null, drafts: without(get().drafts, name) });
          } else {
            const view = await (action === 'disable' ? api.disable(name) : api.reconnect(name));
            set({ servers: replace(get().servers, view), rowNotes: { ...get().rowNotes, [name]: action === 'disable' ? 'Disabled; its process was stopped.' : 'Reconnecting now.' } });
          }
        } catch (err) {
          set({ rowErrors: { ...get().rowErrors, [name]: describeError(err) } });
        } finally {
          set({ busy: without(get().busy, name) });
        }
      },

      askToRemove(name) {
        set({ confirmingRemove: name });
      },

      editPolicy(name, patch) {
        if (patch === null) {
          set({ drafts: without(get().drafts, name) });
          return;
        }
        const server = get().servers.find((s) => s.name === name);
        const current = get().drafts[name] ?? (server ? draftOf(server.policy) : null);
        if (current) set({ drafts: { ...get().drafts, [name]: { ...current, ...patch } }, rowErrors: without(get().rowErrors, name) });
      },

      async savePolicy(name) {
        const draft = get().drafts[name];
        if (!draft || get().busy[name]) return;
        const checked = policyOf(draft);
        if (!checked.ok) {
          set({ rowErrors: { ...get().rowErrors, [name]: `${checked.message}; nothing was saved.` } });
          return;
        }
        set({ busy: { ...get().busy, [name]: 'policy' }, rowErrors: without(get().rowErrors, name) });
        try {
          const view = await api.setPolicy(name, checked.policy);
          set({ servers: replace(get().servers, view), drafts: without(get().drafts, name), rowNotes: { ...get().rowNotes, [name]: 'Trust policy saved; its tools were re-registered.' } });
        } catch (err) {
          set({ rowErrors: { ...get().rowErrors, [name]: describeError(err) } });
        } finally {
          set({ busy: without(get().busy, name) });
        }
      },
    };
  });
}

export type McpStore = ReturnType<typeof createMcpStore>;
