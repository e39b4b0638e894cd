// The layer rules in eslint.config.js: the core stays pure, the renderer stays a UI.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';
import { REPO } from '../helpers/corpus.js';

const eslint = new ESLint({ cwd: REPO });
async function errors(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import layers', () => {
  it.each([
    ["import { app } from 'electron';", 'src-core/hunt/x.ts'],
    ["import React from 'react';", 'src-core/x.ts'],
    ["import { createRoot } from 'react-dom/client';", 'src-core/report/x.ts'],
    ["import { main } from '../../electron/main.js';", 'src-core/hunt/x.ts'],
    ["import { App } from '../renderer/app.js';", 'src-core/x.ts'],
  ])('forbids %s in %s', async (code, file) => {
    expect(await errors(code, file)).not.toEqual([]);
  });

  it('allows the core its own modules and Node', async () => {
    expect(await errors("import fs from 'node:fs';\nimport { runHunt } from './hunt/run-hunt.js';\nexport { fs, runHunt };", 'src-core/x.ts')).toEqual([]);
  });

  it.each([
    ["import Database from 'better-sqlite3';", 'renderer/x.tsx'],
    ["import fs from 'node:fs';", 'renderer/x.ts'],
    ["import { runHunt } from '../src-core/hunt/run-hunt.js';", 'renderer/x.ts'],
  ])('forbids %s in %s', async (code, file) => {
    expect(await errors(code, file)).not.toEqual([]);
  });

  it.each([
    ["import type { Bridge } from '../../../src-core/api/bridge.js';\nexport type X = Bridge;", 'renderer/src/bridge/x.ts'],
    ["import type { Results } from '../../src-core/api/contract.js';\nexport type X = Results;", 'renderer/src/x.ts'],
    ["import type { ReportRow } from '../../../src-core/model/hunt.js';\nexport type X = ReportRow;", 'renderer/src/lib/x.ts'],
  ])('allows the renderer the contract, bridge and model types: %s', async (code, file) => {
    expect(await errors(code, file)).toEqual([]);
  });

  it('allows the renderer only type imports of the core', async () => {
    const [result] = await eslint.lintText("import { ARGS } from '../src-core/api/contract.js';\nexport const x = ARGS;", { filePath: path.join(REPO, 'renderer/x.ts') });
    expect(result?.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
  });
});
