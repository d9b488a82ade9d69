// The `jarvis` command: serve, audit verify, audit export. Bad arguments get a usage message and exit code 2.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { checkpointDir, databasePath, openCore } from './core';
import { TokenStore } from './core/safety/tokens';
import { DaemonClient, loadAppIdentity } from './core/integrations/daemon';
import { ROLES } from '../src-shared/contract/safety';
import { AuditLog, CheckpointStore, exportTrace, verifyChain } from './core/audit';
import { ConfigError, loadSettings } from './core/config';
import { openDatabase } from './core/db';
import { runGoal } from './goal';
import { serve } from './headless';
import { appVersion } from './main';
import { runMcpServe } from './core/mcp/serve';

const USAGE = `Usage:
  jarvis serve                          run headless: the API and dashboard on 127.0.0.1
  jarvis audit verify [--json]          check the audit chain; exit 0 if intact, 1 if broken
  jarvis audit export --trace <id>      print one trace as JSON lines, with the chain's verification
  jarvis goal "<goal>"                  plan a goal, print the plan, run it and print the reply
  jarvis daemon pair <ws-url> <code>    pair with the privileged daemon (run \`jarvis-daemon pair\` on its host for the code)
  jarvis daemon status                  the daemon link: url, id, connected
  jarvis mcp serve                      serve Jarvis to other agents over MCP on stdin/stdout (goals, task status, memory)
  jarvis token create --role <role> [--name <name>]
                                        make an API token (viewer, member or owner); it is printed once

Environment: JARVIS_HOME (data folder), JARVIS_PORT (API port, default 7723).`;

class UsageError extends Error {}

const TraceId = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

function openForReading(home: string) {
  const file = databasePath(home);
  if (!fs.existsSync(file)) throw new UsageError(`No Jarvis database at ${file}; start Jarvis once, or set JARVIS_HOME.`);
  return openDatabase(file, { readonly: true });
}

async function run(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve': {
      if (sub !== undefined) throw new UsageError(`"jarvis serve" takes no arguments (got "${sub}").`);
      await serve(process.env.JARVIS_HEADLESS_REASON ? { reason: process.env.JARVIS_HEADLESS_REASON } : {});
      return -1; // keeps running
    }
    case 'audit': {
      const settings = loadSettings();
      if (sub === 'verify') {
        const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, strict: true });
        const db = openForReading(settings.home);
        try {
          const result = verifyChain(db, new CheckpointStore(checkpointDir(settings.home)));
          if (values.json) console.log(JSON.stringify(result, null, 2));
          else if (result.ok) {
            const cp = result.checkpoint ? `; last signed checkpoint: ${result.checkpoint.count} rows at ${result.checkpoint.ts}` : '; no checkpoint yet';
            console.log(`Audit chain intact: ${result.rows} rows, head ${result.head_hash.slice(0, 16)}…${cp}.`);
          } else {
            console.error(`Audit chain BROKEN at row ${result.broken?.id ?? '?'} (${result.broken?.reason}): ${result.broken?.message}`);
          }
          return result.ok ? 0 : 1;
        } finally {
          db.close();
        }
      }
      if (sub === 'export') {
        const { values } = parseArgs({ args: rest, options: { trace: { type: 'string' } }, strict: true });
        const parsed = TraceId.safeParse(values.trace);
        if (!parsed.success) throw new UsageError(`--trace ${values.trace === undefined ? 'is required' : parsed.error.issues[0]?.message}: give the trace id to export.`);
        const db = openForReading(settings.home);
        try {
          const checkpoints = new CheckpointStore(checkpointDir(settings.home));
          const lines = [...exportTrace(db, new AuditLog(db), parsed.data, checkpoints)];
          if (lines.length === 1) {
            console.error(`No audit events with trace id "${parsed.data}".`);
            return 1;
          }
          process.stdout.write(`${lines.join('\n')}\n`);
          return 0;
        } finally {
          db.close();
        }
      }
      throw new UsageError(sub === undefined ? '"jarvis audit" needs a subcommand: verify or export.' : `Unknown audit subcommand "${sub}": use verify or export.`);
    }
    case 'goal': {
      const text = [sub, ...rest].filter((s) => s !== undefined).join(' ').trim();
      if (!text) throw new UsageError('"jarvis goal" needs the goal as text, e.g. jarvis goal "echo hello".');
      return runGoal(loadSettings(), text);
    }
    case 'daemon': {
      const core = openCore(loadSettings(), { heartbeat: false });
      const client = new DaemonClient(core.db, core.audit, loadAppIdentity(core.settings.home));
      try {
        if (sub === 'pair') {
          const [url, code] = rest;
          if (!url || !code || !/^wss?:\/\//.test(url)) throw new UsageError('"jarvis daemon pair" needs the daemon\'s ws:// URL and the one-time code it printed.');
          const link = await client.pair(url, code);
          console.log(`Paired with daemon ${link.daemon_id} at ${link.url}. Its key is pinned; a different key later is refused.`);
          return 0;
        }
        if (sub === 'status') {
          console.log(JSON.stringify(client.state(), null, 2));
          return 0;
        }
        throw new UsageError(sub === undefined ? '"jarvis daemon" needs a subcommand: pair or status.' : `Unknown daemon subcommand "${sub}": use pair or status.`);
      } finally {
        client.close();
        core.close();
      }
    }
    case 'mcp': {
      if (sub !== 'serve') throw new UsageError(sub === undefined ? '"jarvis mcp" needs a subcommand: serve.' : `Unknown mcp subcommand "${sub}": use serve.`);
      if (rest.length > 0) throw new UsageError(`"jarvis mcp serve" takes no arguments (got "${rest[0]}").`);
      return runMcpServe(loadSettings(), appVersion());
    }
    case 'token': {
      if (sub !== 'create') throw new UsageError(sub === undefined ? '"jarvis token" needs a subcommand: create.' : `Unknown token subcommand "${sub}": use create.`);
      const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' } }, strict: true });
      const role = z.enum(ROLES).safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(', ')}${values.role === undefined ? '' : ` (got "${values.role}")`}.`);
      const core = openCore(loadSettings(), { heartbeat: false });
      try {
        const created = new TokenStore(core.db, core.audit).create(role.data, values.name ?? `${role.data} token`, 'cli');
        console.log(`New ${created.role} token (shown once; keep it safe):\n${created.token}`);
        return 0;
      } finally {
        core.close();
      }
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    const code = await run(argv);
    if (code >= 0) process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError) {
      console.error(`Jarvis cannot start: ${err.message}`);
      process.exitCode = 78;
    } else {
      console.error(`Jarvis failed: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}
