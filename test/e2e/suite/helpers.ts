// Shared by the editor tests: the workspace, waiting for the editor, and the CLI as the reference answer.
// Everything here uses the public `vscode` API only, so the suite runs the same in desktop VS Code
// (test/e2e/run-electron.mjs) and in code-server's extension host (scripts/e2e/run-suite.mjs).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';

const execFileAsync = promisify(execFile);

export const EXTENSION_ID = 'perflens.perflens';
export const SOURCE = 'perflens';

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this editor`);
  return ext;
}

/** The temporary workspace the launcher made from a copy of examples/ (the repo's files are never edited). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the editor has no workspace folder: the launcher must open a copy of examples/');
  return folder.uri;
}

/** Repeats `check` until it returns a value other than undefined/false, or fails with `what` and the last state. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; state?: () => unknown } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const state = options.state ? `\n  last state: ${JSON.stringify(options.state(), null, 2)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Finding {
  code: string;
  /** 1-based, like the CLI and the Problems panel. */
  line: number;
  column: number;
}

const label = (f: Finding) => `${f.line}:${f.column} ${f.code}`;

/** perflens's diagnostics for a document, ignoring other extensions' (filtered by source). */
export function perflensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Diagnostics as `line:column rule-id` strings (1-based, like the CLI), in document order. */
export function findingsOf(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return sortedLabels(
    diagnostics.map((d) => ({
      code: String(typeof d.code === 'object' ? d.code.value : d.code),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  );
}

const byPosition = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);

function sortedLabels(findings: Finding[]): string[] {
  return [...findings].sort(byPosition).map(label);
}

/** Waits until the document's perflens diagnostics satisfy `accept`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  accept: (findings: string[], diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${what} in ${path.basename(uri.fsPath)}`,
    () => {
      const diagnostics = perflensDiagnostics(uri);
      return accept(findingsOf(diagnostics), diagnostics) && diagnostics;
    },
    { state: () => findingsOf(perflensDiagnostics(uri)) },
  );
}

/** Waits until the diagnostics are exactly `expected` (see findingsOf). */
export function waitForFindings(uri: vscode.Uri, expected: readonly string[]): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, `diagnostics ${JSON.stringify(expected)}`, (found) => JSON.stringify(found) === JSON.stringify(expected));
}

let scratchCount = 0;

/**
 * Copies an example file to a fresh name inside the workspace (so pyproject.toml still applies) and opens it in
 * an editor. Each test edits its own copy, so tests do not depend on each other's order or leftovers.
 */
export async function openCopy(example: string): Promise<vscode.TextEditor> {
  const root = workspaceRoot();
  const target = vscode.Uri.joinPath(root, 'scratch', `${++scratchCount}-${Date.now()}-${example}`);
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(root, example), target, { overwrite: false });
  const document = await vscode.workspace.openTextDocument(target);
  assert.equal(document.languageId, 'python', `${example} did not open as Python`);
  return vscode.window.showTextDocument(document);
}

/**
 * Opens a new Python file in the workspace's scratch folder holding `content`. A file of its own, not an untitled
 * document: the workbench reuses the name Untitled-1 once the previous one is closed, and a test that opened its
 * untitled document just after the last test's was reverted was once handed the old one's text (CI stop 85).
 */
export async function openScratch(name: string, content: string): Promise<vscode.TextEditor> {
  const target = vscode.Uri.joinPath(workspaceRoot(), 'scratch', `${++scratchCount}-${Date.now()}-${name}`);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  const document = await vscode.workspace.openTextDocument(target);
  assert.equal(document.languageId, 'python', `${name} did not open as Python`);
  assert.equal(document.getText(), content, `${name} opened with other text than was written`);
  return vscode.window.showTextDocument(document);
}

/** Replaces the text of `line` (0-based) that matches `from`, as a user edit; asserts the line held it. */
export async function replaceInLine(editor: vscode.TextEditor, line: number, from: string, to: string): Promise<void> {
  const text = editor.document.lineAt(line).text;
  const at = text.indexOf(from);
  assert.ok(at >= 0, `line ${line + 1} is ${JSON.stringify(text)}, expected it to contain ${JSON.stringify(from)}`);
  const range = new vscode.Range(line, at, line, at + from.length);
  assert.ok(await editor.edit((b) => b.replace(range, to)), 'the editor refused the edit');
}

/** Sets a perflens or editor setting in the workspace for the duration of a test; returns the undo. */
export async function withSetting(section: string, key: string, value: unknown, languageId?: string): Promise<() => Promise<void>> {
  const scope = languageId ? { languageId } : undefined;
  const config = vscode.workspace.getConfiguration(section, scope);
  const before = config.inspect(key);
  const previous = languageId ? before?.workspaceLanguageValue : before?.workspaceValue;
  await config.update(key, value, vscode.ConfigurationTarget.Workspace, Boolean(languageId));
  return async () => {
    await vscode.workspace.getConfiguration(section, scope).update(key, previous, vscode.ConfigurationTarget.Workspace, Boolean(languageId));
  };
}

/** Closes every editor, so each test starts from an empty window. */
export async function closeAllEditors(): Promise<void> {
  // A dirty editor would ask "Save changes?" and block the run; the tests' edits are throwaway, so revert them.
  // The user's settings.json is left alone: it is dirty only while VS Code itself writes a configuration update,
  // it is no test's edit, and showing it mid-write fails ("another editor opened in the meantime", CI stop 53).
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && !isUserSettings(d))) {
    await revertAndClose(document);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

function isUserSettings(document: vscode.TextDocument): boolean {
  return /[\\/]User[\\/]settings\.json$/.test(document.uri.fsPath);
}

/**
 * Shows a dirty document and reverts it. The workbench refuses to show it when another editor opens at that moment
 * ("Could NOT open editor ... because another editor opened in the meantime": the extension writing the user's
 * settings.json while a test ended, seen once in CI); that is a race with the teardown, so it tries again, three times at most.
 */
async function revertAndClose(document: vscode.TextDocument): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      return;
    } catch (error) {
      if (attempt >= 3 || !/another editor opened in the meantime/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

// ---- The CLI as the reference: the editor must show exactly what `perflens check` reports ----------------------

function extensionPath(...parts: string[]): string {
  return path.join(extension().extensionPath, ...parts);
}

/**
 * Runs dist/cli.js with the extension host's own runtime (Electron needs ELECTRON_RUN_AS_NODE to act as node).
 * Asynchronously: a blocking spawnSync would freeze the extension host, the language client included.
 */
async function cli(args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [extensionPath('dist', 'cli.js'), ...args], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 30000,
    });
    return stdout;
  } catch (error) {
    // `check` exits 1 when it finds problems: that is an answer, not a failure.
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code === 1 && args[0] === 'check' && failed.stdout) return failed.stdout;
    throw new Error(`perflens ${args.join(' ')} exited ${failed.code}: ${failed.stderr ?? String(error)}`, { cause: error });
  }
}

export interface CliResult {
  /** `line:column rule-id`, as findingsOf prints diagnostics. */
  finding: string;
  message: string;
  /** 1-based end, like the start. */
  end: { line: number; column: number };
  url: string;
  /** The fix's applicability (Ruff's terms), if the finding has a fix. */
  fix?: 'safe' | 'unsafe' | 'display-only';
  /** This finding's severity (a rule may report milder forms below its default), from the SARIF output. */
  severity: RuleInfo['severity'];
}

/** `perflens check --format json FILE`, in document order. */
export async function cliCheck(file: vscode.Uri): Promise<CliResult[]> {
  type Json = {
    code: string;
    message: string;
    url: string;
    location: { row: number; column: number };
    end_location: { row: number; column: number };
    fix: { applicability: CliResult['fix'] } | null;
  };
  type Sarif = {
    runs: {
      results: {
        ruleId: string;
        properties: { severity: CliResult['severity'] };
        locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[];
      }[];
    }[];
  };
  const results = JSON.parse(await cli(['check', '--format', 'json', file.fsPath])) as Json[];
  const sarif = JSON.parse(await cli(['check', '--format', 'sarif', file.fsPath])) as Sarif;
  const severities = new Map(
    sarif.runs[0].results.map((r) => {
      const { startLine, startColumn } = r.locations[0].physicalLocation.region;
      return [label({ code: r.ruleId, line: startLine, column: startColumn }), r.properties.severity];
    }),
  );
  return results
    .map((r) => ({ start: { code: r.code, line: r.location.row, column: r.location.column }, r }))
    .sort((a, b) => byPosition(a.start, b.start))
    .map(({ start, r }) => ({
      finding: label(start),
      message: r.message,
      url: r.url,
      end: { line: r.end_location.row, column: r.end_location.column },
      fix: r.fix?.applicability,
      severity: severities.get(label(start))!,
    }));
}

export interface RuleInfo {
  id: string;
  title: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  guide: string;
  docs: { why: string; instead: string };
}

let rules: RuleInfo[] | undefined;

/** The rule's metadata as `perflens rules --format json` prints it. */
export async function ruleInfo(id: string): Promise<RuleInfo> {
  rules ??= JSON.parse(await cli(['rules', '--format', 'json'])) as RuleInfo[];
  const rule = rules.find((r) => r.id === id);
  assert.ok(rule, `perflens rules does not list ${id}`);
  return rule;
}
