// Reads EVTX files with libevtx's tools (Debian libevtx-utils): evtxexport's XML
// parsed into records, evtxinfo's summary. Test oracle only: independent of the
// project's own EVTX parser.
import { spawnSync } from 'node:child_process';

export const INSTALL_HINT =
  'libevtx-utils is not installed: evtxexport/evtxinfo are needed to check the EVTX writer. ' +
  'Install it with `apt-get install -y libevtx-utils` (CI installs it in .ci/run).';

/** Throws with INSTALL_HINT unless evtxexport and evtxinfo run. */
export function requireLibevtx(): void {
  for (const tool of ['evtxexport', 'evtxinfo']) {
    const r = spawnSync(tool, ['-V'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`${INSTALL_HINT} (${tool}: ${r.error?.message ?? `exit ${r.status}`})`);
  }
}

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Text content exactly as printed (entities decoded); '' for elements with children. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#x?[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? '';
  });
}

/** Parses evtxexport's XML: elements, attributes, text; nothing else occurs in its output. */
export function parseXmlElements(xml: string): XmlNode[] {
  const roots: XmlNode[] = [];
  const stack: XmlNode[] = [];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(xml)) !== null) {
    const top = stack[stack.length - 1];
    if (top && top.children.length === 0) top.text += decode(xml.slice(last, m.index));
    last = tag.lastIndex;
    const [, closing, name = '', attrText = '', selfClosing] = m;
    if (closing) {
      const done = stack.pop();
      if (!done || done.name !== name) throw new Error(`unbalanced </${name}> at ${m.index}`);
      if (done.children.length > 0) done.text = '';
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1] ?? ''] = decode(a[2] ?? '');
    const node: XmlNode = { name, attrs, children: [], text: '' };
    if (top) top.children.push(node);
    else roots.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return roots;
}

export interface DataItem {
  /** The Name attribute; null for an unnamed <Data>. */
  name: string | null;
  text: string;
  /** Child elements (nested BinXML values). */
  children: XmlNode[];
}

export interface LibevtxRecord {
  provider: string;
  providerGuid: string | undefined;
  eventSourceName: string | undefined;
  eventId: number;
  qualifiers: string | undefined;
  version: string;
  level: string;
  task: string;
  opcode: string;
  keywords: string;
  /** As libevtx prints it: 9 fractional digits. */
  timeCreated: string;
  recordId: string;
  activityId: string | undefined;
  relatedActivityId: string | undefined;
  processId: string | undefined;
  threadId: string | undefined;
  channel: string;
  computer: string;
  userId: string | undefined;
  /** EventData children in order. */
  data: DataItem[];
}

function child(n: XmlNode, name: string): XmlNode | undefined {
  return n.children.find((c) => c.name === name);
}

export function toRecord(event: XmlNode): LibevtxRecord {
  const sys = child(event, 'System');
  if (!sys) throw new Error('no <System>');
  const get = (name: string) => child(sys, name);
  const provider = get('Provider');
  const eventData = child(event, 'EventData');
  return {
    provider: provider?.attrs['Name'] ?? '', providerGuid: provider?.attrs['Guid'], eventSourceName: provider?.attrs['EventSourceName'],
    eventId: Number(get('EventID')?.text), qualifiers: get('EventID')?.attrs['Qualifiers'],
    version: get('Version')?.text ?? '', level: get('Level')?.text ?? '', task: get('Task')?.text ?? '', opcode: get('Opcode')?.text ?? '',
    keywords: get('Keywords')?.text ?? '', timeCreated: get('TimeCreated')?.attrs['SystemTime'] ?? '',
    recordId: get('EventRecordID')?.text ?? '', activityId: get('Correlation')?.attrs['ActivityID'],
    relatedActivityId: get('Correlation')?.attrs['RelatedActivityID'], processId: get('Execution')?.attrs['ProcessID'],
    threadId: get('Execution')?.attrs['ThreadID'], channel: get('Channel')?.text ?? '', computer: get('Computer')?.text ?? '',
    userId: get('Security')?.attrs['UserID'],
    data: (eventData?.children ?? []).map((d) => ({ name: d.attrs['Name'] ?? null, text: d.text, children: d.children })),
  };
}

export interface Export {
  records: LibevtxRecord[];
  status: number;
  /** libevtx's error messages (it stops at the first record it cannot read). */
  stderr: string;
}

/** `evtxexport -f xml -m mode path`, parsed. */
export function evtxexport(path: string, mode: 'items' | 'recovered' | 'all' = 'items'): Export {
  const r = spawnSync('evtxexport', ['-f', 'xml', '-m', mode, path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${INSTALL_HINT} (${r.error.message})`);
  const events = parseXmlElements(r.stdout).filter((n) => n.name === 'Event');
  return { records: events.map(toRecord), status: r.status ?? -1, stderr: r.stderr };
}

export interface Info {
  version: string;
  records: number;
  recovered: number;
  corrupted: boolean;
  dirty: boolean;
  text: string;
}

/** `evtxinfo path`, summarized. */
export function evtxinfo(path: string): Info {
  const r = spawnSync('evtxinfo', [path], { encoding: 'utf8' });
  if (r.error) throw new Error(`${INSTALL_HINT} (${r.error.message})`);
  const num = (label: string) => Number(new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(r.stdout)?.[1] ?? NaN);
  return {
    version: /Version\s*:\s*(\S+)/.exec(r.stdout)?.[1] ?? '',
    records: num('Number of records'),
    recovered: num('Number of recovered records'),
    corrupted: /Is corrupted/.test(r.stdout),
    dirty: /Is dirty/.test(r.stdout),
    text: r.stdout + r.stderr,
  };
}
