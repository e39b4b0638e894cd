// Where the app finds its Electron-ABI SQLite module, and how build/native.mjs lays it out.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  BINDING_FILE, builderOs, nativeTarget, PACKAGED_NATIVE_DIR, resolveSqliteBinding, SQLITE_BINDING_ENV, type BindingContext,
} from '../../electron/native.js';

interface NativeScript {
  builderOs(platform: string): string;
  nativeDir(platform: string, arch: string, root?: string): string;
  binaryFormatMatches(file: string, platform: string): boolean;
  toolEnv(env: Record<string, string | undefined>): Record<string, string | undefined>;
  BINDING_FILE: string;
}
const script = (await import(new URL('../../build/native.mjs', import.meta.url).href)) as NativeScript;

const ctx = (over: Partial<BindingContext>, files: string[] = []): BindingContext => ({
  isPackaged: false,
  resourcesPath: '/opt/Longtail/resources',
  distDir: '/src/longtail/dist',
  platform: 'linux',
  arch: 'x64',
  env: {},
  exists: (f) => files.includes(f),
  ...over,
});

describe('resolveSqliteBinding', () => {
  it('in a packaged app: resources/native/better_sqlite3.node', () => {
    const file = path.join('/opt/Longtail/resources', 'native', 'better_sqlite3.node');
    expect(resolveSqliteBinding(ctx({ isPackaged: true }, [file]))).toEqual({ path: file, source: 'packaged' });
    const missing = resolveSqliteBinding(ctx({ isPackaged: true }));
    expect(missing.path).toBeNull();
    expect(missing).toMatchObject({ problem: expect.stringContaining('Reinstall') });
  });

  it('in a checkout: dist/native/<os>-<arch>/', () => {
    const linux = path.join('/src/longtail/dist', 'native', 'linux-x64', 'better_sqlite3.node');
    expect(resolveSqliteBinding(ctx({}, [linux]))).toEqual({ path: linux, source: 'development' });
    const mac = path.join('/src/longtail/dist', 'native', 'mac-arm64', 'better_sqlite3.node');
    expect(resolveSqliteBinding(ctx({ platform: 'darwin', arch: 'arm64' }, [mac]))).toEqual({ path: mac, source: 'development' });
    const missing = resolveSqliteBinding(ctx({}));
    expect(missing).toMatchObject({ path: null, problem: expect.stringContaining('npm run native') });
  });

  it('honours an explicit LONGTAIL_SQLITE_BINDING that exists, and says so when it does not', () => {
    expect(resolveSqliteBinding(ctx({ isPackaged: true, env: { [SQLITE_BINDING_ENV]: '/custom/b.node' } }, ['/custom/b.node']))).toEqual({
      path: '/custom/b.node',
      source: 'environment',
    });
    expect(resolveSqliteBinding(ctx({ env: { [SQLITE_BINDING_ENV]: '/nope.node' } }))).toMatchObject({ path: null, problem: expect.stringContaining('/nope.node') });
    // An empty variable is no override.
    const file = path.join('/opt/Longtail/resources', 'native', 'better_sqlite3.node');
    expect(resolveSqliteBinding(ctx({ isPackaged: true, env: { [SQLITE_BINDING_ENV]: '' } }, [file])).path).toBe(file);
  });

  it('is the variable the core reads', () => {
    const caseDb = fs.readFileSync(new URL('../../src-core/store/case-db.ts', import.meta.url), 'utf8');
    expect(caseDb).toContain(`process.env['${SQLITE_BINDING_ENV}']`);
  });
});

describe('layout shared with build/native.mjs and electron-builder', () => {
  it('names platforms as electron-builder’s ${os} does, in both places', () => {
    for (const [platform, os] of [['linux', 'linux'], ['win32', 'win'], ['darwin', 'mac']] as const) {
      expect(builderOs(platform)).toBe(os);
      expect(script.builderOs(platform)).toBe(os);
    }
    expect(nativeTarget('win32', 'x64')).toBe('win-x64');
    expect(script.nativeDir('win32', 'x64', '/r')).toBe(path.join('/r', 'dist', 'native', 'win-x64'));
    expect(script.BINDING_FILE).toBe(BINDING_FILE);
    expect(PACKAGED_NATIVE_DIR).toBe('native');
  });

  it('checks a binary’s format against its platform', () => {
    const require = createRequire(import.meta.url);
    const nodeBuild = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const here = process.platform;
    expect(script.binaryFormatMatches(nodeBuild, here)).toBe(true);
    for (const other of ['linux', 'win32', 'darwin'].filter((p) => p !== here)) expect(script.binaryFormatMatches(nodeBuild, other)).toBe(false);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-native-'));
    try {
      const html = path.join(dir, 'x.node');
      fs.writeFileSync(html, '<html>404 Not Found</html>');
      expect(script.binaryFormatMatches(html, 'linux')).toBe(false);
      const pe = path.join(dir, 'pe.node');
      fs.writeFileSync(pe, Buffer.from('MZ\x90\x00rest'));
      expect(script.binaryFormatMatches(pe, 'win32')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps npm settings that would retarget the build tools out of their environment', () => {
    const env = script.toolEnv({ PATH: '/bin', npm_config_nodedir: '/usr', NPM_CONFIG_TARGET: '20.0.0', npm_config_runtime: 'node', npm_config_cache: '/c' });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c' });
  });
});
