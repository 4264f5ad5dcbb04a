// Helpers for building fixes that keep the user's comments, indentation and line breaks.
import type { FileFacts } from '../analysis/facts';
import type { Node } from '../syntax/parser';
import { detectEol } from '../syntax/text';
import type { TextEdit } from '../../common/types';

export function replaceNode(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

export function replaceRange(start: number, end: number, newText: string): TextEdit {
  return { start, end, newText };
}

export function insertAt(offset: number, newText: string): TextEdit {
  return { start: offset, end: offset, newText };
}

/** Offset of the first character of the line containing offset. */
export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just past the end of the line containing offset (before its line break). */
export function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** The whitespace that starts the line containing offset. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, start + 200))![0];
}

/** Deletes whole lines from the one holding `start` through the one holding `end`, line break included. */
export function deleteLines(text: string, start: number, end: number): TextEdit {
  const from = lineStartOf(text, start);
  let to = lineEndOf(text, end);
  if (text[to] === '\r') to++;
  if (text[to] === '\n') to++;
  return { start: from, end: to, newText: '' };
}

/** Text between two nodes contains a comment (so a fix that joins them would lose it). */
export function hasCommentBetween(facts: FileFacts, start: number, end: number): boolean {
  return facts.captures.comments.some((c) => c.startIndex >= start && c.endIndex <= end);
}

/** Comments inside [start, end), in order, as their text. */
export function commentsIn(facts: FileFacts, start: number, end: number): string[] {
  return facts.captures.comments.filter((c) => c.startIndex >= start && c.endIndex <= end).map((c) => c.text);
}

export interface ImportResult {
  /** How to spell the imported thing at the use site: `functools.wraps`, `wraps`, `ft.wraps`. */
  ref: string;
  /** The edit adding the import, when the file lacks it. */
  edits: TextEdit[];
}

/**
 * Makes `module.name` (or `module` alone) usable in the file, reusing an existing import when
 * there is one, and otherwise adding `import module` after the last module-level import.
 */
export function ensureImport(facts: FileFacts, module: string, name?: string): ImportResult {
  const wanted = name ? `${module}.${name}` : module;
  for (const b of facts.importsOf(module)) {
    if (!b.unconditional || b.local.startsWith('\0')) continue;
    if (name && b.target === wanted) return { ref: b.local, edits: [] };
    if (b.target === module) return { ref: name ? `${b.local}.${name}` : b.local, edits: [] };
  }
  const ref = name ? `${module}.${name}` : module;
  return { ref, edits: [addImportStatement(facts, `import ${module}`)] };
}

/** An edit inserting an import statement where imports go: after the last module-level import. */
export function addImportStatement(facts: FileFacts, statement: string): TextEdit {
  const text = facts.text;
  const eol = detectEol(text);
  const children = facts.root.namedChildren.filter((c): c is Node => c !== null);
  // Imports go after the module docstring (the first statement, comments aside) and after the
  // leading block of imports, so `from __future__` imports stay first.
  let anchor: Node | null = null;
  let seenStatement = false;
  for (const child of children) {
    if (child.type === 'comment') continue;
    if (child.type === 'import_statement' || child.type === 'import_from_statement' || child.type === 'future_import_statement') {
      anchor = child;
    } else if (!seenStatement && isDocstring(child)) {
      anchor = child;
    } else {
      break;
    }
    seenStatement = true;
  }
  if (anchor) return insertAt(lineEndOf(text, anchor.endIndex), eol + statement);
  // No imports or docstring: insert at the top, after a shebang or encoding comment.
  let offset = 0;
  for (const child of children) {
    if (child.type !== 'comment' || !/^#(!|.*coding[:=])/.test(child.text)) break;
    offset = lineEndOf(text, child.endIndex);
    const after = text.slice(offset, offset + 2);
    offset += after.startsWith('\r\n') ? 2 : after.length > 0 ? 1 : 0;
  }
  return insertAt(offset, statement + eol);
}

function isDocstring(node: Node): boolean {
  return node.type === 'expression_statement' && node.namedChild(0)?.type === 'string';
}

/** Re-indents a block of source from one indentation to another, line by line. */
export function reindent(source: string, from: string, to: string): string {
  return source
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 && part.startsWith(from) ? to + part.slice(from.length) : part))
    .join('');
}

/** Source text of a node with nothing changed: a convenience for building replacements. */
export function sourceOf(text: string, node: Node): string {
  return text.slice(node.startIndex, node.endIndex);
}
