// Integration routes: pairing the privileged daemon from the dashboard, as `jarvis daemon pair` does from a terminal.
import crypto from 'node:crypto';
import { DaemonError } from '../../core/integrations/daemon';
import { API_PATHS, DaemonPairRequest, type DaemonPairResult } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import type { Route, RouteContext } from './types';

async function pairDaemon(ctx: RouteContext): Promise<void> {
  const body = parseWith(DaemonPairRequest, await readJson(ctx.req), 'pairing request');
  const daemon = ctx.agent.daemon;
  let link;
  try {
    link = await daemon.pair(body.url, body.code);
  } catch (err) {
    // A refused or unreachable daemon must not stay connected: the next command would talk to it unpaired.
    daemon.close();
    if (err instanceof DaemonError) {
      const unreachable = err.message.startsWith('Cannot reach');
      const field = unreachable ? 'url' : 'code';
      const todo = unreachable
        ? 'Check that `jarvis-daemon serve` is running and that the address is the one it printed.'
        : 'Run `jarvis-daemon pair` on the daemon\'s host for a fresh code (codes last 5 minutes and work once).';
      // The daemon's own refusals already say to run `jarvis-daemon pair`; say it once.
      const message = err.message.includes('jarvis-daemon pair') ? `${err.message} Nothing was pinned.` : `${err.message} Nothing was pinned. ${todo}`;
      throw new ApiError(422, 'unprocessable', message, [
        { field, problem: unreachable ? 'no daemon answered at this address' : 'the daemon did not accept this code' },
      ]);
    }
    throw err;
  }
  const result: DaemonPairResult = {
    daemon_id: link.daemon_id,
    url: link.url,
    paired_at: link.paired_at,
    daemon_key_fingerprint: crypto.createHash('sha256').update(Buffer.from(link.daemon_key, 'base64url')).digest('hex'),
    daemon: daemon.state(),
  };
  sendJson(ctx.res, 200, result);
}

export const INTEGRATION_ROUTES: readonly Route[] = [
  // Owner only: pairing decides which program may act on this desktop.
  { method: 'POST', path: API_PATHS.daemonPair, role: 'owner', handle: pairDaemon },
];
