// What both dialects need from a hunt before writing it: the allowlist entries that take
// part (as hunt/allowlist.ts compiles them), the window in words, the header lines.
import path from 'node:path';
import type { AllowEntryInput, Measure } from '../model/hunt.js';
import { asStored } from '../normalize/values.js';
import { LONGTAIL_VERSION } from '../version.js';
import { commentText } from './literals.js';
import type { ActiveEntry, QueryRequest } from './query-types.js';

/** Enabled entries with a value, trimmed and host-scoped exactly as compileAllowlist does. */
export function activeEntries(entries: readonly AllowEntryInput[]): ActiveEntry[] {
  return entries
    .filter((e) => e.enabled && e.value.trim() !== '')
    .map((e) => ({
      entry: e,
      value: asStored(e.value.trim()),
      hosts: e.hosts && e.hosts.length ? [...new Set(e.hosts.map((h) => asStored(h.toLowerCase())))] : null,
    }));
}

/** Name entries for every host: the seed's WhiteList. Lowercased, in order, once each. */
export function whiteListNames(active: readonly ActiveEntry[]): string[] {
  return [...new Set(active.filter((a) => a.entry.kind === 'name' && a.hosts === null).map((a) => a.value.toLowerCase()))];
}

/** Every other entry: host-scoped names, paths, hashes, signers. */
export function otherEntries(active: readonly ActiveEntry[]): ActiveEntry[] {
  return active.filter((a) => !(a.entry.kind === 'name' && a.hosts === null));
}

/** A hash entry as hunt/allowlist.ts reads it: an algorithm (or any) and lowercase hex. */
export function hashEntry(value: string): { algo: 'sha256' | 'sha1' | 'md5' | null; hex: string } {
  const m = /^(sha256|sha1|md5):(.+)$/i.exec(value);
  return { algo: m ? (m[1]!.toLowerCase() as 'sha256' | 'sha1' | 'md5') : null, hex: (m ? m[2]! : value).toLowerCase() };
}

export const MEASURE_WORDS: Record<Measure, string> = {
  binary: 'unique binary (hash and name on few hosts)',
  path: 'unique normalized path (on few hosts)',
  host: 'rare per host (few child launches of that service name on the host)',
};

/** The comment lines every export starts with (without the comment marker). */
export function headerLines(req: QueryRequest, product: string): string[] {
  const p = req.params;
  const when = req.generatedAt ?? new Date().toISOString();
  const has = (m: Measure) => p.measures.includes(m);
  const settings = [
    `Preset ${p.preset}; rare by ${p.measures.join(', ')}${p.measures.length > 1 ? ` (${p.match === 'any' ? 'any of them' : 'all of them'})` : ''}`,
    ...(has('binary') || has('path') ? [`at most ${p.maxHosts} ${p.maxHosts === 1 ? 'host' : 'hosts'}`] : []),
    ...(has('host') ? [`fewer than ${p.maxLaunches} child launches`] : []),
    ...(has('binary') ? [`trusted binaries ${p.includeTrusted ? 'kept in' : 'left out of'} the unique-binary measure`] : []),
  ];
  const lines = [
    `Longtail ${LONGTAIL_VERSION}: rare service execution hunt, for ${product}.`,
    `Generated ${when}${req.caseFile ? ` from case ${path.basename(req.caseFile)}` : ''}.`,
    settings.join('; ') + '.',
  ];
  return lines.map(commentText);
}

/** Comment lines listing each enabled allowlist entry with its reason (data, one line each). */
export function allowlistLines(active: readonly ActiveEntry[]): string[] {
  if (active.length === 0) return ['Allowlist: empty.'];
  return [
    `Allowlist (${active.length} enabled ${active.length === 1 ? 'entry' : 'entries'}, removed before anything is counted):`,
    ...active.map((a) => commentText(
      `  ${a.entry.kind} ${JSON.stringify(a.value)}${a.hosts ? ` on ${a.hosts.join(', ')}` : ''}${a.entry.reason ? `: ${a.entry.reason}` : ''}`,
    )),
  ];
}
