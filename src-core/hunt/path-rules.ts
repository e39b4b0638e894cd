// Spec section 3 path normalization and 7.8 path keys: rules applied in order to the
// path exactly as logged, then lowercased.
import type { PathRuleInput } from '../model/hunt.js';

export class PathRuleError extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
    this.name = 'PathRuleError';
  }
}

export interface CompiledRules {
  apply(path: string): string;
}

/** Compiles the enabled rules; every replacement is global, as ES|QL's replace() is. */
export function compilePathRules(rules: readonly PathRuleInput[]): CompiledRules {
  const compiled = rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.enabled)
    .map(({ r, i }) => {
      try {
        return { re: new RegExp(r.pattern, 'g'), replacement: r.replacement };
      } catch (err) {
        throw new PathRuleError(i, `path rule ${i + 1}: invalid regular expression: ${(err as Error).message}`);
      }
    });
  const cache = new Map<string, string>();
  return {
    apply(path: string): string {
      let key = cache.get(path);
      if (key !== undefined) return key;
      let out = path;
      // A function replacement keeps `$` in user text literal (Java and JS disagree on it).
      for (const { re, replacement } of compiled) out = out.replace(re, () => replacement);
      key = out.toLowerCase();
      if (cache.size > 100_000) cache.clear();
      cache.set(path, key);
      return key;
    },
  };
}
