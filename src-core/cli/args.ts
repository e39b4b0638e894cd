// A small strict argument parser: unknown options are usage errors (exit 1), never
// silently ignored.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** true: takes a value; false: a flag. */
  value: boolean;
}

export interface Parsed {
  positionals: string[];
  options: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): Parsed {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    if (!s.value) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { positionals, options };
}

export function intOption(p: Parsed, name: string, min: number): number | undefined {
  const v = p.options.get(name);
  if (v === undefined) return undefined;
  if (v === true || !/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} needs a whole number ≥ ${min}`);
  return Number(v);
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.options.get(name);
  return v === true ? undefined : v;
}
