// Collector layouts: which files of a collection are event logs of which host, and where
// the host name comes from when the logs do not say (decision 47).
//
// - Velociraptor offline collection (a zip per host, or its extracted folder):
//   `uploads/<accessor>/<URL-escaped path>` (e.g. `uploads/auto/C%3A/Windows/System32/
//   winevt/Logs/Security.evtx`, `uploads/ntfs/%5C%5C.%5CC%3A/…`), with `client_info.json`
//   (Hostname, Fqdn), `collection_context.json`, `log.json`, `requests.json`, `uploads.json`
//   and `results/` beside it. The host is client_info.json's Hostname (else Fqdn), else the
//   collector's default archive name `Collection-<host>-<time>.zip`.
// - KAPE target output (a tree, or a zip of it): `<drive>/Windows/System32/winevt/Logs/…`,
//   the drive folder written `C`, `C$` or `C%3A`, possibly under a folder per host
//   (KAPE's `--tdest …\%m`). The host is that folder's name, else the archive's name.

export type CollectionKind = 'velociraptor' | 'kape';

export interface HostHint {
  /** The host name as the collection gives it. */
  name: string;
  /** Where it comes from, for the import log. */
  from: string;
}

export interface Collection {
  kind: CollectionKind;
  /** The collection's root inside its container or folder: '' or a prefix ending in `/`. */
  root: string;
  host: HostHint | null;
  /** Files of the collection's own bookkeeping (Velociraptor): not evidence data, not imported. */
  metadata: Set<string>;
}

/** Velociraptor's files beside `uploads/` (metadata of the collection, not logs of the host). */
const VELOCIRAPTOR_META = /^(client_info\.json|collection_context\.json|log\.json|requests\.json|uploads\.json|metadata\.json)(\.index)?$|^results\//;
const VELOCIRAPTOR_UPLOAD = /^uploads\/(auto|ntfs|file|lazy_ntfs|mft|vss|raw_reg|fs|data)\//;
/** KAPE's copy of a drive: `C/`, `C$/`, `C%3A/` followed by the event log folder. */
const KAPE_LOGS = /(^|\/)([A-Za-z])(\$|%3A)?\/Windows\/System32\/winevt\/Logs\/[^/]+$/i;

/** Host names from archive names: Velociraptor's `Collection-<host>-<ISO time>.zip`. */
const VELOCIRAPTOR_ZIP = /^Collection-(.+?)-\d{4}-\d\d-\d\d(T[\d_:.]+Z?)?\.zip$/i;

function baseName(p: string): string {
  const parts = p.replace(/\\/g, '/').split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

function stripArchiveExt(name: string): string {
  return name.replace(/\.(zip|tar\.gz|tgz|tar|gz)$/i, '');
}

/** Host from client_info.json: `Hostname`, else `Fqdn` (Velociraptor's Generic.Client.Info). */
function clientInfoHost(bytes: Buffer | null): string | null {
  if (!bytes) return null;
  try {
    const v = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
    const o = (Array.isArray(v) ? v[0] : v) as Record<string, unknown> | undefined;
    for (const k of ['Hostname', 'hostname', 'Fqdn', 'fqdn']) {
      const h = o?.[k];
      if (typeof h === 'string' && h.trim() !== '') return h.trim();
    }
  } catch {
    // a damaged client_info.json: the archive name is the fallback
  }
  return null;
}

/**
 * Finds the collections among the names of one container or folder (`/`-separated,
 * relative). `read` gives a small file's bytes (client_info.json); `containerName` is the
 * archive's or folder's own name.
 */
export function findCollections(names: readonly string[], read: (name: string) => Buffer | null, containerName: string): Collection[] {
  const found = new Map<string, Collection>();
  for (const name of names) {
    const up = /^(.*?)uploads\//.exec(name);
    const veloRoot = up && VELOCIRAPTOR_UPLOAD.test(name.slice(up[1]!.length)) ? up[1]! : null;
    const meta = /^(.*?)(client_info\.json|collection_context\.json)$/.exec(name);
    const root = veloRoot ?? meta?.[1] ?? null;
    if (root !== null && !found.has(root)) found.set(root, { kind: 'velociraptor', root, host: null, metadata: new Set() });
  }
  for (const c of found.values()) {
    for (const name of names) {
      if (name.startsWith(c.root) && VELOCIRAPTOR_META.test(name.slice(c.root.length))) c.metadata.add(name);
    }
    const info = names.find((n) => n === `${c.root}client_info.json`);
    const fromInfo = info ? clientInfoHost(read(info)) : null;
    const fromName = VELOCIRAPTOR_ZIP.exec(baseName(c.root === '' ? containerName : c.root))?.[1]?.replace(/_/g, '.') ?? null;
    if (fromInfo) c.host = { name: fromInfo, from: `${info} (Velociraptor collection)` };
    else if (fromName) c.host = { name: fromName, from: 'the collection archive\'s name (Velociraptor collection)' };
  }
  for (const name of names) {
    const m = KAPE_LOGS.exec(name);
    if (!m) continue;
    const root = name.slice(0, m.index + (m[1] ? 1 : 0));
    if ([...found.keys()].some((r) => root.startsWith(r))) continue; // inside a Velociraptor upload
    if (found.has(root)) continue;
    const folder = baseName(root);
    const host = folder
      ? { name: folder, from: `the folder "${folder}" above the drive folder (KAPE target output)` }
      : containerName
        ? { name: stripArchiveExt(baseName(containerName)), from: `the name of "${baseName(containerName)}" (KAPE target output)` }
        : null;
    found.set(root, { kind: 'kape', root, host: host && host.name ? host : null, metadata: new Set() });
  }
  return [...found.values()].sort((a, b) => b.root.length - a.root.length);
}

/** The collection a name belongs to (the innermost root that is its prefix). */
export function collectionOf(collections: readonly Collection[], name: string): Collection | null {
  return collections.find((c) => name.startsWith(c.root)) ?? null;
}
