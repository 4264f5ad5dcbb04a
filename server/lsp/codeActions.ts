// Code actions for the findings of the current text: the rule's fix, fix-all-of-this-rule, fix-all
// (source.fixAll.perflens), disable-for-line and open-guide. A diagnostic the client sends back only
// says which finding it wants: every edit comes from the server's own lint of the current text (the
// client's copy of the data may be stale, from a text that reused the version number, or forged).
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { applyFixes } from '../fixes/apply';
import type { Finding } from '../../common/types';
import { COMMANDS, FIX_ALL_KIND, SOURCE, type DiagnosticData } from '../../common/protocol';
import { isDiagnosticData, toLspEdit } from './convert';
import { SNIPPET_FOR_RULE } from '../docs/snippetLinks';
import { fixMenuTitle } from '../docs/render';
import { readSuppression, suppressionComment } from '../engine/suppressions';
import { detectEol } from '../syntax/text';

/** An edit pinned to the document version it was computed for: the client refuses it if stale. */
export function versionedEdit(doc: TextDocument, edits: TextEdit[]): WorkspaceEdit {
  return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits }] };
}

export interface QuickFixOptions {
  unsafe: boolean;
  clientCommands: boolean;
  guideOf: (ruleId: string) => string;
  /** The server's diagnostics of the current text (what its lint found): the only source of fixes. */
  current: readonly Diagnostic[];
  /**
   * The current version of another document a fix may edit: a cell of the same notebook as `doc`;
   * undefined for any other document (a fix that edits one is dropped).
   */
  versionOf: (uri: string) => number | undefined;
}

/**
 * The actions for the diagnostics a client sent. Its cost grows with their number only, never with
 * their number times the file's size: a client may send thousands of diagnostics of a 2 MB file (the
 * protocol fuzzer's did), and this runs on the thread that answers every request.
 */
export function quickFixes(doc: TextDocument, diagnostics: readonly Diagnostic[], allFindings: readonly Finding[], opts: QuickFixOptions): CodeAction[] {
  const actions: CodeAction[] = [];
  const seenRules = new Set<string>();
  const seenTemplates = new Set<string>();
  const current = new Map(opts.current.filter((d) => isDiagnosticData(d.data)).map((d) => [diagnosticKey(d), d as Diagnostic & { data: DiagnosticData }]));
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || !isDiagnosticData(diagnostic.data)) continue;
    // A diagnostic from an older version has stale ranges: offer nothing rather than a wrong edit.
    if (diagnostic.data.version !== doc.version) continue;
    // Not a finding of the current text (the version number was reused for other text): nothing to fix.
    const own = current.get(diagnosticKey(diagnostic));
    if (!own) continue;
    const data: DiagnosticData = own.data;
    const fix = data.fix && checkedFix(data.fix, opts.versionOf);
    if (fix && fix.safety !== 'display-only' && (fix.safety === 'safe' || opts.unsafe)) {
      actions.push({
        title: fixMenuTitle(fix),
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.safety === 'safe',
        edit: fix.documents?.length
          ? {
              documentChanges: [
                ...versionedEdit(doc, fix.edits).documentChanges!,
                ...fix.documents.map((d) => ({ textDocument: { uri: d.uri, version: d.version }, edits: d.edits })),
              ],
            }
          : versionedEdit(doc, fix.edits),
      });
    }
    if (!seenRules.has(data.ruleId)) {
      seenRules.add(data.ruleId);
      const sameRule = allFindings.filter((f) => f.ruleId === data.ruleId && f.fix?.safety === 'safe');
      if (sameRule.length > 1) {
        actions.push({
          title: `Fix all ${data.ruleId} problems in this file (safe fixes)`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: versionedEdit(doc, combinedEdits(doc, sameRule, false)),
        });
      }
    }
    actions.push(disableForLine(doc, diagnostic, data.ruleId));
    actions.push(disableForFile(doc, diagnostic, data.ruleId));
    // A template is offered only where it is the answer: never beside a fix that rewrites this code.
    const template = rewrites(data.fix) ? undefined : SNIPPET_FOR_RULE[data.ruleId];
    if (opts.clientCommands && template && !seenTemplates.has(template)) {
      seenTemplates.add(template);
      actions.push({
        title: `Show the "${template}" template`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: 'Show template', command: COMMANDS.showSnippet, arguments: [template] },
      });
    }
    if (opts.clientCommands) {
      actions.push({
        title: `Open the guide for ${data.ruleId}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: 'Open guide', command: COMMANDS.openGuide, arguments: [opts.guideOf(data.ruleId)] },
      });
    }
  }
  return actions;
}

/** What a client's diagnostic and the server's own have in common when they stand for one finding: rule and range (of one version). */
function diagnosticKey(d: Diagnostic): string {
  const { start, end } = d.range;
  return `${String(d.code)}@${start.line}:${start.character}-${end.line}:${end.character}`;
}

type Fix = NonNullable<DiagnosticData['fix']>;

/** The finding has a fix that edits the code (safe or unsafe), not only a suggestion to show. */
function rewrites(fix: Fix | undefined): boolean {
  return fix !== undefined && fix.safety !== 'display-only' && fix.edits.length > 0;
}

/**
 * The fix, if every other document it edits is a cell of the same notebook at its current version
 * (a notebook fix adds an import to the first cell); null otherwise: an edit to anything else, or to
 * a cell that changed since, must never reach the WorkspaceEdit.
 */
export function checkedFix(fix: Fix, versionOf: (uri: string) => number | undefined): Fix | null {
  const others = fix.documents ?? [];
  return others.every((d) => typeof d.uri === 'string' && versionOf(d.uri) === d.version) ? fix : null;
}

/** `source.fixAll.perflens`: every safe fix that does not overlap another, as one versioned edit. */
export function fixAll(doc: TextDocument, findings: readonly Finding[], unsafe = false): CodeAction | null {
  const edits = combinedEdits(doc, findings, unsafe);
  if (edits.length === 0) return null;
  return { title: 'Fix all auto-fixable perflens problems', kind: FIX_ALL_KIND, edit: versionedEdit(doc, edits) };
}

/** The non-overlapping edits of the applicable fixes, with shared edits (one import for two fixes) once. */
function combinedEdits(doc: TextDocument, findings: readonly Finding[], unsafe: boolean): TextEdit[] {
  const { applied } = applyFixes(doc.getText(), findings, { unsafe });
  const seen = new Set<string>();
  const edits: TextEdit[] = [];
  for (const edit of applied.flatMap((f) => f.fix!.edits)) {
    const key = `${edit.start}:${edit.end}:${edit.newText}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edits.push(toLspEdit(doc, edit));
  }
  return edits;
}

/** Adds the rule to the file's `# perflens: ignore-file[...]` comment, or writes one at the top. */
function disableForFile(doc: TextDocument, diagnostic: Diagnostic, ruleId: string): CodeAction {
  let edit: TextEdit | undefined;
  let insertLine = 0;
  // Line by line from the top, to the first line of code: never the whole text (see quickFixes).
  for (let line = 0; line < doc.lineCount; line++) {
    const text = lineText(doc, line);
    // Only a comment that starts its line is the file's.
    const existing = readSuppression(text);
    if (existing?.verb === 'ignore-file' && existing.list && existing.start === 0) {
      edit = addedToList(line, existing.list, existing.rules, ruleId);
      break;
    }
    // Keep a shebang and a coding declaration first; stop at the first line of code.
    if (/^#!|^#.*coding[:=]/.test(text) && line < 2) insertLine = line + 1;
    else if (!/^\s*(#.*)?$/.test(text)) break;
  }
  edit ??= {
    range: { start: { line: insertLine, character: 0 }, end: { line: insertLine, character: 0 } },
    newText: `${suppressionComment('ignore-file', [ruleId])}${detectEol(doc.getText())}`,
  };
  return {
    title: `Disable ${ruleId} for this file`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: versionedEdit(doc, [edit]),
  };
}

/** Adds the rule to the line's `# perflens: ignore[...]` comment, creating it if needed. */
function disableForLine(doc: TextDocument, diagnostic: Diagnostic, ruleId: string): CodeAction {
  const line = diagnostic.range.start.line;
  const text = lineText(doc, line);
  const existing = readSuppression(text);
  let edit: TextEdit;
  if (existing?.verb === 'ignore' && existing.list) {
    edit = addedToList(line, existing.list, existing.rules, ruleId);
  } else {
    const trimmedEnd = text.replace(/\s+$/, '').length;
    edit = { range: { start: { line, character: trimmedEnd }, end: { line, character: text.length } }, newText: `  ${suppressionComment('ignore', [ruleId])}` };
  }
  return {
    title: `Disable ${ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: versionedEdit(doc, [edit]),
  };
}

/** A line's text without its line break. */
function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
}

/** Rewrites a suppression comment's rule list (at `list` on `line`) with the rule added. */
function addedToList(line: number, list: { start: number; end: number }, rules: readonly string[], ruleId: string): TextEdit {
  return { range: { start: { line, character: list.start }, end: { line, character: list.end } }, newText: [...rules, ruleId].join(', ') };
}
