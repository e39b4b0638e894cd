// Spec section 3 allowlist and 7.6: entries match a service process by name, by
// normalized path (glob), by hash or by signer, optionally on some hosts only.
import type { AllowEntryInput } from '../model/hunt.js';

export interface AllowCandidate {
  host: string;
  nameLc: string | null;
  path: string | null;
  pathKey: string | null;
  hashes: { sha256: string | null; sha1: string | null; md5: string | null };
  signer: string | null;
}

/** `*` any run, `?` one character; everything else literal; case-insensitive, whole string. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

type Matcher = (c: AllowCandidate) => boolean;

function matcher(e: AllowEntryInput): Matcher {
  const value = e.value.trim();
  switch (e.kind) {
    case 'name': {
      const v = value.toLowerCase();
      return (c) => c.nameLc === v;
    }
    case 'path': {
      // Matched against the normalized key and, for convenience, the raw path too.
      const re = globToRegExp(value);
      return (c) => (c.pathKey !== null && re.test(c.pathKey)) || (c.path !== null && re.test(c.path));
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
    .map((e) => ({ e, test: matcher(e), hosts: e.hosts && e.hosts.length ? new Set(e.hosts.map((h) => h.toLowerCase())) : null }));
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
