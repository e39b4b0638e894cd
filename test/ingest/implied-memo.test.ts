import { describe, expect, it } from 'vitest';
import { ImpliedMemo } from '../../src-core/ingest/implied-memo.js';

describe('ImpliedMemo', () => {
  it('remembers a process by host spelling and key, the first add alone being new', () => {
    const memo = new ImpliedMemo();
    expect(memo.has('WKS-1.corp', '4|2024')).toBe(false);
    expect(memo.add('WKS-1.corp', '4|2024')).toBe(true);
    expect(memo.add('WKS-1.corp', '4|2024')).toBe(false);
    expect(memo.has('WKS-1.corp', '4|2024')).toBe(true);
    // Another spelling of the host, or another process, is another entry.
    expect(memo.has('wks-1.corp', '4|2024')).toBe(false);
    expect(memo.has('WKS-1.corp', '5|2024')).toBe(false);
    // Keys built anew (not the same string objects) are found.
    const host = ['WKS', '-1.corp'].join('');
    expect(memo.has(host, `${2 + 2}|2024`)).toBe(true);
  });

  it('tells host and key apart whatever characters they hold', () => {
    const memo = new ImpliedMemo();
    expect(memo.add('a\u0000b', 'c')).toBe(true);
    expect(memo.has('a', 'b\u0000c')).toBe(false);
    expect(memo.add('a', 'b\u0000c')).toBe(true);
    expect(memo.has('a\u0000b', 'c')).toBe(true);
  });

  it('forgets everything once it holds 100,000 processes, so memory stays bounded', () => {
    const memo = new ImpliedMemo();
    for (let i = 0; i < 100_000; i++) expect(memo.add(`h${i % 7}`, `p${i}`)).toBe(true);
    expect(memo.has('h0', 'p0')).toBe(true);
    expect(memo.add('h9', 'p-new')).toBe(true);
    expect(memo.has('h0', 'p0')).toBe(false);
    expect(memo.has('h9', 'p-new')).toBe(true);
    expect(memo.add('h0', 'p0')).toBe(true);
  });
});
