#!/usr/bin/env node
// The Electron build of better-sqlite3, for the desktop app only:
//   dist/native/<os>-<arch>/better_sqlite3.node     (<os>: linux, win, mac)
// node_modules/better-sqlite3 stays as npm built it, for plain Node (CLI, tests): this
// works on a copy of the package in a temporary folder, never in place. First a
// prebuilt binary for Electron's ABI (prebuild-install --runtime=electron, from the
// better-sqlite3 releases on GitHub); failing that, when building for this machine's
// platform, a compile against Electron's headers (node-gyp; needs a C++ toolchain).
// Both need internet the first time; the result is kept and reused while Electron's and
// better-sqlite3's versions stay the same.
//
//   npm run native [-- --platform linux|win32|darwin] [-- --arch x64|arm64] [-- --force]
//
// `npm run dist` runs this for every platform/arch it packages (the beforePack hook in
// build/electron-builder.mjs); electron/native.ts finds the result at run time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BINDING_FILE = 'better_sqlite3.node';
const require = createRequire(import.meta.url);

/** electron-builder's name for a platform (its `${os}` macro); the same as electron/native.ts. */
export function builderOs(platform) {
  if (platform === 'darwin') return 'mac';
  if (platform === 'win32') return 'win';
  return 'linux';
}

export function nativeDir(platform, arch, root = ROOT) {
  return path.join(root, 'dist', 'native', `${builderOs(platform)}-${arch}`);
}

function versionOf(pkg) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** Checks that a file is a shared library of the platform's executable format. */
export function binaryFormatMatches(file, platform) {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, head, 0, 4, 0) < 4) return false;
  } finally {
    fs.closeSync(fd);
  }
  if (platform === 'win32') return head[0] === 0x4d && head[1] === 0x5a; // MZ
  if (platform === 'darwin') {
    const magic = head.readUInt32BE(0);
    return [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic);
  }
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])); // \x7fELF
}

/**
 * The environment for the build tools, without npm settings that would silently retarget
 * them: `nodedir` (set on some machines so node-gyp builds offline against the system's
 * Node headers) would give a plain-Node binary; `target`, `runtime`, `arch`, `disturl`,
 * `platform` and `build_from_source` are passed explicitly instead.
 */
export function toolEnv(env = process.env) {
  const out = {};
  const retarget = /^npm_config_(nodedir|target|runtime|arch|target_arch|disturl|dist_url|platform|target_platform|build_from_source)$/i;
  for (const [k, v] of Object.entries(env)) if (!retarget.test(k)) out[k] = v;
  return out;
}

function run(cmd, args, cwd, log) {
  log(`> ${path.basename(cmd)} ${args.map((a) => (path.isAbsolute(a) ? path.relative(ROOT, a) : a)).join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: toolEnv() });
  return r.status === 0;
}

/**
 * Makes (or reuses) the Electron-ABI binding for a platform and architecture.
 * @param {{ platform?: string, arch?: string, force?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<string>} the path of better_sqlite3.node
 */
export async function ensureElectronSqlite(options = {}) {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const electron = versionOf('electron');
  const sqlite = versionOf('better-sqlite3');
  const dir = nativeDir(platform, arch);
  const dest = path.join(dir, BINDING_FILE);
  const stampFile = path.join(dir, 'build-info.json');
  const stamp = { electron, 'better-sqlite3': sqlite, platform, arch };
  if (!options.force && fs.existsSync(dest) && fs.existsSync(stampFile)) {
    try {
      const old = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
      if (JSON.stringify(old) === JSON.stringify(stamp)) {
        log(`better-sqlite3 ${sqlite} for Electron ${electron} (${platform}-${arch}): ${path.relative(ROOT, dest)} is up to date`);
        return dest;
      }
    } catch {
      // rebuild
    }
  }

  log(`better-sqlite3 ${sqlite} for Electron ${electron} (${platform}-${arch})`);
  const source = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-sqlite-'));
  const pkgDir = path.join(staging, 'better-sqlite3');
  try {
    // The package without its Node build: the copy gets Electron's.
    fs.cpSync(source, pkgDir, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(source, src);
        return rel !== 'build' && !rel.startsWith(`build${path.sep}`) && rel !== 'node_modules' && !rel.startsWith(`node_modules${path.sep}`);
      },
    });
    const built = path.join(pkgDir, 'build', 'Release', BINDING_FILE);
    const sqliteRequire = createRequire(path.join(source, 'package.json'));
    const prebuild = sqliteRequire.resolve('prebuild-install/bin.js');
    let ok = run(process.execPath, [prebuild, '--runtime=electron', `--target=${electron}`, `--arch=${arch}`, `--platform=${platform}`, '--verbose'], pkgDir, log);
    if (!(ok && fs.existsSync(built))) {
      if (platform !== process.platform) {
        throw new Error(
          `no prebuilt better-sqlite3 ${sqlite} for Electron ${electron} on ${platform}-${arch}, and it cannot be compiled for ` +
            `${platform} on ${process.platform}: run \`npm run native\` on a ${platform} machine and copy ${path.relative(ROOT, dir)} here`,
        );
      }
      log('no prebuilt binary: compiling against Electron headers (needs a C++ toolchain)');
      const gyp = require.resolve('node-gyp/bin/node-gyp.js');
      ok = run(process.execPath, [gyp, 'rebuild', '--release', `--target=${electron}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'], pkgDir, log);
      if (!(ok && fs.existsSync(built))) throw new Error(`could not build better-sqlite3 for Electron ${electron} (${platform}-${arch})`);
    }
    if (!binaryFormatMatches(built, platform)) throw new Error(`${built} is not a ${platform} library`);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(built, dest);
    fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, dest)}`);
    return dest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await ensureElectronSqlite({ platform: arg('platform'), arch: arg('arch'), force: process.argv.includes('--force') });
  } catch (err) {
    process.stderr.write(`native: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
