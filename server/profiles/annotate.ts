// A profile's verdict on each finding of a file: the share of the run on its lines and in its enclosing
// function, hot / warm / cold, and the severity that follows (hot findings one level up, cold ones one down).
import type { Finding, FindingProfile, Severity } from '../../common/types';
import { Query, type Tree } from '../syntax/parser';
import type { ProfiledFile, ProfiledFunction, ProfileIndex } from './types';

/** At least this share of the run makes a finding hot: where a change shows in the wall clock. */
export const HOT_SHARE = 0.05;

/** A function of the source file, lines 1-based: from its `def` to its last line. */
export interface FunctionSpan {
  name: string;
  defLine: number;
  endLine: number;
}

const FUNCTIONS_QUERY = '(function_definition name: (identifier) @name) @def';
const functionQueries = new WeakMap<object, Query>();

/** The file's functions, from one small query (compiled once per grammar, kept for the process). */
export function functionSpans(tree: Tree): FunctionSpan[] {
  let query = functionQueries.get(tree.language);
  if (!query) functionQueries.set(tree.language, (query = new Query(tree.language, FUNCTIONS_QUERY)));
  return query.matches(tree.rootNode).flatMap((m) => {
    const def = m.captures.find((c) => c.name === 'def')?.node;
    const name = m.captures.find((c) => c.name === 'name')?.node;
    return def && name ? [{ name: name.text, defLine: def.startPosition.row + 1, endLine: def.endPosition.row + 1 }] : [];
  });
}

/** Where the profile came from, for messages and hovers. */
export interface ProfileSource {
  index: ProfileIndex;
  /** "py-spy, profile.json, 2026-11-23". */
  label: string;
}

/**
 * The findings with their `profile` and adjusted severity. `file` is the profile's data for this source file,
 * undefined when the profile does not cover it (then each finding is only marked unmatched). `lineOf` turns an
 * offset into a 1-based line.
 */
export function profileFindings(
  findings: readonly Finding[],
  lineOf: (offset: number) => number,
  spans: readonly FunctionSpan[],
  file: ProfiledFile | undefined,
  source: ProfileSource,
): Finding[] {
  const unit = source.index.unit;
  if (!file) return findings.map((f) => ({ ...f, profile: { heat: 'unmatched', unit, source: source.label } }));
  const functions = matchFunctions(spans, file.functions);
  return findings.map((f) => {
    const first = lineOf(f.start);
    const last = Math.max(first, lineOf(Math.max(f.start, f.end - 1)));
    const span = innermost(spans, first);
    const fn = span ? functions.get(span) : moduleFunction(file.functions);
    // Module-level code: `<module>` includes everything the module ran (its imports, its calls); only its own time says how hot the top level is.
    const fnShare = fn ? (span ? fn.share.total : fn.share.self) : 0;
    let lines: number | undefined;
    if (file.lines.size > 0) {
      lines = 0;
      for (let l = first; l <= last; l++) lines += file.lines.get(l)?.total ?? 0;
      lines = Math.min(1, lines);
    }
    const share = lines ?? fnShare;
    const profile: FindingProfile = {
      heat: share >= HOT_SHARE ? 'hot' : share > 0 ? 'warm' : 'cold',
      share,
      ...(lines !== undefined ? { lines } : {}),
      ...(fn ? { function: { name: span?.name ?? '<module>', share: fnShare } } : {}),
      unit,
      source: source.label,
    };
    return { ...f, severity: profiledSeverity(f.severity, profile.heat), profile };
  });
}

const LOUDER: Record<Severity, Severity> = { error: 'error', warning: 'warning', info: 'warning', hint: 'info' };
const QUIETER: Record<Severity, Severity> = { error: 'error', warning: 'info', info: 'hint', hint: 'hint' };

/** One level up for hot code, one down for code the profile never reached; errors (correctness) stay. */
export function profiledSeverity(severity: Severity, heat: FindingProfile['heat']): Severity {
  return heat === 'hot' ? LOUDER[severity] : heat === 'cold' ? QUIETER[severity] : severity;
}

/** The innermost function whose lines hold this line. */
function innermost(spans: readonly FunctionSpan[], line: number): FunctionSpan | undefined {
  let best: FunctionSpan | undefined;
  for (const s of spans) if (s.defLine <= line && line <= s.endLine && (!best || s.defLine >= best.defLine)) best = s;
  return best;
}

const moduleFunction = (functions: readonly ProfiledFunction[]) => functions.find((f) => f.name === '<module>');

/**
 * Source functions → profiled ones, by name; among several of one name, the nearest `def` line (the code may
 * have moved since the profile was taken). Name-only data (py-spy) with a repeated name stays unattributed.
 */
function matchFunctions(spans: readonly FunctionSpan[], profiled: readonly ProfiledFunction[]): Map<FunctionSpan, ProfiledFunction> {
  const out = new Map<FunctionSpan, ProfiledFunction>();
  const byName = new Map<string, FunctionSpan[]>();
  for (const s of spans) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const p of profiled) {
    const candidates = byName.get(p.name);
    if (!candidates) continue;
    if (p.defLine === undefined) {
      if (candidates.length === 1) out.set(candidates[0], p);
      continue;
    }
    const nearest = candidates.reduce((a, b) => (Math.abs(b.defLine - p.defLine!) < Math.abs(a.defLine - p.defLine!) ? b : a));
    const taken = out.get(nearest);
    // Two profiled functions of one name nearest the same def: the closer one wins.
    if (!taken || Math.abs(nearest.defLine - p.defLine) < Math.abs(nearest.defLine - (taken.defLine ?? Infinity))) out.set(nearest, p);
  }
  return out;
}

/** "38 %" (under one per cent: "<1 %"). */
export function percent(share: number): string {
  const p = Math.round(share * 100);
  return p === 0 && share > 0 ? '<1 %' : `${p} %`;
}

/** One line for the CLI and the hover: "measured: 38 % of samples on these lines, 52 % in `process` (py-spy, p.json)". */
export function describeFindingProfile(p: FindingProfile): string {
  if (p.heat === 'unmatched') return `not in the loaded profile (${p.source})`;
  if (p.heat === 'cold') return `never reached in the loaded profile (${p.source})`;
  const parts: string[] = [];
  if (p.lines !== undefined) parts.push(`${percent(p.lines)} of ${p.unit} on these lines`);
  if (p.function) {
    const where = p.function.name === '<module>' ? 'at module level' : `in \`${p.function.name}\``;
    parts.push(`${percent(p.function.share)}${p.lines === undefined ? ` of ${p.unit}` : ''} ${where}`);
  }
  return `measured: ${parts.join(', ')} (${p.source})`;
}
