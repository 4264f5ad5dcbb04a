// Jupyter notebooks over LSP notebook sync. The code cells of a notebook are linted as one module
// (imports in the first cell count in the fifth), IPython magics are masked, and each finding is
// mapped back to the cell it starts in. A finding that spans cells is dropped; a fix that touches
// another cell (an import added at the top) becomes a multi-document edit, each cell versioned.
import { NotebookCellKind, NotebookDocuments, type CancellationToken, type Connection, type Diagnostic, type NotebookDocument } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine/engine';
import { cellAt, editsByCell, notebookModule, type ModuleCell, type NotebookModule } from '../engine/notebook';
import type { LintOptions } from '../engine/options';
import type { RuleDefinition } from '../engine/rule';
import type { Finding, TextEdit } from '../../common/types';
import type { DiagnosticData } from '../../common/protocol';
import { toDiagnostic } from './convert';
import { updateClamped } from './documents';
import { throwIfCancelled, type BackgroundCaller } from './scheduling';

/** A cell's handle in the shared module builder: its URI and its text document. */
interface CellRef {
  uri: string;
  doc: TextDocument;
}

type CellSpan = ModuleCell<CellRef>;

export interface CellLint {
  doc: TextDocument;
  /** Findings with offsets local to the cell. */
  findings: Finding[];
  diagnostics: Diagnostic[];
}

interface NotebookLint {
  version: number;
  cells: Map<string, CellLint>;
  /** The workspace modules the lint read (LintResult.dependencies). */
  dependencies: readonly string[];
}

/** A pull or a push waits for a quiet moment (background); a hover or code action lints at once. */
interface CellLintRequest {
  token?: CancellationToken;
  background?: BackgroundCaller;
}

export class NotebookSupport {
  readonly documents: NotebookDocuments<TextDocument>;
  private readonly cache = new Map<string, NotebookLint>();

  constructor(
    private readonly connection: Connection,
    private readonly engine: () => Engine,
    private readonly optionsFor: (uri: string) => Promise<LintOptions | null>,
    private readonly guideHref: (rule: RuleDefinition) => string,
    /** Clients without pull diagnostics get cell diagnostics pushed after each change. */
    private readonly push: () => boolean,
    /** Resolves when background linting may run (Scheduler.backgroundTurn). */
    private readonly backgroundTurn: (caller: BackgroundCaller) => Promise<void>,
  ) {
    // Cell changes are clamped to the cell's text first (documents.ts: out-of-range ranges corrupt TextDocument's line index).
    this.documents = new NotebookDocuments({ create: TextDocument.create, update: updateClamped });
    this.documents.onDidOpen((nb) => this.changed(nb));
    this.documents.onDidChange((e) => this.changed(e.notebookDocument));
    this.documents.onDidClose((nb) => {
      this.cache.delete(nb.uri);
      if (this.push()) for (const cell of nb.cells) void this.connection.sendDiagnostics({ uri: cell.document, diagnostics: [] });
    });
  }

  listen(): void {
    this.documents.listen(this.connection);
  }

  isCell(uri: string): boolean {
    return this.documents.getNotebookCell(uri) !== undefined;
  }

  /**
   * The current version of `other` when it is a cell of the same notebook as `cellUri` (and not that
   * cell itself); undefined otherwise. A fix may edit only such cells (notebook-wide imports).
   */
  cellVersionBeside(cellUri: string, other: string): number | undefined {
    if (other === cellUri) return undefined;
    const notebook = this.documents.findNotebookDocumentForCell(cellUri);
    if (!notebook || this.documents.findNotebookDocumentForCell(other) !== notebook) return undefined;
    return this.documents.getCellTextDocument(this.documents.getNotebookCell(other)!)?.version;
  }

  /**
   * Drops the results that read one of these changed modules and, in push mode, publishes them again.
   * True when there was one (in pull mode the server asks the client to pull again).
   */
  modulesChanged(paths: ReadonlySet<string>): boolean {
    let any = false;
    for (const [uri, lint] of this.cache) {
      if (!lint.dependencies.some((p) => paths.has(p))) continue;
      any = true;
      const notebook = this.documents.getNotebookDocument(uri);
      if (notebook) void this.changed(notebook);
      else this.cache.delete(uri);
    }
    return any;
  }

  /** Drops cached results (settings changed). */
  invalidate(): void {
    this.cache.clear();
  }

  /** The lint of the cell's notebook, for the cell; null for unknown cells or when perflens is off. */
  async lintCell(cellUri: string, request: CellLintRequest = {}): Promise<CellLint | null> {
    const notebook = this.documents.findNotebookDocumentForCell(cellUri);
    if (!notebook) return null;
    const result = await this.lintNotebook(notebook, request);
    return result?.cells.get(cellUri) ?? null;
  }

  private async changed(notebook: NotebookDocument): Promise<void> {
    this.cache.delete(notebook.uri);
    if (!this.push()) return;
    const result = await this.lintNotebook(notebook, { background: 'timer' });
    for (const cell of notebook.cells) {
      void this.connection.sendDiagnostics({ uri: cell.document, diagnostics: result?.cells.get(cell.document)?.diagnostics ?? [] });
    }
  }

  private async lintNotebook(notebook: NotebookDocument, request: CellLintRequest): Promise<NotebookLint | null> {
    const cached = this.cache.get(notebook.uri);
    if (cached && cached.version === notebook.version) return cached;
    const options = await this.optionsFor(notebook.uri);
    if (!options) return null;
    if (request.background) {
      await this.backgroundTurn(request.background);
      throwIfCancelled(request.token);
      // Linted meanwhile (a hover), or closed: nothing to do.
      const linted = this.cache.get(notebook.uri);
      if (linted && linted.version === notebook.version) return linted;
      if (this.documents.getNotebookDocument(notebook.uri) !== notebook) return null;
    }
    throwIfCancelled(request.token);
    const cells = notebook.cells
      .filter((c) => c.kind === NotebookCellKind.Code)
      .map((c) => ({ uri: c.document, doc: this.documents.getCellTextDocument(c) }))
      .filter((c): c is { uri: string; doc: TextDocument } => c.doc !== undefined && c.doc.languageId === 'python');
    const module = notebookModule(cells.map((c) => ({ key: c, source: c.doc.getText() })));
    const details = this.engine().lintText(module.text, options);
    const result: NotebookLint = { version: notebook.version, cells: new Map(), dependencies: details.dependencies ?? [] };
    for (const span of module.cells) result.cells.set(span.key.uri, { doc: span.key.doc, findings: [], diagnostics: [] });
    for (const finding of details.findings) {
      const span = cellAt(module, finding.start);
      if (!span || finding.end > span.end) continue; // spans two cells: not something to show in either
      const cell = result.cells.get(span.key.uri)!;
      const local: Finding = { ...finding, start: finding.start - span.start, end: finding.end - span.start, fix: undefined };
      cell.findings.push(local);
      cell.diagnostics.push(this.toDiagnostic(local, finding, span, module));
    }
    this.cache.set(notebook.uri, result);
    return result;
  }

  /**
   * The cell's diagnostic for `local` (the finding in cell offsets), by the shared conversion, with
   * the fix's edits (module offsets) split by cell.
   */
  private toDiagnostic(local: Finding, finding: Finding, span: CellSpan, module: NotebookModule<CellRef>): Diagnostic {
    const rule = this.engine().rulesById.get(finding.ruleId)!;
    const diagnostic = toDiagnostic(span.key.doc, local, rule, this.guideHref(rule));
    const fix = finding.fix && mapFix(finding.fix.edits, span, module);
    if (finding.fix && fix) {
      (diagnostic.data as DiagnosticData).fix = {
        title: finding.fix.title,
        safety: finding.fix.safety,
        reason: finding.fix.reason,
        edits: fix.own,
        documents: fix.others,
      };
    }
    return diagnostic;
  }
}

type LspEdit = NonNullable<DiagnosticData['fix']>['edits'][number];

/** Splits a fix's edits by cell; null when an edit crosses cells or touches masked IPython syntax (drop the fix). */
function mapFix(
  edits: TextEdit[],
  own: CellSpan,
  module: NotebookModule<CellRef>,
): { own: LspEdit[]; others: { uri: string; version: number; edits: LspEdit[] }[] } | null {
  const split = editsByCell(module, edits);
  if (!split) return null;
  const ownEdits: LspEdit[] = [];
  const others = new Map<string, { uri: string; version: number; edits: LspEdit[] }>();
  for (const { cell, edit } of split) {
    const doc = cell.key.doc;
    const lsp = { range: { start: doc.positionAt(edit.start), end: doc.positionAt(edit.end) }, newText: edit.newText };
    if (cell === own) ownEdits.push(lsp);
    else {
      const entry = others.get(cell.key.uri) ?? { uri: cell.key.uri, version: doc.version, edits: [] };
      entry.edits.push(lsp);
      others.set(cell.key.uri, entry);
    }
  }
  return { own: ownEdits, others: [...others.values()] };
}
