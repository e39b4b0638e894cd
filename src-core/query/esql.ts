// The configured hunt as ES|QL for Elastic (issue 12): one query per measure, since
// ES|QL cannot join the three aggregations. Unique binary and unique path follow the two
// queries of the ES|QL seed (../shared/seeds/elastic-hunt-low-occurrence-service-
// execution.md) clause by clause; rare per host is new here and links children to their
// parent by process entity id. Where Longtail's semantics differ from the seed, the
// clause follows ours and a comment names the difference.
import type { Measure } from '../model/hunt.js';
import { commentText, esqlQuoted, esqlString, hasInvisible } from './literals.js';
import {
  activeEntries, allowlistLines, hashEntry, headerLines, MEASURE_WORDS, otherEntries, whiteListNames,
} from './query-plan.js';
import { globToLike, portRegex, portReplacement } from './regex-port.js';
import type { ActiveEntry, QueryRequest } from './query-types.js';

const DEFEND_AND_SYSMON = 'logs-endpoint.events.process-*, logs-windows.sysmon_operational-*';
const ALL_SOURCES = `${DEFEND_AND_SYSMON}, logs-system.security-*`;
const WINDOWS_PROCESS = 'host.os.family == "windows" and event.category == "process"';
const SERVICE_PARENT = 'to_lower(process.parent.name) == "services.exe"';

interface Ctx {
  warnings: string[];
  /** `replace(…)` evals of the path rules, the first applied to `source`. */
  ruleEvals: (source: string, column: string) => string[];
}

/** ES|QL datetimes hold milliseconds: the Iso7 bound is cut to them. */
function esqlTime(iso7: string): string {
  return `to_datetime("${iso7.slice(0, 23)}Z")`;
}

function windowCondition(req: QueryRequest): { cond: string | null; words: string } {
  const w = req.params.window;
  switch (w.kind) {
    case 'days':
      return { cond: `@timestamp > now() - ${w.days} day`, words: `the last ${w.days} days before now (Longtail counts back from the newest event of the case)` };
    case 'all':
      return { cond: null, words: 'every event kept' };
    case 'range': {
      const parts = [w.from ? `@timestamp >= ${esqlTime(w.from)}` : null, w.to ? `@timestamp <= ${esqlTime(w.to)}` : null].filter(Boolean);
      return { cond: parts.length ? parts.join(' and ') : null, words: `${w.from ?? 'the beginning'} .. ${w.to ?? 'now'}, inclusive (to the millisecond)` };
    }
  }
}

function ruleEvals(req: QueryRequest, warnings: string[]): (source: string, column: string) => string[] {
  const ported: Array<{ pattern: string; replacement: string }> = [];
  for (const [i, rule] of req.pathRules.entries()) {
    if (!rule.enabled) continue;
    const p = portRegex(rule.pattern, 'java');
    if (p.pattern === null) {
      warnings.push(`Path rule ${i + 1} is left out of the ES|QL queries: its pattern ${p.problem}.`);
      continue;
    }
    ported.push({ pattern: p.pattern, replacement: portReplacement(rule.replacement, 'java') });
  }
  return (source, column) => {
    if (ported.length === 0) return [`| eval ${column} = ${source}`];
    return ported.map((r, k) => `| eval ${column} = replace(${k === 0 ? source : column}, ${esqlString(r.pattern)}, ${esqlQuoted(r.replacement)})`);
  };
}

/** One allowlist entry as an ES|QL condition on a process start row. */
function entryCondition(a: ActiveEntry): string {
  let cond: string;
  switch (a.entry.kind) {
    case 'name':
      cond = `to_lower(process.name) == ${esqlString(a.value.toLowerCase())}`;
      break;
    case 'path': {
      const like = esqlString(globToLike(a.value));
      cond = `(path_key like ${like} or to_lower(process.executable) like ${like})`;
      break;
    }
    case 'hash': {
      const { algo, hex } = hashEntry(a.value);
      const lit = esqlString(hex);
      cond = algo
        ? `to_lower(process.hash.${algo}) == ${lit}`
        : `(to_lower(process.hash.sha256) == ${lit} or to_lower(process.hash.sha1) == ${lit} or to_lower(process.hash.md5) == ${lit})`;
      break;
    }
    case 'signer':
      cond = `to_lower(process.code_signature.subject_name) == ${esqlString(a.value.toLowerCase())}`;
      break;
  }
  return a.hosts === null ? cond : `(host_key in (${a.hosts.map(esqlString).join(', ')}) and ${cond})`;
}

/** The evals the allowlist conditions read (host key, path key), then the conditions. */
function allowlistPrelude(active: readonly ActiveEntry[], ctx: Ctx): string[] {
  const others = otherEntries(active);
  const out: string[] = [];
  if (others.some((a) => a.hosts !== null)) {
    out.push('// Longtail\'s host key: the host name lowercased, cut at the first dot.', '| eval host_key = replace(to_lower(host.name), """\\..*""", "")');
  }
  if (others.some((a) => a.entry.kind === 'path')) {
    out.push('// The path key (spec 7.8), for the allowlist\'s path globs.', ...ctx.ruleEvals('process.executable', 'path_key'), '| eval path_key = to_lower(path_key)');
  }
  return out;
}

/** `| where` clauses removing allowlisted service processes from start rows. */
function allowlistWhere(active: readonly ActiveEntry[], ctx: Ctx): string[] {
  const names = whiteListNames(active);
  const others = otherEntries(active);
  const out = [...allowlistPrelude(active, ctx)];
  if (names.length) out.push(`| where coalesce(to_lower(process.name), "") not in (${names.map(esqlString).join(', ')})`);
  if (others.length) out.push(`| where not coalesce(${others.map(entryCondition).join(' or ')}, false)`);
  return out;
}

function binaryQuery(req: QueryRequest, active: readonly ActiveEntry[], time: string | null, ctx: Ctx): string[] {
  const p = req.params;
  const trusted = p.includeTrusted ? '' : ' and (process.code_signature.trusted is null or process.code_signature.trusted != true)';
  return [
    `from ${DEFEND_AND_SYSMON}`,
    ...(time ? [`| where ${time}`] : []),
    `| where ${WINDOWS_PROCESS} and event.action in ("start", "Process creation") and`,
    `  ${SERVICE_PARENT}${trusted}`,
    ...allowlistWhere(active, ctx),
    '| eval hash = case(process.hash.sha256 is not null, concat("sha256:", to_lower(process.hash.sha256)),',
    '    process.hash.sha1 is not null, concat("sha1:", to_lower(process.hash.sha1)),',
    '    process.hash.md5 is not null, concat("md5:", to_lower(process.hash.md5)))',
    '| where hash is not null',
    '| eval name = to_lower(process.name)',
    '| stats hosts = count_distinct(host.id) by hash, name',
    ` /* unique hash observed in ${p.maxHosts === 1 ? 'one unique agent' : `at most ${p.maxHosts} agents`} */`,
    `| where hosts ${p.maxHosts === 1 ? '== 1' : `<= ${p.maxHosts}`}`,
  ];
}

function pathQuery(req: QueryRequest, active: readonly ActiveEntry[], time: string | null, ctx: Ctx): string[] {
  const p = req.params;
  return [
    `from ${ALL_SOURCES}`,
    ...(time ? [`| where ${time}`] : []),
    `| where ${WINDOWS_PROCESS} and event.action in ("start", "Process creation", "created-process") and`,
    `  ${SERVICE_PARENT}`,
    ...allowlistWhere(active, ctx),
    ...ctx.ruleEvals('process.executable', 'process_path'),
    '| eval process_path = to_lower(process_path)',
    '| stats hosts = count_distinct(host.id) by process_path',
    ` /* unique path observed in ${p.maxHosts === 1 ? 'one unique agent' : `at most ${p.maxHosts} agents`} */`,
    `| where hosts ${p.maxHosts === 1 ? '== 1' : `<= ${p.maxHosts}`}`,
  ];
}

function hostQuery(req: QueryRequest, active: readonly ActiveEntry[], time: string | null, ctx: Ctx): string[] {
  const p = req.params;
  const names = whiteListNames(active);
  const conds = [
    ...(names.length ? [`to_lower(process.name) in (${names.map(esqlString).join(', ')})`] : []),
    ...otherEntries(active).map(entryCondition),
  ];
  return [
    `from ${DEFEND_AND_SYSMON}`,
    `| where ${WINDOWS_PROCESS} and event.action in ("start", "Process creation")`,
    `| eval service_start = coalesce(${SERVICE_PARENT}, false)`,
    ...(time
      ? [
        '// Service starts of any age (their children may fall in the window), other starts in the window.',
        `| where service_start or ${time}`,
        `| eval in_window = coalesce(${time}, false)`,
      ]
      : ['| eval in_window = true']),
    ...allowlistPrelude(active, ctx),
    `| eval allowlisted = ${conds.length ? `coalesce(${conds.join(' or ')}, false)` : 'false'}`,
    '// Each start counts twice: as itself (is it a service process?) and as a launch of its parent.',
    '| eval link = mv_append(coalesce(process.entity_id, ""), coalesce(process.parent.entity_id, ""))',
    '| mv_expand link',
    '| where link != ""',
    '| eval as_service = case(link == process.entity_id and service_start, 1, 0),',
    '    as_allowlisted = case(link == process.entity_id and allowlisted, 1, 0),',
    '    as_launch = case(link == process.parent.entity_id and in_window, 1, 0),',
    '    service_name = to_lower(case(link == process.entity_id, process.name, process.parent.name))',
    '| stats is_service = max(as_service), is_allowlisted = max(as_allowlisted), launches = sum(as_launch) by host.id, host.name, link, service_name',
    '| where is_service == 1 and is_allowlisted == 0',
    '| stats launches = sum(launches) by host.id, host.name, service_name',
    ` /* fewer than ${p.maxLaunches} child launches of that service name on the host */`,
    `| where launches >= 1 and launches < ${p.maxLaunches}`,
    '| sort host.name, service_name',
  ];
}

const QUERIES: Record<Measure, { title: string; build: typeof binaryQuery; notes: string[] }> = {
  binary: {
    title: 'from ES|QL seed query 1',
    build: binaryQuery,
    notes: [
      'services.exe is compared case-insensitively (to_lower), as Longtail compares names (spec section 1).',
      'Unknown signatures are kept: the seed\'s `trusted != true` drops rows without a signature field (Sysmon has none); here only trusted ones leave.',
      'The hash key falls back to SHA-1, then MD5, when a source has no SHA-256 (spec 7.7); names compare lowercased.',
    ],
  },
  path: {
    title: 'from ES|QL seed query 2',
    build: pathQuery,
    notes: [
      'services.exe is compared case-insensitively (to_lower), as Longtail compares names (spec section 1).',
      'Every source, not only Security 4688: Elastic Defend and Sysmon starts are read too (spec section 3).',
      'The path key is lowercased after the rules (spec 7.8).',
    ],
  },
  host: {
    title: 'the KQL seed\'s measure, in ES|QL',
    build: hostQuery,
    notes: [
      'Children are linked to their parent by process.entity_id: Security 4688 events carry no entity id and are not read here.',
      'Needs mv_append and mv_expand (ES|QL 8.14 or later).',
    ],
  },
};

export function esqlQuery(req: QueryRequest): { text: string; warnings: string[] } {
  const warnings: string[] = [];
  const ctx: Ctx = { warnings, ruleEvals: ruleEvals(req, warnings) };
  const p = req.params;
  const active = activeEntries(req.allowlist);
  const win = windowCondition(req);
  if (p.measures.length > 1) {
    warnings.push(p.match === 'all'
      ? 'ES|QL cannot join the measures: each is its own query here, and a service process rare by all of them is one found in every result.'
      : 'ES|QL cannot join the measures: each is its own query here; a service process rare by any of them is in at least one result.');
  }
  if (active.some((a) => hasInvisible(a.value) || (a.hosts ?? []).some(hasInvisible)) ||
      req.pathRules.some((r) => r.enabled && (hasInvisible(r.pattern) || hasInvisible(r.replacement)))) {
    warnings.push('An allowlist value or path rule holds invisible or direction-changing characters (shown as <U+…> in comments); ' +
      'ES|QL strings cannot escape them, so the strings hold them as they are: read the query in an editor that shows them.');
  }
  if (active.some((a) => a.entry.kind === 'signer')) {
    warnings.push('Signer entries match process.code_signature.subject_name, which Elastic Defend fills and Sysmon does not.');
  }
  const header = [
    ...headerLines(req, 'Elastic ES|QL'),
    `Window: ${win.words}.`,
    'Hosts are counted by host.id, as in the seed (Longtail counts host names cut at the first dot).',
    ...allowlistLines(active),
    ...warnings.map((w) => `Warning: ${w}`),
  ];
  const blocks = p.measures.map((m, k) => {
    const q = QUERIES[m];
    const body = q.build(req, active, win.cond, ctx);
    return [
      `// Query ${k + 1} of ${p.measures.length}: ${MEASURE_WORDS[m]}, ${q.title}.`,
      ...q.notes.map((n) => `// Difference: ${n}`),
      ...body,
    ].join('\n');
  });
  const text = header.map((h) => `// ${commentText(h)}`).join('\n') + '\n\n' + blocks.join('\n\n') + '\n';
  return { text, warnings };
}
