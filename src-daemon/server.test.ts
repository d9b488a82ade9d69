// startDaemon in-process (as the app's tests use it): greets with its id and key, answers pings, closes cleanly and audits both ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createPairingCode, startDaemon } from '.';
import { verifyAudit } from './audit';
import { openStore } from './store';

describe('startDaemon', () => {
  it('greets, answers, refuses browsers, and closes', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-daemon-server-'));
    fs.writeFileSync(path.join(home, 'capabilities.json'), JSON.stringify({ version: 1, capabilities: { noop: { risk: 'none', confirm: 'never' } } }));
    const daemon = await startDaemon({ home, port: 0 });
    expect(createPairingCode(home).daemonId).toBe(daemon.daemonId);
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}`);
    const messages: unknown[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'ping', id: 'a' }));
    await expect.poll(() => messages.length).toBe(2);
    expect(messages).toEqual([{ type: 'hello', daemon_id: daemon.daemonId, daemon_key: daemon.publicKey.toString('base64url'), protocol: 1 }, { type: 'pong', id: 'a' }]);

    const browser = new WebSocket(`ws://127.0.0.1:${daemon.port}`, { origin: 'https://example.com' });
    const refused = await new Promise<string>((resolve) => browser.once('error', (err) => resolve(err.message)));
    expect(refused).toMatch(/403/);

    ws.close();
    await daemon.close();
    const store = openStore(home, { readonly: true });
    const types = store.db.prepare('SELECT type FROM audit_events ORDER BY id').pluck().all();
    expect(types).toEqual(['daemon.started', 'pairing.code_created', 'daemon.stopped']);
    expect(verifyAudit(store.db).ok).toBe(true);
    store.close();
  });
});
