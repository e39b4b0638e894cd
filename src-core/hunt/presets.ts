// The seeds' queries as presets (spec section 3): each fixes the measures and the
// seed's own window and thresholds; the user may override any of them.
import type { HuntParams, Measure, PresetName, WindowSpec } from '../model/hunt.js';

export interface Preset {
  name: PresetName;
  label: string;
  measures: Measure[];
  window: WindowSpec;
  maxHosts: number;
  maxLaunches: number;
}

export const PRESETS: Record<PresetName, Preset> = {
  'elastic-binary': {
    name: 'elastic-binary', label: 'Elastic: unique binary (hash on one host, 7 days)',
    measures: ['binary'], window: { kind: 'days', days: 7 }, maxHosts: 1, maxLaunches: 6,
  },
  'elastic-path': {
    name: 'elastic-path', label: 'Elastic: unique normalized path (one host, 7 days)',
    measures: ['path'], window: { kind: 'days', days: 7 }, maxHosts: 1, maxLaunches: 6,
  },
  'defender-host': {
    name: 'defender-host', label: 'Defender: rare per host (fewer than 6 child launches, 30 days)',
    measures: ['host'], window: { kind: 'days', days: 30 }, maxHosts: 1, maxLaunches: 6,
  },
  any: {
    name: 'any', label: 'Any measure (binary, path or host; 30 days)',
    measures: ['binary', 'path', 'host'], window: { kind: 'days', days: 30 }, maxHosts: 1, maxLaunches: 6,
  },
};

/** Issue 13: rarity measured over fewer covered hosts than this is flagged. */
export const DEFAULT_MIN_COVERED_HOSTS = 3;

export function isPresetName(v: string): v is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, v);
}

/** A preset's parameters with the caller's overrides on top. */
export function huntParams(preset: PresetName = 'any', overrides: Partial<Omit<HuntParams, 'preset'>> = {}): HuntParams {
  const p = PRESETS[preset];
  return {
    preset,
    measures: overrides.measures ?? [...p.measures],
    match: overrides.match ?? 'any',
    window: overrides.window ?? p.window,
    maxHosts: overrides.maxHosts ?? p.maxHosts,
    maxLaunches: overrides.maxLaunches ?? p.maxLaunches,
    includeTrusted: overrides.includeTrusted ?? false,
    minCoveredHosts: overrides.minCoveredHosts ?? DEFAULT_MIN_COVERED_HOSTS,
    allowlist: overrides.allowlist ?? null,
    pathRules: overrides.pathRules ?? null,
  };
}
