// Compiling an active-rule set into the queries a lint runs: one base query (fact patterns and
// every rule without a gate), one query per library/text gate, and one small query per
// call-anchored rule. Pattern indices of each combined query are mapped back to rules through each
// pattern's start offset in the source.
//
// Gated and anchored queries are compiled the first time a file needs them: compiling every rule's
// query took about 300 ms, most of it for library groups (pandas, torch, numpy, TensorFlow…) that
// a given project may never import, and every CLI worker and every editor start paid it.
import { anchorProblem, CALL_PATTERN, CallAnchorIndex } from './callAnchors';
import { Query } from '../syntax/parser';
import { GateWords } from '../syntax/spelling';
import { RegionQueries } from './regionQueries';
import { keywordExpression, type SpelledRules } from './spelledBase';
import type { FactKind, QueryGroup, PatternRole } from './queryGroups';
import type { RuleDefinition } from './rule';
import type { RuleFailure } from '../../common/types';

type Language = ConstructorParameters<typeof Query>[0];

/** When a gated group runs: the file imports one of `requires` and its text matches `textGate` (or either, with `either`). */
export interface Gate {
  requires: readonly string[];
  textGate?: RegExp;
  either?: boolean;
}

/** A gated group: its gate, and its query compiled on first use (null when none of its rules compiles). */
export interface GatedGroup extends Gate {
  key: string;
  /** Every rule of the group declares insideAsyncDef: files without an `async def` skip the group. */
  insideAsyncDef: boolean;
  group(): QueryGroup | null;
}

/** The rules of one active-rule set, compiled (lazily where gated): what a lint with those options runs. */
export interface CompiledRules {
  base: QueryGroup;
  /** The MISSING-node fact pattern (MISSING_PATTERNS): run with base where the tree may have such nodes. */
  missing: QueryGroup;
  gated: GatedGroup[];
  /** Call-anchored rules (rule.calls): each one's query, compiled on first use (null when it does not compile). */
  anchored(rule: RuleDefinition): QueryGroup | null;
  /** The call-anchored rules of the set. */
  anchoredRules: readonly RuleDefinition[];
  /**
   * When every base rule declares keywords (RuleDefinition.keywords) and the base collects no class or decorated
   * definitions: how a whole-file lint of an error-free tree finds the base pass's captures by spelling (spelledBase.ts).
   */
  spelled: SpelledRules | null;
  /** CALL_PATTERN alone, compiled on first use (null without call-anchored rules): the calls of a spelled base pass. */
  calls(): QueryGroup | null;
  anchors: CallAnchorIndex;
  /** The words of every text gate of these rules (gated groups and anchored rules), for a whole-file lint's TextGates. */
  gateWords: GateWords;
  /** The same patterns regrouped for region (incremental) lints, compiled on first use. */
  regions: RegionQueries;
  /**
   * Several gated groups as one query (compiled the second time a file opens that set, cached): a file
   * that opens two or more whole-tree groups (`async` files open two or three) walks its tree once for
   * them all. Null the first time: the file then walks once per group (see MergedGroups).
   */
  merged(groups: readonly QueryGroup[]): QueryGroup | null;
  /** Frees every query compiled so far. */
  delete(): void;
}

export const FACT_PATTERNS: { source: string; fact: FactKind }[] = [
  { source: '(import_statement) @import', fact: 'import' },
  { source: '(import_from_statement) @import', fact: 'import' },
  { source: '(comment) @comment', fact: 'comment' },
  { source: '(function_definition) @function', fact: 'function' },
  { source: '(ERROR) @error', fact: 'error' },
];

/**
 * MISSING nodes, apart from the base pass: `(MISSING)` names no node type, so tree-sitter tries it at every node of
 * the tree, which was a tenth of the base pass (every 4th stdlib file, CPU time, best of five: 478 ms with it, 434
 * without, 250 for a pattern that matches only the root). A tree without errors has no MISSING node
 * (`Node.hasError` counts them), so a whole-file lint runs this pass only when the tree has errors; a region lint
 * runs it with the base patterns, in the same query, as before.
 */
export const MISSING_PATTERNS: typeof FACT_PATTERNS = [{ source: '(MISSING) @error', fact: 'error' }];

/**
 * Compiles the base query now and prepares the others. Rules whose declaration or query is broken
 * are reported through onBroken (now, or when their group is first compiled) and left out.
 */
export function compileRules(language: Language, rules: readonly RuleDefinition[], onBroken: (failures: RuleFailure[]) => void): CompiledRules {
  const broken: RuleFailure[] = [];
  const anchoredRules: RuleDefinition[] = [];
  const byGate = new Map<string, RuleDefinition[]>([['', []]]);
  for (const rule of rules) {
    if (rule.query.trim() === '') continue; // engine-implemented rule (see suppressions.ts)
    const problem = declarationProblem(rule);
    if (problem) {
      broken.push({ ruleId: rule.id, error: problem });
    } else if (rule.calls) {
      anchoredRules.push(rule);
    } else {
      const key = gateKey(rule);
      byGate.set(key, [...(byGate.get(key) ?? []), rule]);
    }
  }
  const compiledQueries: Query[] = [];
  const compile = (key: string, members: readonly RuleDefinition[], facts: typeof FACT_PATTERNS): QueryGroup | null => {
    const failures: RuleFailure[] = [];
    const group = compileGroup(language, key, members, facts, failures);
    if (failures.length > 0) onBroken(failures);
    if (group) compiledQueries.push(group.query);
    return group;
  };

  const withCalls = anchoredRules.length > 0;
  const rootsByGate = new Map<string, string[] | null>();
  for (const [key, members] of byGate) if (key !== '') rootsByGate.set(key, groupRootTypes(members, withCalls));
  const rootFacts = ROOT_FACTS.filter((f) => [...rootsByGate.values()].some((types) => types?.includes(f.type)));
  const baseFacts = [...FACT_PATTERNS, ...(withCalls ? [{ source: CALL_PATTERN, fact: 'call' as const }] : []), ...rootFacts];
  onBroken(broken);
  const base = compile('', byGate.get('')!, baseFacts)!;
  const missing = compile(MISSING_KEY, [], MISSING_PATTERNS)!;
  // Spelled from the base's own rules: a rule whose query did not compile is left out of both.
  const spelled = rootFacts.length === 0 ? spelledRules(base, (members) => compile(SPELLED_KEY, members, [])) : null;
  const calls = withCalls ? once(() => compile(CALLS_KEY, [], [{ source: CALL_PATTERN, fact: 'call' }])) : () => null;
  const gated: GatedGroup[] = [...byGate]
    .filter(([key]) => key !== '')
    .map(([key, members]) => ({
      key,
      ...gateOf(members[0]),
      insideAsyncDef: members.every((rule) => rule.insideAsyncDef === true),
      group: once(() => withRoots(compile(key, members, []), rootsByGate.get(key) ?? null)),
    }));
  const anchoredQueries = new Map<RuleDefinition, () => QueryGroup | null>(anchoredRules.map((rule) => [rule, once(() => compile(rule.id, [rule], []))]));
  const regions = new RegionQueries(language);
  const merged = new MergedGroups(language);
  return {
    base,
    missing,
    gated,
    anchored: (rule) => anchoredQueries.get(rule)?.() ?? null,
    anchoredRules,
    spelled,
    calls,
    anchors: new CallAnchorIndex(anchoredRules),
    gateWords: new GateWords([...gated.map((g) => g.textGate), ...anchoredRules.map((r) => r.requiresText)].filter((r): r is RegExp => r !== undefined)),
    regions,
    merged: (groups) => merged.of(groups),
    delete() {
      regions.delete();
      merged.delete();
      for (const q of compiledQueries) q.delete();
      compiledQueries.length = 0;
    },
  };
}

/**
 * Node types a gated group may be rooted at: the base pass collects every node of these types (functions
 * are a fact anyway; classes and decorated definitions only when a gated group needs them), so such a
 * group runs on those nodes alone. Calls are among them only for patterns that start at a call of a name
 * or an attribute (`(call function: (identifier) …)`), and only when the call fact is collected: the call
 * fact, CALL_PATTERN, holds only such calls, not `f()()` or `x[0]()` (patternRootTypes calls the other
 * call patterns `call:any`). One pass over the
 * tree costs about a third of the parse (bench/README.md) even for a pattern that matches nothing;
 * run on its root nodes with maxStartDepth 0, tree-sitter descends only as far as a pattern in
 * progress needs, so the group's cost follows its candidates instead of the file's size.
 */
const ROOT_FACTS: { type: string; source: string; fact: FactKind }[] = [
  { type: 'class_definition', source: '(class_definition) @class', fact: 'class' },
  { type: 'decorated_definition', source: '(decorated_definition) @decorated', fact: 'decorated' },
];
const ROOTABLE = new Set(['function_definition', 'call', ...ROOT_FACTS.map((f) => f.type)]);

/** The node types the group's patterns start at, when every one is a type the base pass collects; else null. */
function groupRootTypes(members: readonly RuleDefinition[], withCalls: boolean): string[] | null {
  const types = new Set<string>();
  for (const rule of members) {
    const roots = patternRootTypes(rule.query);
    if (!roots) return null;
    for (const t of roots) {
      if (!ROOTABLE.has(t) || (t === 'call' && !withCalls)) return null;
      types.add(t);
    }
  }
  return types.size > 0 ? [...types] : null;
}

/** The group with its root types, once the compiled query confirms every pattern has a single root node. */
function withRoots(group: QueryGroup | null, roots: string[] | null): QueryGroup | null {
  if (!group || !roots) return group;
  for (let i = 0; i < group.query.patternCount(); i++) if (!group.query.isPatternRooted(i)) return group;
  return { ...group, roots };
}

/**
 * The node type each top-level pattern of a query starts at: `(call …) @c` → call. Null when any
 * top-level item is something else (an alternation, a wildcard, a grouped sibling sequence, a
 * quantified pattern, a top-level predicate): such a query runs over the whole tree.
 */
export function patternRootTypes(query: string): string[] | null {
  const types: string[] = [];
  let depth = 0;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch === '"') {
      if (depth === 0) return null;
      for (i++; i < query.length && query[i] !== '"'; i++) if (query[i] === '\\') i++;
      continue;
    }
    if (ch === ';') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    if (depth > 0) {
      if (ch === '(' || ch === '[') depth++;
      else if (ch === ')' || ch === ']') depth--;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (ch === '@') {
      while (i + 1 < query.length && /[\w.-]/.test(query[i + 1])) i++;
      continue;
    }
    const root = ch === '(' ? /^\(\s*([A-Za-z_]\w*)/.exec(query.slice(i, i + 80)) : null;
    if (!root || root[1] === '_') return null;
    types.push(root[1] === 'call' && !callOfName(query, i) ? 'call:any' : root[1]);
    depth = 1;
  }
  return depth === 0 && types.length > 0 ? types : null;
}

/** The pattern at `at` starts `(call function: (identifier …` or `(attribute …`, that child not quantified: only calls CALL_PATTERN collects. */
function callOfName(query: string, at: number): boolean {
  const head = /^\(\s*call\s+function:\s*\(\s*(?:identifier|attribute)\b/.exec(query.slice(at, at + 200));
  if (!head) return false;
  let depth = 1;
  let i = at + head[0].length;
  for (; i < query.length && depth > 0; i++) {
    if (query[i] === '"') {
      for (i++; i < query.length && query[i] !== '"'; i++) if (query[i] === '\\') i++;
    } else if (query[i] === '(') {
      depth++;
    } else if (query[i] === ')') {
      depth--;
    }
  }
  return !/^\s*[?*+]/.test(query.slice(i, i + 20));
}

/** Why a rule's declaration cannot work, or null. */
function declarationProblem(rule: RuleDefinition): string | null {
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at \x00 on purpose
  if (/[^\x00-\x7f]/.test(rule.query)) return 'query must be ASCII (pattern offsets are mapped back by character)';
  if (rule.requiresText && (rule.requiresText.global || rule.requiresText.sticky)) return 'requiresText must not be global or sticky';
  if (rule.keywords && !rule.keywords.every((word) => /^[a-z]+$/.test(word))) return 'keywords must be lower-case words';
  if (rule.keywords && !patternRootTypes(rule.query)) return 'keywords: every pattern of the query must start at a named node type';
  return anchorProblem(rule);
}

/** The missing group's key: no gate key has this form (those are module lists and `|`-separated text gates). */
const MISSING_KEY = '(MISSING nodes)';
/** The keys of a spelled base pass's rule query and of its calls pass (spelledBase.ts). */
const SPELLED_KEY = '(spelled base rules)';
const CALLS_KEY = '(calls)';

/**
 * How the base group's rules are found by spelling, when each declares keywords and its patterns start at nodes of
 * known types (patternRootTypes); else null, and the base pass walks the tree. The rules' query is compiled on first use.
 */
function spelledRules(base: QueryGroup, compile: (members: readonly RuleDefinition[]) => QueryGroup | null): SpelledRules | null {
  const members = [...new Set(base.patterns.flatMap((role) => ('rule' in role ? [role.rule] : [])))];
  const words: string[] = [];
  const rootTypes = new Set<string>();
  for (const rule of members) {
    const types = rule.keywords?.length ? patternRootTypes(rule.query) : null;
    if (!types) return null;
    words.push(...rule.keywords!);
    for (const t of types) rootTypes.add(t === 'call:any' ? 'call' : t);
  }
  return { keywords: keywordExpression(words), rootTypes, group: once(() => (members.length > 0 ? compile(members) : null)) };
}

/** Rules with the same gate share a group (and a pass). */
function gateKey(rule: RuleDefinition): string {
  return [...(rule.requires ?? [])].sort().join(',') + (rule.requiresText ? `|${rule.requiresText.source}` : '') + (rule.requiresEither ? '|either' : '');
}

/** The gate a rule declares (requires, requiresText, requiresEither). */
export function gateOf(rule: RuleDefinition): Gate {
  return { requires: rule.requires ?? [], textGate: rule.requiresText, either: rule.requiresEither };
}

/** Most merged sets of gated groups kept compiled: a project's files open a handful of distinct sets. */
const MAX_MERGED = 16;
/** Most sets remembered as seen once (a set is compiled when it comes back). */
const MAX_SEEN = 256;

/**
 * Gated groups merged into one query per distinct set. Each group's source is its patterns one
 * after another, so the merged query is the sources joined, with the pattern roles in the same order;
 * tree-sitter finds the same matches for each pattern in one query as alone (rootedGroups.test.ts and
 * the region lints rely on the same property). Compiling a set costs about as much as its groups did:
 * 6-27 ms for the stdlib's sets, while the walk it saves cost 2-3 ms per file (profile.js 4, CPU time).
 * So a set is merged from the second file that opens it: a set opened once in a run (two of the four
 * distinct sets on every 4th stdlib file) is not compiled at all.
 */
class MergedGroups {
  private readonly cache = new Map<string, QueryGroup>();
  private readonly seenOnce = new Set<string>();

  constructor(private readonly language: Language) {}

  of(groups: readonly QueryGroup[]): QueryGroup | null {
    const key = groups.map((g) => g.key).join('\n');
    let group = this.cache.get(key);
    if (group) {
      this.cache.delete(key); // most recently used last
    } else {
      if (!this.seenOnce.has(key)) {
        if (this.seenOnce.size >= MAX_SEEN) this.seenOnce.clear();
        this.seenOnce.add(key);
        return null;
      }
      this.seenOnce.delete(key);
      const query = new Query(this.language, groups.map((g) => g.source).join('\n'));
      const patterns = groups.flatMap((g) => g.patterns);
      if (query.patternCount() !== patterns.length) {
        query.delete();
        throw new Error(`merged query [${key}]: ${patterns.length} patterns compiled to ${query.patternCount()}`);
      }
      group = { key: groups.map((g) => g.key).join(' + '), source: groups.map((g) => g.source).join('\n'), query, patterns };
      if (this.cache.size >= MAX_MERGED) {
        const [oldestKey, oldest] = this.cache.entries().next().value!;
        this.cache.delete(oldestKey);
        oldest.query.delete();
      }
    }
    this.cache.set(key, group);
    return group;
  }

  delete(): void {
    for (const g of this.cache.values()) g.query.delete();
    this.cache.clear();
  }
}

/** fn's result, computed on the first call. */
function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

/**
 * One group's query: its fact patterns, then its rules' patterns. A rule whose query does not
 * compile is left out (and reported), never the whole group. Null when no pattern is left.
 */
function compileGroup(
  language: Language,
  key: string,
  allMembers: readonly RuleDefinition[],
  facts: typeof FACT_PATTERNS,
  broken: RuleFailure[],
): QueryGroup | null {
  let members = allMembers;
  let composed = composeQuery(facts, members);
  let query: Query;
  try {
    query = new Query(language, composed.source);
  } catch {
    members = withoutBrokenQueries(language, members, broken);
    if (members.length === 0 && facts.length === 0) return null;
    composed = composeQuery(facts, members);
    query = new Query(language, composed.source);
  }
  const counts = new Map<RuleDefinition, number>();
  const patterns: PatternRole[] = [];
  for (let i = 0; i < query.patternCount(); i++) {
    const at = query.startIndexForPattern(i);
    const span = composed.spans.find((s) => at >= s.start && at < s.end);
    if (!span) throw new Error(`pattern ${i} of group [${key}] maps to no rule`);
    if ('fact' in span.role) {
      patterns.push(span.role);
      continue;
    }
    const rule = span.role as RuleDefinition;
    const localIndex = counts.get(rule) ?? 0;
    counts.set(rule, localIndex + 1);
    patterns.push({ rule, localIndex });
  }
  return { key, source: composed.source, query, patterns };
}

/** One query source for a group: its fact patterns, then each rule's patterns, with their spans. */
function composeQuery(facts: typeof FACT_PATTERNS, rules: readonly RuleDefinition[]) {
  let source = '';
  const spans: { role: PatternRole | RuleDefinition; start: number; end: number }[] = [];
  for (const f of facts) {
    const start = source.length;
    source += f.source + '\n';
    spans.push({ role: { fact: f.fact }, start, end: source.length });
  }
  for (const rule of rules) {
    const start = source.length;
    source += rule.query + '\n';
    spans.push({ role: rule, start, end: source.length });
  }
  return { source, spans };
}

/** After a group failed to compile: its rules whose queries compile alone; the others are reported. */
function withoutBrokenQueries(language: Language, rules: readonly RuleDefinition[], broken: RuleFailure[]): RuleDefinition[] {
  return rules.filter((rule) => {
    try {
      new Query(language, rule.query).delete();
      return true;
    } catch (error) {
      broken.push({ ruleId: rule.id, error: `invalid query: ${error instanceof Error ? error.message : String(error)}` });
      return false;
    }
  });
}
