#!/usr/bin/env node
// Renders build/icon.svg to the PNGs electron-builder packages: build/icon.png (1024 px:
// Windows .ico and macOS .icns are made from it) and build/icons/<N>x<N>.png (Linux).
// Uses a local Chromium through playwright-core (no download):
//   node build/icons.mjs [--chromium /path/to/chromium]
// Run it after changing icon.svg; the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

function findChromium() {
  const i = process.argv.indexOf('--chromium');
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (fs.existsSync(p)) return p;
  throw new Error('no Chromium found: pass --chromium PATH');
}

const svg = fs.readFileSync(path.join(here, 'icon.svg'), 'utf8');
const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
const browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  fs.mkdirSync(path.join(here, 'icons'), { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.waitForFunction('document.images[0] && document.images[0].complete');
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    fs.writeFileSync(path.join(here, 'icons', `${size}x${size}.png`), png);
    if (size === 1024) fs.writeFileSync(path.join(here, 'icon.png'), png);
  }
} finally {
  await browser.close();
}
process.stdout.write(`wrote build/icon.png and build/icons/{${SIZES.join(',')}}\n`);
