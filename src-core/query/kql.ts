// The configured hunt as KQL for Defender XDR advanced hunting or a Sentinel workspace
// holding the same Device* tables (issue 12). Built on the KQL seed
// (../shared/seeds/mde-kql-rare-process-launch-as-a-service.md): its lets, its
// GetServices, its three left-outer enrichment joins and its one-row-per-instance
// summarize are kept clause by clause; where Longtail's semantics (spec sections 2-4 and
// 7) differ, the clause follows ours and a comment says so.
import type { Measure } from '../model/hunt.js';
import { commentText, kqlPlain, kqlString } from './literals.js';
import {
  activeEntries, allowlistLines, hashEntry, headerLines, MEASURE_WORDS, otherEntries, whiteListNames,
} from './query-plan.js';
import { globToRe2, portRegex, portReplacement } from './regex-port.js';
import type { ActiveEntry, KqlTarget, QueryRequest } from './query-types.js';

/** The columns that describe the service process in one kind of row. */
interface ServiceColumns {
  name: string;
  /** A KQL expression for the full image path. */
  path: string;
  sha256: string;
  sha1: string;
  md5: string;
  signer: string;
}

/** The service process as the initiating process of a DeviceProcessEvents row. */
const INITIATING: ServiceColumns = {
  name: 'InitiatingProcessFileName',
  path: 'FullPath(InitiatingProcessFolderPath, InitiatingProcessFileName)',
  sha256: 'InitiatingProcessSHA256', sha1: 'InitiatingProcessSHA1', md5: 'InitiatingProcessMD5',
  signer: 'InitiatingProcessSignerType',
};

/** The service process as one summarized ServiceInstances row. */
const INSTANCE: ServiceColumns = {
  name: 'ServiceProcess', path: 'ServiceProcessPath',
  sha256: 'ServiceProcessSHA256', sha1: 'ServiceProcessSHA1', md5: 'ServiceProcessMD5', signer: 'ServiceProcessSigner',
};

const SEED_KEYS = 'DeviceName, ServiceProcess, ServiceProcessCmdline, ServiceProcessCreationTime, ServiceProcessID, ServiceProcessUser, ServiceProcessSHA1';
const IDENTITY_KEYS = 'DeviceName, ServiceProcessID, ServiceProcessCreationTime';

interface Ctx {
  time: string;
  warnings: string[];
  /** Helper functions the query uses, written once at the top. */
  uses: Set<'FullPath' | 'PathKey' | 'HostKey'>;
  pathKeyBody: string;
}

/** One allowlist entry as a KQL condition on the service process. */
function entryCondition(a: ActiveEntry, cols: ServiceColumns, ctx: Ctx): string {
  let cond: string;
  switch (a.entry.kind) {
    case 'name':
      cond = `${cols.name} =~ ${kqlString(a.value)}`;
      break;
    case 'path': {
      // As hunt/allowlist.ts: the glob over the normalized path key, or over the raw path.
      ctx.uses.add('PathKey');
      ctx.uses.add('FullPath');
      const re = kqlString(globToRe2(a.value));
      cond = `(PathKey(${cols.path}) matches regex ${re} or ${cols.path} matches regex ${re})`;
      break;
    }
    case 'hash': {
      const { algo, hex } = hashEntry(a.value);
      const lit = kqlString(hex);
      cond = algo ? `${cols[algo]} =~ ${lit}` : `(${cols.sha256} =~ ${lit} or ${cols.sha1} =~ ${lit} or ${cols.md5} =~ ${lit})`;
      break;
    }
    case 'signer':
      cond = `${cols.signer} =~ ${kqlString(a.value)}`;
      break;
  }
  if (a.hosts === null) return cond;
  ctx.uses.add('HostKey');
  return `(HostKey(DeviceName) in (${a.hosts.map(kqlString).join(', ')}) and ${cond})`;
}

/** `| where not(...)` for the entries the WhiteList does not hold, or nothing. */
function otherEntriesClause(others: readonly ActiveEntry[], cols: ServiceColumns, ctx: Ctx): string[] {
  const conds = others.map((a) => entryCondition(a, cols, ctx));
  if (conds.length === 0) return [];
  return [
    '// Allowlist entries by host, path, hash or signer (the WhiteList holds the names for every host).',
    `| where not(${conds.join('\n    or ')})`,
  ];
}

/** The window's lets and the condition on a time column. */
function windowParts(req: QueryRequest, ctx: Ctx): { lets: string[]; cond: (col: string) => string | null; words: string } {
  const w = req.params.window;
  switch (w.kind) {
    case 'days':
      return {
        lets: [`let LookupTime = ${w.days}d;`],
        cond: (col) => `${col} > ago(LookupTime)`,
        words: `the last ${w.days} days before now (Longtail counts back from the newest event of the case)`,
      };
    case 'all':
      ctx.warnings.push('The window is "all": the query reads every event the workspace keeps.');
      return { lets: [], cond: () => null, words: 'every event kept' };
    case 'range': {
      const lets: string[] = [];
      if (w.from) lets.push(`let WindowStart = datetime(${w.from});`);
      if (w.to) lets.push(`let WindowEnd = datetime(${w.to});`);
      const cond = (col: string) =>
        w.from && w.to ? `${col} between (WindowStart .. WindowEnd)` :
        w.from ? `${col} >= WindowStart` :
        w.to ? `${col} <= WindowEnd` : null;
      return { lets, cond, words: `${w.from ?? 'the beginning'} .. ${w.to ?? 'now'}, inclusive` };
    }
  }
}

function pathKeyFunction(req: QueryRequest, ctx: Ctx): string {
  let expr = 'path';
  for (const [i, rule] of req.pathRules.entries()) {
    if (!rule.enabled) continue;
    const ported = portRegex(rule.pattern, 're2');
    if (ported.pattern === null) {
      ctx.warnings.push(`Path rule ${i + 1} is left out of the KQL query: its pattern ${ported.problem}.`);
      continue;
    }
    expr = `replace_regex(${expr}, ${kqlString(ported.pattern)}, ${kqlString(portReplacement(rule.replacement, 're2'))})`;
  }
  return `tolower(${expr})`;
}

const HELPERS: Record<'FullPath' | 'PathKey' | 'HostKey', (ctx: Ctx) => string[]> = {
  FullPath: () => [
    '// The image path from folder and file name, as Longtail joins them (FolderPath usually holds the file name already).',
    'let FullPath = (folder: string, file: string) {',
    '    iff(isempty(folder), file, iff(isempty(file) or folder =~ file or folder endswith strcat(@"\\", file) or folder endswith strcat("/", file),',
    '        folder, strcat(folder, iff(folder endswith @"\\" or folder endswith "/", "", @"\\"), file)))',
    '};',
  ],
  PathKey: (ctx) => [
    '// The path key: the path rules in order (RE2 replace_regex), then lowercase (spec 7.8).',
    `let PathKey = (path: string) { ${ctx.pathKeyBody} };`,
  ],
  HostKey: () => [
    '// Longtail\'s host key: the device name lowercased, cut at the first dot.',
    'let HostKey = (device: string) { tostring(split(tolower(device), ".")[0]) };',
  ],
};

/** The seed's GetServices: child launches by service processes, with our changes. */
function getServices(ctx: Ctx, others: readonly ActiveEntry[], timeCond: string | null): string[] {
  return [
    'let GetServices = materialize (',
    'DeviceProcessEvents',
    ...(timeCond ? [`| where ${timeCond}`] : []),
    '// Exact name, not the seed\'s `contains`: myservices.exe is not the Service Control Manager (spec section 2).',
    '| where InitiatingProcessParentFileName =~ "services.exe"',
    '| where InitiatingProcessFileName !in~(WhiteList)',
    ...otherEntriesClause(others, INITIATING, ctx),
    `| project ${ctx.time}, DeviceName, StartedChildProcess = FileName, ` + 'StartedChildProcessSHA1 = SHA1, StartedChildProcessCmdline = ProcessCommandLine, ' +
      'ServiceProcessSHA1 = InitiatingProcessSHA1, ServiceProcess = InitiatingProcessFileName, ServiceProcessCmdline = InitiatingProcessCommandLine, ' +
      'ServiceProcessID = InitiatingProcessId, ServiceProcessCreationTime = InitiatingProcessCreationTime, ServiceProcessUser = InitiatingProcessAccountName, ' +
      'ServiceProcessKey = tolower(InitiatingProcessFileName)',
    ');',
  ];
}

/** Rows where a service process acted (spec section 2), projected to the instance columns. */
function serviceInstances(ctx: Ctx, others: readonly ActiveEntry[], timeCond: string | null, startCond: string | null): string[] {
  ctx.uses.add('FullPath');
  ctx.uses.add('PathKey');
  const where = timeCond ? [`| where ${timeCond}`] : [];
  const fromActions = (sigStatus: string, signer: string) =>
    '| project DeviceName, ServiceProcess = InitiatingProcessFileName, ServiceProcessPath = FullPath(InitiatingProcessFolderPath, InitiatingProcessFileName), ' +
    'ServiceProcessSHA256 = InitiatingProcessSHA256, ServiceProcessSHA1 = InitiatingProcessSHA1, ServiceProcessMD5 = InitiatingProcessMD5, ' +
    'ServiceProcessCmdline = InitiatingProcessCommandLine, ServiceProcessID = InitiatingProcessId, ServiceProcessCreationTime = InitiatingProcessCreationTime, ' +
    `ServiceProcessUser = InitiatingProcessAccountName, ServiceProcessSignature = ${sigStatus}, ServiceProcessSigner = ${signer}`;
  const any = (col: string) => `${col} = take_anyif(${col}, isnotempty(${col}))`;
  return [
    '// Every service process instance in the window: its own start (a child of services.exe) and every row it acted in.',
    'let ServiceInstances = materialize (',
    'union',
    '(DeviceProcessEvents',
    ...where,
    '| where InitiatingProcessFileName =~ "services.exe"',
    '| project DeviceName, ServiceProcess = FileName, ServiceProcessPath = FullPath(FolderPath, FileName), ServiceProcessSHA256 = SHA256, ' +
      'ServiceProcessSHA1 = SHA1, ServiceProcessMD5 = MD5, ServiceProcessCmdline = ProcessCommandLine, ServiceProcessID = ProcessId, ' +
      'ServiceProcessCreationTime = ProcessCreationTime, ServiceProcessUser = AccountName, ServiceProcessSignature = "", ServiceProcessSigner = ""),',
    '(DeviceProcessEvents',
    ...where,
    '| where InitiatingProcessParentFileName =~ "services.exe"',
    fromActions('InitiatingProcessSignatureStatus', 'InitiatingProcessSignerType') + '),',
    '(union DeviceNetworkEvents, DeviceFileEvents, DeviceImageLoadEvents',
    ...where,
    '| where InitiatingProcessParentFileName =~ "services.exe"',
    fromActions('""', '""') + ')',
    ...(startCond ? ['// A service process is in the window when its start is (spec 7.1).', `| where ${startCond}`] : []),
    `| summarize ${['ServiceProcess', 'ServiceProcessPath', 'ServiceProcessSHA256', 'ServiceProcessSHA1', 'ServiceProcessMD5', 'ServiceProcessCmdline',
      'ServiceProcessUser', 'ServiceProcessSignature', 'ServiceProcessSigner'].map(any).join(', ')} by ${IDENTITY_KEYS}`,
    '| where ServiceProcess !in~(WhiteList)',
    ...otherEntriesClause(others, INSTANCE, ctx),
    '// Hash key: SHA-256, else SHA-1, else MD5 (spec 7.7). Signature: Valid is trusted; none or Unknown is unknown.',
    '| extend ServiceProcessKey = tolower(ServiceProcess),',
    '    ServiceHash = case(isnotempty(ServiceProcessSHA256), strcat("sha256:", tolower(ServiceProcessSHA256)),',
    '        isnotempty(ServiceProcessSHA1), strcat("sha1:", tolower(ServiceProcessSHA1)),',
    '        isnotempty(ServiceProcessMD5), strcat("md5:", tolower(ServiceProcessMD5)), ""),',
    '    ServicePathKey = iff(isempty(ServiceProcessPath), "", PathKey(ServiceProcessPath)),',
    '    ServiceSignature = case(ServiceProcessSignature in~ ("Valid", "Trusted"), "trusted",',
    '        isempty(ServiceProcessSignature) or ServiceProcessSignature =~ "Unknown", "unknown", "untrusted")',
    ');',
  ];
}

function rareCondition(measures: readonly Measure[], match: 'any' | 'all'): string {
  const flag: Record<Measure, string> = { binary: 'RareByBinary', path: 'RareByPath', host: 'RareByHost' };
  return measures.map((m) => flag[m]).join(match === 'any' ? ' or ' : ' and ');
}

/** The seed's three left-outer joins, one per table, on `keys`. */
function enrichmentJoins(time: string, timeCond: string | null, keys: string): string[] {
  const head = (table: string) => [
    `| join kind = leftouter (`,
    table,
    ...(timeCond ? [`| where ${timeCond}`] : []),
    '| where InitiatingProcessParentFileName =~ "services.exe"',
    '| where InitiatingProcessFileName !in~(WhiteList)',
  ];
  const service = 'DeviceName, ServiceProcessSHA1 = InitiatingProcessSHA1, ServiceProcess = InitiatingProcessFileName, ServiceProcessCmdline = InitiatingProcessCommandLine, ' +
    'ServiceProcessID = InitiatingProcessId, ServiceProcessCreationTime = InitiatingProcessCreationTime, ServiceProcessUser = InitiatingProcessAccountName';
  return [
    ...head('DeviceNetworkEvents'),
    `| project ${time}, ${service}, NetworkAction = ActionType, RemoteIP, RemoteUrl, RemotePort`,
    `) on ${keys}`,
    ...head('DeviceFileEvents'),
    `| project ${time}, ${service}, FileAction = ActionType, ModifiedFile = FileName, ModifiedFileSHA1 = SHA1, ModifiedFilePath = FolderPath`,
    `) on ${keys}`,
    ...head('DeviceImageLoadEvents'),
    `| project ${time}, ${service}, LoadedDLL = FileName, LoadedDLLSHA1 = SHA1, LoadedDLLPath = FolderPath`,
    `) on ${keys}`,
  ];
}

const SEED_SETS =
  'ConnectedAddresses = make_set(RemoteIP), ConnectedUrls = make_set(RemoteUrl), FilesModified = make_set(ModifiedFile),' +
  'FileModFolderPath = make_set(ModifiedFilePath),FileModHA1s = make_set(ModifiedFileSHA1), ChildProcesses = make_set(StartedChildProcess), ' +
  'ChildCommandlines = make_set(StartedChildProcessCmdline), DLLsLoaded = make_set(LoadedDLL), DLLSHA1 = make_set(LoadedDLLSHA1), ' +
  'ConnectedPorts = make_set(RemotePort), DLLPaths = make_set(LoadedDLLPath)';

export function kqlQuery(req: QueryRequest): { text: string; warnings: string[] } {
  const target: KqlTarget = req.target ?? 'defender';
  const ctx: Ctx = { time: target === 'sentinel' ? 'TimeGenerated' : 'Timestamp', warnings: [], uses: new Set(), pathKeyBody: '' };
  ctx.pathKeyBody = pathKeyFunction(req, ctx);
  const p = req.params;
  const active = activeEntries(req.allowlist);
  const others = otherEntries(active);
  const win = windowParts(req, ctx);
  const timeCond = win.cond(ctx.time);
  const startCond = win.cond('ServiceProcessCreationTime');
  if (target === 'defender' && (p.window.kind === 'all' || (p.window.kind === 'days' && p.window.days > 30))) {
    ctx.warnings.push('Defender advanced hunting keeps 30 days of events: a longer window finds nothing older.');
  }
  const hostOnly = p.measures.length === 1 && p.measures[0] === 'host';
  if (others.some((a) => a.entry.kind === 'signer')) {
    ctx.warnings.push('Signer entries match InitiatingProcessSignerType, which only DeviceProcessEvents has: ' +
      'a service process seen only through network, file or DLL rows is not matched by signer.');
  }

  const body: string[] = [];
  if (hostOnly) {
    body.push(
      ...getServices(ctx, others, timeCond),
      'GetServices',
      '// Per host and service name, names compared case-insensitively (spec 7.9); rare when 1 <= launches < max.',
      '| summarize count() by ServiceProcessKey, DeviceName',
      `| where count_ < ${p.maxLaunches}`,
      '| join kind = inner GetServices on ServiceProcessKey, DeviceName',
      ...(startCond ? ['// A row is a service process that started in the window (spec 7.1).', `| where ${startCond}`] : []),
      ...enrichmentJoins(ctx.time, timeCond, SEED_KEYS),
      `| summarize ${SEED_SETS}, LaunchesOnHost = take_any(count_) by ${SEED_KEYS}`,
      '| extend RareBy = "host"',
      '| order by DeviceName asc, ServiceProcessCreationTime asc',
    );
  } else {
    const trusted = p.includeTrusted ? '' : ' and ServiceSignature != "trusted"';
    body.push(
      ...getServices(ctx, others, timeCond),
      ...serviceInstances(ctx, others, timeCond, startCond),
      '// Unique binary (ES|QL seed query 1): hosts per hash key and name.',
      'let BinaryCounts = ServiceInstances | where isnotempty(ServiceHash) | summarize by ServiceHash, ServiceProcessKey, DeviceName',
      '| summarize BinaryHosts = count() by ServiceHash, ServiceProcessKey;',
      '// Unique path (ES|QL seed query 2, over every source): hosts per path key.',
      'let PathCounts = ServiceInstances | where isnotempty(ServicePathKey) | summarize by ServicePathKey, DeviceName',
      '| summarize PathHosts = count() by ServicePathKey;',
      '// Rare per host (the KQL seed): child launches per host and service name.',
      'let HostCounts = GetServices | summarize LaunchesOnHost = count() by ServiceProcessKey, DeviceName;',
      'ServiceInstances',
      '| join kind = leftouter BinaryCounts on ServiceHash, ServiceProcessKey',
      '| join kind = leftouter PathCounts on ServicePathKey',
      '| join kind = leftouter HostCounts on ServiceProcessKey, DeviceName',
      '| extend LaunchesOnHost = coalesce(LaunchesOnHost, 0)',
      `| extend RareByBinary = isnotempty(ServiceHash) and BinaryHosts <= ${p.maxHosts}${trusted},`,
      `    RareByPath = isnotempty(ServicePathKey) and PathHosts <= ${p.maxHosts},`,
      `    RareByHost = LaunchesOnHost >= 1 and LaunchesOnHost < ${p.maxLaunches}`,
      `| where ${rareCondition(p.measures, p.match)}`,
      `| extend RareBy = trim(",", strcat(${p.measures.map((m) => `iff(RareBy${m[0]!.toUpperCase()}${m.slice(1)}, "${m},", "")`).join(', ')}))`,
      '// Child launches of each rare instance, then the seed\'s enrichment joins, linked by the instance identity (spec 7.11).',
      '| join kind = leftouter (GetServices | project DeviceName, ServiceProcessID, ServiceProcessCreationTime, StartedChildProcess, StartedChildProcessSHA1, StartedChildProcessCmdline)',
      `    on ${IDENTITY_KEYS}`,
      ...enrichmentJoins(ctx.time, timeCond, IDENTITY_KEYS),
      `| summarize ${SEED_SETS}, ServiceProcessPath = take_any(ServiceProcessPath), ServiceHash = take_any(ServiceHash), ServiceSignature = take_any(ServiceSignature), ` +
        'BinaryHosts = take_any(BinaryHosts), ServicePathKey = take_any(ServicePathKey), PathHosts = take_any(PathHosts), LaunchesOnHost = take_any(LaunchesOnHost), ' +
        `RareBy = take_any(RareBy) by ${SEED_KEYS}`,
      '| order by DeviceName asc, ServiceProcessCreationTime asc',
    );
  }

  const product = target === 'sentinel' ? 'Microsoft Sentinel (Device* tables from the Defender XDR connector)' : 'Microsoft Defender XDR advanced hunting';
  const whiteList = whiteListNames(active);
  const comments = [
    ...headerLines(req, product),
    `Window: ${win.words}.`,
    `Rare by: ${p.measures.map((m) => MEASURE_WORDS[m]).join('; ')}.`,
    ...allowlistLines(active),
    'Differences from the KQL seed, each deliberate (Longtail spec):',
    '  services.exe is matched by exact name (=~), not `contains` (spec section 2).',
    '  A service process counts in the window when it started in it (spec 7.1); its events count by their own time.',
    ...(hostOnly ? [] : [
      '  Service processes without children are hunted too (unique binary and unique path), from their own start and from every row they acted in.',
      '  Unknown signatures are kept; a trusted signature (InitiatingProcessSignatureStatus Valid) only leaves the unique-binary measure.',
    ]),
    '  Remote ports and DLL paths are gathered too.',
    ...(target === 'sentinel' ? ['  Sentinel names the event time TimeGenerated (these tables have no Timestamp column there).'] : []),
    ...ctx.warnings.map((w) => `Warning: ${w}`),
  ];
  const helpers = (['FullPath', 'PathKey', 'HostKey'] as const).filter((h) => ctx.uses.has(h)).flatMap((h) => HELPERS[h](ctx));
  const lines = [
    ...comments.map((c) => `// ${commentText(c)}`),
    ...win.lets,
    ...(whiteList.length ? ['let WhiteList = pack_array(', whiteList.map(kqlPlain).join(',\n'), ');'] : ['let WhiteList = dynamic([]);']),
    ...helpers,
    ...body,
  ];
  const text = lines.join('\n') + '\n';
  return { text, warnings: ctx.warnings };
}
