// The Kusto language service (Microsoft's own KQL parser and semantic analyzer, compiled
// to JavaScript) loaded for tests: parse a query against the Device* table schemas and
// return its diagnostics, or the string literals it holds.
import { createRequire } from 'node:module';
import { deviceTables } from './defender-schema.js';

interface Diagnostic { Severity: string; Code: string; Message: string; Start: number; Length: number }
interface List<T> { Count: number; getItem(i: number): T }
interface KustoLanguage {
  KustoCode: {
    ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): List<Diagnostic> };
  };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => unknown };
    DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
  };
  Parsing: { TokenParser: { ParseTokens(text: string, options: null): Array<{ Kind: number; Text: string }> } };
  Syntax: { SyntaxKind: { StringLiteralToken: number } };
  KustoFacts: { GetStringLiteralValue(text: string): string };
}

let language: KustoLanguage | null = null;

function kusto(): KustoLanguage {
  if (language) return language;
  const require = createRequire(import.meta.url);
  // The Bridge.NET runtime and the compiled library register themselves on globalThis.
  require('@kusto/language-service-next/bridge.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.js');
  language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  return language;
}

const globalsByTarget = new Map<string, unknown>();

function globals(target: 'defender' | 'sentinel'): unknown {
  let g = globalsByTarget.get(target);
  if (!g) {
    const K = kusto();
    const tables = Object.entries(deviceTables(target)).map(([name, schema]) => new K.Symbols.TableSymbol.$ctor7(name, schema, null));
    g = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor('hunting', tables));
    globalsByTarget.set(target, g);
  }
  return g;
}

export interface KqlProblem { severity: string; code: string; message: string; at: string }

/** Every diagnostic the language service reports for `query` against the target's tables. */
export function analyzeKql(query: string, target: 'defender' | 'sentinel'): KqlProblem[] {
  const code = kusto().KustoCode.ParseAndAnalyze(query, globals(target));
  const list = code.GetDiagnostics();
  const out: KqlProblem[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({ severity: d.Severity, code: d.Code, message: d.Message, at: query.slice(Math.max(0, d.Start - 40), d.Start + d.Length + 40) });
  }
  return out;
}

/** The values of every string literal in `query`, in order, as Kusto reads them. */
export function kqlStringValues(query: string): string[] {
  const K = kusto();
  return K.Parsing.TokenParser.ParseTokens(query, null)
    .filter((t) => t.Kind === K.Syntax.SyntaxKind.StringLiteralToken)
    .map((t) => K.KustoFacts.GetStringLiteralValue(t.Text));
}

/** The query's tokens (comments are trivia, not tokens), every string literal blanked. */
export function kqlShape(query: string): string[] {
  const K = kusto();
  return K.Parsing.TokenParser.ParseTokens(query, null)
    .map((t) => (t.Kind === K.Syntax.SyntaxKind.StringLiteralToken ? '<string>' : t.Text));
}
