// Worker side: a tar (or the tar inside a .tar.gz) read with tar-stream. A tar has no
// index: members come in order, once per pass. An import takes its members in that same
// order, so one pass serves them all: the pass waits at each member the import plans to
// read until it is asked for (by the importing thread or a parse worker) or released,
// and skips the rest. A member asked for after the pass went by gets a pass of its own.
import tar from 'tar-stream';
import type { Readable } from 'node:stream';
import { drain, type ByteStream } from './byte-stream.js';

export interface TarEntry {
  index: number;
  name: string;
  size: number;
  type: string;
  modified: string | null;
  stream: Readable;
  /** What broke the tar's own bytes, if they broke (the real cause of a member's early end). */
  damage: () => Error | null;
}

/** The container's bytes, from the start, each time a pass needs them. */
export type Opener = () => Promise<ByteStream>;

/** One pass over the tar: yields each entry once its handler is done with it. */
async function* entries(open: Opener): AsyncGenerator<TarEntry> {
  const source = await open();
  const extract = tar.extract();
  // Damage to the tar's own bytes (a .tar.gz cut or corrupt): the tar reader is told the
  // input ends there, so the members before the damage still come out whole, the one it
  // cuts ends with an error, and the pass ends with the damage as its reason. Fed by hand,
  // not piped: every byte the source gave before its error reaches the tar reader.
  let damage: Error | null = null;
  const src = source.stream;
  src.on('data', (chunk: Buffer) => {
    if (!extract.write(chunk)) src.pause();
  });
  extract.on('drain', () => src.resume());
  src.on('end', () => extract.end(() => undefined));
  src.on('error', (err) => {
    damage ??= err;
    extract.end(() => undefined);
  });
  let index = 0;
  try {
    for await (const e of extract) {
      const h = e.header;
      yield {
        index: index++,
        name: h.name,
        size: h.size ?? 0,
        type: h.type ?? 'file',
        modified: h.mtime ? new Date(h.mtime).toISOString() : null,
        stream: e as unknown as Readable,
        damage: () => damage,
      };
      // Whatever the handler left unread is drained: the next entry follows it.
      await drain(e as unknown as Readable);
    }
    if (damage) throw damage;
  } catch (err) {
    throw damage ?? err;
  } finally {
    src.destroy();
    extract.destroy();
    source.done();
  }
}

export function isFileEntry(e: { type: string }): boolean {
  return e.type === 'file' || e.type === 'contiguous-file';
}

type Handler = (e: TarEntry) => Promise<void>;

interface Request {
  handler: Handler;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** One tar's sequential import pass, shared by every reader of its members. */
export class TarContainer {
  private planned = new Set<number>();
  private released = new Set<number>();
  private requests = new Map<number, Request>();
  /** The pass: the first index it can still serve, and how to wake it when it waits. */
  private pass: { next: number; wake: (() => void) | null; stop: boolean } | null = null;

  constructor(private readonly open: Opener) {}

  /** Lists the members in one pass of its own; `onFile` reads what it needs of each. */
  async list(onFile: (e: TarEntry) => Promise<void>, onOther: () => void): Promise<void> {
    for await (const e of entries(this.open)) {
      if (isFileEntry(e)) await onFile(e);
      else onOther();
    }
  }

  /** The members an import will read or release, in order; a new plan starts a new pass. */
  plan(indexes: readonly number[]): void {
    this.planned = new Set(indexes);
    this.released.clear();
    if (this.pass) {
      this.pass.stop = true;
      this.pass.wake?.();
    }
    this.pass = null;
  }

  release(index: number): void {
    this.released.add(index);
    this.pass?.wake?.();
  }

  /** Runs `handler` on the member when a pass reaches it; resolves when it is done. */
  read(index: number, handler: Handler): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const request = { handler, resolve, reject };
      if (this.pass && this.pass.next <= index && !this.pass.stop) {
        this.requests.set(index, request);
        this.pass.wake?.();
      } else if (!this.pass && this.planned.has(index)) {
        this.requests.set(index, request);
        void this.run();
      } else {
        this.readAlone(index, request);
      }
    });
  }

  /** A pass of its own for one member asked for out of order (or not planned). */
  private readAlone(index: number, r: Request): void {
    void (async () => {
      for await (const e of entries(this.open)) {
        if (e.index === index) {
          await r.handler(e);
          return;
        }
      }
      throw new Error(`member #${index} is not in the archive (damaged before it?)`);
    })().then(r.resolve, r.reject);
  }

  private async run(): Promise<void> {
    const pass = { next: 0, wake: null as (() => void) | null, stop: false };
    this.pass = pass;
    try {
      for await (const e of entries(this.open)) {
        if (pass.stop) break;
        pass.next = e.index;
        if (isFileEntry(e) && this.planned.has(e.index)) {
          let r: Request | undefined;
          while (!(r = this.requests.get(e.index)) && !this.released.has(e.index) && !pass.stop) {
            await new Promise<void>((wake) => (pass.wake = wake));
            pass.wake = null;
          }
          if (r) {
            this.requests.delete(e.index);
            pass.next = e.index + 1;
            await r.handler(e).then(r.resolve, r.reject);
          }
        }
        pass.next = e.index + 1;
      }
    } catch {
      // Damage to the container: what is still asked for gets a pass of its own below,
      // which meets the same damage and reports it to its reader.
    } finally {
      pass.next = Infinity;
      if (this.pass === pass) this.pass = null;
      for (const [i, r] of this.requests) {
        this.requests.delete(i);
        this.readAlone(i, r);
      }
    }
  }
}
