// EvtxECmd rows by hand, shaped as EvtxECmd 2026.5 writes them (facts from its source,
// see src-core/ingest/evtxecmd/format.ts): detection by header and keys, the Payload's
// XML-as-JSON shapes, the mapping into the Windows mapper, and bad rows.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { corpus, jsonLines } from '../helpers/corpus.js';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { detectHead } from '../../src-core/ingest/detect.js';
import { jsonDialect, mapJsonRecord } from '../../src-core/ingest/mappers/json-record.js';
import { payloadData } from '../../src-core/ingest/evtxecmd/payload.js';
import { mapEvtxECmd } from '../../src-core/ingest/evtxecmd/map.js';
import { RecordError, type MapResult } from '../../src-core/ingest/mappers/types.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import type { MappedItem } from '../../src-core/model/events.js';
import { CSV_COLUMNS, csvField, evtxecmdCsv, evtxecmdRecords } from './render-evtxecmd.js';

const dir = tempDir('longtail-evtxecmd-map-');
const cleanups: Array<() => void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
afterAll(() => cleanups.forEach((c) => c()));

function items(r: MapResult): MappedItem[] {
  if ('skip' in r) throw new Error(`skipped: ${r.skip}`);
  return r.items;
}

const HEADER_2026 = CSV_COLUMNS.join(',');
/** The column order Timeline Explorer's EvtxECmd file spec expects (an older EvtxECmd). */
const HEADER_OLD =
  'RecordNumber,EventRecordId,TimeCreated,EventId,Level,Provider,Channel,ProcessId,ThreadId,Computer,UserId,MapDescription,ChunkNumber,' +
  'UserName,RemoteHost,PayloadData1,PayloadData2,PayloadData3,PayloadData4,PayloadData5,PayloadData6,ExecutableInfo,HiddenRecord,SourceFile,Payload,Keywords,ExtraDataOffset';

const data = (pairs: Array<[string, string | null]>) =>
  JSON.stringify({ EventData: { Data: pairs.map(([n, v]) => (v === null ? { '@Name': n } : { '@Name': n, '#text': v })) } });

/** A Sysmon 1 of a service process, as EvtxECmd writes its Payload (GUIDs bare, `>` escaped). */
const SYSMON1 = data([
  ['RuleName', '-'], ['UtcTime', '2026-10-20 09:00:00.123'], ['ProcessGuid', '5770385f-c22a-43e0-bf4c-06f5698ffbd9'],
  ['ProcessId', '4100'], ['Image', 'C:\\Windows\\Temp\\a7f3.exe'], ['FileVersion', null],
  ['CommandLine', 'C:\\Windows\\Temp\\a7f3.exe -c "echo x &gt; y &amp;&amp; del z"'], ['CurrentDirectory', 'C:\\Windows\\system32\\'],
  ['User', 'NT AUTHORITY\\SYSTEM'], ['LogonGuid', '5770385f-0000-0000-0000-0020e7030000'], ['LogonId', '0x3E7'],
  ['Hashes', 'SHA256=AB' + 'AB'.repeat(31)], ['ParentProcessGuid', '5770385f-0001-0000-0000-000000000700'], ['ParentProcessId', '680'],
  ['ParentImage', 'C:\\Windows\\System32\\services.exe'], ['ParentCommandLine', 'C:\\Windows\\system32\\services.exe'],
]);

function row(fields: Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>>): string {
  const base = {
    RecordNumber: 7, EventRecordId: '7', TimeCreated: '2026-10-20 09:00:00.1251234', EventId: 1, Level: 'Info',
    Provider: 'Microsoft-Windows-Sysmon', Channel: 'Microsoft-Windows-Sysmon/Operational', ProcessId: 2044, ThreadId: 3112,
    Computer: 'WS01.corp.local', ChunkNumber: 0, UserId: 'S-1-5-18', MapDescription: 'Process creation', HiddenRecord: false,
    SourceFile: 'C:\\Triage\\Sysmon.evtx', Keywords: '0x8000000000000000', ExtraDataOffset: 0, Payload: SYSMON1,
  } as Record<string, string | number | boolean | null>;
  const r = { ...base, ...fields };
  return CSV_COLUMNS.map((c) => csvField(r[c] ?? null)).join(',');
}

function csvFile(name: string, rows: string[], header = HEADER_2026): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`);
  return f;
}

describe('detection by content', () => {
  const head = (s: string) => detectHead(Buffer.from(s, 'utf8'));

  it('recognises EvtxECmd CSV by its columns, in 2026.5 order or an older one, with or without BOM', () => {
    expect(head(`\uFEFF${HEADER_2026}\r\n${row({})}\r\n`)).toMatchObject({ family: 'evtxecmd-csv', encoding: 'utf-8' });
    expect(head(`${HEADER_OLD}\r\n`)).toMatchObject({ family: 'evtxecmd-csv' });
    expect(head(HEADER_2026.toLowerCase())).toMatchObject({ family: 'evtxecmd-csv' });
  });

  it('names an EvtxECmd CSV without its Payload column, which cannot be mapped', () => {
    const noPayload = CSV_COLUMNS.filter((c) => c !== 'Payload').join(',');
    expect(head(noPayload)).toMatchObject({ family: 'unknown', reason: 'EvtxECmd CSV without its Payload column (the event data): nothing to map' });
  });

  it('leaves Defender, Kibana and Hayabusa CSV as they were', () => {
    expect(head('Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,InitiatingProcessFileName\r\n').family).toBe('defender-csv');
    expect(head('"@timestamp","host.name","event.code","process.executable"\n').family).toBe('ecs-csv');
    // Hayabusa's own timeline (rule hits, abbreviated fields) is not EvtxECmd output: decision 46.
    expect(head('"Timestamp","RuleTitle","Level","Computer","Channel","EventID","RecordID","Details","ExtraFieldInfo"\r\n').family).toBe('unknown');
  });

  it('recognises an EvtxECmd --json record by its keys, and no other JSON dialect changes', () => {
    const line = {
      PayloadData1: 'Target: John-PC\\Sam', MapDescription: 'New user created', ChunkNumber: 1, Computer: 'John-PC',
      Payload: data([['TargetUserName', 'Sam']]), Channel: 'Security', Provider: 'Microsoft-Windows-Security-Auditing', EventId: 4720,
      EventRecordId: '443', ProcessId: 496, ThreadId: 1092, Level: 'LogAlways', Keywords: 'Audit success', SourceFile: 'C:\\x\\security.evtx',
      ExtraDataOffset: 0, HiddenRecord: false, TimeCreated: '2020-06-09T15:51:03.9362930+00:00', RecordNumber: 443,
    };
    expect(jsonDialect(line)).toBe('evtxecmd');
    const { Payload: _p, ...withoutPayload } = line;
    expect(jsonDialect(withoutPayload)).toBe('security-datasets');
    const sd = jsonLines('json', 'security-datasets', 'cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json');
    expect(new Set(sd.map(jsonDialect))).toEqual(new Set(['security-datasets']));
    const winlog = JSON.parse(fs.readFileSync(corpus('json', 'winlogbeat', 'security-windows2019_4688_Process_Created.golden.json'), 'utf8')) as unknown[];
    expect(new Set(winlog.map(jsonDialect))).toEqual(new Set(['winlog']));
  });

  it('does not read EvtxECmd --fj output (the whole event) as its records: decision 46', () => {
    const fj = {
      Event: {
        System: { Provider: { '@Name': 'Microsoft-Windows-Sysmon' }, EventID: '1', TimeCreated: { '@SystemTime': '2026-10-20 09:00:00.1251234' }, Computer: 'WS01' },
        EventData: JSON.parse(SYSMON1).EventData,
      },
    };
    expect(jsonDialect(fj)).toBe('unknown');
    expect(mapJsonRecord(fj, { ref: 'line 1', localOffsetMinutes: 0 })).toEqual({ skip: 'JSON document of an unknown kind' });
  });
});

describe('the Payload (Newtonsoft SerializeXmlNode of the EventData)', () => {
  it('takes named Data by name, an empty one as empty text', () => {
    const d = payloadData(SYSMON1);
    expect(d['ProcessGuid']).toBe('5770385f-c22a-43e0-bf4c-06f5698ffbd9');
    expect(d['FileVersion']).toBe('');
    expect(Object.keys(d)).toHaveLength(16);
  });

  it('reads a single Data element, written as an object rather than an array', () => {
    expect({ ...payloadData('{"EventData":{"Data":{"@Name":"param1","#text":"C:\\\\x.exe"}}}') }).toEqual({ param1: 'C:\\x.exe' });
    expect({ ...payloadData('{"EventData":{"Data":"only text"}}') }).toEqual({ Data1: 'only text' });
  });

  it('numbers unnamed Data as the EVTX reader does (Data1, Data2, … among them only), null as empty', () => {
    const d = payloadData('{"EventData":{"Data":["first",null,{"@Name":"Named","#text":"n"},"third"],"Binary":"4D-5A-90"}}');
    expect({ ...d }).toEqual({ Data1: 'first', Data2: '', Named: 'n', Data3: 'third', Binary: '4D-5A-90' });
  });

  it('reads UserData as the children of its payload element, and an empty EventData as no values', () => {
    const user = '{"UserData":{"LogFileCleared":{"SubjectUserSid":"S-1-5-21-1","SubjectUserName":"wardog","SubjectDomainName":"WS5","SubjectLogonId":"0xC61D9"}}}';
    expect(payloadData(user)).toMatchObject({ SubjectUserName: 'wardog', SubjectLogonId: '0xC61D9' });
    expect({ ...payloadData('{"EventData":null}') }).toEqual({});
    expect({ ...payloadData('{"ProcessingErrorData":{"ErrorCode":"15005"}}') }).toEqual({});
  });

  it("undoes EvtxECmd's second round of XML escaping, once (decision 45)", () => {
    const d = payloadData(data([['a', 'x &gt; y &amp;&amp; z &lt;w&gt;'], ['b', 'literal &amp;lt; stays &lt;'], ['c', 'a, b']]));
    expect(d['a']).toBe('x > y && z <w>');
    expect(d['b']).toBe('literal &lt; stays <');
    // Control characters EvtxECmd replaced by ", " cannot be told from a real ", ": kept.
    expect(d['c']).toBe('a, b');
  });

  it('keeps a Data name such as __proto__ as a plain key', () => {
    const d = payloadData(data([['__proto__', 'x'], ['Image', 'y']]));
    expect(Object.keys(d)).toEqual(['__proto__', 'Image']);
    expect(d['__proto__']).toBe('x');
  });

  it('rejects what is not EvtxECmd JSON as a bad record', () => {
    expect(() => payloadData('{"EventData":{"Data":[')).toThrow(RecordError);
    expect(() => payloadData('{"EventData":{"Data":[')).toThrow('Payload is not valid JSON');
    expect(() => payloadData('')).toThrow('empty Payload');
    expect(() => payloadData('[1,2]')).toThrow('Payload is not a JSON object');
  });
});

describe('mapping a row', () => {
  const csvRow = (f: Record<string, string>) => mapEvtxECmd(f, 'line 2');
  const base = {
    EventRecordId: '7', RecordNumber: '7', TimeCreated: '2026-10-20 09:00:00.1251234', Provider: 'Microsoft-Windows-Sysmon',
    Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'WS01.corp.local',
  };

  it('maps Sysmon 1 through the Windows mapper with the EVTX duplicate key', () => {
    const [ev] = items(csvRow({ ...base, EventId: '1', Payload: SYSMON1 }));
    expect(ev).toMatchObject({
      kind: 'process', host: 'WS01.corp.local', time: '2026-10-20T09:00:00.1230000Z', source: 'sysmon:1', ref: 'line 2',
      dedupeKey: 'evtx|ws01|microsoft-windows-sysmon/operational|7',
      proc: 'guid:5770385f-c22a-43e0-bf4c-06f5698ffbd9', pid: 4100, path: 'C:\\Windows\\Temp\\a7f3.exe',
      commandLine: 'C:\\Windows\\Temp\\a7f3.exe -c "echo x > y && del z"',
      parent: { proc: 'guid:5770385f-0001-0000-0000-000000000700', pid: 680, name: 'services.exe' },
      hashes: { sha256: 'ab'.repeat(32) },
    });
  });

  it('maps 4688 with hex pids as EvtxECmd writes them (0x1C58) and the record time to 100 ns', () => {
    const payload = data([
      ['SubjectUserName', 'WS01$'], ['SubjectDomainName', 'CORP'], ['NewProcessId', '0x1C58'], ['NewProcessName', 'C:\\x\\evil.exe'],
      ['TokenElevationType', '%%1936'], ['ProcessId', '0x2CC'], ['CommandLine', ''], ['TargetUserName', '-'],
      ['ParentProcessName', 'C:\\Windows\\System32\\services.exe'],
    ]);
    const [ev] = items(csvRow({
      ...base, EventId: '4688', Provider: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', EventRecordId: '349350', Payload: payload,
    }));
    expect(ev).toMatchObject({
      source: 'security:4688', time: '2026-10-20T09:00:00.1251234Z', pid: 0x1c58, proc: 'pt:2026-10-20T09:00:00.1251234Z#7256',
      parent: { pid: 0x2cc, name: 'services.exe' }, user: 'CORP\\WS01$', commandLine: null, dedupeKey: 'evtx|ws01|security|349350',
    });
  });

  it('spells 4697 ServiceType as the EVTX reader does (decision 44)', () => {
    const payload = data([['ServiceName', 'PSEXESVC'], ['ServiceFileName', '%SystemRoot%\\PSEXESVC.exe'], ['ServiceType', '0x10'], ['ServiceStartType', '3'], ['ServiceAccount', 'LocalSystem']]);
    const [ev] = items(csvRow({ ...base, EventId: '4697', Provider: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', Payload: payload }));
    expect(ev).toMatchObject({ kind: 'service', serviceName: 'PSEXESVC', serviceType: '0x00000010', startType: '3' });
  });

  it('reads Sysmon 3 Initiated written True/False', () => {
    const payload = data([
      ['UtcTime', '2026-10-20 09:00:01.000'], ['ProcessGuid', '5770385f-c22a-43e0-bf4c-06f5698ffbd9'], ['ProcessId', '4100'],
      ['Image', 'C:\\Windows\\Temp\\a7f3.exe'], ['Protocol', 'tcp'], ['Initiated', 'False'], ['SourceIp', '192.0.2.7'],
      ['SourcePort', '51000'], ['DestinationIp', '10.0.0.5'], ['DestinationPort', '445'],
    ]);
    const [ev] = items(csvRow({ ...base, EventId: '3', Payload: payload }));
    expect(ev).toMatchObject({ kind: 'network', direction: 'inbound', remoteIp: '192.0.2.7', remotePort: 51000, localPort: 445 });
  });

  it('skips the events the hunt does not use on the row alone, with the EVTX wording, without reading the Payload', () => {
    expect(csvRow({ ...base, EventId: '4624', Provider: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', Payload: '{broken' }))
      .toEqual({ skip: 'Security event 4624: not used by the hunt' });
    expect(csvRow({ ...base, EventId: '13', Payload: '' })).toEqual({ skip: 'Sysmon event 13: not used by the hunt' });
    expect(csvRow({ ...base, EventId: '4000', Provider: 'Microsoft-Windows-LanguagePackSetup', Channel: 'Setup', Payload: '' }))
      .toEqual({ skip: 'Setup event 4000: not used by the hunt' });
  });

  it('takes RecordNumber when EventRecordId is empty or 0, as the EVTX reader takes the header number', () => {
    const key = (f: Record<string, string>) => {
      const [ev] = items(csvRow({ ...base, EventId: '1', Payload: SYSMON1, ...f }));
      return ev!.kind === 'implied' ? null : ev!.dedupeKey;
    };
    expect(key({ EventRecordId: '', RecordNumber: '12' })).toBe('evtx|ws01|microsoft-windows-sysmon/operational|12');
    expect(key({ EventRecordId: '0', RecordNumber: '12' })).toBe('evtx|ws01|microsoft-windows-sysmon/operational|12');
    expect(key({ EventRecordId: '0042' })).toBe('evtx|ws01|microsoft-windows-sysmon/operational|42');
  });

  it('maps a --json record (numbers, zoned time, omitted nulls) as its CSV row', () => {
    const json = {
      ChunkNumber: 0, Computer: 'WS01.corp.local', Payload: SYSMON1, Channel: base.Channel, Provider: base.Provider, EventId: 1,
      EventRecordId: '7', ProcessId: 2044, ThreadId: 3112, Level: 'Info', SourceFile: 'C:\\Triage\\Sysmon.evtx', ExtraDataOffset: 0,
      HiddenRecord: false, TimeCreated: '2026-10-20T09:00:00.1251234+00:00', RecordNumber: 7,
    };
    const fromJson = items(mapJsonRecord(json, { ref: 'line 2', localOffsetMinutes: 0 }));
    expect(fromJson).toEqual(items(csvRow({ ...base, EventId: '1', Payload: SYSMON1 })));
  });
});

describe('bad rows', () => {
  it('a CSV: each bad row is logged with its line, the others are stored', () => {
    const f = csvFile('bad.csv', [
      row({ EventRecordId: '1', RecordNumber: 1 }), // line 2: good
      row({ EventRecordId: '2', RecordNumber: 2, Payload: '{"EventData":{"Data":[{"@Name":"Image"' }), // 3: broken Payload
      row({ EventRecordId: '3', RecordNumber: 3, Computer: null }), // 4: no Computer
      row({ EventRecordId: null, RecordNumber: null }), // 5: no record id at all
      row({ EventRecordId: '5', RecordNumber: 5, TimeCreated: '20/10/2026 nine' }), // 6: bad time
      `${row({ EventRecordId: '6' })},extra`, // 7: a field too many
      row({ EventRecordId: '7', RecordNumber: 7, EventId: 4624, Provider: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', Payload: 'x' }), // 8: skipped
      row({ EventRecordId: '8', RecordNumber: 8, EventId: 'one' }), // 9: bad EventId
      row({ EventRecordId: '9', RecordNumber: 9, Payload: SYSMON1.replace('4100', '4200').replace('c22a', 'c22b') }), // 10: good
    ]);
    const c = tempCase();
    cleanups.push(c.close);
    const [r] = importFiles(c.db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'evtxecmd-csv', records: 9, stored: 2, skipped: 1, failed: 6 });
    const errors = Object.fromEntries(r!.notes.filter((n) => n.level === 'error').map((n) => [n.reason, n.refs.map((x) => x.split(':')[0])]));
    expect(errors).toEqual({
      'Payload is not valid JSON': ['line 3'],
      'no computer name': ['line 4'],
      'bad or missing EventRecordId': ['line 5'],
      'bad or missing TimeCreated': ['line 6'],
      'malformed CSV row': ['line 7'],
      'bad or missing EventId': ['line 9'],
    });
    expect(c.db.prepare('SELECT ref FROM process_event ORDER BY ref').all()).toEqual([{ ref: 'line 10' }, { ref: 'line 2' }]);
  });

  it('JSON lines: a broken Payload, a record without Computer and an invalid line are logged, the others stored', () => {
    const good = (id: number) => ({
      ChunkNumber: 0, Computer: 'WS01', Payload: SYSMON1.replace('c22a', `c2${id}a`), Channel: 'Microsoft-Windows-Sysmon/Operational',
      Provider: 'Microsoft-Windows-Sysmon', EventId: 1, EventRecordId: String(id), ProcessId: 1, ThreadId: 1, Level: 'Info',
      SourceFile: 'C:\\x.evtx', ExtraDataOffset: 0, HiddenRecord: false, TimeCreated: '2026-10-20T09:00:00.1251234+00:00', RecordNumber: id,
    });
    const { Computer: _c, ...noComputer } = good(3);
    const lines = [
      JSON.stringify(good(1)),
      JSON.stringify({ ...good(2), Payload: '{"EventData":' }),
      JSON.stringify(noComputer),
      '{"PayloadData1":"cut short',
      JSON.stringify(good(5)),
    ];
    const f = path.join(dir, 'bad.json');
    fs.writeFileSync(f, `\uFEFF${lines.join('\r\n')}\r\n`);
    const c = tempCase();
    cleanups.push(c.close);
    const [r] = importFiles(c.db, [f]).files;
    expect(r).toMatchObject({ status: 'complete', format: 'ndjson/evtxecmd', records: 5, stored: 2, failed: 3 });
    const errors = Object.fromEntries(r!.notes.filter((n) => n.level === 'error').map((n) => [n.reason, n.refs.map((x) => x.split(':')[0])]));
    expect(errors).toEqual({ 'Payload is not valid JSON': ['line 2'], 'no computer name': ['line 3'], 'invalid JSON': ['line 4'] });
  });

  it('an EvtxECmd CSV without Payload is reported, not read', () => {
    const f = csvFile('no-payload.csv', ['1,1,2026-10-20 09:00:00.1251234,1,Info'], CSV_COLUMNS.filter((c) => c !== 'Payload').join(','));
    const c = tempCase();
    cleanups.push(c.close);
    const [r] = importFiles(c.db, [f]).files;
    expect(r).toMatchObject({ status: 'failed', stored: 0 });
    expect(r!.error).toContain('EvtxECmd CSV without its Payload column');
  });
});

describe('TimeCreated written with a coarser --dt (decision 43)', () => {
  it('warns; Sysmon records still meet their EVTX twins (UtcTime), Security records do not', () => {
    const seconds = (t: string) => t.slice(0, 19);
    const sysmonLog = corpus('evtx', 'attack', 'privesc_unquoted_svc_sysmon_1_11.evtx');
    const securityLog = corpus('evtx', 'attack', 'ID4688,4697,5140-5145 PSexec remote execution + admin share.evtx');
    const sysmonCsv = path.join(dir, 'sysmon-seconds.csv');
    const securityCsv = path.join(dir, 'security-seconds.csv');
    fs.writeFileSync(sysmonCsv, evtxecmdCsv(evtxecmdRecords(sysmonLog), { dt: seconds }));
    fs.writeFileSync(securityCsv, evtxecmdCsv(evtxecmdRecords(securityLog), { dt: seconds }));
    const c = tempCase();
    cleanups.push(c.close);
    const [sysEvtx, secEvtx] = importFiles(c.db, [sysmonLog, securityLog]).files;
    const [sysCsv, secCsv] = importFiles(c.db, [sysmonCsv, securityCsv]).files;
    const warning = (r: typeof sysCsv) => r!.notes.find((n) => n.level === 'warning')?.reason;
    expect(warning(sysCsv)).toMatch(/^TimeCreated has less than millisecond precision/);
    expect(warning(secCsv)).toMatch(/^TimeCreated has less than millisecond precision/);
    expect([sysCsv!.stored, sysCsv!.duplicates]).toEqual([0, sysEvtx!.stored]);
    expect(secCsv!.stored).toBe(secEvtx!.stored);
  });
});
