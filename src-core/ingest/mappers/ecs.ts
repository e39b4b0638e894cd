// Elastic Common Schema documents (Elastic Defend, Kibana CSV, any ECS source without
// a `winlog` block) → hunt events (spec section 1, Elastic rows). Windows events that
// came through Winlogbeat or the Elastic Windows integration go to winlog.ts instead.
import type {
  FileEvent, ImageLoadEvent, Iso7, NetworkEvent, ProcessEndEvent, ProcessStartEvent, Signature,
} from '../../model/events.js';
import {
  baseName, entityKey, joinUser, makeHashes, parseBool, parsePid, parsePort, signatureFrom,
} from '../../normalize/values.js';
import { subPath, type Doc } from './doc.js';
import { RecordError, skip, type MapResult } from './types.js';

const START_ACTIONS = new Set(['start', 'process creation', 'created-process']);
const NON_WINDOWS = new Set(['linux', 'macos', 'darwin', 'ios', 'android', 'unix']);

function signatureOf(doc: Doc, prefix: string): { signature: Signature; signer: string | null } {
  return {
    signature: signatureFrom(doc.get(subPath(prefix, 'trusted')), doc.get(subPath(prefix, 'status'))),
    signer: doc.str(subPath(prefix, 'subject_name')),
  };
}

function hashesOf(doc: Doc, prefix: string) {
  return makeHashes(doc.get(subPath(prefix, 'sha256')), doc.get(subPath(prefix, 'sha1')), doc.get(subPath(prefix, 'md5')));
}

export interface EcsContext {
  time: Iso7;
  ref: string;
  dedupeKey: string | null;
}

export function mapEcs(doc: Doc, ctx: EcsContext): MapResult {
  const family = doc.first('host.os.family', 'host.os.type', 'host.os.platform')?.toLowerCase() ?? null;
  // The ES|QL seed keeps only host.os.family == "windows"; a document that says it is
  // from another OS is counted and left out (absent means unknown, kept).
  if (family !== null && NON_WINDOWS.has(family)) return skip(`Elastic event from a ${family} host`);
  const host = doc.first('host.name', 'host.hostname', 'agent.hostname');
  if (host === null) throw new RecordError('no host.name');
  const categories = doc.terms('event.category');
  const types = doc.terms('event.type');
  const action = doc.str('event.action');
  const actionLc = action?.toLowerCase() ?? '';
  const base = { host, time: ctx.time, ref: ctx.ref, dedupeKey: ctx.dedupeKey };
  const pid = parsePid(doc.get('process.pid'));
  const path = doc.first('process.executable');
  const actor = { proc: entityKey(doc.get('process.entity_id')), pid, path };

  // Library events first: Elastic Defend tags some as category "process" + type "start".
  const isLibrary =
    categories.includes('library') || doc.hasObject('dll') || actionLc === 'load' || actionLc === 'loaded';
  if (isLibrary) {
    const dllPath = doc.first('dll.path', 'file.path');
    if (dllPath === null) throw new RecordError('library event without dll.path or file.path');
    const sigPrefix = doc.has('dll.code_signature.status') || doc.has('dll.code_signature.trusted')
      ? 'dll.code_signature' : 'file.code_signature';
    const sig = signatureOf(doc, sigPrefix);
    const exists = parseBool(doc.get(subPath(sigPrefix, 'exists')));
    const ev: ImageLoadEvent = {
      kind: 'image', ...base, source: 'elastic:library', ...actor, dllPath,
      hashes: doc.hasObject('dll.hash') ? hashesOf(doc, 'dll.hash') : hashesOf(doc, 'file.hash'),
      signed: exists ?? (sig.signature === 'unknown' ? null : true),
      ...sig,
    };
    return { items: [ev] };
  }

  if (categories.includes('process')) {
    if (types.includes('start') || START_ACTIONS.has(actionLc)) {
      const parentPath = doc.first('process.parent.executable');
      const ev: ProcessStartEvent = {
        kind: 'process', ...base, source: 'elastic:process', ...actor,
        name: doc.first('process.name') ?? baseName(path),
        commandLine: doc.first('process.command_line'),
        user: joinUser(doc.get('user.domain'), doc.get('user.name')),
        hashes: hashesOf(doc, 'process.hash'),
        ...signatureOf(doc, 'process.code_signature'),
        parent: {
          proc: entityKey(doc.get('process.parent.entity_id')),
          pid: parsePid(doc.get('process.parent.pid')),
          path: parentPath,
          name: doc.first('process.parent.name') ?? baseName(parentPath),
          commandLine: doc.first('process.parent.command_line'),
        },
        security4688: false,
      };
      return { items: [ev] };
    }
    if (types.includes('end')) {
      const ev: ProcessEndEvent = { kind: 'end', ...base, source: 'elastic:process', ...actor };
      return { items: [ev] };
    }
    return skip(`Elastic process event (${action ?? types.join('/')}): not used by the hunt`);
  }

  if (categories.includes('network')) {
    const direction = doc.first('network.direction')?.toLowerCase() ?? null;
    const inbound = direction === 'inbound' || direction === 'ingress';
    const remote = inbound ? 'source' : 'destination';
    const local = inbound ? 'destination' : 'source';
    const dnsName = doc.first('dns.question.name');
    const ev: NetworkEvent = {
      kind: 'network', ...base, source: 'elastic:network', ...actor,
      action, protocol: doc.first('network.transport', 'network.protocol'),
      remoteIp: doc.first(subPath(remote, 'ip')), remotePort: parsePort(doc.get(subPath(remote, 'port'))),
      remoteName: dnsName ?? doc.first(subPath(remote, 'domain'), 'url.full', 'url.domain'),
      localIp: doc.first(subPath(local, 'ip')), localPort: parsePort(doc.get(subPath(local, 'port'))),
      direction: inbound ? 'inbound' : direction === null ? null : 'outbound',
    };
    return { items: [ev] };
  }

  if (categories.includes('file')) {
    const target = doc.first('file.path');
    if (target === null) throw new RecordError('file event without file.path');
    const ev: FileEvent = {
      kind: 'file', ...base, source: 'elastic:file', ...actor,
      action: action ?? (types[0] ?? null), targetPath: target, hashes: hashesOf(doc, 'file.hash'),
    };
    return { items: [ev] };
  }

  return skip(`Elastic event (${categories.join('/') || 'no category'}): not used by the hunt`);
}
