// Spec section 3 allowlist and 7.6: entries match a service process by name, by
// normalized path (glob), by hash or by signer, optionally on some hosts only.
import type { AllowEntryInput } from '../model/hunt.js';
import { asStored } from '../normalize/values.js';

export interface AllowCandidate {
  host: string;
  nameLc: string | null;
  path: string | null;
  pathKey: string | null;
  hashes: { sha256: string | null; sha1: string | null; md5: string | null };
  signer: string | null;
}

/**
 * Regular expressions' case-insensitive canonical form of one UTF-16 unit (ECMAScript
 * Canonicalize without the u flag): globMatcher folds case exactly as a case-insensitive
 * regular expression of the glob would (tested against one).
 */
function canonical(unit: string): string {
  const u = unit.toUpperCase();
  if (u.length !== 1) return unit;
  return unit.charCodeAt(0) >= 128 && u.charCodeAt(0) < 128 ? unit : u;
}

const canonicalCache = new Map<number, string>();

function canonicalText(s: string): string {
  // ASCII (nearly every path) folds as a whole.
  if (/^[\u0000-\u007f]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      out += s[i]!.toUpperCase();
      continue;
    }
    let f = canonicalCache.get(c);
    if (f === undefined) {
      f = canonical(s[i]!);
      if (canonicalCache.size < 65_536) canonicalCache.set(c, f);
    }
    out += f;
  }
  return out;
}

/**
 * `*` any run, `?` one character, everything else literal; case-insensitive, whole
 * string. The same results as the glob turned into a regular expression, but in
 * O(text × glob) time: a
 * backtracking regular expression with several `*` takes polynomial time on a long
 * path that almost matches, and paths come from attacker-controlled logs.
 */
export function globMatcher(glob: string): (text: string) => boolean {
  const pattern = canonicalText(glob);
  return (input) => {
    const text = canonicalText(input);
    let t = 0;
    let p = 0;
    let star = -1;
    let mark = 0;
    while (t < text.length) {
      const pc = pattern[p];
      if (pc === '*') {
        star = p++;
        mark = t;
      } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
        t++;
        p++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (pattern[p] === '*') p++;
    return p === pattern.length;
  };
}

type Matcher = (c: AllowCandidate) => boolean;

function matcher(e: AllowEntryInput): Matcher {
  // Candidates are read from the case: the value must be in the same form.
  const value = asStored(e.value.trim());
  switch (e.kind) {
    case 'name': {
      const v = value.toLowerCase();
      return (c) => c.nameLc === v;
    }
    case 'path': {
      // Matched against the normalized key and, for convenience, the raw path too.
      const test = globMatcher(value);
      return (c) => (c.pathKey !== null && test(c.pathKey)) || (c.path !== null && test(c.path));
    }
    case 'hash': {
      const m = /^(sha256|sha1|md5):(.+)$/i.exec(value);
      const algo = m ? (m[1]!.toLowerCase() as 'sha256' | 'sha1' | 'md5') : null;
      const hex = (m ? m[2]! : value).toLowerCase();
      return (c) => (algo ? c.hashes[algo] === hex : [c.hashes.sha256, c.hashes.sha1, c.hashes.md5].includes(hex));
    }
    case 'signer': {
      const v = value.toLowerCase();
      return (c) => c.signer !== null && c.signer.toLowerCase() === v;
    }
  }
}

export interface CompiledAllowlist {
  /** The first matching entry, or null. */
  match(c: AllowCandidate): AllowEntryInput | null;
}

export function compileAllowlist(entries: readonly AllowEntryInput[]): CompiledAllowlist {
  const compiled = entries
    .filter((e) => e.enabled && e.value.trim() !== '')
    .map((e) => ({ e, test: matcher(e), hosts: e.hosts && e.hosts.length ? new Set(e.hosts.map((h) => asStored(h.toLowerCase()))) : null }));
  return {
    match(c) {
      for (const { e, test, hosts } of compiled) {
        if (hosts && !hosts.has(c.host)) continue;
        if (test(c)) return e;
      }
      return null;
    },
  };
}
