// The CLI bundled as it ships (esbuild), for tests that run many processes: starting
// the bundle takes a tenth of the time of the TypeScript loader.
import path from 'node:path';
import fs from 'node:fs';
import { build } from 'esbuild';
import { REPO } from './corpus.js';

let built: Promise<string> | null = null;

/** Path of a bundled `cli.js` (built once per test process). */
export function builtCli(): Promise<string> {
  built ??= (async () => {
    fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
    const out = fs.mkdtempSync(path.join(REPO, 'test-results', 'cli-'));
    await build({
      entryPoints: {
        cli: path.join(REPO, 'src-core', 'cli.ts'),
        'parse-worker': path.join(REPO, 'src-core', 'ingest', 'parse-worker.ts'),
        // Archives are read by the unpack worker, found next to the CLI like the parse worker.
        'unpack-worker': path.join(REPO, 'src-core', 'ingest', 'archive', 'unpack-worker.ts'),
        'checkpoint-worker': path.join(REPO, 'src-core', 'ingest', 'checkpoint-worker.ts'),
        'resolve-worker': path.join(REPO, 'src-core', 'hunt', 'resolve-worker.ts'),
      },
      outdir: out, bundle: true, platform: 'node', target: 'node20', format: 'esm', external: ['better-sqlite3'], logLevel: 'error',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const runner = path.join(out, 'run.mjs');
    fs.writeFileSync(runner, "import { runCli } from './cli.js';\nrunCli();\n");
    return runner;
  })();
  return built;
}
