// Where bytes come from: a file on disk, or a member inside one or more containers
// (a log inside a zip, a zip inside a zip, the tar inside a .tar.gz). Plain data, so a
// reference crosses threads as it is (parse workers, the unpack worker).

export type ContainerKind = 'zip' | 'gzip' | 'tar';

export interface MemberStep {
  /** The container that holds this member: the file on disk, or the previous step. */
  container: ContainerKind;
  /** Its name inside the container, `/`-separated, as stored (decoded, not unescaped). */
  name: string;
  /** Its place in the container's listing (zip: central directory order; tar: entry order). */
  index: number;
}

export interface SourceRef {
  /** The file on disk. */
  file: string;
  /** Members from the outermost container inward; empty for the file itself. */
  members: readonly MemberStep[];
}

export function fileRef(file: string): SourceRef {
  return { file, members: [] };
}

export function childRef(parent: SourceRef, step: MemberStep): SourceRef {
  return { file: parent.file, members: [...parent.members, step] };
}

export function parentRef(ref: SourceRef): SourceRef {
  return { file: ref.file, members: ref.members.slice(0, -1) };
}

export function isMember(ref: SourceRef): boolean {
  return ref.members.length > 0;
}

/** A stable key for caches keyed by container. */
export function refKey(ref: SourceRef): string {
  return JSON.stringify([ref.file, ...ref.members.map((m) => [m.container, m.index])]);
}

/**
 * How a member is named in the import log and the reports: the file, then each name inside,
 * joined by `!/` (as in `jar:` URLs), e.g. `host1.zip!/uploads/auto/C%3A/…/Security.evtx`.
 */
export function displayPath(ref: SourceRef): string {
  return [ref.file, ...ref.members.map((m) => m.name)].join('!/');
}

/** Containers that count towards the nesting depth: gzip only wraps one stream (a .tar.gz is one level). */
export function nestingDepth(ref: SourceRef): number {
  return ref.members.filter((m) => m.container !== 'gzip').length;
}
