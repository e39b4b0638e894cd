// Limits that keep a hostile or broken archive from taking the machine (README, "Archives").
// Nothing is extracted to disk, so the risks are time (inflating petabytes of zeros) and,
// for the one case that needs a temporary copy, disk space.

export interface ArchiveLimits {
  /**
   * The members of one archive on disk, at every nesting level, may declare at most this
   * many times the archive's own size in all (deflate cannot exceed ~1,032:1 on one level:
   * more means nesting or overlapping members, the zip bomb constructions)...
   */
  maxRatio: number;
  /** ...or this many bytes, whichever is more (small archives of empty, preallocated logs). */
  ratioFloorBytes: number;
  /** Containers inside containers: 2 = an archive inside an archive (a .tar.gz counts as one). */
  maxDepth: number;
  /** A nested zip that is compressed needs a temporary copy for random access: at most this big. */
  maxTempCopyBytes: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxRatio: 1000,
  ratioFloorBytes: 1024 ** 3,
  maxDepth: 2,
  maxTempCopyBytes: 4 * 1024 ** 3,
};

/** The budget of uncompressed bytes for an archive of `size` bytes on disk. */
export function byteBudget(size: number, limits: ArchiveLimits = DEFAULT_LIMITS): number {
  return Math.max(limits.ratioFloorBytes, size * limits.maxRatio);
}
