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
  'tar-destroyed':
    'a .tar.gz cut or damaged inside a member: the member at the damage loses the bytes the tar reader held for it when its input ended ' +
    '(up to ~16 KiB before the damage; tar-stream discards an entry\'s buffer when its input ends mid-entry; the members before it are whole) ' +
    '(src-core/ingest/archive/tar-container.ts entries())',
  'zlib-last-output':
    'a zip member or gzip stream whose deflate data zlib rejects loses what zlib inflated in the call that met the error (up to 64 KiB of output before ' +
    'the damage): Node\'s zlib reports the error instead of that output; a small member damaged near its end is refused whole. A damaged or missing gzip ' +
    'trailer loses nothing (the trailer is held back until the data is out). (src-core/ingest/archive/zip-container.ts memberBytes, gzip-container.ts)',
} as const;

export type KnownBug = keyof typeof KNOWN_BUGS;

/** What zlib says of deflate data it cannot inflate (or a stream cut short). */
const ZLIB_ERROR = /^(damaged|truncated) archive: (invalid [a-z/ ]+|incorrect (data|length) check|too many length or distance symbols|unexpected end of file)/;

/** The known limitation that explains a member issue of the import of `mutated` (a mutation of `input`), if one does. */
export function knownBug(input: ArchiveInput, _mutated: Buffer, _got: ArchiveImported, issue: MemberIssue): KnownBug | null {
  const error = issue.got?.result.error ?? '';
  const damage = issue.got?.damage?.reason ?? '';
  // Only the member the damage is in, kept in part or refused: never a member beside it.
  if (issue.what !== 'changed' && issue.what !== 'gone') return null;
  if (input.kind === 'tar.gz' && /^(damaged|truncated) archive: /.test(damage)) return ZLIB_ERROR.test(damage) ? 'zlib-last-output' : 'tar-destroyed';
  if (input.kind === 'tar.gz' && ZLIB_ERROR.test(damage)) return 'tar-destroyed';
  if (ZLIB_ERROR.test(error) || ZLIB_ERROR.test(damage)) return 'zlib-last-output';
  return null;
}
