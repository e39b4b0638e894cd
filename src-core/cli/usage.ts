// The command line's words: the usage text and each command's options. Kept apart from
// cli.ts so `longtail --help` and the launcher's choice of thread (start.ts) load
// nothing else.
import type { OptionSpec } from './args.js';
import { LONGTAIL_VERSION } from '../version.js';

export const USAGE = `Longtail ${LONGTAIL_VERSION}: rare service execution hunting over Windows triage data

Usage:
  longtail import CASE FILES|DIRS...     import into a case file (created if missing)
  longtail hunt CASE [options]           hunt over a case
  longtail hunt FILES|DIRS... [options]  import into a temporary case, hunt, write reports
  longtail log CASE                      the import log: every input and what became of its records
  longtail export-query CASE|--allowlist FILE --dialect kql|esql [options]
                                         the hunt as configured, as a query for the SIEM
  longtail evtx-dump [--xml] FILE...     every record of EVTX files, one JSON object per line (or XML)

Hunt options:
  --preset elastic-binary|elastic-path|defender-host|any   (default any)
  --measures binary,path,host   combine measures (default: the preset's)
  --match any|all               rare by any chosen measure (default) or by all of them
  --window 30d|7d|all|FROM..TO  (default: the preset's; FROM/TO are dates or ISO times, inclusive)
  --max-hosts N                 unique binary/path: rare on at most N hosts (default 1)
  --max-launches N              rare per host: fewer than N child launches (default 6)
  --allow-signed                keep binaries with a trusted signature in the unique-binary measure
  --min-covered-hosts N         flag rows whose day had fewer hosts logging process starts (default 3)
  --allowlist FILE              use this allowlist (JSON or CSV) instead of the case's
  --format table|csv|json       what to print (default table)
  --out FILE                    write the report (csv or json, by --format or the file extension)

Export-query options (and the hunt options above, but --format):
  --dialect kql|esql            KQL for Defender XDR / Sentinel, or ES|QL for Elastic
  --target defender|sentinel    where the KQL runs (default defender: Timestamp; sentinel: TimeGenerated)
  --out FILE                    write the query to FILE instead of printing it
  (with a CASE, its allowlist and path rules are used; --allowlist FILE replaces the allowlist)
`;

export const HUNT_OPTIONS = {
  preset: { value: true }, measures: { value: true }, match: { value: true }, window: { value: true },
  'max-hosts': { value: true }, 'max-launches': { value: true }, 'allow-signed': { value: false },
  'min-covered-hosts': { value: true }, allowlist: { value: true }, format: { value: true }, out: { value: true },
} as const satisfies Record<string, OptionSpec>;

/** Each command's options, for parseArgs. */
export const COMMAND_OPTIONS = {
  import: {},
  hunt: HUNT_OPTIONS,
  log: {},
  'export-query': {
    preset: { value: true }, measures: { value: true }, match: { value: true }, window: { value: true },
    'max-hosts': { value: true }, 'max-launches': { value: true }, 'allow-signed': { value: false },
    allowlist: { value: true }, dialect: { value: true }, target: { value: true }, out: { value: true },
  },
  'evtx-dump': { xml: { value: false } },
} as const satisfies Record<string, Record<string, OptionSpec>>;

export type CommandName = keyof typeof COMMAND_OPTIONS;

export function isCommandName(s: string | undefined): s is CommandName {
  return s !== undefined && Object.hasOwn(COMMAND_OPTIONS, s);
}
