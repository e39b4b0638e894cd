// Small helpers of the allowlist and path-rule editors (pure).

/** `ws01, WS02 ws03` → ['ws01', 'ws02', 'ws03'] (host keys are lowercase); empty → null (every host). */
export function parseHosts(text: string): string[] | null {
  const hosts = text.split(/[\s,;]+/).map((h) => h.trim().toLowerCase()).filter(Boolean);
  return hosts.length ? [...new Set(hosts)] : null;
}

/** Why a path rule's pattern would be refused (the core compiles it with flag `g`), or null. */
export function regexProblem(pattern: string): string | null {
  if (!pattern) return 'empty pattern';
  try {
    new RegExp(pattern, 'g');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
