// The unpack worker: reads containers with the archive libraries and zlib, whose APIs are
// asynchronous, and serves their listings and members to synchronous readers on other
// threads (the importing thread holds a transaction and cannot await; parse workers run
// one synchronous loop per file). Nothing is extracted to disk, except a compressed zip
// inside another container, which yauzl needs to read at random: that one copy is bounded
// (limits.ts) and deleted.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import yauzl from 'yauzl';
import { detectHead } from '../detect.js';
import { AsyncPoster } from '../sync-port.js';
import { drain, pumpMember, readHead, type ByteStream } from './byte-stream.js';
import { ArchiveError, problemOf, type ArchiveProblem } from './errors.js';
import { gunzipStream, gzipName, gzipSizeHint, impliedName } from './gzip-container.js';
import { DEFAULT_LIMITS, type ArchiveLimits } from './limits.js';
import type { Listing, MemberInfo, UnpackRequest } from './listing.js';
import { childRef, parentRef, refKey, type ContainerKind, type SourceRef } from './refs.js';
import { sniffContainer } from './sniff.js';
import { TarContainer, type TarEntry } from './tar-container.js';
import { ZipContainer, type ByteRange, type ZipReader } from './zip-container.js';
import { RecoveredZip } from './zip-recovery.js';

interface UnpackWorkerData {
  limits?: Partial<ArchiveLimits>;
  /** Where temporary copies go; the client deletes it when it closes. */
  tempDir: string;
  /** Set to 1 once this worker runs (the client waits for it). */
  ready: SharedArrayBuffer;
}
const data = workerData as UnpackWorkerData;
const limits: ArchiveLimits = { ...DEFAULT_LIMITS, ...(data.limits ?? {}) };

/** What content detection looks at (detect.ts reads as much of a file's head). */
const HEAD_BYTES = 64 * 1024;
/** A gzip member whose size is not known is taken as big: its own group, a parse worker. */
const UNKNOWN_SIZE = 64 * 1024 * 1024;

const zips = new Map<string, Promise<ZipReader>>();
const tars = new Map<string, TarContainer>();

function fileStream(file: string): ByteStream {
  return {
    stream: fs.createReadStream(file, { highWaterMark: 1024 * 1024 }),
    declared: null, crc32: null, consumed: null, ratio: null, drain: false, done: () => undefined,
  };
}

/** The bytes of any source, from its start. */
async function bytesOf(ref: SourceRef): Promise<ByteStream> {
  const step = ref.members[ref.members.length - 1];
  if (!step) return fileStream(ref.file);
  const parent = parentRef(ref);
  switch (step.container) {
    case 'zip': {
      const zip = await zipOf(parent);
      const m = zip.member(step.index);
      if (m.problem) throw new ArchiveError(m.problem.kind, m.problem.message);
      return zip.stream(m);
    }
    case 'gzip':
      return gunzipStream(await bytesOf(parent), limits);
    case 'tar':
      return tarMember(tarOf(parent), step.index);
  }
}

function tarMember(t: TarContainer, index: number): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    t.read(index, (e) => new Promise<void>((done) => resolve(tarBytes(e, done)))).catch(reject);
  });
}

function tarBytes(e: TarEntry, done: () => void): ByteStream {
  return { stream: e.stream, declared: e.size, crc32: null, consumed: null, ratio: null, drain: true, done, cause: e.damage };
}

function tarOf(ref: SourceRef): TarContainer {
  const key = refKey(ref);
  let t = tars.get(key);
  if (!t) {
    t = new TarContainer(() => bytesOf(ref));
    tars.set(key, t);
  }
  return t;
}

function zipOf(ref: SourceRef): Promise<ZipReader> {
  const key = refKey(ref);
  let z = zips.get(key);
  if (!z) {
    z = (async () => {
      const range = (await rangeOf(ref)) ?? (await tempCopy(ref));
      try {
        return await ZipContainer.open(range);
      } catch (err) {
        // No central directory (a zip cut short): its members from their local headers.
        const recovered = RecoveredZip.scan(range, (err as Error).message.replace(/^not a readable zip: /, ''));
        if (!recovered) throw err;
        return recovered;
      }
    })();
    zips.set(key, z);
  }
  return z;
}

/** Where a source lies as one range of a file on disk: the file, or stored members inside it. */
async function rangeOf(ref: SourceRef): Promise<ByteRange | null> {
  const step = ref.members[ref.members.length - 1];
  if (!step) return { path: ref.file, offset: 0, size: fs.statSync(ref.file).size };
  if (step.container !== 'zip') return null;
  const parent = parentRef(ref);
  const outer = await rangeOf(parent);
  if (!outer) return null;
  const zip = await zipOf(parent);
  return zip.storedRange(zip.member(step.index), outer);
}

let temps = 0;

/** A bounded temporary copy of a zip that can only be read as a stream; deleted by the client. */
async function tempCopy(ref: SourceRef): Promise<ByteRange> {
  fs.mkdirSync(data.tempDir, { recursive: true });
  const file = path.join(data.tempDir, `${temps++}.zip`);
  const bs = await bytesOf(ref);
  const out = fs.openSync(file, 'w');
  let size = 0;
  try {
    for await (const chunk of bs.stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxTempCopyBytes) {
        throw new ArchiveError('bomb', `a nested zip bigger than ${limits.maxTempCopyBytes} bytes (the limit for the temporary copy it needs)`);
      }
      fs.writeSync(out, chunk);
    }
  } finally {
    fs.closeSync(out);
    if (bs.drain) await drain(bs.stream);
    bs.done();
  }
  return { path: file, offset: 0, size };
}

async function memberInfo(base: Omit<MemberInfo, 'det' | 'nested'>, bytes: () => Promise<ByteStream>): Promise<MemberInfo> {
  if (base.problem) return { ...base, det: null, nested: null };
  try {
    const head = await readHead(await bytes(), HEAD_BYTES);
    const nested = sniffContainer(head);
    return { ...base, det: nested ? null : detectHead(head), nested };
  } catch (err) {
    return { ...base, det: null, nested: null, problem: problemOf(err) };
  }
}

/** Member names are data: a name that would escape a folder is refused, like yauzl does for zips. */
function nameProblem(name: string): ArchiveProblem | null {
  const unsafe = yauzl.validateFileName(name);
  return unsafe === null ? null : { kind: 'unsafe-name', message: `member name escapes the archive (${unsafe.replace(/:.*$/, '')}): not read` };
}

async function list(ref: SourceRef, kind: ContainerKind, post: (info: MemberInfo) => Promise<void>): Promise<Omit<Listing, 'members'>> {
  if (kind === 'zip') {
    const zip = await zipOf(ref);
    // Heads a few at a time: each is a small inflate, and many members are common.
    for (let i = 0; i < zip.members.length; i += 8) {
      const infos = await Promise.all(
        zip.members.slice(i, i + 8).map((m) =>
          memberInfo(
            {
              step: { container: 'zip', name: m.name, index: m.index }, size: m.size ?? m.compressedSize,
              compressedSize: m.compressedSize, modified: m.modified, problem: m.problem,
            },
            () => zip.stream(m),
          ),
        ),
      );
      for (const info of infos) await post(info);
    }
    return { kind, otherEntries: zip.otherEntries, problem: zip.problem };
  }
  if (kind === 'gzip') {
    const raw = await readHead(await bytesOf(ref), 4096);
    const last = ref.members[ref.members.length - 1];
    const name = gzipName(raw) ?? impliedName(last ? last.name : ref.file);
    const size = (ref.members.length === 0 ? gzipSizeHint(ref.file) : null) || UNKNOWN_SIZE;
    const step = { container: 'gzip' as const, name, index: 0 };
    await post(await memberInfo({ step, size, compressedSize: null, modified: null, problem: null }, () => bytesOf(childRef(ref, step))));
    return { kind, otherEntries: 0, problem: null };
  }
  const tar = tarOf(ref);
  let other = 0;
  let problem: ArchiveProblem | null = null;
  try {
    await tar.list(
      async (e) => {
        const name = e.name.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
        const base = { step: { container: 'tar' as const, name, index: e.index }, size: e.size, compressedSize: null, modified: e.modified, problem: nameProblem(name) };
        await post(await memberInfo(base, async () => tarBytes(e, () => undefined)));
      },
      () => other++,
    );
  } catch (err) {
    problem = problemOf(err);
  }
  return { kind, otherEntries: other, problem };
}

/** Requests being served: told of it if the worker meets an error no request caught. */
const active = new Set<AsyncPoster>();

function poster(port: MessagePort, signal: SharedArrayBuffer): AsyncPoster {
  const p = new AsyncPoster(port, signal);
  active.add(p);
  return p;
}

function finish(p: AsyncPoster, message: unknown): void {
  active.delete(p);
  p.final(message);
}

// A library's callback that throws must not leave a reader waiting: each reader blocks
// until its answer comes, and the worker's death would not tell it.
process.on('uncaughtException', (err) => {
  for (const p of active) p.final({ type: 'error', message: `the unpack worker failed: ${err.message}`, kind: 'corrupt' });
  active.clear();
});

async function handle(m: UnpackRequest): Promise<void> {
  switch (m.type) {
    case 'list': {
      const out = poster(m.port, m.signal);
      try {
        const end = await list(m.ref, m.kind, (info) => out.post({ type: 'member', info }));
        finish(out, { type: 'end', listing: end });
      } catch (err) {
        finish(out, { type: 'error', message: problemOf(err).message, kind: problemOf(err).kind });
      }
      return;
    }
    case 'open': {
      const out = poster(m.port, m.signal);
      try {
        const end = await pumpMember(await bytesOf(m.ref), out, m.ring);
        finish(out, end);
      } catch (err) {
        finish(out, { type: 'error', message: problemOf(err).message });
      }
      return;
    }
    case 'plan':
      tarOf(m.container).plan(m.indexes);
      return;
    case 'release': {
      const step = m.ref.members[m.ref.members.length - 1];
      if (step?.container === 'tar') tarOf(parentRef(m.ref)).release(step.index);
      return;
    }
    case 'connect':
      listen(m.port);
      return;
    case 'shutdown':
      for (const z of zips.values()) await z.then((c) => c.close(), () => undefined);
      process.exit(0);
      return;
  }
}

function listen(port: MessagePort | NonNullable<typeof parentPort>): void {
  port.on('message', (m: UnpackRequest) => {
    void handle(m);
  });
}

listen(parentPort!);
const ready = new Int32Array(data.ready);
Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);
