// The templates of snippets/python.json as completion items, like an auto-import: the body goes in at
// the cursor and the imports it needs are added at the top of the file (additionalTextEdits) by the
// same placement code every fix uses (fixes/imports.ts), merged with the file's imports and skipping
// those it already has. A static snippet cannot do that: it would write `import torch` at the cursor.
//
// An import counts as present only when it binds the name the template spells: the template says
// `torch.zeros`, so `import torch as T` does not provide `torch` and `import torch` is added.
//
// Cheap by design: the list is built once; the edits are computed on resolve, for the one item the
// user looks at, from a few parses of the text (one per import) and no lint.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import SNIPPETS from '../../snippets/python.json';
import { FileFacts } from '../analysis/facts';
import type { Engine } from '../engine/engine';
import { addImportStatement } from '../fixes/imports';
import type { Node, Tree } from '../syntax/parser';
import { applyEdits } from '../syntax/text';

interface SnippetEntry {
  prefix: string;
  body: string | string[];
  description?: string;
}

export interface Template {
  prefix: string;
  name: string;
  description: string;
  /** The body without its leading import lines: what goes in at the cursor (snippet syntax). */
  body: string;
  /** One import statement per imported name, in the template's order: what goes in at the top. */
  imports: string[];
}

/** What a completion item carries to its resolve request. */
export interface TemplateData {
  perflensTemplate: string;
  uri: string;
}

/** Every template, its leading import lines split off (a line with a placeholder stays in the body). */
export const TEMPLATES: readonly Template[] = Object.entries(SNIPPETS as Record<string, SnippetEntry>).map(([name, entry]) => splitTemplate(name, entry));

export function splitTemplate(name: string, entry: SnippetEntry): Template {
  const lines = Array.isArray(entry.body) ? entry.body : entry.body.split('\n');
  const imports: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (!/^(import|from)\s/.test(line) || line.includes('$')) break;
    imports.push(...oneNamePerStatement(line));
  }
  return { prefix: entry.prefix, name, description: entry.description ?? name, body: lines.slice(i).join('\n'), imports };
}

/** `from m import a, b as c` → `from m import a`, `from m import b as c`; `import a, b` likewise. */
function oneNamePerStatement(line: string): string[] {
  const from = /^from\s+(\S+)\s+import\s+(.+)$/.exec(line.trim());
  if (from) return splitNames(from[2]).map((name) => `from ${from[1]} import ${name}`);
  return splitNames(line.trim().replace(/^import\s+/, '')).map((name) => `import ${name}`);
}

function splitNames(names: string): string[] {
  return names
    .replace(/[()]/g, '')
    .split(',')
    .map((n) => n.trim().replace(/\s+/g, ' '))
    .filter((n) => n.length > 0);
}

/**
 * True when a statement can start at offset: only an identifier-like word (what the user typed of a
 * prefix) precedes it on its line, and the cursor is not in a string, a comment or open brackets.
 */
export function statementCanStart(document: TextDocument, offset: number, tree: Tree | null): boolean {
  const position = document.positionAt(offset);
  const before = document.getText({ start: { line: position.line, character: 0 }, end: position });
  const word = /^[ \t]*([A-Za-z_][\w-]*)?$/.exec(before);
  if (!word) return false;
  if (!tree) return true;
  const wordStart = offset - (word[1]?.length ?? 0);
  for (let node: Node | null = tree.rootNode.descendantForIndex(wordStart); node; node = node.parent) {
    if (node.type === 'module' || node.type === 'block') return true;
    if (node.type === 'string' || node.type === 'string_content' || node.type === 'comment') return false;
    // Anything else that began before the word (an argument list, a bracket) is an expression around it.
    if (node.type !== 'ERROR' && node.startIndex < wordStart) return false;
  }
  return true;
}

/** The completion item of a template (its import edits come with resolve). */
export function templateItem(template: Template, uri: string): CompletionItem {
  const needs = template.imports.length
    ? `\n\nAdds what it needs that the file does not import yet:\n\n\`\`\`python\n${template.imports.join('\n')}\n\`\`\``
    : '';
  const data: TemplateData = { perflensTemplate: template.prefix, uri };
  return {
    label: template.prefix,
    kind: CompletionItemKind.Snippet,
    detail: `perflens template: ${template.name}`,
    documentation: { kind: MarkupKind.Markdown, value: `${template.description}${needs}` },
    insertText: template.body,
    insertTextFormat: InsertTextFormat.Snippet,
    filterText: template.prefix,
    data,
  };
}

/**
 * The edit adding the template's missing imports to text: each statement placed by addImportStatement
 * on the text with the ones before it added (so a second name joins the first one's from-import),
 * returned as one edit over the lines that changed; null when nothing is missing.
 */
export function templateImportEdit(engine: Engine, document: TextDocument, imports: readonly string[]): LspTextEdit | null {
  const original = document.getText();
  let text = original;
  for (const statement of imports) {
    const tree = engine.parse(text);
    try {
      const edits = addImportStatement(importFacts(tree, text), statement);
      if (edits.length > 0) text = applyEdits(text, edits);
    } finally {
      tree.delete(); // WASM memory is not garbage-collected
    }
  }
  if (text === original) return null;
  let start = 0;
  while (start < original.length && original[start] === text[start]) start++;
  let end = 0;
  while (end < original.length - start && original[original.length - 1 - end] === text[text.length - 1 - end]) end++;
  return {
    range: { start: document.positionAt(start), end: document.positionAt(original.length - end) },
    newText: text.slice(start, text.length - end),
  };
}

/** The facts import placement reads (the file's imports and module-level names), without a lint. */
function importFacts(tree: Tree, text: string): FileFacts {
  const imports = tree.rootNode.descendantsOfType(['import_statement', 'import_from_statement']).filter((n): n is Node => n !== null);
  return new FileFacts(tree, text, { imports, comments: [], functions: [] });
}
