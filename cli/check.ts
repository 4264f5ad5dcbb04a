// Checking (and optionally fixing) files with the engine: the CLI's core, free of output concerns.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyFixes } from '../server/fixes/apply';
import type { Engine } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { decodeSource, encodeSource, UnreadableSource, type DecodedSource } from '../server/project/sourceFile';
import type { LineIndex } from '../server/syntax/text';
import type { Finding, RuleFailure } from '../common/types';

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
  failures: RuleFailure[];
}

export interface CheckOptions {
  fix: boolean;
  unsafeFixes: boolean;
}

/** How many lint-and-fix rounds --fix runs: a fix can enable another one nearby. */
const MAX_FIX_ROUNDS = 10;

export function checkFile(engine: Engine, file: string, fileLint: LintOptions, options: CheckOptions): FileReport {
  const lint: LintOptions = { ...fileLint, filePath: path.resolve(file) };
  let source: DecodedSource;
  try {
    source = decodeSource(readFileSync(file));
  } catch (error) {
    const message = error instanceof UnreadableSource ? `file ${error.message}` : (error as Error).message;
    return { file, findings: [], fixed: 0, error: message, failures: [] };
  }
  let text = source.text;
  let result = engine.lintText(text, lint);
  let fixed = 0;
  if (options.fix && !result.hasSyntaxErrors && source.encoding === 'utf-8') {
    for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
      const { text: next, applied } = applyFixes(text, result.findings, { unsafe: options.unsafeFixes });
      if (applied.length === 0) break;
      const nextResult = engine.lintText(next, lint);
      // Never write a file that a fix made unparseable; that would be a bug in a rule.
      if (nextResult.hasSyntaxErrors) {
        return { file, findings: result.findings, lines: result.lines, fixed, error: `a fix produced invalid Python; file left unchanged (rules: ${[...new Set(applied.map((f) => f.ruleId))].join(', ')})`, failures: result.failures };
      }
      fixed += applied.length;
      text = next;
      result = nextResult;
    }
    if (fixed > 0) writeAtomically(file, encodeSource(text, source));
  }
  return { file, findings: result.findings, lines: result.lines, fixed, skipped: result.skipped, failures: result.failures };
}

/** Writes through a temporary file in the same folder and a rename, so a crash never leaves half a file. */
function writeAtomically(file: string, data: Buffer): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.perflens-${randomBytes(4).toString('hex')}.tmp`);
  const mode = statSync(file).mode;
  try {
    writeFileSync(temp, data, { mode });
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file was never created
    }
    throw error;
  }
}
