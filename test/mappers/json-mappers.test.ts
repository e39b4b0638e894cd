// Mappers over real records of ../shared/corpus/json: each producer's fields land
// where the spec says (section 1) whatever the document shape.
import { describe, expect, it } from 'vitest';
import { jsonFile, jsonLines } from '../helpers/corpus.js';
import { jsonDialect, mapJsonRecord } from '../../src-core/ingest/mappers/json-record.js';
import type { MapResult } from '../../src-core/ingest/mappers/types.js';
import type { MappedItem } from '../../src-core/model/events.js';

const ctx = { ref: 'test', localOffsetMinutes: 0 };
function items(r: MapResult): MappedItem[] {
  if ('skip' in r) throw new Error(`skipped: ${r.skip}`);
  return r.items;
}
function one<K extends MappedItem['kind']>(r: MapResult, kind: K): Extract<MappedItem, { kind: K }> {
  const found = items(r).filter((i) => i.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<MappedItem, { kind: K }>;
}

describe('Security-Datasets (flattened Windows events)', () => {
  const psexec = jsonLines('json', 'security-datasets', 'cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json');
  const find = (pred: (r: Record<string, unknown>) => boolean) => psexec.find(pred)!;

  it('maps Sysmon 1 with UtcTime as the start, GUIDs lowercased without braces, hashes parsed', () => {
    const rec = find((r) => r['EventID'] === 1 && r['Image'] === 'C:\\Windows\\PSEXESVC.exe');
    expect(jsonDialect(rec)).toBe('security-datasets');
    const ev = one(mapJsonRecord(rec, { ref: 'line 9', localOffsetMinutes: -240 }), 'process');
    expect(ev).toMatchObject({
      host: 'WORKSTATION5', time: '2020-10-19T07:30:46.4350000Z', source: 'sysmon:1', ref: 'line 9',
      proc: 'guid:39e4a257-40a6-5f8d-a105-000000000700', pid: 1460, path: 'C:\\Windows\\PSEXESVC.exe', name: 'PSEXESVC.exe',
      commandLine: 'C:\\windows\\PSEXESVC.exe', user: 'NT AUTHORITY\\SYSTEM', signature: 'unknown',
      hashes: {
        sha256: '141b2190f51397dbd0dfde0e3904b264c91b6f81febc823ff0c33da980b69944',
        sha1: 'a17c21b909c56d93d978014e63fb06926eaea8e7', md5: '75b55bb34dac9d02740b9ad6b6820360',
      },
      parent: { proc: 'guid:39e4a257-f131-5f8b-0b00-000000000700', pid: 716, path: 'C:\\Windows\\System32\\services.exe', name: 'services.exe' },
    });
  });

  it('maps 4688 with hex pids, the record time shifted to UTC, and the creator pid', () => {
    const rec = find((r) => r['EventID'] === 4688 && r['NewProcessName'] === 'C:\\Windows\\PSEXESVC.exe');
    const ev = one(mapJsonRecord(rec, { ref: 'x', localOffsetMinutes: -240 }), 'process');
    expect(ev).toMatchObject({
      time: '2020-10-19T07:30:46.4350000Z', proc: 'pt:2020-10-19T07:30:46.4350000Z#1460', pid: 0x5b4,
      parent: { proc: null, pid: 0x2cc, path: 'C:\\Windows\\System32\\services.exe', name: 'services.exe' },
      user: 'WORKGROUP\\WORKSTATION5$', security4688: true,
    });
  });

  it('maps 4697 and 7045 service installs', () => {
    const s4697 = one(mapJsonRecord(find((r) => r['EventID'] === 4697), ctx), 'service');
    expect(s4697).toMatchObject({ serviceName: 'PSEXESVC', imagePath: '%SystemRoot%\\PSEXESVC.exe', account: 'LocalSystem', startType: '3', serviceType: '0x10' });
    const s7045 = one(mapJsonRecord(find((r) => r['EventID'] === 7045), ctx), 'service');
    expect(s7045).toMatchObject({ source: 'system:7045', serviceName: 'PSEXESVC', imagePath: '%SystemRoot%\\PSEXESVC.exe', startType: 'demand start' });
  });

  it('maps Sysmon 3 with the Source side as remote when Initiated is false (7.10)', () => {
    const inbound = find((r) => r['EventID'] === 3 && r['Initiated'] === 'false');
    const ev = one(mapJsonRecord(inbound, ctx), 'network');
    expect(ev).toMatchObject({ remoteIp: 'fe80:0:0:0:90e:17af:263c:5209', remotePort: 58391, localPort: 445, direction: 'inbound', remoteName: null });
    const outbound = one(mapJsonRecord(find((r) => r['EventID'] === 3 && r['Initiated'] === 'true'), ctx), 'network');
    expect(outbound).toMatchObject({ remotePort: 445, localPort: 58391, direction: 'outbound' });
  });

  it('maps Sysmon 7 and 11, and skips what the hunt does not use with a reason', () => {
    const img = one(mapJsonRecord(find((r) => r['EventID'] === 7), ctx), 'image');
    expect(img.dllPath).toMatch(/\.(dll|exe)$/i);
    expect(typeof img.signed).toBe('boolean');
    const file = one(mapJsonRecord(find((r) => r['EventID'] === 11), ctx), 'file');
    expect(file.action).toBe('created');
    expect(mapJsonRecord(find((r) => r['EventID'] === 10), ctx)).toEqual({ skip: 'Sysmon event 10: not used by the hunt' });
    expect(mapJsonRecord(find((r) => r['EventID'] === 4658), ctx)).toEqual({ skip: 'Security event 4658: not used by the hunt' });
  });
});

describe('Defender Streaming API', () => {
  const lines = jsonLines('json', 'defender', 'streaming-api-excerpt.ndjson');
  const byTable = (t: string) => lines.find((l) => l['category'] === `AdvancedHunting-${t}`)!;

  it('maps a DeviceProcessEvents row: the new process, its initiating parent, and the parent as an implied service process', () => {
    const r = items(mapJsonRecord(byTable('DeviceProcessEvents'), ctx));
    const start = r.find((i) => i.kind === 'process')!;
    const actor = r.find((i) => i.kind === 'implied')!;
    expect(start).toMatchObject({ source: 'defender:DeviceProcessEvents', name: 'smartscreen.exe', parent: { name: 'svchost.exe' } });
    expect(actor).toMatchObject({ name: 'svchost.exe', parent: { name: 'services.exe' } });
    expect(start.kind === 'process' && start.parent.proc).toBe(actor.kind === 'implied' && actor.proc);
    expect(start.kind === 'process' && start.dedupeKey).toBe('defender|4824|testmachine6|2022-11-09T17:59:52.626');
  });

  it('maps file and image-load rows to the acting service process through (pid, creation time)', () => {
    const f = items(mapJsonRecord(byTable('DeviceFileEvents'), ctx));
    const file = f.find((i) => i.kind === 'file')!;
    const actor = f.find((i) => i.kind === 'implied')!;
    expect(file).toMatchObject({ targetPath: 'C:\\Windows\\System32\\VMAgentDisabler.dll', action: 'FileCreated' });
    expect(actor).toMatchObject({
      name: 'WaAppAgent.exe', pid: 5692, time: '2022-11-07T16:45:10.3952444Z', parent: { name: 'services.exe' },
      hashes: { sha256: 'add683a6910abbbf0e28b557fad0ba998166394932ae2aca069d9aa19ea8fe88' },
    });
    expect(file.kind === 'file' && file.proc).toBe('pt:2022-11-07T16:45:10.3952444Z#5692');
    const img = one(mapJsonRecord(byTable('DeviceImageLoadEvents'), ctx), 'image');
    expect(img.dllPath).toMatch(/System\.Management\.ni\.dll$/);
  });

  it('skips certificate info; keeps every DeviceNetworkEvents row, with no actor when the row has none', () => {
    expect(mapJsonRecord(byTable('DeviceFileCertificateInfo'), ctx)).toEqual({ skip: 'DeviceFileCertificateInfo row: not used by the hunt' });
    const inspected = lines.find((l) => (l['properties'] as Record<string, unknown>)['ActionType'] === 'NetworkSignatureInspected')!;
    expect(one(mapJsonRecord(inspected, ctx), 'network')).toMatchObject({ proc: null, remoteIp: '175.16.199.0', remotePort: 88, host: 'janeslaptop1.corporatedomain' });
  });
});

describe('Elastic documents', () => {
  it('Elastic Defend process start with signature, hashes and entity ids', () => {
    const ev = one(mapJsonRecord(jsonFile('json', 'elastic-defend', 'process_sample_event.json'), ctx), 'process');
    expect(ev).toMatchObject({
      host: 'data-viz-win-1', time: '2022-04-04T18:53:08.6578986Z', name: 'svchost.exe', pid: 2772, signature: 'trusted',
      signer: 'Microsoft Windows Publisher', user: 'NT AUTHORITY\\SYSTEM',
      proc: 'ent:NGM5YzljYjMtZjgwZi00NGQ4LTljODktNjE2ODI0M2I3ZjIxLTI3NzItMTMyOTM1NzE5ODguNjU3ODk4NjAw',
      parent: { name: 'services.exe', pid: 600, path: 'C:\\Windows\\System32\\services.exe' },
    });
  });

  it('Elastic Defend library events are image loads even when tagged category process / type start', () => {
    const ev = one(mapJsonRecord(jsonFile('json', 'elastic-defend', 'library_loaded_windows.json'), ctx), 'image');
    expect(ev).toMatchObject({ dllPath: 'C:\\Windows\\System32\\driver.dll', signature: 'untrusted', signed: true });
  });

  it('Elastic Defend network and file events', () => {
    const n = one(mapJsonRecord(jsonFile('json', 'elastic-defend', 'network_outbound_connection_attempt_windows.json'), ctx), 'network');
    expect(n).toMatchObject({ remoteIp: '192.168.10.100', remotePort: 12345, localIp: '10.0.1.20', direction: 'outbound' });
    const f = one(mapJsonRecord(jsonFile('json', 'elastic-defend', 'file_modified_windows.json'), ctx), 'file');
    expect(f.targetPath.length).toBeGreaterThan(3);
  });

  it('Elastic Sysmon DNS (22) gives the queried name to the process', () => {
    const ev = one(mapJsonRecord(jsonFile('json', 'elastic-sysmon', 'sample_event.json'), ctx), 'network');
    expect(ev).toMatchObject({ remoteName: 'www.msn.com', proc: 'guid:fa4a0de6-e8a9-5d2f-0000-001053699900', pid: 2736, action: 'dns query' });
  });

  it('an image load with a failed signature from winlog.event_data only', () => {
    const doc = (jsonFile('json', 'elastic-sysmon', 'test-image-loaded-failed-signature.json') as { events: unknown[] }).events[0];
    const ev = one(mapJsonRecord(doc, ctx), 'image');
    expect(ev).toMatchObject({ host: 'vagrant', dllPath: 'C:\\Windows\\System32\\IDStore.dll', signed: null, signature: 'unknown', time: '2020-10-28T02:39:26.3740000Z' });
  });
});

describe('Winlogbeat', () => {
  it('4688 golden: ECS fields refill the EventData the pipeline moved', () => {
    const doc = (jsonFile('json', 'winlogbeat', 'security-windows2019_4688_Process_Created.golden.json') as unknown[])[0];
    expect(jsonDialect(doc)).toBe('winlog');
    const ev = one(mapJsonRecord(doc, ctx), 'process');
    expect(ev).toMatchObject({
      host: 'vagrant', source: 'security:4688', pid: 4556, path: 'C:\\Windows\\System32\\wevtutil.exe',
      parent: { pid: 0x122c, path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' },
      time: '2019-11-14T17:10:15.1515514Z',
    });
  });

  it('4697 golden and Sysmon 1 golden (numeric event.code, upper-case GUIDs)', () => {
    const svc = one(mapJsonRecord((jsonFile('json', 'winlogbeat', 'security-windows2012_4697.golden.json') as unknown[])[0], ctx), 'service');
    expect(svc).toMatchObject({ host: 'WIN-41OB2LO92CR.wlbeat.local', serviceName: 'winlogbeat', account: 'LocalSystem' });
    const p = one(mapJsonRecord((jsonFile('json', 'winlogbeat', 'sysmon-12-processcreate.evtx.golden.json') as unknown[])[0], ctx), 'process');
    expect(p).toMatchObject({
      proc: 'guid:9f32b55f-7c4e-5f98-5803-000000000500', parent: { proc: 'guid:9f32b55f-6fdf-5f98-7000-000000000500', name: 'explorer.exe' },
      path: 'C:\\Windows\\System32\\notepad.exe', user: 'VAGRANT\\vagrant',
    });
  });
});

describe('Elastic fields API and dotted keys', () => {
  it('reads a hit with `fields` (dotted keys, array values) and uses _id as the duplicate key', () => {
    const hit = {
      _index: 'logs-endpoint.events.process-default', _id: 'abc123',
      fields: {
        '@timestamp': ['2024-01-02T03:04:05.123Z'], 'host.name': ['WS07'], 'event.category': ['process'], 'event.type': ['start'],
        'process.name': ['evil.exe'], 'process.executable': ['C:\\evil.exe'], 'process.pid': [42],
        'process.parent.name': ['services.exe'], 'process.entity_id': ['ZXZpbA=='],
      },
    };
    const ev = one(mapJsonRecord(hit, ctx), 'process');
    expect(ev).toMatchObject({ host: 'WS07', name: 'evil.exe', pid: 42, dedupeKey: 'json|abc123', proc: 'ent:ZXZpbA==', parent: { name: 'services.exe' } });
  });

  it('reads mixed nested and dotted keys', () => {
    const doc = {
      '@timestamp': '2024-01-02T03:04:05Z', host: { name: 'WS08' }, 'event.category': 'network',
      process: { 'entity_id': 'x1', pid: 7 }, 'destination.ip': '8.8.8.8', destination: { port: 53 },
    };
    expect(one(mapJsonRecord(doc, ctx), 'network')).toMatchObject({ host: 'WS08', remoteIp: '8.8.8.8', remotePort: 53, proc: 'ent:x1', pid: 7 });
  });

  it('content-keys documents without _id so that key order does not matter', () => {
    const a = { '@timestamp': '2024-01-02T03:04:05Z', host: { name: 'A' }, event: { category: 'file' }, file: { path: 'C:\\a' } };
    const b = { file: { path: 'C:\\a' }, event: { category: 'file' }, host: { name: 'A' }, '@timestamp': '2024-01-02T03:04:05Z' };
    const ka = one(mapJsonRecord(a, ctx), 'file').dedupeKey;
    expect(ka).toBe(one(mapJsonRecord(b, ctx), 'file').dedupeKey);
    expect(ka).toMatch(/^json#/);
  });
});
