// The fixture EVTX writer, checked by libevtx (evtxexport/evtxinfo from Debian's
// libevtx-utils 20181227): every value type, every builder, corpus records rebuilt
// byte-for-byte equivalent, chunk layout, and each kind of damage as libevtx sees it.
// Without libevtx-utils every test here fails (none is skipped), saying how to install it.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../helpers/corpus.js';
import type { Damage, EventSpec, EvtxValue, FieldInput, FieldTable, Kind, Origin } from '../fixtures/evtx-writer/index.js';
import {
  CHUNK_SIZE, EvtxWriter, FILE_HEADER_SIZE, SECURITY_EVENTS, SYSMON_EVENTS, SYSTEM_EVENTS, V, eventDataTemplate, evtxBytes,
  securityEvent, security4688v2, security4697, sysmonEvent, sysmonFileCreate, sysmonImageLoad, sysmonNetworkConnect,
  sysmonProcessCreate, system7045, systemTemplate, writeEvtx,
} from '../fixtures/evtx-writer/index.js';
import type { SecurityShape, SysmonEventId } from '../fixtures/evtx-writer/index.js';
import { rebuild } from './corpus-rebuild.js';
import type { LibevtxRecord } from './libevtx.js';
import { evtxexport, evtxinfo, requireLibevtx } from './libevtx.js';

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'longtail-evtx-writer-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes events, exports them with libevtx and checks it read them all without complaint. */
function roundTrip(name: string, events: EventSpec[]): LibevtxRecord[] {
  writeEvtx(file(name), events);
  const out = evtxexport(file(name));
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  expect(out.records).toHaveLength(events.length);
  const info = evtxinfo(file(name));
  expect(info).toMatchObject({ records: events.length, recovered: 0, corrupted: false, dirty: false, version: '3.1' });
  return out.records;
}

const dataOf = (r: LibevtxRecord | undefined) => (r?.data ?? []).map((d) => [d.name, d.text]);

const TEST_PROVIDER = { name: 'Longtail-Test', guid: '{0DA7F1D2-47A1-4C3E-9B77-2F4C5B6A7D81}' };
const base = (over: Partial<EventSpec> = {}): EventSpec => ({
  provider: TEST_PROVIDER, channel: 'Longtail-Test/Operational', computer: 'wks-00001.corp.contoso.local', eventId: 100,
  timeCreated: '2026-10-01T12:00:00.1234567Z', ...over,
});

it('has libevtx-utils (evtxexport, evtxinfo) to check the files with', () => {
  requireLibevtx();
});

describe('value types', () => {
  it('renders each substitution value type as libevtx renders Windows values', () => {
    const fields: Array<[string | null, EvtxValue, string]> = [
      ['String', V.str('C:\\Program Files\\a&b <c> "d" \'e\' – é ✓'), 'C:\\Program Files\\a&b <c> "d" \'e\' – é ✓'],
      ['EmptyString', V.str(''), ''],
      ['Ansi', V.ansi('ANSI text'), 'ANSI text'],
      ['Int8', V.i8(100), '100'],
      ['UInt8', V.u8(250), '250'],
      ['Int16', V.i16(30_000), '30000'],
      ['UInt16', V.u16(65_000), '65000'],
      ['Int32', V.i32(2_000_000_000), '2000000000'],
      ['UInt32', V.u32(4_000_000_000), '4000000000'],
      ['Int64', V.i64(9_000_000_000_000_000_000n), '9000000000000000000'],
      ['UInt64', V.u64(18_000_000_000_000_000_000n), '18000000000000000000'],
      ['BoolTrue', V.bool(true), 'true'],
      ['BoolFalse', V.bool(false), 'false'],
      ['BoolIrregular', V.bool(2), 'true'],
      ['Guid', V.guid('{365abb72-2584-5cc9-0000-0010ea030000}'), '{365ABB72-2584-5CC9-0000-0010EA030000}'],
      ['SizeT64', V.sizet(0xc4c, 64), '0x0000000000000c4c'],
      ['SizeT32', V.sizet(0xc4c, 32), '0x00000c4c'],
      ['FileTime', V.filetime('2026-10-01T12:00:00.1234567Z'), '2026-10-01T12:00:00.123456700Z'],
      ['SystemTime', V.systemtime(new Date(Date.UTC(2026, 9, 1, 12, 34, 56, 789))), '2026-10-01T12:34:56.789Z'],
      ['Sid', V.sid('S-1-5-21-1004336348-1177238915-682003330-10001'), 'S-1-5-21-1004336348-1177238915-682003330-10001'],
      ['WellKnownSid', V.sid('S-1-5-18'), 'S-1-5-18'],
      ['HexInt32', V.hex32(0xc4c), '0x00000c4c'],
      ['HexInt64', V.hex64(0x3e7), '0x00000000000003e7'],
      ['Binary', V.binary(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01])), 'DEADBEEF01'],
      [null, V.str('unnamed'), 'unnamed'],
    ];
    const records = roundTrip('types.evtx', [base({ eventData: fields.map(([n, v]) => [n, v]) })]);
    expect(dataOf(records[0])).toEqual(fields.map(([n, , text]) => [n, text]));
  });

  it('repeats <Data> per item of a string array, drops a NULL value, nests BinXML elements', () => {
    const records = roundTrip('composite.evtx', [base({
      eventData: [
        ['Before', V.str('x')],
        ['Items', V.strings(['one', 'two', 'three'])],
        ['Nothing', V.null()],
        ['Xml', V.binxml({ name: 'Outer', attrs: [['kind', 'a&b']], children: [{ name: 'Inner', children: ['text & more'] }, { name: 'Empty', attrs: [['k', 'v']] }] })],
        ['After', V.str('y')],
      ],
    })]);
    const data = records[0]?.data ?? [];
    expect(data.map((d) => [d.name, d.text])).toEqual([['Before', 'x'], ['Items', 'one'], ['Items', 'two'], ['Items', 'three'], ['Xml', ''], ['After', 'y']]);
    const outer = data[4]?.children[0];
    expect(outer).toMatchObject({ name: 'Outer', attrs: { kind: 'a&b' } });
    expect(outer?.children.map((c) => [c.name, c.text, c.attrs])).toEqual([['Inner', 'text & more', {}], ['Empty', '', { k: 'v' }]]);
  });

  it('writes the System part: provider, ids, levels, keywords, 100 ns time, correlation, execution, user', () => {
    const records = roundTrip('system.evtx', [
      base({
        eventId: 4242, qualifiers: 16_384, version: 3, level: 2, task: 7, opcode: 1, keywords: 0x8020000000000000n,
        timeCreated: '2026-10-01T12:00:00.0000001Z', recordId: 77, processId: 636, threadId: 7164,
        activityId: '{42422748-35ed-0000-6027-4242ed35d701}', relatedActivityId: '{11111111-2222-3333-4444-555555555555}',
        userId: 'S-1-5-21-1-2-3-500', eventData: [],
      }),
      { ...base(), provider: { name: 'Classic', guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}', eventSourceName: 'Classic Source' }, channel: 'System' },
    ]);
    expect(records[0]).toEqual({
      provider: TEST_PROVIDER.name, providerGuid: TEST_PROVIDER.guid, eventSourceName: undefined, eventId: 4242, qualifiers: '16384',
      version: '3', level: '2', task: '7', opcode: '1', keywords: '0x8020000000000000', timeCreated: '2026-10-01T12:00:00.000000100Z',
      recordId: '77', activityId: '{42422748-35ED-0000-6027-4242ED35D701}', relatedActivityId: '{11111111-2222-3333-4444-555555555555}',
      processId: '636', threadId: '7164', channel: 'Longtail-Test/Operational', computer: 'wks-00001.corp.contoso.local',
      userId: 'S-1-5-21-1-2-3-500', data: [],
    });
    // The literal layout writes provider, GUID (as given) and channel as text; the next record id follows 77.
    expect(records[1]).toMatchObject({
      provider: 'Classic', providerGuid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}', eventSourceName: 'Classic Source',
      channel: 'System', recordId: '78', version: '0', level: '4', keywords: '0x8000000000000000', userId: undefined,
    });
  });

  it('shows libevtx 20181227 quirks on negative integers and characters outside the BMP', () => {
    // Windows stores two's complement; libevtx prints "-" and the value without its sign bit.
    const records = roundTrip('quirks.evtx', [base({
      eventData: [['Int8', V.i8(-5)], ['Int16', V.i16(-30_000)], ['Int32', V.i32(-2)], ['Int64', V.i64(-2n)], ['Astral', V.str('a\u{1d11e}b')]],
    })]);
    const data = dataOf(records[0]);
    expect(data.slice(0, 4)).toEqual([['Int8', '-123'], ['Int16', '-2768'], ['Int32', '-2147483646'], ['Int64', '-9223372036854775806']]);
    // A surrogate pair (U+1D11E) comes out as another character: libevtx's UTF-16 decoding, not the bytes.
    expect(data[4]?.[1]).not.toBe('a\u{1d11e}b');
    expect(readFileSync(file('quirks.evtx')).includes(Buffer.from('a\u{1d11e}b', 'utf16le'))).toBe(true);
  });
});

/** A distinct input per field kind, and how libevtx renders it. */
function sample(kind: Kind, name: string, i: number, bits: 32 | 64): [FieldInput, string] {
  const hex = (n: bigint, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;
  switch (kind) {
    case 'string': return [`${name} <${i}> & "é"`, `${name} <${i}> & "é"`];
    case 'boolText': return [i % 2 === 0, String(i % 2 === 0)];
    case 'bool': return [i % 2 === 1, String(i % 2 === 1)];
    case 'uint16': return [40_000 + i, String(40_000 + i)];
    case 'uint32': return [3_000_000_000 + i, String(3_000_000_000 + i)];
    case 'uint64': return [10_000_000_000_000_000_000n + BigInt(i), String(10_000_000_000_000_000_000n + BigInt(i))];
    case 'hex32': return [0x1f0000 + i, hex(BigInt(0x1f0000 + i), 8)];
    case 'hex64': return [0x3e7n + BigInt(i), hex(0x3e7n + BigInt(i), 16)];
    case 'sizet': return [0xc40n + BigInt(i), hex(0xc40n + BigInt(i), bits === 32 ? 8 : 16)];
    case 'guid': {
      const g = `{365abb72-2584-5cc9-0000-0010ea03${String(i).padStart(4, '0')}}`;
      return [g, g.toUpperCase()];
    }
    case 'sid': return [`S-1-5-21-1004336348-1177238915-682003330-${1000 + i}`, `S-1-5-21-1004336348-1177238915-682003330-${1000 + i}`];
  }
}

function samples(t: FieldTable, withOptional: boolean, bits: 32 | 64 = 64): { input: Record<string, FieldInput>; expected: Array<[string, string]> } {
  const input: Record<string, FieldInput> = {};
  const expected: Array<[string, string]> = [];
  t.forEach((f, i) => {
    if (f.optional && !withOptional) return;
    const [value, text] = sample(f.kind, f.name, i, bits);
    input[f.name] = value;
    expected.push([f.name, text]);
  });
  return { input, expected };
}

const origin = (i: number): Origin => ({ computer: 'wks-00042.corp.contoso.local', time: `2026-10-02T08:00:${String(i % 60).padStart(2, '0')}.5000001Z` });

describe('builders', () => {
  it('writes every Sysmon event with its fields in order, typed, with and without the optional ones', () => {
    const ids = Object.keys(SYSMON_EVENTS).map(Number) as SysmonEventId[];
    const cases = ids.flatMap((id) => [true, false].map((opt) => ({ id, ...samples(SYSMON_EVENTS[id].fields, opt) })));
    const records = roundTrip('sysmon-all.evtx', cases.map((c, i) => sysmonEvent(c.id, origin(i), c.input)));
    cases.forEach((c, i) => {
      const r = records[i];
      expect(r, `Sysmon ${c.id}`).toMatchObject({
        provider: 'Microsoft-Windows-Sysmon', providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', eventId: c.id,
        version: String(SYSMON_EVENTS[c.id].version), level: '4', task: String(c.id), opcode: '0', keywords: '0x8000000000000000',
        channel: 'Microsoft-Windows-Sysmon/Operational', userId: 'S-1-5-18', computer: 'wks-00042.corp.contoso.local',
      });
      expect(dataOf(r), `Sysmon ${c.id}`).toEqual(c.expected);
    });
    expect(new Set(cases.map((c) => c.id)).size).toBe(11);
  });

  it('fills Sysmon RuleName with "-" and UtcTime from TimeCreated unless given', () => {
    const [r] = roundTrip('sysmon-defaults.evtx', [sysmonEvent(5, origin(7), { ProcessGuid: '{365abb72-2584-5cc9-0000-0010ea030000}', ProcessId: 4, Image: 'C:\\x.exe' })]);
    expect(dataOf(r).slice(0, 2)).toEqual([['RuleName', '-'], ['UtcTime', '2026-10-02 08:00:07.500']]);
    expect(() => sysmonEvent(5, origin(7), { ProcessId: 4, Image: 'C:\\x.exe' })).toThrow(/ProcessGuid is required/);
  });

  it('writes every Security shape, pointers as HexInt64 or HexInt32, SIDs, logon ids', () => {
    const shapes = Object.keys(SECURITY_EVENTS) as SecurityShape[];
    const cases = shapes.flatMap((shape) => ([64, 32] as const).map((bits) => ({ shape, bits, ...samples(SECURITY_EVENTS[shape].fields, true, bits) })));
    const records = roundTrip('security-all.evtx', cases.map((c, i) => securityEvent(c.shape, origin(i), c.input, { pointerBits: c.bits })));
    cases.forEach((c, i) => {
      const s = SECURITY_EVENTS[c.shape];
      expect(records[i], c.shape).toMatchObject({
        provider: 'Microsoft-Windows-Security-Auditing', providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', eventId: s.eventId,
        version: String(s.version), level: '0', task: String(s.task), opcode: '0', keywords: '0x8020000000000000', channel: 'Security',
        userId: undefined,
      });
      expect(dataOf(records[i]), `${c.shape}/${c.bits}`).toEqual(c.expected);
    });
    const v2 = records[cases.findIndex((c) => c.shape === '4688v2' && c.bits === 64)];
    expect(v2?.data.map((d) => d.name)).toEqual([
      'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'NewProcessId', 'NewProcessName', 'TokenElevationType',
      'ProcessId', 'CommandLine', 'TargetUserSid', 'TargetUserName', 'TargetDomainName', 'TargetLogonId', 'ParentProcessName', 'MandatoryLabel',
    ]);
  });

  it('writes the System 7045 service install as the Service Control Manager does', () => {
    const { input, expected } = samples(SYSTEM_EVENTS['7045'].fields, true);
    const [r] = roundTrip('system-7045.evtx', [system7045({ ...origin(1), userId: 'S-1-5-21-1-2-3-1111' }, input as never)]);
    expect(r).toMatchObject({
      provider: 'Service Control Manager', providerGuid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}', eventSourceName: 'Service Control Manager',
      eventId: 7045, qualifiers: '16384', version: '0', level: '4', task: '0', keywords: '0x8080000000000000', channel: 'System',
      userId: 'S-1-5-21-1-2-3-1111',
    });
    expect(dataOf(r)).toEqual(expected);
  });

  it('tells a planted service the way the logs would: 7045, 4697, 4688 v2 and Sysmon 1/3/7/11', () => {
    const o = (s: number): Origin => ({ computer: 'wks-00287.corp.contoso.local', time: `2026-10-20T03:14:${String(s).padStart(2, '0')}.1234567Z` });
    const svc = 'C:\\Windows\\Temp\\vbsvahat.exe';
    const guid = '{9a1b2c3d-1234-6a2b-7b00-000000000700}';
    const records = roundTrip('planted.evtx', [
      system7045({ ...o(1), userId: 'S-1-5-18' }, { ServiceName: 'vbsvahat', ImagePath: svc, ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' }),
      security4697(o(1), {
        SubjectUserSid: 'S-1-5-18', SubjectUserName: 'WKS-00287$', SubjectDomainName: 'CONTOSO', SubjectLogonId: 0x3e7,
        ServiceName: 'vbsvahat', ServiceFileName: svc, ServiceType: 0x10, ServiceStartType: 3, ServiceAccount: 'LocalSystem',
      }),
      security4688v2(o(2), {
        SubjectUserSid: 'S-1-5-18', SubjectUserName: 'WKS-00287$', SubjectDomainName: 'CONTOSO', SubjectLogonId: 0x3e7, NewProcessId: 0x1a2c,
        NewProcessName: svc, TokenElevationType: '%%1936', ProcessId: 0x2a8, CommandLine: svc, TargetUserSid: 'S-1-0-0', TargetUserName: '-',
        TargetDomainName: '-', TargetLogonId: 0, ParentProcessName: 'C:\\Windows\\System32\\services.exe', MandatoryLabel: 'S-1-16-16384',
      }),
      sysmonProcessCreate(o(2), {
        ProcessGuid: guid, ProcessId: 6700, Image: svc, FileVersion: '-', Description: '-', Product: '-', Company: '-', OriginalFileName: '-',
        CommandLine: svc, CurrentDirectory: 'C:\\Windows\\system32\\', User: 'NT AUTHORITY\\SYSTEM', LogonGuid: '{9a1b2c3d-0000-0000-e703-000000000000}',
        LogonId: 0x3e7, TerminalSessionId: 0, IntegrityLevel: 'System', Hashes: 'SHA256=AB12', ParentProcessGuid: '{9a1b2c3d-0001-6a2b-0100-000000000700}',
        ParentProcessId: 680, ParentImage: 'C:\\Windows\\System32\\services.exe', ParentCommandLine: 'C:\\Windows\\system32\\services.exe',
      }),
      sysmonNetworkConnect(o(4), {
        ProcessGuid: guid, ProcessId: 6700, Image: svc, User: 'NT AUTHORITY\\SYSTEM', Protocol: 'tcp', Initiated: true, SourceIsIpv6: false,
        SourceIp: '10.0.11.107', SourceHostname: '-', SourcePort: 51_287, SourcePortName: '-', DestinationIsIpv6: false,
        DestinationIp: '203.0.113.97', DestinationHostname: 'vbsvahat.example.net', DestinationPort: 443, DestinationPortName: 'https',
      }),
      sysmonImageLoad(o(5), {
        ProcessGuid: guid, ProcessId: 6700, Image: svc, ImageLoaded: 'C:\\Windows\\Temp\\vbsvahat.dll', FileVersion: '-', Description: '-',
        Product: '-', Company: '-', OriginalFileName: '-', Hashes: 'SHA256=CD34', Signed: false, Signature: '', SignatureStatus: 'Unavailable',
      }),
      sysmonFileCreate(o(14), { ProcessGuid: guid, ProcessId: 6700, Image: svc, TargetFilename: 'C:\\Windows\\Temp\\vbsvahat.dat', CreationUtcTime: '2026-10-20 03:14:14.123' }),
    ]);
    expect(records.map((r) => [r.eventId, r.recordId])).toEqual([[7045, '1'], [4697, '2'], [4688, '3'], [1, '4'], [3, '5'], [7, '6'], [11, '7']]);
    const data = (i: number) => Object.fromEntries(dataOf(records[i]));
    expect(data(1)).toMatchObject({ SubjectLogonId: '0x00000000000003e7', ServiceType: '0x00000010', ServiceStartType: '3' });
    expect(data(2)).toMatchObject({ NewProcessId: '0x0000000000001a2c', ProcessId: '0x00000000000002a8', MandatoryLabel: 'S-1-16-16384' });
    expect(data(3)).toMatchObject({ ProcessGuid: '{9A1B2C3D-1234-6A2B-7B00-000000000700}', LogonId: '0x00000000000003e7', ParentProcessId: '680' });
    expect(data(4)).toMatchObject({ Initiated: 'true', SourceIsIpv6: 'false', DestinationPort: '443' });
    expect(data(5)).toMatchObject({ Signed: 'false', Signature: '' });
    expect(records[0]?.timeCreated).toBe('2026-10-20T03:14:01.123456700Z');
  });

  it('rebuilds the corpus attack logs record for record: same System part, same Data as libevtx renders them', () => {
    const attack = corpus('evtx', 'attack');
    let rebuilt = 0;
    for (const name of readdirSync(attack).filter((n) => n.endsWith('.evtx')).sort()) {
      const original = evtxexport(path.join(attack, name));
      expect(original.stderr, name).toBe('');
      const pairs = original.records.flatMap((r) => {
        const spec = rebuild(r);
        return spec ? [{ r, spec }] : [];
      });
      if (pairs.length === 0) continue;
      writeEvtx(file(`rebuilt-${rebuilt}.evtx`), pairs.map((p) => p.spec));
      const ours = evtxexport(file(`rebuilt-${rebuilt}.evtx`));
      expect(ours.stderr, name).toBe('');
      expect(ours.records, name).toEqual(pairs.map((p) => p.r));
      rebuilt += pairs.length;
    }
    // Sysmon 1/3/5/7/10/11/13, Security 4624/4688 v1 and v2/4697, System 7045.
    expect(rebuilt).toBe(133);
  });
});

/** The chunk at position i of a file. */
function chunkAt(bytes: Buffer, i: number): Buffer {
  return bytes.subarray(FILE_HEADER_SIZE + i * CHUNK_SIZE, FILE_HEADER_SIZE + (i + 1) * CHUNK_SIZE);
}

function count(hay: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) n++;
  return n;
}

const manyEvents = (n: number, computer = 'wks-00001.corp.contoso.local'): EventSpec[] => Array.from({ length: n }, (_, i) => sysmonEvent(11, {
  computer, time: new Date(Date.UTC(2026, 9, 1, 0, 0, 0, i)),
}, {
  ProcessGuid: `{365abb72-2584-5cc9-0000-0010ea03${String(i % 10_000).padStart(4, '0')}}`, ProcessId: 4 + 4 * i, Image: `C:\\Windows\\System32\\svchost.exe`,
  TargetFilename: `C:\\Windows\\Temp\\file-${i}.tmp`, CreationUtcTime: '2026-10-01 00:00:00.000',
}));

describe('file and chunk layout', () => {
  it('fills 64 KiB chunks, numbering records across them, with valid headers and checksums', () => {
    const events = manyEvents(600);
    const info = writeEvtx(file('many.evtx'), events);
    expect(info.chunks).toBeGreaterThan(2);
    const bytes = readFileSync(file('many.evtx'));
    expect(bytes.length).toBe(FILE_HEADER_SIZE + info.chunks * CHUNK_SIZE);
    expect(bytes.toString('latin1', 0, 8)).toBe('ElfFile\0');
    expect(bytes.readUInt16LE(42)).toBe(info.chunks);
    expect(bytes.readBigUInt64LE(16)).toBe(BigInt(info.chunks - 1));
    expect(bytes.readBigUInt64LE(24)).toBe(601n);
    expect(bytes.readUInt32LE(120)).toBe(0);
    expect(bytes.readUInt32LE(124)).toBe(crc32(bytes.subarray(0, 120)));
    let next = 1n;
    info.chunkRecords.forEach(([first, last], i) => {
      const c = chunkAt(bytes, i);
      expect(c.toString('latin1', 0, 8)).toBe('ElfChnk\0');
      expect([c.readBigUInt64LE(8), c.readBigUInt64LE(16), c.readBigUInt64LE(24), c.readBigUInt64LE(32)]).toEqual([first, last, first, last]);
      expect(first).toBe(next);
      next = last + 1n;
      const free = c.readUInt32LE(48);
      expect(c.readUInt32LE(52)).toBe(crc32(c.subarray(512, free)));
      expect(c.readUInt32LE(124)).toBe(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))));
      expect(c.subarray(free).every((b) => b === 0)).toBe(true);
    });
    expect(next).toBe(601n);
    const out = evtxexport(file('many.evtx'));
    expect(out.records.map((r) => r.recordId)).toEqual(events.map((_, i) => String(i + 1)));
    expect(out.records[599]?.data.find((d) => d.name === 'TargetFilename')?.text).toBe('C:\\Windows\\Temp\\file-599.tmp');
    expect(evtxinfo(file('many.evtx'))).toMatchObject({ records: 600, recovered: 0, corrupted: false });
  });

  it('defines each template and name once per chunk and refers to them afterwards', () => {
    const events = manyEvents(600);
    const info = writeEvtx(file('once.evtx'), events);
    const bytes = readFileSync(file('once.evtx'));
    const sys = systemTemplate({ layout: 'substituted', computer: 'wks-00001.corp.contoso.local' });
    const data = eventDataTemplate(events[0]?.eventData ?? []);
    for (let i = 0; i < info.chunks; i++) {
      const c = chunkAt(bytes, i);
      expect(count(c, sys.guid), `system template in chunk ${i}`).toBe(1);
      expect(count(c, data.guid), `EventData template in chunk ${i}`).toBe(1);
      for (const name of ['TargetFilename', 'EventRecordID', 'Computer']) expect(count(c, Buffer.from(name, 'utf16le')), name).toBe(1);
      // The name table: the bucket of "Data" (hash 0x6f8a) points at its one copy.
      const at = c.readUInt32LE(128 + 4 * (0x6f8a & 63));
      expect(c.readUInt16LE(at + 4)).toBe(0x6f8a);
      expect(c.toString('utf16le', at + 8, at + 16)).toBe('Data');
    }
  });

  it('keeps a template per computer (the name is text in the System template) and per EventData shape', () => {
    const events = [...manyEvents(3, 'host-a'), ...manyEvents(3, 'host-b'), sysmonEvent(5, origin(1), { ProcessGuid: '{365abb72-2584-5cc9-0000-0010ea030000}', ProcessId: 4, Image: 'x' })];
    const records = roundTrip('computers.evtx', events);
    expect(records.map((r) => r.computer)).toEqual(['host-a', 'host-a', 'host-a', 'host-b', 'host-b', 'host-b', 'wks-00042.corp.contoso.local']);
    const bytes = chunkAt(readFileSync(file('computers.evtx')), 0);
    expect(count(bytes, systemTemplate({ layout: 'substituted', computer: 'host-a' }).guid)).toBe(1);
    expect(count(bytes, systemTemplate({ layout: 'substituted', computer: 'host-b' }).guid)).toBe(1);
  });

  it('streams: append/close matches writeEvtx, in memory too, same bytes for the same events', () => {
    const events = manyEvents(300);
    const w = EvtxWriter.open(file('stream.evtx'), { recordsPerChunk: 100 });
    for (const e of events) w.append(e);
    const info = w.close();
    expect(info.chunkRecords).toEqual([[1n, 100n], [101n, 200n], [201n, 300n]]);
    const written = readFileSync(file('stream.evtx'));
    expect(evtxBytes(events, { recordsPerChunk: 100 }).equals(written)).toBe(true);
    expect(evtxexport(file('stream.evtx')).records).toHaveLength(300);
  });

  it('never ends a record exactly at 64 KiB (libevtx 20181227 would skip it)', () => {
    const events = (n: number) => [10_000, 10_000, n].map((len, i) => base({ eventData: [['Fill', V.str('xyz'.charAt(i).repeat(len))]] }));
    const end = (n: number) => {
      const w = EvtxWriter.inMemory({ recordsPerChunk: 3 });
      for (const e of events(n)) w.append(e);
      return w.size - FILE_HEADER_SIZE;
    };
    // The third record's length that ends it 8 bytes before the chunk's end; 4 more characters would end it at 64 KiB.
    let n = Math.max(0, Math.floor((CHUNK_SIZE - 8 - end(0)) / 2) - 8);
    while (end(n) < CHUNK_SIZE - 8) n++;
    expect(end(n)).toBe(CHUNK_SIZE - 8);
    const fits = writeEvtx(file('end-8.evtx'), events(n), { recordsPerChunk: 3 });
    expect(fits.chunkRecords).toEqual([[1n, 3n]]);
    const moved = writeEvtx(file('end-0.evtx'), events(n + 4), { recordsPerChunk: 3 });
    expect(moved.chunkRecords).toEqual([[1n, 2n], [3n, 3n]]);
    for (const name of ['end-8.evtx', 'end-0.evtx']) expect(evtxinfo(file(name)).records, name).toBe(3);
  });

  it('starts at a chosen record id and leaves preallocated empty chunks uncounted', () => {
    const info = writeEvtx(file('prealloc.evtx'), manyEvents(5), { firstRecordId: 9_000, trailingEmptyChunks: 2, minorVersion: 2 });
    const bytes = readFileSync(file('prealloc.evtx'));
    expect(bytes.length).toBe(FILE_HEADER_SIZE + 3 * CHUNK_SIZE);
    expect(bytes.readUInt16LE(42)).toBe(1);
    expect(info).toMatchObject({ firstRecordId: 9_000n, lastRecordId: 9_004n });
    expect(evtxexport(file('prealloc.evtx')).records.map((r) => r.recordId)).toEqual(['9000', '9001', '9002', '9003', '9004']);
    expect(evtxinfo(file('prealloc.evtx'))).toMatchObject({ version: '3.2', records: 5, corrupted: false });
  });
});

describe('damage', () => {
  // 15 records, 5 per chunk: chunk 0 holds 1-5, chunk 1 holds 6-10, chunk 2 holds 11-15.
  const events = manyEvents(15);
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  function damaged(name: string, damage: Damage[]) {
    writeEvtx(file(`${name}.evtx`), events, { recordsPerChunk: 5, damage });
    const items = evtxexport(file(`${name}.evtx`));
    const recovered = evtxexport(file(`${name}.evtx`), 'recovered');
    return {
      bytes: readFileSync(file(`${name}.evtx`)), info: evtxinfo(file(`${name}.evtx`)), items: items.records.map((r) => r.recordId),
      recovered: recovered.records.map((r) => r.recordId), stderr: items.stderr,
    };
  }

  it('bad file header CRC: libevtx flags the file corrupted, reads every record', () => {
    const d = damaged('file-crc', [{ kind: 'file-header-crc' }]);
    expect(d.bytes.readUInt32LE(124)).not.toBe(crc32(d.bytes.subarray(0, 120)));
    expect(d.info).toMatchObject({ corrupted: true, dirty: false, records: 15 });
    expect(d.items).toEqual(ids(1, 15));
  });

  it('dirty flag: libevtx says "Is dirty", nothing corrupted', () => {
    const d = damaged('dirty', [{ kind: 'dirty' }]);
    expect(d.bytes.readUInt32LE(120)).toBe(1);
    expect(d.info).toMatchObject({ corrupted: false, dirty: true, records: 15 });
  });

  it('bad chunk header CRC and bad event records CRC: corrupted, records still read', () => {
    for (const kind of ['chunk-header-crc', 'records-crc'] as const) {
      const d = damaged(kind, [{ kind, chunk: 1 }]);
      const c = chunkAt(d.bytes, 1);
      const headerOk = c.readUInt32LE(124) === crc32(c.subarray(128, 512), crc32(c.subarray(0, 120)));
      const recordsOk = c.readUInt32LE(52) === crc32(c.subarray(512, c.readUInt32LE(48)));
      expect([headerOk, recordsOk], kind).toEqual(kind === 'chunk-header-crc' ? [false, true] : [true, false]);
      expect(d.info, kind).toMatchObject({ corrupted: true, records: 15, recovered: 0 });
      expect(d.items, kind).toEqual(ids(1, 15));
    }
  });

  it('bad chunk magic: that chunk\'s records only come back as recovered', () => {
    const d = damaged('magic', [{ kind: 'chunk-magic', chunk: 1 }]);
    expect(chunkAt(d.bytes, 1).toString('latin1', 0, 8)).not.toBe('ElfChnk\0');
    expect(d.info).toMatchObject({ corrupted: true, records: 10, recovered: 5 });
    expect(d.items).toEqual([...ids(1, 5), ...ids(11, 15)]);
    expect(d.recovered).toEqual(ids(6, 10));
  });

  it('zeroed chunk with the header undercounting: libevtx scans on and reads the chunks after it', () => {
    const d = damaged('zeroed', [{ kind: 'zeroed-chunk', chunk: 1 }]);
    expect(d.bytes.length).toBe(FILE_HEADER_SIZE + 4 * CHUNK_SIZE);
    expect(chunkAt(d.bytes, 1).every((b) => b === 0)).toBe(true);
    expect([d.bytes.readUInt16LE(42), d.bytes.readBigUInt64LE(16), d.bytes.readBigUInt64LE(24)]).toEqual([1, 0n, 6n]);
    expect(d.info).toMatchObject({ corrupted: true, dirty: true, records: 15, recovered: 0 });
    expect(d.items).toEqual(ids(1, 15));
  });

  it('truncated mid-chunk: the cut chunk is lost', () => {
    const d = damaged('truncated', [{ kind: 'truncate' }]);
    expect(d.bytes.length).toBe(FILE_HEADER_SIZE + 2 * CHUNK_SIZE + 32_768);
    expect(d.info).toMatchObject({ corrupted: true, records: 10 });
    expect(d.items).toEqual(ids(1, 10));
    const early = damaged('truncated-early', [{ kind: 'truncate', chunk: 1, offset: 1_000 }]);
    expect(early.bytes.length).toBe(FILE_HEADER_SIZE + CHUNK_SIZE + 1_000);
    expect(early.items).toEqual(ids(1, 5));
  });

  it('wrong trailing size copy: the record is lost, the rest of its chunk recovered', () => {
    const d = damaged('size-copy', [{ kind: 'record-size-copy', recordId: 7 }]);
    expect(d.info).toMatchObject({ corrupted: false, records: 11, recovered: 3 });
    expect(d.items).toEqual([...ids(1, 6), ...ids(11, 15)]);
    expect(d.recovered).toEqual(ids(8, 10));
  });

  it('template referenced before or without its definition: libevtx cannot read the record', () => {
    for (const kind of ['template-before-definition', 'template-without-definition'] as const) {
      for (const template of ['eventData', 'system'] as const) {
        const d = damaged(`${kind}-${template}`, [{ kind, recordId: 6, template }]);
        expect(d.stderr, `${kind} ${template}`).toMatch(/invalid template definition data offset value out of bounds/);
        // libevtx stops exporting at the record it cannot read.
        expect(d.items, `${kind} ${template}`).toEqual(ids(1, 5));
      }
    }
    // Before: record 6 points at the definition record 7 writes; without: at free space.
    const before = chunkAt(readFileSync(file('template-before-definition-system.evtx')), 1);
    const without = chunkAt(readFileSync(file('template-without-definition-system.evtx')), 1);
    const refOf = (c: Buffer) => c.readUInt32LE(512 + 24 + 4 + 6);
    expect(refOf(before)).toBeGreaterThan(512 + c0Size(before));
    expect(before.readUInt32LE(refOf(before) + 4)).toBe(systemTemplate({ layout: 'substituted', computer: 'wks-00001.corp.contoso.local' }).id);
    expect(refOf(without)).toBe(without.readUInt32LE(48));
  });
});

/** Size of the first record in a chunk. */
function c0Size(c: Buffer): number {
  return c.readUInt32LE(512 + 4);
}
