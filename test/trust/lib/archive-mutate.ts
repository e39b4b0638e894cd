// Clean archives of corpus logs and generated files, and seeded mutations of them as
// damaged or hostile archives present them: byte flips, zeroed ranges, random bytes after
// a signature (a zip's local header, central directory entry or end record; the gzip
// magic; a tar header), truncation. From the clean archive's layout each mutation says
// which members it touched, and from which byte of each: a zip member's local header and
// data, its central directory entry (an entry that is misread can take the entries after
// it along: those are not expected intact), the end record (all of them); a tar member's
// header (it and those after it) or data (it alone); for a compressed stream, the first
// touched byte decides, in inflated bytes, what comes out as before (archives.ts
// inflatablePrefix). The others must come out exactly as from the clean archive.
import fs from 'node:fs';
import fc from 'fast-check';
import { corpus } from '../../helpers/corpus.js';
import {
  gzipBytes, inflatablePrefix, tarBytes, tarLayout, zipBytes, zipLayout, type EntrySpec, type TarEntryLayout, type ZipLayout,
} from './archives.js';
import type { MemberExpect } from './archive-compare.js';
import { factsArb, ndjsonElastic } from './inputs.js';

export type ArchiveKind = 'zip' | 'tar.gz' | 'gz';

export interface ArchiveInput {
  kind: ArchiveKind;
  /** The archive's file name. */
  name: string;
  bytes: Buffer;
  /** Member files by their name in the log (after `archive!/`), with their bytes. */
  files: Map<string, Buffer>;
  zip: ZipLayout | null;
  /** The tar of a .tar.gz, its layout, and how its members are named (`x.tar!/`). */
  tar: { bytes: Buffer; layout: TarEntryLayout[]; prefix: string } | null;
  /** A gzip stream's header length (its compressed data starts there). */
  gzHeaderEnd: number;
}

/** The corpus logs an archive may carry (small ones; a multi-chunk log in a long run). */
const EVTX = [
  'ID4688,4697,5140-5145 PSexec remote execution + admin share.evtx',
  'ID7045-7036 PSexec service installation.evtx',
  'LM_sysmon_psexec_smb_meterpreter.evtx',
  'apt10_jjs_sideloading_prochollowing_persist_as_service_sysmon_1_7_8_13.evtx',
  'metasploit-psexec-powershell-target-security.evtx',
  'metasploit-psexec-powershell-target-system.evtx',
];
const TEXT = [
  ['json', 'defender', 'streaming-api-excerpt.ndjson'],
  ['csv', 'defender', 'advanced_hunting_test.csv'],
  ['json', 'elastic-defend', 'process_created_windows.json'],
  ['json', 'winlogbeat', 'security-windows2019_4688_Process_Created.golden.json'],
] as const;

const read = (...parts: string[]) => fs.readFileSync(corpus(...parts));

/**
 * The files of one archive, the same for a seed: two corpus logs, two corpus JSON or CSV
 * files, a generated NDJSON file (its events differ per seed), a note that is not data
 * and a folder. One member is stored rather than deflated.
 */
export function memberFiles(seed: number, opts: { bigLog?: boolean } = {}): EntrySpec[] {
  const [facts] = fc.sample(factsArb(true, 20, 60), { seed, numRuns: 1 });
  const pick = (n: number, k: number) => (seed * 7 + k * 13) % n;
  const a = pick(EVTX.length, 1);
  const b = (a + 1 + pick(EVTX.length - 1, 2)) % EVTX.length;
  const t = pick(TEXT.length, 3);
  const stored = pick(3, 4);
  const files: EntrySpec[] = [
    { name: `logs/${EVTX[a]}`, data: read('evtx', 'attack', EVTX[a]!) },
    { name: `${TEXT[t]![0]}/${TEXT[t]![2]}`, data: read(...TEXT[t]!), compress: stored !== 0 },
    { name: 'notes/README.txt', data: Buffer.from('Collected by the IR team. Not data.\n') },
    { name: 'empty/' },
    { name: `gen/elastic-${seed}.ndjson`, data: ndjsonElastic(facts!).bytes, compress: stored !== 1 },
    { name: `logs/more/${EVTX[b]}`, data: read('evtx', 'attack', EVTX[b]!), compress: stored !== 2 },
    { name: `${TEXT[(t + 1) % TEXT.length]![0]}/more/${TEXT[(t + 1) % TEXT.length]![2]}`, data: read(...TEXT[(t + 1) % TEXT.length]!) },
  ];
  if (opts.bigLog) files.push({ name: 'logs/big/privesc.evtx', data: read('evtx', 'attack', 'privesc_unquoted_svc_sysmon_1_11.evtx') });
  return files;
}

function fileMap(entries: readonly EntrySpec[], prefix = ''): Map<string, Buffer> {
  return new Map(entries.filter((e) => e.data !== undefined).map((e) => [`${prefix}${e.name}`, e.data!]));
}

export async function zipInput(entries: readonly EntrySpec[], name = 'collection.zip'): Promise<ArchiveInput> {
  const bytes = await zipBytes(entries);
  return { kind: 'zip', name, bytes, files: fileMap(entries), zip: zipLayout(bytes), tar: null, gzHeaderEnd: 0 };
}

export async function tarGzInput(entries: readonly EntrySpec[], name = 'collection.tar.gz'): Promise<ArchiveInput> {
  const tar = await tarBytes(entries);
  const prefix = `${name.replace(/\.gz$/, '')}!/`;
  return { kind: 'tar.gz', name, bytes: gzipBytes(tar), files: fileMap(entries, prefix), zip: null, tar: { bytes: tar, layout: tarLayout(tar), prefix }, gzHeaderEnd: 10 };
}

export function gzInput(member: string, data: Buffer): ArchiveInput {
  const bytes = gzipBytes(data, member);
  return { kind: 'gz', name: `${member}.gz`, bytes, files: new Map([[member, data]]), zip: null, tar: null, gzHeaderEnd: 10 + member.length + 1 };
}

// ---------------------------------------------------------------------------------
// Mutations

export type Region =
  /** zip */
  | 'member-data' | 'local-header' | 'central-directory' | 'end-record'
  /** gzip */
  | 'gzip-header' | 'deflate' | 'trailer'
  /** the tar inside a .tar.gz (gzipped again afterwards) */
  | 'tar-header' | 'tar-data'
  | 'anywhere';

export type ArchiveMutation =
  | { scope: 'bytes'; region: Region; how: 'flips' | 'zero' | 'garbage'; pick: number; at: number; n: number; xor: number }
  | { scope: 'truncate'; at: number }
  | { scope: 'signature-then-random'; seed: number };

function bytesArb(regions: ReadonlyArray<[Region, number]>): fc.Arbitrary<ArchiveMutation> {
  return fc.record({
    scope: fc.constant('bytes' as const),
    region: fc.oneof(...regions.map(([r, weight]) => ({ weight, arbitrary: fc.constant(r) }))),
    how: fc.oneof({ weight: 4, arbitrary: fc.constant('flips' as const) }, { weight: 1, arbitrary: fc.constant('zero' as const) }, { weight: 1, arbitrary: fc.constant('garbage' as const) }),
    pick: fc.nat(),
    at: fc.nat(),
    n: fc.integer({ min: 1, max: 512 }),
    xor: fc.integer({ min: 1, max: 255 }),
  });
}

export const zipMutation: fc.Arbitrary<ArchiveMutation> = fc.oneof(
  { weight: 12, arbitrary: bytesArb([['member-data', 6], ['local-header', 2], ['central-directory', 3], ['end-record', 1], ['anywhere', 2]]) },
  { weight: 1, arbitrary: fc.record({ scope: fc.constant('signature-then-random' as const), seed: fc.nat() }) },
);
/** Truncation alone: it needs the reader of zips without a central directory. */
export const zipTruncation: fc.Arbitrary<ArchiveMutation> = fc.record({ scope: fc.constant('truncate' as const), at: fc.nat() });
export const tarGzMutation: fc.Arbitrary<ArchiveMutation> = fc.oneof(
  { weight: 8, arbitrary: bytesArb([['deflate', 4], ['gzip-header', 1], ['trailer', 1], ['tar-header', 2], ['tar-data', 4], ['anywhere', 1]]) },
  { weight: 3, arbitrary: fc.record({ scope: fc.constant('truncate' as const), at: fc.nat() }) },
);
export const gzMutation: fc.Arbitrary<ArchiveMutation> = fc.oneof(
  { weight: 6, arbitrary: bytesArb([['deflate', 4], ['gzip-header', 1], ['trailer', 1]]) },
  { weight: 3, arbitrary: fc.record({ scope: fc.constant('truncate' as const), at: fc.nat() }) },
);

export function mutationKind(m: ArchiveMutation): string {
  return m.scope === 'bytes' ? `${m.region}:${m.how}` : m.scope;
}

export interface ArchiveMutated {
  bytes: Buffer;
  expect: (name: string) => MemberExpect;
  label: string;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
}

/** [from, to) byte ranges a mutation changed. */
type Ranges = Array<[number, number]>;

/** Damages `buf` in place inside [from, to) (a signature of `sig` bytes, if any, at `from`); returns what it touched. */
function damage(buf: Buffer, from: number, to: number, m: Extract<ArchiveMutation, { scope: 'bytes' }>, sig: number): { ranges: Ranges; label: string } {
  const span = Math.max(1, to - from);
  switch (m.how) {
    case 'flips': {
      const count = 1 + (m.n % 8);
      const ranges: Ranges = [];
      for (let k = 0; k < count; k++) {
        const i = from + ((m.at + k * 7919) % span);
        if (i >= buf.length) continue;
        buf[i] = buf[i]! ^ ((m.xor + k * 37) & 0xff || 1);
        ranges.push([i, i + 1]);
      }
      return { ranges, label: `${count} byte(s) flipped in [${from}, ${to})` };
    }
    case 'zero': {
      const at = from + (m.at % span);
      const end = Math.min(buf.length, at + m.n);
      buf.fill(0, at, end);
      return { ranges: [[at, end]], label: `${end - at} byte(s) zeroed at ${at}` };
    }
    case 'garbage': {
      // Random bytes right after the region's signature (a zip or gzip signature), or anywhere in it.
      const at = sig ? from + sig : from + (m.at % span);
      const end = Math.min(buf.length, at + m.n);
      const next = lcg(m.at ^ m.xor);
      for (let i = at; i < end; i++) buf[i] = next();
      return { ranges: [[at, end]], label: `${end - at} random byte(s) at ${at}${sig ? ` (after the signature at ${from})` : ''}` };
    }
  }
}

const first = (ranges: Ranges) => Math.min(...ranges.map((r) => r[0]));
const hits = (ranges: Ranges, from: number, to: number) => ranges.some(([a, b]) => a < to && b > from);
const firstIn = (ranges: Ranges, from: number, to: number) => Math.min(...ranges.filter(([a, b]) => a < to && b > from).map(([a]) => Math.max(a, from)));

/** Expectations for a zip whose bytes in `ranges` changed (cut: everything from `cut` on is gone). */
function zipExpect(input: ArchiveInput, ranges: Ranges, cut: number | null): (name: string) => MemberExpect {
  const z = input.zip!;
  const out = new Map<string, MemberExpect>();
  const files = z.entries.filter((e) => !e.folder);
  for (const e of files) out.set(e.name, { kind: 'intact' });
  const set = (name: string, x: MemberExpect) => {
    const was = out.get(name);
    if (was?.kind === 'any' || (was?.kind === 'damaged' && x.kind === 'damaged')) return;
    out.set(name, x);
  };
  const prefixOf = (e: (typeof z.entries)[number], firstByte: number): MemberExpect => {
    if (firstByte < e.dataStart) return { kind: 'any' }; // its local header
    const raw = input.bytes.subarray(e.dataStart, e.dataEnd);
    return { kind: 'damaged', prefix: e.method === 8 ? inflatablePrefix(raw, firstByte - e.dataStart, true) : firstByte - e.dataStart };
  };
  if (cut !== null) {
    // The reader of cut zips: members wholly before the cut intact, the one at the cut read up to it.
    for (const e of files) {
      if (e.dataEnd <= cut) continue;
      set(e.name, e.localOffset < cut ? prefixOf(e, cut) : { kind: 'any' });
    }
    return (name) => out.get(name) ?? { kind: 'any' };
  }
  for (const e of files) if (hits(ranges, e.localOffset, e.dataEnd)) set(e.name, prefixOf(e, firstIn(ranges, e.localOffset, e.dataEnd)));
  // A central directory entry misread takes the entries after it along (sizes, offsets, lengths).
  const cdHit = z.entries.find((e) => hits(ranges, e.cdOffset, e.cdEnd));
  if (cdHit) for (const e of files) if (e.index >= cdHit.index) set(e.name, { kind: 'any' });
  if (hits(ranges, z.eocd, input.bytes.length)) for (const e of files) set(e.name, { kind: 'any' });
  return (name) => out.get(name) ?? { kind: 'any' };
}

/** Expectations for a gzip stream damaged from compressed byte `c` on. */
function gzipExpect(input: ArchiveInput, c: number): (name: string) => MemberExpect {
  const gz = input.bytes;
  if (input.kind === 'gz') {
    const [name] = [...input.files.keys()];
    if (c < input.gzHeaderEnd) return () => ({ kind: 'any' });
    if (c >= gz.length - 8) return () => ({ kind: 'intact' }); // only the trailer (CRC-32, size)
    const prefix = inflatablePrefix(gz, c, false);
    return (n) => (n === name ? { kind: 'damaged', prefix } : { kind: 'any' });
  }
  const t = input.tar!;
  // Tar bytes that come out as before: all of them if only the trailer was touched.
  const u = c < input.gzHeaderEnd ? 0 : c >= gz.length - 8 ? t.bytes.length : inflatablePrefix(gz, c, false);
  return tarExpect(input, u, null);
}

/** Expectations for a tar whose bytes are the clean ones up to `u` (then damaged or cut), or damaged in `ranges`. */
function tarExpect(input: ArchiveInput, u: number, ranges: Ranges | null): (name: string) => MemberExpect {
  const t = input.tar!;
  const out = new Map<string, MemberExpect>();
  let broken = false;
  for (const e of t.layout) {
    // A header misread (a folder's too): the entries after it are read wrong too.
    if (ranges && hits(ranges, e.header, e.dataStart)) broken = true;
    if (!e.file) continue;
    const name = `${t.prefix}${e.name}`;
    if (ranges) {
      if (broken) {
        out.set(name, { kind: 'any' });
      } else if (hits(ranges, e.dataStart, e.dataEnd)) out.set(name, { kind: 'damaged', prefix: firstIn(ranges, e.dataStart, e.dataEnd) - e.dataStart });
      else out.set(name, { kind: 'intact' });
      continue;
    }
    out.set(name, e.dataEnd <= u ? { kind: 'intact' } : e.dataStart < u ? { kind: 'damaged', prefix: u - e.dataStart } : { kind: 'any' });
  }
  return (name) => out.get(name) ?? { kind: 'any' };
}

export function applyArchive(input: ArchiveInput, m: ArchiveMutation): ArchiveMutated {
  const src = input.bytes;
  if (m.scope === 'truncate') {
    const at = m.at % src.length;
    const bytes = src.subarray(0, at);
    const label = `truncated at byte ${at} of ${src.length}`;
    if (input.kind === 'zip') return { bytes, expect: zipExpect(input, [[at, src.length]], at), label };
    return { bytes, expect: gzipExpect(input, at), label };
  }
  if (m.scope === 'signature-then-random') {
    const sig = input.kind === 'zip' ? Buffer.from([0x50, 0x4b, 0x03, 0x04]) : Buffer.from([0x1f, 0x8b, 0x08]);
    const rest = Buffer.alloc(1000 + (m.seed % 100_000));
    const next = lcg(m.seed);
    for (let i = 0; i < rest.length; i++) rest[i] = next();
    return { bytes: Buffer.concat([sig, rest]), expect: () => ({ kind: 'any' }), label: `a ${input.kind} signature then ${rest.length} random bytes` };
  }
  if (m.region === 'tar-header' || m.region === 'tar-data') {
    const t = input.tar!;
    const files = t.layout.filter((e) => e.file);
    const e = files[m.pick % files.length]!;
    const tar = Buffer.from(t.bytes);
    const [from, to] = m.region === 'tar-header' ? [e.header, e.dataStart] : [e.dataStart, Math.max(e.dataStart + 1, e.dataEnd)];
    const d = damage(tar, from, to, m, 0);
    return { bytes: gzipBytes(tar), expect: tarExpect(input, 0, d.ranges), label: `tar member ${e.name}: ${d.label} (the tar gzipped again)` };
  }
  const bytes = Buffer.from(src);
  let from = 0;
  let to = src.length;
  let sig = 0;
  let where = 'the file';
  if (input.kind === 'zip') {
    const z = input.zip!;
    const files = z.entries.filter((e) => !e.folder);
    const e = files[m.pick % files.length]!;
    const all = z.entries[m.pick % z.entries.length]!;
    switch (m.region) {
      case 'member-data':
        [from, to, where] = [e.dataStart, Math.max(e.dataStart + 1, e.dataEnd), `${e.name}'s data`];
        break;
      case 'local-header':
        [from, to, sig, where] = [e.localOffset, e.dataStart, 4, `${e.name}'s local header`];
        break;
      case 'central-directory':
        [from, to, sig, where] = [all.cdOffset, all.cdEnd, 4, `${all.name}'s central directory entry`];
        break;
      case 'end-record':
        [from, to, sig, where] = [z.eocd, src.length, 4, 'the end of central directory record'];
        break;
      default:
        break;
    }
    const d = damage(bytes, from, to, m, sig);
    return { bytes, expect: zipExpect(input, d.ranges, null), label: `${where}: ${d.label}` };
  }
  switch (m.region) {
    case 'gzip-header':
      [from, to, sig, where] = [0, input.gzHeaderEnd, 3, 'the gzip header'];
      break;
    case 'deflate':
      [from, to, where] = [input.gzHeaderEnd, src.length - 8, 'the deflate data'];
      break;
    case 'trailer':
      [from, to, where] = [src.length - 8, src.length, 'the gzip trailer (CRC-32, size)'];
      break;
    default:
      break;
  }
  const d = damage(bytes, from, to, m, sig);
  return { bytes, expect: gzipExpect(input, first(d.ranges)), label: `${where}: ${d.label}` };
}
