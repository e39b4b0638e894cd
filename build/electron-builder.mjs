// electron-builder configuration (`npm run dist`): Linux AppImage and deb, Windows NSIS,
// macOS dmg, into release/.
//
// The app is dist/ with its own manifest (dist/package.json, written by build.mjs):
// the Electron bundles and the renderer, no node_modules — everything the app runs is
// bundled, except the native SQLite module, which is built for Electron's ABI by
// build/native.mjs (beforePack, for each platform/arch packaged) and shipped outside
// the app as resources/native/better_sqlite3.node. electron-builder's own rebuild of
// native modules is off (beforeBuild): it would rebuild node_modules/better-sqlite3 in
// place, for Electron, and break the CLI and the tests that use it on plain Node.
//
// No asar archive: the main process starts its workers (ES modules) from files next to
// it, which is plain file loading in resources/app/, with nothing to go wrong in how an
// archive is read by worker threads' ESM loader. The app holds a handful of bundles,
// so an archive would save nothing either.
import { createRequire } from 'node:module';
import { ensureElectronSqlite } from './native.mjs';

const require = createRequire(import.meta.url);

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.longtail.desktop',
  productName: 'Longtail',
  copyright: 'Copyright © Longtail contributors',
  directories: { app: 'dist', output: 'release', buildResources: 'build' },
  files: ['package.json', 'electron/**/*', 'renderer/**/*', '!**/*.map'],
  asar: false,
  // No rebuild of node_modules, and none packed: resolving false here tells
  // electron-builder that dependencies are handled outside it (`npmRebuild: false` would
  // skip the rebuild too, but then it would pack the repository's node_modules).
  beforeBuild: async () => false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  electronLanguages: ['en-US'],
  extraResources: [
    { from: 'dist/native/${os}-${arch}/better_sqlite3.node', to: 'native/better_sqlite3.node' },
  ],
  beforePack: async (context) => {
    const { Arch } = require('electron-builder');
    const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
    await ensureElectronSqlite({ platform, arch: Arch[context.arch] });
  },
  // Hardening of the Electron binary itself.
  electronFuses: {
    runAsNode: false, // ELECTRON_RUN_AS_NODE would turn the app into a plain Node
    enableNodeOptionsEnvironmentVariable: false, // nor NODE_OPTIONS / NODE_EXTRA_CA_CERTS
    enableNodeCliInspectArguments: false, // nor --inspect
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false, // the renderer is served from app://, not file://
    onlyLoadAppFromAsar: false, // no asar (see above)
    enableEmbeddedAsarIntegrityValidation: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    icon: 'build/icons',
    executableName: 'longtail',
    maintainer: 'Longtail maintainers <longtail@localhost>',
    synopsis: 'Offline hunting for rare service executions',
    description: 'Imports Windows triage data (EVTX, Defender and Elastic exports) into a case file and finds the rare processes services.exe launched.',
  },
  deb: { packageCategory: 'utils' },
  win: { target: ['nsis'], icon: 'build/icon.png' },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    artifactName: '${productName}-Setup-${version}-${arch}.${ext}',
  },
  mac: { target: ['dmg'], category: 'public.app-category.utilities', icon: 'build/icon.png' },
  publish: null,
};

export default config;
