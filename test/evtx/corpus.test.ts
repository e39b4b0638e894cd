// Every corpus EVTX file against its reference dump (../shared/corpus/evtx/README.md): record
// counts, every value of every record, the issues reported, and agreement of the fast path
// with the generic (instantiating) path on every record.

import { describe, expect, it } from 'vitest';
import { readEvtx, renderJson, renderXml, type EvtxIssue, type EvtxRecord } from '../../src-core/ingest/evtx/index.js';
import { slowFields } from '../../src-core/ingest/evtx/record.js';
import { CARVED_COUNTS, DEVIATIONS, PARTIAL_COUNTS, corpusFiles, type CorpusFile } from './evtx-corpus.js';

const files = corpusFiles();

/** Issues per file (default options), as kind@chunk[#recordId]; files not listed have none. */
const ISSUES: Record<string, string[]> = {
  // Bad event-records CRC in chunks 0 and 13; in each, one record overwritten by another
  // generation (size copy wrong, BinXML undecodable) and the rest of its chunk lost.
  '2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx': [
    'crc@0',
    'record-header@0#6335011',
    'binxml@0#6335011',
    'record-header@0',
    'crc@13',
    'record-header@13#6914519',
    'binxml@13#6914519',
    'record-header@13',
  ],
  // Bad CRC in chunks 1 and 15; chunk 1 holds a record of another generation (skipped), chunk
  // 15 a run of them (their identifiers are outside the chunk's range, hence "not found").
  '2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx': [
    'crc@1',
    'record-header@1#463011',
    'record-header@1',
    'crc@15',
    'record-header@15',
  ],
  // Record 6 / 17: tail zeroed (size copy 0), still decoded as damaged; the rest of the chunk is zeros.
  'Microsoft-Windows-HelloForBusiness%4Operational.evtx': ['crc@0', 'record-header@0#6', 'record-header@0'],
  'Microsoft-Windows-LanguagePackSetup%4Operational.evtx': ['crc@0', 'record-header@0#17', 'record-header@0'],
  // Unknown file flags 0x1b970000.
  'post-Security.evtx': ['file-header@null'],
  // Record 3 has size 0; the 114 records after it are carved.
  'sample-with-zero-data-size-event.evtx': ['crc@0', 'record-header@0#3', 'record-header@0', 'record-header@0'],
  // Chunks 6 and 10 lost their header (zeroed); chunks 0, 7 and 9 have a record with a zeroed tail.
  'sample_with_a_bad_chunk_magic.evtx': [
    'crc@0',
    'record-header@0#46741',
    'record-header@0',
    'chunk-header@6',
    'record-header@6',
    'binxml@6',
    'crc@7',
    'record-header@7#47640',
    'record-header@7',
    'record-header@7',
    'crc@9',
    'record-header@9#45933',
    'record-header@9',
    'chunk-header@10',
    'record-header@10',
    'binxml@10',
  ],
  // The damaged string table is reported through the chunk header CRC; no record is lost.
  'security_bad_string_cache.evtx': ['crc@0'],
  // After the 9 chunks, 8 blocks of non-zero data without a chunk signature.
  'sysmon.evtx': [9, 10, 11, 12, 13, 14, 15, 16].map((c) => `chunk-header@${c}`),
};

function issueKey(i: EvtxIssue): string {
  return `${i.kind}@${i.chunk}${i.recordId === undefined ? '' : `#${i.recordId}`}`;
}

interface Parsed {
  records: EvtxRecord[];
  issues: EvtxIssue[];
}

function parse(f: CorpusFile, recover: boolean): Parsed {
  const records: EvtxRecord[] = [];
  const issues: EvtxIssue[] = [];
  for (const item of readEvtx(f.path, { recover })) {
    if (item.type === 'record') records.push(item);
    else if (item.type === 'issue') issues.push(item);
  }
  return { records, issues };
}

describe.each(files.map((f) => [f.rel, f] as const))('%s', (_rel, f) => {
  it('matches every record of the reference dump', () => {
    const { records, issues } = parse(f, true);
    const walked = records.filter((r) => r.integrity !== 'carved');
    const carved = records.filter((r) => r.integrity === 'carved');
    if (f.partial) {
      expect(walked.length).toBe(PARTIAL_COUNTS[f.name]);
      expect(walked.length).toBeGreaterThanOrEqual(f.expected.length);
    } else {
      expect(walked.length).toBe(f.expected.length);
      expect(walked.map((r) => r.recordId).sort((a, b) => a - b)).toEqual(f.expected.map((e) => e.recordId).sort((a, b) => a - b));
    }
    expect(carved.length).toBe(CARVED_COUNTS[f.name] ?? 0);
    const ids = records.map((r) => r.recordId);
    expect(new Set(ids).size).toBe(ids.length);

    const byId = new Map(records.map((r) => [r.recordId, r]));
    for (const e of f.expected) {
      const r = byId.get(e.recordId);
      expect(r, `record ${e.recordId}`).toBeDefined();
      if (r === undefined) continue;
      const got = renderJson(r) as unknown as Record<string, unknown> & { data: Record<string, string> };
      for (const d of DEVIATIONS.filter((x) => x.file === f.name && x.recordId === e.recordId)) {
        if (d.field.startsWith('data.')) {
          const key = d.field.slice(5);
          expect(got.data[key]).toBe(d.ours);
          got.data = { ...got.data, [key]: d.dump as string };
        } else {
          expect(got[d.field]).toBe(d.ours);
          // Both values are in the event: ours in <System>, the dump's in a UserData child.
          const xml = renderXml(r);
          const tag = d.field === 'eventId' ? 'EventID' : 'Channel';
          expect(xml.indexOf(`<${tag}>${d.ours}</${tag}>`)).toBeLessThan(xml.indexOf('</System>'));
          expect(xml.indexOf(`<${tag}>${d.dump}</${tag}>`)).toBeGreaterThan(xml.indexOf('<UserData>'));
          got[d.field] = d.dump;
        }
      }
      expect(got, `record ${e.recordId}`).toEqual(e);
    }

    expect(issues.map(issueKey)).toEqual(ISSUES[f.name] ?? []);
    for (const i of issues) expect(i.offset).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('decodes every record the same way on the fast and the generic path', () => {
    for (const r of parse(f, true).records) {
      const s = slowFields(r);
      expect({ ...renderJson(r), version: r.version, level: r.level }, `record ${r.recordId}`).toEqual({
        recordId: s.recordId,
        eventId: s.eventId,
        provider: s.provider,
        channel: s.channel,
        computer: s.computer,
        timeCreated: s.timeCreated,
        data: s.data,
        version: s.version,
        level: s.level,
      });
    }
  }, 30_000);

  it('reaches the README count without carving', () => {
    const { records } = parse(f, false);
    expect(records.length).toBe(f.partial ? PARTIAL_COUNTS[f.name] : f.expected.length);
    expect(records.every((r) => r.integrity !== 'carved')).toBe(true);
  }, 30_000);
});

describe('special files', () => {
  const file = (name: string): CorpusFile => {
    const f = files.find((x) => x.name === name);
    if (f === undefined) throw new Error(name);
    return f;
  };

  it('reads the record libevtx and python-evtx cannot (MSExchange_Management_wec.evtx, issue_201.evtx)', () => {
    for (const name of ['MSExchange_Management_wec.evtx', 'issue_201.evtx']) {
      const { records, issues } = parse(file(name), true);
      expect(issues).toEqual([]);
      expect(records).toHaveLength(1);
      const r = records[0] as EvtxRecord;
      const j = renderJson(r);
      expect({ ...j, data: undefined }).toEqual({
        recordId: 3229,
        eventId: 1,
        provider: 'MSExchange CmdletLogs',
        channel: 'MSExchange Management',
        computer: 'WEC.ave.local',
        timeCreated: '2021-11-19T16:52:33.8337335Z',
        data: undefined,
      });
      expect(r.headerId).toBe(1);
      expect(Object.keys(j.data)).toHaveLength(27);
      expect(j.data['Data1']).toBe('Set-Mailbox');
      expect(j.data['Data2']).toBe('-Identity "Administrateur" -DeliverToMailboxAndForward "False" -ForwardingSmtpAddress "smtp:test2@example.com"');
      expect(j.data['Data11']).toContain('Afficher la forêt entière');
      expect(j.data['Data27']).toBe('fr-FR');
    }
  });

  it('does not trust the header chunk count', () => {
    const sysmon = readEvtx(file('sysmon.evtx').path);
    const chunks = new Set<number>();
    for (const item of sysmon) if (item.type === 'record') chunks.add(item.chunk);
    expect(sysmon.header.chunkCount).toBe(1);
    expect(sysmon.header.dirty).toBe(true);
    expect([...chunks].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);

    // A chunk after zeroed chunks (2-vss_7-System.evtx: chunks 10 and 11 are zeros, 12 holds records).
    const vss = readEvtx(file('2-vss_7-System.evtx').path);
    const inChunk12: number[] = [];
    for (const item of vss) if (item.type === 'record' && item.chunk === 12) inChunk12.push(item.headerId);
    expect(vss.header.chunkCount).toBe(4);
    expect(inChunk12).toEqual([1418, 1419, 1420, 1421, 1422]);
    expect(vss.stats.emptyChunks).toBe(6);
  });

  it('keeps the records whose tail was zeroed, flagged damaged', () => {
    const { records } = parse(file('sample_with_a_bad_chunk_magic.evtx'), false);
    const damaged = records.filter((r) => r.integrity === 'damaged');
    expect(damaged.map((r) => r.recordId)).toEqual([46741, 47640, 45933]);
    // The surviving values of 47640: the template instance is cut inside the data.
    const r47640 = damaged[1] as EvtxRecord;
    expect(r47640.eventId).toBe(325);
    expect(r47640.provider).toBe('Microsoft-Windows-AppXDeployment');
    expect(r47640.data['PackageFamilyName']).toBe('Microsoft.Wi');

    // HelloForBusiness record 6: descriptors kept, values zeroed. Its identity comes from the
    // record header (EventRecordID 0 and FILETIME 0 are not values).
    const hello = parse(file('Microsoft-Windows-HelloForBusiness%4Operational.evtx'), false).records.at(-1) as EvtxRecord;
    expect(hello).toMatchObject({ recordId: 6, headerId: 6, integrity: 'damaged', eventId: 0, provider: '', timeCreated: hello.written });
    expect(hello.timeCreated).toBe('2018-07-12T00:42:14.2855364Z');
  });

  it('carves records of chunks whose header is lost, with the templates of earlier chunks', () => {
    const { records } = parse(file('sample_with_a_bad_chunk_magic.evtx'), true);
    const carved = records.filter((r) => r.integrity === 'carved');
    const byChunk = new Map<number, number[]>();
    for (const r of carved) byChunk.set(r.chunk, [...(byChunk.get(r.chunk) ?? []), r.recordId]);
    expect(byChunk.get(6)).toEqual(Array.from({ length: 15 }, (_, i) => 47613 + i));
    expect(byChunk.get(7)).toEqual(Array.from({ length: 31 }, (_, i) => 47675 + i));
    expect(byChunk.get(10)).toEqual(Array.from({ length: 67 }, (_, i) => 45963 + i));
    for (const r of carved) {
      expect(r.provider).toBe('Microsoft-Windows-AppXDeployment');
      expect(r.channel).toBe('Microsoft-Windows-AppXDeployment/Operational');
      expect(r.eventId).not.toBeNull();
    }
  });
});
