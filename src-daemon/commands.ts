// What the daemon does with each verified-or-not message: pair an app, run a command (after nonce, dialog, re-check), set the kill switch.
import { CAPABILITY_RUNNERS, CapabilityFailed, CapabilityRefused, checkCallService, checkPublish, type CapabilityContext } from './capabilities';
import type { IotHub } from './iot/hub';
import { assessHomeCommand, maxRisk } from './iot/risk';
import { needsConfirmation, type confirm, type ConfirmAnswer } from './confirm';
import { canonicalJson } from './audit';
import { fingerprintOf, type DaemonIdentity } from './identity';
import { checkPairingProof } from './pairing';
import { MAX_CLOCK_SKEW_S, REFUSALS, type CapabilitiesFile, type CapabilityId, type ClientMessage, type DaemonMessage, type Refusal, type ReplyClaims } from './protocol';
import type { DaemonStore } from './store';
import { signReply, verifyCommand, verifyKill, verifySubscribe, type AcceptedCommand, type Refused } from './tokens';

export interface DaemonContext {
  store: DaemonStore;
  identity: DaemonIdentity;
  caps: CapabilitiesFile;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Aborted when the daemon stops: running capabilities end. */
  signal: AbortSignal;
  nowS: () => number;
  /** The person's dialog; a seam only so the server can be started without one in tests of other parts. */
  confirm: typeof confirm;
  /** Tokens issued before this (unix seconds) are refused: set to the start time after an unclean stop. */
  issuedNotBefore: number;
  /** The home hub, when the daemon runs one. */
  iot?: IotHub;
}

type PairMessage = Extract<ClientMessage, { type: 'pair' }>;
type Result = Extract<DaemonMessage, { type: 'result' }>;

// Audit rows keep outputs small: the reply carries the whole output, the record a bounded copy.
const OUTPUT_AUDIT_CHARS = 4096;

function boundedOutput(output: unknown): unknown {
  const text = canonicalJson(output);
  return text.length <= OUTPUT_AUDIT_CHARS ? output : { truncated: true, chars: text.length, preview: text.slice(0, OUTPUT_AUDIT_CHARS) };
}

/** Names shown in dialogs and records carry no control or direction-override characters that could disguise them. */
export function cleanName(name: string): string {
  return name.replace(/[\p{Cc}\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu, ' ').trim() || 'unnamed app';
}

export async function handlePair(ctx: DaemonContext, msg: PairMessage, peer: string): Promise<DaemonMessage> {
  const raw = Buffer.from(msg.app_key, 'base64url');
  const fingerprint = fingerprintOf(raw);
  const name = cleanName(msg.app_name);
  const outcome = ctx.store.transaction(() => {
    const check = checkPairingProof(ctx.store, msg.app_key, ctx.identity.daemonId, msg.proof, ctx.nowS());
    if (!check.ok) {
      ctx.store.audit.append('pairing.refused', fingerprint, { code: 'bad_pairing_code', reason: check.message, app_fingerprint: fingerprint, app_name: name, peer });
      return check;
    }
    ctx.store.pairApp(fingerprint, name, raw);
    ctx.store.audit.append('pairing.succeeded', fingerprint, { app_fingerprint: fingerprint, app_name: name, peer });
    return check;
  });
  if (!outcome.ok) return { type: 'error', error: { code: 'bad_pairing_code', message: outcome.message } };
  return { type: 'paired', daemon_id: ctx.identity.daemonId, daemon_key: ctx.identity.publicRaw.toString('base64url'), app_fingerprint: fingerprint };
}

async function reply(ctx: DaemonContext, id: string, claims: Omit<ReplyClaims, 'iss' | 'iat'>): Promise<Result> {
  return { type: 'result', id, reply: signReply(ctx.identity, { iss: ctx.identity.daemonId, iat: ctx.nowS(), ...claims }) };
}

async function refusalReply(ctx: DaemonContext, id: string, peer: string, r: Refused): Promise<Result> {
  ctx.store.audit.append('command.refused', r.claimedIss, { id, code: r.code, reason: r.message, iss: r.claimedIss, jti: r.jti, cap: r.cap, peer });
  return reply(ctx, id, { aud: r.claimedIss ?? '', in_reply_to: r.jti ?? '', ok: false, error: { code: r.code, message: r.message } });
}

const refusal = (code: Refusal, message: string, c: AcceptedCommand): Refused => ({ ok: false, code, message, claimedIss: c.claims.iss, jti: c.claims.jti, cap: c.claims.cap });

/** A message that was not the protocol (bad JSON, unknown type, a `command` whose token cannot even be read). */
export async function handleUnreadableCommand(ctx: DaemonContext, id: string, peer: string, code: 'malformed' | 'too_large', message: string): Promise<Result> {
  return refusalReply(ctx, id, peer, { ok: false, code, message, claimedIss: null, jti: null, cap: null });
}

function confirmRefusal(answer: ConfirmAnswer): { code: Refusal; message: string } | null {
  switch (answer) {
    case 'yes':
      return null;
    case 'no':
      return { code: 'denied_by_person', message: 'The person declined it on the daemon host.' };
    case 'timeout':
      return { code: 'confirm_timeout', message: 'Nobody answered the confirmation on the daemon host in time.' };
    case 'no_display':
      return { code: 'no_display', message: 'The daemon host has no display to ask for confirmation, and this capability requires it.' };
    case 'unavailable':
      return { code: 'no_display', message: 'No confirmation dialog is available on the daemon host, and this capability requires one.' };
    default: {
      const never: never = answer;
      return { code: 'denied_by_person', message: `Unknown confirmation answer ${String(never)}; treated as no.` };
    }
  }
}

type Runner = (args: Record<string, unknown>, ctx: CapabilityContext) => Promise<Record<string, unknown>>;

/** Allow-list checks that need no device: refused before the person is asked about something that could not run anyway. */
function precheck(cap: string, args: Record<string, unknown>, ctx: DaemonContext): CapabilityRefused | null {
  try {
    if (cap === 'ha.call_service') checkCallService(args as Parameters<typeof checkCallService>[0], { config: ctx.caps.capabilities });
    if (cap === 'mqtt.publish') checkPublish(args as Parameters<typeof checkPublish>[0], { config: ctx.caps.capabilities });
    return null;
  } catch (err) {
    if (err instanceof CapabilityRefused) return err;
    throw err;
  }
}

/** Verify → record the nonce with the acceptance → ask the person if policy says so → re-check → run → signed result. */
export async function handleCommand(ctx: DaemonContext, id: string, token: string, peer: string): Promise<Result> {
  const v = await verifyCommand(token, { store: ctx.store, daemonId: ctx.identity.daemonId, nowS: ctx.nowS(), caps: ctx.caps });
  if (!v.ok) return refusalReply(ctx, id, peer, v);
  const { claims } = v;
  // The daemon reads the risk itself: a lock stays critical whatever risk the token claims.
  const assessed = assessHomeCommand(claims.cap, v.args, ctx.caps.capabilities);
  v.risk = maxRisk(v.risk, assessed.risk);

  // The jti is spent before anything runs, in the same transaction as the record of it: a crash after this
  // can lose the action, never repeat it.
  const fresh = ctx.store.transaction((): 'fresh' | 'replayed' | 'before_restart' => {
    if (!ctx.store.claimNonce(claims.jti, claims.iss, claims.iat, claims.exp)) return 'replayed';
    // After the nonce check, so a replay the store remembers is still named as one.
    if (claims.iat < ctx.issuedNotBefore) return 'before_restart';
    ctx.store.audit.append('command.accepted', claims.iss, {
      id,
      jti: claims.jti,
      iss: claims.iss,
      app: v.app.name,
      cap: claims.cap,
      args: v.args,
      risk: v.risk,
      claimed_risk: claims.risk,
      approval: claims.approval,
      trace: claims.trace,
      reason: claims.reason ?? null,
      ...(assessed.reasons.length ? { risk_reasons: assessed.reasons } : {}),
      peer,
    });
    return 'fresh';
  });
  if (fresh === 'replayed') return refusalReply(ctx, id, peer, refusal('replayed', 'This token was used before; every command token is single-use.', v));
  if (fresh === 'before_restart') {
    return refusalReply(ctx, id, peer, refusal('issued_before_restart', 'The token was issued before the daemon restarted after an unclean stop; send a new one.', v));
  }

  const refusedEarly = precheck(claims.cap, v.args, ctx);
  if (refusedEarly) return refusalReply(ctx, id, peer, refusal(refusedEarly.code, refusedEarly.message, v));

  // The physical-safety tier always asks, whatever capabilities.json says about confirmation.
  if (assessed.physical || needsConfirmation(v.config.confirm, v.risk)) {
    let answer: ConfirmAnswer;
    const reason = [claims.reason, ...assessed.reasons].filter(Boolean).join('; ') || null;
    try {
      answer = await ctx.confirm({ capability: claims.cap, args: v.args, app: v.app.name, risk: v.risk, reason, timeoutS: v.config.confirm_timeout_s }, ctx.env, ctx.platform);
    } catch {
      answer = 'unavailable';
    }
    ctx.store.audit.append('command.confirmation', claims.iss, { id, jti: claims.jti, cap: claims.cap, answer });
    const refused = confirmRefusal(answer);
    if (refused) return refusalReply(ctx, id, peer, refusal(refused.code, refused.message, v));
    // The dialog may have been open for a minute: an unpair or a kill switch in that time still wins.
    if (!ctx.store.activeApp(claims.iss)) return refusalReply(ctx, id, peer, refusal('unpaired_key', 'The app was unpaired while the confirmation was open.', v));
    if (claims.iat < ctx.store.killBefore()) return refusalReply(ctx, id, peer, refusal('killed', 'The kill switch was used while the confirmation was open.', v));
  }

  return run(ctx, id, peer, v);
}

async function run(ctx: DaemonContext, id: string, peer: string, v: AcceptedCommand): Promise<Result> {
  const { claims } = v;
  const runner = CAPABILITY_RUNNERS[claims.cap satisfies CapabilityId] as Runner;
  let output: Record<string, unknown>;
  try {
    output = await runner(v.args, { config: ctx.caps.capabilities, platform: ctx.platform, env: ctx.env, signal: ctx.signal, trace: claims.trace, ...(ctx.iot ? { iot: ctx.iot } : {}) });
  } catch (err) {
    if (err instanceof CapabilityRefused) {
      const code = (REFUSALS as readonly string[]).includes(err.code) ? (err.code as Refusal) : 'outside_allow_list';
      return refusalReply(ctx, id, peer, refusal(code, err.message, v));
    }
    const detail = err instanceof CapabilityFailed ? err.code : 'unexpected';
    const message = err instanceof CapabilityFailed ? err.message : 'The capability failed unexpectedly.';
    ctx.store.audit.append('command.failed', claims.iss, { id, jti: claims.jti, cap: claims.cap, code: 'capability_failed', detail, reason: message, peer });
    return reply(ctx, id, { aud: claims.iss, in_reply_to: claims.jti, ok: false, error: { code: 'capability_failed', message } });
  }
  ctx.store.audit.append('command.succeeded', claims.iss, { id, jti: claims.jti, cap: claims.cap, output: boundedOutput(output), peer });
  return reply(ctx, id, { aud: claims.iss, in_reply_to: claims.jti, ok: true, output });
}

/** A paired app asks for inbound events on this connection: verified like a command, its nonce spent, then attached. */
export async function handleSubscribe(ctx: DaemonContext, token: string, peer: string, attach: (app: string) => void): Promise<DaemonMessage> {
  const v = await verifySubscribe(token, { store: ctx.store, daemonId: ctx.identity.daemonId, nowS: ctx.nowS() });
  if (!v.ok) {
    ctx.store.audit.append('subscribe.refused', v.claimedIss, { code: v.code, reason: v.message, iss: v.claimedIss, peer });
    return { type: 'error', error: { code: v.code, message: v.message } };
  }
  const { claims } = v;
  const fresh = ctx.store.transaction(() => {
    if (!ctx.store.claimNonce(claims.jti, claims.iss, claims.iat, claims.exp)) return false;
    ctx.store.audit.append('inbound.subscribed', claims.iss, { app: v.app.name, iss: claims.iss, peer });
    return true;
  });
  if (!fresh) {
    ctx.store.audit.append('subscribe.refused', claims.iss, { code: 'replayed', reason: 'subscribe token used before', iss: claims.iss, peer });
    return { type: 'error', error: { code: 'replayed', message: 'This subscribe token was used before.' } };
  }
  if (!ctx.iot) return { type: 'error', error: { code: 'unavailable', message: 'This daemon runs no home hub.' } };
  attach(claims.iss);
  return { type: 'subscribed', app_fingerprint: claims.iss };
}

/** Sets the kill watermark. It only rises, and never past now + skew, so a kill message cannot lock out tomorrow's commands. */
export async function handleKill(ctx: DaemonContext, token: string, peer: string): Promise<DaemonMessage> {
  const v = await verifyKill(token, { store: ctx.store, daemonId: ctx.identity.daemonId, nowS: ctx.nowS() });
  if (!v.ok) {
    ctx.store.audit.append('kill.refused', v.claimedIss, { code: v.code, reason: v.message, iss: v.claimedIss, jti: v.jti, peer });
    return { type: 'error', error: { code: v.code, message: v.message } };
  }
  const { claims } = v;
  const ceiling = ctx.nowS() + MAX_CLOCK_SKEW_S;
  const result = ctx.store.transaction(() => {
    if (!ctx.store.claimNonce(claims.jti, claims.iss, claims.iat, claims.exp)) {
      ctx.store.audit.append('kill.refused', claims.iss, { code: 'replayed', reason: 'kill token used before', iss: claims.iss, jti: claims.jti, peer });
      return null;
    }
    const killBefore = ctx.store.raiseKillBefore(Math.min(claims.kill_before, ceiling));
    ctx.store.audit.append('kill.set', claims.iss, { iss: claims.iss, app: v.app.name, jti: claims.jti, requested: claims.kill_before, kill_before: killBefore, peer });
    return killBefore;
  });
  if (result === null) return { type: 'error', error: { code: 'replayed', message: 'This kill token was used before.' } };
  return { type: 'killed', kill_before: result };
}
