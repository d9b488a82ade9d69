// http_request against real local servers: address refusals after DNS, pinned connections, redirects re-checked, size, time and abort limits.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HTTP_REQUEST_DEFAULTS,
  HttpRequestFailed,
  HttpRequestInput,
  HttpRequestRefused,
  httpRequest,
  httpRequestPreview,
  type HttpRequestOptions,
  type ResolvedAddress,
} from './http-request';

interface Server {
  port: number;
  /** Every request the server received, in order. */
  hits: http.IncomingMessage[];
  /** Server-side responses that closed, and whether they had finished writing. */
  closed: { finished: boolean }[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, server: Server) => void): Promise<Server> {
  const state: Server = { port: 0, hits: [], closed: [] };
  const server = http.createServer((req, res) => {
    state.hits.push(req);
    res.on('close', () => state.closed.push({ finished: res.writableFinished }));
    handler(req, res, state);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

const hello = (): Promise<Server> =>
  serve((req, res) => {
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.end(`hello ${req.method} ${req.url}`);
  });

/** A resolver for made-up names, counting calls so a test can show DNS was never asked. */
function fakeDns(table: Record<string, ResolvedAddress[]>): { lookup: (host: string) => Promise<ResolvedAddress[]>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    lookup: (host) => {
      calls.push(host);
      const found = table[host];
      return found ? Promise.resolve(found) : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    },
  };
}

const opts = (over: Partial<HttpRequestOptions> = {}): HttpRequestOptions => ({ ...HTTP_REQUEST_DEFAULTS, allowlist: [], ...over });
const get = (url: string, extra: Partial<HttpRequestInput> = {}): HttpRequestInput => ({ method: 'GET', url, ...extra });

async function refusal(work: Promise<unknown>): Promise<HttpRequestRefused> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpRequestRefused);
  return err as HttpRequestRefused;
}

async function failure(work: Promise<unknown>): Promise<HttpRequestFailed> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpRequestFailed);
  return err as HttpRequestFailed;
}

describe('httpRequest: addresses', () => {
  it('refuses a loopback IP literal unless that host:port is allow-listed', async () => {
    const s = await hello();
    const url = `http://127.0.0.1:${s.port}/x`;
    const refused = await refusal(httpRequest(get(url), opts()));
    expect(refused).toMatchObject({ code: 'blocked_address', host: '127.0.0.1', address: '127.0.0.1' });
    expect(refused.range).toContain('127.0.0.0/8');
    expect(refused.message).toContain(`127.0.0.1:${s.port}`);
    expect(s.hits).toHaveLength(0);

    const other = await refusal(httpRequest(get(url), opts({ allowlist: [`127.0.0.1:${s.port + 1}`] })));
    expect(other.code).toBe('blocked_address');

    const out = await httpRequest(get(url), opts({ allowlist: [`127.0.0.1:${s.port}`] }));
    expect(out).toMatchObject({ status: 200, body: 'hello GET /x', truncated: false, url, address: '127.0.0.1' });
    expect(out.headers['set-cookie']).toBe('a=1, b=2');
    expect(s.hits).toHaveLength(1);
  });

  it('refuses localhost after real name resolution, before connecting', async () => {
    const s = await hello();
    const refused = await refusal(httpRequest(get(`http://localhost:${s.port}/`), opts()));
    expect(refused).toMatchObject({ code: 'blocked_address', host: 'localhost' });
    expect(refused.address === '127.0.0.1' || refused.address === '::1').toBe(true);
    expect(s.hits).toHaveLength(0);
  });

  it.each([
    ['http://10.0.0.1/', '10.0.0.0/8'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254/32'],
    ['http://[::1]/', '::1/128'],
    ['http://[::ffff:127.0.0.1]/', '127.0.0.0/8'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'fc00::/7'],
    ['http://2130706433/', '127.0.0.0/8'],
    ['http://0x7f.1/', '127.0.0.0/8'],
  ])('refuses the IP literal %s without asking DNS', async (url, range) => {
    const dnsSeam = fakeDns({});
    const refused = await refusal(httpRequest(get(url), opts({ lookup: dnsSeam.lookup })));
    expect(refused.code).toBe('blocked_address');
    expect(refused.range).toContain(range);
    expect(dnsSeam.calls).toEqual([]);
  });

  it.each([
    ['10.0.0.1', [{ address: '10.0.0.1', family: 4 }]],
    ['169.254.169.254', [{ address: '169.254.169.254', family: 4 }]],
    ['127.0.0.1', [{ address: '8.8.8.8', family: 4 }, { address: '127.0.0.1', family: 4 }]],
    ['::ffff:10.1.2.3', [{ address: '2606:4700::1111', family: 6 }, { address: '::ffff:10.1.2.3', family: 6 }]],
  ] satisfies [string, ResolvedAddress[]][])('refuses a name when any of its addresses is blocked (%s)', async (bad, answer) => {
    const dnsSeam = fakeDns({ 'sneaky.test': answer });
    const refused = await refusal(httpRequest(get('http://sneaky.test/'), opts({ lookup: dnsSeam.lookup })));
    expect(refused).toMatchObject({ code: 'blocked_address', host: 'sneaky.test', address: bad });
    expect(refused.message).toContain('sneaky.test');
    expect(dnsSeam.calls).toEqual(['sneaky.test']);
  });

  it('connects to the checked address while keeping the name in the Host header', async () => {
    const s = await hello();
    const dnsSeam = fakeDns({ 'allowed.test': [{ address: '127.0.0.1', family: 4 }] });
    const out = await httpRequest(get(`http://allowed.test:${s.port}/pinned`), opts({ allowlist: [`allowed.test:${s.port}`], lookup: dnsSeam.lookup }));
    expect(out).toMatchObject({ status: 200, body: 'hello GET /pinned', address: '127.0.0.1', url: `http://allowed.test:${s.port}/pinned` });
    expect(s.hits[0]?.headers.host).toBe(`allowed.test:${s.port}`);
    expect(dnsSeam.calls).toEqual(['allowed.test']);
  });

  it('keeps the original name for TLS (SNI) when connecting to a pinned address', async () => {
    const names: string[] = [];
    // No certificate at all: the handshake fails after the server has read the name the client asked for.
    const server = tls.createServer({
      SNICallback: (name, cb) => {
        names.push(name);
        cb(new Error('no certificate here'));
      },
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const dnsSeam = fakeDns({ 'secure.test': [{ address: '127.0.0.1', family: 4 }] });
      const failed = await failure(httpRequest(get(`https://secure.test:${port}/`), opts({ allowlist: ['secure.test'], lookup: dnsSeam.lookup })));
      expect(failed.code).toBe('connect_failed');
      expect(names).toEqual(['secure.test']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a name that does not resolve as dns_failed', async () => {
    const failed = await failure(httpRequest(get('http://nowhere.test/'), opts({ lookup: fakeDns({}).lookup })));
    expect(failed.code).toBe('dns_failed');
  });

  it('reports a refused connection as connect_failed', async () => {
    const s = await hello();
    const port = s.port;
    await new Promise<void>((resolve) => servers.splice(0)[0]?.close(() => resolve()));
    const failed = await failure(httpRequest(get(`http://127.0.0.1:${port}/`), opts({ allowlist: ['127.0.0.1'] })));
    expect(failed.code).toBe('connect_failed');
  });
});

describe('httpRequest: URLs', () => {
  it.each(['ftp://example.com/file', 'file:///etc/passwd', 'gopher://127.0.0.1:70/'])('refuses the scheme of %s', async (url) => {
    expect((await refusal(httpRequest(get(url), opts()))).code).toBe('scheme_not_allowed');
  });

  it('refuses credentials in the URL, even for allow-listed hosts', async () => {
    const s = await hello();
    const refused = await refusal(httpRequest(get(`http://user:secret-pw@127.0.0.1:${s.port}/`), opts({ allowlist: ['127.0.0.1'] })));
    expect(refused.code).toBe('credentials_in_url');
    expect(refused.message).not.toContain('secret-pw');
    expect(s.hits).toHaveLength(0);
  });

  it('previews method, URL, host and body size without leaking credentials', () => {
    expect(httpRequestPreview({ url: 'https://api.example.com:8443/v1?q=1', body: 'héllo' })).toEqual({
      method: 'GET',
      url: 'https://api.example.com:8443/v1?q=1',
      host: 'api.example.com:8443',
      body_bytes: 6,
    });
    expect(httpRequestPreview({ method: 'POST', url: 'http://u:pw@x.test/' }).url).not.toContain('pw@');
  });

  it('validates input at the boundary: unknown keys and header injection are refused', () => {
    expect(HttpRequestInput.safeParse({ url: 'http://x.test/', extra: 1 }).success).toBe(false);
    expect(HttpRequestInput.safeParse({ url: 'http://x.test/', headers: { 'x-a': 'v\r\nInjected: 1' } }).success).toBe(false);
    expect(HttpRequestInput.safeParse({ url: 'http://x.test/', headers: { 'bad name': 'v' } }).success).toBe(false);
    expect(HttpRequestInput.parse({ url: 'http://x.test/' }).method).toBe('GET');
  });
});

describe('httpRequest: redirects', () => {
  it('re-checks every hop: an allow-listed server cannot bounce the request to a blocked port', async () => {
    const inner = await hello();
    const outer = await serve((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${inner.port}/secret` }).end());
    const refused = await refusal(httpRequest(get(`http://127.0.0.1:${outer.port}/`), opts({ allowlist: [`127.0.0.1:${outer.port}`] })));
    expect(refused).toMatchObject({ code: 'blocked_address', address: '127.0.0.1' });
    expect(outer.hits).toHaveLength(1);
    expect(inner.hits).toHaveLength(0);
  });

  it('refuses a redirect from an allowed name to the metadata address', async () => {
    const s = await serve((_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    const dnsSeam = fakeDns({ 'public.test': [{ address: '127.0.0.1', family: 4 }] });
    const refused = await refusal(httpRequest(get(`http://public.test:${s.port}/`), opts({ allowlist: ['public.test'], lookup: dnsSeam.lookup })));
    expect(refused).toMatchObject({ code: 'blocked_address', host: '169.254.169.254' });
    expect(refused.range).toContain('cloud metadata');
  });

  it('follows redirects for GET, reporting the final URL, and stops a loop', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(307, { location: '/end' }).end();
      else if (req.url === '/end') res.end('arrived');
      else res.writeHead(302, { location: req.url ?? '/' }).end();
    });
    const o = opts({ allowlist: [`127.0.0.1:${s.port}`] });
    const out = await httpRequest(get(`http://127.0.0.1:${s.port}/start`), o);
    expect(out).toMatchObject({ status: 200, body: 'arrived', url: `http://127.0.0.1:${s.port}/end` });

    const loop = await refusal(httpRequest(get(`http://127.0.0.1:${s.port}/loop`), { ...o, maxRedirects: 3 }));
    expect(loop.code).toBe('too_many_redirects');
    expect(s.hits.filter((h) => h.url === '/loop')).toHaveLength(4);
  });

  it('returns a 307 to a POST as it is, but follows a 303 as a GET without the body', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/keep') res.writeHead(307, { location: '/elsewhere' }).end('moved');
      else if (req.url === '/form') res.writeHead(303, { location: '/done' }).end();
      else res.end(`${req.method} ${req.url} ${req.headers['content-type'] ?? '-'}`);
    });
    const o = opts({ allowlist: [`127.0.0.1:${s.port}`] });
    const post = (path: string): HttpRequestInput => ({ method: 'POST', url: `http://127.0.0.1:${s.port}${path}`, body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    const kept = await httpRequest(post('/keep'), o);
    expect(kept).toMatchObject({ status: 307, body: 'moved' });
    expect(kept.headers.location).toBe('/elsewhere');
    const seeOther = await httpRequest(post('/form'), o);
    expect(seeOther).toMatchObject({ status: 200, body: 'GET /done -' });
  });

  it('drops Authorization and Cookie when a redirect crosses to another origin', async () => {
    const target = await serve((req, res) => res.end(`auth=${req.headers.authorization ?? 'none'} cookie=${req.headers.cookie ?? 'none'} x=${String(req.headers['x-keep'])}`));
    const start = await serve((req, res) => {
      if (req.url === '/same') res.writeHead(302, { location: '/echo' }).end();
      else if (req.url === '/echo') res.end(`auth=${req.headers.authorization ?? 'none'}`);
      else res.writeHead(302, { location: `http://127.0.0.1:${target.port}/` }).end();
    });
    const o = opts({ allowlist: ['127.0.0.1'] });
    const headers = { Authorization: 'Bearer secret-token', Cookie: 'sid=1', 'X-Keep': 'yes' };
    expect((await httpRequest(get(`http://127.0.0.1:${start.port}/same`, { headers }), o)).body).toBe('auth=Bearer secret-token');
    expect((await httpRequest(get(`http://127.0.0.1:${start.port}/away`, { headers }), o)).body).toBe('auth=none cookie=none x=yes');
  });
});

describe('httpRequest: limits', () => {
  it('stops reading at maxResponseBytes, drops the connection and says it truncated', async () => {
    const s = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < 5 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const out = await httpRequest(get(`http://127.0.0.1:${s.port}/big`), opts({ allowlist: ['127.0.0.1'], maxResponseBytes: 100_000 }));
    expect(out.truncated).toBe(true);
    expect(out.body).toHaveLength(100_000);
    await expect.poll(() => s.closed).toEqual([{ finished: false }]);
  });

  it('does not cut a UTF-8 character in half at the cap', async () => {
    const s = await serve((_req, res) => res.end('ééééé')); // two bytes each
    const out = await httpRequest(get(`http://127.0.0.1:${s.port}/`), opts({ allowlist: ['127.0.0.1'], maxResponseBytes: 5 }));
    expect(out).toMatchObject({ body: 'éé', truncated: true });
  });

  it('times out on a server that never answers, without naming secret headers', async () => {
    const s = await serve(() => undefined);
    const failed = await failure(
      httpRequest(get(`http://127.0.0.1:${s.port}/`, { timeout_ms: 150, headers: { Authorization: 'Bearer secret-token' } }), opts({ allowlist: ['127.0.0.1'] })),
    );
    expect(failed.code).toBe('timeout');
    expect(`${failed.message} ${JSON.stringify(failed)}`).not.toContain('secret-token');
  });

  it('counts the body against the time limit too', async () => {
    const s = await serve((_req, res) => res.write('partial'));
    const failed = await failure(httpRequest(get(`http://127.0.0.1:${s.port}/`), opts({ allowlist: ['127.0.0.1'], timeoutMs: 150 })));
    expect(failed.code).toBe('timeout');
  });

  it('times out a name lookup that hangs', async () => {
    const failed = await failure(httpRequest(get('http://slow.test/'), opts({ timeoutMs: 100, lookup: () => new Promise(() => undefined) })));
    expect(failed.code).toBe('timeout');
  });

  it('stops when the caller aborts, before or during the request', async () => {
    const s = await serve(() => undefined);
    const o = opts({ allowlist: ['127.0.0.1'] });
    const url = `http://127.0.0.1:${s.port}/`;
    expect((await failure(httpRequest(get(url), o, AbortSignal.abort()))).code).toBe('aborted');
    expect(s.hits).toHaveLength(0);

    const controller = new AbortController();
    const pending = httpRequest(get(url), o, controller.signal);
    await expect.poll(() => s.hits.length).toBe(1);
    controller.abort();
    expect((await failure(pending)).code).toBe('aborted');
    await expect.poll(() => s.closed.length).toBe(1);
  });

  it('reports a connection that breaks mid-body as bad_response', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part', () => res.socket?.destroy());
    });
    const failed = await failure(httpRequest(get(`http://127.0.0.1:${s.port}/`), opts({ allowlist: ['127.0.0.1'] })));
    expect(failed.code).toBe('bad_response');
  });

  it('answers HEAD with an empty body', async () => {
    const s = await hello();
    const out = await httpRequest({ method: 'HEAD', url: `http://127.0.0.1:${s.port}/` }, opts({ allowlist: ['127.0.0.1'] }));
    expect(out).toMatchObject({ status: 200, body: '', truncated: false });
  });
});
