// The audit list's filters over the real API: time bounds (any zone), paging back with `before`, type counts, and the export as JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditExportFile, AuditList, AuditTypeCounts } from '../../src-shared/contract';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

let j: JarvisProcess;
beforeAll(async () => {
  j = await startJarvis();
  // Each verification appends one `audit.verified` row; a few of them, a little apart, give rows at distinct times.
  for (let i = 0; i < 6; i++) {
    expect((await api(j, '/v1/audit/verify')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 15));
  }
});
afterAll(async () => {
  await j?.stop();
});

const list = async (query: string) => {
  const res = await api(j, `/v1/audit?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return AuditList.parse(res.body).events;
};

/** The same instant written in another zone, as a person's clock might give it. */
function inZone(iso: string, offsetHours: number): string {
  const shifted = new Date(Date.parse(iso) + offsetHours * 3_600_000).toISOString().slice(0, 23);
  const sign = offsetHours >= 0 ? '+' : '-';
  return `${shifted}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
}

describe('GET /v1/audit time bounds', () => {
  it('since is inclusive, until exclusive, and both may be written in any zone', async () => {
    const verified = await list('type=audit.verified&limit=100');
    expect(verified.length).toBe(6);
    const third = verified[2];
    const fifth = verified[4];
    if (!third || !fifth) throw new Error('rows missing');
    const inRange = await list(`type=audit.verified&since=${encodeURIComponent(third.ts)}&until=${encodeURIComponent(fifth.ts)}`);
    expect(inRange.map((e) => e.id)).toEqual(verified.filter((e) => e.ts >= third.ts && e.ts < fifth.ts).map((e) => e.id));
    expect(inRange[0]?.id).toBe(third.id);
    expect(inRange.some((e) => e.id === fifth.id)).toBe(false);

    const zoned = await list(`type=audit.verified&since=${encodeURIComponent(inZone(third.ts, 2))}&until=${encodeURIComponent(inZone(fifth.ts, -5))}`);
    expect(zoned.map((e) => e.id)).toEqual(inRange.map((e) => e.id));
  });

  it('a time bound combines with the trace filter', async () => {
    const [first] = await list('limit=1&after=0');
    if (!first) throw new Error('no rows');
    const sameTrace = await list(`trace_id=${first.trace_id}&since=${encodeURIComponent(first.ts)}`);
    expect(sameTrace.every((e) => e.trace_id === first.trace_id && e.ts >= first.ts)).toBe(true);
    expect(sameTrace[0]?.id).toBe(first.id);
  });

  it('refuses a time that is not ISO 8601 with a zone, and a range that ends before it starts', async () => {
    const bad = await api(j, '/v1/audit?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details).toEqual([{ field: 'since', problem: expect.stringMatching(/ISO 8601/) }]);
    const noZone = await api(j, '/v1/audit?until=2025-01-01T10:00:00');
    expect(noZone.status).toBe(400);
    const backwards = await api(j, '/v1/audit?since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error?.details).toEqual([{ field: 'until', problem: 'must be later than since' }]);
  });
});

describe('GET /v1/audit paging back', () => {
  it('before gives the newest rows older than a row, oldest first, so pages join without gaps', async () => {
    const all = await list('limit=1000&after=0');
    const newest = await list('limit=3');
    const oldestShown = newest[0];
    if (!oldestShown) throw new Error('no rows');
    const older = await list(`limit=3&before=${oldestShown.id}`);
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(older.length).toBe(3);
    expect([...older, ...newest].map((e) => e.id)).toEqual(all.map((e) => e.id).filter((id) => id >= (older[0]?.id ?? 0) && id <= (newest.at(-1)?.id ?? 0)));
    expect(older.at(-1)?.id).toBe(oldestShown.id - 1);
  });
});

describe('GET /v1/audit/types', () => {
  it('lists each type with its count', async () => {
    const res = await api(j, '/v1/audit/types');
    expect(res.status).toBe(200);
    const { types } = AuditTypeCounts.parse(res.body);
    const verified = types.find((t) => t.type === 'audit.verified');
    expect(verified?.count).toBe((await list('type=audit.verified&limit=1000')).length);
    expect(types.map((t) => t.type)).toEqual([...types.map((t) => t.type)].sort());
  });
});

describe('GET /v1/audit/export?format=json', () => {
  it('carries exactly the lines of the file, with its name', async () => {
    const [row] = await list('type=audit.verified&limit=1');
    if (!row) throw new Error('no row');
    const file = await fetch(`${j.url}/v1/audit/export?trace_id=${row.trace_id}`, { headers: { authorization: `Bearer ${j.token}` } });
    const text = await file.text();
    const res = await api(j, `/v1/audit/export?trace_id=${row.trace_id}&format=json`);
    expect(res.status).toBe(200);
    const json = AuditExportFile.parse(res.body);
    // The verification line is computed at request time; the event lines are the same rows.
    expect(json.lines.slice(0, -1)).toEqual(text.trimEnd().split('\n').slice(0, -1));
    expect(json.filename).toBe(`trace-${row.trace_id}.jsonl`);
    expect(file.headers.get('content-disposition')).toContain(json.filename);
    expect((await api(j, `/v1/audit/export?trace_id=${row.trace_id}&format=xml`)).body.error?.details).toEqual([
      { field: 'format', problem: expect.stringMatching(/jsonl|json/) },
    ]);
  });
});
