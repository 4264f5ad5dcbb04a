// Incremental linting for the editor: after an edit, re-run the rules only over the part of the
// file the edit could have changed (the "region"), and reuse every other finding.
//
// Why: on a 12k-line file one query pass over the whole tree costs more than the incremental
// re-parse itself, so a full lint per keystroke can never stay close to the parse time. Nor can
// anything else that walks the whole file or its text per keystroke: this file keeps every
// whole-file fact as plain data (offsets and strings) and updates it only inside the region.
//
// The region (conservative; anything doubtful falls back to a full lint):
//  - The top-level statements ("units") an edit or a tree-sitter changed range touches, whole;
//    and when one is module-level code (not a def or class), the module-level code that spells a
//    word of it (before or after the edit): module-level code runs top to bottom and reads names
//    bound above, and whatever it binds, reads or mutates it names. (After several edits at once,
//    or when the edited code has too many words to look for, all module-level code.)
//  - Except inside module-level code with a block (a script's `if __name__ == "__main__":`, a
//    top-level loop or `with`): narrowed down to the edited statement as inside a def (below), and
//    the module-level code that spells a word of that statement.
//  - Except for a keystroke in a comment or a docstring: that comment or docstring alone. A
//    keystroke in another string literal re-lints its statement as below, but the words looked for
//    elsewhere are the statement's less the string's (prose, not names), plus the word typed into.
//  - Except inside a def (a method too, of a class at any depth): an edit inside a statement of
//    its body re-lints the innermost statement around the edit (followed down through loops, ifs,
//    withs, tries and nested defs), the rest of each compound statement around it (header, other
//    clauses), the def's header, the class headers, and the statements of each block on the way
//    that spell a word of the edited statement; plus the match of every cached finding inside the
//    def-body (or top-level) statement the edit is in. Failing that (a header edited, too many
//    words), an edit strictly inside one method re-lints that method and the class header
//    (decorators, name, bases), not the other methods. Def-, class- and loop-level matches are
//    found again because a query range returns every match whose root intersects it.
//  - Plus the header of every module-level class that an edited statement names (as far as its
//    words are known): class findings can rest on where the class is used (its constructor calls).
//  - Plus the defs that spell a name whose module-level value an edit changed (`device = "cuda"`
//    edited; of a class, the methods that spell it and its header): addValueReaders.
//  - Plus the match of every cached finding whose range or fix reaches into the region (or whose
//    message cites a line, when lines moved): its fix or message may be stale; and of every one
//    that rests on a def an edit reaches into (Report.restsOn: the function a pool runs), and of
//    every match, finding or not, whose verdict rests on such a def (RuleContext.restsOn).
//  - Spans of one top-level statement less than JOIN_GAP apart run as one range (fewer query passes);
//    the rule matches that walk finds between them are not the region's: dropped before their checks run.
// A query over the region returns every match with a capture in it, so re-running the region
// replaces exactly the cached findings whose match intersects it; the others are kept, shifted.
//
// Whole-file facts (imports, async def names, line-ending style, options) form a key: when the
// region changes it, everything is re-linted. When a module-level name is bound more or fewer
// times, every statement that spells it is re-linted too, as is every statement that spells a def
// whose decorators changed; when a class's members' names change, its calls and its subclasses'
// (every spelling of it when its bases change: the matches around those words). A rule's check may
// still read outside the region (another def's body, unless its rule names it with restsOn;
// another method's `self.x = …`; a value bound inside module-level `if`/`try`, whose classes have no shape either).
// Such cross-statement dependencies are caught by verify(): a full lint run when the editor is
// idle, which replaces the result (and says so) if the incremental one differed.
import {
  addModules,
  bindingsOf,
  boundNames,
  FileFacts,
  importIndexOf,
  relativeImportSpelledNear,
  softImportSpelledNear,
  type FactCaptures,
  type ImportBinding,
  type ImportIndex,
  type SoftImportsMemo,
} from '../analysis/facts';
import { withDependencies, type Engine, type LintDetails, type MatchRest, type RawFinding, type RawLint } from './engine';
import type { LintOptions } from './options';
import { looksLikeSuppression } from './suppressions';
import type { Node, QueryMatch, Tree } from '../syntax/parser';
import { ownedString } from '../syntax/text';
import { copyObjects, mapToObjects, objectArray } from '../syntax/objectArrays';
import { PYTHON_KEYWORDS } from '../analysis/names';
import { lineEndOf, lineStartOf } from '../fixes/edits';
import { definitionOf } from '../analysis/scopes';
import {
  gateHitNear,
  wordRunsNear,
  hasWord,
  hitOutlivesEdits,
  isAsciiWordChar,
  isSpelledBetween,
  nextWord,
  WordIndex,
  wordOffsets,
  type GateHit,
  type NameReads,
} from '../syntax/spelling';
import type { RuleFailure } from '../../common/types';

/** One LSP content change, in offsets of the text it applied to (changes apply in order). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

interface Span {
  start: number;
  end: number;
}

/** A top-level statement. */
interface Unit extends Span {
  type: string;
  /** Names it binds at module level (def, class, assignment). */
  bindings: string[];
  /** For a (decorated) class, what its users' findings rest on: its header and its members' names (classShape); else null. */
  shape: string | null;
  /**
   * With a shape, where its body's statements lie (MemberSpans), so that an edit inside the part of one the shape leaves
   * out keeps the shape without reading it again (carriedShape); else null.
   */
  members: MemberSpans | null;
}

/**
 * Each member (statement) of a class unit's body as four numbers: its start, where the part its shape leaves out starts
 * (classShape), and its end, as offsets relative to the unit's start (the unit moves whole with the edits above it:
 * relative offsets need no shift), then its kind (PLAIN, DECORATED, SILENT).
 */
type MemberSpans = number[];

/** An import statement, without its node: what FileFacts and the whole-file key need. */
interface ImportFact extends Span {
  /** Its text, whitespace collapsed (part of the whole-file key). */
  text: string;
  bindings: Omit<ImportBinding, 'statement'>[];
}

interface FunctionFact extends Span {
  /** The name of an `async def`, else null. */
  asyncName: string | null;
}

/** Everything the last lint learned, in the coordinates of the text it linted. */
interface State {
  text: string;
  units: Unit[];
  raw: RawFinding[];
  /** The matches whose verdict, finding or not, rests on another def's body (RuleContext.restsOn): see carryRests. */
  rests: MatchRest[];
  errors: [number, number][];
  imports: ImportFact[];
  functions: FunctionFact[];
  comments: Span[];
  /** Comments that look like suppressions (a subset of comments). */
  suppressions: Span[];
  /** How many units bind each module-level name, and how many async defs have each name. */
  bindingCounts: Map<string, number>;
  asyncCounts: Map<string, number>;
  /** The sets FileFacts gets (kept as long as the counts keep the same keys). */
  moduleBindings: Set<string>;
  asyncNames: Set<string>;
  eol: string;
  optionsKey: string;
  /** Where the rules' text gates matched (see TextGates): carried to the next lint when an edit left them alone. */
  gateHits: ReadonlyMap<RegExp, GateHit | null>;
  /**
   * What the lints behind the cached findings asked about the imports as a whole (FileFacts): the
   * modules whose presence they tested, those whose bindings they read, and whether one read the
   * whole list of imports.
   */
  moduleQueries: Set<string>;
  bindingQueries: Set<string>;
  importListRead: boolean;
  /** The words the lints looked up in the whole text, and where (carried across a single edit). */
  words: WordIndex;
  /** The other files the lints behind the cached findings read (kept findings still rest on them). */
  reads: Set<string>;
  /** What the last lint's facts learned about soft imports (FileFacts.softImportsMemo), carried when the edit cannot change it. */
  softImports: SoftImportsMemo;
  /** The import index the last region lint built (null after a full lint): kept while the import statements stay. */
  importIndex: LazyImportIndex | null;
}

export interface IncrementalStats {
  full: number;
  partial: number;
  /** Units the last lint re-linted (wholly or in part), and the total. */
  lastDirty: number;
  lastUnits: number;
  /** The ranges the last incremental lint re-linted (tests, debugging). */
  lastRanges: { start: number; end: number }[];
  /**
   * When set (bench: keymin.js with KEYMIN_STEPS), each step of a partial lint adds its time (ms) here, by step: where a
   * keystroke's lint goes outside the rule pass, whose parts the engine's profile has. Null otherwise (no clock read).
   */
  steps: Map<string, number> | null;
  /** How many class shapes the last incremental lint read from the tree (tests: an edit in a method's body reads none). */
  lastShapeReads: number;
  /** How many times a region lint built its import index anew (tests: a region that reads an import statement again keeps it). */
  importIndexBuilds: number;
}

/** Above this share of the text a full lint is cheaper than the bookkeeping. */
const MAX_REGION_SHARE = 0.3;
const KEY_CHANGED = new Error('whole-file facts changed');
/** Top-level statements whose findings do not depend on the module-level code around them. */
const SELF_CONTAINED = new Set(['function_definition', 'class_definition', 'decorated_definition', 'comment']);
const CITES_LINE = /\blines? \d/;
/** Characters that can end, start or split a comment or string (an f-string's braces): an edit without them keeps the tokens around it. */
const PROSE_BREAKING = /["'\\\r\n{}]/;
const isImport = (type: string) => type === 'import_statement' || type === 'import_from_statement';

export class IncrementalLinter {
  /**
   * Test-only: the id of a rule whose findings every partial lint drops from what its region pass found, so that the
   * idle-time full lint has a difference to correct (test/lsp's tests of that correction, which until round 61 relied on
   * a gap of the region that is closed since). Set only by the server's node entry point (lsp/main.ts) from the
   * PERFLENS_TEST_INCREMENTAL_SKIP environment variable, which only the test client sets; no setting or option reaches it.
   */
  static testSkip: string | null = null;
  private state: State | null = null;
  readonly stats: IncrementalStats = { full: 0, partial: 0, lastDirty: 0, lastUnits: 0, lastRanges: [], steps: null, lastShapeReads: 0, importIndexBuilds: 0 };

  /**
   * `selfCheck` (tests): compare the units carried across an edit with the tree's, and throw if they
   * differ. `joinGap` (tests: 0, to see the region as chosen): see JOIN_GAP.
   */
  constructor(
    private readonly engine: Engine,
    private readonly selfCheck = false,
    private readonly joinGap = JOIN_GAP,
  ) {}

  /** The gated groups the last lint opened: the next region lint runs them with the base patterns (PartialRun.expectedGroups). */
  private openGroups: string[] = [];
  /** The options of the last full lint: prepareRegions() readies the queries its next edit needs (with openGroups). */
  private lastFullOptions: LintOptions | null = null;

  /**
   * Compiles the region queries the next incremental lint will run, if the last lint was a full
   * one (the editor calls it when idle after a full lint; the first keystroke need not wait).
   */
  prepareRegions(): void {
    const options = this.lastFullOptions;
    this.lastFullOptions = null;
    if (options) this.engine.prepareRegions(options, this.openGroups);
  }

  /** Forgets everything (next lint is full). */
  reset(): void {
    this.state = null;
  }

  /**
   * Lints tree/text. `changes` are the edits since the previous lint of this linter (null: unknown,
   * lint in full); `changedRanges` are tree-sitter's changed ranges between the two trees.
   */
  lint(
    tree: Tree,
    text: string,
    options: LintOptions,
    changes: readonly TextChange[] | null,
    changedRanges: readonly { startIndex: number; endIndex: number }[] = [],
  ): LintDetails {
    const tooLarge = this.engine.tooLarge(text, options);
    if (tooLarge) {
      this.state = null;
      return tooLarge;
    }
    const optionsKey = JSON.stringify(options);
    const prev = this.state;
    if (prev && changes && prev.optionsKey === optionsKey) {
      // The partial lint shifts the kept entries of `prev` in place (no copies per keystroke): from
      // here on prev is spent, and whatever happens next (a full lint, an exception) starts afresh.
      this.state = null;
      const partial = this.partial(prev, tree, text, options, changes, changedRanges);
      if (partial) return partial;
    }
    return this.full(tree, text, options, optionsKey);
  }

  /**
   * A full lint of the same tree; true when it equals what `result` reported. Either way the cache
   * is reseeded from the full lint, so later edits build on exact data.
   */
  verify(tree: Tree, text: string, options: LintOptions, result: LintDetails): { same: boolean; details: LintDetails } {
    const details = this.full(tree, text, options, JSON.stringify(options));
    return { same: sameFindings(details.findings, result.findings) && details.failures.length === result.failures.length, details };
  }

  private full(tree: Tree, text: string, options: LintOptions, optionsKey: string): LintDetails {
    this.stats.full++;
    const run = this.engine.lintRaw(tree, text, options);
    this.openGroups = run.openGroups.map((group) => group.key);
    this.lastFullOptions = options;
    const root = tree.rootNode;
    const units = unitsOf(tree);
    units.forEach((u, k) => {
      const node = root.child(k)!;
      u.bindings = boundNames(node);
      readShape(u, node, text);
    });
    this.stats.lastDirty = units.length;
    this.stats.lastUnits = units.length;
    if (run.failures.length) {
      this.state = null;
    } else {
      const comments = mapToObjects(run.captures.comments, spanOf);
      const bindingCounts = new Map<string, number>();
      for (const u of units) count(bindingCounts, u.bindings, 1);
      const functions = mapToObjects(run.captures.functions, functionFact);
      const asyncCounts = new Map<string, number>();
      count(asyncCounts, asyncNamesOf(functions), 1);
      this.state = {
        text,
        units,
        raw: run.raw,
        rests: run.rests,
        errors: run.errorRanges,
        imports: mapToObjects(run.captures.imports, (n) => importFact(n, text)),
        functions,
        comments,
        // Copies: partial lints shift entries in place, and a shared entry would be shifted twice.
        suppressions: suppressionSpans(comments, text),
        bindingCounts,
        asyncCounts,
        moduleBindings: new Set(bindingCounts.keys()),
        asyncNames: new Set(asyncCounts.keys()),
        eol: eolStyle(text),
        optionsKey,
        gateHits: run.gateHits,
        moduleQueries: run.facts.moduleQueries,
        bindingQueries: run.facts.bindingQueries,
        importListRead: run.facts.importListRead,
        words: run.facts.words,
        reads: run.reads,
        softImports: run.facts.softImportsMemo,
        importIndex: null,
      };
    }
    // Ranked on facts of their own: the words a finding's impact rests on are then the ranking's, not every rule's (markCarriedImpacts).
    return withDependencies(
      this.engine.finish(text, run.facts, run.raw, run.failures, run.errorRanges, run.active, undefined, options, rankingFactsPerUnit(run.facts, units)),
      run.reads,
    );
  }

  /**
   * The lint after an edit: re-runs the rules over the region the edit could have changed (see the
   * file header) and reuses every other cached finding, shifted. Null when a full lint is needed:
   * the region is too large, a whole-file fact changed, or a rule failed.
   */
  private partial(
    prev: State,
    tree: Tree,
    text: string,
    options: LintOptions,
    changes: readonly TextChange[],
    changedRanges: readonly { startIndex: number; endIndex: number }[],
  ): LintDetails | null {
    const clock = this.stats.steps && new StepClock(this.stats.steps);
    const edit = describeEdit(prev, tree, text, changes, changedRanges);
    if (this.selfCheck) checkUnits(edit.units, tree);
    this.stats.lastShapeReads = edit.carried.shapeReads;
    clock?.lap('describeEdit');
    const region = new Region(edit.units, text);
    addTouchedUnits(edit, region);
    clock?.lap('addTouchedUnits');
    const rebound = addImportReaders(edit, region);
    if (rebound === null) return null;
    const moduleBindings = recountBindings(edit, region);
    if (moduleBindings === null) return null;
    clock?.lap('imports and bindings');
    const cached = carryFindings(edit, region);
    const rests = carryRests(edit, region);
    clock?.lap('carryFindings');
    // The region as chosen, and the ranges the pass walks: close spans of one statement joined (see JOIN_GAP). The rule
    // matches the walk finds between two spans are dropped before their checks run (matchInRegion; the facts are taken by
    // the spans), and the findings there are kept: a keystroke in typing.py's `NamedTupleMeta.__new__` re-checked and
    // ranked again an assert 800 characters from the edited line (0.3 of its 0.6 ms) only because the walk went past it.
    const spans = settleSpans(region.parts, cached, rests);
    const walk = joinWithinUnits(spans, edit.units, this.joinGap);
    if (walk.reduce((n, s) => n + s.end - s.start, 0) > text.length * MAX_REGION_SHARE) return null;
    // The pass finds the region's matches again: their cached findings go.
    const kept = cached.filter((r) => !hits(r.matchStart, r.matchEnd, spans));
    const keptRests = rests.filter((r) => !hits(r.matchStart, r.matchEnd, spans));
    clock?.lap('settleSpans');
    markCarriedImpacts(edit, kept, moduleBindings);
    clock?.lap('markCarriedImpacts');
    const tables = splitTables(edit, spans);
    clock?.lap('splitTables');
    const pass = this.runRegion(edit, options, { walk, spans, scopes: region.scopes }, tables, rebound, moduleBindings);
    if (pass === null) return null;
    clock?.lap('rule pass');
    return this.adopt(edit, region, { walk, spans, scopes: region.scopes }, { raw: kept, rests: keptRests }, tables.errors, pass, options, clock);
  }

  /**
   * Runs the rules over the region's spans, with whole-file facts updated from the region (see
   * regionState). Null when that update changed the whole-file key or a rule failed: the full lint
   * handles both (and reports the failure, disabling the rule for the whole file).
   */
  private runRegion(
    edit: EditedFile,
    options: LintOptions,
    { walk, spans, scopes }: RegionSpans,
    tables: SplitTables,
    rebound: ReadonlySet<string>,
    moduleBindings: Set<string>,
  ): RegionPass | null {
    const { prev, tree, root, text, changes } = edit;
    let facts: FileFacts | undefined;
    let next: CarriedState | undefined;
    let run: RawLint;
    try {
      run = this.engine.lintRaw(tree, text, options, {
        ranges: walk,
        keep: walk.length === spans.length ? undefined : matchInRegion(spans, scopes),
        gateHits: carriedGateHits(prev.gateHits, changes, text),
        expectedGroups: this.openGroups,
        facts: (fresh) => {
          const inRegion = (n: Node) => hits(n.startIndex, n.endIndex, spans);
          next = regionState(edit, fresh, inRegion, tables, rebound, moduleBindings);
          facts = new FileFacts(tree, text, new LazyCaptures(root, next, fresh, inRegion), {
            imports: next.importIndex!.on(root),
            moduleBindings,
            asyncFunctionNames: prev.asyncNames,
            words: next.words,
            softImports: next.softImports,
          });
          return facts;
        },
      });
    } catch (error) {
      if (error === KEY_CHANGED) return null;
      throw error;
    }
    if (run.failures.length || !next) return null;
    if (next.importIndex !== prev.importIndex) this.stats.importIndexBuilds++;
    // A gate the edit opened or closed (a text gate's word typed or removed) changes what every statement's
    // findings are, not only the region's: a full lint.
    if (!sameGroups(run.openGroups, this.openGroups)) return null;
    return { run, facts: facts!, next };
  }

  /**
   * Merges the region's findings and error ranges into the kept ones, stores the new state and
   * finishes the lint as a full one would (suppressions, severities, error filtering).
   */
  private adopt(
    edit: EditedFile,
    region: Region,
    { walk, spans }: RegionSpans,
    kept: { raw: RawFinding[]; rests: MatchRest[] },
    errors: Span[],
    pass: RegionPass,
    options: LintOptions,
    clock: StepClock | null,
  ): LintDetails {
    const { root, text, units } = edit;
    const { run, facts, next } = pass;
    const found = IncrementalLinter.testSkip === null ? run.raw : run.raw.filter((r) => r.finding.ruleId !== IncrementalLinter.testSkip);
    const raw = mergeFindings(kept.raw, found, spans, region.scopes);
    const rests = mergeRests(kept.rests, run.rests, spans, region.scopes);
    const errorRanges = mergeErrorRanges(errors, run.errorRanges, spans, root);
    this.stats.partial++;
    this.stats.lastDirty = region.dirtyUnits.size;
    this.stats.lastUnits = units.length;
    this.stats.lastRanges = walk;
    // The region's findings rest on what this lint asked about the imports, as the kept ones on what earlier lints asked.
    for (const m of facts.moduleQueries) next.moduleQueries.add(m);
    for (const m of facts.bindingQueries) next.bindingQueries.add(m);
    // Not copied when the region read no file (the usual case): the engine adds only to the running lint's set (run.reads).
    const reads = run.reads.size === 0 ? edit.prev.reads : new Set([...edit.prev.reads, ...run.reads]);
    // Spelled out, not `{ ...next, raw, … }`: a spread that adds properties takes V8's slow path (20-30 µs here, every keystroke).
    this.state = {
      text: next.text,
      units: next.units,
      raw,
      rests,
      errors: errorRanges,
      imports: next.imports,
      functions: next.functions,
      comments: next.comments,
      suppressions: next.suppressions,
      bindingCounts: next.bindingCounts,
      asyncCounts: next.asyncCounts,
      moduleBindings: next.moduleBindings,
      asyncNames: next.asyncNames,
      eol: next.eol,
      optionsKey: next.optionsKey,
      gateHits: run.gateHits,
      moduleQueries: next.moduleQueries,
      bindingQueries: next.bindingQueries,
      importListRead: next.importListRead || facts.importListRead,
      words: next.words,
      reads,
      softImports: next.softImports,
      importIndex: next.importIndex,
    };
    const suppressionNodes = suppressionNodesOf(root, next.suppressions);
    clock?.lap('adopt');
    const details = this.engine.finish(
      text,
      facts,
      raw,
      [] as RuleFailure[],
      errorRanges,
      run.active,
      suppressionNodes,
      options,
      rankingFactsPerUnit(facts, units),
    );
    clock?.lap('finish (ranking, suppressions)');
    return withDependencies(details, reads);
  }
}

/** Adds the time since the last lap to a step's entry (IncrementalStats.steps). */
class StepClock {
  private last = performance.now();

  constructor(private readonly into: Map<string, number>) {}

  lap(step: string): void {
    const now = performance.now();
    this.into.set(step, (this.into.get(step) ?? 0) + now - this.last);
    this.last = now;
  }
}

// The steps of a partial lint, in the order IncrementalLinter.partial takes them.

/** An edit as the steps of a partial lint see it, in the new text's coordinates. */
interface EditedFile {
  /** The previous state: spent, its entries are shifted in place. */
  prev: State;
  tree: Tree;
  root: Node;
  text: string;
  changes: readonly TextChange[];
  /** The change, when there is one: the narrower regions need the text an edit removed, known only then. */
  only: TextChange | null;
  /** Whether line breaks came or went (or may have: several changes), moving every line below. */
  linesMoved: boolean;
  /** The edits and tree-sitter's changed ranges, merged. */
  touched: Span[];
  /** The content of the string literal a keystroke is strictly inside (it broke no token), else null: see editedWords. */
  inString: Span | null;
  units: Unit[];
  carried: Carried;
  /** The word index of the new text: the previous one carried across the one change (WordIndex.edited), else a new one. */
  words: WordIndex;
}

/** The state a partial lint builds before its rules run (the findings, error ranges and gate hits come after). */
type CarriedState = Omit<State, 'raw' | 'rests' | 'errors' | 'gateHits' | 'reads'>;

/** The region's spans as chosen, the ranges its pass walks (close spans joined), and the scopes it was narrowed inside. */
interface RegionSpans {
  walk: Span[];
  spans: Span[];
  scopes: readonly Span[];
}

/** What the region's rule pass returned, with the whole-file facts and state it ran on. */
interface RegionPass {
  run: RawLint;
  facts: FileFacts;
  next: CarriedState;
}

/**
 * Step 1: where the edit landed. The units are carried across it (shifted, and read again only
 * around it) instead of read from the tree: reading every top-level child costs a walk per keystroke.
 */
function describeEdit(
  prev: State,
  tree: Tree,
  text: string,
  changes: readonly TextChange[],
  changedRanges: readonly { startIndex: number; endIndex: number }[],
): EditedFile {
  const root = tree.rootNode;
  const edited = editedSpans(changes);
  // Pushed, not spread from a `.map`: one array kind reaches mergeSpans (objectArrays.ts).
  const spans = copyObjects(edited);
  for (const r of changedRanges) spans.push({ start: r.startIndex, end: r.endIndex });
  const touched = mergeSpans(spans, 0);
  const carried = carryUnits(prev.units, changes, touched, root, text);
  const only = changes.length === 1 ? changes[0] : null;
  const linesMoved =
    changes.length > 1 || changes.some((c) => /[\r\n]/.test(prev.text.slice(c.start, c.oldEnd)) || /[\r\n]/.test(text.slice(c.start, c.newEnd)));
  const inString = only && !breaksProse(prev.text, text, only) ? stringContentAround(root, only) : null;
  const words = only && prev.words.text === prev.text ? prev.words.edited(text, only) : new WordIndex(text);
  return { prev, tree, root, text, changes, only, linesMoved, touched, inString, units: carried.units, carried, words };
}

/** The region as the steps grow it: the spans to re-run, before they are merged. */
class Region {
  readonly parts: Span[] = [];
  /** The statements (of a def's body, or top-level) that the region was narrowed inside (see carryFindings). */
  readonly scopes: Span[] = [];
  /** The units the region holds (wholly or in part): the stats report them. */
  readonly dirtyUnits = new Set<number>();
  /** The words of the edited statements (narrowed edits and edited module-level code): see addNamedClassHeaders. */
  readonly editedWords = new Set<string>();

  constructor(
    private readonly units: readonly Unit[],
    private readonly text: string,
  ) {}

  /**
   * Adds the units that `which` accepts and that spell one of the words (any, for null), less those `readsNone` says
   * only spell them (asked last: it may look at the tree).
   */
  addUnitsSpelling(words: ReadonlySet<string> | null, which: (u: Unit) => boolean, readsNone?: (u: Unit) => boolean): void {
    this.units.forEach((u, k) => {
      if (this.dirtyUnits.has(k) || !which(u) || (words && !spellsAnyWord(this.text.slice(u.start, u.end), words))) return;
      if (words && readsNone?.(u)) return;
      this.parts.push(u);
      this.dirtyUnits.add(k);
    });
  }
}

/**
 * Step 2: the units the edit touched, each narrowed as far as the edit allows (see addNarrowedUnit),
 * and the module-level code that reads what touched module-level code binds.
 */
function addTouchedUnits(edit: EditedFile, region: Region): void {
  const { prev, text, only, units, touched, carried } = edit;
  const keystrokeInProse = only !== null && !breaksProse(prev.text, text, only);
  const editedModuleCode: Unit[] = [];
  /** The words of the statements edited inside module-level compound statements (compoundRegion). */
  const moduleWords = new Set<string>();
  /** The headers of the classes re-linted whole: the classes they name (a new subclass's bases) may answer otherwise. */
  const classHeaders: Span[] = [];
  /** The names of the classes edited inside (not in a comment or docstring alone): their subclasses may answer otherwise. */
  const editedClasses = new Set<string>();
  for (const k of carried.reread) {
    const u = units[k];
    const touching = touched.filter((t) => touches(t, u));
    // A unit read again that no span touches is clean if it is an old unit, shifted.
    if (touching.length === 0 && carried.moved.some((m) => m.start === u.start && m.end === u.end && m.type === u.type)) continue;
    region.dirtyUnits.add(k);
    if (!keystrokeInProse && (u.type === 'class_definition' || u.type === 'decorated_definition')) for (const name of u.bindings) editedClasses.add(name);
    if (touching.length > 0 && addNarrowedUnit(edit, region, u, touching, keystrokeInProse, moduleWords)) continue;
    region.parts.push(u);
    if (!SELF_CONTAINED.has(u.type)) editedModuleCode.push(u);
    const header = classHeader(edit.root, u);
    if (header) classHeaders.push(header);
  }
  addModuleCodeReaders(edit, region, editedModuleCode, moduleWords);
  addValueReaders(edit, region);
  // The words the edit removed (a deleted subclass or constructor call) and those of re-linted class headers.
  for (const word of (only && editedWords(prev.text, text, only, classHeaders)) || []) region.editedWords.add(word);
  addNamedClassHeaders(edit, region);
  addSubclassHeaders(edit, region, editedClasses);
}

/**
 * A subclass's findings can rest on what its base declares (slots-subclass-missing-slots reads the base's `__slots__`,
 * slots rules its attributes): an edit inside a class re-lints the headers of the module-level classes whose header
 * names it (`class LabelledBox(Box[T])`), from which every class-level match is found again. Without it a keystroke that
 * broke `Box`'s `__slots__` kept `LabelledBox`'s finding, which a full lint no longer reports (the mismatch probe's seed 11).
 */
function addSubclassHeaders(edit: EditedFile, region: Region, editedClasses: ReadonlySet<string>): void {
  // At any depth: a grandchild's finding rests on the whole lineage (slots-subclass-missing-slots asks whether its base is
  // fully slotted, which reads the base's bases). Each level is a scan of the class units, for the names found at the last.
  const reached = new Set(editedClasses);
  for (let frontier: ReadonlySet<string> = editedClasses; frontier.size > 0 && reached.size <= MAX_EDITED_WORDS;) {
    const next = new Set<string>();
    edit.units.forEach((u, k) => {
      if (u.type !== 'class_definition' && u.type !== 'decorated_definition') return;
      if (u.bindings.some((name) => reached.has(name))) return;
      // Only the class's opening text is read first (a header is short); the tree only for those that spell a name.
      if (!spellsAnyWord(edit.text.slice(u.start, Math.min(u.end, u.start + SUBCLASS_HEADER_SCAN)), frontier)) return;
      const header = classHeader(edit.root, u);
      if (!header || !spellsAnyWord(edit.text.slice(header.start, header.end), frontier)) return;
      // A dirty unit is re-linted whole already; its subclasses are still followed.
      if (!region.dirtyUnits.has(k)) region.parts.push(header);
      for (const name of u.bindings) next.add(name);
    });
    for (const name of next) reached.add(name);
    frontier = next;
  }
}

/** How much of a class unit's text is looked at for the name of an edited base before its header is read from the tree. */
const SUBCLASS_HEADER_SCAN = 2000;

/** The header (decorators, name, bases) of a unit that is a class, or null. */
function classHeader(root: Node, u: Unit): Span | null {
  const top = unitNode(root, u);
  const cls = top && definitionOf(top);
  const body = cls?.type === 'class_definition' ? cls.childForFieldName('body') : null;
  return top && body ? { start: top.startIndex, end: body.startIndex } : null;
}

/**
 * Adds the narrowest part of unit `u` that covers every span touching it, and returns true; false
 * when no narrowing fits them all (the whole unit is re-linted). Narrowest first: for a keystroke in
 * a comment or docstring, that comment or docstring; for an edit inside a statement of a def's body,
 * the edited statement's path (statementRegion); inside a class, the touched method and the class
 * header; inside module-level compound code, the edited statement's path (its words go to `moduleWords`).
 */
function addNarrowedUnit(edit: EditedFile, region: Region, u: Unit, touching: Span[], keystrokeInProse: boolean, moduleWords: Set<string>): boolean {
  const { prev, root, text, only } = edit;
  const prose = keystrokeInProse ? touching.map((t) => proseRegion(root, t)) : [];
  if (prose.length === touching.length && prose.every((p) => p !== null)) {
    region.parts.push(...(prose as Span[]));
    return true;
  }
  const statements = only ? touching.map((t) => statementRegion(root, u, t, prev.text, text, only, edit.inString)) : [];
  if (statements.length === touching.length && statements.every((m) => m !== null)) {
    for (const m of statements) {
      region.parts.push(...m!.spans);
      region.scopes.push(m!.scope);
      for (const word of m!.words) region.editedWords.add(word);
    }
    return true;
  }
  const members = touching.map((t) => methodRegion(root, u, t));
  if (members.every((m) => m !== null)) {
    for (const m of members) region.parts.push(...m!);
    return true;
  }
  const compounds = only && !SELF_CONTAINED.has(u.type) ? touching.map((t) => compoundRegion(root, u, t, prev.text, text, only, edit.inString)) : [];
  if (compounds.length === touching.length && compounds.every((m) => m !== null)) {
    for (const m of compounds) {
      region.parts.push(...m!.spans);
      region.scopes.push(m!.scope);
      for (const word of m!.words) moduleWords.add(word);
    }
    return true;
  }
  return false;
}

/**
 * Module-level code runs top to bottom and reads what other module-level code binds: re-lint the
 * module-level statements that spell a word of the edited ones (all of them, when too many words).
 */
function addModuleCodeReaders(edit: EditedFile, region: Region, editedModuleCode: readonly Unit[], moduleWords: Set<string>): void {
  if (editedModuleCode.length === 0 && moduleWords.size === 0) return;
  const { prev, text, only } = edit;
  const words = editedModuleCode.length === 0 ? moduleWords : only ? editedWords(prev.text, text, only, editedModuleCode, edit.inString) : null;
  if (words && words !== moduleWords) for (const word of moduleWords) words.add(word);
  // A bare string (typing.py's 1,030-character module docstring, which spells `types`) names the word in prose: it reads
  // no name, and no rule's match in it rests on other statements.
  region.addUnitsSpelling(
    words,
    (u) => !SELF_CONTAINED.has(u.type),
    (u) => bareString(edit.root, u, text),
  );
  for (const word of words ?? []) region.editedWords.add(word);
}

/**
 * A def reads a module-level name's value where it spells it (torch-dataloader-pin-memory flags a DataLoader whose batches
 * go to `device`, bound to "cuda" at module level): when an edit changes what a module-level assignment assigns (its value
 * or annotation, not its targets, whose changes recountBindings follows), re-lint the defs that spell a name it binds,
 * and of a class only the methods that spell it (with its header). Module-level code that spells it is addModuleCodeReaders'.
 * Until round 61 `device = "cuda"` edited to "cpu" kept train()'s finding until the idle-time full lint.
 */
function addValueReaders(edit: EditedFile, region: Region): void {
  const names = reassignedNames(edit);
  if (names.size === 0) return;
  const { root, text } = edit;
  edit.units.forEach((u, k) => {
    if (region.dirtyUnits.has(k) || !SELF_CONTAINED.has(u.type) || u.type === 'comment') return;
    if (!spellsAnyWord(text.slice(u.start, u.end), names)) return;
    const methods = u.shape === null ? null : membersSpelling(root, u, text, names);
    if (methods) {
      region.parts.push(...methods);
      return;
    }
    region.parts.push(u);
    region.dirtyUnits.add(k);
  });
}

/** The names bound by the module-level assignments whose value or annotation an edit touched (re-read units only). */
function reassignedNames(edit: EditedFile): Set<string> {
  const { units, carried, touched, root } = edit;
  const names = new Set<string>();
  for (const k of carried.reread) {
    const u = units[k];
    if (u.type !== 'expression_statement' || u.bindings.length === 0 || !touched.some((t) => touches(t, u))) continue;
    const assignment = unitNode(root, u)?.namedChild(0);
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (!left) continue;
    const value = { start: left.endIndex, end: assignment!.endIndex };
    if (touched.some((t) => touches(t, value))) for (const name of u.bindings) names.add(name);
  }
  return names;
}

/**
 * The methods of class unit `u` that spell one of the names, each with the class header (methodRegion); null when a
 * spelling lies elsewhere in the class (its header, a class-level statement): the class is re-linted whole.
 */
function membersSpelling(root: Node, u: Unit, text: string, names: ReadonlySet<string>): Span[] | null {
  const code = text.slice(u.start, u.end);
  const parts: Span[] = [];
  for (const name of names) {
    for (const at of wordOffsets(code, name)) {
      const start = u.start + at;
      if (parts.some((p) => p.start <= start && start < p.end)) continue;
      const member = methodRegion(root, u, { start, end: start + name.length });
      if (!member) return null;
      parts.push(...member);
    }
  }
  return parts;
}

/** The unit is a string statement alone (a docstring, no f-string interpolation, no comment inside it). */
function bareString(root: Node, u: Unit, text: string): boolean {
  if (u.type !== 'expression_statement' || !startsAString(text, u.start)) return false;
  const n = root.firstChildForIndex(u.start);
  return n !== null && n.startIndex === u.start && n.endIndex === u.end && isBareString(n);
}

/** Whether the text at `at` opens a string literal (a quote, after at most two prefix letters): read before the tree. */
function startsAString(text: string, at: number): boolean {
  // By character code: a regex test of a slice per statement was a third of siblingsSpelling.
  for (let i = at; i <= at + 2; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) return true;
    if (!STRING_PREFIX.has(c)) return false;
  }
  return false;
}

/** r, R, b, B, u, U: the letters a string prefix is made of (`rb"…"`; an f-string's `f` is left out: it reads names). */
const STRING_PREFIX = new Set([114, 82, 98, 66, 117, 85]);

/** The statement is a string alone: no f-string interpolation (which reads names), no comment inside it. */
function isBareString(statement: Node): boolean {
  if (statement.type !== 'expression_statement' || statement.namedChildCount !== 1) return false;
  const s = statement.namedChild(0);
  return s?.type === 'string' && !s.namedChildren.some((c) => c?.type === 'interpolation');
}

/**
 * A class's findings can rest on where the class is used (slots-candidate counts its constructor calls
 * in loops and comprehensions, other class rules read its subclasses): when an edited statement names a
 * module-level class the region does not hold, re-lint that class's header (decorators, name, bases).
 * Every class-level match is found again from it; the methods' matches, which do not reach the header,
 * are kept. Edits whose words are unknown (too many, a def or method re-linted whole) are left to verify().
 */
function addNamedClassHeaders(edit: EditedFile, region: Region): void {
  // A class unit's names are module-level names, counted in bindingCounts (the previous units', which the units not read
  // again keep, and those read again but clean spell alike): most edited words (locals, attributes) are none, and then no
  // class needs looking for (a scan of a 12k-line file's units was 5 % of a keystroke's lint).
  if (!someKeyOf(edit.prev.bindingCounts, region.editedWords)) return;
  edit.units.forEach((u, k) => {
    // Only a (decorated) class has a header; the type is read first, the names only for those.
    if (u.type !== 'class_definition' && u.type !== 'decorated_definition') return;
    if (region.dirtyUnits.has(k) || !u.bindings.some((name) => region.editedWords.has(name))) return;
    const header = classHeader(edit.root, u);
    // Not a dirty unit: only its header is in the region, and a later step may still need the whole of it.
    if (header) region.parts.push(header);
  });
}

/**
 * Step 3: an edit in an import statement changes what some names refer to: every statement that
 * spells one of them is re-linted. (Whether that is all it changes is checked once the region's
 * imports are known: importChangeStaysInRegion.) Returns those names; null when they are unknown
 * or too many (lint in full).
 */
function addImportReaders(edit: EditedFile, region: Region): Set<string> | null {
  const { prev, root, text, only, linesMoved } = edit;
  const rebound = only ? reboundNames(prev.imports, root, text, only, linesMoved) : new Set<string>();
  if (rebound === null || rebound.size > MAX_EDITED_WORDS) return null;
  if (rebound.size > 0) region.addUnitsSpelling(rebound, () => true);
  return rebound;
}

/**
 * Step 4: module-level names the region binds now or bound before. Where one is bound more or fewer
 * times (a def or an assignment renamed, added or removed; typing a new def's name does it on every
 * keystroke), rules that ask whether a name is bound at module level, or which def it names, may
 * answer otherwise, and they ask about names spelled where they look: re-lint every statement that
 * spells a changed name. Returns the module-level names FileFacts gets; null when too many changed.
 */
function recountBindings(edit: EditedFile, region: Region): Set<string> | null {
  const { prev, units, carried } = edit;
  // Counted in place (prev is spent), not copied: only the names of the replaced and re-read
  // units can change their counts, and the set of names changes only when one of them comes or goes.
  const bindingCounts = prev.bindingCounts;
  const countsBefore = new Map<string, number>();
  // Two loops, not one over a spread of two `.map`s: no arrays per keystroke, and no array whose kind depends on
  // whether V8 inlined the `.map` (objectArrays.ts).
  const noteBefore = (names: readonly string[]): void => {
    for (const name of names) if (!countsBefore.has(name)) countsBefore.set(name, bindingCounts.get(name) ?? 0);
  };
  for (const u of carried.moved) noteBefore(u.bindings);
  for (const k of carried.reread) noteBefore(units[k].bindings);
  for (const u of carried.moved) count(bindingCounts, u.bindings, -1);
  for (const k of carried.reread) count(bindingCounts, units[k].bindings, 1);
  // A loop into one array kind, not `[...].filter().map()` (objectArrays.ts).
  const changedNames = objectArray<string>();
  countsBefore.forEach((n, name) => {
    if ((bindingCounts.get(name) ?? 0) !== n) changedNames.push(name);
  });
  const namesChanged = changedNames.some((name) => countsBefore.get(name) === 0 || !bindingCounts.has(name));
  for (const name of redecoratedNames(edit)) if (!changedNames.includes(name)) changedNames.push(name);
  if (changedNames.length > MAX_EDITED_WORDS) return null;
  const reshaped = reshapedClasses(edit);
  if (reshaped === null) return null;
  const moduleBindings = namesChanged ? new Set(bindingCounts.keys()) : prev.moduleBindings;
  if (changedNames.length > 0) region.addUnitsSpelling(new Set(changedNames), () => true);
  addSpellings(edit, region, reshaped);
  return moduleBindings;
}

/**
 * The places that spell each class name (as far as its Reach goes), as the region's spans: a query range returns every
 * match whose root intersects one (the call `Model()`, the loop around it, the class whose bases name it), so each is
 * found again, and the cached findings of those matches go. Narrower than the units that spell the name: typing a method
 * name of typing.py's `_SpecialForm`, which fifteen decorated defs with long docstrings spell, re-linted 23k characters
 * (2 ms a keystroke), and each span is a query run (keymin's p95). Never a decorator (`@_SpecialForm`): rules look a
 * class up by name where it is called, tested (`isinstance`) or derived from, and none judges a def by its decorator's.
 */
function addSpellings(edit: EditedFile, region: Region, reach: ReadonlyMap<string, Reach>): void {
  const { text, words } = edit;
  // From the word index (a change to typing.Generic's `__slots__` reaches nineteen names): remembered there, a name's
  // spellings are shifted across the next keystroke instead of searched for in the whole text again (the insert-then-delete
  // of a letter in a class's `__slots__` searched twice).
  words.spellings(new Set(reach.keys()), (at, name) => {
    if (isDecorator(text, at) || (reach.get(name) === 'calls' && !isCall(text, at, name))) return;
    region.parts.push({ start: at, end: at + name.length });
  });
}

/** The name spelled at `at` is followed by `(` and is not a def's or class's own (`class _LiteralSpecialForm(_SpecialForm`). */
function isCall(text: string, at: number, name: string): boolean {
  if (text.charCodeAt(skipSpaceForward(text, at + name.length)) !== 40 /* ( */) return false;
  const before = skipSpaceBack(text, at - 1);
  return !/\b(?:class|def)$/.test(text.slice(Math.max(0, before - 4), before + 1));
}

/** The first offset from `i` that is not a space or tab. */
function skipSpaceForward(text: string, i: number): number {
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/** The name spelled at `at` follows an `@` that starts its line (a decorator, not a matrix product). */
function isDecorator(text: string, at: number): boolean {
  const before = skipSpaceBack(text, at - 1);
  if (before < 0 || text.charCodeAt(before) !== 64 /* @ */) return false;
  const lineStart = text.lastIndexOf('\n', before - 1) + 1;
  return text.slice(lineStart, before).trim() === '';
}

/**
 * The module-level defs and classes whose decorators the edit changed: rules judge a call by the decorators of the def it
 * names (cache-unhashable-argument reports a list passed to a cached def), so the statements that spell the name are
 * re-linted as for a binding that changed. A decorator typed or removed changes the unit's type (typing `x` before
 * `@functools.cache` leaves the expression `x@functools.cache` above a plain def: the mismatch probe's seed 11, whose
 * call kept its finding); an edit inside the decorators of a def that stays decorated is found from the tree.
 */
function redecoratedNames(edit: EditedFile): string[] {
  const { units, carried, touched, root } = edit;
  const decorated = new Map<string, number>();
  for (const u of carried.moved) if (u.type === 'decorated_definition') count(decorated, u.bindings, -1);
  const names: string[] = [];
  for (const k of carried.reread) {
    const u = units[k];
    if (u.type !== 'decorated_definition') continue;
    count(decorated, u.bindings, 1);
    const top = unitNode(root, u);
    const definition = top ? definitionOf(top) : null;
    const decorators = definition ? { start: u.start, end: definition.startIndex } : null;
    if (decorators && touched.some((t) => touches(t, decorators))) names.push(...u.bindings);
  }
  // `count` drops a name whose count is back at zero: those left gained or lost a decorated definition.
  for (const name of decorated.keys()) if (!names.includes(name)) names.push(name);
  return names;
}

/**
 * How far a class's change reaches into the places that spell its name: every use (its header changed: decorators,
 * bases; or the class came or went), or only its calls (its members changed). Rules that judge a use of a class by its
 * members do so at its calls (abc-abstract-not-implemented's `Model()`, slots-missing-weakref's `weakref.ref(C())`, a
 * model built by `Net()`); a test (`isinstance(x, P)`) rests on its header; a subclass's own findings on its base's
 * members are found again from its header (addSubclassHeaders).
 */
type Reach = 'uses' | 'calls';

/**
 * The module-level classes whose shape (classShape) the edit changed, each with its Reach, and their subclasses in the
 * file (reached at their calls: what their instances lack comes from the changed base). Renaming a method of a subclass
 * of an ABC re-linted the class alone and kept abc-abstract-not-implemented's finding on a constructor call elsewhere
 * until the idle-time full lint. A keystroke in a method's body or parameters leaves the shape alike and re-lints no
 * user. Null when too many subclasses to follow (lint in full).
 */
function reshapedClasses(edit: EditedFile): Map<string, Reach> | null {
  const { units, carried } = edit;
  // The old shape of each name a replaced class unit bound; what is left once the new units are matched came or went.
  const before = new Map<string, string>();
  // And where it ended (shifted): a class that ends elsewhere lost or gained trailing statements, though its members may
  // read alike (a line dedented out of its last method: the mismatch probe's seed 24, where abc-abstract-not-implemented's
  // fix, which adds stubs after the class's last statement, kept the old place).
  const endBefore = new Map<string, number>();
  for (const u of carried.moved) {
    if (u.shape === null) continue;
    for (const name of u.bindings) {
      before.set(name, u.shape);
      endBefore.set(name, u.end);
    }
  }
  const reach = new Map<string, Reach>();
  if (before.size === 0 && !carried.reread.some((k) => units[k].shape !== null)) return reach;
  const widen = (name: string, r: Reach) => {
    if (reach.get(name) !== 'uses') reach.set(name, r);
  };
  for (const k of carried.reread) {
    const u = units[k];
    for (const name of u.bindings) {
      const old = before.get(name);
      before.delete(name);
      if (old === undefined) {
        if (u.shape !== null) widen(name, 'uses');
      } else if (old !== u.shape) {
        widen(name, u.shape === null || shapeHeader(old) !== shapeHeader(u.shape) ? 'uses' : 'calls');
      } else if (endBefore.get(name) !== u.end) {
        widen(name, 'calls');
      }
    }
  }
  for (const name of before.keys()) widen(name, 'uses');
  if (reach.size === 0) return reach;
  const subclasses = subclassesOf(edit, new Set(reach.keys()));
  if (subclasses === null) return null;
  for (const name of subclasses) widen(name, 'calls');
  return reach;
}

/**
 * The names of the module-level classes that derive from one of `names`, at any depth. A class header is looked for
 * only in the class's opening text (SUBCLASS_HEADER_SCAN), then read from the tree. Null when more than MAX_EDITED_WORDS.
 */
function subclassesOf(edit: EditedFile, names: ReadonlySet<string>): string[] | null {
  const found = new Set<string>();
  let frontier = names;
  while (frontier.size > 0 && found.size <= MAX_EDITED_WORDS) {
    const next = new Set<string>();
    for (const u of edit.units) {
      if (u.shape === null || u.bindings.every((name) => names.has(name) || found.has(name))) continue;
      if (!spellsAnyWord(edit.text.slice(u.start, Math.min(u.end, u.start + SUBCLASS_HEADER_SCAN)), frontier)) continue;
      const header = classHeader(edit.root, u);
      if (!header || !spellsAnyWord(edit.text.slice(header.start, header.end), frontier)) continue;
      for (const name of u.bindings) if (!names.has(name) && !found.has(name)) next.add(name);
    }
    for (const name of next) found.add(name);
    frontier = next;
  }
  return found.size > MAX_EDITED_WORDS ? null : [...found];
}

/** A class shape's header part (classShape puts it first, then a NUL, then the members). */
const shapeHeader = (shape: string) => shape.slice(0, shape.indexOf('\0'));

/**
 * What a class's users can rest on, as text: its decorators, name and bases (the header, then a NUL), and each member's
 * decorators and name (a def or class; a decorated def's signature too) or target (an assignment, with whether it is
 * annotated and has a value; the whole `__slots__` assignment), as classIndex reads them. Null for a unit that is not a
 * (decorated) class. Read for each class unit read again, from its body's statements (not their bodies).
 */
function classShape(top: Node, text: string, members: MemberSpans): string | null {
  if (top.type !== 'class_definition' && top.type !== 'decorated_definition') return null;
  const cls = definitionOf(top);
  const body = cls?.type === 'class_definition' ? cls.childForFieldName('body') : null;
  if (!body) return null;
  let shape = text.slice(top.startIndex, body.startIndex) + '\0';
  for (const stmt of body.namedChildren) {
    if (!stmt) continue;
    const def = definitionOf(stmt);
    if (def?.type === 'function_definition' || def?.type === 'class_definition') {
      // A decorated def's signature too: abc-abstract-not-implemented's fix copies an abstract method's (the mismatch
      // probe's seed 23 renamed `self` in one). Not a plain def's: a keystroke in its parameters re-lints no user.
      const decorated = stmt.type === 'decorated_definition';
      const to = decorated ? def.childForFieldName('body')?.startIndex : def.childForFieldName('name')?.endIndex;
      shape += '\n' + text.slice(stmt.startIndex, to ?? def.startIndex);
      if (to !== undefined) members.push(stmt.startIndex - top.startIndex, to - top.startIndex, stmt.endIndex - top.startIndex, decorated ? DECORATED : PLAIN);
      continue;
    }
    const assignment = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assignment?.type !== 'assignment') {
      members.push(stmt.startIndex - top.startIndex, stmt.startIndex - top.startIndex, stmt.endIndex - top.startIndex, SILENT);
      continue;
    }
    const left = assignment.childForFieldName('left');
    const target = left ? text.slice(left.startIndex, left.endIndex) : '';
    // `__slots__` whole: its names count where the class is used (slots-missing-weakref reads `__weakref__` in them).
    if (target === '__slots__') shape += '\n' + text.slice(stmt.startIndex, stmt.endIndex);
    else shape += '\n' + target + (assignment.childForFieldName('type') ? ':' : '') + (assignment.childForFieldName('right') ? '=' : '');
  }
  return shape;
}

/** MemberSpans kinds: a def or class (the shape holds its text up to its name's end), decorated (up to its body), or a statement the shape leaves out (a docstring, a call, a comment: not an assignment). */
const PLAIN = 0;
const DECORATED = 1;
const SILENT = 2;

/** Reads the class shape of unit `u` (its node `top`) and its members' spans; true when it is a class (a shape was read). */
function readShape(u: Unit, top: Node, text: string): boolean {
  const members: MemberSpans = [];
  u.shape = classShape(top, text, members);
  u.members = u.shape === null ? null : members;
  return u.shape !== null;
}

/**
 * When the one change lies strictly inside the part of a member of the class `old` that its shape leaves out (a def's
 * parameters and body, a decorated def's body, the whole of a docstring or other statement that is not an assignment),
 * and the tree still holds that member where it was, of the same kind, with that part around every touched span: the
 * shape is alike (the text around the member is unchanged, and classShape reads nothing of that part), so the old one is
 * kept and only its members' spans are shifted; else null (read it). A keystroke in a method or the docstring of
 * typing.py's `_SpecialForm` read its forty members' names and decorators again for nothing. The extents are checked in
 * both trees: a line indented into a method's body (old: outside every member) or dedented out of it (new: the member
 * ends earlier) changes the members. Only for a tree without errors: carryUnits reads every unit again otherwise.
 */
function carriedShape(n: Node, old: Unit, change: TextChange, touched: readonly Span[]): MemberSpans | null {
  const spans = old.members;
  if (spans === null || n.startIndex !== old.start || n.endIndex !== old.end || n.type !== old.type) return null;
  const base = old.start;
  let i = 0;
  while (i < spans.length && !(base + spans[i + 1] < change.start && change.oldEnd < base + spans[i + 2])) i += 4;
  if (i === spans.length) return null;
  const delta = change.newEnd - change.oldEnd;
  const cls = definitionOf(n);
  const member = cls?.type === 'class_definition' ? cls.childForFieldName('body')?.firstNamedChildForIndex(change.start) : null;
  if (!member || member.startIndex !== base + spans[i] || member.endIndex !== base + spans[i + 2] + delta) return null;
  const from = silentFrom(member, spans[i + 3]);
  // A changed range may start where that part does (a keystroke in its first token): the text before it is unchanged.
  if (from !== base + spans[i + 1] || !touched.every((t) => !touches(t, old) || (from <= t.start && t.end < member.endIndex))) return null;
  if (delta === 0) return spans;
  return shiftedMembers(spans, change.oldEnd - base, delta);
}

/**
 * The member spans with the offsets at or after `edgeAt` (relative to the class) moved by `delta` (the member's end and
 * every later member's); kinds stay. A push loop, not `.map`: TurboFan's inlined `map` makes a holey array where the
 * interpreter's makes a packed one, and each kind memberSpanAt and carriedShape had not seen deoptimised them.
 */
function shiftedMembers(spans: MemberSpans, edgeAt: number, delta: number): MemberSpans {
  const out: MemberSpans = [];
  for (let k = 0; k < spans.length; k++) {
    const v = spans[k];
    out.push(k % 4 !== 3 && v >= edgeAt ? v + delta : v);
  }
  return out;
}

/** Where the part of `member` that its shape leaves out starts, when the member is of `kind` (MemberSpans); else -1. */
function silentFrom(member: Node, kind: number): number {
  const def = definitionOf(member);
  const isDef = def?.type === 'function_definition' || def?.type === 'class_definition';
  if (kind === SILENT) return isDef || (member.type === 'expression_statement' && member.namedChild(0)?.type === 'assignment') ? -1 : member.startIndex;
  if (!isDef || (member.type === 'decorated_definition') !== (kind === DECORATED)) return -1;
  if (kind === DECORATED) return def.childForFieldName('body')?.startIndex ?? -1;
  return def.childForFieldName('name')?.endIndex ?? -1;
}

/** The member of class unit `u` (MemberSpans) whose extent holds `offset`, as absolute offsets; else null. */
function memberSpanAt(u: Unit, offset: number): Span | null {
  const spans = u.members;
  if (spans === null) return null;
  for (let i = 0; i < spans.length; i += 4) {
    if (u.start + spans[i] <= offset && offset < u.start + spans[i + 2]) return { start: u.start + spans[i], end: u.start + spans[i + 2] };
  }
  return null;
}

/**
 * Step 5: the cached findings, shifted. One that an edit touched, or that cites a line when lines
 * moved, is dropped and its match re-run (its message, range or fix may be stale).
 */
function carryFindings(edit: EditedFile, region: Region): RawFinding[] {
  const { prev, changes, linesMoved } = edit;
  const kept: RawFinding[] = [];
  let editedLines: [number, number][] | null = null;
  for (const r of prev.raw) {
    const shifted = shiftRaw(r, changes);
    if (shifted && !(linesMoved && CITES_LINE.test(r.finding.message))) {
      kept.push(shifted);
      // A finding that cites a line of an edited unit rests on the code there (`log_metrics()`, which the training loop
      // calls on every step (line 6718)): a keystroke that breaks that loop changes it, though the finding lies elsewhere.
      if (CITES_LINE.test(r.finding.message)) {
        editedLines ??= linesOfUnits(edit, region);
        if (citedLines(r.finding.message).some((line) => editedLines!.some(([first, last]) => line >= first && line <= last))) {
          region.parts.push({ start: shifted.matchStart, end: Math.max(shifted.matchEnd, shifted.matchStart + 1) });
          continue;
        }
      }
      // A finding that rests on another def's body (Report.restsOn): an edit there may change it, though nothing re-lints
      // its match (the mismatch probe's seed 13 typed `x` before `return` in norm_all(), which ended its loops, and the
      // async-cpu-bound-in-coroutine finding on the call in a coroutine stayed until the idle-time full lint).
      if (shifted.restsOn && edit.touched.some((t) => touches(t, { start: shifted.restsOn![0], end: shifted.restsOn![1] }))) {
        region.parts.push({ start: shifted.matchStart, end: Math.max(shifted.matchEnd, shifted.matchStart + 1) });
        continue;
      }
      // Inside a scope the region holds only the edited path through it: a match rooted at a
      // compound around the edit may have its captures elsewhere in the scope. Re-run every match
      // that lies in a scope (a scope holds few): the pass finds again those that still match.
      if (within(shifted.matchStart, shifted.matchEnd, region.scopes))
        region.parts.push({ start: shifted.matchStart, end: Math.max(shifted.matchEnd, shifted.matchStart + 1) });
      continue;
    }
    // Shifted already (in place) when only its cited line sent it back; else in the old text's coordinates.
    const start = shifted ? shifted.matchStart : mapClamped(r.matchStart, changes, 'start');
    const end = shifted ? shifted.matchEnd : mapClamped(r.matchEnd, changes, 'end');
    region.parts.push({ start, end: Math.max(end, start + 1) });
  }
  return kept;
}

/**
 * Step 5b: the matches whose verdict rests on another def's body (RuleContext.restsOn), shifted. One whose def or match
 * an edit reaches into is re-run (its match goes into the region): a finding that an edit of the def makes appear (a
 * coroutine's call of a def whose loop became nested) is found at once, not at the idle-time full lint. Report.restsOn
 * (carryFindings) does the same for the matches that gave a finding. Shifted in place: prev is spent.
 */
function carryRests(edit: EditedFile, region: Region): MatchRest[] {
  const { prev, changes, touched } = edit;
  for (const r of prev.rests) {
    r.matchStart = mapClamped(r.matchStart, changes, 'start');
    r.matchEnd = mapClamped(r.matchEnd, changes, 'end');
    r.def[0] = mapClamped(r.def[0], changes, 'start');
    r.def[1] = mapClamped(r.def[1], changes, 'end');
    const reached = (t: Span) => (t.start <= r.def[1] && r.def[0] <= t.end) || (t.start <= r.matchEnd && r.matchStart <= t.end);
    // In a scope too, as carryFindings: the pass finds those matches again, and a kept copy would be one more each time.
    if (touched.some(reached) || within(r.matchStart, r.matchEnd, region.scopes))
      region.parts.push({ start: r.matchStart, end: Math.max(r.matchEnd, r.matchStart + 1) });
  }
  return prev.rests;
}

/** The 1-based line ranges of the units the edit made dirty (lines did not move: a line cited before is the same line now). */
function linesOfUnits(edit: EditedFile, region: Region): [number, number][] {
  const spans = [...region.dirtyUnits].map((k) => edit.units[k]).sort((a, b) => a.start - b.start);
  const out: [number, number][] = [];
  let line = 1;
  let at = 0;
  const advance = (to: number) => {
    for (let i = edit.text.indexOf('\n', at); i !== -1 && i < to; i = edit.text.indexOf('\n', i + 1)) line++;
    at = Math.max(at, to);
  };
  for (const u of spans) {
    advance(u.start);
    const first = line;
    advance(u.end);
    out.push([first, line]);
  }
  return out;
}

/** The line numbers a message cites: `line 6718`, `lines 12 and 14`. */
function citedLines(message: string): number[] {
  return [...message.matchAll(/\blines? (\d+)(?:(?:, | and | to |-)(\d+))*/g)].flatMap((m) => m.slice(1).filter(Boolean).map(Number));
}

/**
 * Step 6: the region's parts merged into its spans (the pass walks them joined: see JOIN_GAP). Every place a kept finding
 * points at (its range, its fix's edits) must be outside them, or its match is re-run too (which may
 * grow the spans: repeat). A match the spans cut into is re-run whole unless it starts inside: a
 * sibling sequence (`x = []` then a `for`) is found again only from its first statement, while a
 * def or class match is found from its header, which the region includes.
 */
function settleSpans(parts: readonly Span[], kept: readonly RawFinding[], rests: readonly MatchRest[]): Span[] {
  let spans = mergeSpans(parts, 1);
  for (let grown = true; grown;) {
    grown = false;
    // A rest's match cut into is re-run whole as a finding's (mergeRests takes the pass's): else the record would go, and
    // a later edit of its def would re-run nothing.
    for (const r of rests) {
      if (hits(r.matchStart, r.matchEnd, spans) && !hits(r.matchStart, r.matchStart + 1, spans)) {
        spans = mergeSpans([...spans, { start: r.matchStart, end: Math.max(r.matchEnd, r.matchStart + 1) }], 1);
        grown = true;
      }
    }
    for (const r of kept) {
      if (hits(r.matchStart, r.matchEnd, spans)) {
        if (!hits(r.matchStart, r.matchStart + 1, spans)) {
          spans = mergeSpans([...spans, { start: r.matchStart, end: Math.max(r.matchEnd, r.matchStart + 1) }], 1);
          grown = true;
        }
        continue;
      }
      const f = r.finding;
      if (hits(f.start, f.end, spans) || f.fix?.edits.some((e) => hits(e.start, e.end, spans))) {
        spans = mergeSpans([...spans, { start: r.matchStart, end: Math.max(r.matchEnd, r.matchStart + 1) }], 1);
        grown = true;
      }
    }
  }
  return spans.filter((s) => s.end > s.start);
}

/**
 * Step 6b: which kept findings keep the impact their last ranking gave them (RawFinding.carryImpact), instead of being
 * ranked again: a keystroke on a 12k-line file spent as long ranking the file's findings (the callers of each def, the
 * values of each loop's iterable) as running the rules. A ranking reads the code around the finding (its top-level
 * statement) and, elsewhere, what it looks up by name: a def's callers, a name's bindings, a class's subclasses (all
 * through the word index, which remembers what was asked: WordIndex.reads). So the impact stands when the finding's
 * top-level statement was not read again, no statement that was spells (nor the edit removed) a word the lint behind
 * the ranking looked up, no module-level name gained or lost a binding (FileFacts.moduleBindings, builtins), no import
 * was edited, and that lint read nothing of the whole file another way (a training-loop index). Any doubt: rank afresh.
 * Narrower, when the edit lies inside one member of a class and leaves the class around it alike (Carried.member): the
 * impact of a finding in another member (or elsewhere) stands when the edited member spells no word the ranking looked up
 * and no range it looked inside (WordIndex.between: another method's `self.x` stores) meets it. Every keystroke in
 * argparse's 1,900-line ArgumentParser ranked the findings of its other methods afresh (0.5-0.8 ms of the 12k-line file's
 * slowest edits).
 */
function markCarriedImpacts(edit: EditedFile, kept: readonly RawFinding[], moduleBindings: Set<string>): void {
  const { prev, text, only, units, carried, changes } = edit;
  shiftRangeReads(kept, changes);
  const reread = mapToObjects(carried.reread, (k) => units[k]);
  const carry = only !== null && moduleBindings === prev.moduleBindings && !reread.some((u) => isImport(u.type));
  const edited = carry ? EditedSpellings.of(prev.text, text, only, reread, edit.words) : null;
  const member = edited !== null && carried.member ? carried.member : null;
  const inMember = member ? EditedSpellings.of(prev.text, text, only!, [member], edit.words) : null;
  const clean = new Map<NameReads, boolean>();
  const cleanInMember = new Map<NameReads, boolean>();
  for (const r of kept) {
    const reads = r.rankedWith;
    let ok = edited !== null && reads !== undefined && r.lastImpact !== undefined && !reads.wholeFile;
    if (!ok) {
      r.carryImpact = false;
      continue;
    }
    const own = reread.find((u) => touches(u, { start: r.finding.start, end: r.finding.end }));
    const narrow = (): boolean => {
      let known = cleanInMember.get(reads!);
      if (known === undefined) cleanInMember.set(reads!, (known = !meetsRange(reads!.ranges, member!) && !inMember!.spellsAny(reads!.words)));
      return known;
    };
    if (own === undefined) {
      let known = clean.get(reads!);
      if (known === undefined) clean.set(reads!, (known = !edited!.spellsAny(reads!.words)));
      ok = known || (inMember !== null && narrow());
    } else {
      // In the re-read class: only in a member of its own, away from the edited one (its ranking walked up from there).
      const mine = inMember !== null ? memberSpanAt(own, r.finding.start) : null;
      ok = mine !== null && !touches(mine, member!) && r.finding.end <= mine.end && narrow();
    }
    r.carryImpact = ok;
  }
}

/** True when one of the ranges (start and end in turn) meets the span. */
function meetsRange(ranges: readonly number[], span: Span): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i] <= span.end && span.start <= ranges[i + 1]) return true;
  return false;
}

/**
 * The ranges the kept findings' rankings looked inside (NameReads.ranges), moved with the edit as the findings are:
 * recorded in the text of the lint that ranked, they are compared with the edited member in this one. Each set once
 * (the findings of one member share it); in place, as the rest of the spent state.
 */
function shiftRangeReads(kept: readonly RawFinding[], changes: readonly TextChange[]): void {
  let seen: Set<NameReads> | undefined;
  for (const r of kept) {
    const ranges = r.rankedWith?.ranges;
    if (!ranges || ranges.length === 0) continue;
    seen ??= new Set();
    if (seen.has(r.rankedWith!)) continue;
    seen.add(r.rankedWith!);
    for (let i = 0; i < ranges.length; i += 2) {
      ranges[i] = mapClamped(ranges[i], changes, 'start');
      ranges[i + 1] = mapClamped(ranges[i + 1], changes, 'end');
    }
  }
}

/**
 * The facts to rank the findings of `raw` with: a copy per top-level statement, and per member of a class (FileFacts.withOwnReads), so that a
 * ranking's memos (a def's callers, a loop's iterable) and the words it looked up are shared by the findings of one
 * statement only. With one copy for the whole lint, every finding ranked in it rested on every word any of them looked up,
 * and an edit that spelled one of those words ranked them all again, on one copy again: on the 12k-line file (findings in
 * eleven statements) every keystroke in argparse's ArgumentParser ranked all twelve findings afresh, lint after lint. The
 * whole-file indexes a ranking may read (the training loops, TensorFlow's functions) are built once for all the copies
 * (FileFacts.family), which is what made a copy per statement cost 6x on a file with a finding in every def.
 */
function rankingFactsPerUnit(facts: FileFacts, units: readonly Unit[]): (r: RawFinding) => FileFacts {
  const byUnit = new Map<string, FileFacts>();
  return (r) => {
    const k = unitIndexAt(units, r.finding.start);
    // A class's members each their own (markCarriedImpacts carries a member's impacts across an edit in another).
    const member = k === -1 ? null : memberSpanAt(units[k], r.finding.start);
    const key = member === null ? `${k}` : `${k}:${member.start}`;
    let own = byUnit.get(key);
    if (!own) byUnit.set(key, (own = facts.withOwnReads()));
    return own;
  };
}

/**
 * The words the edited code spelled before or after the edit: those of what the edit removed, grown to whole words of the
 * old text, and those of the statements read again (as they are now), unlike editedWords keywords and attributes too.
 * A word asked about is searched for in the statements (and remembered), rather than every word of theirs collected: a
 * keystroke in a large class collected its thousands of words, a sixth of what the keystroke's lint allocated.
 */
class EditedSpellings {
  private readonly answers = new Map<string, boolean>();

  private constructor(
    private readonly removed: ReadonlySet<string>,
    private readonly text: string,
    private readonly reread: readonly Span[],
    /** The new text's word index: a word it remembers is answered from its offsets, not searched for in the statements. */
    private readonly index: WordIndex,
  ) {}

  /** Null when the statements are too long to search per keystroke (the findings are ranked afresh). */
  static of(oldText: string, text: string, change: TextChange, reread: readonly Span[], index: WordIndex): EditedSpellings | null {
    if (reread.reduce((n, u) => n + u.end - u.start, 0) > MAX_CARRY_READ) return null;
    const [from, to] = removedWords(oldText, change);
    return new EditedSpellings(new Set(oldText.slice(from, to).match(/[A-Za-z_0-9]+/g)), text, reread, index);
  }

  /** Whether a statement spells the word: from the index's offsets when it remembers the word, else a search of each. */
  private spelled(word: string): boolean {
    for (const u of this.reread) {
      const known = this.index.spelledBetween(word, u.start, u.end);
      if (known === undefined) return this.reread.some((r) => isSpelledBetween(this.text, word, r.start, r.end));
      if (known) return true;
    }
    return false;
  }

  /**
   * True when one of the words is spelled by the edited code: a whole word of the removed text, or one the statements
   * spell (wordOffsets' whole words, which end only at ASCII word characters, as the words of the removed text do).
   */
  spellsAny(words: ReadonlySet<string>): boolean {
    for (const word of words) {
      if (this.removed.has(word)) return true;
      let spelled = this.answers.get(word);
      if (spelled === undefined) {
        spelled = this.spelled(word);
        this.answers.set(word, spelled);
      }
      if (spelled) return true;
    }
    return false;
  }
}

/** The characters of re-read statements markCarriedImpacts searches at most per keystroke. */
const MAX_CARRY_READ = 200_000;

/** The previous state's fact tables split at the spans: entries outside are kept (shifted), the pass finds those inside. */
interface SplitTables {
  imports: { kept: ImportFact[]; dropped: ImportFact[] };
  functions: { kept: FunctionFact[]; dropped: FunctionFact[] };
  comments: { kept: Span[]; dropped: Span[] };
  suppressions: { kept: Span[]; dropped: Span[] };
  /** The error ranges outside the spans. */
  errors: Span[];
  eol: string;
}

/**
 * Step 7: the fact tables, split at the spans (shifting what is kept, in place: prev is spent). The lists of functions,
 * comments and suppressions become the kept lists themselves; the imports are copied, since regionState compares the
 * old list with the new one.
 */
function splitTables(edit: EditedFile, spans: readonly Span[]): SplitTables {
  const { prev, text, changes } = edit;
  return {
    imports: splitEntries(copyObjects(prev.imports), changes, spans, true),
    functions: splitEntries(prev.functions, changes, spans),
    comments: splitEntries(prev.comments, changes, spans, true),
    suppressions: splitEntries(prev.suppressions, changes, spans, true),
    errors: splitEntries(
      mapToObjects(prev.errors, ([start, end]) => ({ start, end })),
      changes,
      spans,
    ).kept,
    eol: eolChanged(prev.text, text, changes) ? eolStyle(text) : prev.eol,
  };
}

/**
 * Step 8, once the pass has the region's fact captures and before any rule runs: the new state's
 * whole-file facts, the kept entries plus the region's. Throws KEY_CHANGED when the whole-file key
 * changed (an import beyond what the region re-lints, an async def name, the line-ending style):
 * every finding may depend on it, so the file is linted in full.
 */
function regionState(
  edit: EditedFile,
  fresh: FactCaptures,
  inRegion: (n: Node) => boolean,
  tables: SplitTables,
  rebound: ReadonlySet<string>,
  moduleBindings: Set<string>,
): CarriedState {
  const { prev, text, units } = edit;
  const { imports, functions, comments, suppressions, eol } = tables;
  const newImports = sameFactsAgain(
    imports.dropped,
    mapToObjects(fresh.imports.filter(inRegion), (n) => importFact(n, text)),
  );
  const newFunctions = mapToObjects(fresh.functions.filter(inRegion), functionFact);
  const newComments = mapToObjects(fresh.comments.filter(inRegion), spanOf);
  const allImports = insertSorted(imports.kept, newImports);
  if (!sameImports(prev.imports, allImports) && !importChangeStaysInRegion(prev, allImports, rebound)) throw KEY_CHANGED;
  const asyncCounts = new Map(prev.asyncCounts);
  count(asyncCounts, asyncNamesOf(functions.dropped), -1);
  count(asyncCounts, asyncNamesOf(newFunctions), 1);
  if (!sameKeys(asyncCounts, prev.asyncNames) || eol !== prev.eol) throw KEY_CHANGED;
  return {
    text,
    units,
    imports: allImports,
    functions: insertSorted(functions.kept, newFunctions),
    comments: insertSorted(comments.kept, newComments),
    suppressions: insertSorted(suppressions.kept, suppressionSpans(newComments, text)),
    bindingCounts: prev.bindingCounts,
    asyncCounts,
    moduleBindings,
    asyncNames: prev.asyncNames,
    eol,
    optionsKey: prev.optionsKey,
    // Grown by this lint's own questions (adopt: the region's findings rest on them too).
    moduleQueries: prev.moduleQueries,
    bindingQueries: prev.bindingQueries,
    importListRead: prev.importListRead,
    words: edit.words,
    softImports: carriedImportMemo(edit),
    importIndex: prev.importIndex?.indexes(allImports) ? prev.importIndex : new LazyImportIndex(allImports),
  };
}

/**
 * The import statements the region read again, each replaced by the dropped entry that reads alike (same text, same
 * bindings), moved to where the statement is now: the import list then holds the same entries as before, so the import
 * index is kept (LazyImportIndex.indexes) and sameImports compares no bindings. A region that holds an import statement
 * (a keystroke in module-level code that spells `sys`) rebuilt the index, its bindings and their modules every time.
 * Changes `dropped` entries in place (they are spent: the state keeps only the returned ones).
 */
function sameFactsAgain(dropped: readonly ImportFact[], read: ImportFact[]): ImportFact[] {
  if (dropped.length === 0) return read;
  const unused = copyObjects(dropped);
  for (let k = 0; k < read.length; k++) {
    const x = read[k];
    // Each dropped entry stands for one statement at most (a file may import the same module in two defs).
    const i = unused.findIndex((d) => d.text === x.text && JSON.stringify(d.bindings) === JSON.stringify(x.bindings));
    if (i === -1) continue;
    const same = unused[i];
    unused.splice(i, 1);
    same.start = x.start;
    same.end = x.end;
    read[k] = same;
  }
  return read;
}

/**
 * The soft-import and relative-import answers (SoftImportsMemo) that hold for the edited text, as one object of one shape:
 * a spread of the two parts (`{ ...soft, ...relative }`) adds properties, V8's slow path on every keystroke.
 */
function carriedImportMemo(edit: EditedFile): SoftImportsMemo {
  const soft = carriedSoftImports(edit);
  return { spelled: soft.spelled, found: soft.found, relativeImport: carriedRelativeImport(edit).relativeImport };
}

/**
 * The soft-import answers (FileFacts.softImports) that hold for the edited text. Whether the text spells a soft import
 * call: a match the change left alone still matches, and a new one would hold an edited character (searched for around
 * the change only). When that answer is the same and no module-level expression statement (where soft imports are
 * bound) was replaced or read again, the names found hold too. A search of a 12k-line file's text for the call cost
 * about 0.2 ms, on every keystroke that asked what a name refers to.
 */
function carriedSoftImports(edit: EditedFile): SoftImportsMemo {
  const { prev, text, only, units, carried } = edit;
  const before = prev.softImports.spelled;
  if (!only || before === undefined) return {};
  let spelled: SoftImportsMemo['spelled'];
  if (before === null) spelled = softImportSpelledNear(text, only.start, only.newEnd);
  else if (only.oldEnd < before.start || only.start > before.end) {
    const delta = only.start > before.end ? 0 : only.newEnd - only.oldEnd;
    spelled = { start: before.start + delta, end: before.end + delta };
  } else return {};
  const statementEdited = carried.moved.some((u) => u.type === 'expression_statement') || carried.reread.some((k) => units[k].type === 'expression_statement');
  const found = (before !== null) === (spelled !== null) && !statementEdited ? prev.softImports.found : undefined;
  return found ? { spelled, found } : { spelled };
}

/**
 * Where the edited text spells a relative import (SoftImportsMemo.relativeImport), when that follows from the last
 * answer without a search of the whole text: a match the change left alone (its boundary character included) still
 * matches, shifted; without one before, a new one would hold an edited character (searched for around the change only).
 * Empty when the answer is not known: the next question searches the text.
 */
function carriedRelativeImport(edit: EditedFile): Pick<SoftImportsMemo, 'relativeImport'> {
  const { prev, text, only } = edit;
  const before = prev.softImports.relativeImport;
  if (!only || before === undefined) return {};
  if (before === null) return { relativeImport: relativeImportSpelledNear(text, only.start, only.newEnd) };
  if (only.oldEnd < before.start - 1 || only.start > before.end) {
    const delta = only.start > before.end ? 0 : only.newEnd - only.oldEnd;
    return { relativeImport: { start: before.start + delta, end: before.end + delta } };
  }
  return {};
}

/**
 * Step 9: the region's findings replace the cached ones whose match intersects the spans (the pass
 * found those matches again); a finding reported twice (two matches, same range) is kept once.
 * Appends to `kept` and returns it.
 */
function mergeFindings(kept: RawFinding[], found: readonly RawFinding[], spans: readonly Span[], scopes: readonly Span[]): RawFinding[] {
  // Inside a scope, a match the pass returns outside the spans is rooted at a compound around the
  // edit (the pass starts matches only at nodes in the spans): new, since the scope's cached
  // findings were all re-run.
  const fresh = found.filter((r) => hits(r.matchStart, r.matchEnd, spans) || within(r.matchStart, r.matchEnd, scopes));
  if (fresh.length === 0) return kept;
  // Only a kept finding that starts where a fresh one does can be the same: the others need no key (a keystroke finds a
  // few, and a key for each of the file's hundreds of kept findings was most of what this step allocated).
  const starts = new Set(fresh.map((r) => r.finding.start));
  const seen = new Set<string>();
  for (const r of kept) if (starts.has(r.finding.start)) seen.add(findingKey(r));
  for (const r of fresh) {
    const key = findingKey(r);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(r);
  }
  return kept;
}

/** The kept rests and the pass's new ones, taken from the pass as mergeFindings takes its findings. Appends to `kept`. */
function mergeRests(kept: MatchRest[], found: readonly MatchRest[], spans: readonly Span[], scopes: readonly Span[]): MatchRest[] {
  for (const r of found) if (hits(r.matchStart, r.matchEnd, spans) || within(r.matchStart, r.matchEnd, scopes)) kept.push(r);
  return kept;
}

/**
 * Which matches of a pass over joined ranges the region holds: those mergeFindings would take from it, whose captures
 * reach into a span or lie in a scope. A capture that starts in a span settles it without reading an end (a call into
 * WASM per capture); most of a region's matches do.
 */
function matchInRegion(spans: readonly Span[], scopes: readonly Span[]): (m: QueryMatch) => boolean {
  return (m) => {
    if (m.captures.length === 0) return true;
    let start = Number.MAX_SAFE_INTEGER;
    for (const c of m.captures) {
      const at = c.node.startIndex;
      if (hits(at, at + 1, spans)) return true;
      if (at < start) start = at;
    }
    let end = 0;
    for (const c of m.captures) end = Math.max(end, c.node.endIndex);
    return hits(start, end, spans) || within(start, end, scopes);
  };
}

/** The error ranges outside the spans (kept) and the pass's inside them, sorted. */
function mergeErrorRanges(kept: Span[], found: readonly [number, number][], spans: readonly Span[], root: Node): [number, number][] {
  const errorRanges = mapToObjects(
    insertSorted(
      kept,
      mapToObjects(
        found.filter(([s, e]) => hits(s, e, spans)),
        ([start, end]) => ({ start, end }),
      ),
    ),
    (e) => [e.start, e.end] as [number, number],
  );
  // When recovery gives up on the whole file, the root itself is an ERROR node: the full lint's
  // error pattern matches it (so every finding is dropped), but no region ever holds the root.
  if (root.type === 'ERROR' && !errorRanges.some(([s, e]) => s <= root.startIndex && e >= root.endIndex)) {
    errorRanges.unshift([root.startIndex, Math.max(root.endIndex, root.startIndex + 1)]);
  }
  return errorRanges;
}

/**
 * The tree's top-level children as units, read with a cursor (no Node objects), their bindings not read yet (empty):
 * the callers fill them in. Made whole here
 * rather than spread into a unit later (`{ ...u, bindings }`): a spread that adds a property takes V8's slow path, about
 * 2 µs a unit, and a keystroke that leaves a syntax error reads every unit again.
 */
function unitsOf(tree: Tree): Unit[] {
  const units: Unit[] = [];
  const cursor = tree.walk();
  try {
    if (cursor.gotoFirstChild()) {
      do units.push({ start: cursor.startIndex, end: cursor.endIndex, type: cursor.nodeType, bindings: [], shape: null, members: null });
      while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  return units;
}

/**
 * The new top-level units (the spent old list, changed in place): the old ones that no touched span reaches, shifted,
 * and the tree's top-level children around the touched spans (`reread`, their indices; `moved`, the old units they
 * stand for, shifted). Outside tree-sitter's changed ranges and the edits the structure is unchanged, so this equals
 * reading every child again; when the two do not fit together (a zero-length ERROR node appears outside the changed
 * ranges, say), every child is read again and compared.
 */
function carryUnits(prev: Unit[], changes: readonly TextChange[], touched: readonly Span[], root: Node, text: string): Carried {
  // Shifted in place, like the other entries of the spent previous state (see lint()). Units that
  // end before every change stay where they are.
  const moved = prev;
  const firstChanged = changes.reduce((min, c) => Math.min(min, c.start), Infinity);
  // One keystroke is one change, and most units lie wholly after it: they only move (the hot path).
  const only = changes.length === 1 ? changes[0] : null;
  for (let k = firstUnitEndingFrom(moved, firstChanged); k < moved.length; k++) {
    const u = moved[k];
    if (only && u.start > only.oldEnd) {
      u.start += only.newEnd - only.oldEnd;
      u.end += only.newEnd - only.oldEnd;
      continue;
    }
    const start = mapClamped(u.start, changes, 'start');
    u.end = mapClamped(u.end, changes, 'end');
    u.start = start;
  }
  // With a syntax error, tree-sitter may move a zero-length ERROR or MISSING statement to another
  // place outside every changed range (no count or overlap check sees that): read all again.
  if (root.hasError) return rereadAll(prev, moved, root, touched, text);
  // Windows to read again: the touched spans, grown to whole units. The units stay sorted after the
  // shift (mapClamped keeps the order), so the ones touching a window are found by binary search.
  let windows = mergeSpans(touched, 0);
  for (let grown = true; grown;) {
    grown = false;
    for (const w of windows) {
      for (let k = firstUnitEndingFrom(moved, w.start); k < moved.length && moved[k].start <= w.end && !grown; k++) {
        if (moved[k].start < w.start || moved[k].end > w.end) {
          windows = mergeSpans([...windows, moved[k]], 0);
          grown = true;
        }
      }
      if (grown) break;
    }
  }
  // The windows' old units give way to the tree's children there, in the spent list itself: a new list of every unit per
  // keystroke was most of what describeEdit allocated. All is checked before the list changes: rereadAll needs it whole.
  const swaps: { at: number; old: Unit[]; read: Unit[] }[] = [];
  let last: Unit | undefined;
  let after = 0;
  let length = moved.length;
  let shapeReads = 0;
  let member: Span | null = null;
  for (const w of windows) {
    const at = Math.max(after, firstUnitEndingFrom(moved, w.start));
    if (at > after) last = moved[at - 1];
    after = at;
    while (after < moved.length && moved[after].start <= w.end) after++;
    const read: Unit[] = [];
    // The one old unit the window replaces, when there is one: a class it stands for again may keep its shape.
    const alone = after - at === 1 ? moved[at] : null;
    for (let n = root.firstChildForIndex(w.start); n && n.startIndex <= w.end; n = n.nextSibling) {
      if (last && n.startIndex < last.end) return rereadAll(prev, moved, root, touched, text);
      const u: Unit = { start: n.startIndex, end: n.endIndex, type: n.type, bindings: boundNames(n), shape: null, members: null };
      const members = alone && only ? carriedShape(n, alone, only, touched) : null;
      if (members) {
        u.shape = alone!.shape;
        u.members = members;
        member = windows.length === 1 ? memberSpanAt(u, only!.start) : null;
      } else if (readShape(u, n, text)) {
        shapeReads++;
      }
      read.push((last = u));
    }
    swaps.push({ at, old: moved.slice(at, after), read });
    length += read.length - (after - at);
  }
  if (last && after < moved.length && moved[after].start < last.end) return rereadAll(prev, moved, root, touched, text);
  if (length !== root.childCount) return rereadAll(prev, moved, root, touched, text);
  // Spliced from the last window back, so that each window's old index still holds; re-read indices are the new list's.
  for (let j = swaps.length - 1; j >= 0; j--) replaceRange(moved, swaps[j].at, swaps[j].old.length, swaps[j].read);
  const reread: number[] = [];
  let delta = 0;
  for (const { at, old, read } of swaps) {
    for (let k = 0; k < read.length; k++) reread.push(at + delta + k);
    delta += read.length - old.length;
  }
  return {
    units: moved,
    reread,
    moved: swaps.length === 1 ? swaps[0].old : oldUnitsOf(swaps),
    shapeReads,
    member: reread.length === 1 ? member : null,
  };
}

/** The old units of every window, in order (a push loop, not `flatMap`, whose array is of another kind: objectArrays.ts). */
function oldUnitsOf(swaps: readonly { old: readonly Unit[] }[]): Unit[] {
  const out = objectArray<Unit>();
  for (const swap of swaps) for (const u of swap.old) out.push(u);
  return out;
}

/** list.splice(at, count, ...items), without spreading a long list into arguments (an edit can touch every unit). */
function replaceRange<T>(list: T[], at: number, count: number, items: readonly T[]): void {
  if (items.length <= MAX_SPREAD) {
    list.splice(at, count, ...items);
    return;
  }
  const tail = list.slice(at + count);
  list.length = at;
  for (const x of items) list.push(x);
  for (const x of tail) list.push(x);
}

/** The most items passed to splice as arguments (far below the engine's limit on arguments). */
const MAX_SPREAD = 1000;

interface Carried {
  units: Unit[];
  /** The indices of the units read from the tree. */
  reread: number[];
  /** The old units they stand for (shifted), in order. */
  moved: Unit[];
  /** How many class shapes were read from the tree (IncrementalStats.lastShapeReads). */
  shapeReads: number;
  /**
   * The one member of the one re-read class that the edit lies strictly inside the silent part of (carriedShape: the
   * class's text and tree are unchanged around it), as it is now; else null. markCarriedImpacts narrows to it.
   */
  member?: Span | null;
}

/** Every top-level child read again; those that are not an old unit, shifted, count as re-read. */
function rereadAll(prev: readonly Unit[], moved: readonly Unit[], root: Node, touched: readonly Span[], text: string): Carried {
  // An old unit that an edit touched is read again even when its shifted extent still fits (an
  // edit inside a def keeps the def's extent): it must be re-linted. Old and new units are both
  // sorted by start: one merge walk pairs each child with an old unit of the same extent and type.
  const units: Unit[] = [];
  const reread: number[] = [];
  const kept = new Set<number>();
  let k = 0;
  for (const u of unitsOf(root.tree)) {
    while (k < moved.length && moved[k].start < u.start) k++;
    let same = -1;
    for (let j = k; j < moved.length && moved[j].start === u.start; j++) {
      const old = moved[j];
      if (old.end === u.end && old.type === u.type && !kept.has(j) && !touched.some((t) => touches(t, old))) {
        same = j;
        break;
      }
    }
    if (same >= 0) {
      kept.add(same);
      u.bindings = prev[same].bindings;
      u.shape = prev[same].shape;
      u.members = prev[same].members;
      units.push(u);
      continue;
    }
    reread.push(units.length);
    units.push(u);
  }
  let shapeReads = 0;
  for (const i of reread) {
    const node = root.child(i)!;
    units[i].bindings = boundNames(node);
    if (readShape(units[i], node, text)) shapeReads++;
  }
  return { units, reread, moved: moved.filter((_, i) => !kept.has(i)), shapeReads };
}

/** Tests: the carried units must be exactly the tree's top-level children. */
function checkUnits(units: readonly Unit[], tree: Tree): void {
  const actual = unitsOf(tree);
  const same = actual.length === units.length && actual.every((u, k) => u.start === units[k].start && u.end === units[k].end && u.type === units[k].type);
  if (!same)
    throw new Error(
      `carried units differ from the tree's: ${JSON.stringify(units.map((u) => [u.start, u.end, u.type]))} vs ${JSON.stringify(actual.map((u) => [u.start, u.end, u.type]))}`,
    );
}

/**
 * When `t` lies strictly inside one method of the class `unit` (a def directly in its body), the
 * part to re-lint: that method and the class header. Otherwise null (re-lint the whole unit).
 */
function methodRegion(root: Node, unit: Unit, t: Span): Span[] | null {
  const top = unitNode(root, unit);
  const around = top && memberAround(top, t);
  if (!around || definitionOf(around.member)?.type !== 'function_definition') return null;
  return [around.header, { start: around.member.startIndex, end: around.member.endIndex }];
}

/** The unit's top-level statement node, or null when the tree does not hold it there. */
function unitNode(root: Node, unit: Unit): Node | null {
  const top = root.firstChildForIndex(unit.start);
  return top && top.startIndex === unit.start ? top : null;
}

/**
 * When `holder` is a class (or a decorated one) and `t` lies inside one statement of its body,
 * after its start: that statement (the member) and the class header (decorators, name, bases).
 * Else null.
 */
function memberAround(holder: Node, t: Span): { header: Span; member: Node } | null {
  const cls = definitionOf(holder);
  const body = cls?.type === 'class_definition' ? cls.childForFieldName('body') : null;
  const member = body?.firstChildForIndex(t.start);
  // The end may be the member's own (an edit in its last statement): statementPath allows it too.
  if (!body || !member || !(member.startIndex < t.start && t.end <= member.endIndex)) return null;
  return { header: { start: holder.startIndex, end: body.startIndex }, member };
}

/**
 * When `t` lies inside the text of a comment or of a docstring (a string that is a whole
 * statement), the part to re-lint: that comment or string. No rule reads prose, so no other
 * statement's findings depend on it: typing in a docstring re-lints neither the def around it nor
 * the module-level code. Only for a keystroke without PROSE_BREAKING characters: then the old text
 * had the same comment or string there, and every other token is unchanged. (Deleting the newline
 * after a comment turns the next line into comment, and tree-sitter's changed ranges need not
 * cover the statements below it that lost their loop.)
 */
function proseRegion(root: Node, t: Span): Span | null {
  const n = root.descendantForIndex(t.start, Math.max(t.start, t.end - 1));
  if (!n) return null;
  // Typing at the end of a comment stays inside it (a comment runs to the end of its line).
  if (n.type === 'comment') return n.startIndex < t.start && t.end <= n.endIndex ? { start: n.startIndex, end: n.endIndex } : null;
  if (n.type !== 'string_content' || !(n.startIndex < t.start && t.end < n.endIndex)) return null;
  const str = n.parent;
  const statement = str?.parent;
  if (str?.type !== 'string' || statement?.type !== 'expression_statement' || statement.namedChildCount !== 1) return null;
  return { start: str.startIndex, end: str.endIndex };
}

/** Past this many, looking for the edited code's words in every other module-level statement costs more than re-linting them. */
const MAX_EDITED_WORDS = 48;

/**
 * The words (names, keywords aside) of the edited statements as they are now, and of what the edit
 * removed, grown to whole words of the old text; null when there are too many. An attribute of
 * anything but `self` or `cls` is not a word here (`rows.append(x)` gives rows and x): another
 * statement depends on this one through the names it binds, reads or mutates, not through the
 * method names it calls on them, and a common one (`append`, `get`) would pull in half the def.
 * The attributes of `self` and `cls` stay: other methods read and write those.
 */
function editedWords(oldText: string, text: string, change: TextChange, edited: readonly Span[], inString: Span | null = null): Set<string> | null {
  const words = new Set<string>();
  const add = (source: string, from: number, to: number): boolean => {
    // Runs of ASCII word characters and non-ASCII characters: a name in any script is one word. Read by character code:
    // a regex match per word (its array, its slice of the text) was most of what this step allocated.
    for (let i = from; i < to;) {
      if (!isNameChar(source.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < to && isNameChar(source.charCodeAt(i))) i++;
      if (isDigit(source.charCodeAt(start)) || isForeignAttribute(source, start)) continue;
      const word = source.slice(start, i);
      if (PYTHON_KEYWORDS.has(word)) continue;
      words.add(word);
      if (words.size > MAX_EDITED_WORDS) return false;
    }
    return true;
  };
  if (!add(oldText, ...removedWords(oldText, change))) return null;
  for (const u of edited) {
    // The words of the string a keystroke is in are prose, not names, but the word typed into (before and after).
    if (inString && u.start <= inString.start && inString.end <= u.end) {
      if (!add(text, u.start, inString.start) || !add(text, inString.end, u.end)) return null;
      if (!add(oldText, ...nameRunAround(oldText, change.start, change.oldEnd)) || !add(text, ...nameRunAround(text, change.start, change.newEnd))) return null;
    } else if (!add(text, u.start, u.end)) return null;
  }
  return words;
}

/** A character of a name run: an ASCII word character or any non-ASCII one (a name in any script is one word). */
const isNameChar = (code: number) => isAsciiWordChar(code) || code >= 0x80;

/** [start, end) grown to the whole name runs (isNameChar) around it. */
function nameRunAround(source: string, start: number, end: number): [number, number] {
  return grownOver(source, start, end, isNameChar);
}

/** [start, end) grown over the characters `inRun` accepts on both sides. */
function grownOver(source: string, start: number, end: number, inRun: (code: number) => boolean): [number, number] {
  while (start > 0 && inRun(source.charCodeAt(start - 1))) start--;
  while (end < source.length && inRun(source.charCodeAt(end))) end++;
  return [start, end];
}

/** True when the change removed or typed a character that can end, start or split a comment or string (PROSE_BREAKING). */
function breaksProse(oldText: string, text: string, change: TextChange): boolean {
  return PROSE_BREAKING.test(oldText.slice(change.start, change.oldEnd)) || PROSE_BREAKING.test(text.slice(change.start, change.newEnd));
}

/**
 * The content of the string literal that a change which broke no token (breaksProse) lies strictly inside, or null. Its
 * words are prose: the string and every token around it are as they were, so other statements depend on the edit through
 * the names of the statement that holds the string, and the word typed into, not through every word of the string.
 */
function stringContentAround(root: Node, change: TextChange): Span | null {
  const n = root.descendantForIndex(change.start, Math.max(change.start, change.newEnd - 1));
  return n?.type === 'string_content' && n.startIndex < change.start && change.newEnd < n.endIndex ? { start: n.startIndex, end: n.endIndex } : null;
}

/** The extent of the old text's words the change removed or split: [start, oldEnd) grown to whole words. */
function removedWords(oldText: string, change: TextChange): [number, number] {
  return grownOver(oldText, change.start, change.oldEnd, isAsciiWordChar);
}

/** True when the word at `at` follows a dot whose object is not plainly `self` or `cls` (`rows.append`, `f().x`, `a.b.c`). */
export function isForeignAttribute(source: string, at: number): boolean {
  let i = skipSpaceBack(source, at - 1);
  if (source.charCodeAt(i) !== 46 /* . */) return false;
  const objectEnd = skipSpaceBack(source, i - 1) + 1;
  let objectStart = objectEnd;
  while (objectStart > 0 && isAsciiWordChar(source.charCodeAt(objectStart - 1))) objectStart--;
  const plainSelf = spells(source, objectStart, objectEnd, 'self') || spells(source, objectStart, objectEnd, 'cls');
  i = skipSpaceBack(source, objectStart - 1);
  return !(plainSelf && source.charCodeAt(i) !== 46);
}

/** source[start, end) is `word` (compared in place: no slice per attribute). */
function spells(source: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && source.startsWith(word, start);
}

/** The index of the last character at or before `i` that is not white space (a chain may break lines inside brackets). */
function skipSpaceBack(source: string, i: number): number {
  while (i >= 0 && isSpaceOrContinuation(source.charCodeAt(i))) i--;
  return i;
}

/** A space, tab, line break or backslash (skipSpaceBack). */
const isSpaceOrContinuation = (code: number) => code === 32 || code === 9 || code === 13 || code === 10 || code === 92;

const isDigit = (code: number) => code >= 48 && code <= 57;

/** True when `code` spells one of the words as a whole word (hasWord: an empty word is spelled nowhere). */
function spellsAnyWord(code: string, words: ReadonlySet<string>): boolean {
  for (const word of words) if (hasWord(code, word)) return true;
  return false;
}

/** What statementRegion or compoundRegion found: the spans to re-lint, the statement they lie in, the edited statement's words. */
interface StatementRegion {
  spans: Span[];
  /** The def-body (or top-level) statement the edited statement is in (or is): the cached findings inside it are re-run. */
  scope: Span;
  /** The edited statement's words (see editedWords). */
  words: Set<string>;
}

/**
 * When `t` lies strictly inside one statement of a def's body (the def is the unit, or a method of
 * the class that is the unit or of a class in it), the part to re-lint. The statement is followed
 * down through the compound statements around `t` (loops, ifs, withs, tries, nested defs) to the
 * innermost statement that holds the edit: that statement; the rest of each compound around it
 * (its header and its other clauses, not the block the edit is in); the def's header (decorators,
 * name, parameters); for a method, the class headers; and, in every block on the way, each
 * statement that spells one of the edited statement's words before or after the edit (whatever a
 * statement binds, reads or mutates, it names; `self` and `cls` aside, which every method spells:
 * their attributes are words of their own). In a 300-line training loop a keystroke then re-lints
 * a few lines, not the loop. Null otherwise (the edit is in the def's header, or the statement has
 * too many words to look for): re-lint the method or the def.
 */
function statementRegion(root: Node, unit: Unit, t: Span, oldText: string, text: string, change: TextChange, inString: Span | null): StatementRegion | null {
  let holder = unitNode(root, unit); // a def or class, or the decorated_definition around it
  if (!holder) return null;
  const spans: Span[] = [];
  // Down through classes (and classes in classes) to the def around t, keeping each class header.
  for (let around = memberAround(holder, t); around; around = memberAround(holder, t)) {
    spans.push(around.header);
    holder = around.member;
  }
  const classBody = spans.length > 0 ? holder.parent : null;
  const def = definitionOf(holder);
  const body = def?.type === 'function_definition' ? def.childForFieldName('body') : null;
  const path = body ? statementPath(body, t) : [];
  const along = body && path.length > 0 ? pathRegion(path, oldText, text, change, inString) : null;
  if (!body || !along) return null;
  spans.push({ start: holder.startIndex, end: body.startIndex }, ...along.spans);
  if (classBody) spans.push(...membersReadingStores(classBody, holder, path[path.length - 1].statement, along.words, oldText, text, change));
  return { spans, scope: spanOf(path[0].statement), words: along.words };
}

/**
 * A method's statement that stores an attribute on `self` or `cls` (`self.loop = asyncio.get_event_loop()`) tells the
 * class's other methods what `self.loop` holds (async-create-task-dropped's `self.loop.create_task(...)` in another method
 * rests on it): when the edited statement stores one, before or after the edit, the other members of the class that spell
 * a stored attribute's name are re-linted whole. Only the names the edited statement stores, so a keystroke elsewhere in a
 * method (or in a statement that only reads `self.x`) re-lints no other method.
 */
function membersReadingStores(
  classBody: Node,
  member: Node,
  edited: Node,
  words: ReadonlySet<string>,
  oldText: string,
  text: string,
  change: TextChange,
): Span[] {
  const newStatement = text.slice(edited.startIndex, edited.endIndex);
  const oldEnd = edited.endIndex - (change.newEnd - change.oldEnd);
  const oldStatement = oldEnd > edited.startIndex ? oldText.slice(edited.startIndex, oldEnd) : '';
  const before = selfAttributesStored(oldStatement);
  const after = selfAttributesStored(newStatement);
  if (before.size === 0 && after.size === 0) return [];
  // A name the edit spells, or one the statement stopped or started storing though the edit did not touch it: the
  // receiver was edited (`self.loop = …` typed into `selfx.loop = …`, the mismatch probe's seed 11 once the fixtures grew).
  const stored = new Set([...before, ...after].filter((name) => words.has(name) || before.has(name) !== after.has(name)));
  return stored.size === 0 ? [] : siblingsSpelling(classBody, member, stored, text);
}

/** The attributes of `self` or `cls` an assignment statement's targets store. */
function selfAttributesStored(statement: string): ReadonlySet<string> {
  // The targets lie on the first line, before an `=`: most statements are passed over without a regex run.
  const lineEnd = statement.indexOf('\n');
  const equals = statement.indexOf('=');
  if (equals === -1 || (lineEnd !== -1 && equals > lineEnd)) return NO_NAMES;
  // A `(` before the `=` is a call's keyword argument (`self.log(level=1)`), not a target.
  const targets = STORE_TARGETS.exec(statement)?.[1] ?? '';
  // Most statements store no attribute of `self` or `cls`: no set (nor match arrays) for them.
  if (targets.includes('(') || !(targets.includes('self') || targets.includes('cls'))) return NO_NAMES;
  return new Set([...targets.matchAll(SELF_ATTRIBUTE)].map((m) => m[1]));
}

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * The statements of `block` other than `except` (and its comments) that spell one of the words. A bare string (a
 * docstring, which often names the parameters a statement uses) reads no name and holds no match that rests on
 * another statement, as at module level (bareString): typing.py's `get_type_hints` docstring, 1.3k characters that
 * spell `localns`, was re-linted with every keystroke in a statement using `localns`.
 */
function siblingsSpelling(block: Node, except: Node, words: ReadonlySet<string>, text: string): Span[] {
  // Found from the text: each word's spellings in the block, and the statement around each spelling asked of the tree once.
  // Asking each statement of the block for its extent (three calls into WASM each) and searching its text for every word
  // cost tens of µs a keystroke in a long def, most of them for statements that spell none of the words.
  const from = block.startIndex;
  const to = block.endIndex;
  const taken = objectArray<Span>();
  /** Statements already looked at (taken or not): a spelling inside one needs no look-up. */
  const seen = objectArray<Span>();
  seen.push(spanOf(except));
  for (const word of words) {
    for (let i = nextWord(text, word, from, to); i !== -1;) {
      let s: Span | undefined = seen.find((x) => x.start <= i && i < x.end);
      if (!s) {
        const n = block.firstNamedChildForIndex(i);
        const start = n ? n.startIndex : -1;
        if (!n || start > i) {
          i = nextWord(text, word, i + 1, to);
          continue;
        }
        s = spanOf(n);
        seen.push(s);
        if (n.type !== 'comment' && !(startsAString(text, start) && isBareString(n))) taken.push(s);
      }
      i = nextWord(text, word, Math.max(i + 1, s.end), to);
    }
  }
  return taken.sort((a, b) => a.start - b.start);
}

/**
 * The targets of an assignment statement, up to its first `=` (or `+=`, `//=`…) on the first line: `self.a, self.b` in
 * `self.a, self.b = pair`, `self.name: T` in an annotated one. A comparison's `==` is no store.
 */
const STORE_TARGETS = /^([^=\n]*?)(?:[-+*/%&|^@]|\/\/|\*\*|<<|>>)?=(?!=)/;
/** An attribute of `self` or `cls` named in the targets: the name stored. */
const SELF_ATTRIBUTE = /\b(?:self|cls)\.(\w+)/g;

/**
 * When `unit` is module-level code with a block (a top-level `if __name__ == "__main__":`, `for`,
 * `with`, `try`) and `t` lies strictly inside a statement of that block: the same narrowing as
 * statementRegion, from the unit down. The module-level code that spells the edited statement's
 * words is added by the caller, as for any edited module-level code. Null otherwise.
 */
function compoundRegion(root: Node, unit: Unit, t: Span, oldText: string, text: string, change: TextChange, inString: Span | null): StatementRegion | null {
  const top = unitNode(root, unit);
  const block = top && top.startIndex < t.start && t.end <= top.endIndex ? blockAround(top, t) : null;
  const path = block ? statementPath(block, t) : [];
  const along = top && path.length > 0 ? pathRegion([{ statement: top, block: null }, ...path], oldText, text, change, inString) : null;
  return top && along ? { spans: along.spans, scope: spanOf(top), words: along.words } : null;
}

/**
 * The part of a path of nested statements to re-lint (outermost first, each with the block it is
 * in; null for a top-level statement, whose neighbours the caller handles): the last statement,
 * the rest of each compound around it (its header and other clauses, not the block the edit is
 * in), and in each block the statements that spell a word of the last one. Null when it has too
 * many words to look for.
 */
function pathRegion(
  path: readonly { statement: Node; block: Node | null }[],
  oldText: string,
  text: string,
  change: TextChange,
  inString: Span | null,
): { spans: Span[]; words: Set<string> } | null {
  const edited = path[path.length - 1].statement;
  const words = editedWords(oldText, text, change, [spanOf(edited)], inString);
  if (!words) return null;
  words.delete('self');
  words.delete('cls');
  const spans: Span[] = [spanOf(edited)];
  path.forEach(({ statement, block }, k) => {
    const inner = path[k + 1]?.block;
    // A compound around the edit, less the block the edit is in: its header and its other clauses.
    if (inner) spans.push({ start: statement.startIndex, end: inner.startIndex }, { start: inner.endIndex, end: statement.endIndex });
    if (block) spans.push(...siblingsSpelling(block, statement, words, text));
  });
  return { spans: spans.filter((x) => x.end > x.start), words };
}

/**
 * The statements that hold `t`, outermost first (the first one is a statement of `body`), each with
 * the block it is in. A statement holds `t` when `t` lies strictly inside it; typing at the end of
 * a line stays in its statement, and what it makes of the lines below (an open bracket swallowing
 * them, say) shows in tree-sitter's changed ranges, which are spans like t. Empty when no
 * statement of `body` holds `t` (or a comment does).
 */
function statementPath(body: Node, t: Span): { statement: Node; block: Node }[] {
  const path: { statement: Node; block: Node }[] = [];
  for (let block: Node | null = body; block;) {
    const statement: Node | null = block.firstChildForIndex(t.start);
    if (!statement || statement.type === 'comment' || !(statement.startIndex < t.start && t.end <= statement.endIndex)) break;
    path.push({ statement, block });
    block = blockAround(statement, t);
  }
  return path;
}

/** Parts of a compound statement that lead to one of its blocks (a def or class under its decorators). */
const CLAUSES = new Set([
  'else_clause',
  'elif_clause',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'case_clause',
  'function_definition',
  'class_definition',
]);

/** The block of a compound statement (in one of its clauses) that holds `t`, or null (`t` is in a header). */
function blockAround(statement: Node, t: Span): Node | null {
  for (let n: Node | null = statement; n;) {
    let holding: Node | null = null;
    // `children`: the compound's few children in one call into WASM, not one per `nextSibling`.
    for (const c of n.children) {
      if (!c || c.startIndex > t.start) break;
      if (t.end <= c.endIndex) holding = c;
    }
    if (!holding) return null;
    if (holding.type === 'block') return holding;
    n = CLAUSES.has(holding.type) ? holding : null;
  }
  return null;
}

/** The spans the changes inserted, in the coordinates of the final text. */
function editedSpans(changes: readonly TextChange[]): Span[] {
  let spans = objectArray<Span>();
  for (const c of changes) {
    const delta = c.newEnd - c.oldEnd;
    spans = mapToObjects(spans, (s) => ({
      start: s.start <= c.start ? s.start : s.start >= c.oldEnd ? s.start + delta : c.start,
      end: s.end < c.start ? s.end : s.end >= c.oldEnd ? s.end + delta : c.newEnd,
    }));
    spans.push({ start: c.start, end: c.newEnd });
  }
  return spans;
}

/** Where an offset of the old text is in the new one; null when an edit touched it. */
export function mapOffset(offset: number, changes: readonly TextChange[]): number | null {
  let o = offset;
  for (const c of changes) {
    if (o < c.start) continue;
    if (o > c.oldEnd) o += c.newEnd - c.oldEnd;
    else return null;
  }
  return o;
}

/** mapOffset for one change (the keystroke's hot path: no loop, no array). */
function mapOffsetOver(offset: number, c: TextChange): number | null {
  if (offset < c.start) return offset;
  return offset > c.oldEnd ? offset + c.newEnd - c.oldEnd : null;
}

/** Like mapOffset, but an offset inside a replaced range goes to the start or end of its replacement. */
function mapClamped(offset: number, changes: readonly TextChange[], side: 'start' | 'end'): number {
  let o = offset;
  for (const c of changes) {
    if (o < c.start) continue;
    if (o > c.oldEnd) o += c.newEnd - c.oldEnd;
    else o = side === 'start' ? c.start : c.newEnd;
  }
  return o;
}

function shiftRaw(r: RawFinding, changes: readonly TextChange[]): RawFinding | null {
  const m = (o: number) => mapOffset(o, changes);
  const matchStart = m(r.matchStart);
  const matchEnd = m(r.matchEnd);
  const start = m(r.finding.start);
  const end = m(r.finding.end);
  const construct = r.construct ? ([m(r.construct[0]), m(r.construct[1])] as const) : undefined;
  if (matchStart === null || matchEnd === null || start === null || end === null) return null;
  if (construct && (construct[0] === null || construct[1] === null)) return null;
  if (
    changes.length === 0 ||
    (matchStart === r.matchStart && matchEnd === r.matchEnd && start === r.finding.start && end === r.finding.end && stays(r, m, changes))
  )
    return r;
  // A new Finding (the previous lint's result may hold this one: engine.ranked hands some out as they are), copied with
  // Object.assign (a spread is V8's slow path); its fix's edits, shifted, are new objects too.
  const finding = Object.assign({}, r.finding);
  finding.start = start;
  finding.end = end;
  if (r.finding.fix) {
    const edits = [];
    for (const e of r.finding.fix.edits) {
      const s = m(e.start);
      const t = m(e.end);
      if (s === null || t === null) return null;
      edits.push({ ...e, start: s, end: t });
    }
    finding.fix = { ...r.finding.fix, edits };
  }
  // The RawFinding itself is shifted in place, as the rest of the spent state (see lint()): no copy of its fields
  // (quietOutsideHotCode, the ranking's memos…) per finding after the edit on every keystroke. Only after every check
  // above: a finding dropped here keeps its old offsets (carryFindings re-runs its match from them).
  r.finding = finding;
  r.matchStart = matchStart;
  r.matchEnd = matchEnd;
  if (construct) r.construct = [construct[0]!, construct[1]!];
  // Clamped: an edit inside the def (what restsOn is there for) leaves its ends where they were, or at the edit's.
  if (r.restsOn) r.restsOn = [mapClamped(r.restsOn[0], changes, 'start'), mapClamped(r.restsOn[1], changes, 'end')];
  return r;
}

/**
 * True when the changes move none of a finding's other offsets (its fix's edits, its construct, the def it rests on): a
 * finding above the edit is then kept as it is. Copying it (its Finding, its fix and edits) on every keystroke, because it
 * had a fix, was most of carryFindings.
 */
function stays(r: RawFinding, m: (offset: number) => number | null, changes: readonly TextChange[]): boolean {
  if (r.construct && (m(r.construct[0]) !== r.construct[0] || m(r.construct[1]) !== r.construct[1])) return false;
  if (r.restsOn && (mapClamped(r.restsOn[0], changes, 'start') !== r.restsOn[0] || mapClamped(r.restsOn[1], changes, 'end') !== r.restsOn[1])) return false;
  for (const e of r.finding.fix?.edits ?? []) if (m(e.start) !== e.start || m(e.end) !== e.end) return false;
  return true;
}

function sameGroups(groups: RawLint['openGroups'], keys: readonly string[]): boolean {
  return groups.length === keys.length && groups.every((group) => keys.includes(group.key));
}

/**
 * The text-gate answers that carry over to the new text: a match that no change touched (nor its
 * neighbouring characters), shifted; for a gate that did not match, a look around the edited spans
 * only (gateHitNear). Gates that read more context are left out: the engine tests them again.
 */
function carriedGateHits(hits: ReadonlyMap<RegExp, GateHit | null>, changes: readonly TextChange[], text: string): Map<RegExp, GateHit | null> {
  const carried = new Map<RegExp, GateHit | null>();
  let edited: Span[] | undefined;
  let runs: Map<string, number[]> | undefined;
  // forEach, not for-of over the entries: no [regex, hit] array per gate on every keystroke.
  hits.forEach((hit, regex) => {
    if (!hitOutlivesEdits(regex)) return;
    if (hit) {
      const start = mapOffset(hit.start, changes);
      const end = mapOffset(hit.end, changes);
      if (start !== null && end !== null) carried.set(regex, { start, end });
    } else {
      edited ??= editedSpans(changes);
      // The words around the edit, found once for every gate that did not match.
      runs ??= wordRunsNear(text, edited);
      carried.set(regex, gateHitNear(regex, text, edited, runs));
    }
  });
  return carried;
}

/**
 * The entries outside the region, shifted to the new text IN PLACE, and those dropped (in the region, or touched by an
 * edit; left in the old coordinates). The list itself becomes the kept list (compacted in place). Shifting in place
 * matters on large files: a copy of every comment and function entry per keystroke kept the garbage collector busy, and
 * so did a new kept list per table (a fifth of what a keystroke's bookkeeping allocated). One pass, no callback per
 * entry: the list is sorted by start, so the first span ending after an entry's start (what `hits` looks for) only moves
 * forward.
 */
export function splitEntries<T extends Span>(list: T[], changes: readonly TextChange[], spans: readonly Span[], disjoint = false): { kept: T[]; dropped: T[] } {
  const dropped = objectArray<T>();
  const only = changes.length === 1 ? changes[0] : null;
  // An entry that ends before every change and every span is neither moved nor dropped: it stays where it is. In a
  // table of disjoint entries (comments, imports, suppressions) the ends grow with the starts, so those entries are a
  // prefix, found by binary search; nested ones (functions) are passed over with a single comparison each.
  const before = untouchedBefore(changes, spans);
  let kept = disjoint ? firstEndingAtOrAfter(list, before) : 0;
  let span = 0;
  let lastStart = -1;
  for (let k = kept; k < list.length; k++) {
    const x = list[k];
    if (x.end < before) {
      list[kept++] = x;
      continue;
    }
    const start = only ? mapOffsetOver(x.start, only) : mapOffset(x.start, changes);
    const end = only ? mapOffsetOver(x.end, only) : mapOffset(x.end, changes);
    if (start === null || end === null) {
      dropped.push(x);
      continue;
    }
    // Out of order (not expected): look from the first span again.
    if (start < lastStart) span = 0;
    lastStart = start;
    while (span < spans.length && spans[span].end <= start) span++;
    if (span < spans.length && spans[span].start < Math.max(end, start + 1)) {
      dropped.push(x);
      continue;
    }
    x.start = start;
    x.end = end;
    list[kept++] = x;
  }
  list.length = kept;
  return { kept: list, dropped };
}

/** The lowest offset a change or a span starts at: entries ending before it keep their place (splitEntries). */
function untouchedBefore(changes: readonly TextChange[], spans: readonly Span[]): number {
  let low = Infinity;
  for (const c of changes) if (c.start < low) low = c.start;
  for (const s of spans) if (s.start < low) low = s.start;
  return low;
}

/** The index of the first entry ending at or after offset, in a list of disjoint entries sorted by start. */
function firstEndingAtOrAfter(list: readonly Span[], offset: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid].end < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** True when the changes may have changed the file's line-ending style (they removed or inserted a `\r`). */
function eolChanged(before: string, after: string, changes: readonly TextChange[]): boolean {
  if (changes.length !== 1) return changes.length > 1;
  const c = changes[0];
  return before.slice(c.start, c.oldEnd).includes('\r') || after.slice(c.start, c.newEnd).includes('\r');
}

/** Closed-interval overlap: an edit at a unit's edge touches it. */
function touches(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** True when [start, end) lies inside one of the spans. */
function within(start: number, end: number, spans: readonly Span[]): boolean {
  return spans.some((s) => s.start <= start && end <= s.end);
}

/** True when [start, end) (a point when empty) intersects one of the sorted, disjoint spans. */
function hits(start: number, end: number, spans: readonly Span[]): boolean {
  const e = Math.max(end, start + 1);
  for (const s of spans) {
    if (s.start >= e) return false;
    if (start < s.end) return true;
  }
  return false;
}

/** Sorted, disjoint spans covering the given ones (joining those at most `gap` apart). */
function mergeSpans(spans: readonly Span[], gap: number): Span[] {
  // Most lists come sorted (a keystroke's one or two spans): a copy and a sort each were a sixth of describeEdit.
  const sorted = sortedByStart(spans) ? spans : [...spans].sort((a, b) => a.start - b.start);
  const out = objectArray<Span>();
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + gap) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

function sortedByStart(spans: readonly Span[]): boolean {
  for (let k = 1; k < spans.length; k++) if (spans[k].start < spans[k - 1].start) return false;
  return true;
}

/**
 * Characters between two spans of the region inside the same top-level statement up to which the
 * pass walks them as one range: each range costs its own query passes (tens of µs each), and a
 * statement-level region of a long method is often a dozen short spans (the headers, the edited
 * statement, the statements that spell its words) with a few statements between them. Only the walk
 * is joined: the matches it finds between the spans are dropped before their checks run, and the
 * findings there are kept (matchInRegion), as when the spans run apart.
 */
export const JOIN_GAP = 1000;

/** Sorted, disjoint spans, with neighbours in the same unit at most `gap` apart joined (new objects: the spans stay as they are). */
function joinWithinUnits(spans: readonly Span[], units: readonly Unit[], gap: number): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    const unit = last && s.start - last.end <= gap ? unitIndexAt(units, last.start) : -1;
    if (unit !== -1 && unit === unitIndexAt(units, s.end - 1)) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** The index of the first unit that ends at or after `offset` (units.length when none does): units are sorted and ends never decrease. */
function firstUnitEndingFrom(units: readonly Span[], offset: number): number {
  return firstNotBefore(units, (unit) => unit.end < offset);
}

/** The index of the first span for which `before` is false, in a list where it is true for a prefix only (binary search). */
function firstNotBefore(spans: readonly Span[], before: (span: Span) => boolean): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(spans[mid])) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of the unit holding the offset, or -1: the first unit ending after it, if it starts at or before it. */
function unitIndexAt(units: readonly Unit[], offset: number): number {
  const k = firstUnitEndingFrom(units, offset + 1);
  return k < units.length && units[k].start <= offset ? k : -1;
}

/** Adds entries to a list sorted by start (and end), in place: a few new entries into thousands. */
function insertSorted<T extends Span>(list: T[], added: readonly T[]): T[] {
  for (const x of added) {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const m = list[mid];
      if (m.start < x.start || (m.start === x.start && m.end <= x.end)) low = mid + 1;
      else high = mid;
    }
    list.splice(low, 0, x);
  }
  return list;
}

/** Copies of the comment spans that look like suppressions (copies: partial lints shift entries in place). */
function suppressionSpans(comments: readonly Span[], text: string): Span[] {
  const out = objectArray<Span>();
  for (const c of comments) if (looksLikeSuppression(text.slice(c.start, c.end))) out.push({ ...c });
  return out;
}

/** The comment nodes of the suppressions that the tree still holds (a loop into one array kind: objectArrays.ts). */
function suppressionNodesOf(root: Node, suppressions: readonly Span[]): Node[] {
  const out = objectArray<Node>();
  for (const s of suppressions) {
    const n = nodeAt(root, s.start, s.end, (t) => t === 'comment');
    if (n !== null) out.push(n);
  }
  return out;
}

function spanOf(n: Node): Span {
  return { start: n.startIndex, end: n.endIndex };
}

function importFact(n: Node, text: string): ImportFact {
  // Owned strings: the facts are carried across edits, and a substring would keep this edit's text alive (ownedString).
  const bindings = bindingsOf(n).map(({ statement: _, local, target, ...rest }) => ({ local: ownedString(local), target: ownedString(target), ...rest }));
  return { start: n.startIndex, end: n.endIndex, text: ownedString(text.slice(n.startIndex, n.endIndex).replace(/\s+/g, ' ')), bindings };
}

function functionFact(fn: Node): FunctionFact {
  const asyncName = fn.child(0)?.type === 'async' ? (fn.childForFieldName('name')?.text ?? null) : null;
  return { start: fn.startIndex, end: fn.endIndex, asyncName };
}

function asyncNamesOf(functions: readonly FunctionFact[]): string[] {
  return functions.flatMap((f) => (f.asyncName ? [f.asyncName] : []));
}

function count(counts: Map<string, number>, names: readonly string[], delta: number): void {
  for (const name of names) {
    const n = (counts.get(name) ?? 0) + delta;
    if (n === 0) counts.delete(name);
    else counts.set(name, n);
  }
}

function someKeyOf(counts: ReadonlyMap<string, number>, words: ReadonlySet<string>): boolean {
  for (const word of words) if (counts.has(word)) return true;
  return false;
}

function sameKeys(counts: Map<string, number>, set: Set<string>): boolean {
  if (counts.size !== set.size) return false;
  for (const k of counts.keys()) if (!set.has(k)) return false;
  return true;
}

/**
 * The local names whose import binding a single edit changes, when the edit stays on one line and
 * touches at most one import statement: its bindings before (the cached fact) and after (the
 * tree) compared. Null when that cannot be told: a star import (it binds names nobody spells
 * there), more than one import statement touched, or an edit that adds or removes a line break
 * (`multiline`: the caller's linesMoved).
 */
function reboundNames(imports: readonly ImportFact[], root: Node, text: string, change: TextChange, multiline: boolean): Set<string> | null {
  const before = imports.filter((x) => x.start <= change.oldEnd && change.start <= x.end);
  if (before.length === 0 && !text.slice(lineStartOf(text, change.start), lineEndOf(text, change.newEnd)).includes('import')) return new Set();
  const after = new Map<number, Node>();
  for (const at of [change.start - 1, change.start, change.newEnd]) {
    for (let n: Node | null = at >= 0 && at < text.length ? root.descendantForIndex(at) : null; n; n = n.parent) {
      if (isImport(n.type)) after.set(n.startIndex, n);
    }
  }
  if (before.length === 0 && after.size === 0) return new Set();
  if (before.length > 1 || after.size > 1 || multiline) return null;
  const words = new Set<string>();
  for (const b of changedBindings(
    before[0]?.bindings ?? [],
    [...after.values()].flatMap((n) => importFact(n, text).bindings),
  )) {
    if (isStarImport(b.local)) return null;
    words.add(spelledName(b.local));
  }
  return words;
}

type Binding = ImportFact['bindings'][number];

/** The bindings in one list and not the other (same name, target and place), either way round. */
function changedBindings(before: readonly Binding[], after: readonly Binding[]): Binding[] {
  const key = (b: Binding) => `${b.local}\0${b.target}\0${b.topLevel}\0${b.unconditional}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return [...before.filter((b) => !afterKeys.has(key(b))), ...after.filter((b) => !beforeKeys.has(key(b)))];
}

/** `from m import *` (its synthetic local `\0m.*`): binds names the text does not show. */
const isStarImport = (local: string) => local.endsWith('.*');

/** The name code spells to use a binding: `import os.path` binds `os` (its synthetic entry, `\0os.path`, is reached through it). */
const spelledName = (local: string) => (local.startsWith('\0') ? local.slice(1).split('.')[0] : local);

/**
 * True when a change of the file's imports cannot alter a finding outside the region: the import
 * bindings that changed are all of names the region was grown by (reboundNames), no lint behind the
 * cached findings read the whole list of imports, none asked whether a module the change adds or
 * removes is imported, and none read the bindings of a module a changed binding imports from.
 * (Typing `import nump` on the way to `numpy` changes only modules no rule asks about.)
 */
function importChangeStaysInRegion(prev: State, imports: readonly ImportFact[], rebound: ReadonlySet<string>): boolean {
  if (prev.importListRead) return false;
  const before = prev.imports.flatMap((x) => x.bindings);
  const after = imports.flatMap((x) => x.bindings);
  const changedModules = new Set<string>();
  for (const b of changedBindings(before, after)) {
    if (isStarImport(b.local) || !rebound.has(spelledName(b.local))) return false;
    addModules(b.target, changedModules);
  }
  for (const m of changedModules) if (prev.bindingQueries.has(m)) return false;
  const modulesBefore = new Set<string>();
  const modulesAfter = new Set<string>();
  for (const b of before) addModules(b.target, modulesBefore);
  for (const b of after) addModules(b.target, modulesAfter);
  for (const m of prev.moduleQueries) if (modulesBefore.has(m) !== modulesAfter.has(m)) return false;
  return true;
}

/** Same import texts in the same order, binding the same names (JSON only for re-read ones). */
function sameImports(a: readonly ImportFact[], b: readonly ImportFact[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.text === b[i].text && (x.bindings === b[i].bindings || JSON.stringify(x.bindings) === JSON.stringify(b[i].bindings)))
  );
}

function eolStyle(text: string): string {
  return text.includes('\r\n') ? 'crlf' : text.includes('\r') ? 'cr' : 'lf';
}

function findingKey(r: RawFinding): string {
  return `${r.finding.ruleId}:${r.finding.start}:${r.finding.end}`;
}

/**
 * The import index of region lints (FileFacts.importIndex), whose bindings look their statement node up in the tree of
 * the lint at hand, and only when a rule asks for it. Kept from one lint to the next while the import statements are the
 * same entries (shifted in place; none re-read, added or dropped): building the bindings and their modules again cost a
 * tenth of a keystroke's facts on a file with a hundred imports.
 */
class LazyImportIndex {
  readonly index: ImportIndex;
  private root: Node | null = null;
  private readonly nodes = new Map<ImportFact, Node>();

  constructor(private readonly facts: readonly ImportFact[]) {
    this.index = importIndexOf(facts.flatMap((fact) => fact.bindings.map((b) => this.binding(b, fact))));
  }

  /** True when `imports` are the very entries this index was built from. */
  indexes(imports: readonly ImportFact[]): boolean {
    return imports.length === this.facts.length && imports.every((x, i) => x === this.facts[i]);
  }

  /** The index, its statements to be looked up in this tree (the lint about to run). */
  on(root: Node): ImportIndex {
    this.root = root;
    this.nodes.clear();
    return this.index;
  }

  private binding(b: Omit<ImportBinding, 'statement'>, fact: ImportFact): ImportBinding {
    const statement = () => this.statementOf(fact);
    return {
      ...b,
      get statement() {
        return statement();
      },
    };
  }

  private statementOf(fact: ImportFact): Node {
    let node = this.nodes.get(fact);
    if (!node) {
      node = (this.root && nodeAt(this.root, fact.start, fact.end, isImport)) ?? undefined;
      if (!node) throw new Error(`import statement at ${fact.start} not found`);
      this.nodes.set(fact, node);
    }
    return node;
  }
}

/**
 * Fact captures for a partial run, materialised only when a rule asks for them: fresh nodes in
 * the region, nodes looked up by offset elsewhere. A class, not an object literal with getters: a literal's accessors
 * are defined one by one at run time (V8's slow path), about 5 µs on every keystroke.
 */
class LazyCaptures implements FactCaptures {
  private importNodes: Node[] | undefined;
  private commentNodes: Node[] | undefined;
  private functionNodes: Node[] | undefined;

  constructor(
    private readonly root: Node,
    private readonly state: Pick<State, 'imports' | 'functions' | 'comments'>,
    private readonly fresh: FactCaptures,
    private readonly inRegion: (n: Node) => boolean,
  ) {}

  get imports(): Node[] {
    this.importNodes ??= this.build(this.state.imports, this.fresh.imports, isImport);
    return this.importNodes;
  }

  get comments(): Node[] {
    this.commentNodes ??= this.build(this.state.comments, this.fresh.comments, isComment);
    return this.commentNodes;
  }

  get functions(): Node[] {
    this.functionNodes ??= this.build(this.state.functions, this.fresh.functions, isFunction);
    return this.functionNodes;
  }

  /**
   * A fix asks whether its statement holds a comment: look up the comments in range, not every comment of the file
   * (in typing.py, 0.2 ms of each keystroke whose region reported assert-for-runtime-validation with its fix).
   */
  commentsIn(start: number, end: number): Node[] {
    if (this.commentNodes) return this.commentNodes.filter((c) => c.startIndex >= start && c.endIndex <= end);
    const out: Node[] = [];
    // state.comments holds every comment of the new text (the kept ones shifted, the region's fresh), sorted by start.
    const comments = this.state.comments;
    for (let k = firstStartingAt(comments, start); k < comments.length && comments[k].start < end; k++) {
      const s = comments[k];
      const node = s.end <= end ? nodeAt(this.root, s.start, s.end, isComment) : null;
      if (node) out.push(node);
    }
    return out;
  }

  /** The fresh nodes in the region, and the nodes of the state's other spans looked up by offset, in order. */
  private build(spans: readonly Span[], freshNodes: Node[], ok: (type: string) => boolean): Node[] {
    const out: Node[] = freshNodes.filter(this.inRegion);
    const inFresh = new Set(out.map((n) => n.startIndex));
    for (const s of spans) {
      if (inFresh.has(s.start)) continue;
      const node = nodeAt(this.root, s.start, s.end, ok);
      if (node) out.push(node);
    }
    return out.sort((a, b) => a.startIndex - b.startIndex);
  }
}

const isComment = (type: string) => type === 'comment';
const isFunction = (type: string) => type === 'function_definition';

/** The index of the first span of a list sorted by start that starts at or after `start`. */
function firstStartingAt(spans: readonly Span[], start: number): number {
  return firstNotBefore(spans, (span) => span.start < start);
}

function nodeAt(root: Node, start: number, end: number, ok: (type: string) => boolean): Node | null {
  for (let n: Node | null = root.descendantForIndex(start, end); n; n = n.parent) {
    if (n.startIndex === start && n.endIndex === end && ok(n.type)) return n;
    if (n.startIndex < start || n.endIndex > end) break;
  }
  return null;
}

function sameFindings(a: readonly { start: number }[], b: readonly { start: number }[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((f, i) => JSON.stringify(f) === JSON.stringify(b[i]));
}
