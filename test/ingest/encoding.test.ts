import { describe, expect, it } from 'vitest';
import { sniffEncoding } from '../../src-core/ingest/text/encoding.js';
import { openFileSource } from '../../src-core/ingest/text/byte-source.js';
import { readLines } from '../../src-core/ingest/text/line-reader.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('sniffEncoding', () => {
  it('recognises byte-order marks', () => {
    expect(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(sniffEncoding(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(sniffEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x61]))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
  });

  it('guesses BOM-less UTF-16 from NULs in alternate bytes', () => {
    expect(sniffEncoding(Buffer.from('{"EventID": 4688}\r\n', 'utf16le'))).toEqual({ encoding: 'utf-16le', bomLength: 0 });
    expect(sniffEncoding(Buffer.from('Timestamp,DeviceName\r\n', 'utf16le').swap16())).toEqual({
      encoding: 'utf-16be',
      bomLength: 0,
    });
  });

  it('takes everything else for UTF-8', () => {
    expect(sniffEncoding(Buffer.from('Timestamp,DeviceName,Ü€\n', 'utf8')).encoding).toBe('utf-8');
    expect(sniffEncoding(Buffer.alloc(0))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(sniffEncoding(Buffer.from([0x61]))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    // Binary with NULs everywhere is not UTF-16 text.
    expect(sniffEncoding(Buffer.alloc(64)).encoding).toBe('utf-8');
    // A stray NUL in UTF-8 text does not make it UTF-16.
    expect(sniffEncoding(Buffer.from('abc\u0000def,ghi\n', 'utf8')).encoding).toBe('utf-8');
  });
});

describe('openFileSource', () => {
  it('reads a file in chunks, read-only, and reports size and progress', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-src-'));
    const file = path.join(dir, 'x.txt');
    fs.writeFileSync(file, 'one\ntwo\n');
    fs.chmodSync(file, 0o444);
    const before = fs.statSync(file).mtimeMs;
    const source = openFileSource(file);
    expect(source.size).toBe(8);
    expect([...readLines(source)].map((l) => l.text)).toEqual(['one', 'two']);
    expect(source.bytesRead).toBe(8);
    source.close();
    source.close();
    expect(fs.statSync(file).mtimeMs).toBe(before);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
