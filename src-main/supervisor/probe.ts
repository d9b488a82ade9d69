// Asks a port whether a Jarvis daemon answers there: it must greet with a `hello` of our protocol version.
import WebSocket from 'ws';
import { DaemonMessage, PROTOCOL_VERSION } from '../../src-daemon/protocol';

export interface DaemonHello {
  daemonId: string;
  /** The daemon's raw Ed25519 public key, base64url, as it introduced itself. */
  daemonKey: string;
}

/**
 * Resolves with the greeting, or null when nothing (or something else) answers within `timeoutMs`.
 * An open port is not enough: any program could hold it, and the app must not take a stranger for its daemon.
 */
export function probeDaemon(url: string, timeoutMs: number): Promise<DaemonHello | null> {
  return new Promise((resolve) => {
    let settled = false;
    // No Origin header: the daemon refuses browsers, and the supervisor is not one.
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: 64 * 1024 });
    const finish = (result: DaemonHello | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      // Errors after the verdict (a reset while closing) have nowhere useful to go.
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.once('message', (data: WebSocket.RawData) => {
      let json: unknown;
      try {
        json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
      } catch {
        return finish(null);
      }
      const parsed = DaemonMessage.safeParse(json);
      if (!parsed.success || parsed.data.type !== 'hello' || parsed.data.protocol !== PROTOCOL_VERSION) return finish(null);
      finish({ daemonId: parsed.data.daemon_id, daemonKey: parsed.data.daemon_key });
    });
    socket.once('error', () => finish(null));
    socket.once('close', () => finish(null));
  });
}
