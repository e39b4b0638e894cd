// The Electron bundles (build/electron-bundles.mjs) and the packaging configuration
// (build/electron-builder.mjs): what `npm run build` and `npm run dist` produce.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import type { Configuration } from 'electron-builder';
import { ARGS } from '../../src-core/api/contract.js';
import type { Bridge } from '../../src-core/api/bridge.js';
import { APP_ID } from '../../electron/security.js';
import { BINDING_FILE, PACKAGED_NATIVE_DIR } from '../../electron/native.js';

interface BundlesModule {
  buildElectron(options?: { outdir?: string; logLevel?: string; sourcemap?: boolean }): Promise<{ outdir: string; names: string[]; preloadInputs: string[] }>;
  writeAppManifest(distDir?: string): Record<string, unknown>;
  PRELOAD_INPUTS: string[];
}
const bundles = (await import(new URL('../../build/electron-bundles.mjs', import.meta.url).href)) as BundlesModule;
const builderConfig = ((await import(new URL('../../build/electron-builder.mjs', import.meta.url).href)) as { default: Configuration }).default;

let dir: string;
let outdir: string;
let built: Awaited<ReturnType<BundlesModule['buildElectron']>>;
const read = (name: string) => fs.readFileSync(path.join(outdir, name), 'utf8');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-build-'));
  outdir = path.join(dir, 'electron');
  built = await bundles.buildElectron({ outdir, logLevel: 'silent', sourcemap: false });
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the Electron bundles', () => {
  it('are main.js, the three workers beside it, and preload.cjs', () => {
    expect(fs.readdirSync(outdir).sort()).toEqual(['checkpoint-worker.js', 'import-worker.js', 'main.js', 'parse-worker.js', 'preload.cjs', 'resolve-worker.js', 'session-worker.js', 'unpack-worker.js']);
  });

  it('main.js is an ES module importing electron, and finds its workers next to itself', () => {
    const main = read('main.js');
    expect(main).toMatch(/^import .* from "electron";$/m);
    expect(main).not.toMatch(/require\("electron"\)/);
    expect(main).toContain('new URL("./session-worker.js", import.meta.url)');
    expect(main).toContain('new URL("./import-worker.js", import.meta.url)');
    expect(read('import-worker.js')).toContain('new URL("./parse-worker.js", import.meta.url)');
    expect(read('import-worker.js')).toContain('new URL("./unpack-worker.js", import.meta.url)');
    expect(read('parse-worker.js')).toContain('new URL("./unpack-worker.js", import.meta.url)');
    expect(read('import-worker.js')).toContain('new URL("./checkpoint-worker.js", import.meta.url)');
    expect(read('import-worker.js')).toContain('new URL("./resolve-worker.js", import.meta.url)');
  });

  it('the workers carry better-sqlite3’s JavaScript and load its native part from a path', () => {
    for (const worker of ['session-worker.js', 'import-worker.js']) {
      const code = read(worker);
      expect(code).toContain('LONGTAIL_SQLITE_BINDING');
      expect(code).toContain('nativeBinding');
      expect(code).not.toMatch(/from "better-sqlite3"|require\("better-sqlite3"\)/);
    }
  });

  it('preload.cjs is CommonJS, requires only electron, and carries no zod and no core code', () => {
    const preload = read('preload.cjs');
    expect(preload.startsWith('"use strict";')).toBe(true);
    expect(preload).not.toMatch(/^\s*import\s/m);
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/zod|safeParse|ZodError/i);
    expect(preload).not.toMatch(/require\(\s*["'](node:)?fs["']\s*\)/);
    expect(preload.length).toBeLessThan(20_000);
    expect(built.preloadInputs.map((p) => p.split(path.sep).join('/')).sort()).toEqual([...bundles.PRELOAD_INPUTS].sort());
  });

  it('preload.cjs has the handler map’s names generated from ARGS, and exposes the bridge', async () => {
    expect(built.names).toEqual(Object.keys(ARGS));
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) },
      ipcRenderer: { invoke: async (...args: unknown[]) => (invoked.push(args), { result: 'ok' }), on: () => undefined },
      webUtils: { getPathForFile: () => '/x' },
    };
    const module = { exports: {} };
    const requireFake = (id: string) => {
      if (id !== 'electron') throw new Error(`the preload required ${id}`);
      return electron;
    };
    vm.runInNewContext(`(function (require, module, exports) {${read('preload.cjs')}\n})`, { Object, Array, Set, Map, Promise, Error, String, JSON })(
      requireFake,
      module,
      module.exports,
    );
    const bridge = exposed['longtail'] as Bridge;
    expect(Object.keys(bridge).sort()).toEqual(['call', 'mode', 'on', 'shell']);
    for (const name of Object.keys(ARGS)) await expect(bridge.call(name as never, {} as never)).resolves.toBe('ok');
    expect(invoked.map((a) => a[1])).toEqual(Object.keys(ARGS));
    await expect(bridge.call('nope' as never, {} as never)).rejects.toThrow(/unknown operation/);
    expect(invoked).toHaveLength(Object.keys(ARGS).length);
  });

  it('writes the app’s own manifest: ESM, main electron/main.js, no dependencies', () => {
    const manifest = bundles.writeAppManifest(dir);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual(manifest);
    expect(written).toMatchObject({ name: 'longtail', productName: 'Longtail', type: 'module', main: 'electron/main.js' });
    expect(written).not.toHaveProperty('dependencies');
    expect(written).not.toHaveProperty('devDependencies');
    const root = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; main: string };
    expect(written['version']).toBe(root.version);
    expect(root.main).toBe('dist/electron/main.js');
  });
});

describe('electron-builder configuration', () => {
  it('packages dist/ (bundles and renderer) without node_modules and without rebuilding native modules', async () => {
    expect(builderConfig.appId).toBe(APP_ID);
    expect(builderConfig.directories).toMatchObject({ app: 'dist', output: 'release', buildResources: 'build' });
    expect(builderConfig.files).toEqual(expect.arrayContaining(['package.json', 'electron/**/*', 'renderer/**/*', '!**/*.map']));
    expect(builderConfig.npmRebuild).not.toBe(true);
    expect(builderConfig.nodeGypRebuild).toBe(false);
    const beforeBuild = builderConfig.beforeBuild as () => Promise<boolean>;
    await expect(beforeBuild()).resolves.toBe(false);
    expect(typeof builderConfig.beforePack).toBe('function');
    expect(builderConfig.asar).toBe(false);
  });

  it('ships the Electron-ABI SQLite module where electron/native.ts looks for it', () => {
    expect(builderConfig.extraResources).toEqual([
      { from: `dist/native/\${os}-\${arch}/${BINDING_FILE}`, to: `${PACKAGED_NATIVE_DIR}/${BINDING_FILE}` },
    ]);
  });

  it('targets AppImage and deb, NSIS and dmg, with an icon', () => {
    expect(builderConfig.linux?.target).toEqual(['AppImage', 'deb']);
    expect(builderConfig.win?.target).toEqual(['nsis']);
    expect(builderConfig.mac?.target).toEqual(['dmg']);
    const png = fs.readFileSync(new URL('../../build/icon.png', import.meta.url));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1024);
    for (const size of [16, 32, 48, 128, 256, 512]) {
      const icon = fs.readFileSync(new URL(`../../build/icons/${size}x${size}.png`, import.meta.url));
      expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('hardens the Electron binary with fuses', () => {
    expect(builderConfig.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has npm scripts that compose: build, build:main, native, start, dist', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['build:main']).toBe('node build/build.mjs');
    // `build` runs the main build and the renderer's (in either order; they touch different folders).
    expect(pkg.scripts['build']).toMatch(/build:main|node build\/build\.mjs/);
    expect(pkg.scripts['native']).toBe('node build/native.mjs');
    expect(pkg.scripts['dist']).toMatch(/npm run build && electron-builder --config build\/electron-builder\.mjs/);
    expect(pkg.scripts['start']).toMatch(/npm run build .*npm run native .*electron \./);
  });
});
