// The names of the handler map, for the preload's allowlist. From sources (tests, type
// checks) they are read off `ARGS` itself; the preload bundle gets this module replaced
// by the same list generated at build time (build/electron-bundles.mjs), so the preload
// carries the names and nothing else of the core (no zod, no schemas).
import { ARGS, type ApiName } from '../src-core/api/contract.js';

export const API_NAMES: readonly ApiName[] = Object.freeze(Object.keys(ARGS) as ApiName[]);
