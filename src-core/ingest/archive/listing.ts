// What the unpack worker tells about a container and streams out of it: the messages
// between the unpack worker and its synchronous readers (unpack-client.ts).
import type { Detection } from '../detect.js';
import type { ArchiveProblem } from './errors.js';
import { MAX_IN_FLIGHT } from '../sync-port.js';
import type { ContainerKind, MemberStep, SourceRef } from './refs.js';

export interface MemberInfo {
  step: MemberStep;
  /** Uncompressed size as the container declares it (gzip: its ISIZE trailer, an estimate). */
  size: number;
  /** Bytes the member takes in the container (null when not known: tar, gzip). */
  compressedSize: number | null;
  /** Modification time recorded in the container, ISO 8601 (a zip's is local time, as written). */
  modified: string | null;
  /** What its first bytes are (null when they could not be read, or it is not read: `problem`). */
  det: Detection | null;
  /** The member is itself a container. */
  nested: ContainerKind | null;
  /** Why the member is not read. */
  problem: ArchiveProblem | null;
}

export interface Listing {
  kind: ContainerKind;
  members: MemberInfo[];
  /** Entries that are not files (folders, links): how many, not listed one by one. */
  otherEntries: number;
  /** The listing stopped here: the container is damaged after the members listed. */
  problem: ArchiveProblem | null;
}

/** Control messages, from any client thread to the unpack worker. */
export type UnpackRequest =
  | { type: 'list'; ref: SourceRef; kind: ContainerKind; port: MessagePortLike; signal: SharedArrayBuffer }
  /** `ring`: RING_SLOTS slots of RING_SLOT_BYTES the member's bytes are written into (unpack-client.ts). */
  | { type: 'open'; ref: SourceRef; port: MessagePortLike; signal: SharedArrayBuffer; ring: SharedArrayBuffer }
  /** The tar members a sequential import will take, in order (the rest are skipped). */
  | { type: 'plan'; container: SourceRef; indexes: number[] }
  /** Nobody reads this member any further. */
  | { type: 'release'; ref: SourceRef }
  /** A control port for another thread (a parse worker). */
  | { type: 'connect'; port: MessagePortLike }
  /** The import is over: close what is open (descriptors belong to the process, not the thread) and end. */
  | { type: 'shutdown' };

/**
 * A member's bytes go through a ring of shared slots, not a buffer per message: nothing is
 * allocated per chunk, so nothing piles up for a reader's garbage collector (transferred
 * buffers held ~100 MB more at the peak of a 1 GB import). A reader holds one slot while it
 * reads it and takes the next message only then; the worker runs at most MAX_IN_FLIGHT
 * messages ahead, so with one slot more than that it never writes a slot being read.
 */
export const RING_SLOT_BYTES = 64 * 1024;
/** Slots in a reader's ring: one more than may be in flight. */
export const RING_SLOTS = MAX_IN_FLIGHT + 1;

/** Messages on a listing's port. */
export type ListMessage =
  | { type: 'member'; info: MemberInfo }
  | { type: 'end'; listing: Omit<Listing, 'members'> }
  /** The container could not be read at all. */
  | { type: 'error'; message: string; kind: ArchiveProblem['kind'] };

/** Messages on a member stream's port. */
export type StreamMessage =
  /** `length` bytes are in ring slot `slot`, until the reader takes the next message. */
  | { type: 'data'; slot: number; length: number }
  /** The end of the member's bytes; `problem` when its data did not check out (the bytes read are kept). */
  | { type: 'end'; sha256: string; bytes: number; problem: ArchiveProblem | null }
  /** The member could not be opened at all. */
  | { type: 'error'; message: string };

/** `MessagePort` without importing worker_threads types into every reader of this file. */
export type MessagePortLike = import('node:worker_threads').MessagePort;
