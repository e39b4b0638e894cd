// Allowlists as files (CLI --allowlist, UI import/export): JSON (an array of entries
// or `{ "entries": [...] }`) or CSV with the columns kind,value,hosts,reason,enabled.
import Papa from 'papaparse';
import { z } from 'zod';
import type { AllowEntryInput } from '../model/hunt.js';
import { neutralizeFormula } from '../report/sanitize.js';

const entrySchema = z.object({
  kind: z.enum(['name', 'path', 'hash', 'signer']),
  value: z.string().min(1).max(4096),
  hosts: z.array(z.string().min(1).max(255)).max(10_000).nullable().optional(),
  reason: z.string().max(4096).optional(),
  enabled: z.boolean().optional(),
});

const fileSchema = z.union([z.array(entrySchema), z.object({ entries: z.array(entrySchema) })]);

export class AllowlistFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowlistFileError';
  }
}

function normalize(e: z.infer<typeof entrySchema>): AllowEntryInput {
  return {
    kind: e.kind,
    value: e.value,
    hosts: e.hosts && e.hosts.length ? e.hosts.map((h) => h.toLowerCase()) : null,
    reason: e.reason ?? '',
    enabled: e.enabled ?? true,
  };
}

function parseJsonList(text: string, name: string): AllowEntryInput[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AllowlistFileError(`${name}: invalid JSON: ${(err as Error).message}`);
  }
  const r = fileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AllowlistFileError(`${name}: not an allowlist: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return (Array.isArray(r.data) ? r.data : r.data.entries).map(normalize);
}

function unneutralize(cell: string): string {
  // Our own export prefixes `'` to formula-like cells; take it back on import.
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

function parseCsvList(text: string, name: string): AllowEntryInput[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  if (parsed.errors.length) {
    const e = parsed.errors[0]!;
    throw new AllowlistFileError(`${name}: CSV row ${(e.row ?? 0) + 2}: ${e.message}`);
  }
  return parsed.data.map((row, i) => {
    const hosts = unneutralize(row['hosts'] ?? '').split(/[;,]/).map((h) => h.trim()).filter(Boolean);
    const candidate = {
      kind: unneutralize(row['kind'] ?? '').trim(),
      value: unneutralize(row['value'] ?? ''),
      hosts: hosts.length ? hosts : null,
      reason: unneutralize(row['reason'] ?? ''),
      enabled: !/^(false|0|no|disabled)$/i.test((row['enabled'] ?? 'true').trim()),
    };
    const r = entrySchema.safeParse(candidate);
    if (!r.success) throw new AllowlistFileError(`${name}: CSV row ${i + 2}: ${r.error.issues[0]?.message ?? 'invalid entry'}`);
    return normalize(r.data);
  });
}

export function parseAllowlist(text: string, name = 'allowlist'): AllowEntryInput[] {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  return body.startsWith('[') || body.startsWith('{') ? parseJsonList(body, name) : parseCsvList(body, name);
}

export function allowlistToJson(entries: readonly AllowEntryInput[]): string {
  return JSON.stringify(entries.map(({ kind, value, hosts, reason, enabled }) => ({ kind, value, hosts, reason, enabled })), null, 2) + '\n';
}

export function allowlistToCsv(entries: readonly AllowEntryInput[]): string {
  const rows = entries.map((e) =>
    [e.kind, e.value, (e.hosts ?? []).join(';'), e.reason, String(e.enabled)].map(neutralizeFormula),
  );
  return '\uFEFF' + Papa.unparse({ fields: ['kind', 'value', 'hosts', 'reason', 'enabled'], data: rows }, { newline: '\r\n' }) + '\r\n';
}
