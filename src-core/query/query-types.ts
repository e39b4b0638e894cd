// What an exported hunt query is made from and what comes out (issue 12).
import type { AllowEntryInput, HuntParams, PathRuleInput } from '../model/hunt.js';

export type QueryDialect = 'kql' | 'esql';

/**
 * Where a KQL query runs. Defender XDR advanced hunting names the event time
 * `Timestamp`; the same tables streamed to a Sentinel (Log Analytics) workspace name it
 * `TimeGenerated` and have no `Timestamp` column.
 */
export type KqlTarget = 'defender' | 'sentinel';

export interface QueryRequest {
  /** The hunt as configured; its allowlist and pathRules fields are ignored (see below). */
  params: HuntParams;
  /** The allowlist the hunt uses (the case's, or the --allowlist file's). */
  allowlist: readonly AllowEntryInput[];
  /** The path rules the hunt uses, in order. */
  pathRules: readonly PathRuleInput[];
  dialect: QueryDialect;
  /** KQL only; default defender. */
  target?: KqlTarget;
  /** For the header comment: where the hunt was tuned. Only its base name is written. */
  caseFile?: string | null;
  /** For the header comment; default now. */
  generatedAt?: string;
}

export interface QueryExport {
  dialect: QueryDialect;
  target: KqlTarget | null;
  /** The query text, ready to paste. */
  text: string;
  /** What the dialect cannot express, also written as comments in the text. */
  warnings: string[];
  /** A file name for saving it (`longtail-hunt-defender.kql`, `longtail-hunt.esql`). */
  fileName: string;
}

/** The allowlist entries that take part, with their values as the hunt compares them. */
export interface ActiveEntry {
  entry: AllowEntryInput;
  value: string;
  hosts: string[] | null;
}
