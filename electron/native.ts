// Where the Electron build of better-sqlite3 is. The module in node_modules is built for
// plain Node (the CLI and the tests use it); Electron has another ABI, so the app loads
// a second build made for it by build/native.mjs — shipped in a packaged app as
// resources/native/better_sqlite3.node (an electron-builder extraResource), and in a
// checkout at dist/native/<os>-<arch>/. The core reads the path from an environment
// variable (src-core/store/case-db.ts, better-sqlite3's `nativeBinding` option); worker
// threads inherit it, so it must be set before CoreHost starts its workers.
import path from 'node:path';

export const SQLITE_BINDING_ENV = 'LONGTAIL_SQLITE_BINDING';
export const BINDING_FILE = 'better_sqlite3.node';
/** The folder under the packaged app's resources (see build/electron-builder.mjs). */
export const PACKAGED_NATIVE_DIR = 'native';

/** electron-builder's name for a platform, as in its `${os}` file macro. */
export function builderOs(platform: string): 'mac' | 'win' | 'linux' {
  if (platform === 'darwin') return 'mac';
  if (platform === 'win32') return 'win';
  return 'linux';
}

/** The per-target folder name under dist/native/, e.g. `linux-x64` (`${os}-${arch}`). */
export function nativeTarget(platform: string, arch: string): string {
  return `${builderOs(platform)}-${arch}`;
}

export interface BindingContext {
  /** app.isPackaged */
  isPackaged: boolean;
  /** process.resourcesPath */
  resourcesPath: string;
  /** The folder holding electron/ and renderer/ (dist/ in a checkout). */
  distDir: string;
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
  exists: (file: string) => boolean;
}

export type BindingResolution =
  | { path: string; source: 'environment' | 'packaged' | 'development' }
  | { path: null; problem: string };

/** Finds the binding: an explicit LONGTAIL_SQLITE_BINDING, else the packaged or development copy. */
export function resolveSqliteBinding(ctx: BindingContext): BindingResolution {
  const explicit = ctx.env[SQLITE_BINDING_ENV];
  if (explicit) {
    return ctx.exists(explicit)
      ? { path: explicit, source: 'environment' }
      : { path: null, problem: `${SQLITE_BINDING_ENV} names ${explicit}, which does not exist.` };
  }
  if (ctx.isPackaged) {
    const file = path.join(ctx.resourcesPath, PACKAGED_NATIVE_DIR, BINDING_FILE);
    return ctx.exists(file)
      ? { path: file, source: 'packaged' }
      : { path: null, problem: `The SQLite module is missing from this installation (${file}). Reinstall Longtail.` };
  }
  const file = path.join(ctx.distDir, 'native', nativeTarget(ctx.platform, ctx.arch), BINDING_FILE);
  return ctx.exists(file)
    ? { path: file, source: 'development' }
    : {
        path: null,
        problem:
          `No Electron build of better-sqlite3 at ${file}.\n` +
          'Run `npm run native` (it downloads a prebuilt binary, or compiles one, once; needs internet), then start again.',
      };
}
