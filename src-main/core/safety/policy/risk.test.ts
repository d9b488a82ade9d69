// Risk classification: unknown risks, new hosts, moves out of Downloads, physical-safety and critical entities, and never lowering.
import { describe, expect, it } from 'vitest';
import { RISKS, classifyRisk, isPhysicalSafetyEntity, maxRisk, type RiskInput } from './index';

const HOME = '/home/ada';
const base = (over: Partial<RiskInput>): RiskInput => ({
  tool: 'echo',
  baseRisk: 'none',
  input: {},
  knownHosts: new Set(['api.known.com', 'known.com:8443']),
  criticalEntities: new Set(['light.nursery']),
  downloadsDir: `${HOME}/Downloads`,
  homeDir: HOME,
  ...over,
});

describe('unknown base risk', () => {
  it.each([['severe'], [''], [null], [undefined], ['CRITICAL']])('%j is critical', (baseRisk) => {
    const r = classifyRisk(base({ baseRisk }));
    expect(r.risk).toBe('critical');
    expect(r.reasons[0]).toMatch(/^unknown risk/);
  });

  it('keeps a known base risk when nothing raises it', () => {
    for (const risk of RISKS) expect(classifyRisk(base({ baseRisk: risk }))).toEqual({ risk, reasons: [] });
  });
});

describe('http_request', () => {
  const http = (input: unknown, baseRisk = 'none'): ReturnType<typeof classifyRisk> => classifyRisk(base({ tool: 'http_request', baseRisk, input }));

  it('raises a POST to a new host to medium', () => {
    expect(http({ method: 'POST', url: 'https://example.com/hook' })).toEqual({ risk: 'medium', reasons: ['POST to a new host example.com'] });
  });

  it('raises any other call to a new host to low', () => {
    expect(http({ method: 'GET', url: 'https://example.com/' })).toEqual({ risk: 'low', reasons: ['GET to a new host example.com'] });
    expect(http({ method: 'HEAD', url: 'https://example.com/' }).risk).toBe('low');
    expect(http({ url: 'https://example.com/' }).risk).toBe('low');
    for (const method of ['PUT', 'PATCH', 'DELETE', 'get', 7]) expect(http({ method, url: 'https://example.com/' }).risk).toBe('medium');
  });

  it('leaves known hosts alone, whatever the case of the name', () => {
    expect(http({ method: 'POST', url: 'https://API.Known.com/x' })).toEqual({ risk: 'none', reasons: [] });
  });

  it('treats another port as another host', () => {
    expect(http({ method: 'POST', url: 'https://known.com:8443/x' }).risk).toBe('none');
    expect(http({ method: 'POST', url: 'https://known.com/x' }).reasons).toEqual(['POST to a new host known.com']);
    expect(http({ method: 'POST', url: 'https://api.known.com:444/x' }).reasons).toEqual(['POST to a new host api.known.com:444']);
  });

  it('raises an unreadable URL to medium', () => {
    expect(http({ url: 'not a url' }).risk).toBe('medium');
    expect(http({}).risk).toBe('medium');
    expect(http(null).risk).toBe('medium');
  });

  it('never lowers the base risk and only explains raises', () => {
    expect(http({ method: 'GET', url: 'https://example.com/' }, 'high')).toEqual({ risk: 'high', reasons: [] });
    expect(http({ method: 'POST', url: 'https://example.com/' }, 'medium')).toEqual({ risk: 'medium', reasons: [] });
  });
});

describe('daemon.file_move', () => {
  const move = (from: unknown, to: unknown, over: Partial<RiskInput> = {}): ReturnType<typeof classifyRisk> =>
    classifyRisk(base({ tool: 'daemon.file_move', baseRisk: 'medium', input: { from, to }, ...over }));

  it('raises a move out of Downloads to high', () => {
    expect(move('~/Downloads/report.pdf', '~/Documents/report.pdf')).toEqual({ risk: 'high', reasons: ['moves a file out of Downloads'] });
    expect(move(`${HOME}/Downloads/a/b.txt`, `${HOME}/Desktop/b.txt`).risk).toBe('high');
  });

  it('leaves moves within Downloads and moves into it', () => {
    expect(move('~/Downloads/a.txt', '~/Downloads/sorted/a.txt')).toEqual({ risk: 'medium', reasons: [] });
    expect(move('~/Desktop/a.txt', '~/Downloads/a.txt')).toEqual({ risk: 'medium', reasons: [] });
    expect(move('~/Desktop/a.txt', '~/Documents/a.txt')).toEqual({ risk: 'medium', reasons: [] });
  });

  it('sees through .. and case tricks', () => {
    expect(move('~/Documents/../Downloads/a.txt', '~/Documents/a.txt').risk).toBe('high');
    expect(move('~/downloads/a.txt', '~/Documents/a.txt').risk).toBe('high');
    expect(move('~/Downloads/a.txt', '~/Downloads/../Documents/a.txt').risk).toBe('high');
  });

  it('raises a move outside the home folder to high', () => {
    expect(move('~/Desktop/a.txt', '/tmp/a.txt')).toEqual({ risk: 'high', reasons: ['moves a file outside the home folder (to /tmp/a.txt)'] });
    expect(move('~/Desktop/a.txt', '~/../eve/a.txt').risk).toBe('high');
    expect(move('~/Downloads/a.txt', '/srv/a.txt').reasons).toHaveLength(2);
  });

  it('raises paths it cannot place to high', () => {
    expect(move('a.txt', '~/Documents/a.txt').risk).toBe('high');
    expect(move('~/Downloads/a.txt', 'Documents/a.txt').risk).toBe('high');
    expect(move('~eve/a.txt', '~/a.txt').risk).toBe('high');
    expect(move(undefined, '~/a.txt').risk).toBe('high');
  });

  it('accepts a Downloads folder written with ~', () => {
    expect(move('~/Downloads/a.txt', '~/Documents/a.txt', { downloadsDir: '~/Downloads' }).risk).toBe('high');
  });

  it('reads Windows homes with either slash and any case', () => {
    const win = { homeDir: 'C:\\Users\\Ada', downloadsDir: 'C:\\Users\\Ada\\Downloads' };
    expect(move('C:/Users/Ada/downloads/a.txt', 'C:\\Users\\Ada\\Documents\\a.txt', win).reasons).toEqual(['moves a file out of Downloads']);
    expect(move('c:\\users\\ada\\Desktop\\a.txt', 'D:\\a.txt', win).risk).toBe('high');
  });
});

describe('entities', () => {
  const call = (input: unknown, tool = 'ha.toggle'): ReturnType<typeof classifyRisk> => classifyRisk(base({ tool, baseRisk: 'low', input }));

  it('makes physical-safety entities critical', () => {
    expect(call({ entity_id: 'lock.front_door' })).toEqual({ risk: 'critical', reasons: ['lock.front_door is in the physical-safety tier'] });
    expect(call({ entity_id: ['light.hall', 'cover.garage_door'] }).risk).toBe('critical');
    expect(call({ entity_id: 'switch.garage_opener' }).risk).toBe('critical');
    expect(call({ entity_id: 'alarm_control_panel.home' }).risk).toBe('critical');
  });

  it('finds entity ids in nested targets, comma lists and odd spellings', () => {
    expect(call({ target: { entity_id: 'Lock.Front_Door' } }).risk).toBe('critical');
    expect(call({ data: { entity_id: 'light.hall, lock.back' } }).risk).toBe('critical');
    expect(call({ entity_id: ' lock.back ' }).risk).toBe('critical');
  });

  it('makes entities the person marked critical critical', () => {
    expect(call({ entity_id: 'light.nursery' })).toEqual({ risk: 'critical', reasons: ['light.nursery is marked critical'] });
    expect(classifyRisk(base({ baseRisk: 'low', input: { entity_id: 'light.nursery' }, criticalEntities: new Set(['Light.Nursery']) })).risk).toBe('critical');
  });

  it('leaves ordinary entities at the base risk', () => {
    expect(call({ entity_id: 'light.hall' })).toEqual({ risk: 'low', reasons: [] });
  });

  it('treats ids that could name anything as critical', () => {
    for (const entity_id of ['all', '{{ states.lock }}', '', 'lock', 42, null, [1]]) expect(call({ entity_id }).risk, JSON.stringify(entity_id)).toBe('critical');
  });

  it('treats inputs too deep to read as critical', () => {
    let deep: unknown = { entity_id: 'light.hall' };
    for (let i = 0; i < 100; i += 1) deep = { next: deep };
    expect(call(deep).risk).toBe('critical');
  });
});

describe('ha.call_service', () => {
  const svc = (input: unknown): ReturnType<typeof classifyRisk> => classifyRisk(base({ tool: 'ha.call_service', baseRisk: 'medium', input }));

  it('makes lock, alarm and cover services critical', () => {
    expect(svc({ domain: 'lock', service: 'unlock' })).toEqual({ risk: 'critical', reasons: ['lock.unlock acts on a physical-safety device'] });
    expect(svc({ domain: 'alarm_control_panel', service: 'alarm_disarm' }).risk).toBe('critical');
    expect(svc({ domain: 'Cover', service: 'open_cover' }).risk).toBe('critical');
    expect(svc({ service: 'lock.unlock' }).risk).toBe('critical');
  });

  it('makes calls whose domain cannot be read critical', () => {
    expect(svc({ service: 'unlock' }).risk).toBe('critical');
    expect(svc({ domain: 3, service: 'x' }).risk).toBe('critical');
  });

  it('makes cross-domain services that pick entities by area critical', () => {
    expect(svc({ domain: 'homeassistant', service: 'turn_off', target: { area_id: 'front_porch' } }).risk).toBe('critical');
    expect(svc({ domain: 'homeassistant', service: 'turn_off', entity_id: 'light.porch' }).risk).toBe('medium');
    expect(svc({ domain: 'light', service: 'turn_off', target: { area_id: 'front_porch' } }).risk).toBe('medium');
  });
});

describe('isPhysicalSafetyEntity / maxRisk', () => {
  it('knows the physical-safety tier', () => {
    expect(isPhysicalSafetyEntity('lock.front_door')).toBe(true);
    expect(isPhysicalSafetyEntity('cover.living_room_blinds')).toBe(true);
    expect(isPhysicalSafetyEntity('binary_sensor.garage_door')).toBe(true);
    expect(isPhysicalSafetyEntity('light.kitchen')).toBe(false);
    expect(isPhysicalSafetyEntity('sensor.lockout_timer')).toBe(false);
  });

  it('takes the higher risk, reading unknown ones as critical', () => {
    expect(maxRisk('low', 'high')).toBe('high');
    expect(maxRisk('medium', 'none')).toBe('medium');
    expect(maxRisk('low', 'bogus' as never)).toBe('critical');
  });
});
