// The daemon's OS capabilities: one runner per capability id, the whitelist loader, and the two ways a capability stops.
import type { z } from 'zod';
import type { CAPABILITY_ARGS, CapabilityId } from '../protocol';
import type { CapabilityContext } from './context';
import { runIotConfigure, runIotTest } from '../iot/configure';
import { runFileMove } from './file-move';
import { runHaCallService, runHaGetState, runHaResolve } from './ha';
import { runMqttPublish } from './mqtt';
import { runNoop } from './noop';
import { runOpenApp } from './open-app';
import { runRunScript } from './run-script';
import { runScreenshot } from './screenshot';

import { CapabilityFailed, CapabilityRefused } from './errors';

export type { CapabilityContext } from './context';
export { CapabilityFailed, CapabilityRefused, type CapabilityFailureCode, type CapabilityRefusalCode } from './errors';
export { CapabilitiesFileError, capabilitiesPath, loadCapabilities } from './load';

export type CapabilityRunner<K extends CapabilityId> = (args: z.infer<(typeof CAPABILITY_ARGS)[K]>, ctx: CapabilityContext) => Promise<Record<string, unknown>>;

/** Any error a runner did not classify (EACCES on an odd path, EIO) becomes a failure with words, never an unexplained crash. */
function classified<K extends CapabilityId>(id: K, runner: CapabilityRunner<K>): CapabilityRunner<K> {
  return async (args, ctx) => {
    try {
      return await runner(args, ctx);
    } catch (err) {
      if (err instanceof CapabilityRefused || err instanceof CapabilityFailed) throw err;
      throw new CapabilityFailed('io_error', `${id} failed: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
    }
  };
}

/**
 * Runs a capability whose arguments already parsed with CAPABILITY_ARGS[id] and whose token was verified and confirmed.
 * Each throws CapabilityRefused (not allowed) or CapabilityFailed (the OS action did not happen).
 */
export const CAPABILITY_RUNNERS: { readonly [K in CapabilityId]: CapabilityRunner<K> } = Object.freeze({
  noop: classified('noop', runNoop),
  open_app: classified('open_app', runOpenApp),
  screenshot: classified('screenshot', runScreenshot),
  file_move: classified('file_move', runFileMove),
  run_script: classified('run_script', async (args, ctx) => ({ ...(await runRunScript(args, ctx)) })),
  'ha.call_service': classified('ha.call_service', runHaCallService),
  'ha.get_state': classified('ha.get_state', runHaGetState),
  'ha.resolve': classified('ha.resolve', runHaResolve),
  'mqtt.publish': classified('mqtt.publish', runMqttPublish),
  'iot.configure': classified('iot.configure', runIotConfigure),
  'iot.test': classified('iot.test', runIotTest),
});
export { checkCallService } from './ha';
export { checkPublish } from './mqtt';
