// Checking (and optionally fixing) files with the engine: the CLI's core, free of output concerns.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { applyFixes, isApplicable } from '../server/fixes/apply';
import type { Engine, LintDetails } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { decodeSource, encodeSource, UnreadableSource, type DecodedSource } from '../server/project/sourceFile';
import type { LineIndex } from '../server/syntax/text';
import type { Finding, RuleFailure } from '../common/types';
import { writeFixedFile } from './safeWrite';

export interface FileReport {
  file: string;
  findings: Finding[];
  /** For turning offsets into rows and columns. */
  lines?: LineIndex;
  /** Findings fixed in place by --fix. */
  fixed: number;
  /** The file could not be read or linted. */
  error?: string;
  /** Linting was skipped on purpose (e.g. too large), with the reason. */
  skipped?: string;
  /**
   * Why --fix cannot change this file (or, with --fix, did not) although it has fixes to apply:
   * syntax errors, an encoding other than UTF-8, a read-only file, an edit saved meanwhile…
   */
  unfixable?: string;
  failures: RuleFailure[];
}

export interface CheckOptions {
  fix: boolean;
  unsafeFixes: boolean;
}

/** How many lint-and-fix rounds --fix runs: a fix can enable another one nearby. */
const MAX_FIX_ROUNDS = 10;

interface SourceOnDisk {
  bytes: Buffer;
  source: DecodedSource;
}

export function checkFile(engine: Engine, file: string, fileLint: LintOptions, options: CheckOptions): FileReport {
  const lint: LintOptions = { ...fileLint, filePath: path.resolve(file) };
  const read = readSource(file);
  if (typeof read === 'string') return { file, findings: [], fixed: 0, error: read, failures: [] };
  const result = engine.lintText(read.source.text, lint);
  const report: FileReport = { file, findings: result.findings, lines: result.lines, fixed: 0, skipped: result.skipped, failures: result.failures };
  if (!result.findings.some((f) => isApplicable(f, { unsafe: options.unsafeFixes }))) return report;
  const blocked = fixBlocker(result, read.source);
  if (blocked) return { ...report, unfixable: blocked };
  return options.fix ? fixFile(engine, file, lint, options, read, result, report) : report;
}

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
  first: LintDetails,
  unfixed: FileReport,
): FileReport {
  let text = read.source.text;
  let result = first;
  let fixed = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const { text: next, applied } = applyFixes(text, result.findings, { unsafe: options.unsafeFixes });
    if (applied.length === 0) break;
    const nextResult = engine.lintText(next, lint);
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
  return { file, findings: result.findings, lines: result.lines, fixed, skipped: result.skipped, failures: result.failures };
}
