// An archive into the import: its members listed (nested archives too, within the limits),
// the collection layout found (Velociraptor, KAPE: which host the logs are from), a row per
// container, and the members handed to the importer as files of their own. The container
// rows are finished once their members are done, with what became of every member.
import type { FileImporter, Prepared } from './file-importer.js';
import { problemText } from './file-importer.js';
import { emptyResult, type FileImportResult } from './import-types.js';
import { NoteLog } from './note-log.js';
import { problemOf, type ArchiveProblem } from './archive/errors.js';
import { byteBudget, type ArchiveLimits } from './archive/limits.js';
import { collectionOf, findCollections, type Collection, type HostHint } from './archive/layout.js';
import { childRef, displayPath, nestingDepth, type ContainerKind, type SourceRef } from './archive/refs.js';
import type { MemberInfo } from './archive/listing.js';
import type { UnpackClient } from './archive/unpack-client.js';

/** A container in the import: its row, its notes, its members. */
export interface ContainerNode {
  ref: SourceRef;
  kind: ContainerKind;
  rowId: number;
  result: FileImportResult;
  notes: NoteLog;
  parent: ContainerNode | null;
  /** The host a collection around this container names (inherited by members outside collections of their own). */
  hostHint: HostHint | null;
  /** Its members that are files, in order, as handed to the importer. */
  members: Prepared[];
}

/** Collection metadata bigger than this is not read for a host name. */
const SMALL_FILE = 1024 * 1024;

function readAll(client: UnpackClient, ref: SourceRef, size: number): Buffer | null {
  if (size > SMALL_FILE) return null;
  const source = client.open(ref, size);
  try {
    const buf = Buffer.alloc(size);
    let n = 0;
    for (let k = 1; k > 0 && n < size; n += k) k = source.read(buf, n, size - n);
    return buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    source.close();
  }
}

function sha256Of(client: UnpackClient, ref: SourceRef, size: number): string {
  const source = client.open(ref, size);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    while (source.read(buf, 0, buf.length) > 0) {
      // read to the end: the unpack worker hashes as it streams
    }
    return source.end()?.sha256 ?? '';
  } finally {
    source.close();
  }
}

function describe(c: Collection): string {
  const what = c.kind === 'velociraptor' ? 'Velociraptor offline collection' : 'KAPE target output';
  const where = c.root === '' ? '' : ` under "${c.root}"`;
  return c.host ? `${what}${where} of host "${c.host.name}" (name from ${c.host.from})` : `${what}${where}: no host name found in it`;
}

export class ArchiveExpander {
  /** Every container, outermost first (a nested one follows its parent). */
  readonly containers: ContainerNode[] = [];
  private declared = 0;
  private readonly budget: number;

  constructor(
    private readonly client: UnpackClient,
    private readonly importer: FileImporter,
    private readonly limits: ArchiveLimits,
    archiveSize: number,
  ) {
    this.budget = byteBudget(archiveSize, limits);
  }

  /** Lists a container and its nested containers; returns its members and theirs, in order. */
  expand(node: ContainerNode): Prepared[] {
    this.containers.push(node);
    const display = displayPath(node.ref);
    let listing;
    try {
      listing = this.client.list(node.ref, node.kind);
    } catch (err) {
      node.result.status = 'failed';
      node.result.error = `cannot read the ${node.kind} archive: ${problemText(problemOf(err))}`;
      return [];
    }
    if (listing.problem) {
      // (A zip read from its local headers says itself what was recovered.)
      const recovered = /recovered from their local headers/.test(listing.problem.message);
      node.notes.add('error', `${problemText(listing.problem)}${recovered ? '' : '; the members listed before the damage are read'}`, null);
    }
    const names = listing.members.filter((m) => !m.problem).map((m) => m.step.name);
    const collections = findCollections(
      names,
      (name) => {
        const m = listing.members.find((x) => x.step.name === name);
        return m ? readAll(this.client, childRef(node.ref, m.step), m.size) : null;
      },
      display,
    );
    for (const c of collections) node.notes.add('info', describe(c), null);
    const out: Prepared[] = [];
    for (const info of listing.members) {
      const ref = childRef(node.ref, info.step);
      const collection = collectionOf(collections, info.step.name);
      const hostHint = collection?.host ?? node.hostHint;
      let problem = info.problem ?? this.overBudget(info);
      if (!problem && info.nested) {
        const depth = nestingDepth(ref) + (info.nested === 'gzip' ? 0 : 1);
        if (depth > this.limits.maxDepth) {
          problem = { kind: 'too-deep', message: `a ${info.nested} archive nested ${depth - 1} levels deep (the limit is ${this.limits.maxDepth - 1}): not opened` };
        } else {
          out.push(...this.expand(this.child(node, info, ref, hostHint)));
          continue;
        }
      }
      const p: Prepared = {
        input: { path: displayPath(ref), explicit: false },
        ref,
        size: info.size,
        det: info.det,
        container: null,
        error: info.det || problem ? null : 'cannot read the member',
        member: { containerId: node.rowId, container: display, name: info.step.name, index: info.step.index, problem },
        hostHint,
        metadata: collection?.metadata.has(info.step.name) ? 'Velociraptor collection metadata' : null,
      };
      node.members.push(p);
      out.push(p);
    }
    if (listing.otherEntries > 0) node.notes.add('info', `${listing.otherEntries} folder or link entries (not files)`, null);
    return out;
  }

  /** The zip bomb guard on declared sizes: all members of one archive on disk together. */
  private overBudget(info: MemberInfo): ArchiveProblem | null {
    if (info.nested) return null; // its members are counted
    // A gzip declares no size (its trailer's is modulo 2^32, and garbage when it is cut): its
    // stream is held to the ratio as it inflates (byte-stream.ts) instead.
    if (info.step.container === 'gzip') return null;
    this.declared += info.size;
    if (this.declared <= this.budget) return null;
    return {
      kind: 'bomb',
      message: `the archive's members declare more than ${this.budget} bytes in all (${this.limits.maxRatio} times its size, at least ${this.limits.ratioFloorBytes}): not read`,
    };
  }

  private child(parent: ContainerNode, info: MemberInfo, ref: SourceRef, hostHint: HostHint | null): ContainerNode {
    const display = displayPath(ref);
    // A nested archive is evidence too: hashed (a gzip's tar is not: the .tar.gz's hash names it).
    const sha256 = parent.kind === 'gzip' ? '' : sha256Of(this.client, ref, info.size);
    const member = { containerId: parent.rowId, container: displayPath(parent.ref), name: info.step.name, index: info.step.index, problem: null };
    const rowId = this.importer.openContainer(display, info.size, sha256, info.nested!, member);
    const result = emptyResult(display, info.size);
    Object.assign(result, { fileId: rowId, sha256, format: info.nested, container: member.container, status: 'complete' });
    return { ref, kind: info.nested!, rowId, result, notes: new NoteLog(), parent, hostHint, members: [] };
  }

  /** The members of tar containers, in order: what a sequential pass over each must serve. */
  tarPlans(): Array<{ ref: SourceRef; indexes: number[] }> {
    return this.containers.filter((c) => c.kind === 'tar').map((c) => ({ ref: c.ref, indexes: c.members.map((m) => m.member!.index) }));
  }
}

/** What became of a container's members, for its row in the import log. */
export function summarize(node: ContainerNode, results: ReadonlyMap<Prepared, FileImportResult>): void {
  const tally = { total: node.members.length, complete: 0, duplicate: 0, failed: 0, ignored: 0 };
  const hosts = new Set<string>();
  for (const m of node.members) {
    const r = results.get(m);
    if (!r) continue;
    tally[r.status]++;
    if (r.status === 'ignored') node.notes.add('info', `member not imported: ${r.error ?? 'not event data'}`, m.member!.name);
    for (const h of r.hosts) hosts.add(h);
  }
  node.result.members = tally;
  node.result.hosts = [...hosts].sort();
  node.result.notes = node.notes.list();
}
