// Core bugs the archive suites found, each pinned by an `it.fails` test in
// bad-archives.test.ts with the smallest input that shows it. The seeded suites count a
// member issue one of them explains under its id (the figures' `knownBugs`, shown by `npm
// run trust`) instead of failing on it, so they keep checking everything else; any other
// broken invariant fails them. The recognisers are narrow: the symptom as the import log
// shows it, on the kind of archive the bug is about. When a bug is fixed its `it.fails`
// test fails: remove it here too.
import type { ArchiveImported } from './archive-harness.js';
import type { MemberIssue } from './archive-compare.js';
import type { ArchiveInput } from './archive-mutate.js';

export const KNOWN_BUGS = {
  'declared-size-cut':
    'a member inflating past its declared size, or a gzip stream past its ratio, is cut at the start of the 64 KiB inflate chunk that crosses the limit, ' +
    'not at the limit: the records before the limit in that chunk are lost, all of them when it is the first ("after 0 bytes") ' +
    '(src-core/ingest/archive/byte-stream.ts, check() and pumpMember())',
  'tar-destroyed':
    'a .tar.gz whose gzip stream fails (cut, damaged) loses the tar members not yet read when it fails, not only the one at the damage: ' +
    '"damaged archive: Stream was destroyed", nothing stored, and the listing stops before members whose bytes had been inflated ' +
    '(src-core/ingest/archive/tar-container.ts, entries(): the source error destroys the extract at once)',
  'zlib-last-output':
    'a gzip stream that fails at its end (its CRC-32 or size damaged, or cut) loses the bytes zlib inflated in its last call: ' +
    'a .gz under 64 KiB with a damaged trailer is refused whole (src-core/ingest/archive/gzip-container.ts gunzipStream, byte-stream.ts readHead/pumpMember)',
  'gzip-size-hint':
    'a .gz cut or with a damaged trailer declares a size from its last 4 bytes: the member is refused "zip bomb guard: the archive\'s members declare more than …" ' +
    '(src-core/ingest/archive/unpack-worker.ts list(), gzipSizeHint as the declared size counted by archive-import.ts overBudget)',
  'zip-first-header':
    'a zip whose first local header signature is damaged is not recognised as a zip: "unsupported format: binary content of an unknown kind", every member lost ' +
    'though the central directory is intact (src-core/ingest/archive/sniff.ts)',
  'zip-recovery':
    'pending feature, not a bug: a zip whose central directory is cut off fails whole ("cannot read the zip archive: … End of central directory record ' +
    'signature not found…") until the reader of zips without a central directory is in (src-core/ingest/archive/)',
  'eocd-count':
    'a zip whose end record counts fewer entries than its central directory holds drops the rest without a word (src-core/ingest/archive/zip-container.ts readEntries)',
} as const;

export type KnownBug = keyof typeof KNOWN_BUGS;

const ZIP_LOCAL = 0x04034b50;
/** A tar listing stopped by an error of zlib (not of the tar reader). */
const ZLIB_STOP = /^(damaged|truncated) archive: (incorrect (data|length) check|unexpected end of file|invalid [a-z/ ]+|too many length or distance symbols); the members listed before the damage are read$/;

/** The known bug that explains a member issue of the import of `mutated` (a mutation of `input`), if one does. */
export function knownBug(input: ArchiveInput, mutated: Buffer, got: ArchiveImported, issue: MemberIssue): KnownBug | null {
  const members = [...got.members.values()];
  const error = issue.got?.result.error ?? '';
  const damage = issue.got?.damage?.reason ?? '';
  if (input.kind === 'tar.gz' && issue.what !== 'invented') {
    if (members.some((m) => m.damage?.reason.startsWith('damaged archive: Stream was destroyed'))) return 'tar-destroyed';
    // The listing's own pass ended by the same error, before the members it had been given.
    const tar = [...got.containers.entries()].find(([k]) => k.endsWith('.tar'))?.[1];
    const stopped = tar?.notes.some((n) => n.level === 'error' && ZLIB_STOP.test(n.reason));
    if (issue.what === 'gone' && stopped) return 'tar-destroyed';
  }
  if (input.kind === 'gz' && issue.what === 'changed') {
    if (/^zip bomb guard: the archive's members declare more than/.test(error)) return 'gzip-size-hint';
    if (/^damaged archive: (incorrect (data|length) check|unexpected end of file)/.test(error || damage)) return 'zlib-last-output';
  }
  if (input.kind === 'zip' && got.containers.size === 0 && mutated.length >= 4 && mutated.readUInt32LE(0) !== ZIP_LOCAL && (issue.what === 'gone' || issue.what === 'silent')) {
    return 'zip-first-header';
  }
  if (input.kind === 'zip' && mutated.length < input.bytes.length && issue.what === 'gone' && got.archive?.status === 'failed' &&
    /^cannot read the zip archive: damaged archive: not a readable zip: End of central directory record signature not found/.test(got.archive.error ?? '')) {
    return 'zip-recovery';
  }
  if (input.kind === 'zip' && issue.what === 'silent' && input.zip && mutated.length === input.bytes.length) {
    const count = mutated.readUInt16LE(input.zip.eocd + 10);
    if (mutated.readUInt32LE(input.zip.eocd) === 0x06054b50 && count < input.zip.entries.length) return 'eocd-count';
  }
  return null;
}
