// Runs one manifest tool in its own process: reads {nonce, entry, input, context} from stdin, calls run(input, context), prints one result line.
//
// The result goes to stdout as "\n<nonce><json>\n"; the tool's own prints are moved to stderr so the
// parent can tell them apart, and the nonce makes an accidental look-alike line impossible. A tool
// that means to forge the line can (it shares this process), which is fine: its output is untrusted
// and the executor validates it against the manifest's output schema.

'use strict';

const writeResult = process.stdout.write.bind(process.stdout);
const exit = process.exit.bind(process);

// Anything the tool prints through process.stdout (console.log included) lands in the log instead.
process.stdout.write = function toLog(chunk, encoding, cb) {
  return process.stderr.write(chunk, encoding, cb);
};

hardenProcess();

let nonce = '';
let finished = false;

function finish(payload) {
  if (finished) return;
  finished = true;
  let line;
  try {
    line = JSON.stringify(payload);
  } catch (err) {
    line = JSON.stringify({
      ok: false,
      error: { code: 'ERR_BAD_OUTPUT', message: `The tool's output cannot be written as JSON: ${messageOf(err)}` },
    });
  }
  // Exit once the line is flushed: a tool that leaves a timer or socket open must not hold the call.
  writeResult(`\n${nonce}${line}\n`, () => exit(0));
}

function messageOf(value) {
  try {
    if (value instanceof Error) return String(value.message);
    return String(value);
  } catch {
    return 'unprintable error';
  }
}

function field(value, key) {
  try {
    const v = value !== null && (typeof value === 'object' || typeof value === 'function') ? value[key] : undefined;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The first access-denied error in an error's cause chain (fetch wraps socket errors), else null. */
function findDenied(err, depth = 0) {
  if (depth > 5 || err === null || typeof err !== 'object') return null;
  if (field(err, 'code') === 'ERR_ACCESS_DENIED') return err;
  let inner;
  try {
    inner = [err.cause, ...(Array.isArray(err.errors) ? err.errors : [])];
  } catch {
    return null;
  }
  for (const e of inner) {
    const found = findDenied(e, depth + 1);
    if (found) return found;
  }
  return null;
}

function describe(err) {
  const e = findDenied(err) || err;
  const out = { code: field(e, 'code') || 'ERR_TOOL', message: messageOf(e) };
  const permission = field(e, 'permission');
  const resource = field(e, 'resource');
  if (permission) out.permission = permission;
  if (resource) out.resource = resource;
  return out;
}

function fail(err) {
  finish({ ok: false, error: describe(err) });
}

function accessDenied(message, permission, resource) {
  const err = new Error(message);
  err.code = 'ERR_ACCESS_DENIED';
  err.permission = permission;
  err.resource = resource;
  return err;
}

/** Closes the few process-wide doors the permission model leaves open, for every tool. */
function hardenProcess() {
  // Signals to other processes (Jarvis itself included) need the right to start processes. Both the
  // public kill and the raw _kill it calls are wrapped, so neither route reaches another pid.
  const mayStartProcesses = Boolean(process.permission && process.permission.has('child'));
  if (!mayStartProcesses) {
    const ownOnly = (fn) =>
      function ownProcessOnly(pid, signal) {
        if (Number(pid) !== process.pid) {
          throw accessDenied('Signalling other processes needs the system permission.', 'ChildProcess', `pid ${String(pid)}`);
        }
        return fn.call(process, pid, signal);
      };
    process._kill = ownOnly(process._kill);
    process.kill = ownOnly(process.kill);
  }
  // Tracing writes node_trace.*.log into the working folder without any write permission.
  require('trace_events').createTracing = function noTracing() {
    throw accessDenied('Trace events are not available to tools.', 'FileSystemWrite', 'trace_events');
  };
  // node:sqlite (Node 22.13+) opens files outside the permission model, ATTACH included; tools that
  // need SQLite can use a WebAssembly build over fs, which the model does check.
  let sqlite = null;
  try {
    sqlite = require('node:sqlite');
  } catch {
    // Not in this Node (20) or still behind its flag (22.5-22.12).
  }
  if (sqlite) {
    const noSqlite = function noSqlite() {
      throw accessDenied('node:sqlite is not available to tools: it reaches files outside their permissions.', 'FileSystemRead', 'node:sqlite');
    };
    for (const key of Object.keys(sqlite)) {
      if (typeof sqlite[key] !== 'function') continue;
      try {
        sqlite[key] = noSqlite;
      } catch {
        Object.defineProperty(sqlite, key, { value: noSqlite, writable: true, configurable: true });
      }
    }
  }
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  let request;
  try {
    request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    nonce = String(request.nonce);
  } catch (err) {
    // Without the nonce the parent cannot read a result; say why on stderr and exit non-zero.
    process.stderr.write(`harness: unreadable request: ${messageOf(err)}\n`);
    exit(70);
    return;
  }
  runTool(request.entry, request.input, request.context || {}).then(
    (output) => finish({ ok: true, output: output === undefined ? null : output }),
    fail,
  );
});

// context carries the call's idempotency key, so an idempotent tool can recognise a retried call.
async function runTool(entry, input, context) {
  const mod = require(entry);
  const target = mod && typeof mod.run === 'function' ? mod : mod && mod.default;
  if (!target || typeof target.run !== 'function') {
    const err = new Error(`${entry} does not export a run(input) function.`);
    err.code = 'ERR_NO_RUN_EXPORT';
    throw err;
  }
  return await target.run(input, Object.freeze({ ...context }));
}
