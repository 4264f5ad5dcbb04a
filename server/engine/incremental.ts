// Incremental linting for the editor: after an edit, re-run the rules only over the top-level
// statements ("units") the edit could have changed, and reuse the findings of the others.
//
// Why: on a 12k-line file one query pass over the whole tree costs more than the incremental
// re-parse itself, so a full lint per keystroke can never stay close to the parse time.
//
// What is reused and when (conservative; anything doubtful falls back to a full lint):
//  - A unit is clean when no edit touched it, its shifted extent is still a top-level node of the
//    same type, and tree-sitter's changed ranges do not intersect it.
//  - A cached finding is kept only if every offset it carries (its range, its fix's edits, the
//    extent of the match that produced it) lies in clean text; it is shifted by the edits before it.
//  - Whole-file facts (imports, module-level names, async def names, line-ending style, options)
//    form a key; when the key changes, everything is re-linted.
//  - Suppressions, syntax-error ranges and unused-suppression findings are recomputed every time.
// A rule's check may still read far outside its match (another def's body, say). Such
// cross-statement dependencies are caught by verify(): a full lint run when the editor is idle,
// which replaces the result (and says so) if the incremental one differed.
import { boundNames, FileFacts, type FactCaptures } from './facts';
import type { Engine, LintDetails, RawFinding, RawLint } from './engine';
import type { LintOptions } from './options';
import type { Node, Tree } from './parser';
import type { Finding, RuleFailure } from './types';

/** One LSP content change, in offsets of the text it applied to (changes apply in order). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

interface Unit {
  start: number;
  end: number;
  type: string;
}

/** What a lint learned about one unit, in the coordinates of the text it linted. */
interface UnitData {
  raw: RawFinding[];
  imports: [number, number][];
  errors: [number, number][];
  asyncNames: string[];
  bindings: string[];
}

interface State {
  text: string;
  lineCount: number;
  units: Unit[];
  data: UnitData[];
  key: string;
  optionsKey: string;
}

export interface IncrementalStats {
  full: number;
  partial: number;
  /** Units re-linted by the last lint, and the total. */
  lastDirty: number;
  lastUnits: number;
  /** The ranges the last incremental lint re-linted (tests, debugging). */
  lastRanges: { start: number; end: number }[];
}

/** Above this share of dirty units a full lint is cheaper than the bookkeeping. */
const MAX_DIRTY_SHARE = 0.3;
const KEY_CHANGED = new Error('whole-file facts changed');
const SUPPRESSION_HINT = /#\s*(?:perflens:|noqa)/gi;
/** Top-level statements whose findings do not depend on the module-level code around them. */
const SELF_CONTAINED = new Set(['function_definition', 'class_definition', 'decorated_definition', 'comment']);
const CITES_LINE = /\blines? \d/;

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class IncrementalLinter {
  private state: State | null = null;
  readonly stats: IncrementalStats = { full: 0, partial: 0, lastDirty: 0, lastUnits: 0, lastRanges: [] };

  constructor(private readonly engine: Engine) {}

  /** Forgets everything (next lint is full). */
  reset(): void {
    this.state = null;
  }

  /**
   * Lints tree/text. `changes` are the edits since the previous lint of this linter (null: unknown,
   * lint in full); `changedRanges` are tree-sitter's changed ranges between the two trees.
   */
  lint(tree: Tree, text: string, options: LintOptions, changes: readonly TextChange[] | null, changedRanges: readonly { startIndex: number; endIndex: number }[] = []): LintDetails {
    const tooLarge = this.engine.tooLarge(text, options);
    if (tooLarge) {
      this.state = null;
      return tooLarge;
    }
    const optionsKey = JSON.stringify(options);
    const prev = this.state;
    if (prev && changes && prev.optionsKey === optionsKey) {
      const partial = this.partial(prev, tree, text, options, changes, changedRanges, optionsKey);
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
    const units = unitsOf(tree);
    this.stats.lastDirty = units.length;
    this.stats.lastUnits = units.length;
    const data = units.map(emptyData);
    distribute(run, units, data, tree);
    this.state = run.failures.length ? null : { text, lineCount: countLines(text), units, data, key: wholeFileKey(text, data, optionsKey), optionsKey };
    return this.engine.finish(text, run.facts, run.raw, run.failures, run.errorRanges, run.active);
  }

  private partial(
    prev: State,
    tree: Tree,
    text: string,
    options: LintOptions,
    changes: readonly TextChange[],
    changedRanges: readonly { startIndex: number; endIndex: number }[],
    optionsKey: string,
  ): LintDetails | null {
    const units = unitsOf(tree);
    // Old units that no edit touched, by their new start offset.
    const cleanOld = new Map<number, number>();
    prev.units.forEach((u, i) => {
      const start = mapOffset(u.start, changes);
      const end = mapOffset(u.end, changes);
      if (start !== null && end !== null && end - start === u.end - u.start) cleanOld.set(start, i);
    });
    const origin: number[] = units.map((u) => {
      const i = cleanOld.get(u.start);
      if (i === undefined) return -1;
      const old = prev.units[i];
      if (old.type !== u.type || old.end - old.start !== u.end - u.start) return -1;
      if (changedRanges.some((r) => r.startIndex < u.end && u.start < Math.max(r.endIndex, r.startIndex + 1))) return -1;
      return i;
    });
    const dirty = origin.map((o) => o < 0);
    // Messages that cite a line elsewhere ("read back on line 12") go stale when lines move.
    const lineCount = countLines(text);
    const linesMoved =
      lineCount !== prev.lineCount || changes.length > 1 || changes.some((c) => /[\r\n]/.test(prev.text.slice(c.start, c.oldEnd)) || /[\r\n]/.test(text.slice(c.start, c.newEnd)));
    // Carry over clean units' findings, shifted. A unit with a finding that reaches into edited
    // text (a report or fix edit elsewhere in the file) is re-linted too; so is one whose match
    // reached into a unit that is re-linted.
    const moved: (RawFinding[] | null)[] = units.map((_, k) => {
      if (dirty[k]) return null;
      const out: RawFinding[] = [];
      for (const r of prev.data[origin[k]].raw) {
        const m = shiftRaw(r, changes);
        if (!m || (linesMoved && CITES_LINE.test(m.finding.message))) return null;
        out.push(m);
      }
      return out;
    });
    for (let changed = true; changed; ) {
      changed = false;
      const spans = units.filter((_, k) => dirty[k]);
      moved.forEach((list, k) => {
        if (dirty[k]) return;
        // Every place a finding points at (its match, its range, its fix's edits) must be in a clean unit.
        const touches = (s: number, e: number) => spans.some((d) => s < d.end && d.start < Math.max(e, s + 1));
        const stale = (r: RawFinding) =>
          touches(r.matchStart, r.matchEnd) || touches(r.finding.start, r.finding.end) || (r.finding.fix?.edits.some((e) => touches(e.start, e.end)) ?? false);
        if (list === null || list.some(stale)) {
          dirty[k] = true;
          changed = true;
        }
      });
    }
    // Module-level code runs top to bottom and its statements depend on each other (a call
    // before another, a name read later): an edit there re-lints all of it (defs and classes excepted).
    if (units.some((u, k) => dirty[k] && !SELF_CONTAINED.has(u.type))) {
      units.forEach((u, k) => {
        if (!SELF_CONTAINED.has(u.type)) dirty[k] = true;
      });
    }
    const dirtyCount = dirty.filter(Boolean).length;
    if (dirtyCount > Math.max(2, units.length * MAX_DIRTY_SHARE)) return null;
    const ranges = mergeRanges(units.filter((_, k) => dirty[k]).map((u) => ({ start: u.start, end: u.end })));

    const data: UnitData[] = units.map((u, k) => {
      const o = origin[k];
      if (dirty[k]) return emptyData();
      const old = prev.data[o];
      const delta = u.start - prev.units[o].start;
      const raw = moved[k]!;
      return {
        raw,
        imports: old.imports.map(([s, e]) => [s + delta, e + delta] as [number, number]),
        errors: old.errors.map(([s, e]) => [s + delta, e + delta] as [number, number]),
        asyncNames: old.asyncNames,
        bindings: old.bindings,
      };
    });

    // Fact data of the dirty units comes from the restricted base pass, which holds the fact patterns.
    const root = tree.rootNode;
    let facts: FileFacts | undefined;
    let run: RawLint;
    try {
      run = this.engine.lintRaw(tree, text, options, {
        ranges,
        facts: (fresh) => {
          // Fill the dirty units' fact data, then check the whole-file key before any rule runs:
          // if an import, a module-level name or an async def name changed, lint in full.
          distributeFacts(fresh, units, data, dirty, root);
          if (wholeFileKey(text, data, optionsKey) !== prev.key) throw KEY_CHANGED;
          const captures = lazyCaptures(root, units, data, fresh, dirty);
          facts = new FileFacts(tree, text, captures, {
            moduleBindings: new Set(data.flatMap((d) => d.bindings)),
            asyncFunctionNames: new Set(data.flatMap((d) => d.asyncNames)),
          });
          return facts;
        },
      });
    } catch (error) {
      if (error === KEY_CHANGED) return null;
      throw error;
    }
    // A rule failed: the full lint reports it (and disables the rule for the whole file).
    if (run.failures.length) return null;
    for (const range of run.errorRanges) {
      const k = Math.max(0, unitIndex(units, range[0]));
      if (dirty[k]) data[k].errors.push(range);
    }

    for (const r of run.raw) {
      const k = unitIndex(units, r.matchStart);
      const last = unitIndex(units, Math.max(r.matchStart, r.matchEnd - 1));
      let touchesDirty = false;
      for (let i = Math.max(0, k); i <= last; i++) if (dirty[i]) touchesDirty = true;
      if (!touchesDirty) continue; // a clean unit's finding: the cache has it already
      data[Math.max(0, k)].raw.push(r);
    }

    this.stats.partial++;
    this.stats.lastDirty = dirtyCount;
    this.stats.lastUnits = units.length;
    this.stats.lastRanges = ranges;
    this.state = { text, lineCount, units, data, key: prev.key, optionsKey };
    const raw = data.flatMap((d) => d.raw);
    const errorRanges = data.flatMap((d) => d.errors);
    return this.engine.finish(text, facts!, raw, [] as RuleFailure[], errorRanges, run.active, suppressionComments(root, text));
  }
}

function emptyData(): UnitData {
  return { raw: [], imports: [], errors: [], asyncNames: [], bindings: [] };
}

/** The top-level children of the module, read with a cursor (no Node objects). */
function unitsOf(tree: Tree): Unit[] {
  const units: Unit[] = [];
  const cursor = tree.walk();
  try {
    if (cursor.gotoFirstChild()) {
      do units.push({ start: cursor.startIndex, end: cursor.endIndex, type: cursor.nodeType });
      while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  return units;
}

/** Index of the unit containing offset (the last unit starting at or before it); -1 before the first. */
function unitIndex(units: readonly Unit[], offset: number): number {
  let low = 0;
  let high = units.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (units[mid].start <= offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
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

function shiftRaw(r: RawFinding, changes: readonly TextChange[]): RawFinding | null {
  const m = (o: number) => mapOffset(o, changes);
  const matchStart = m(r.matchStart);
  const matchEnd = m(r.matchEnd);
  const start = m(r.finding.start);
  const end = m(r.finding.end);
  if (matchStart === null || matchEnd === null || start === null || end === null) return null;
  const finding: Finding = { ...r.finding, start, end };
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
  return { finding, matchStart, matchEnd };
}

function mergeRanges(ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** Splits a full run's findings and facts over the units. */
function distribute(run: RawLint, units: Unit[], data: UnitData[], tree: Tree): void {
  for (const r of run.raw) data[Math.max(0, unitIndex(units, r.matchStart))].raw.push(r);
  for (const range of run.errorRanges) data[Math.max(0, unitIndex(units, range[0]))].errors.push(range);
  distributeFacts(run.captures, units, data, units.map(() => true), tree.rootNode);
}

/** Fills the key-relevant fact data of the marked units from the captures of a (possibly restricted) pass. */
function distributeFacts(captures: FactCaptures, units: Unit[], data: UnitData[], which: boolean[], root: Node): void {
  const at = (offset: number) => Math.max(0, unitIndex(units, offset));
  for (const node of captures.imports) {
    const k = at(node.startIndex);
    if (which[k]) data[k].imports.push([node.startIndex, node.endIndex]);
  }
  for (const fn of captures.functions) {
    const k = at(fn.startIndex);
    if (!which[k] || fn.child(0)?.type !== 'async') continue;
    const name = fn.childForFieldName('name')?.text;
    if (name) data[k].asyncNames.push(name);
  }
  for (let k = 0; k < units.length; k++) {
    if (!which[k]) continue;
    const node = root.child(k);
    data[k].bindings = node ? boundNames(node) : [];
  }
}

/** Everything outside the units that a rule may rely on. */
function wholeFileKey(text: string, data: UnitData[], optionsKey: string): string {
  const imports = data.flatMap((d) => d.imports.map(([s, e]) => text.slice(s, e).replace(/\s+/g, ' ')));
  const asyncNames = [...new Set(data.flatMap((d) => d.asyncNames))].sort();
  const bindings = [...new Set(data.flatMap((d) => d.bindings))].sort();
  const eol = text.includes('\r\n') ? 'crlf' : text.includes('\r') ? 'cr' : 'lf';
  return JSON.stringify([optionsKey, imports, asyncNames, bindings, eol]);
}

/**
 * Fact captures for a partial run: imports materialised now (few, and FileFacts needs them);
 * comments and defs only when a rule asks for them (fresh nodes for dirty units, looked up by
 * offset for clean ones).
 */
function lazyCaptures(root: Node, units: Unit[], data: UnitData[], fresh: FactCaptures, dirty: boolean[]): FactCaptures {
  const imports: Node[] = [];
  data.forEach((d, k) => {
    if (dirty[k]) return;
    for (const [s, e] of d.imports) {
      const node = nodeAt(root, s, e, (t) => t === 'import_statement' || t === 'import_from_statement');
      if (node) imports.push(node);
    }
  });
  imports.push(...fresh.imports);
  imports.sort((a, b) => a.startIndex - b.startIndex);
  let comments: Node[] | undefined;
  let functions: Node[] | undefined;
  const all = (type: string, freshNodes: Node[]) => {
    const out: Node[] = [...freshNodes];
    for (let k = 0; k < units.length; k++) {
      if (dirty[k]) continue;
      const top = root.child(k);
      if (!top) continue;
      if (top.type === type) out.push(top);
      for (const n of top.descendantsOfType(type)) if (n) out.push(n);
    }
    return out.sort((a, b) => a.startIndex - b.startIndex);
  };
  return {
    imports,
    get comments() {
      comments ??= all('comment', fresh.comments);
      return comments;
    },
    get functions() {
      functions ??= all('function_definition', fresh.functions);
      return functions;
    },
  };
}

function nodeAt(root: Node, start: number, end: number, ok: (type: string) => boolean): Node | null {
  for (let n: Node | null = root.descendantForIndex(start, end); n; n = n.parent) {
    if (n.startIndex === start && n.endIndex === end && ok(n.type)) return n;
    if (n.startIndex < start || n.endIndex > end) break;
  }
  return null;
}

/** The comments that may be suppressions, found from the text (no full-tree pass). */
function suppressionComments(root: Node, text: string): Node[] {
  const out: Node[] = [];
  const seen = new Set<number>();
  SUPPRESSION_HINT.lastIndex = 0;
  for (let m = SUPPRESSION_HINT.exec(text); m; m = SUPPRESSION_HINT.exec(text)) {
    const node = root.descendantForIndex(m.index, m.index + 1);
    if (node?.type !== 'comment' || seen.has(node.startIndex)) continue;
    seen.add(node.startIndex);
    out.push(node);
  }
  return out;
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((f, i) => JSON.stringify(f) === JSON.stringify(b[i]));
}
