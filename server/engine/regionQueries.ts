// Queries for incremental (region) lints, where a keystroke re-runs the rules over one or two
// top-level statements of a possibly large file.
//
// Why separate queries: a query run on the module node with a byte range still steps through
// every top-level statement before the range, and at each one advances the states of patterns
// that may start there; on a 12k-line file that costs about as much per pass as the region's own
// matches, and a region lint ran one pass per open library gate. So a region lint runs
//  - the patterns that can only start inside a statement, on that statement's node ("unit"
//    patterns), with every open gate's patterns merged into one query (compiled once per set of
//    open gates, cached), and
//  - the few patterns that may start at the module node or run across its statements (non-rooted
//    sibling sequences, `(module …)`, wildcard roots) on the module node with the range, as before.
// Together they find exactly the matches one ranged pass per group found (test/stress checks it).
// When a range lies inside a def or class that no module-level step names, both parts run on that
// statement with the same range: they then run as one query (both parts' patterns, compiled once per
// set), one walk of the statement instead of two. A walk costs about as much as a root-only pattern's
// pass whatever the patterns (bench/README.md, cost model), and on a keystroke inside a large def the
// module part's walk was a fifth of the lint's query time. Any other range (in a module-level statement
// that is no def or class, or across several) runs the same query on the module with the range: the
// module part walks there anyway, and the unit part's patterns find there what they find on the
// statement (they cannot start at the module node), so the range is walked once, not twice.
import { Query, type Node, type QueryMatch, type Tree } from '../syntax/parser';
import type { FactKind, PatternRole, QueryGroup } from './queryGroups';
import { mapToObjects, objectArray } from '../syntax/objectArrays';

type Language = ConstructorParameters<typeof Query>[0];

/** A query over a region: run on each range's statement (unit) or on the module with the range. */
export interface RegionQuery {
  query: Query;
  patterns: PatternRole[];
  onUnits: boolean;
  /**
   * The module part's patterns, when each is a sequence of sibling steps (`((a …) . (comment)* . (b …))`): the node
   * types of those steps. A range inside a def or class runs them on that statement when no step names its type (see
   * runOverRegion). Null when a pattern is anything else.
   */
  stepTypes: ReadonlySet<string> | null;
}

/**
 * The parts a set of groups splits into (at most two queries), and, when there are two, a third query of the unit
 * part's patterns followed by the module part's, in that order: a match of its pattern i is the unit part's pattern i
 * below `unitCount`, else the module part's pattern i - unitCount. Every range runs it, on its statement or on the
 * module (runRegionParts); the two parts alone serve a set with only one of them.
 */
interface Parts {
  parts: RegionQuery[];
  both: { query: Query; unitCount: number } | null;
}

/** What a region pass found, per part (the engine's PassMatches). */
export interface RegionMatches {
  patterns: PatternRole[];
  matches: QueryMatch[];
}

/** Most distinct sets of open gates kept compiled (an editor session sees a handful). */
const MAX_CACHED = 16;

export class RegionQueries {
  private readonly cache = new Map<string, Parts>();
  /** How many sets of groups were compiled so far (tests: that a keystroke found its queries ready). */
  compiledSets = 0;

  constructor(private readonly language: Language) {}

  /** The region queries for these groups (the base group, or the gated groups a file opens). */
  partsFor(groups: readonly QueryGroup[]): Parts {
    const key = groups.map((g) => g.key).join('\n');
    let parts = this.cache.get(key);
    if (parts) {
      this.cache.delete(key); // most recently used last
    } else {
      parts = splitForRegions(this.language, groups);
      this.compiledSets++;
      if (this.cache.size >= MAX_CACHED) {
        const [oldestKey, oldest] = this.cache.entries().next().value!;
        this.cache.delete(oldestKey);
        deleteParts(oldest);
      }
    }
    this.cache.set(key, parts);
    return parts;
  }

  delete(): void {
    for (const parts of this.cache.values()) deleteParts(parts);
    this.cache.clear();
  }
}

function deleteParts(parts: Parts): void {
  for (const p of parts.parts) p.query.delete();
  parts.both?.query.delete();
}

/**
 * Runs a set of groups' region queries over the ranges (offsets in UTF-16 code units): one result per part, in the
 * parts' order. `timed` hears how long each query ran (bench profile), by part.
 */
export function runRegionParts(
  set: Parts,
  tree: Tree,
  ranges: readonly { start: number; end: number }[],
  timed?: (key: string, ms: number) => void,
): RegionMatches[] {
  // One array kind for every lint's lists, full or region (objectArrays.ts).
  const out = mapToObjects(set.parts, (part) => ({ patterns: part.patterns, matches: objectArray<QueryMatch>() }));
  const unitIndex = set.parts.findIndex((p) => p.onUnits);
  const moduleIndex = set.parts.findIndex((p) => !p.onUnits);
  const root = tree.rootNode;
  const run = (key: string, query: Query, node: Node, range: { startIndex: number; endIndex: number }) => {
    if (!timed) return query.matches(node, range);
    const started = performance.now();
    const matches = query.matches(node, range);
    timed(key, performance.now() - started);
    return matches;
  };
  const units = mapToObjects(ranges, (r) => (r.end > r.start ? unitAround(root, r.start, r.end) : null));
  const once = new OncePerNode(units);
  ranges.forEach((r, i) => {
    if (r.end <= r.start) return;
    // web-tree-sitter 0.27 passes the range to tree-sitter as BYTE offsets of its UTF-16 text,
    // while Node.startIndex counts UTF-16 code units: hence the factor 2 (test/stress checks it).
    const range = { startIndex: r.start * 2, endIndex: r.end * 2 };
    const unit = units[i];
    const modulePart = moduleIndex >= 0 ? set.parts[moduleIndex] : null;
    const moduleOnUnit = unit !== null && modulePart !== null && outsideSequences(unit, modulePart.stepTypes);
    if (set.both) {
      // Matches are kept once per statement the range lies in (null: ranges across statements), whichever node the
      // query ran on: two ranges of one statement find the matches rooted around both.
      const { query, unitCount } = set.both;
      const key = moduleOnUnit ? '(region: both parts on the statement)' : '(region: both parts on the module)';
      for (const m of run(key, query, moduleOnUnit ? unit : root, range)) {
        const role = m.patternIndex < unitCount ? set.parts[unitIndex].patterns[m.patternIndex] : set.parts[moduleIndex].patterns[m.patternIndex - unitCount];
        if (!once.first('both', unit, m, role)) continue;
        if (m.patternIndex < unitCount) out[unitIndex].matches.push(m);
        else {
          m.patternIndex -= unitCount;
          out[moduleIndex].matches.push(m);
        }
      }
      return;
    }
    set.parts.forEach((part, k) => {
      const onUnit = unit !== null && (part.onUnits || moduleOnUnit);
      const key = part.onUnits ? '(region: on statements)' : '(region: on the module)';
      for (const m of run(key, part.query, onUnit ? unit : root, range))
        if (once.first(key, onUnit ? unit : null, m, part.patterns[m.patternIndex])) out[k].matches.push(m);
    });
  });
  return out;
}

/**
 * Keeps a rule match found again by a later range on the same node once. Two ranges of one statement (its header and an
 * edited line 1,000 characters below it) both find every match rooted at a node around them (the def, the class, a loop),
 * and each would be checked twice: a class's slots rules read every method's `self.x` stores per check. A key per match
 * (pattern and captured nodes) is made only for rule matches (a fact found twice costs nothing; keying every call of the
 * walk cost as much as the checks saved) on a node that several ranges run on.
 */
class OncePerNode {
  private readonly repeated = new Set<number>();
  private readonly seen = new Map<string, Set<string>>();

  constructor(units: readonly (Node | null)[]) {
    const counted = new Set<number>();
    for (const unit of units) {
      const at = unit ? unit.startIndex : -1;
      if (counted.has(at)) this.repeated.add(at);
      counted.add(at);
    }
  }

  /** False when a match of this query with the same pattern and nodes was found on this node (null: the module) before. */
  first(query: string, node: Node | null, m: QueryMatch, role: PatternRole): boolean {
    const at = node ? node.startIndex : -1;
    if (!this.repeated.has(at) || 'fact' in role) return true;
    const bucket = `${query}@${at}`;
    let keys = this.seen.get(bucket);
    if (!keys) this.seen.set(bucket, (keys = new Set()));
    let key = String(m.patternIndex);
    for (const c of m.captures) key += `,${c.name}:${c.node.id}`;
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  }
}

/** The top-level statement containing [start, end), or null when the range spans several. */
function unitAround(root: Node, start: number, end: number): Node | null {
  const unit = root.firstChildForIndex(start);
  return unit && unit.startIndex <= start && end <= unit.endIndex ? unit : null;
}

/** The union of the patterns' sibling step types, or null when one pattern is not a sibling sequence. */
function stepTypesOf(sources: readonly string[]): Set<string> | null {
  const all = new Set<string>();
  for (const source of sources) {
    const types = siblingStepTypes(source);
    if (!types) return null;
    for (const t of types) all.add(t);
  }
  return all;
}

/** Statements a sibling-sequence pattern cannot cross at module level: code in them stays in them. */
const SELF_CONTAINED = new Set(['function_definition', 'class_definition', 'decorated_definition']);

/**
 * Whether a range inside this top-level statement can run the module part on it instead of on the module. A
 * sibling-sequence pattern may start at any child of a node the range touches, so on the module it also tries the
 * module-level statements around the unit; a match among them holds the unit only if a step names the unit's type,
 * and without the unit it lies outside the range, where the region lint drops it (mergeFindings). A def or class
 * named by no step: every match the module pass keeps lies inside the unit, and the unit's own pass finds the same.
 * It costs a step through every top-level statement before the range less (on a 3.5k-line file, a fifth of a
 * keystroke's query time went to the module part of three patterns).
 */
function outsideSequences(unit: Node, stepTypes: ReadonlySet<string> | null): boolean {
  return stepTypes !== null && SELF_CONTAINED.has(unit.type) && !stepTypes.has(unit.type);
}

/**
 * The node types of a sibling-sequence pattern's top-level steps (`((a …) . (comment)* . (b …))` gives a, comment),
 * or null when the pattern is anything else or a step may match more than its named type: a wildcard, an
 * alternation, `module`, `ERROR`, a hidden supertype (`_compound_statement`).
 */
export function siblingStepTypes(pattern: string): Set<string> | null {
  const source = pattern.replace(/;[^\n]*/g, '').trim();
  if (!/^\(\s*\(/.test(source)) return null;
  // A string at the top level is not a step: `"` is not among the accepted characters.
  const steps = topLevelGroups(source, 1, ')', /[\s.*+?@\w]/);
  if (!steps || steps.end !== source.length - 1) return null;
  const types = new Set<string>();
  for (const step of steps.groups) {
    if (/^\(\s*#/.test(step)) continue; // a predicate
    const type = /^\(\s*([A-Za-z]\w*)/.exec(step)?.[1];
    if (!type || type === 'module' || type === 'ERROR') return null;
    types.add(type);
  }
  return types.size > 0 ? types : null;
}

/**
 * Facts a region lint never reads: the classes and decorated definitions a whole-file lint runs its rooted groups on
 * (engine.ts runOnRoots; a region lint runs every open group in its own walk). Each pattern left out of a walk is one
 * the cursor need not try at every node of the region (about 3 % of a keystroke's region query time for these two).
 */
const UNREAD_IN_REGIONS: ReadonlySet<FactKind> = new Set<FactKind>(['class', 'decorated']);

/** Splits the groups' patterns into unit patterns and module-level ones, one query each. */
function splitForRegions(language: Language, groups: readonly QueryGroup[]): Parts {
  const unit: { source: string; role: PatternRole }[] = [];
  const module: { source: string; role: PatternRole }[] = [];
  for (const group of groups) {
    for (let i = 0; i < group.query.patternCount(); i++) {
      const role = group.patterns[i];
      if ('fact' in role && UNREAD_IN_REGIONS.has(role.fact)) continue;
      const source = group.source.slice(group.query.startIndexForPattern(i), group.query.endIndexForPattern(i));
      const entry = { source, role };
      if (!group.query.isPatternRooted(i) || mayRootAtModule(source)) module.push(entry);
      else unit.push(entry);
    }
  }
  const parts: RegionQuery[] = [];
  const compile = (entries: readonly { source: string }[]): Query => {
    const query = new Query(language, entries.map((e) => e.source).join('\n'));
    if (query.patternCount() !== entries.length) {
      query.delete();
      for (const p of parts) p.query.delete();
      throw new Error(`region query: ${entries.length} patterns compiled to ${query.patternCount()}`);
    }
    return query;
  };
  for (const [entries, onUnits] of [
    [unit, true],
    [module, false],
  ] as const) {
    if (entries.length === 0) continue;
    const query = compile(entries);
    parts.push({ query, patterns: entries.map((e) => e.role), onUnits, stepTypes: onUnits ? null : stepTypesOf(entries.map((e) => e.source)) });
  }
  // Every range runs both parts as one query (on its statement only when the module part's patterns are sibling
  // sequences that no step of which names it: runRegionParts).
  const both = parts.length === 2 ? { query: compile([...unit, ...module]), unitCount: unit.length } : null;
  return { parts, both };
}

/**
 * False only when every alternative of the pattern's root names a node type other than `module`.
 * A pattern rooted at `(module …)`, at a wildcard, or at something this reading does not
 * understand may match at the module node. Conservative: a wrong "true" costs a little speed.
 */
export function mayRootAtModule(pattern: string): boolean {
  const source = pattern.replace(/;[^\n]*/g, '').trim();
  const alternatives = source.startsWith('[') ? (topLevelGroups(source, 1, ']', /[\s@\w.*+?!"]/)?.groups ?? []) : [source];
  return (
    alternatives.length === 0 ||
    alternatives.some((alt) => {
      const m = /^\(+\s*([A-Za-z_]\w*)/.exec(alt);
      return !m || m[1] === 'module' || m[1] === '_';
    })
  );
}

/**
 * The parenthesised groups at the top level of a query's text, from `from` to the `close` character (`)` of a
 * grouped sequence, `]` of an alternation) that ends them, and that character's index. Null when the text ends
 * first, or when the top level has a character `allowed` does not accept (a field, a negation, a nested `[ ]`, a
 * string unless `allowed` accepts `"`) or a stray `)`: the callers then make no claim about the pattern.
 */
function topLevelGroups(text: string, from: number, close: ')' | ']', allowed: RegExp): { groups: string[]; end: number } | null {
  const groups: string[] = [];
  let depth = 0;
  let start = -1;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (depth === 0 && ch === close) {
      return { groups, end: i };
    } else if (ch === '"') {
      if (depth === 0 && !allowed.test(ch)) return null;
      quoted = true;
    } else if (ch === '(') {
      if (depth++ === 0) start = i;
    } else if (ch === ')') {
      if (depth === 0) return null;
      if (--depth === 0) groups.push(text.slice(start, i + 1));
    } else if (depth === 0 && !allowed.test(ch)) {
      return null;
    }
  }
  return null;
}
