// Verifies command and kill tokens in a fixed order, refusing with the protocol's codes; signs the daemon's replies.
import { z } from 'zod';
import type { DaemonIdentity } from './identity';
import {
  ALGORITHM,
  CAPABILITY_ARGS,
  COMMAND_TYP,
  CommandClaims,
  ed25519PublicKey,
  KILL_TYP,
  KillClaims,
  MAX_CLOCK_SKEW_S,
  MAX_TOKEN_LIFETIME_S,
  REPLY_TYP,
  RISKS,
  type CapabilitiesFile,
  type CapabilityId,
  type Refusal,
  type ReplyClaims,
  type Risk,
  signCompact,
  SUBSCRIBE_TYP,
  SubscribeClaims,
  verifyCompact,
} from './protocol';
import type { DaemonStore, PairedApp } from './store';

/** Largest token the protocol carries in a `command` message. */
export const MAX_TOKEN_BYTES = 32 * 1024;

export interface Refused {
  ok: false;
  code: Refusal;
  message: string;
  /** The issuer the token claims (unverified until the signature checks) — for the record and the reply's audience. */
  claimedIss: string | null;
  /** Set only once the signature verified and the claims parsed: before that nothing in the token is trusted. */
  jti: string | null;
  cap: string | null;
}

const refuse = (code: Refusal, message: string, at: { claimedIss?: string | null; jti?: string | null; cap?: string | null } = {}): Refused => ({
  ok: false,
  code,
  message,
  claimedIss: at.claimedIss ?? null,
  jti: at.jti ?? null,
  cap: at.cap ?? null,
});

const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/);
// Only the two header parameters the protocol uses; anything else (jwk, jku, crit, b64…) is refused, never interpreted.
const Header = z.strictObject({ alg: z.string(), typ: z.string() });

function decodeJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

type Signed<C> = { ok: true; claims: C; app: PairedApp } | Refused;

/**
 * The steps common to every token: shape and size → alg → typ → issuer is paired → signature → claims →
 * audience → expiry → lifetime → issued-at. The payload is read unverified only to choose the issuer's key.
 */
async function verifySigned<S extends typeof CommandClaims | typeof KillClaims | typeof SubscribeClaims>(token: string, typ: string, schema: S, ctx: VerifyContext): Promise<Signed<z.infer<S>>> {
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) return refuse('too_large', `The token is larger than ${MAX_TOKEN_BYTES} bytes.`);
  const parts = token.split('.');
  const notJws = refuse('malformed', 'The token is not a compact JWS (header.payload.signature).');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return notJws;
  const rawHeader = decodeJson(parts[0]);
  if (typeof rawHeader !== 'object' || rawHeader === null || Array.isArray(rawHeader)) return notJws;
  // Before the empty-signature check, so an unsigned ("alg": "none") token is named for what it is.
  const alg = (rawHeader as { alg?: unknown }).alg;
  if (alg !== ALGORITHM) return refuse('bad_algorithm', `The token's algorithm must be ${ALGORITHM} (got ${typeof alg === 'string' ? JSON.stringify(alg.slice(0, 20)) : 'none'}).`);
  if (!parts[2]) return notJws;
  const header = Header.safeParse(rawHeader);
  if (!header.success) return refuse('malformed', 'The token header may hold only "alg" and "typ".');
  if (header.data.typ !== typ) return refuse('bad_typ', `The token's typ must be ${typ}.`);
  const claimedIss = Fingerprint.safeParse((decodeJson(parts[1]) as { iss?: unknown } | undefined)?.iss);
  if (!claimedIss.success) return refuse('malformed', 'The token has no readable issuer (iss: the app key fingerprint).');
  const iss = claimedIss.data;
  const app = ctx.store.activeApp(iss);
  if (!app) return refuse('unpaired_key', 'The issuing key is not paired with this daemon (or was unpaired).', { claimedIss: iss });

  // The header was checked above; verifyCompact checks it again with the signature, so no path skips either.
  const checked = verifyCompact(token, typ, ed25519PublicKey(app.public_key.toString('base64url')));
  if (!checked.ok) return refuse('bad_signature', 'The token signature does not verify with the paired key.', { claimedIss: iss });
  const payload = checked.payload;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return refuse('malformed', 'The token payload is not JSON.', { claimedIss: iss });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return claimsRefusal(parsed.error, iss, json);
  const claims = parsed.data as z.infer<S>;
  const at = { claimedIss: iss, jti: claims.jti, cap: 'cap' in claims ? claims.cap : null };
  if (claims.aud !== ctx.daemonId) return refuse('wrong_audience', 'The token is addressed to another daemon.', at);
  if (claims.exp <= ctx.nowS) return refuse('expired', 'The token has expired.', at);
  if (claims.exp <= claims.iat) return refuse('malformed', 'The token expires before it was issued.', at);
  if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_S) return refuse('lifetime_too_long', `The token lives longer than ${MAX_TOKEN_LIFETIME_S} s.`, at);
  if (claims.iat > ctx.nowS + MAX_CLOCK_SKEW_S) return refuse('issued_in_future', `The token was issued more than ${MAX_CLOCK_SKEW_S} s in the future; check both clocks.`, at);
  return { ok: true, claims, app };
}

/** Names the first claim that failed: a missing nonce, an unknown capability, bad arguments, or a malformed token. */
function claimsRefusal(error: z.ZodError, iss: string, json: unknown): Refused {
  const fields = new Set(error.issues.map((i) => (i.code === 'unrecognized_keys' ? 'unrecognized' : String(i.path[0] ?? ''))));
  const cap = typeof (json as { cap?: unknown } | null)?.cap === 'string' ? String((json as { cap: string }).cap).slice(0, 64) : null;
  const at = { claimedIss: iss, cap };
  if (fields.has('jti')) return refuse('missing_jti', 'The token has no valid jti (a single-use nonce of at least 128 bits).', at);
  if (fields.has('cap')) return refuse('not_whitelisted', 'The token names a capability this daemon does not know.', at);
  if (fields.has('args')) return refuse('args_mismatch', 'The token arguments are not an object.', at);
  return refuse('malformed', `The token claims are invalid (${[...fields].join(', ')}).`, at);
}

export interface VerifyContext {
  store: DaemonStore;
  daemonId: string;
  nowS: number;
}

type CapabilityConfig = NonNullable<CapabilitiesFile['capabilities'][CapabilityId]>;

export interface AcceptedCommand {
  ok: true;
  claims: CommandClaims;
  app: PairedApp;
  /** The arguments as parsed by the capability's own schema (defaults filled in). */
  args: Record<string, unknown>;
  config: CapabilityConfig;
  /** The higher of the risk the app claimed and the risk capabilities.json gives the capability. */
  risk: Risk;
}

const maxRisk = (a: Risk, b: Risk): Risk => (RISKS.indexOf(a) >= RISKS.indexOf(b) ? a : b);

/** Everything but the nonce: the caller records the jti in the same transaction as its audit row. */
export async function verifyCommand(token: string, ctx: VerifyContext & { caps: CapabilitiesFile }): Promise<AcceptedCommand | Refused> {
  const signed = await verifySigned(token, COMMAND_TYP, CommandClaims, ctx);
  if (!signed.ok) return signed;
  const { claims, app } = signed;
  const at = { claimedIss: claims.iss, jti: claims.jti, cap: claims.cap };
  // Read on every command, so a kill sent through another connection (or before a restart) counts at once.
  if (claims.iat < ctx.store.killBefore()) return refuse('killed', 'The token was issued before the kill switch was used.', at);
  const config = ctx.caps.capabilities[claims.cap];
  if (!config) return refuse('not_whitelisted', `The capability ${claims.cap} is not whitelisted in this daemon's capabilities.json.`, at);
  const args = CAPABILITY_ARGS[claims.cap].safeParse(claims.args);
  if (!args.success) {
    const where = args.error.issues.map((i) => (i.path.length ? i.path.join('.') : i.code === 'unrecognized_keys' ? i.keys.join(', ') : 'args')).join(', ');
    return refuse('args_mismatch', `The arguments do not fit ${claims.cap} (${where}).`, at);
  }
  return { ok: true, claims, app, args: args.data, config, risk: maxRisk(claims.risk, config.risk) };
}

export async function verifyKill(token: string, ctx: VerifyContext): Promise<{ ok: true; claims: KillClaims; app: PairedApp } | Refused> {
  return verifySigned(token, KILL_TYP, KillClaims, ctx);
}

/** A paired app asking for inbound events: the same checks as a command token, without a capability. */
export async function verifySubscribe(token: string, ctx: VerifyContext): Promise<{ ok: true; claims: SubscribeClaims; app: PairedApp } | Refused> {
  return verifySigned(token, SUBSCRIBE_TYP, SubscribeClaims, ctx);
}

/** A reply the app can check came from this daemon and answers exactly its command. */
export function signReply(identity: DaemonIdentity, claims: ReplyClaims): string {
  return signCompact(claims, REPLY_TYP, identity.privateKey);
}

/** Exposed for tests: the signature step alone, without the header checks in front of it. */
export function signatureVerifies(token: string, app: Pick<PairedApp, 'public_key'>): boolean {
  const header = decodeJson(token.split('.')[0] ?? '') as { typ?: unknown } | undefined;
  return verifyCompact(token, typeof header?.typ === 'string' ? header.typ : '', ed25519PublicKey(app.public_key.toString('base64url'))).ok;
}
