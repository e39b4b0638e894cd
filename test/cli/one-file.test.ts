// One small input file is parsed on the importing thread: a parse worker would take
// longer to start than the file takes to parse (cli.ts, ONE_FILE_INLINE_BYTES). Here the
// import's own rule sends every file to a worker (LONGTAIL_WORKER_MIN_BYTES=1, read when
// import-files.ts loads), so a worker started shows the import's rule won.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { corpus } from '../helpers/corpus.js';

process.env['LONGTAIL_WORKER_MIN_BYTES'] = '1';
const { main, ONE_FILE_INLINE_BYTES } = await import('../../src-core/cli.js');
const { ParsePool } = await import('../../src-core/ingest/parse-channel.js');

const PSEXEC = corpus('json', 'security-datasets', 'cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json');
const FAX = corpus('json', 'security-datasets', 'cmd_service_mod_fax_2020-10-2120454410.json');

function hunt(files: string[]): { code: number; rows: number; err: string } {
  let out = '';
  let err = '';
  const code = main(['hunt', ...files, '--format', 'json'], { out: (s) => (out += s), err: (s) => (err += s), isTty: false });
  return { code, rows: (JSON.parse(out) as { rows: unknown[] }).rows.length, err };
}

describe('longtail hunt FILE: parse workers', () => {
  it('one file under ONE_FILE_INLINE_BYTES: parsed on the importing thread, no worker started', () => {
    expect(fs.statSync(FAX).size).toBeLessThan(ONE_FILE_INLINE_BYTES);
    const before = ParsePool.started;
    const r = hunt([FAX]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('437 records: 115 stored');
    expect(ParsePool.started).toBe(before);
  });

  it('two files: the import decides, and here starts workers', () => {
    const before = ParsePool.started;
    const r = hunt([PSEXEC, FAX]);
    expect(r.code).toBe(0);
    expect(r.rows).toBeGreaterThan(0);
    expect(ParsePool.started).toBeGreaterThan(before);
  });
});
