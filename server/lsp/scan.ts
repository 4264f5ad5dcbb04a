// "Scan Workspace": lint every Python file under the workspace folders (respecting .gitignore,
// the default excludes and project config), publishing diagnostics for files that are not open.
import { readFileSync } from 'node:fs';
import type { CancellationToken, Connection, Diagnostic, WorkDoneProgressReporter } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { discoverFiles } from '../project/discovery';
import type { Engine } from '../engine/engine';
import { GitIgnore } from '../project/gitignore';
import type { LintOptions } from '../engine/options';
import { isExcluded, type ConfigResolver } from '../project/projectConfig';
import type { RuleDefinition } from '../engine/rule';
import { decodeSource } from '../project/sourceFile';
import type { ScanWorkspaceParams, ScanWorkspaceResult } from '../../common/protocol';
import { toDiagnostic } from './convert';

export interface ScanContext {
  connection: Connection;
  engine: Engine;
  configs: ConfigResolver;
  isOpen(uri: string): boolean;
  optionsFor(uri: string): Promise<LintOptions | null>;
  /** Files whose diagnostics came from a scan (cleared when the file is opened). */
  scanned: Set<string>;
  guideHref(rule: RuleDefinition): string;
  /** Resolves when the next file may be linted: hovers, code actions and cancellations go first. */
  backgroundTurn(): Promise<void>;
}

/** Progress is reported every few files. */
const FILES_PER_REPORT = 8;

/**
 * Scans the roots. Progress (files scanned of the total, findings so far) goes to the client's work-done token
 * when the request carries one (VS Code shows it in a cancellable notification), else to a progress the server
 * creates. Cancelling the request, or that progress, stops the scan between two files; the result then says
 * how far it got.
 */
export async function scanWorkspace(ctx: ScanContext, params: ScanWorkspaceParams, token?: CancellationToken): Promise<ScanWorkspaceResult> {
  const started = Date.now();
  const progress = await scanProgress(ctx.connection, params);
  progress.begin('perflens: scanning workspace', 0, 'finding Python files…', true);
  const result: ScanWorkspaceResult = { files: 0, problems: 0, cancelled: false, errors: [] };
  const cancelled = () => Boolean(progress.token?.isCancellationRequested || token?.isCancellationRequested);
  try {
    const files = findFiles(ctx, params, result);
    for (let i = 0; i < files.length; i++) {
      if (i % FILES_PER_REPORT === 0) progress.report(Math.round((100 * i) / files.length), progressMessage(i, files.length, result.problems));
      const input = await readInput(ctx, files[i], result);
      await ctx.backgroundTurn();
      // Cancel in the progress notification, or of the request itself.
      if (cancelled()) {
        result.cancelled = true;
        break;
      }
      // Opened while the scan waited: open documents have live diagnostics already.
      if (input && !ctx.isOpen(input.uri)) result.problems += lintFile(ctx, input);
      result.files++;
    }
    const outcome = result.cancelled ? 'cancelled after' : 'done:';
    const counts = `${result.files}/${files.length} files, ${result.problems} findings, ${result.errors.length} errors`;
    ctx.connection.console.info(`perflens: workspace scan ${outcome} ${counts}, ${Date.now() - started} ms`);
  } finally {
    progress.done();
  }
  return result;
}

/** `12/340 files · 5 findings`: what the progress notification shows while the scan runs. */
function progressMessage(done: number, total: number, findings: number): string {
  return `${done}/${total} files · ${findings} finding${findings === 1 ? '' : 's'}`;
}

/** The client's progress (its token in the request), or one the server creates, which has its own Cancel. */
async function scanProgress(connection: Connection, params: ScanWorkspaceParams): Promise<WorkDoneProgressReporter & { token?: CancellationToken }> {
  if (params.workDoneToken !== undefined) return connection.window.attachWorkDoneProgress(params.workDoneToken);
  return connection.window.createWorkDoneProgress();
}

/** The Python files under the roots that .gitignore, the default excludes and project config leave in. */
function findFiles(ctx: ScanContext, params: ScanWorkspaceParams, result: ScanWorkspaceResult): string[] {
  const roots = params.roots
    .map((r) => URI.parse(r))
    .filter((u) => u.scheme === 'file')
    .map((u) => u.fsPath);
  const files: string[] = [];
  for (const root of roots) {
    const git = new GitIgnore(root);
    // Python files only: a notebook on disk is linted when opened (notebook sync), not by this scan.
    const found = discoverFiles(
      [root],
      (file, isDirectory) => git.ignores(file, isDirectory) || safeExcluded(ctx, file),
      (file) => file.endsWith('.py'),
    );
    files.push(...found.files);
    result.errors.push(...found.errors.map((e) => `${e.path}: ${e.message}`));
  }
  return files;
}

function safeExcluded(ctx: ScanContext, file: string): boolean {
  try {
    return isExcluded(ctx.configs.forFile(file), file);
  } catch {
    return false; // a broken config is reported when its files are linted
  }
}

interface ScanInput {
  file: string;
  uri: string;
  text: string;
  options: LintOptions;
}

/** A file's text and options; null when it is open, disabled by settings or unreadable. */
async function readInput(ctx: ScanContext, file: string, result: ScanWorkspaceResult): Promise<ScanInput | null> {
  const uri = URI.file(file).toString();
  if (ctx.isOpen(uri)) return null; // open documents have live diagnostics already
  const options = await ctx.optionsFor(uri);
  if (!options) return null;
  try {
    return { file, uri, text: decodeSource(readFileSync(file)).text, options };
  } catch (error) {
    result.errors.push(`${file}: ${(error as Error).message}`);
    return null;
  }
}

/** Lints one file and publishes its diagnostics; returns how many. */
function lintFile(ctx: ScanContext, { file, uri, text, options }: ScanInput): number {
  const details = ctx.engine.lintText(text, { ...options, filePath: file });
  const doc = TextDocument.create(uri, 'python', 0, text);
  const diagnostics: Diagnostic[] = details.findings.map((f) => {
    const rule = ctx.engine.rulesById.get(f.ruleId)!;
    return toDiagnostic(doc, f, rule, ctx.guideHref(rule));
  });
  if (diagnostics.length > 0 || ctx.scanned.has(uri)) {
    ctx.scanned.add(uri);
    void ctx.connection.sendDiagnostics({ uri, diagnostics });
  }
  return diagnostics.length;
}
