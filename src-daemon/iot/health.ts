// One adapter's health (connected, last message, last error), with connect, disconnect and failure audited on each change, never per retry.
import type { AdapterHealth } from '../protocol';

export type HealthAudit = (type: string, payload: Record<string, unknown>) => void;

export class Health {
  private state: AdapterHealth = { configured: false, connected: false, since: null, last_message_at: null, last_error: null, last_error_at: null, reconnects: 0 };
  private lastMessageMs = 0;

  constructor(
    readonly adapter: 'ha' | 'mqtt',
    private readonly audit: HealthAudit,
    private readonly changed: () => void,
  ) {}

  view(): AdapterHealth {
    return { ...this.state };
  }

  configured(on: boolean): void {
    this.state = { ...this.state, configured: on, ...(on ? {} : { connected: false, since: null }) };
    this.changed();
  }

  connected(url: string): void {
    const wasError = this.state.last_error !== null;
    this.state = { ...this.state, connected: true, since: new Date().toISOString(), reconnects: this.state.since === null ? this.state.reconnects : this.state.reconnects + 1 };
    this.audit('iot.connected', { adapter: this.adapter, url, after_error: wasError });
    this.changed();
  }

  disconnected(reason: string): void {
    if (!this.state.connected) return;
    this.state = { ...this.state, connected: false, since: new Date().toISOString() };
    this.audit('iot.disconnected', { adapter: this.adapter, reason: reason.slice(0, 500) });
    this.changed();
  }

  /** A failed attempt: recorded once per distinct error, so a retry loop does not flood the trail. */
  error(message: string): void {
    const text = message.slice(0, 500);
    const repeat = this.state.last_error === text;
    this.state = { ...this.state, last_error: text, last_error_at: new Date().toISOString() };
    if (!repeat) {
      this.audit('iot.connect_failed', { adapter: this.adapter, error: text });
      this.changed();
    }
  }

  /** Called per message: only the timestamp moves, and listeners hear of it at most once a second. */
  message(): void {
    const now = Date.now();
    this.state.last_message_at = new Date(now).toISOString();
    if (now - this.lastMessageMs > 1000) {
      this.lastMessageMs = now;
      this.changed();
    }
  }
}
