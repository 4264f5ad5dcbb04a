// The rule engine: compiles rules' queries (compile.ts), runs them over a parsed document, and
// returns findings. It knows nothing about LSP or terminals; the server and the CLI adapt it.
//
// Cost model (measured on web-tree-sitter 0.27, see bench/README.md): every query pass walks the
// whole tree (about as long as an incremental re-parse), and every raw match a pass produces is
// copied out of WASM before text predicates (#eq?, #any-of?) run in JS. So the engine runs as few
// passes as it can: ONE base pass holding the fact patterns (imports, comments, defs, errors) and
// every rule that needs no import, then one pass per library gate the file actually imports.
// Merging the gated patterns into the base pass was measured to be slower: their raw matches are
// paid for in every file, imported or not. A region lint (incremental, in the editor) regroups the
// base and the open gates' patterns instead (regionQueries.ts).
import { anchorDepths, anchorRoot, calleeName, matchesRootedAt } from './callAnchors';
import { compileRules, gateOf, type CompiledRules, type Gate, type GatedGroup } from './compile';
import type { PatternRole, QueryGroup } from './queryGroups';
import { FileFacts, type FactCaptures } from '../analysis/facts';
import { NO_FILE_SYSTEM, type FileProbe } from '../analysis/codeContext';
import { impactOf, notOwnCodeImpact, ONCE_AT_SETUP, runByHand } from '../analysis/impact';
import { inferenceClock } from '../analysis/localTypes';
import { loadPython, PythonParser, type CompiledPython, type Node, type QueryMatch, type Tree, type WasmLocation } from '../syntax/parser';
import { isProven, previewReason } from './trackRecord';
import { activeRules, DEFAULT_MAX_FILE_SIZE, DEFAULT_TARGET, parsePythonVersion, severityOverride, type LintOptions } from './options';
import { Captures, type Report, type RuleContext, type RuleDefinition, type RuleSettings } from './rule';
import { DEFAULT_LINE_LENGTH } from '../fixes/wrap';
import { mayHoldSuppression, parseSuppressions, SuppressionIndex, UNUSED_SUPPRESSION, unusedSuppressions } from './suppressions';
import { TextGates, type GateHit, type NameReads } from '../syntax/spelling';
import { runRegionParts } from './regionQueries';
import { spelledFacts, spelledRuleMatches, type SpelledRules } from './spelledBase';
import { withoutTrailingLineBreak } from '../syntax/text';
import { LineIndex } from '../syntax/text';
import { mapToObjects, objectArray } from '../syntax/objectArrays';
import type { Category, Finding, Impact, LintResult, RuleFailure, Severity } from '../../common/types';

/** The matches of one query pass, with what each of its pattern indices stands for. */
interface PassMatches {
  patterns: readonly PatternRole[];
  matches: QueryMatch[];
}

/** What the base pass found: its rule matches, the fact captures, and the nodes later passes start from. */
interface BaseCaptures {
  ruleMatches: PassMatches[];
  captures: FactCaptures;
  /** CALL_PATTERN's matches; null when the pass did not look for them (spelledPass). */
  calls: readonly QueryMatch[] | null;
  errorRanges: [number, number][];
  classes: Node[];
  decorated: Node[];
}

/** Default wall-clock budget of one parse: generous, it only stops pathological inputs. */
export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

/** A text the engine did not parse (or not to the end): the caller shows that this version was skipped. */
export class ParseSkipped extends Error {}

export class ParseTimeout extends ParseSkipped {
  constructor(readonly ms: number) {
    super(`parsing took longer than ${ms} ms and was stopped`);
  }
}

/**
 * A lint stopped at Engine.lintDeadline: the caller (a server thread that answers every request) lints
 * the text elsewhere, where it can take its time. Nothing of the stopped lint is kept.
 */
export class LintOverBudget extends Error {
  constructor() {
    super('linting ran over its time on this thread and was stopped');
  }
}

/** A text indented so deeply that the Python grammar would corrupt the parser (see indentTooDeep). */
export class IndentTooDeep extends ParseSkipped {
  constructor() {
    super(`a line is indented by ${MAX_INDENT_COLUMNS} columns or more, which the Python parser cannot take safely`);
  }
}

/**
 * Indentation (in the grammar's columns) from which a text is not parsed. tree-sitter-python 0.25.0's
 * external scanner writes one byte past tree-sitter's 1024-byte serialisation buffer when it holds an
 * odd number of string delimiters and 511 or more indentation levels: the byte lands in the parser's
 * own state, and that parse and every later one in the WASM instance fail with "memory access out of
 * bounds" (found by the protocol fuzzer). 511 levels need a line indented by at least 511 columns (each
 * level is at least one column deeper), so refusing 400 leaves a margin and no real code behind.
 */
export const MAX_INDENT_COLUMNS = 400;
/** Rules about data libraries: a notebook running their code is not an example run once (analysis/impact.ts). */
const DATA_LIBRARY_CATEGORIES = new Set<Category>(['pandas', 'numpy', 'pytorch', 'tensorflow']);
/** The library rules: with `impact = "auto"` their hints are not reported (`ranked`). */
export const LIBRARY_CATEGORIES = new Set<Category>([...DATA_LIBRARY_CATEGORIES, 'numba']);
/**
 * Leading blanks of a line as the scanner reads them: spaces, tabs, NULs (textForLexer makes them spaces)
 * and backslash continuations, which it skips without starting the count again (tree-sitter-python#350):
 * lines of a few blanks and a backslash, repeated, indent the line after them ever deeper. 400 columns
 * need 50 blanks at least (a tab is 8 columns), so runs of fewer than 50 pieces are not looked at.
 */
const LONG_INDENT = /(?:^|[\n\r\f])(?:[ \t\0]|\\(?:\r\n|\r|\n)){50,}/g;

/**
 * A line's leading whitespace reaches MAX_INDENT_COLUMNS, counted as the scanner counts it. Run on every
 * parse (every keystroke): a text broken by `\n` alone, the usual case, is read line start by line
 * start (indexOf finds the next one), about 20× faster than the regular expression on a 12k-line file
 * (1.2 ms a keystroke); `\r` and form feeds also start a count, and such texts take the expression.
 */
export function indentTooDeep(text: string, around?: { start: number; end: number }): boolean {
  if (text.includes('\r') || text.includes('\f')) return deepIndentByExpression(text);
  return around ? deepIndentByLines(text, runStartBefore(text, around.start), around.end) : deepIndentByLines(text);
}

/**
 * indentTooDeep for a text whose only line break is `\n`: the runs of leading blanks that start at the line starts
 * in [from, to] (all of them by default). A run goes on past `to` through backslash continuations.
 */
export function deepIndentByLines(text: string, from = 0, to = text.length): boolean {
  for (let start = from; start >= 0 && start < text.length && start <= to;) {
    let i = start;
    let columns = 0;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 0) columns++;
      else if (c === 9) columns += 8;
      else if (c === 92 && text.charCodeAt(i + 1) === 10)
        i++; // a continuation: the count goes on
      else break;
      if (columns >= MAX_INDENT_COLUMNS) return true;
      i++;
    }
    const lineBreak = text.indexOf('\n', i);
    start = lineBreak < 0 ? -1 : lineBreak + 1;
  }
  return false;
}

/**
 * The start of the run of leading blanks that reaches `offset`'s line: that line's start, or an earlier one when the
 * lines before it hold only blanks and a continuation backslash (the scanner's count goes on through them).
 */
function runStartBefore(text: string, offset: number): number {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  while (start > 0 && text.charCodeAt(start - 2) === 92) {
    const previous = text.lastIndexOf('\n', start - 2) + 1;
    if (!/^[ \t\0]*\\\n$/.test(text.slice(previous, start))) break;
    start = previous;
  }
  return start;
}

/** indentTooDeep for any text, by regular expression. */
export function deepIndentByExpression(text: string): boolean {
  LONG_INDENT.lastIndex = 0;
  for (let m = LONG_INDENT.exec(text); m; m = LONG_INDENT.exec(text)) {
    const run = m[0];
    let columns = 0;
    for (let i = 0; i < run.length; i++) {
      const c = run[i];
      if (c === ' ' || c === '\0') columns++;
      else if (c === '\t') columns += 8;
      else if (c === '\\')
        i += run[i + 1] === '\r' && run[i + 2] === '\n' ? 2 : 1; // a continuation: the count goes on
      else columns = 0; // the line break, or a form feed (the scanner starts the count again)
      if (columns >= MAX_INDENT_COLUMNS) return true;
    }
  }
  return false;
}

export interface LintDetails extends LintResult {
  /** The suppression comments and which of them silenced something (for unused-suppression reports). */
  suppressions: SuppressionIndex;
  lines: LineIndex;
}

/** Optional timings, for `npm run bench` (off unless a profile object is attached). */
export interface EngineProfile {
  parseMs: number;
  queryMs: number;
  /** Parts of queryMs: the gated passes and the call-anchored queries (the rest is the base pass). */
  gatedMs: number;
  anchoredMs: number;
  /** Per query group (its gate key; '' is the base pass): whole-file passes and their time. */
  groups: Map<string, { ms: number; passes: number }>;
  factsMs: number;
  /**
   * Time the value-inference layer spent answering rules (server/analysis/values adds to it when a
   * profile is attached). It runs inside rules' checks, so it is a part of their time, not added to it.
   */
  inferenceMs: number;
  /** Time spent ranking findings by impact (analysis/impact.ts), every finding of every lint, carried ones included. */
  rankingMs: number;
  /** Findings whose impact an incremental lint carried instead of ranking them again (RawFinding.carryImpact). */
  carriedImpacts: number;
  /** Per rule: time in check() and the number of matches it was given. */
  rules: Map<string, { ms: number; matches: number }>;
  passes: number;
}

export function newProfile(): EngineProfile {
  return {
    parseMs: 0,
    queryMs: 0,
    gatedMs: 0,
    anchoredMs: 0,
    groups: new Map(),
    factsMs: 0,
    inferenceMs: 0,
    rankingMs: 0,
    carriedImpacts: 0,
    rules: new Map(),
    passes: 0,
  };
}

/** A finding before error-range and suppression filtering, with the extent of the match behind it. */
export interface RawFinding {
  finding: Finding;
  /** Smallest start and largest end over the captures of the match that produced it. */
  matchStart: number;
  matchEnd: number;
  /** The construct the finding is about, when the rule named one larger than the flagged range (Report.construct). */
  construct?: [number, number];
  /** The def whose body the finding rests on (Report.restsOn), as [start, end). */
  restsOn?: [number, number];
  /** This finding only matters in hot code (Report.quietOutsideHotCode), whatever its rule's default. */
  quietOutsideHotCode?: boolean;
  /** Why it matters only in hot code (Report.quietReason): the reason its ranking gives outside hot code. */
  quietReason?: string;
  /** Why this finding costs little wherever it stands (Report.lowImpact): it is ranked low with this reason. */
  lowImpact?: string;
  /** Why this finding runs many times wherever it stands (Report.hotReason): ranked high unless its place is low. */
  hotReason?: string;
  /** The hotReason holds in one-time setup too (Report.hotDespiteSetup). */
  hotDespiteSetup?: boolean;
  /** The unattended-only risk holds here though the file is run by hand (Report.unattendedReason). */
  unattendedReason?: string;
  /** Why the unattended-only risk holds where the finding stands (Report.keptReason): said where the place gives no reason. */
  keptReason?: string;
  /**
   * Its impact as the last lint that finished it ranked it: an incremental lint keeps a carried finding's `high` or
   * `normal` where the severity cannot depend on which (see impactOf's `previous`).
   */
  lastImpact?: Impact;
  /** What the lint behind lastImpact looked up by name (WordIndex.reads): the impact rests on those words' spellings. */
  rankedWith?: NameReads;
  /**
   * Set by an incremental lint on a carried finding when nothing its last ranking read was edited (incremental.ts
   * `markCarriedImpacts`): lastImpact stands, and finishing the lint does not rank the finding again.
   */
  carryImpact?: boolean;
}

/** A match whose verdict (finding or not) rests on the body of a def elsewhere in the file (RuleContext.restsOn). */
export interface MatchRest {
  matchStart: number;
  matchEnd: number;
  /** The def, as [start, end). */
  def: [number, number];
}

/** The part of a lint that does not depend on suppressions: what incremental linting caches. */
export interface RawLint {
  facts: FileFacts;
  raw: RawFinding[];
  /** The matches whose verdict rests on another def's body (RuleContext.restsOn). */
  rests: MatchRest[];
  failures: RuleFailure[];
  /** ERROR and MISSING node ranges found by the pass(es). */
  errorRanges: [number, number][];
  /** Fact captures found by the pass(es) (only within `ranges` when given). */
  captures: FactCaptures;
  active: ReadonlyMap<string, Severity>;
  /** The rules' text gates this lint tested, and where each matched. */
  gateHits: ReadonlyMap<RegExp, GateHit | null>;
  /** The gated groups whose passes ran (the file's imports and text opened them). */
  openGroups: readonly QueryGroup[];
  /** The files whose text this lint read (LintResult.dependencies); finish() may still add to it. */
  reads: Set<string>;
}

/** Restricts a lint to parts of the tree (incremental linting); facts come from the caller. */
export interface PartialRun {
  ranges: { start: number; end: number }[];
  /** Whole-file fact captures (the caller keeps them across edits). */
  facts: (captures: FactCaptures) => FileFacts;
  /**
   * Text-gate answers known to hold for this text (carried from the previous lint; null = no match). The lint takes the
   * map over and adds the gates it tests (TextGates): it becomes the result's gateHits.
   */
  gateHits?: Map<RegExp, GateHit | null>;
  /**
   * The gated groups the previous lint of this file opened: they run in the same region pass as the
   * base patterns (one pass over the region's statements instead of two; a keystroke's passes cost
   * about as much as its checks). A group the file no longer opens has its matches dropped; one it
   * newly opens gets a pass of its own, so the matches are those of a pass per open group. By key
   * (QueryGroup.key): the rule set may have been compiled again since.
   */
  expectedGroups?: readonly string[];
  /**
   * Which of the pass's rule matches the region holds (incremental.ts `matchInRegion`): the others are dropped before
   * their checks run (keepRegionMatches; the caller takes the region's facts by its spans). The pass walks `ranges`,
   * which may join spans of the region across the statements between them (one walk costs less than several), and the
   * rule matches it finds there are not the region's.
   */
  keep?: (match: QueryMatch) => boolean;
}

export class Engine {
  readonly rulesById: ReadonlyMap<string, RuleDefinition>;
  /** Rules left out because their query did not compile (a bug to report, not a reason to stop). */
  brokenRules: RuleFailure[] = [];
  /**
   * Hears about each broken rule when it is found: at start-up for ungated rules, and the first
   * time a file opens a gated rule's group (its query is compiled then, see compile.ts).
   */
  onBrokenRule: ((failure: RuleFailure) => void) | undefined;
  /** Attach to collect timings (bench only). */
  profile: EngineProfile | undefined;
  /**
   * A whole-file lint of an error-free tree finds the base pass's captures by spelling when every base rule declares
   * keywords (off: the base pass walks the tree; tests compare the two). See spelledBase.ts.
   */
  spelledBase = true;
  /** Gated groups rooted at collected node types run on those nodes only (off: a whole-tree pass each; tests compare the two). */
  rootedGroups = true;
  /** Whole-tree gated groups a file opens run as one merged query (off: one pass each; tests compare the two). */
  mergedGroups = true;
  /**
   * Gated groups whose every rule reports only inside an `async def` (rule.insideAsyncDef) run on the file's
   * outermost async defs instead of the whole tree (off: a whole-tree pass; tests compare the two).
   */
  asyncScopedGroups = true;
  /** Wall-clock budget of one parse (0 = none). */
  parseTimeoutMs = DEFAULT_PARSE_TIMEOUT_MS;
  /**
   * Budget of one rule's checks on one file: a base plus a little per character. A rule that runs
   * over it (a quadratic helper on a pathological file) is stopped and reported like a rule that
   * threw, so one rule can never hang the editor or the CLI. 0 = no budget.
   */
  ruleBudgetMs = { base: 1000, perChar: 0.01 };
  /**
   * When set (a performance.now() time), a lint still checking matches then throws LintOverBudget. The
   * language server sets it around a lint on the thread that answers every request; unset elsewhere.
   */
  lintDeadline: number | undefined;
  /** The disk as rules may see it: hosts with a file system set project/fileProbe.ts's NODE_FILES. */
  files: FileProbe = NO_FILE_SYSTEM;
  /** What the running lint read through `files` (see recordingFiles). */
  private reads = new Set<string>();
  private recorder: { of: FileProbe; probe: FileProbe } | null = null;
  private readonly activeCache = new Map<string, ReadonlyMap<string, Severity>>();
  /** Compiled queries per active-rule set (most recent last), so inactive rules cost nothing. */
  private readonly compiledCache = new Map<string, CompiledRules>();
  private readonly compiledByActive = new WeakMap<ReadonlyMap<string, Severity>, CompiledRules>();
  /** Sets evicted from compiledCache: their queries are deleted, so compiledByActive must not hand them out. */
  private readonly evicted = new WeakSet<CompiledRules>();

  private constructor(
    readonly parser: PythonParser,
    readonly rules: readonly RuleDefinition[],
  ) {
    this.rulesById = new Map(rules.map((r) => [r.id, r]));
  }

  /**
   * `precompile`: the options whose rule set is compiled now (default: the default rules), so that startup finds its
   * broken rules (reported, and left out of every set); other sets compile on first use, and test/rules checks every
   * rule's query compiles. Null compiles nothing now: a host whose lints use other options (the CLI's batch engines)
   * would pay for a set it never runs.
   */
  static async create(rules: readonly RuleDefinition[], wasm?: WasmLocation | CompiledPython, precompile: LintOptions | null = {}): Promise<Engine> {
    const language = await loadPython(wasm);
    const parser = new PythonParser(language);
    const engine = new Engine(parser, rules);
    if (precompile) engine.compiledFor(engine.activeFor(precompile));
    return engine;
  }

  /** Rule sets compiled so far (tests: what start-up compiled). */
  get compiledSets(): number {
    return this.compiledCache.size;
  }

  /**
   * Parses text (incrementally from oldTree when given). Throws ParseTimeout when the parse runs
   * over the budget, IndentTooDeep before parsing a text the grammar cannot take (both pathological
   * input, both ParseSkipped); the caller decides what to show.
   */
  parse(text: string, oldTree?: Tree | null, edited?: { start: number; end: number }): Tree {
    const started = this.profile ? performance.now() : 0;
    if (indentTooDeep(text, edited)) throw new IndentTooDeep();
    // NULs and lone \r line breaks are handled by PythonParser (textForLexer), offsets unchanged.
    const budget = this.parseTimeoutMs;
    let tree: Tree | null;
    if (budget > 0) {
      const deadline = performance.now() + budget;
      let calls = 0;
      // The callback runs every few hundred parser operations; look at the clock every 64th call.
      tree = this.parser.parseWithProgress(text, oldTree ?? null, () => (++calls & 63) === 0 && performance.now() > deadline);
      if (!tree) throw new ParseTimeout(budget);
    } else {
      tree = this.parser.parse(text, oldTree);
    }
    if (this.profile) this.profile.parseMs += performance.now() - started;
    return tree;
  }

  /** Parses, lints and frees the tree: for one-shot callers (CLI, tests). */
  lintText(text: string, options: LintOptions = {}): LintDetails {
    const skipped = this.tooLarge(text, options);
    if (skipped) return skipped;
    let tree: Tree;
    try {
      tree = this.parse(text);
    } catch (error) {
      if (error instanceof ParseSkipped) return skippedResult(text, error.message);
      throw error;
    }
    try {
      return this.lint(tree, text, options);
    } finally {
      tree.delete();
    }
  }

  lint(tree: Tree, text: string, options: LintOptions = {}): LintDetails {
    const skipped = this.tooLarge(text, options);
    if (skipped) return skipped;
    const run = this.lintRaw(tree, text, options);
    return withDependencies(this.finish(text, run.facts, run.raw, run.failures, run.errorRanges, run.active, undefined, options), run.reads);
  }

  /**
   * `files`, noting each text read into the running lint's `reads`. One wrapper per probe, not per lint:
   * caches keyed on the probe (codeContext.ts) must survive from one lint to the next.
   */
  private recordingFiles(): FileProbe {
    const files = this.files;
    if (!files.readText) return files;
    if (this.recorder?.of !== files) {
      const probe: FileProbe = {
        exists: (p) => files.exists(p),
        fileSize: (p) => files.fileSize(p),
        ...(files.modifiedMs ? { modifiedMs: (p: string) => files.modifiedMs!(p) } : {}),
        readText: (p) => {
          this.reads.add(p);
          return files.readText!(p);
        },
        ...(files.list ? { list: (p: string) => files.list!(p) } : {}),
      };
      this.recorder = { of: files, probe };
    }
    return this.recorder.probe;
  }

  /**
   * Compiles now the region queries an incremental lint of a file with these options and open
   * gated groups will need (regionQueries.ts compiles them on first use: tens of ms, which the
   * first keystroke in a file would otherwise wait for). The editor calls it when idle.
   */
  prepareRegions(options: LintOptions, openGroups: readonly string[]): void {
    const compiled = this.compiledFor(this.activeFor(options));
    const gated = groupsByKey(compiled, openGroups);
    // A keystroke's tree may have errors or not (lintRaw: the MISSING pattern only with errors): both sets.
    compiled.regions.partsFor([compiled.base, compiled.missing, ...gated]);
    compiled.regions.partsFor([compiled.base, ...gated]);
  }

  /** Region query sets compiled so far, over every compiled rule set (tests). */
  get regionSetsCompiled(): number {
    let n = 0;
    for (const compiled of this.compiledCache.values()) n += compiled.regions.compiledSets;
    return n;
  }

  /** The file is over the size limit: a result that says so (and lints nothing). */
  tooLarge(text: string, options: LintOptions): LintDetails | null {
    const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (text.length <= maxSize) return null;
    return skippedResult(text, `file has ${text.length} characters, more than the limit of ${maxSize} (setting max-file-size)`);
  }

  /**
   * Runs the queries and checks, without suppressions: over the whole tree, or (partial) only over
   * some ranges with whole-file facts supplied by the caller.
   */
  lintRaw(tree: Tree, text: string, options: LintOptions, partial?: PartialRun): RawLint {
    const profile = this.profile;
    const active = this.activeFor(options);
    const reads = (this.reads = new Set());
    const files = this.recordingFiles();
    const settings: RuleSettings = {
      targetVersion: parsePythonVersion(options.targetVersion) ?? DEFAULT_TARGET,
      lineLength: options.lineLength ?? DEFAULT_LINE_LENGTH,
    };

    const compiled = this.compiledFor(active);

    // The base pass: facts and ungated rules (in a region lint, with the gated groups expected open).
    let started = profile ? performance.now() : 0;
    const expected = groupsByKey(compiled, partial?.expectedGroups ?? []);
    const treeHasErrors = tree.rootNode.hasError;
    // A whole-file lint of an error-free tree whose base rules all declare keywords finds the base captures by spelling.
    const spelled = !partial && !treeHasErrors && this.spelledBase ? compiled.spelled : null;
    const base = spelled ? this.spelledPass(spelled, tree, text) : this.basePass(compiled, expected, tree, treeHasErrors, partial);
    const { ruleMatches, captures, errorRanges, classes, decorated } = base;
    if (profile) profile.queryMs += performance.now() - started;
    started = profile ? performance.now() : 0;
    const facts = partial ? partial.facts(captures) : new FileFacts(tree, text, captures);
    // The value layer reads the modules this file imports through the host's probe (values/workspace.ts).
    facts.origin ??= { filePath: options.filePath, modules: files, ...(options.projectRoot ? { projectRoot: options.projectRoot } : {}) };
    if (profile) profile.factsMs += performance.now() - started;

    // A region lint knows its gates' answers already (carried across the edit): no search of the whole text for their words.
    const gates = new TextGates(text, partial?.gateHits, partial ? undefined : compiled.gateWords);
    // The calls of a spelled pass are found once the facts tell whether anything reads them.
    const calls = base.calls ?? this.spelledCalls(compiled, tree, facts, gates);
    const open = this.gatedPasses(ruleMatches, expected, compiled, tree, text, facts, captures, gates, calls, classes, decorated, treeHasErrors, partial);
    const { raw, rests, failures } = this.checkMatches(ruleMatches, active, text, facts, settings, options, files);
    return { facts, raw, rests, failures, errorRanges, captures, active, gateHits: gates.hits, openGroups: open, reads };
  }

  /** The base pass (with the MISSING pattern when the tree has errors, and a region lint's expected groups) and its facts. */
  private basePass(
    compiled: CompiledRules,
    expected: readonly QueryGroup[],
    tree: Tree,
    treeHasErrors: boolean,
    partial: PartialRun | undefined,
  ): BaseCaptures {
    // MISSING nodes only in a tree with errors (compile.ts MISSING_PATTERNS), in a region lint too: `(MISSING)` names no
    // node type, so the cursor tries it at every node of the region (about 5 % of a keystroke's region query time). Both
    // region query sets, with it and without, are compiled ahead (prepareRegions).
    const missing = treeHasErrors ? [compiled.missing] : [];
    const ruleMatches = this.runPasses([compiled.base, ...missing, ...expected], compiled, tree, partial?.ranges);
    if (partial?.keep) keepRegionMatches(ruleMatches, partial.keep);
    const found = factMatches(ruleMatches);
    // In document order, as one pass found them (a separate MISSING pass appends its nodes after the ERROR nodes).
    if (missing.length > 0 && !partial) found.errorRanges.sort((a, b) => a[0] - b[0]);
    return { ruleMatches, ...found };
  }

  /**
   * The base pass's captures and rule matches found where the text spells them (spelledBase.ts), for an error-free tree:
   * no errors, and no class or decorated definitions (compiled.spelled is set only when no gated group needs them).
   * The calls come after the facts (spelledCalls).
   */
  private spelledPass(spelled: SpelledRules, tree: Tree, text: string): BaseCaptures {
    this.stopPastDeadline();
    const started = this.profile ? performance.now() : 0;
    const captures = spelledFacts(tree, text);
    const rules = spelledRuleMatches(spelled, tree, text);
    const ruleMatches: PassMatches[] = rules ? [{ patterns: rules.group.patterns, matches: rules.matches }] : [];
    if (this.profile) {
      this.profile.passes++;
      countGroupPass(this.profile, '(base, by spelling)', performance.now() - started);
    }
    return { ruleMatches, captures, calls: null, errorRanges: objectArray<[number, number]>(), classes: objectArray<Node>(), decorated: objectArray<Node>() };
  }

  /**
   * The calls of a spelled base pass: a walk for CALL_PATTERN, only when something would read them, a call-anchored rule
   * or a group rooted at calls whose gate the file opens. In most files of a project that imports no HTTP library the CLI's
   * default rules read none (their one call-anchored rule is gated on `requests` and `urllib`).
   */
  private spelledCalls(compiled: CompiledRules, tree: Tree, facts: FileFacts, gates: TextGates): readonly QueryMatch[] {
    const group = compiled.calls();
    if (!group || !callsWanted(compiled, facts, gates)) return objectArray<QueryMatch>();
    return factMatches(this.runPasses([group], compiled, tree, undefined)).calls;
  }

  /**
   * The passes after the base pass: one per library gate the file imports (and that has an active rule), the groups
   * rooted at collected nodes, and the call-anchored queries. Apart from lintRaw (as are the fact sorting and the
   * check loop) so that V8 optimises each on its own: lintRaw holding all of it was a third of the optimising
   * compiler's time in a CLI run (the compiler runs in every worker thread; 6-8 compiles of the whole function on the
   * stdlib, one after each deoptimisation); split, a 2-thread stdlib check spent about 0.5 s less CPU on compiling.
   */
  private gatedPasses(
    ruleMatches: PassMatches[],
    expected: readonly QueryGroup[],
    compiled: CompiledRules,
    tree: Tree,
    text: string,
    facts: FileFacts,
    captures: FactCaptures,
    gates: TextGates,
    calls: readonly QueryMatch[],
    classes: Node[],
    decorated: Node[],
    treeHasErrors: boolean,
    partial: PartialRun | undefined,
  ): QueryGroup[] {
    const profile = this.profile;
    const started = profile ? performance.now() : 0;
    const openGated = compiled.gated.filter((gated) => gatesPass(gated, facts, gates) && (!gated.insideAsyncDef || facts.hasAsyncDef));
    const open = groupsOf(openGated, always, always);
    // A group whose patterns all start at a class, def or decorated definition runs on those nodes
    // (collected by the base pass) instead of walking the whole tree again (compile.ts ROOT_FACTS).
    if (expected.length > 0) dropClosedGroups(ruleMatches, expected, open);
    const toRun = expected.length > 0 ? open.filter((group) => !expected.includes(group)) : open;
    const onRoots = partial || !this.rootedGroups ? [] : toRun.filter((group) => group.roots);
    // A group whose every rule reports only inside an `async def` (the `async`/`await` group) needs no walk of the
    // module-level code and sync defs around those defs: it runs on each outermost async def's subtree. A region
    // lint runs every open group on the edited statements already (regionQueries.ts).
    const inAsyncDefs =
      partial || !this.asyncScopedGroups
        ? []
        : groupsOf(
            openGated,
            (gated) => gated.insideAsyncDef,
            (group) => toRun.includes(group) && !onRoots.includes(group),
          );
    const walked = onRoots.length > 0 || inAsyncDefs.length > 0 ? toRun.filter((group) => !onRoots.includes(group) && !inAsyncDefs.includes(group)) : toRun;
    // Two or more whole-tree groups run as one merged query: one walk instead of one per group (from
    // the second file that opens the same set: compile.ts MergedGroups). A region lint merges every
    // open group already (regionQueries.ts).
    const merged = walked.length > 1 && !partial && this.mergedGroups ? compiled.merged(walked) : null;
    const passes = merged ? [merged] : walked;
    if (passes.length > 0) {
      const gated = this.runPasses(passes, compiled, tree, partial?.ranges);
      if (partial?.keep) keepRegionMatches(gated, partial.keep);
      ruleMatches.push(...gated);
    }
    if (onRoots.length > 0) {
      const nodes = new Map([
        ['function_definition', captures.functions],
        ['class_definition', classes],
        ['decorated_definition', decorated],
      ]);
      if (onRoots.some((group) => group.roots!.includes('call')))
        nodes.set(
          'call',
          calls.map((m) => m.captures.find((c) => c.name === 'call')!.node),
        );
      for (const group of onRoots) ruleMatches.push(this.runOnRoots(group, nodes));
    }
    if (inAsyncDefs.length > 0) {
      const defs = outermostAsyncDefs(captures.functions, text);
      for (const group of inAsyncDefs) ruleMatches.push(this.runInside(group, defs, 'async defs'));
    }
    const gatedDone = profile ? performance.now() : 0;
    if (calls.length > 0) {
      const anchored = anchoredMatches(compiled, calls, facts, gates, text, treeHasErrors);
      if (partial?.keep) keepRegionMatches(anchored, partial.keep);
      ruleMatches.push(...anchored);
    }
    if (profile) {
      profile.queryMs += performance.now() - started;
      profile.gatedMs += gatedDone - started;
      profile.anchoredMs += performance.now() - gatedDone;
    }
    return open;
  }

  /** Runs each rule's check on its matches: the raw findings, and the rules that failed on this file. */
  private checkMatches(
    ruleMatches: readonly PassMatches[],
    active: ReadonlyMap<string, Severity>,
    text: string,
    facts: FileFacts,
    settings: RuleSettings,
    options: LintOptions,
    files: FileProbe,
  ): { raw: RawFinding[]; rests: MatchRest[]; failures: RuleFailure[] } {
    const profile = this.profile;
    const raw: RawFinding[] = [];
    const rests: MatchRest[] = [];
    const failures: RuleFailure[] = [];
    const failed = new Set<string>();
    const seen = new Set<string>();
    // The value inference's share of the checks below (bench: the profile's inference column).
    inferenceClock.on = profile !== undefined;
    inferenceClock.ms = 0;
    const budget = this.ruleBudgetMs.base > 0 ? this.ruleBudgetMs.base + this.ruleBudgetMs.perChar * text.length : Infinity;
    const spent = new Map<RuleDefinition, number>();
    // One context per rule and lint, reporting for the match being checked: a context and its two closures made per
    // match were a tenth of what a whole-stdlib lint allocated (hundreds of thousands of rule matches).
    let match: QueryMatch | undefined;
    // The match's extent is needed only for a finding (rare): each endIndex is a call into WASM.
    let extent: { matchStart: number; matchEnd: number } | undefined;
    const emit = (
      finding: Finding,
      { construct, restsOn, quietOutsideHotCode, quietReason, lowImpact, hotReason, hotDespiteSetup, unattendedReason, keptReason }: Report,
    ) => {
      const key = `${finding.ruleId}:${finding.start}:${finding.end}`;
      if (seen.has(key)) return;
      seen.add(key);
      extent ??= matchExtent(match!);
      const entry: RawFinding = construct
        ? { finding, ...extent, construct: [construct.startIndex, withoutTrailingLineBreak(text, construct.startIndex, construct.endIndex)] }
        : { finding, ...extent };
      if (restsOn) entry.restsOn = [restsOn.startIndex, restsOn.endIndex];
      if (quietOutsideHotCode) entry.quietOutsideHotCode = true;
      if (quietOutsideHotCode && quietReason) entry.quietReason = quietReason;
      if (lowImpact) entry.lowImpact = lowImpact;
      if (hotReason) entry.hotReason = hotReason;
      if (hotDespiteSetup) entry.hotDespiteSetup = true;
      if (unattendedReason) entry.unattendedReason = unattendedReason;
      if (keptReason) entry.keptReason = keptReason;
      raw.push(entry);
    };
    const rest = (def: Node) => {
      extent ??= matchExtent(match!);
      rests.push({ ...extent, def: [def.startIndex, def.endIndex] });
    };
    const contexts = new Map<RuleDefinition, RuleContext>();
    for (const { patterns, matches } of ruleMatches) {
      for (const current of matches) {
        const role = patterns[current.patternIndex];
        if ('fact' in role) continue;
        const { rule, localIndex } = role;
        const severity = active.get(rule.id);
        if (!severity || failed.has(rule.id)) continue;
        if (rule.minPython && !atLeast(settings, rule)) continue;
        if (rule.insideAsyncDef && !facts.hasAsyncDef) continue;
        match = current;
        extent = undefined;
        let ctx = contexts.get(rule);
        if (!ctx) {
          ctx = contextFor(rule, severity, text, facts, settings, options, files, emit, rest);
          contexts.set(rule, ctx);
        }
        const checkStarted = performance.now();
        this.stopPastDeadline(checkStarted);
        try {
          rule.check(new Captures(current.captures, localIndex), ctx);
        } catch (error) {
          // A broken rule must never take the file (or the server) down: drop it for this file.
          failed.add(rule.id);
          failures.push({ ruleId: rule.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
        const took = performance.now() - checkStarted;
        const total = (spent.get(rule) ?? 0) + took;
        spent.set(rule, total);
        if (total > budget && !failed.has(rule.id)) {
          failed.add(rule.id);
          failures.push({ ruleId: rule.id, error: `checks took longer than ${Math.round(budget)} ms on this file (a slow rule, stopped)` });
        }
        if (profile) {
          const entry = profile.rules.get(rule.id) ?? { ms: 0, matches: 0 };
          entry.ms += took;
          entry.matches++;
          profile.rules.set(rule.id, entry);
        }
      }
    }
    if (profile) profile.inferenceMs += inferenceClock.ms;
    inferenceClock.on = false;
    const kept = failed.size ? raw.filter((r) => !failed.has(r.finding.ruleId)) : raw;
    return { raw: kept, rests, failures };
  }

  /**
   * Drops findings in syntax errors, findings a more specific rule supersedes, and suppressed ones;
   * adds unused-suppression findings; sorts.
   */
  finish(
    text: string,
    facts: FileFacts,
    raw: readonly RawFinding[],
    failures: RuleFailure[],
    errorRanges: [number, number][],
    active: ReadonlyMap<string, Severity>,
    suppressionComments?: readonly Node[],
    options: LintOptions = {},
    /** The facts to rank a finding with (default `facts`): incremental lints give each top-level statement's findings their own reads. */
    rankingFacts: (r: RawFinding) => FileFacts = () => facts,
  ): LintDetails {
    const lines = new LineIndex(text);
    // An incremental lint passes the comments that may suppress; a whole-file lint asks the text first (mayHoldSuppression).
    const comments = suppressionComments ?? (mayHoldSuppression(text) ? facts.captures.comments : []);
    const suppressions = new SuppressionIndex(parseSuppressions(comments, text, lines));
    const findings: Finding[] = [];
    const errorLines = errorRanges.length > 0 ? linesAround(text, errorRanges) : errorRanges;
    const valid = errorLines.length > 0 ? raw.filter(({ finding }) => !overlapsAny(finding.start, finding.end, errorLines)) : raw;
    const superseded = supersededFindings(valid, this.rulesById);
    for (const r of valid) {
      const suppressed = suppressions.comments.length > 0 && this.isSuppressed(suppressions, r, lines);
      // Checked first, so that a suppression of a superseded finding still counts as used.
      if (suppressed || superseded.has(r)) continue;
      const started = this.profile ? performance.now() : 0;
      const ranked = this.ranked(r, r.carryImpact && r.lastImpact ? facts : rankingFacts(r), options);
      if (this.profile) this.profile.rankingMs += performance.now() - started;
      if (ranked) findings.push(ranked);
    }
    if (active.has(UNUSED_SUPPRESSION) && errorRanges.length === 0) {
      findings.push(...unusedSuppressions(suppressions, text, active, this.rulesById, active.get(UNUSED_SUPPRESSION)!));
    }
    findings.sort((a, b) => a.start - b.start || a.end - b.end || a.ruleId.localeCompare(b.ruleId));
    return { findings, failures, hasSyntaxErrors: errorRanges.length > 0, suppressions, lines };
  }

  /**
   * Whether a suppression comment silences the finding: ours on its first line, or a peer linter's, of a check the rule
   * declares its equal, on any line of the finding or of the construct it is about (Ruff reports PERF401 on the append
   * inside the loop this rule flags at its header).
   */
  private isSuppressed(suppressions: SuppressionIndex, { finding, construct }: RawFinding, lines: LineIndex): boolean {
    const line = lines.positionAt(finding.start).line;
    const { peers, category } = this.rulesById.get(finding.ruleId) ?? {};
    if (!peers) return suppressions.isSuppressed(finding.ruleId, line, { category });
    const [start, end] = construct ? [Math.min(construct[0], finding.start), Math.max(construct[1], finding.end)] : [finding.start, finding.end];
    return suppressions.isSuppressed(finding.ruleId, line, { category, peers, firstLine: lines.positionAt(start).line, lastLine: lines.positionAt(end).line });
  }

  /**
   * The finding with its impact (analysis/impact.ts) and, in `auto` mode (the hosts' default; the engine's is `all`), the severity that
   * follows from it: low impact drops to hint, and a rule that only matters in hot code gives hints
   * outside it and nothing in low-impact code; a library rule's hint is not reported. A severity the user set for
   * the rule is kept. Null: dropped.
   * A copy: incremental lints finish the same raw findings again.
   */
  private ranked(raw: RawFinding, facts: FileFacts, options: LintOptions): Finding | null {
    const { finding } = raw;
    const rule = this.rulesById.get(finding.ruleId);
    if (!rule || rule.query === '') return finding;
    // pandas/NumPy advice works over a whole frame or array wherever it stands, unless the rule (or this finding) says its cost shows only in hot code.
    const quiet = rule.quietOutsideHotCode === true || raw.quietOutsideHotCode === true;
    const overData = (rule.category === 'pandas' || rule.category === 'numpy') && !quiet;
    let impact: Impact;
    if (raw.carryImpact && raw.lastImpact) {
      impact = raw.lastImpact;
      if (this.profile) this.profile.carriedImpacts++;
    } else {
      const node = facts.root.descendantForIndex(finding.start, Math.max(finding.start, finding.end - 1));
      if (!node) return finding;
      impact = this.placed(raw, rule, node, facts, options, quiet, overData);
      raw.lastImpact = impact;
      raw.rankedWith = facts.words.reads;
    }
    // Copied with Object.assign, not `{ ...finding, impact }`: a spread that adds a property takes V8's slow path (about
    // 2 µs against 0.3), and an editor's lint finishes every finding of the file again.
    const ranked: Finding = Object.assign({}, finding);
    ranked.impact = impact;
    if ((options.impact ?? 'all') === 'all' || severityOverride(rule, options) !== undefined) return ranked;
    if (quiet && impact.level === 'low') return null;
    if ((impact.level === 'low' || (quiet && impact.level !== 'high')) && finding.severity !== 'hint') {
      // Remembered so that a profile showing this code hot can give the finding back its full severity.
      ranked.impact = Object.assign({}, impact);
      ranked.impact.demotedFrom = finding.severity;
      ranked.severity = 'hint';
    }
    // A rule still in preview (no proven record in blind reviews: trackRecord.ts) shows its findings as hints, library
    // rules' included: their impact ranking found them worth showing, only the rule has not yet earned the Problems panel.
    if (options.preview === false && ranked.severity !== 'hint' && !isProven(rule.id)) {
      ranked.impact = Object.assign({}, impact);
      ranked.impact.demotedFrom = finding.severity;
      ranked.impact.preview = previewReason(rule.id);
      ranked.severity = 'hint';
      return ranked;
    }
    // A library rule's hint is not reported: in blind reviews 6 in 200 were useful (the rest: a sync in a loop of a few
    // steps, object mode in a demo of it, a row loop over a small frame), against over half of its shown findings.
    // Kept, marked, when a profile is loaded: one showing the code hot raises it, and the host drops the rest.
    if (ranked.severity === 'hint' && LIBRARY_CATEGORIES.has(rule.category)) {
      if (!options.keepHints) return null;
      ranked.impact = Object.assign({}, ranked.impact!);
      ranked.impact.ifHot = true;
    }
    return ranked;
  }

  /** The impact of the finding where it stands (analysis/impact.ts), with the rule's own reason it costs little. */
  private placed(raw: RawFinding, rule: RuleDefinition, node: Node, facts: FileFacts, options: LintOptions, quiet: boolean, overData: boolean): Impact {
    const project = { files: this.files, givenRoot: options.projectRoot };
    if (rule.mattersAnywhere) {
      if (raw.lowImpact) return { level: 'low', reasons: [raw.lowImpact] };
      return notOwnCodeImpact(node, facts, options.filePath, project) ?? { level: 'normal', reasons: [] };
    }
    const atScale = quiet || rule.paysOffAtScale === true;
    const placed = impactOf(
      node,
      facts,
      options.filePath,
      overData,
      DATA_LIBRARY_CATEGORIES.has(rule.category),
      project,
      atScale,
      raw.lastImpact,
      rule.savesPerItem,
      rule.category === 'pandas' || rule.category === 'numpy',
    );
    // The rule's own reason the cost stays small (a loop of a few passes) ranks it low wherever it stands; a place that is
    // low already (a test, an example) keeps its own reason.
    if (raw.lowImpact && placed.level !== 'low') return { level: 'low', reasons: [raw.lowImpact] };
    // The rule's own reason the code repeats (a sync per row of a batch) ranks it high where the place is not low already.
    if (raw.hotReason && placed.level === 'normal') return { level: 'high', reasons: [raw.hotReason, ...placed.reasons] };
    // ...and where it is low only for being one-time setup, when the rule says the cost is paid elsewhere, every step.
    // The rule's own reason the cost stays small (a loop that stops after a few batches) outranks its reason the code repeats.
    if (raw.hotReason && raw.hotDespiteSetup && placed.level === 'low' && placed.reasons.every((r) => ONCE_AT_SETUP.has(r))) {
      return raw.lowImpact ? { level: 'low', reasons: [raw.lowImpact] } : { level: 'high', reasons: [raw.hotReason] };
    }
    // A risk that matters only unattended (a hang) is low in code run by hand, however hot its loops, unless the rule
    // sees why nobody watches this part (a loop behind a progress bar).
    const byHand = rule.unattendedOnly && placed.level !== 'low' ? runByHand(options.filePath, project) : null;
    if (byHand) {
      return raw.unattendedReason ? { level: placed.level, reasons: [raw.unattendedReason, ...placed.reasons] } : { level: 'low', reasons: [byHand] };
    }
    // Where nothing about the place ranks it, the rule's reason the risk holds here says why the finding was kept.
    if (rule.unattendedOnly && raw.keptReason && placed.level !== 'low' && placed.reasons.length === 0)
      return { level: placed.level, reasons: [raw.keptReason] };
    // Quiet advice outside hot code: the rule's reason it is quiet here (a frame of a few rows) says why it is a hint.
    if (quiet && raw.quietReason && placed.level === 'normal') return { level: 'normal', reasons: [raw.quietReason, ...placed.reasons] };
    return placed;
  }

  dispose(): void {
    for (const compiled of this.compiledCache.values()) compiled.delete();
    this.compiledCache.clear();
    this.parser.dispose();
  }

  /**
   * The compiled queries for an active-rule set. Only active rules are compiled in: an inactive
   * rule's patterns would still cost a raw match per candidate node in every file. Sets are
   * few (one per distinct select/ignore/per-file-ignores combination), so a small cache suffices.
   */
  private compiledFor(active: ReadonlyMap<string, Severity>): CompiledRules {
    const known = this.compiledByActive.get(active);
    if (known && !this.evicted.has(known)) return known;
    const key = [...active.keys()].sort().join(',');
    let compiled = this.compiledCache.get(key);
    if (compiled) {
      this.compiledCache.delete(key); // re-insert: most recently used last
    } else {
      const brokenIds = new Set(this.brokenRules.map((b) => b.ruleId));
      const members = this.rules.filter((r) => active.has(r.id) && !brokenIds.has(r.id));
      compiled = compileRules(this.parser.language, members, (failures) => {
        for (const failure of failures) {
          if (this.brokenRules.some((b) => b.ruleId === failure.ruleId)) continue;
          this.brokenRules.push(failure);
          this.onBrokenRule?.(failure);
        }
      });
      if (this.compiledCache.size >= MAX_COMPILED_SETS) {
        const [oldestKey, oldest] = this.compiledCache.entries().next().value!;
        this.compiledCache.delete(oldestKey);
        this.evicted.add(oldest);
        oldest.delete();
      }
    }
    this.compiledCache.set(key, compiled);
    this.compiledByActive.set(active, compiled);
    return compiled;
  }

  /**
   * Active rules for these options (memoised: the same options come back for every file), less those whose findings the
   * caller would never see (withoutUnseenRules).
   */
  private activeFor(options: LintOptions): ReadonlyMap<string, Severity> {
    const unseen = previewHintsUnseen(options);
    const key = JSON.stringify([options.select, options.extendSelect, options.ignore, options.severity, unseen]);
    let active = this.activeCache.get(key);
    if (!active) {
      if (this.activeCache.size > 64) this.activeCache.clear();
      active = activeRules(this.rules, options);
      if (unseen) active = withoutUnseenRules(active, this.rulesById, options);
      this.activeCache.set(key, active);
    }
    return active;
  }

  /** A rooted group's matches: its query run on each node of its root types, matches starting at that node only. */
  private runOnRoots(group: QueryGroup, nodes: ReadonlyMap<string, readonly Node[]>): PassMatches {
    const started = this.profile ? performance.now() : 0;
    const roots = group.roots!.flatMap((type) => nodes.get(type) ?? []);
    // Document order, as one pass over the tree would find them.
    if (group.roots!.length > 1) roots.sort((a, b) => a.startIndex - b.startIndex);
    const matches: QueryMatch[] = [];
    for (const node of roots) for (const m of matchesRootedAt(group.query, node)) matches.push(m);
    if (this.profile) countGroupPass(this.profile, `${group.key} (on ${group.roots!.join(', ')} nodes)`, performance.now() - started);
    return { patterns: group.patterns, matches };
  }

  /** Runs a group's query over each of these subtrees (disjoint, in document order): the matches a whole-tree pass finds inside them. */
  private runInside(group: QueryGroup, subtrees: readonly Node[], what: string): PassMatches {
    this.stopPastDeadline();
    const started = this.profile ? performance.now() : 0;
    const matches: QueryMatch[] = [];
    for (const node of subtrees) for (const m of group.query.matches(node)) matches.push(m);
    if (this.profile) countGroupPass(this.profile, `${group.key} (in ${what})`, performance.now() - started);
    return { patterns: group.patterns, matches };
  }

  /**
   * Runs the groups over the whole tree, one pass each; or over a region (incremental lint), where
   * their patterns are regrouped into at most two queries (see regionQueries.ts).
   */
  /** Throws LintOverBudget once lintDeadline has passed (between query passes, before each rule check). */
  private stopPastDeadline(now = performance.now()): void {
    if (this.lintDeadline !== undefined && now > this.lintDeadline) throw new LintOverBudget();
  }

  private runPasses(
    groups: readonly QueryGroup[],
    compiled: CompiledRules,
    tree: Tree,
    ranges: readonly { start: number; end: number }[] | undefined,
  ): PassMatches[] {
    if (!ranges) {
      const profile = this.profile;
      if (!profile) {
        return mapToObjects(groups, (g) => {
          this.stopPastDeadline();
          return { patterns: g.patterns, matches: g.query.matches(tree.rootNode) };
        });
      }
      profile.passes += groups.length;
      return mapToObjects(groups, (g) => {
        this.stopPastDeadline();
        const started = performance.now();
        const matches = g.query.matches(tree.rootNode);
        countGroupPass(profile, g.key, performance.now() - started);
        return { patterns: g.patterns, matches };
      });
    }
    const profile = this.profile;
    const parts = compiled.regions.partsFor(groups);
    if (!profile) return runRegionParts(parts, tree, ranges);
    // Per part, not per group: a region lint runs every open group's patterns together (regionQueries.ts).
    return runRegionParts(parts, tree, ranges, (key, ms) => {
      profile.passes++;
      countGroupPass(profile, key, ms);
    });
  }
}

/**
 * Drops, in place, the rule matches of a region pass that the region does not hold (PartialRun.keep). Fact matches stay:
 * the incremental linter takes the region's facts by its spans already, and testing every call and comment of the walk
 * (an end read from WASM per capture between the spans) cost more than the checks it saved.
 */
function keepRegionMatches(passes: PassMatches[], keep: (match: QueryMatch) => boolean): void {
  for (const pass of passes) {
    const held = pass.matches.filter((m) => 'fact' in pass.patterns[m.patternIndex] || keep(m));
    if (held.length !== pass.matches.length) pass.matches = held;
  }
}

/** Adds one pass of `ms` to the profile's entry for a query group (or region part) under `key`. */
function countGroupPass(profile: EngineProfile, key: string, ms: number): void {
  const entry = profile.groups.get(key) ?? { ms: 0, passes: 0 };
  entry.ms += ms;
  entry.passes++;
  profile.groups.set(key, entry);
}

/** The fact patterns' matches of the base pass, by kind (apart from lintRaw: see Engine.gatedPasses). */
function factMatches(ruleMatches: readonly PassMatches[]) {
  // Of the object elements kind even when nothing is pushed: the incremental bookkeeping gets one kind of list (objectArrays.ts).
  const captures: FactCaptures = { imports: objectArray(), comments: objectArray(), functions: objectArray() };
  const calls = objectArray<QueryMatch>();
  const errorRanges = objectArray<[number, number]>();
  const classes = objectArray<Node>();
  const decorated = objectArray<Node>();
  for (const { patterns, matches } of ruleMatches) {
    for (const m of matches) {
      const role = patterns[m.patternIndex];
      if (!('fact' in role)) continue;
      const node = m.captures[0].node;
      if (role.fact === 'call') calls.push(m);
      else if (role.fact === 'import') captures.imports.push(node);
      else if (role.fact === 'comment') captures.comments.push(node);
      else if (role.fact === 'function') captures.functions.push(node);
      else if (role.fact === 'class') classes.push(node);
      else if (role.fact === 'decorated') decorated.push(node);
      else errorRanges.push([node.startIndex, Math.max(node.endIndex, node.startIndex + 1)]);
    }
  }
  return { captures, calls, errorRanges, classes, decorated };
}

/**
 * The `async def`s of the file that no other async def contains, in document order. Every finding of an
 * insideAsyncDef rule is inside the innermost def or lambda around it being an async def (scopes.ts
 * isInsideAsyncDef), so inside one of these. A def is async when its text starts with `async` (the node starts at
 * the keyword); a def that only looks so (error recovery) adds a subtree to search, never loses one.
 */
function outermostAsyncDefs(functions: readonly Node[], text: string): Node[] {
  const defs: Node[] = [];
  let end = -1;
  for (const fn of [...functions].sort((a, b) => a.startIndex - b.startIndex)) {
    if (fn.startIndex < end || !text.startsWith('async', fn.startIndex)) continue;
    defs.push(fn);
    end = fn.endIndex;
  }
  return defs;
}

/** The gated groups of a compiled rule set with these keys (compiled now if need be). */
function groupsByKey(compiled: CompiledRules, keys: readonly string[]): QueryGroup[] {
  if (keys.length === 0) return [];
  return groupsOf(compiled.gated, (gated) => keys.includes(gated.key), always);
}

/** groupsOf's filter that keeps everything: one function for every lint, not a closure made per call. */
const always = (): boolean => true;

/**
 * The query groups (those that `keepGroup` takes) of the gated groups that `keep` takes (and that have one). A loop, not `.filter().map().filter()`:
 * an inlined `.map` gives a holey array where the interpreter's is packed, and the next `.filter` gets both kinds.
 */
function groupsOf(gated: readonly GatedGroup[], keep: (gated: GatedGroup) => boolean, keepGroup: (group: QueryGroup) => boolean): QueryGroup[] {
  const out = objectArray<QueryGroup>();
  for (const g of gated) {
    // Asked only of the kept ones, as the filter before the `.map` did: group() may build the group.
    if (!keep(g)) continue;
    const group = g.group();
    if (group !== null && keepGroup(group)) out.push(group);
  }
  return out;
}

/** Drops, in place, the matches of rules whose group ran because it was expected open but is not open now. */
function dropClosedGroups(passes: PassMatches[], expected: readonly QueryGroup[], open: readonly QueryGroup[]): void {
  const closed = new Set<RuleDefinition>();
  for (const group of expected) {
    if (open.includes(group)) continue;
    for (const role of group.patterns) if ('rule' in role) closed.add(role.rule);
  }
  if (closed.size === 0) return;
  for (const pass of passes) {
    pass.matches = pass.matches.filter((m) => {
      const role = pass.patterns[m.patternIndex];
      return 'fact' in role || !closed.has(role.rule);
    });
  }
}

/**
 * The caller sees no hint of this lint (LintOptions.hintsUnseen), and every finding of a rule in preview is one: `ranked`
 * makes it a hint (or drops it) with `impact = "auto"` and `preview = false`, and no hint is kept for a profile.
 */
export function previewHintsUnseen(options: LintOptions): boolean {
  return options.hintsUnseen === true && options.impact === 'auto' && options.preview === false && !options.keepHints;
}

/**
 * The active rules less those in preview whose severity the user did not set: under previewHintsUnseen none of their
 * findings can be seen, so their queries and checks are not run (on the CPython stdlib most of a lint's rule time: the
 * default output shows the proven rules' findings only). A preview rule stays when it supersedes a rule that stays (its
 * finding drops the other's), and every rule stays while unused-suppression's findings are shown: a suppression only a
 * skipped rule used would be reported unused. Rules without a query (unused-suppression) are not ranked, so they stay.
 */
function withoutUnseenRules(
  active: ReadonlyMap<string, Severity>,
  rules: ReadonlyMap<string, RuleDefinition>,
  options: LintOptions,
): ReadonlyMap<string, Severity> {
  const unusedSuppression = active.get(UNUSED_SUPPRESSION);
  if (unusedSuppression !== undefined && unusedSuppression !== 'hint') return active;
  const skipped = new Set(
    [...active.keys()].filter((id) => {
      const rule = rules.get(id);
      return rule !== undefined && rule.query !== '' && !isProven(id) && severityOverride(rule, options) === undefined;
    }),
  );
  // Until nothing changes: a rule kept in may make a rule it is superseded by stay too.
  for (let changed = true; changed;) {
    changed = false;
    for (const id of skipped) {
      if (!rules.get(id)!.supersedes?.some((other) => active.has(other) && !skipped.has(other))) continue;
      skipped.delete(id);
      changed = true;
    }
  }
  return skipped.size === 0 ? active : new Map([...active].filter(([id]) => !skipped.has(id)));
}

/** Most active-rule sets kept compiled (one per distinct select/ignore/per-file-ignores combination). */
const MAX_COMPILED_SETS = 8;

/**
 * Runs each call-anchored rule's query on the calls whose callee name it declared (and only in
 * files that import its library, for gated rules): see callAnchors.ts.
 */
function anchoredMatches(
  compiled: CompiledRules,
  calls: readonly QueryMatch[],
  facts: FileFacts,
  gates: TextGates,
  text: string,
  hasErrors: boolean,
): PassMatches[] {
  const byRule = new Map<RuleDefinition, QueryMatch[]>();
  const visitedRoots = new Set<string>();
  const gateOpen = new Map<RuleDefinition, boolean>();
  const opens = (rule: RuleDefinition): boolean => {
    let open = gateOpen.get(rule);
    if (open === undefined) {
      open = gatesPass(gateOf(rule), facts, gates) && (!rule.insideAsyncDef || facts.hasAsyncDef);
      gateOpen.set(rule, open);
    }
    return open;
  };
  const visit = (rule: RuleDefinition, callNode: Node): void => {
    if (!opens(rule)) return;
    const group = compiled.anchored(rule);
    if (!group) return;
    for (const depth of anchorDepths(rule)) {
      const root = anchorRoot(callNode, depth);
      if (!root) continue;
      const key = `${rule.id}:${root.id}`;
      if (visitedRoots.has(key)) continue;
      visitedRoots.add(key);
      const found = matchesRootedAt(group.query, root);
      if (found.length === 0) continue;
      const list = byRule.get(rule);
      if (list) list.push(...found);
      else byRule.set(rule, found);
    }
  };
  // Rules whose callee names the file decides (calls.namesIn): their names, asked once, for the rules whose gate is open.
  const perFile: [RuleDefinition, ReadonlySet<string>][] = [];
  for (const rule of compiled.anchors.perFile) {
    if (!opens(rule)) continue;
    const names = rule.calls!.namesIn!(facts);
    if (names.size > 0) perFile.push([rule, names]);
  }
  for (const call of calls) {
    const callNode = call.captures.find((c) => c.name === 'call')!.node;
    const callee = call.captures.find((c) => c.name === 'callee')!.node;
    const name = calleeName(text, callee, hasErrors);
    const rules = compiled.anchors.rulesFor(name);
    for (const rule of rules) visit(rule, callNode);
    for (const [rule, names] of perFile) if (names.has(name) && !rules.includes(rule)) visit(rule, callNode);
  }
  return [...byRule].map(([rule, matches]) => ({ patterns: compiled.anchored(rule)!.patterns, matches }));
}

/**
 * The findings a more specific rule's finding supersedes: a finding of rule G is dropped when a
 * finding of a rule that lists G in `supersedes` is about the same construct, i.e. the same
 * start and end (a rule names its construct with Report.construct: the loop or comprehension; by
 * default it is the flagged range). The specific finding counts even when a suppression comment
 * hides it: the user has silenced the specific advice for that loop, and the generic one
 * (a comprehension over the same rows) is not the better alternative.
 */
export function supersededFindings(raw: readonly RawFinding[], rules: ReadonlyMap<string, RuleDefinition>): Set<RawFinding> {
  const dropped = new Set<RawFinding>();
  const leaders = raw.filter((r) => rules.get(r.finding.ruleId)?.supersedes?.length);
  if (leaders.length === 0) return dropped;
  const claimed = new Map<string, Set<string>>();
  for (const r of leaders) {
    const key = constructKey(r);
    const ids = claimed.get(key) ?? new Set<string>();
    for (const id of rules.get(r.finding.ruleId)!.supersedes!) ids.add(id);
    claimed.set(key, ids);
  }
  for (const r of raw) {
    if (claimed.get(constructKey(r))?.has(r.finding.ruleId)) dropped.add(r);
  }
  return dropped;
}

function constructKey(r: RawFinding): string {
  const [start, end] = r.construct ?? [r.finding.start, r.finding.end];
  return `${start}:${end}`;
}

/** Smallest start and largest end over the captures of a match. */
function matchExtent(match: QueryMatch): { matchStart: number; matchEnd: number } {
  let matchStart = Number.MAX_SAFE_INTEGER;
  let matchEnd = 0;
  for (const c of match.captures) {
    if (c.node.startIndex < matchStart) matchStart = c.node.startIndex;
    const end = c.node.endIndex;
    if (end > matchEnd) matchEnd = end;
  }
  return { matchStart, matchEnd };
}

/** Whether a gated group (or anchored rule) runs on this file: its modules imported and its text gate matched, or either one. */
// No closures: this runs for every gated group on every lint, keystrokes included, and two closures (and their context)
// per group were the largest single allocation of a keystroke's lint after the query results (k67: about 6 % of it).
function gatesPass({ requires, textGate, either }: Gate, facts: FileFacts, gates: TextGates): boolean {
  if (either && requires.length > 0 && textGate) return importsAny(requires, facts) || gates.matches(textGate);
  return (requires.length === 0 || importsAny(requires, facts)) && (!textGate || gates.matches(textGate));
}

/**
 * Whether a whole-file lint reads the file's calls: a call-anchored rule whose gate the file opens, or an open gated
 * group rooted at calls (gatedPasses). Asked with the same gates those ask, so it is true whenever they would read one.
 */
function callsWanted(compiled: CompiledRules, facts: FileFacts, gates: TextGates): boolean {
  const opens = (gate: Gate, insideAsyncDef: boolean | undefined) => gatesPass(gate, facts, gates) && (!insideAsyncDef || facts.hasAsyncDef);
  if (compiled.anchoredRules.some((rule) => opens(gateOf(rule), rule.insideAsyncDef))) return true;
  return compiled.gated.some((gated) => opens(gated, gated.insideAsyncDef) && (gated.group()?.roots?.includes('call') ?? false));
}

function importsAny(modules: readonly string[], facts: FileFacts): boolean {
  for (const m of modules) if (facts.importsModule(m)) return true;
  return false;
}

/** A result for a file that was not linted, with the reason shown to the user. */
/** The result with the files its lint read, when it read any (LintResult.dependencies). */
export function withDependencies(details: LintDetails, reads: ReadonlySet<string>): LintDetails {
  if (reads.size > 0) details.dependencies = [...reads];
  return details;
}

export function skippedResult(text: string, reason: string): LintDetails {
  return { findings: [], failures: [], hasSyntaxErrors: false, skipped: reason, suppressions: new SuppressionIndex([]), lines: new LineIndex(text) };
}

function contextFor(
  rule: RuleDefinition,
  severity: Severity,
  text: string,
  facts: FileFacts,
  settings: RuleSettings,
  options: LintOptions,
  files: FileProbe,
  emit: (finding: Finding, report: Report) => void,
  rest: (def: Node) => void,
): RuleContext {
  return {
    text,
    facts,
    settings,
    filePath: options.filePath,
    projectRoot: options.projectRoot,
    files,
    report(report: Report) {
      emit(toFinding(rule, severity, severityOverride(rule, options) !== undefined, report, text), report);
    },
    restsOn: rest,
  };
}

/**
 * The finding as every surface shows it (editor, CLI text, JSON, SARIF): its severity is the user's setting
 * for the rule when there is one, else the one the rule gives this finding (a form of `severityForms`), else
 * the rule's default.
 */
function toFinding(rule: RuleDefinition, severity: Severity, userSet: boolean, report: Report, text: string): Finding {
  const start = report.node?.startIndex ?? report.start;
  const reportedEnd = report.node?.endIndex ?? report.end;
  if (start === undefined || reportedEnd === undefined) throw new Error('report() needs a node or start/end');
  // A finding never ends on a line break: see withoutTrailingLineBreak.
  const end = withoutTrailingLineBreak(text, start, reportedEnd);
  // A per-finding severity applies only while the user has not set the rule's severity (even to its default).
  const effective = report.severity && !userSet ? report.severity : severity;
  const finding: Finding = { ruleId: rule.id, start, end, message: report.message ?? rule.message, severity: effective };
  if (report.edits && rule.fix) {
    finding.fix = {
      title: report.fixTitle ?? rule.fix.title,
      safety: report.safety ?? rule.fix.safety,
      edits: report.edits,
      reason: report.reason ?? rule.fix.reason,
    };
    if (finding.fix.safety === 'safe') delete finding.fix.reason;
  }
  return finding;
}

function atLeast(settings: RuleSettings, rule: RuleDefinition): boolean {
  const min = rule.minPython!;
  const t = settings.targetVersion;
  return t.major > min.major || (t.major === min.major && t.minor >= min.minor);
}

/**
 * The whole lines the syntax errors are on. Error recovery can end an ERROR node mid-line and parse the rest of the line
 * as code: prose that lost its `#` in a notebook cell ("should be written. Default value is 600;") left `value is 600` as
 * a comparison, which is-literal-comparison reported. Nothing on a line with a syntax error is reported.
 */
export function linesAround(text: string, ranges: readonly [number, number][]): [number, number][] {
  return ranges.map(([start, end]) => {
    const lineEnd = text.indexOf('\n', Math.max(end - 1, start));
    return [text.lastIndexOf('\n', start - 1) + 1, lineEnd < 0 ? Math.max(end, text.length) : Math.max(end, lineEnd)];
  });
}

export function overlapsAny(start: number, end: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([s, e]) => start < e && s < Math.max(end, start + 1));
}

export type { Node };
