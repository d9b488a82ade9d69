// Pushes inbound events to subscribed apps as signed frames: in order, a few frames in flight, resent after a reconnect until acknowledged.
import { MAX_INBOUND_BATCH, type InboundBody } from '../protocol';
import type { Outbox } from './outbox';

/** Frames sent but not yet acknowledged, per app connection: few, so that while the app commits one, events gather into the next instead of each riding alone. */
const MAX_FRAMES_IN_FLIGHT = 2;
/** A frame stops growing past this many bytes of events. */
const MAX_FRAME_BYTES = 512 * 1024;

export interface SubscriberSocket {
  /** The paired app's key fingerprint. */
  app: string;
  send(frame: string): void;
  /** Bytes queued on the socket; nothing more is sent while it is large. */
  buffered(): number;
  close(reason: string): void;
}

interface Subscriber {
  socket: SubscriberSocket;
  /** Last seq sent on this connection. */
  sent: number;
  /** The last seq of each frame in flight. */
  frames: number[];
}

export class Forwarder {
  private readonly subs = new Set<Subscriber>();

  constructor(
    private readonly outbox: Outbox,
    /** Signs a frame for one app. */
    private readonly sign: (app: string, body: InboundBody) => string,
    /** False once the app has been unpaired: its connection is closed at once. */
    private readonly stillPaired: (app: string) => boolean,
    private readonly log: (line: string) => void,
  ) {}

  attach(socket: SubscriberSocket, first: InboundBody[]): () => void {
    const sub: Subscriber = { socket, sent: this.outbox.cursor(socket.app), frames: [] };
    this.subs.add(sub);
    for (const body of first) socket.send(this.sign(socket.app, body));
    this.schedule();
    return () => this.subs.delete(sub);
  }

  /** The app stored everything up to seq; a claim past what was sent is clamped to it. */
  ack(socket: SubscriberSocket, seq: number): void {
    const sub = [...this.subs].find((s) => s.socket === socket);
    if (!sub) return;
    const upto = Math.min(seq, sub.sent);
    this.outbox.ack(socket.app, upto);
    sub.frames = sub.frames.filter((last) => last > upto);
    this.schedule();
  }

  /** Status and directory frames go to every subscriber at once, ahead of queued events. */
  broadcast(body: InboundBody): void {
    for (const sub of this.subs) {
      try {
        sub.socket.send(this.sign(sub.socket.app, body));
      } catch (err) {
        this.log(`could not send to ${sub.socket.app.slice(0, 12)}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Sends now if some subscriber has room, else waits for its next acknowledgement. Synchronous on purpose:
   * mqtt.js works through a burst on process.nextTick, which would starve a setImmediate until the burst ends.
   */
  schedule(): void {
    if (this.subs.size === 0) return;
    for (const sub of this.subs) {
      if (sub.frames.length < MAX_FRAMES_IN_FLIGHT) {
        try {
          this.pump();
        } catch (err) {
          this.log(`could not forward inbound events: ${(err as Error).message}`);
        }
        return;
      }
    }
  }

  private pump(): void {
    for (const sub of this.subs) {
      if (!this.stillPaired(sub.socket.app)) {
        this.subs.delete(sub);
        sub.socket.close('the app was unpaired');
        continue;
      }
      while (sub.frames.length < MAX_FRAMES_IN_FLIGHT && sub.socket.buffered() < MAX_FRAME_BYTES * 2) {
        const events = this.outbox.after(sub.sent, MAX_INBOUND_BATCH);
        if (events.length === 0) break;
        let bytes = 0;
        let take = 0;
        for (const e of events) {
          bytes += JSON.stringify(e).length;
          take += 1;
          if (bytes > MAX_FRAME_BYTES) break;
        }
        const batch = events.slice(0, take);
        const last = batch[batch.length - 1]?.seq ?? sub.sent;
        try {
          sub.socket.send(this.sign(sub.socket.app, { kind: 'events', events: batch }));
        } catch (err) {
          this.log(`could not send to ${sub.socket.app.slice(0, 12)}: ${(err as Error).message}`);
          break;
        }
        sub.sent = last;
        sub.frames.push(last);
      }
    }
  }

  subscribers(): number {
    return this.subs.size;
  }
}
