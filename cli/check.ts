// Checking (and optionally fixing) files with the engine: the CLI's core, free of output concerns.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { applyFixes, isApplicable } from '../server/fixes/apply';
import type { Engine, LintDetails } from '../server/engine/engine';
import { previewHintsUnseen } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { decodeSource, encodeSource, hasUtf8Bom, UnreadableSource, type DecodedSource } from '../server/project/sourceFile';
import { applyEdits, type LineIndex } from '../server/syntax/text';
import { cellAt, editsByCell, notebookModule, type NotebookModule } from '../server/engine/notebook';
import type { Finding, RuleFailure } from '../common/types';
import { InvalidNotebook, parseNotebook, withCellSources, type Notebook } from './notebookFile';
import { writeFixedFile } from './safeWrite';

/** How a file is checked: as Python, as a Jupyter notebook, or (named explicitly, unknown type) neither until its first line says. */
export type FileKind = 'python' | 'notebook' | 'other';

/** Where a notebook's code cells are in the module that was linted (module offsets). */
export interface ReportCell {
  /** 1-based position among all the notebook's cells, as Jupyter and Ruff number them. */
  number: number;
  start: number;
  end: number;
}

export interface FileReport {
  file: string;
  findings: Finding[];
  /** For turning offsets into rows and columns. */
  lines?: LineIndex;
  /** Findings fixed in place by --fix. */
  fixed: number;
  /** The file could not be read or linted. */
  error?: string;
  /** The error is about the input itself (not Python, not a notebook, malformed): the run exits 2. */
  invalid?: boolean;
  /** For a notebook: its code cells in the linted module; rows and columns are given within a cell. */
  notebook?: ReportCell[];
  /** Linting was skipped on purpose (e.g. too large), with the reason. */
  skipped?: string;
  /**
   * Why --fix cannot change this file (or, with --fix, did not) although it has fixes to apply:
   * syntax errors, an encoding other than UTF-8, a read-only file, an edit saved meanwhile…
   */
  unfixable?: string;
  failures: RuleFailure[];
  /** Hints left out of the output (impact = "auto"): low-impact findings and minor advice, shown in the editor only. */
  hidden?: number;
  /** Of the hidden hints, those of rules in preview (engine/trackRecord.ts): `--preview` shows them. */
  hiddenPreview?: number;
  /** The rules in preview did not run on this file: all their findings would have been hints left out (CheckOptions.hintsUnseen). */
  previewNotRun?: boolean;
  /** The report still holds hints that the output leaves out (CheckOptions.keepHints): see `withoutHints`. */
  hintsPending?: boolean;
}

/** A report without its hints, counted as hidden: what the output shows with impact = "auto". */
export function withoutHints(report: FileReport): FileReport {
  if (!report.hintsPending) return report;
  const findings = report.findings.filter((f) => f.severity !== 'hint');
  const { hidden, hiddenPreview } = leftOutHints(report.findings);
  return { ...report, findings, hidden: (report.hidden ?? 0) + hidden, hiddenPreview: (report.hiddenPreview ?? 0) + hiddenPreview, hintsPending: false };
}

/**
 * The hints an output leaves out, and how many of them are of rules in preview. A library hint kept only for the profile
 * is not a hidden hint: without --profile it is not reported at all.
 */
function leftOutHints(findings: readonly Finding[]): { hidden: number; hiddenPreview: number } {
  let hidden = 0;
  let hiddenPreview = 0;
  for (const f of findings) {
    if (f.severity !== 'hint' || f.impact?.ifHot) continue;
    hidden++;
    if (f.impact?.preview) hiddenPreview++;
  }
  return { hidden, hiddenPreview };
}

export interface CheckOptions {
  fix: boolean;
  unsafeFixes: boolean;
  /**
   * Keep hints in the report (marked `hintsPending`) for the caller to leave out later: with --profile, a hint in
   * code the profile shows hot is raised to info first, so hiding must wait for the profile.
   */
  keepHints?: boolean;
  /**
   * The output does not show the hints it leaves out: with impact = "auto" and no --preview the rules in preview, whose
   * findings are all hints then, are not run (LintOptions.hintsUnseen). The text summary says so instead of counting them.
   */
  hintsUnseen?: boolean;
}

/** How many lint-and-fix rounds --fix runs: a fix can enable another one nearby. */
const MAX_FIX_ROUNDS = 10;

interface SourceOnDisk {
  bytes: Buffer;
  source: DecodedSource;
}

export function checkFile(engine: Engine, file: string, fileLint: LintOptions, options: CheckOptions, kind: FileKind = 'python', explicit = false): FileReport {
  // With --profile the library hints auto mode leaves out are kept for the profile to raise (cli/profile.ts).
  const keepHints = !!options.keepHints && !options.fix;
  const lint: LintOptions = {
    ...fileLint,
    filePath: path.resolve(file),
    ...(keepHints && kind !== 'notebook' ? { keepHints } : {}),
    ...(options.hintsUnseen && !keepHints ? { hintsUnseen: true } : {}),
  };
  if (kind === 'notebook') return checkNotebook(engine, file, lint, options, explicit);
  const read = readSource(file);
  // A file named on the command line that cannot be checked is a usage error, not a finding.
  if (typeof read === 'string') return { file, findings: [], fixed: 0, error: read, invalid: explicit, failures: [] };
  if (kind === 'other' && !/^#![^\r\n]*python/.test(read.source.text)) {
    return { file, findings: [], fixed: 0, error: NOT_PYTHON, invalid: true, failures: [] };
  }
  const result = lintShown(engine, read.source.text, lint, keepHints);
  const report: FileReport = {
    file,
    findings: result.findings,
    lines: result.lines,
    fixed: 0,
    skipped: result.skipped,
    failures: result.failures,
    hidden: result.hidden,
    hiddenPreview: result.hiddenPreview,
    previewNotRun: result.previewNotRun,
    hintsPending: keepHints && lint.impact === 'auto',
  };
  if (!result.findings.some((f) => isApplicable(f, { unsafe: options.unsafeFixes }))) return report;
  const blocked = fixBlocker(result, read.source);
  if (blocked) return { ...report, unfixable: blocked };
  return options.fix ? fixFile(engine, file, lint, options, read, result, report) : report;
}

interface ShownLint extends LintDetails {
  hidden: number;
  hiddenPreview: number;
  previewNotRun: boolean;
}

/**
 * A lint with what the CLI shows: with `impact = "auto"` (main.ts's default) hints are left out, as the editor's
 * Problems panel leaves them out, and counted for the summary; --fix then fixes only what is shown.
 */
function lintShown(engine: Engine, text: string, lint: LintOptions, keepHints = false): ShownLint {
  const result = engine.lintText(text, lint);
  if ((lint.impact ?? 'all') === 'all' || keepHints) return { ...result, hidden: 0, hiddenPreview: 0, previewNotRun: false };
  // No library hint is kept for a profile here (keepHints is off): every hint left out counts.
  const findings = result.findings.filter((f) => f.severity !== 'hint');
  return { ...result, findings, ...leftOutHints(result.findings), previewNotRun: previewHintsUnseen(lint) };
}

const NOT_PYTHON = 'not a Python file or notebook (perflens checks .py and .ipynb files, scripts with a python #! line, and files matching `extend-include`)';

/** The file's bytes and text, or why they cannot be had. */
function readSource(file: string): SourceOnDisk | string {
  try {
    // A FIFO or device named on the command line would block the read or never end.
    if (!statSync(file).isFile()) return 'not a regular file';
    const bytes = readFileSync(file);
    return { bytes, source: decodeSource(bytes) };
  } catch (error) {
    return error instanceof UnreadableSource ? `file ${error.message}` : (error as Error).message;
  }
}

/** Why fixes are never written to this file, whatever they are. */
function fixBlocker(result: LintDetails, source: DecodedSource): string | undefined {
  if (result.hasSyntaxErrors) return 'the file has syntax errors';
  if (source.encoding !== 'utf-8') return `it is encoded in ${source.encoding}; --fix writes UTF-8 files only`;
  return undefined;
}

/** Applies fixes round by round, then writes the file; on any refusal the file and the report stay as read. */
function fixFile(
  engine: Engine,
  file: string,
  lint: LintOptions,
  options: CheckOptions,
  read: SourceOnDisk,
  first: ShownLint,
  unfixed: FileReport,
): FileReport {
  let text = read.source.text;
  let result = first;
  let fixed = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const { text: next, applied } = applyFixes(text, result.findings, { unsafe: options.unsafeFixes });
    if (applied.length === 0) break;
    const nextResult = lintShown(engine, next, lint);
    // Never write a file that a fix made unparseable; that would be a bug in a rule.
    if (nextResult.hasSyntaxErrors) {
      return { ...unfixed, unfixable: `a fix produced invalid Python (rules: ${[...new Set(applied.map((f) => f.ruleId))].join(', ')}); file left unchanged` };
    }
    fixed += applied.length;
    text = next;
    result = nextResult;
  }
  if (fixed === 0) return unfixed;
  const refused = writeFixedFile(file, read.bytes, encodeSource(text, read.source));
  if (refused) return { ...unfixed, unfixable: refused };
  return {
    file,
    findings: result.findings,
    lines: result.lines,
    fixed,
    skipped: result.skipped,
    failures: result.failures,
    hidden: result.hidden,
    hiddenPreview: result.hiddenPreview,
    previewNotRun: result.previewNotRun,
  };
}

interface NotebookOnDisk {
  bytes: Buffer;
  /** The file started with a UTF-8 byte-order mark (kept on write). */
  bom: boolean;
  notebook: Notebook;
}

/** Code cell sources by cell index (0-based among all cells). */
type CellSources = Map<number, string>;

/**
 * A notebook: its code cells linted as one module, findings reported by cell. --fix edits the cells'
 * sources and writes back only those (notebookFile.ts); a fix whose edits cross a cell boundary or
 * touch IPython syntax is not offered.
 */
function checkNotebook(engine: Engine, file: string, lint: LintOptions, options: CheckOptions, explicit: boolean): FileReport {
  const read = readNotebook(file);
  // As for a Python file: a malformed notebook named on the command line is a usage error (exit 2); one found in a
  // folder walk is an unreadable file like any other (exit 1, or 0 under --exit-zero), so one stray `.ipynb` that
  // is really Python text does not fail a CI job that asked not to fail on findings. Ruff reports it as E902 the same way.
  if (typeof read === 'string') return { file, findings: [], fixed: 0, error: read, invalid: explicit, failures: [] };
  const { notebook } = read;
  const empty: FileReport = { file, findings: [], fixed: 0, failures: [] };
  if (notebook.language && notebook.language !== 'python') return { ...empty, skipped: `a ${notebook.language} notebook, not Python` };
  if (notebook.codeCells.length === 0) return { ...empty, skipped: 'the notebook has no code cells' };
  const sources: CellSources = new Map(notebook.codeCells.map((c) => [c.index, c.source]));
  const module = moduleOf(sources);
  const result = lintShown(engine, module.text, lint);
  const report = notebookReport(file, module, result, 0);
  if (!report.findings.some((f) => isApplicable(f, { unsafe: options.unsafeFixes }))) return report;
  if (result.hasSyntaxErrors) return { ...report, unfixable: 'the notebook has syntax errors' };
  return options.fix ? fixNotebook(engine, lint, options, read, sources, report) : report;
}

function moduleOf(sources: CellSources): NotebookModule<number> {
  return notebookModule([...sources].map(([key, source]) => ({ key, source })));
}

/**
 * The report of a notebook lint: a fix that cannot be applied cell by cell is dropped (never
 * advertised), and a finding is cut at the end of the cell it starts in.
 */
function notebookReport(file: string, module: NotebookModule<number>, result: ShownLint, fixed: number): FileReport {
  const findings = result.findings.map((f) => {
    const cell = cellAt(module, f.start);
    const end = cell ? Math.min(f.end, cell.end) : f.end;
    const fix = f.fix && editsByCell(module, f.fix.edits) ? f.fix : undefined;
    return fix === f.fix && end === f.end ? f : { ...f, end, fix };
  });
  const notebook = module.cells.map((c) => ({ number: c.key + 1, start: c.start, end: c.end }));
  return {
    file,
    findings,
    lines: result.lines,
    notebook,
    fixed,
    skipped: result.skipped,
    failures: result.failures,
    hidden: result.hidden,
    hiddenPreview: result.hiddenPreview,
    previewNotRun: result.previewNotRun,
  };
}

function readNotebook(file: string): NotebookOnDisk | string {
  try {
    if (!statSync(file).isFile()) return 'not a regular file';
    const bytes = readFileSync(file);
    const bom = hasUtf8Bom(bytes);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bom ? bytes.subarray(3) : bytes);
    } catch {
      return 'not a valid notebook: the file is not valid UTF-8';
    }
    return { bytes, bom, notebook: parseNotebook(text) };
  } catch (error) {
    return (error as Error).message;
  }
}

/** Fix rounds over the module, each applied to the cells' own sources; then the changed cells are written back. */
function fixNotebook(engine: Engine, lint: LintOptions, options: CheckOptions, read: NotebookOnDisk, first: CellSources, unfixed: FileReport): FileReport {
  let sources = first;
  let report = unfixed;
  let fixed = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const module = moduleOf(sources);
    const { applied, edits } = applyFixes(module.text, report.findings, { unsafe: options.unsafeFixes });
    if (applied.length === 0) break;
    const next = new Map(sources);
    const byCell = new Map<number, { start: number; end: number; newText: string }[]>();
    for (const { cell, edit } of editsByCell(module, edits)!) byCell.set(cell.key, [...(byCell.get(cell.key) ?? []), edit]);
    for (const [index, cellEdits] of byCell) next.set(index, applyEdits(sources.get(index)!, cellEdits));
    const nextModule = moduleOf(next);
    const nextResult = lintShown(engine, nextModule.text, lint);
    // Never write a notebook that a fix made unparseable; that would be a bug in a rule.
    if (nextResult.hasSyntaxErrors) {
      return {
        ...unfixed,
        unfixable: `a fix produced invalid Python (rules: ${[...new Set(applied.map((f) => f.ruleId))].join(', ')}); notebook left unchanged`,
      };
    }
    fixed += applied.length;
    sources = next;
    report = notebookReport(unfixed.file, nextModule, nextResult, fixed);
  }
  if (fixed === 0) return unfixed;
  const text = withCellSources(read.notebook, sources);
  const reread = rereadCells(text);
  if (!reread || [...sources].some(([index, source]) => reread.get(index) !== source)) {
    return { ...unfixed, unfixable: 'writing the fixed cells back would not give the same notebook (a bug: please report it); notebook left unchanged' };
  }
  const bytes = Buffer.concat([read.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
  const refused = writeFixedFile(unfixed.file, read.bytes, bytes);
  if (refused) return { ...unfixed, unfixable: refused };
  return report;
}

/** The code cells of a notebook text as written, or null if it no longer parses. */
function rereadCells(text: string): CellSources | null {
  try {
    return new Map(parseNotebook(text).codeCells.map((c) => [c.index, c.source]));
  } catch (error) {
    if (error instanceof InvalidNotebook) return null;
    throw error;
  }
}
