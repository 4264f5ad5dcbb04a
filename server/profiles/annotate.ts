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
 * offset into a 1-based line. The library hints kept for the profile (`impact.ifHot`) that it did not raise are left out.
 */
export function profileFindings(
  findings: readonly Finding[],
  lineOf: (offset: number) => number,
  spans: readonly FunctionSpan[],
  file: ProfiledFile | undefined,
  source: ProfileSource,
): Finding[] {
  const unit = source.index.unit;
  if (!file) return reportedWithProfile(findings).map((f) => ({ ...f, profile: { heat: 'unmatched', unit, source: source.label } }));
  const functions = matchFunctions(spans, file.functions);
  const profiled = findings.map((f) => {
    const first = lineOf(f.start);
    const last = Math.max(first, lineOf(Math.max(f.start, f.end - 1)));
    const span = innermost(spans, first);
    const fn = span ? functions.get(span) : moduleFunction(file.functions);
    // Its own share: the time in its code and the libraries it calls, not in other user functions (which have
    // findings of their own), so a `main` or `<module>` that calls everything is not 100 %.
    const fnShare = fn ? (fn.share.own ?? fn.share.total) : 0;
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
    // Measured hot code is high impact whatever its context said: the severity impact ranking took away comes back first.
    const base = profile.heat === 'hot' ? (f.impact?.demotedFrom ?? f.severity) : f.severity;
    return { ...f, severity: profiledSeverity(base, profile.heat), profile };
  });
  return reportedWithProfile(profiled);
}

/**
 * The findings a host reports once a profile has had its say: a library hint that `auto` mode kept only for the
 * profile (`impact.ifHot`, LintOptions.keepHints) is reported where the profile raised it out of hint, not elsewhere.
 */
export function reportedWithProfile(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !(f.impact?.ifHot && f.severity === 'hint'));
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

/** What was measured: "60 % of samples on these lines, 98 % in `hot_loop`"; for cold code, that it was never reached. */
export function measured(p: FindingProfile): string {
  if (p.heat === 'unmatched') return 'the file is not in the profile';
  if (p.heat === 'cold') return 'never reached in the profile';
  const parts: string[] = [];
  if (p.lines !== undefined) parts.push(`${percent(p.lines)} of ${p.unit} on these lines`);
  if (p.function) {
    const where = p.function.name === '<module>' ? 'at module level' : `in \`${p.function.name}\``;
    parts.push(`${percent(p.function.share)}${p.lines === undefined ? ` of ${p.unit}` : ''} ${where}`);
  }
  return parts.join(', ');
}

/** The CLI's tag after a finding's message: "[hot: 60 % of samples on these lines, 98 % in `hot_loop`]". */
export function profileTag(p: FindingProfile): string {
  return p.heat === 'unmatched' ? '' : `[${p.heat}: ${measured(p)}]`;
}

/** The hover's line: "**Profile:** measured 60 % of samples on these lines, 98 % in `hot_loop` (py-spy, profile.json, 2026-11-23)." */
export function describeFindingProfile(p: FindingProfile): string {
  if (p.heat === 'unmatched') return `**Profile:** this file is not in ${p.source}.`;
  if (p.heat === 'cold') return `**Profile:** never reached in ${p.source}: low priority.`;
  return `**Profile:** measured ${measured(p)} (${p.source}).`;
}

/** Hot findings first, the largest share first; the rest keep their order (a stable sort). */
export function byHeat<T>(items: readonly T[], profileOf: (item: T) => FindingProfile | undefined): T[] {
  const rank = (item: T) => {
    const p = profileOf(item);
    return p?.heat === 'hot' ? -(p.share ?? 0) : 0;
  };
  return items
    .map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}
