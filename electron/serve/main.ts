// `npm run serve`: Longtail in a browser. Starts the core host and the local bridge,
// prints the URL (with its per-launch token), and stops cleanly on Ctrl-C.
//   npm run serve -- [--port N] [--renderer DIR]
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CoreHost } from '../../src-core/api/host.js';
import { serve } from './server.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rendererDir = path.resolve(arg('renderer') ?? path.join(repo, 'dist', 'renderer'));
if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
  process.stderr.write(`No built renderer in ${rendererDir}: run \`npm run build\` first.\n`);
  process.exit(1);
}
const configDir = path.join(os.homedir(), '.config', 'longtail');
const host = new CoreHost({ mode: 'browser', recentFile: path.join(configDir, 'recent-cases.json') });
const served = await serve({ host, rendererDir, ...(arg('port') ? { port: Number(arg('port')) } : {}) });
process.stdout.write(`Longtail is running at ${served.url}\n(only this machine can reach it; the token in the URL is its key; Ctrl-C stops it)\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await served.close();
  await host.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
