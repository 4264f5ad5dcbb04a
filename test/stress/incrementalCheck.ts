// Drives IncrementalLinter through random edits and compares every result with a full lint of
// the same text (shared by the fast test and the long stress run).
import type { Engine, LintDetails } from '../../server/engine/engine';
import { IncrementalLinter, type TextChange } from '../../server/engine/incremental';
import { Edit, type Tree } from '../../server/syntax/parser';
import { randomEdit } from './corpus';

export interface IncrementalRun {
  edits: number;
  partial: number;
  full: number;
  /** Incremental results that differed from a full lint (before the idle-time verification). */
  mismatches: {
    edit: number;
    change: { start: number; end: number; newText: string };
    text: string;
    incremental: string[];
    full: string[];
    /** Rules stopped in either lint (a throw, or over their time budget on a busy machine): their findings are missing there. */
    failed: string[];
  }[];
  /** Mismatches that verify() (the idle-time full lint) did not correct: must be 0. */
  uncorrected: number;
}

function point(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * Applies one edit to text and to its tree (which it frees): the new text, its tree parsed
 * incrementally, the edit as the linter takes it, and tree-sitter's changed ranges.
 */
export function applyEdit(engine: Engine, tree: Tree, text: string, edit: { start: number; end: number; newText: string }) {
  const newText = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  const change: TextChange = { start: edit.start, oldEnd: edit.end, newEnd: edit.start + edit.newText.length };
  tree.edit(
    new Edit({
      startIndex: change.start,
      oldEndIndex: change.oldEnd,
      newEndIndex: change.newEnd,
      startPosition: point(text, change.start),
      oldEndPosition: point(text, change.oldEnd),
      newEndPosition: point(newText, change.newEnd),
    }),
  );
  const newTree = engine.parse(newText, tree);
  const changedRanges = newTree.getChangedRanges(tree);
  tree.delete();
  return { tree: newTree, text: newText, change, changedRanges };
}

/**
 * What a lint reported, one line per finding. PERFLENS_MISMATCH_IMPACT=1 adds each finding's impact (level and reasons):
 * an incremental lint carries impacts across edits (incremental.ts `markCarriedImpacts`), and `all` mode's severities
 * do not show them.
 */
export const summary = (d: LintDetails) =>
  d.findings.map(
    (f) =>
      `${f.start}-${f.end}:${f.ruleId}:${f.severity}:${f.message}:${JSON.stringify(f.fix ?? null)}` +
      (process.env.PERFLENS_MISMATCH_IMPACT ? `:${f.impact?.level}:${f.impact?.reasons.join('|')}` : ''),
  );

/** A random edit: with probability typingShare, one character typed or deleted somewhere; else a mutation (randomEdit). */
export function randomTyping(text: string, next: () => number, typingShare: number): { start: number; end: number; newText: string } {
  const edit = randomEdit(text, next);
  if (next() >= typingShare) return edit;
  const at = Math.floor(next() * text.length);
  return next() < 0.5 || at >= text.length ? { start: at, end: at, newText: 'x' } : { start: at, end: at + 1, newText: '' };
}

/** Applies `count` random edits (mostly typing) to text, linting incrementally after each. */
export function runIncremental(engine: Engine, text: string, count: number, next: () => number, typingShare = 0.8): IncrementalRun {
  const linter = new IncrementalLinter(engine, true);
  const options = { select: ['ALL'], impact: (process.env.PERFLENS_IMPACT ?? 'all') as 'auto' | 'all' };
  let tree: Tree = engine.parse(text);
  linter.lint(tree, text, options, null);
  const run: IncrementalRun = { edits: 0, partial: 0, full: 0, mismatches: [], uncorrected: 0 };
  try {
    for (let i = 0; i < count; i++) {
      const edit = randomTyping(text, next, typingShare);
      const edited = applyEdit(engine, tree, text, edit);
      tree = edited.tree;
      text = edited.text;
      const incremental = linter.lint(tree, text, options, [edited.change], edited.changedRanges);
      const full = engine.lint(tree, text, options);
      run.edits++;
      const a = summary(incremental);
      const b = summary(full);
      if (a.join('\n') !== b.join('\n')) {
        const failed = [...incremental.failures, ...full.failures].map((f) => f.ruleId);
        run.mismatches.push({ edit: i, change: edit, text, incremental: a, full: b, failed });
        const checked = linter.verify(tree, text, options, incremental);
        if (checked.same || summary(checked.details).join('\n') !== b.join('\n')) run.uncorrected++;
      }
    }
  } finally {
    tree.delete();
  }
  run.partial = linter.stats.partial;
  run.full = linter.stats.full;
  return run;
}

/** One scripted edit's outcome: what the incremental lint and a full lint reported, and what it re-linted. */
export interface ScriptedStep {
  text: string;
  incremental: string[];
  full: string[];
  /** False when the linter fell back to a full lint. */
  partial: boolean;
  /** The ranges the incremental lint re-ran (IncrementalStats.lastRanges). */
  ranges: { start: number; end: number }[];
  /** How many class shapes the incremental lint read from the tree (IncrementalStats.lastShapeReads; 0 after a full lint). */
  shapeReads: number;
}

/** Applies each edit (offsets into the text as the previous edits left it), linting incrementally after each. */
export function runScripted(engine: Engine, text: string, edits: readonly { start: number; end: number; newText: string }[], joinGap = 0): ScriptedStep[] {
  // Spans are not joined unless asked (joinGap): the tests look at the region as chosen.
  const linter = new IncrementalLinter(engine, true, joinGap);
  const options = { select: ['ALL'], impact: (process.env.PERFLENS_IMPACT ?? 'all') as 'auto' | 'all' };
  let tree: Tree = engine.parse(text);
  linter.lint(tree, text, options, null);
  const steps: ScriptedStep[] = [];
  try {
    for (const edit of edits) {
      const edited = applyEdit(engine, tree, text, edit);
      tree = edited.tree;
      text = edited.text;
      const partialsBefore = linter.stats.partial;
      const incremental = summary(linter.lint(tree, text, options, [edited.change], edited.changedRanges));
      const partial = linter.stats.partial > partialsBefore;
      steps.push({
        text,
        incremental,
        full: summary(engine.lint(tree, text, options)),
        partial,
        ranges: partial ? [...linter.stats.lastRanges] : [],
        shapeReads: partial ? linter.stats.lastShapeReads : 0,
      });
    }
  } finally {
    tree.delete();
  }
  return steps;
}
