// An open document: its text (LSP's TextDocument) and its tree-sitter tree, kept in step by
// applying each incremental change to both. The tree is re-parsed lazily, once per batch of edits.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Engine } from '../engine/engine';
import { Edit, type Tree } from '../engine/parser';

export class ParsedDocument {
  private tree: Tree | null = null;
  /** The tree has edits that were not re-parsed yet. */
  private stale = true;

  constructor(
    private text: TextDocument,
    private readonly engine: Engine,
  ) {}

  get uri(): string {
    return this.text.uri;
  }
  get version(): number {
    return this.text.version;
  }
  get languageId(): string {
    return this.text.languageId;
  }
  get document(): TextDocument {
    return this.text;
  }
  getText(): string {
    return this.text.getText();
  }

  /** The current tree, parsing incrementally from the previous one when there were edits. */
  getTree(): Tree {
    if (this.stale || !this.tree) {
      const old = this.tree;
      this.tree = this.engine.parse(this.text.getText(), old);
      old?.delete(); // WASM memory is not garbage-collected
      this.stale = false;
    }
    return this.tree;
  }

  /** Applies LSP content changes in order, telling the old tree about each edit. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change) {
        if (this.tree) {
          const start = this.text.offsetAt(change.range.start);
          const oldEnd = this.text.offsetAt(change.range.end);
          const newEnd = start + change.text.length;
          // tree-sitter rows count only "\n" while LSP lines also split on "\r"; we only ever read
          // offsets (startIndex/endIndex) back from the tree, so the points just need to be consistent.
          const startPosition = { row: change.range.start.line, column: change.range.start.character };
          const oldEndPosition = { row: change.range.end.line, column: change.range.end.character };
          const newEndPosition = endPoint(startPosition, change.text);
          this.tree.edit(new Edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition, oldEndPosition, newEndPosition }));
        }
        this.text = TextDocument.update(this.text, [change], version);
      } else {
        // A full-text change: nothing to reuse.
        this.tree?.delete();
        this.tree = null;
        this.text = TextDocument.update(this.text, [change], version);
      }
    }
    this.text = TextDocument.update(this.text, [], version);
    this.stale = true;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
  }
}

function endPoint(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lines = inserted.split(/\r\n|\r|\n/);
  if (lines.length === 1) return { row: start.row, column: start.column + inserted.length };
  return { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
}
