// The real files of ../shared/corpus: every reader must take them without a bad record.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src-core/ingest/csv/csv-reader.js';
import { readJsonRecords, type JsonContainer, type JsonRecord } from '../../src-core/ingest/json/json-records.js';
import { openFileSource } from '../../src-core/ingest/text/byte-source.js';
import { readLines } from '../../src-core/ingest/text/line-reader.js';

const corpus = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const jsonDir = path.join(corpus, 'json');

function readJson(rel: string, chunkSize?: number) {
  const source = openFileSource(path.join(jsonDir, rel));
  try {
    const reader = readJsonRecords(source, chunkSize === undefined ? {} : { chunkSize });
    const records = [...reader];
    return { container: reader.container, meta: reader.meta, records };
  } finally {
    source.close();
  }
}

function get(v: unknown, dotted: string): unknown {
  let cur = v;
  for (const k of dotted.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[k];
  return cur;
}

/** Counts checked with python3's json module. */
const EXPECTED: Record<string, { container: JsonContainer; count: number }> = {
  'defender/streaming-api-excerpt.ndjson': { container: 'ndjson', count: 8 },
  'security-datasets/cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json': { container: 'ndjson', count: 286 },
  'security-datasets/cmd_service_mod_fax_2020-10-2120454410.json': { container: 'ndjson', count: 437 },
  'elastic-sysmon/sample_event.json': { container: 'object', count: 1 },
  'elastic-sysmon/test-image-loaded-failed-signature.json': { container: 'pipeline-events', count: 1 },
  'elastic-sysmon/test-image-loaded-failed-signature.json-expected.json': { container: 'pipeline-events', count: 1 },
};

const jsonFiles = fs.readdirSync(jsonDir).flatMap((d) => fs.readdirSync(path.join(jsonDir, d)).map((f) => `${d}/${f}`));

describe('corpus: JSON', () => {
  it('has the files this test knows about', () => {
    expect(jsonFiles.length).toBeGreaterThanOrEqual(19);
    for (const rel of Object.keys(EXPECTED)) expect(jsonFiles).toContain(rel);
  });

  it.each(jsonFiles)('%s reads without bad records', (rel) => {
    const got = readJson(rel);
    expect(got.records.filter((r) => r.error !== undefined)).toEqual([]);
    got.records.forEach((r, i) => expect(r.index).toBe(i + 1));
    const want =
      EXPECTED[rel] ??
      (rel.startsWith('elastic-defend/') ? { container: 'object', count: 1 } : rel.startsWith('winlogbeat/') ? { container: 'array', count: 1 } : null);
    expect(want).not.toBeNull();
    expect(got.container).toBe(want?.container);
    expect(got.records.length).toBe(want?.count);
    // The same records with a tiny chunk size: every boundary case of a real file.
    expect(readJson(rel, 7)).toEqual(got);
  });

  it('gives JSON lines records the line and byte offset of their line', () => {
    const rel = 'security-datasets/cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json';
    const { records } = readJson(rel);
    const source = openFileSource(path.join(jsonDir, rel));
    const lines = [...readLines(source)].filter((l) => l.text.trim() !== '');
    source.close();
    expect(records.map((r) => [r.line, r.offset])).toEqual(lines.map((l) => [l.line, l.offset]));
    expect(records.slice(0, 3).map((r) => r.offset)).toEqual([0, 357, 1273]);
    expect(records[285]?.offset).toBe(408335);
    expect(get(records[0]?.value, 'EventID')).toBe(1102);
    expect(get(records[0]?.value, 'Hostname')).toBe('WORKSTATION5');
    const install = records[9]?.value;
    expect([get(install, 'EventID'), get(install, 'ServiceName'), get(install, 'ServiceFileName')]).toEqual([
      4697,
      'PSEXESVC',
      '%SystemRoot%\\PSEXESVC.exe',
    ]);
    expect([get(records[285]?.value, 'EventID'), get(records[285]?.value, 'ServiceName')]).toEqual([7045, 'PSEXESVC']);
  });

  it('reads real values', () => {
    const fax = readJson('security-datasets/cmd_service_mod_fax_2020-10-2120454410.json').records;
    expect(get(fax[436]?.value, 'EventID')).toBe(7000);
    const defender = readJson('defender/streaming-api-excerpt.ndjson').records;
    expect(defender.map((r) => get(r.value, 'category'))).toContain('AdvancedHunting-DeviceProcessEvents');
    expect(get(defender[2]?.value, 'properties.FileName')).toBe('System.Management.ni.dll');
    // 64-bit values beyond 2^53 stay exact.
    expect(get(readJson('elastic-defend/network_sample_event.json').records[0]?.value, 'dns.Ext.options')).toBe(9223372036854775808n);
    expect(get(readJson('elastic-defend/process_sample_event.json').records[0]?.value, 'process.Ext.ptrace.data')).toBe(
      6042695217945480400n,
    );
    const events = readJson('elastic-sysmon/test-image-loaded-failed-signature.json').records;
    expect(events[0]).toMatchObject({ line: 3, offset: 26 } satisfies Partial<JsonRecord>);
    expect(get(events[0]?.value, '@timestamp')).toBe('2021-05-05T15:30:51.694Z');
    const expected = readJson('elastic-sysmon/test-image-loaded-failed-signature.json-expected.json').records;
    expect(get(expected[0]?.value, 'dll.code_signature.status')).toBe('failed: Invalid hash');
    const golden = readJson('winlogbeat/sysmon-12-processcreate.evtx.golden.json').records;
    expect(golden[0]).toMatchObject({ line: 2, offset: 4 } satisfies Partial<JsonRecord>);
    expect(get(golden[0]?.value, 'process.executable')).toBe('C:\\Windows\\System32\\notepad.exe');
  });
});

describe('corpus: Defender advanced hunting CSV', () => {
  const file = path.join(corpus, 'csv/defender/advanced_hunting_test.csv');

  function readAll(chunkSize?: number) {
    const source = openFileSource(file);
    try {
      const reader = readCsv(source, chunkSize === undefined ? {} : { chunkSize });
      return { header: reader.header, delimiter: reader.delimiter, encoding: reader.encoding, rows: [...reader] };
    } finally {
      source.close();
    }
  }

  it('has a 72-column header and 26 good rows', () => {
    const got = readAll();
    expect(got.delimiter).toBe(',');
    expect(got.encoding).toBe('utf-8');
    expect(got.header?.length).toBe(72);
    expect(got.header?.slice(0, 4)).toEqual(['Timestamp', 'DeviceId', 'DeviceName', 'ActionType']);
    expect(got.rows.length).toBe(26);
    expect(got.rows.filter((r) => r.error !== undefined)).toEqual([]);
    expect(got.rows.map((r) => [r.record, r.line])).toEqual(got.rows.map((_, i) => [i + 1, i + 2]));
    expect(got.rows.every((r) => r.fields.length === 72)).toBe(true);
    expect(readAll(5)).toEqual(got);
  });

  it('keeps JSON inside AdditionalFields intact', () => {
    const got = readAll();
    const header = got.header ?? [];
    const col = (name: string) => header.indexOf(name);
    const field = (row: number, name: string) => got.rows[row - 1]?.fields[col(name)];
    expect(field(1, 'Timestamp')).toBe('2023-10-18T14:37:28.2012261Z');
    expect(field(1, 'ActionType')).toBe('AntivirusScanCompleted');
    expect(JSON.parse(field(1, 'AdditionalFields') ?? '')).toEqual({
      Domain: 'NT AUTHORITY',
      ScanId: '{DE4E9D4E-4ED8-492F-B662-0BE4FAC69741}',
      ScanParametersIndex: '1',
      ScanTypeIndex: 'Quick',
      User: 'NETWORK SERVICE',
    });
    expect(field(2, 'AdditionalFields')).toBe('{"IsAudit":true,"RuleId":"9e6c4e1f-7d60-472f-ba1a-a39ef669e4b2"}');
    expect(field(2, 'FileName')).toBe('dxdiag.exe');
    expect(field(2, 'ProcessCommandLine')?.startsWith('"C:\\WINDOWS\\system32\\dxdiag.exe" /x C:\\WINDOWS\\TEMP\\tmpBD6C.tmp')).toBe(true);
    expect(JSON.parse(field(26, 'AdditionalFields') ?? '')).toMatchObject({ server_name: 'login.microsoftonline.com', version: 'TLSv12' });
  });
});
