// Preloaded (--require) into a manifest tool's process: closes the network doors Node's permission model leaves open.
//
// Node's permission model (before Node 25) does not cover sockets, so this file replaces every network
// entry point before the tool's code loads. Everything that opens a TCP, TLS or local socket ends in
// net.Socket.prototype.connect, which is the real gate; the named functions are refused too so the
// error points at the call the tool made. The originals live only in this closure.
//
// Policy comes from the harness's argv (`--net-hosts=<JSON array>`): absent means no network at all;
// a list allows outgoing connections only to those host names (or host:port), checked on the name the
// tool asked for, before DNS. Listening sockets, UDP and local (unix / named pipe) sockets stay refused.

'use strict';

const net = require('net');
const tls = require('tls');
const dgram = require('dgram');
const dns = require('dns');
const http = require('http');
const https = require('https');
const http2 = require('http2');

const HOSTS_FLAG = '--net-hosts=';

function readAllowedHosts() {
  const arg = process.argv.find((a) => typeof a === 'string' && a.startsWith(HOSTS_FLAG));
  if (arg === undefined) return null;
  let parsed;
  try {
    parsed = JSON.parse(arg.slice(HOSTS_FLAG.length));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((h) => typeof h === 'string').map(parseHostEntry).filter(Boolean);
}

/** "example.com", "example.com:443", "[::1]:8080", "::1" -> { host, port|null }. */
function parseHostEntry(entry) {
  const text = entry.trim().toLowerCase();
  if (text === '') return null;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    const rest = text.slice(end + 1);
    const port = rest.startsWith(':') ? Number(rest.slice(1)) : null;
    return { host: normalizeHost(text.slice(1, end)), port: Number.isInteger(port) ? port : null };
  }
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = text.split(':');
    const n = Number(port);
    return { host: normalizeHost(host), port: Number.isInteger(n) ? n : null };
  }
  return { host: normalizeHost(text), port: null };
}

function normalizeHost(host) {
  let h = String(host).trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

const allowedHosts = readAllowedHosts();

function hostAllowed(host, port) {
  if (allowedHosts === null || typeof host !== 'string') return false;
  const h = normalizeHost(host);
  const p = port === undefined || port === null ? null : Number(port);
  return allowedHosts.some((a) => a.host === h && (a.port === null || a.port === p));
}

function denied(what) {
  const hint = allowedHosts === null ? 'This tool has no network permission.' : 'That host is not in this tool\'s network permission.';
  const err = new Error(`Network access refused${what ? ` (${what})` : ''}. ${hint} Grant it in the manifest's permissions.network.`);
  err.code = 'ERR_ACCESS_DENIED';
  err.permission = 'Network';
  err.resource = what || '';
  return err;
}

function refuse(label) {
  return function refused() {
    throw denied(label);
  };
}

function refuseAsync(label) {
  return function refused() {
    return Promise.reject(denied(label));
  };
}

/** Replaces obj[key] when it is a function (a missing one, e.g. on an older Node, is fine). */
function swap(obj, key, replacement) {
  if (obj && typeof obj[key] === 'function') {
    try {
      obj[key] = replacement;
    } catch {
      Object.defineProperty(obj, key, { value: replacement, writable: true, configurable: true });
    }
  }
}

/** The options object a connect call will use, copied so a getter cannot answer differently later. */
function connectOptions(args) {
  let normalized;
  if (Array.isArray(args[0])) normalized = args[0];
  else if (typeof net._normalizeArgs === 'function') normalized = net._normalizeArgs(args);
  else normalized = [typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] }, args[args.length - 1]];
  const raw = normalized[0] || {};
  const cb = typeof normalized[1] === 'function' ? normalized[1] : undefined;
  const options = { ...raw, host: raw.host, port: raw.port, path: raw.path };
  return { options, cb };
}

// Sockets: the one gate every client connection passes through.
const originalConnect = net.Socket.prototype.connect;
const originalLookup = dns.lookup;

net.Socket.prototype.connect = function guardedConnect(...args) {
  if (allowedHosts === null) throw denied('socket connect');
  const { options, cb } = connectOptions(args);
  if (options.path !== undefined && options.path !== null) throw denied(`local socket ${String(options.path)}`);
  const host = options.host === undefined || options.host === null || options.host === '' ? 'localhost' : options.host;
  if (typeof host !== 'string' || !hostAllowed(host, options.port)) {
    throw denied(`${String(host)}:${String(options.port)}`);
  }
  // A tool-supplied lookup could map an allowed name to any address; use the system resolver.
  options.lookup = originalLookup;
  options.host = host;
  return cb ? originalConnect.call(this, options, cb) : originalConnect.call(this, options);
};

// Listening sockets of any kind, including the legacy handle factory that net exports.
net.Server.prototype.listen = refuse('listen');
swap(net, '_createServerHandle', refuse('listen'));

// UDP has no host-list mode: refuse it whole.
swap(dgram, 'createSocket', refuse('udp socket'));
if (typeof dgram.Socket === 'function') {
  for (const key of ['bind', 'connect', 'send', 'addMembership', 'addSourceSpecificMembership']) {
    swap(dgram.Socket.prototype, key, refuse('udp socket'));
  }
  dgram.Socket = refuse('udp socket');
}

// The pipe handles behind stdio expose their class; its bind/listen/connect/open would open local
// sockets without touching net. Create the stdio streams first (they use `open` once), then close those doors.
for (const stream of [process.stdin, process.stdout, process.stderr]) {
  const handle = stream && stream._handle;
  const proto = handle && Object.getPrototypeOf(handle);
  if (proto) for (const key of ['bind', 'bind6', 'listen', 'connect', 'connect6', 'open']) swap(proto, key, refuse('raw socket handle'));
}

// DNS: a query is itself a way out (names can carry data), so only lookups of allowed hosts pass.
const DNS_METHOD = /^(lookup|resolve|reverse|query|getHostByAddr)/;
function guardDns(target, lookupReplacement) {
  for (const key of Object.keys(target)) {
    if (key === 'lookup' && lookupReplacement) swap(target, key, lookupReplacement);
    else if (DNS_METHOD.test(key)) swap(target, key, refuse(`dns.${key}`));
  }
  if (typeof target.Resolver === 'function') {
    for (const key of Object.getOwnPropertyNames(target.Resolver.prototype)) {
      if (DNS_METHOD.test(key)) swap(target.Resolver.prototype, key, refuse(`dns.${key}`));
    }
  }
}
const dnsPromises = dns.promises;
const originalPromiseLookup = dnsPromises.lookup;
guardDns(dns, function guardedLookup(hostname, ...rest) {
  if (!hostAllowed(hostname, null)) throw denied(`dns.lookup ${String(hostname)}`);
  return originalLookup.call(dns, hostname, ...rest);
});
guardDns(dnsPromises, function guardedLookup(hostname, ...rest) {
  if (!hostAllowed(hostname, null)) return Promise.reject(denied(`dns.lookup ${String(hostname)}`));
  return originalPromiseLookup.call(dnsPromises, hostname, ...rest);
});

// Named entry points: with no network at all, refuse at the call the tool made. With a host list
// they stay, since their connections reach the socket gate above.
if (allowedHosts === null) {
  swap(net, 'connect', refuse('net.connect'));
  swap(net, 'createConnection', refuse('net.createConnection'));
  swap(tls, 'connect', refuse('tls.connect'));
  swap(http, 'request', refuse('http.request'));
  swap(http, 'get', refuse('http.get'));
  swap(https, 'request', refuse('https.request'));
  swap(https, 'get', refuse('https.get'));
  swap(http2, 'connect', refuse('http2.connect'));
  swap(globalThis, 'fetch', refuseAsync('fetch'));
  for (const name of ['WebSocket', 'EventSource']) {
    if (typeof globalThis[name] === 'function') {
      Object.defineProperty(globalThis, name, { value: refuse(name), writable: true, configurable: true });
    }
  }
}
