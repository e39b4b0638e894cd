// Elastic Defend documents (the `_source` of logs-endpoint.events.*), one per line.
// A service instance is process.entity_id of its own start event and
// process.parent.entity_id of its children's; its network, file and library events
// carry the same process.entity_id. JSON is assembled by hand from pieces, the long
// ones cached, because the bench writes millions of these.
import type { Account, Activity, Binary, Host, Proc } from './model.js';
import { baseNameOf, entityId } from './model.js';
import type { Piece } from './pieces.js';
import { Fragment, joinPieces } from './pieces.js';
import { iso7 } from './time.js';

const q = JSON.stringify;

interface HostJson {
  agent: string;
  host: Fragment;
}

const hostCache = new WeakMap<Host, HostJson>();

function hostJson(h: Host): HostJson {
  let s = hostCache.get(h);
  if (s === undefined) {
    s = {
      agent: `"agent":{"id":${q(h.agentId)},"type":"endpoint"}`,
      host: new Fragment(`"host":{"id":${q(h.deviceId)},"ip":[${q(h.ip)}],"name":${q(h.name)},"os":{"family":"windows"}}`),
    };
    hostCache.set(h, s);
  }
  return s;
}

function signature(b: Binary): string {
  if (b.signed === 'unsigned') return '{"exists":false,"trusted":false}';
  const trusted = b.signed === 'trusted';
  return `{"exists":true,"status":${trusted ? '"trusted"' : '"errorUntrustedRoot"'},"subject_name":${q(b.signer)},"trusted":${trusted}}`;
}

function hashes(b: Binary): string {
  return `{"md5":"${b.md5}","sha1":"${b.sha1}","sha256":"${b.sha256}"}`;
}

const binFull = new WeakMap<Binary, string>();
const binRef = new WeakMap<Binary, string>();
const users = new WeakMap<Account, string>();

/** A start event's binary-dependent process fields. */
function binaryJson(b: Binary): string {
  let s = binFull.get(b);
  if (s === undefined) {
    s = `"code_signature":${signature(b)},"executable":${q(b.path)},"hash":${hashes(b)},"name":${q(b.name)},` +
      `"pe":{"original_file_name":${q(b.originalName)}}`;
    binFull.set(b, s);
  }
  return s;
}

function binaryRef(b: Binary): string {
  let s = binRef.get(b);
  if (s === undefined) {
    s = `"executable":${q(b.path)},"name":${q(b.name)}`;
    binRef.set(b, s);
  }
  return s;
}

/** `,"user":{...}}`: the end of every document. */
function userTail(a: Account): string {
  let s = users.get(a);
  if (s === undefined) {
    s = `,"user":{"domain":${q(a.domain)},"id":${q(a.sid)},"name":${q(a.name)}}}`;
    users.set(a, s);
  }
  return s;
}

/** `,"process":{...},"user":{...}}` of a start event: the full instance and its parent, then the document's end. */
function processFull(p: Proc): Fragment {
  let f = p.cache.elasticFull;
  if (f === undefined) {
    const parent = p.parent
      ? `,"parent":{"entity_id":"${entityId(p.parent)}",${binaryRef(p.parent.bin)},"pid":${p.parent.pid}}`
      : '';
    f = new Fragment(
      `,"process":{${binaryJson(p.bin)},"command_line":${q(p.cmd)},"entity_id":"${entityId(p)}"${parent},"pid":${p.pid}}${userTail(p.user)}`,
    );
    p.cache.elasticFull = f;
  }
  return f;
}

/**
 * `,"process":{...},"user":{...}}` of network/file/library events: the instance's
 * identity only (entity_id links it to its start event), then the document's end.
 */
function processRef(p: Proc): Fragment {
  let f = p.cache.elasticRef;
  if (f === undefined) {
    f = new Fragment(`,"process":{"entity_id":"${entityId(p)}",${binaryRef(p.bin)},"pid":${p.pid}}${userTail(p.user)}`);
    p.cache.elasticRef = f;
  }
  return f;
}

const dllCache = new WeakMap<Binary, Fragment>();

/** The dll object of a library event, after the event object. */
function dllJson(d: Binary): Fragment {
  let f = dllCache.get(d);
  if (f === undefined) {
    f = new Fragment(
      `"dll":{"code_signature":${signature(d)},"hash":${hashes(d)},"name":${q(d.name)},` +
      `"path":${q(d.path)},"pe":{"original_file_name":${q(d.originalName)}}},`,
    );
    dllCache.set(d, f);
  }
  return f;
}

/** Unique per host: the agent's prefix and a sequence number (Elastic's own ids are opaque too). */
function eventId(h: Host): string {
  return `${h.guidPrefix}${(h.eventSeq++).toString(36).padStart(8, '0')}`;
}

function extensionOf(path: string): string {
  const name = baseNameOf(path);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

const eventPrefixes = new WeakMap<Host, Map<string, string>>();

/** `","agent":{...},"event":{...,"id":"`: constant per host and kind of event. */
function eventPrefix(h: Host, agent: string, event: string, dataset: string): string {
  let byKind = eventPrefixes.get(h);
  if (byKind === undefined) {
    byKind = new Map();
    eventPrefixes.set(h, byKind);
  }
  let s = byKind.get(event);
  if (s === undefined) {
    s = `",${agent},"event":{${event},"dataset":"endpoint.events.${dataset}","id":"`;
    byKind.set(event, s);
  }
  return s;
}

/** `{"@timestamp":...,"agent":...,"event":{...},` of a document. */
function docHead(a: Activity, agent: string, event: string, dataset: string, type: string): string {
  const h = a.proc.host;
  return `{"@timestamp":"${iso7(a.t)}${eventPrefix(h, agent, event, dataset)}${eventId(h)}","kind":"event","module":"endpoint",` +
    `"sequence":${h.eventSeq},"type":${type}},`;
}

/**
 * The document of one activity as pieces, or null when Elastic Defend has no event
 * for it (service installs). Keys: @timestamp, agent, event, the kind's own objects,
 * host, process, user; the last three are cached per host and per instance.
 */
export function elasticPieces(a: Activity): Piece[] | null {
  const h = a.proc.host;
  const { agent, host } = hostJson(h);
  switch (a.kind) {
    case 'process':
      return [docHead(a, agent, '"action":"start","category":["process"]', 'process', '["start"]'), host, processFull(a.proc)];
    case 'network': {
      const remote = `"address":${q(a.remoteIp)},${a.remoteName === '-' ? '' : `"domain":${q(a.remoteName)},`}"ip":${q(a.remoteIp)},"port":${a.remotePort}`;
      const local = `"address":${q(h.ip)},"ip":${q(h.ip)},"port":${a.localPort}`;
      const event = a.inbound ? '"action":"connection_accepted","category":["network"]' : '"action":"connection_attempted","category":["network"]';
      return [
        docHead(a, agent, event, 'network', '["start"]') +
        `"destination":{${a.inbound ? local : remote}},"network":{"direction":${a.inbound ? '"ingress"' : '"egress"'},"transport":"tcp","type":"ipv4"},` +
        `"source":{${a.inbound ? remote : local}},`,
        host, processRef(a.proc),
      ];
    }
    case 'file': {
      const created = a.action === 'created';
      const event = created ? '"action":"creation","category":["file"]' : '"action":"modification","category":["file"]';
      const hash = a.content ? `"hash":${hashes(a.content)},` : '';
      return [
        docHead(a, agent, event, 'file', created ? '["creation"]' : '["change"]') +
        `"file":{"extension":${q(extensionOf(a.path))},${hash}"name":${q(baseNameOf(a.path))},"path":${q(a.path)}},`,
        host, processRef(a.proc),
      ];
    }
    case 'image':
      return [docHead(a, agent, '"action":"load","category":["library"]', 'library', '["start"]'), dllJson(a.dll), host, processRef(a.proc)];
    case 'install':
      return null;
  }
}

/** The document of one activity, or null when Elastic Defend has none (service installs). */
export function elasticLine(a: Activity): string | null {
  const pieces = elasticPieces(a);
  return pieces === null ? null : joinPieces(pieces);
}

/** A whole file's text: one document per line in time order, each line ending in LF. */
export function elasticNdjson(activities: readonly Activity[]): string {
  const sorted = [...activities].sort((x, y) => x.t - y.t);
  let out = '';
  for (const a of sorted) {
    const line = elasticLine(a);
    if (line !== null) out += `${line}\n`;
  }
  return out;
}
