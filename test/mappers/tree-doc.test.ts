// Decision 83: a JSON line the scan accepts is mapped from its tree (mapJsonTree, TreeDoc)
// instead of from JSON.parse's object (mapJsonRecord, ValueDoc). Nothing downstream may be
// able to tell: every corpus document, every bench fleet line, and the odd shapes a producer
// can give the same document (key order, spacing, search hits, the fields API, dotted keys,
// duplicate keys, wrong types) must map to the same events, skips and errors either way.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../src-core/ingest/json/big-json.js';
import { JsonTree } from '../../src-core/ingest/json/json-tree.js';
import { readJsonRecords } from '../../src-core/ingest/json/json-records.js';
import { bufferSource } from '../../src-core/ingest/text/byte-source.js';
import { ValueDoc } from '../../src-core/ingest/mappers/doc.js';
import { jsonDialect, mapJsonRecord, mapJsonTree } from '../../src-core/ingest/mappers/json-record.js';
import { TreeDoc } from '../../src-core/ingest/mappers/tree-doc.js';
import { RecordError, type MapResult } from '../../src-core/ingest/mappers/types.js';
import { generateFleet } from '../bench/fleet.js';
import { corpus, corpusFiles } from '../helpers/corpus.js';
import { serialize } from '../helpers/json-text.js';

const CORPUS = corpus('json');
const ctx = { ref: 'line 1', localOffsetMinutes: 0 };

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object's text from its members in order (a key may repeat). */
function objectText(members: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${members.map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`;
}

/** Every leaf under its dotted path; `depth` 1 flattens the top level only. Arrays and empty objects are leaves. */
function flatten(v: Json, depth = Infinity, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [k, x] of Object.entries(v)) {
    if (depth > 0 && isPlainObject(x) && Object.keys(x).length > 0) flatten(x, depth - 1, `${prefix}${k}.`, out);
    else out.push([prefix + k, x]);
  }
  return out;
}

/** The shapes producers give one document: as is, other orders and spacing, hits, the fields API, dotted keys. */
function shapes(v: unknown): Array<[string, string]> {
  const text = serialize(v);
  if (!isPlainObject(v)) return [['as serialized', text]];
  const flat = flatten(v);
  // The fields API holds every value in an array; arrays come as they are.
  const fields = objectText(flat.map(([k, x]) => [k, Array.isArray(x) ? x : [x]]));
  return [
    ['as serialized', text],
    ['keys reversed', serialize(v, (k) => [...k].reverse())],
    ['with spaces', serialize(v, (k) => k, ' ')],
    ['search hit', `{"_index":"x","_source":${text}}`],
    ['search hit with _id', `{"_index":"x","_id":"abc","_source":${text}}`],
    ['fields API', `{"_id":"a","fields":${fields}}`],
    ['fields API without _id', `{"_index":"x","fields":${fields}}`],
    ['dotted keys', objectText(flat)],
    ['top level dotted', objectText(flatten(v, 1))],
  ];
}

type Outcome = { result: MapResult } | { error: { record: boolean; message: string; detail: string | null } };

function outcome(map: () => MapResult): Outcome {
  try {
    return { result: map() };
  } catch (e) {
    if (e instanceof RecordError) return { error: { record: true, message: e.message, detail: e.detail } };
    return { error: { record: false, message: e instanceof Error ? e.message : String(e), detail: null } };
  }
}

interface Tally {
  texts: number;
  scanned: number;
  /** Scanned texts of the dialects mapJsonTree reads from the tree (TreeDoc), by result. */
  treeDoc: number;
  items: number;
  skips: number;
  errors: number;
}

function tally(): Tally {
  return { texts: 0, scanned: 0, treeDoc: 0, items: 0, skips: 0, errors: 0 };
}

/** Maps `text` both ways and asserts the same outcome; counts where it went. */
function expectSameMapping(tree: JsonTree, text: string, label: string, t: Tally): void {
  t.texts++;
  if (!tree.scan(text)) return;
  t.scanned++;
  const got = outcome(() => mapJsonTree(tree.ref(), ctx));
  const value = parseJson(text);
  const want = outcome(() => mapJsonRecord(value, ctx));
  expect(got, `${label}: ${text.slice(0, 400)}`).toStrictEqual(want);
  if (!['ecs', 'winlog', 'unknown'].includes(jsonDialect(value))) return;
  t.treeDoc++;
  if ('error' in got) t.errors++;
  else if ('items' in got.result) t.items++;
  else t.skips++;
}

function corpusRecords(): Array<{ file: string; value: unknown }> {
  const out: Array<{ file: string; value: unknown }> = [];
  for (const file of corpusFiles('json')) {
    for (const rec of readJsonRecords(bufferSource(fs.readFileSync(file)))) {
      if (rec.error === undefined) out.push({ file: path.relative(CORPUS, file), value: rec.value });
    }
  }
  return out;
}

describe('mapJsonTree maps as mapJsonRecord does (decision 83)', () => {
  it('on every corpus document in every shape a producer gives it', () => {
    const records = corpusRecords();
    expect(records.length).toBeGreaterThan(700);
    const tree = new JsonTree();
    const byFolder = new Map<string, Tally>();
    const all = tally();
    for (const { file, value } of records) {
      const folder = file.split('/')[0]!;
      const t = byFolder.get(folder) ?? tally();
      byFolder.set(folder, t);
      for (const [shape, text] of shapes(value)) {
        const before = { ...t };
        expectSameMapping(tree, text, `${file} (${shape})`, t);
        for (const k of Object.keys(all) as Array<keyof Tally>) all[k] += t[k] - before[k];
      }
    }
    expect([...byFolder.keys()].sort()).toEqual(['defender', 'elastic-defend', 'elastic-sysmon', 'security-datasets', 'winlogbeat']);
    // The corpus has no escaped key or surrogate: every shape of every document is scanned.
    expect(all.scanned).toBe(all.texts);
    expect(all.texts).toBeGreaterThan(records.length * 8);
    // Elastic Defend, Sysmon and Winlogbeat documents are read from the tree (TreeDoc) in
    // every shape, and every one gives events: the comparison is of events, not of skips.
    for (const folder of ['elastic-defend', 'elastic-sysmon', 'winlogbeat']) {
      const t = byFolder.get(folder)!;
      expect(t.treeDoc, folder).toBe(t.texts);
      expect(t.items, folder).toBe(t.treeDoc);
    }
    expect(all.items).toBeGreaterThan(120);
    // Security-Datasets and Defender rows go to the value path inside mapJsonTree (EventID,
    // category): compared all the same, through the tree's value and content key.
    expect(byFolder.get('security-datasets')!.scanned).toBeGreaterThan(5000);
  });

  describe('on the bench fleet generator\'s Elastic NDJSON', () => {
    let dir = '';
    let lines: string[] = [];

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(tmpdir(), 'longtail-tree-doc-'));
      const fleet = generateFleet({ outDir: dir, hosts: 12, events: 3000, formats: ['elastic-ndjson'], filesPerFormat: 1, seed: 3 }, { threads: 1 });
      lines = fs.readFileSync(fleet.files[0]!.path, 'utf8').split('\n').filter((l) => l !== '');
    });

    afterAll(() => {
      if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
    });

    it('on every line', () => {
      expect(lines).toHaveLength(3000);
      const tree = new JsonTree();
      const t = tally();
      for (const [i, line] of lines.entries()) expectSameMapping(tree, line, `line ${i + 1}`, t);
      expect(t.scanned).toBe(3000);
      expect(t.treeDoc).toBe(3000);
      expect(t.items).toBe(3000);
    });

    it('on lines with a key dropped, retyped, duplicated or moved to a dotted key', () => {
      const tree = new JsonTree();
      const t = tally();
      let state = 83;
      const rand = (n: number) => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state % n;
      };
      const retyped: unknown[] = [42, -1, 1.5, 12345678901234567890n, ['x', 'y'], ['one'], [], { x: 1 }, {}, null, true, '', '-', ' padded '];
      for (const [i, line] of lines.entries()) {
        if (i % 4 !== 0) continue;
        const doc = JSON.parse(line) as Json;
        const variants: Array<[string, string]> = [];
        for (const p of ['process.pid', 'host.name', '@timestamp', 'event.category', 'event.type', 'process.executable', 'file.path', 'dll.path']) {
          variants.push([`without ${p}`, serialize(without(doc, p))]);
        }
        // A string leaf as another type, and any leaf as another value.
        const leaves = flatten(doc);
        const strings = leaves.filter(([, x]) => typeof x === 'string');
        for (let k = 0; k < 3; k++) {
          const [p] = strings[rand(strings.length)]!;
          const x = retyped[rand(retyped.length)];
          variants.push([`${p} = ${serialize(x)}`, serialize(replaced(doc, p, x))]);
        }
        const [p] = leaves[rand(leaves.length)]!;
        variants.push([`${p} = null`, serialize(replaced(doc, p, null))]);
        // Duplicate keys: the first loses, whichever it is.
        for (const before of [true, false]) {
          variants.push([`host duplicated (${before ? 'first' : 'last'})`, withDuplicate(doc, ['host'], { name: 'dup-host', os: { family: 'linux' } }, before)]);
          variants.push([`process.pid duplicated (${before ? 'first' : 'last'})`, withDuplicate(doc, ['process', 'pid'], 'not a pid', before)]);
          variants.push([`@timestamp duplicated (${before ? 'first' : 'last'})`, withDuplicate(doc, ['@timestamp'], 'not a time', before)]);
          variants.push([`event.category duplicated (${before ? 'first' : 'last'})`, withDuplicate(doc, ['event', 'category'], ['network'], before)]);
        }
        // host.name as a dotted top-level key: alone, and next to the nested one (nested wins).
        const dotted = objectText([...Object.entries(without(doc, 'host.name')), ['host.name', 'x']]);
        variants.push(['host.name dotted', dotted]);
        variants.push(['host.name dotted and nested', objectText([...Object.entries(doc), ['host.name', 'x']])]);
        variants.push(['process dotted', objectText(flatten(doc).filter(([k]) => !k.startsWith('host.')).concat([['host', doc['host']]]))]);
        variants.push(['search hit', `{"_index":"x","_source":${line}}`]);
        for (const [name, text] of variants) expectSameMapping(tree, text, `line ${i + 1} ${name}`, t);
      }
      expect(t.texts).toBe(750 * 24);
      expect(t.scanned).toBe(t.texts);
      // The variants reach all three outcomes, so each is compared, not only events.
      expect(t.items).toBeGreaterThan(t.scanned * 0.5);
      expect(t.errors).toBeGreaterThan(750 * 2);
      expect(t.skips).toBeGreaterThan(750);
    });
  });
});

/** A copy of `v` without the dotted path `p` (nested keys). */
function without(v: Json, p: string): Json {
  const [head, ...rest] = p.split('.');
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (k !== head) out[k] = x;
    else if (rest.length > 0 && isPlainObject(x)) out[k] = without(x, rest.join('.'));
  }
  return out;
}

/** A copy of `v` with the leaf at dotted path `p` (nested keys, or a dotted key of `flatten`) set to `x`. */
function replaced(v: Json, p: string, x: unknown): Json {
  const parts = p.split('.');
  const out: Json = { ...v };
  let cur = out;
  for (const [j, part] of parts.entries()) {
    if (j === parts.length - 1) cur[part] = x;
    else {
      const next = cur[part];
      if (!isPlainObject(next)) {
        cur[parts.slice(j).join('.')] = x;
        break;
      }
      cur[part] = { ...next };
      cur = cur[part] as Json;
    }
  }
  return out;
}

/** `v`'s text with one more member named `at`'s last part, before or after the real one. */
function withDuplicate(v: Json, at: readonly string[], dup: unknown, before: boolean): string {
  const [head, ...rest] = at;
  const members = Object.keys(v).map((k) => `${JSON.stringify(k)}:${rest.length > 0 && k === head && isPlainObject(v[k]) ? withDuplicate(v[k], rest, dup, before) : serialize(v[k])}`);
  if (rest.length === 0) {
    const extra = `${JSON.stringify(head)}:${serialize(dup)}`;
    if (before) members.unshift(extra);
    else members.push(extra);
  }
  return `{${members.join(',')}}`;
}

describe('mapJsonTree on a huge record (decision 83)', () => {
  // The scan once emptied its buffers after a record of 131,072 nodes or more
  // (json-tree.test.ts), and this document's dedupe key came out json#{}.
  it('gives the dedupe key the value path gives', () => {
    const doc = {
      '@timestamp': '2024-01-01T00:00:00Z', event: { category: ['process'], type: ['start'] }, host: { name: 'h' },
      process: { pid: 1, executable: 'C:\\x.exe', args: new Array<number>(140_000).fill(0) },
    };
    const t = tally();
    expectSameMapping(new JsonTree(), JSON.stringify(doc), 'huge', t);
    expect(t.items).toBe(1);
  });
});

/** Every one-path question of Doc, asked of both kinds. */
function expectSameAnswers(treeDoc: TreeDoc, valueDoc: ValueDoc, p: string, label: string): void {
  expect(treeDoc.get(p), `get ${label}`).toStrictEqual(valueDoc.get(p));
  expect(treeDoc.str(p), `str ${label}`).toStrictEqual(valueDoc.str(p));
  expect(treeDoc.terms(p), `terms ${label}`).toStrictEqual(valueDoc.terms(p));
  expect(treeDoc.has(p), `has ${label}`).toBe(valueDoc.has(p));
  expect(treeDoc.hasObject(p), `hasObject ${label}`).toBe(valueDoc.hasObject(p));
  expect(treeDoc.subtree(p), `subtree ${label}`).toStrictEqual(valueDoc.subtree(p));
}

describe('TreeDoc answers as ValueDoc (decision 83)', () => {
  const docs = [
    '{"a":{"b":{"c":1}},"x":"X"}',
    '{"a.b.c":1,"x":["X"]}',
    '{"a":{"b.c":1}}',
    '{"a.b":{"c":2}}',
    '{"a":{"b":{}},"a.b.c":3}',
    '{"a":{"b":1},"a.b":2}',
    '{"a":{"b":{"x":1}},"a.b":{"c":4}}',
    '{"a":1,"a":{"b":2}}',
    '{"a":{"b":2},"a":1,"a.b":3}',
    '{"a":{"b":1},"a":{"c":2}}',
    '{"a.b":1,"a.b":[2]}',
    '{"a":["x"],"b":[1,2],"c":[{"d":1}],"e":[],"f":[null],"g":["Mixed","CASE",3],"h":[["in"]],"i":[{}]}',
    '{"process.name":["cmd.exe"],"event.category":["process","start"],"host.name":["-"],"user.name":[""]}',
    '{"a":"-","b":"","c":"?","d":" x ","e":"\\u0041\\/b","f":"line\\nbreak","g":"Ünïcödé"}',
    '{"a":{"b":null},"n":12345678901234567890,"f":1.50,"t":true,"z":-0,"e":1e400}',
    '{"a":{"":{"b":1}},".b":2,"":{"":3},"a.":4}',
    '{"dll":{},"file.x":1,"winlog":{"event_data":{"A":"1","B":["2"],"C":{"D":"3"}}},"winlog.event_data.E":"4"}',
    '{"__proto__":{"x":1},"constructor":"c"}',
    '{}',
  ];
  const paths = [
    'a', 'a.b', 'a.b.c', 'a.b.c.d', 'a.c', 'x', 'missing', 'a.missing', 'b', 'c', 'c.d', 'd', 'e', 'f', 'g', 'h', 'i', 'n', 't', 'z',
    'process', 'process.name', 'event.category', 'host.name', 'user.name', '', 'a..b', '.b', 'a.', 'dll', 'file', 'file.x',
    'winlog', 'winlog.event_data', 'winlog.event_data.A', 'winlog.event_data.E', '__proto__', '__proto__.x', 'constructor', 'toString',
  ];

  it('for every method, at the root and under a search hit', () => {
    const tree = new JsonTree();
    let compared = 0;
    for (const text of docs) {
      for (const [form, wrapped] of [['root', text], ['_source', `{"_index":"i","_source":${text},"a":{"b":"outside"}}`]] as const) {
        expect(tree.scan(wrapped), wrapped).toBe(true);
        const parsed = parseJson(wrapped) as Json;
        const node = form === 'root' ? tree.root : tree.member(tree.root, '_source');
        const treeDoc = new TreeDoc(tree, node);
        const valueDoc = new ValueDoc(form === 'root' ? parsed : (parsed['_source'] as Json));
        for (const p of paths) {
          const label = `${wrapped} ${JSON.stringify(p)}`;
          expectSameAnswers(treeDoc, valueDoc, p, label);
          expect(treeDoc.first(p, 'x', 'a.b'), `first ${label}`).toStrictEqual(valueDoc.first(p, 'x', 'a.b'));
          compared++;
        }
        expect(treeDoc.first('missing', 'a.b.c', 'x'), wrapped).toStrictEqual(valueDoc.first('missing', 'a.b.c', 'x'));
      }
    }
    expect(compared).toBe(docs.length * 2 * paths.length);
  });

  it('for every method on random documents of nested, dotted and duplicate keys', () => {
    // Keys from a few segments, dotted or not, repeated at will: every way two lookups of
    // the same path can reach different members.
    const key = fc.constantFrom('a', 'b', 'c', 'a.b', 'b.c', 'a.b.c', '', 'a.');
    const leaf = fc.constantFrom<unknown>(1, 'S', '-', ['v'], ['V', 'w'], [1, 2], [], [{ a: 1 }], null, true, 12345678901234567890n);
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(fc.tuple(key, tie('v')), { maxLength: 5 }).map((m) => ({ members: m }))),
    })).v;
    const write = (v: unknown): string =>
      isPlainObject(v) && Array.isArray(v['members'])
        ? `{${(v['members'] as Array<[string, unknown]>).map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`
        : serialize(v);
    const root = fc.array(fc.tuple(key, value), { maxLength: 6 }).map((m) => write({ members: m }));
    const dotted = fc.array(fc.constantFrom('a', 'b', 'c', ''), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
    const tree = new JsonTree();
    fc.assert(
      fc.property(root, fc.array(dotted, { minLength: 1, maxLength: 6 }), (text, paths) => {
        expect(tree.scan(text), text).toBe(true);
        const treeDoc = new TreeDoc(tree, tree.root);
        const valueDoc = new ValueDoc(parseJson(text) as Json);
        for (const p of paths) expectSameAnswers(treeDoc, valueDoc, p, `${text} ${JSON.stringify(p)}`);
        expect(treeDoc.first(...paths), text).toStrictEqual(valueDoc.first(...paths));
      }),
      { numRuns: 3000, seed: 8304 },
    );
  });

  it('finds the lookups these documents are about', () => {
    // Spelled out, so a ValueDoc change that both follow is caught too.
    const tree = new JsonTree();
    const doc = (text: string) => {
      expect(tree.scan(text)).toBe(true);
      return new TreeDoc(tree, tree.root);
    };
    expect(doc('{"a":{"b.c":1}}').get('a.b.c')).toBe(1);
    expect(doc('{"a.b":{"c":2}}').get('a.b.c')).toBe(2);
    expect(doc('{"a":{"b":{}},"a.b.c":3}').get('a.b.c')).toBe(3);
    expect(doc('{"a":{"b":1},"a.b":2}').get('a.b')).toBe(1);
    expect(doc('{"a":{"b":2},"a":1,"a.b":3}').get('a.b')).toBe(3);
    expect(doc('{"a":1,"a":{"b":2}}').get('a.b')).toBe(2);
    expect(doc('{"process.name":["cmd.exe"]}').str('process.name')).toBe('cmd.exe');
    expect(doc('{"event.category":["Process","start"]}').terms('event.category')).toEqual(['process', 'start']);
    expect(doc('{"n":12345678901234567890}').get('n')).toBe(12345678901234567890n);
    expect(doc('{"dll.x":1}').hasObject('dll')).toBe(true);
    expect(doc('{"dll":[]}').hasObject('dll')).toBe(false);
    expect(doc('{"a":{"b":null}}').has('a.b')).toBe(true);
    expect(doc('{"a":{"b":null}}').has('a.c')).toBe(false);
  });
});
