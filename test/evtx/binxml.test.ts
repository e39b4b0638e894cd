// BinXML decoding on hand-assembled records: plain elements, character and entity references,
// CDATA, processing instructions, template instances with every kind of substitution
// (optional without value, arrays, BinXML values) and several fragments in one record.

import { afterAll, describe, expect, it } from 'vitest';
import { readEvtx, renderJson, renderXml, type EvtxRecord } from '../../src-core/ingest/evtx/index.js';
import { decodeStats, slowFields } from '../../src-core/ingest/evtx/record.js';
import { VT } from '../../src-core/ingest/evtx/value-types.js';
import { Asm, cdata, charRef, chunkWith, el, entityRef, fileHeader, instance, pi, subst, text, type Part, type Value } from './binxml-asm.js';
import { removeTempFiles, tempFile } from './synthetic.js';

afterAll(removeTempFiles);

const NS: Array<[string, Part[]]> = [['xmlns', [text('http://schemas.microsoft.com/win/2004/08/events/event')]]];
const utf16 = (s: string): Value => ({ type: VT.STRING, bytes: Buffer.from(s, 'utf16le') });
const num = (type: number, n: number, size: number): Value => {
  const b = Buffer.alloc(size);
  if (size === 8) b.writeBigUInt64LE(BigInt(n));
  else b.writeUIntLE(n, 0, size);
  return { type, bytes: b };
};
const NULL: Value = { type: VT.NULL, bytes: new Uint8Array(0) };
const filetime = (ticks: bigint): Value => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(ticks);
  return { type: VT.FILETIME, bytes: b };
};
const sid18: Value = { type: VT.SID, bytes: Buffer.from([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]) };
const guid = (n: number): Buffer => Buffer.from(Array.from({ length: 16 }, (_, i) => (n * 16 + i) & 0xff));
// 2020-01-02T03:04:05.1234567Z
const TICKS = (BigInt(Date.UTC(2020, 0, 2, 3, 4, 5, 123)) + 11644473600000n) * 10000n + 4567n;

/** <Event><System>…</System> + rest</Event> as a template body (dependency identifiers on). */
function eventTemplate(rest: Part[]): Part {
  const e = (name: string, opts: Parameters<typeof el>[1] = {}): Part => el(name, { ...opts, dep: true });
  return e('Event', {
    attrs: NS,
    content: [
      e('System', {
        content: [
          e('Provider', { attrs: [['Name', [subst(0, VT.STRING)]]] }),
          e('EventID', { content: [subst(1, VT.UINT16)] }),
          e('Version', { content: [subst(2, VT.UINT8)] }),
          e('Level', { content: [subst(3, VT.UINT8)] }),
          e('TimeCreated', { attrs: [['SystemTime', [subst(4, VT.FILETIME)]]] }),
          e('EventRecordID', { content: [subst(5, VT.UINT64)] }),
          e('Correlation', { attrs: [['ActivityID', [subst(6, VT.GUID, true)]]] }),
          e('Channel', { content: [subst(7, VT.STRING)] }),
          e('Computer', { content: [subst(8, VT.STRING)] }),
          e('Security', { attrs: [['UserID', [subst(9, VT.SID, true)]]] }),
        ],
      }),
      ...rest,
    ],
  });
}

const systemValues = (eventId: number, recordId: number): Value[] => [
  utf16('Test-Provider'),
  num(VT.UINT16, eventId, 2),
  num(VT.UINT8, 2, 1),
  num(VT.UINT8, 4, 1),
  filetime(TICKS),
  num(VT.UINT64, recordId, 8),
  NULL,
  utf16('System'),
  utf16('HOST'),
  sid18,
];

const d = (name: string, opts: Parameters<typeof el>[1] = {}): Part => el(name, { ...opts, dep: true });

const records: Part[][] = [
  // 1: plain elements, no template; a PI before the event.
  [
    pi('xml-stylesheet', 'href="a"'),
    (a: Asm) => a.fragment(),
    el('Event', {
      attrs: NS,
      content: [
        el('System', {
          content: [
            el('Provider', { attrs: [['Name', [text('Plain')]]] }),
            el('EventID', { content: [text('7045')] }),
            el('Channel', { content: [text('System')] }),
            el('Computer', { content: [text('HOST')] }),
            el('TimeCreated', { attrs: [['SystemTime', [text('2020-01-02T03:04:05.123456700Z')]]] }),
          ],
        }),
        el('EventData', {
          content: [
            el('Data', { attrs: [['Name', [text('A')]]], content: [text('x'), charRef(38), entityRef('lt'), text('y')] }),
            el('Data', { attrs: [['Name', [text('B')]]], content: [cdata('c<d')] }),
            el('Data', { content: [text('u1')] }),
            el('Data', { content: [text('u2\r\nnext')] }),
            el('Binary', { content: [text('00FF')] }),
          ],
        }),
      ],
    }),
  ],
  // 2: a template with every kind of EventData substitution.
  [
    (a: Asm) => a.fragment(),
    instance(
      guid(2),
      eventTemplate([
        d('EventData', {
          content: [
            d('Data', { attrs: [['Name', [text('Image')]]], content: [subst(10, VT.STRING)] }),
            d('Data', { attrs: [['Name', [text('Flag')]]], content: [subst(11, VT.BOOL)] }),
            d('Data', { attrs: [['Name', [text('Gone')]]], content: [subst(12, VT.STRING, true)] }),
            d('Data', { content: [subst(13, VT.STRING | VT.ARRAY)] }),
            d('Data', { attrs: [['Name', [text('Pid')]]], content: [subst(14, VT.HEX_INT32)] }),
            d('Data', { attrs: [['Name', [text('Sid')]]], content: [subst(15, VT.SID)] }),
            d('Data', { attrs: [['Name', [text('When')]]], content: [subst(16, VT.FILETIME)] }),
            d('Binary', { content: [subst(17, VT.BINARY, true)] }),
          ],
        }),
      ]),
      [
        ...systemValues(4688, 42),
        utf16('C:\\x.exe'),
        num(VT.BOOL, 16, 4),
        NULL,
        { type: VT.STRING | VT.ARRAY, bytes: Buffer.from('a\0b\0', 'utf16le') },
        num(VT.HEX_INT32, 0x1f4, 4),
        sid18,
        filetime(TICKS),
        { type: VT.BINARY, bytes: Buffer.from([0xde, 0xad]) },
      ],
    ),
  ],
  // 3: UserData whose payload is a BinXML value (plain elements), then a second fragment.
  withPayload(),
];

/**
 * Record 3. Offsets inside a BinXML value are chunk offsets (its names are inline), so the
 * value is assembled where it will sit: a first pass finds that place.
 */
function withPayload(): Part[] {
  const payload = (base: number): Uint8Array => {
    const a = new Asm(base);
    a.fragment();
    el('LogFileCleared', {
      content: [
        el('SubjectUserName', { content: [text('tony')] }),
        el('Nested', { content: [el('X', { content: [text('1')] }), el('Y', {})] }),
        el('BackupPath', {}),
      ],
    })(a);
    a.u8(0);
    return Uint8Array.from(a.out);
  };
  const build = (bytes: Uint8Array): Part =>
    instance(guid(3), eventTemplate([d('UserData', { content: [subst(10, VT.BINXML)] })]), [...systemValues(104, 43), { type: VT.BINXML, bytes }]);
  // First pass: where does the value start? It is the last value, right before the record's end.
  const probe = new Asm(0);
  probe.fragment();
  build(payload(0))(probe);
  const size = payload(0).length;
  const valueStart = probe.out.length - size;
  return [
    (a: Asm) => a.fragment(),
    (a: Asm) => {
      const start = a.pos - 4; // the fragment header written just before
      build(payload(start + valueStart))(a);
    },
    (a: Asm) => a.u8(0x0f).u8(1).u8(1).u8(0),
    el('Extra', { content: [text('second fragment')] }),
  ];
}

function read(): EvtxRecord[] {
  const file = tempFile([fileHeader(1, 4), chunkWith(records)]);
  const out: EvtxRecord[] = [];
  for (const item of readEvtx(file)) {
    if (item.type === 'issue') throw new Error(item.message);
    if (item.type === 'record') out.push(item);
  }
  return out;
}

describe('BinXML', () => {
  const [plain, templated, userData] = read() as [EvtxRecord, EvtxRecord, EvtxRecord];

  it('decodes plain elements, character and entity references, CDATA and PIs', () => {
    expect(renderJson(plain)).toEqual({
      recordId: 1,
      eventId: 7045,
      provider: 'Plain',
      channel: 'System',
      computer: 'HOST',
      timeCreated: '2020-01-02T03:04:05.1234567Z',
      // A CDATA section is a child of its element, as libevtx prints it.
      data: { A: 'x&<y', B: '\n      c<d\n    ', Data1: 'u1', Data2: 'u2\nnext', Binary: '00FF' },
    });
    expect(renderXml(plain)).toBe(
      [
        '<?xml-stylesheet href="a"?>',
        '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">',
        '  <System>',
        '    <Provider Name="Plain"/>',
        '    <EventID>7045</EventID>',
        '    <Channel>System</Channel>',
        '    <Computer>HOST</Computer>',
        '    <TimeCreated SystemTime="2020-01-02T03:04:05.123456700Z"/>',
        '  </System>',
        '  <EventData>',
        '    <Data Name="A">x&amp;&lt;y</Data>',
        '    <Data Name="B">',
        '      <![CDATA[c<d]]>',
        '    </Data>',
        '    <Data>u1</Data>',
        '    <Data>u2\r\nnext</Data>',
        '    <Binary>00FF</Binary>',
        '  </EventData>',
        '</Event>',
        '',
      ].join('\n'),
    );
  });

  it('instantiates templates: optional values without data drop their element or attribute, arrays repeat theirs', () => {
    expect(templated.recordId).toBe(42); // System/EventRecordID
    expect(templated.headerId).toBe(2);
    expect(renderJson(templated)).toEqual({
      recordId: 42,
      eventId: 4688,
      provider: 'Test-Provider',
      channel: 'System',
      computer: 'HOST',
      timeCreated: '2020-01-02T03:04:05.1234567Z',
      data: {
        Image: 'C:\\x.exe',
        Flag: 'true',
        Data1: 'a',
        Data2: 'b',
        Pid: '0x000001f4',
        Sid: 'S-1-5-18',
        When: '2020-01-02T03:04:05.123456700Z',
        Binary: 'DEAD',
      },
    });
    expect({ version: templated.version, level: templated.level }).toEqual({ version: 2, level: 4 });
    const xml = renderXml(templated);
    expect(xml).toContain('    <Correlation/>\n');
    expect(xml).toContain('    <Security UserID="S-1-5-18"/>\n');
    expect(xml).toContain('    <Data>a</Data>\n    <Data>b</Data>\n');
    expect(xml).not.toContain('Gone');
  });

  it('expands BinXML values into elements; the data of a UserData payload keeps its nested text', () => {
    expect(renderJson(userData)).toEqual({
      recordId: 43,
      eventId: 104,
      provider: 'Test-Provider',
      channel: 'System',
      computer: 'HOST',
      timeCreated: '2020-01-02T03:04:05.1234567Z',
      data: { SubjectUserName: 'tony', Nested: '\n        1\n        \n      ', BackupPath: '' },
    });
    const xml = renderXml(userData);
    expect(xml).toContain(
      ['  <UserData>', '    <LogFileCleared>', '      <SubjectUserName>tony</SubjectUserName>', '      <Nested>', '        <X>1</X>', '        <Y/>', '      </Nested>'].join(
        '\n',
      ),
    );
    // The second fragment is kept in the XML view.
    expect(xml.endsWith('</Event>\n<Extra>second fragment</Extra>\n')).toBe(true);
  });

  it('gives the same fields on the fast and the generic path', () => {
    const before = { ...decodeStats };
    const again = read();
    expect(decodeStats.fast - before.fast).toBeGreaterThanOrEqual(1); // the templated record
    for (const r of again) {
      const s = slowFields(r);
      expect({ ...renderJson(r) }).toEqual({
        recordId: s.recordId,
        eventId: s.eventId,
        provider: s.provider,
        channel: s.channel,
        computer: s.computer,
        timeCreated: s.timeCreated,
        data: s.data,
      });
    }
  });
});
