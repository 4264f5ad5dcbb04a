// Adding imports: the one place every fix (and the server's import-adding completions) decides where a
// new import goes and how it is spelled, so that the result looks as if isort or Ruff had placed it.
//
// - After the module docstring and the header comments (shebang, coding line, a licence block).
// - `from __future__` imports stay first; then the standard library, then everything else, then
//   relative imports (the groups isort and Ruff use; first-party modules cannot be told apart from
//   third-party ones without the project layout, so they share a group).
// - In its group: at its sorted place when the group is sorted, else after the group's last import.
// - `from m import b` joins an existing unconditional `from m import a` (in its order and layout).
// - Never inside `if TYPE_CHECKING:` or `try: ... except ImportError:`: an import there does not
//   count as available either (ImportBinding.unconditional), so the fix adds a real one.
// - Two blank lines before a `def`/`class` that ends up right below the new import.
// - Line breaks as the neighbouring lines have them.
import type { FileFacts } from '../analysis/facts';
import { lintMemo } from '../analysis/nodeMemo';
import { isStdlibModule } from '../analysis/stdlib';
import type { Node } from '../syntax/parser';
import { detectEol } from '../syntax/text';
import type { TextEdit } from '../../common/types';
import { indentAt, insertAt, lineEndOf, lineStartOf } from './edits';

export interface ImportResult {
  /** How to spell the imported thing at the use site: `functools.wraps`, `wraps`, `ft.wraps`. */
  ref: string;
  /** The edits adding the import, when the file lacks it (empty when it has it). */
  edits: TextEdit[];
}

/**
 * Makes `module.name` (or `module` alone) usable in the file, reusing an unconditional module-level
 * import when there is one. Otherwise `name` joins an existing `from module import ...` when the name
 * is free in the file, and failing that `import module` is added where imports go.
 */
export function ensureImport(facts: FileFacts, module: string, name?: string): ImportResult {
  const wanted = name ? `${module}.${name}` : module;
  for (const b of facts.importsOf(module)) {
    if (!b.unconditional || b.local.startsWith('\0')) continue;
    if (name && b.target === wanted) return { ref: b.local, edits: [] };
    if (b.target === module) return { ref: name ? `${b.local}.${name}` : b.local, edits: [] };
  }
  if (name) {
    const from = fromImportOf(facts, module);
    if (from && isFreeName(facts, name)) return { ref: name, edits: [mergeName(facts.text, from, name)] };
  }
  return { ref: wanted, edits: [insertImport(facts, `import ${module}`)] };
}

/**
 * The edits adding an import statement (`import m`, `import m as x`, `from m import a`): none when
 * the file already has it unconditionally, a merge into an existing `from m import ...`, or a new
 * line where imports go.
 */
export function addImportStatement(facts: FileFacts, statement: string): TextEdit[] {
  const from = /^from\s+([\w.]+)\s+import\s+(\w+)(?:\s+as\s+(\w+))?$/.exec(statement.trim());
  if (from) {
    const [, module, name, alias] = from;
    if (facts.importsOf(module).some((b) => b.unconditional && b.target === `${module}.${name}` && b.local === (alias ?? name))) return [];
    const existing = fromImportOf(facts, module);
    if (existing) return [mergeName(facts.text, existing, name, alias)];
  }
  const plain = /^import\s+([\w.]+)(?:\s+as\s+(\w+))?$/.exec(statement.trim());
  if (plain) {
    const [, module, alias] = plain;
    const local = alias ?? module;
    if (facts.importsOf(module).some((b) => b.unconditional && b.target === module && (b.local === local || b.local === `\0${local}`))) return [];
  }
  return [insertImport(facts, statement.trim())];
}

/**
 * An edit adding a module-level statement that is not an import (`device = torch.device(...)`) right
 * after the imports, with the blank lines PEP 8 wants when a def or class follows.
 */
export function insertAfterImports(facts: FileFacts, statement: string, blankLineBefore = false): TextEdit {
  const layout = importLayout(facts);
  const last = layout.block[layout.block.length - 1];
  if (!last) return newBlock(facts.text, layout, statement);
  return afterLine(facts.text, last, statement, layout, blankLineBefore);
}

type Group = 0 | 1 | 2 | 3;
const FUTURE: Group = 0;
const STDLIB: Group = 1;
const THIRD_PARTY: Group = 2;
const LOCAL: Group = 3;

interface HeaderImport {
  node: Node;
  group: Group;
  /** isort's order within a group: `import x` lines before `from x import` lines, then by module. */
  key: string;
}

interface Layout {
  /** Imports of the leading import block, in file order. */
  imports: HeaderImport[];
  /** Every statement of that block: the imports and the guarded imports (`try:`/`if` blocks) among them. */
  block: Node[];
  /** Where a new first import block goes when there is none: the first statement or comment after the header. */
  afterHeader: Node | null;
  /** The header's last node (shebang, coding line, licence comment or docstring), if any. */
  header: Node | null;
  /** True when the header ends with a docstring or a licence block (a blank line then separates it). */
  separateFromHeader: boolean;
}

/**
 * Each file's import layout, worked out once: rules ask for it per finding, and a file with thousands of
 * findings and statements (a dense generated file) re-walked every top-level statement each time.
 */
const importLayout = lintMemo(computeImportLayout);

function computeImportLayout(facts: FileFacts): Layout {
  const children = facts.root.namedChildren.filter((c): c is Node => c !== null);
  const text = facts.text;
  let i = 0;
  let separateFromHeader = false;
  // Header comments: shebang and coding lines, and leading comment blocks that a blank line (or the
  // docstring) separates from what follows. A comment block touching the next statement belongs to it.
  while (i < children.length && children[i].type === 'comment') {
    let j = i;
    while (children[j + 1]?.type === 'comment' && blankLinesBetween(text, children[j], children[j + 1]) === 0) j++;
    const after = children[j + 1];
    const detached = !after || blankLinesBetween(text, children[j], after) > 0 || isDocstring(after);
    if (!detached) {
      while (i <= j && isPragma(children[i])) i++;
      break;
    }
    separateFromHeader = !children.slice(i, j + 1).every(isPragma);
    i = j + 1;
  }
  if (i < children.length && isDocstring(children[i])) {
    i++;
    separateFromHeader = true;
  }
  const header = i > 0 ? children[i - 1] : null;
  const afterHeader = children[i] ?? null;
  const imports: HeaderImport[] = [];
  const block: Node[] = [];
  for (; i < children.length; i++) {
    const child = children[i];
    if (child.type === 'comment') continue;
    if (isImport(child)) {
      imports.push({ node: child, group: groupOf(child), key: sortKey(child) });
      block.push(child);
    } else if (isGuardedImport(child)) {
      block.push(child);
    } else {
      break;
    }
  }
  return { imports, block, header, afterHeader, separateFromHeader };
}

/** An edit inserting an import statement in its group (see the file comment). */
function insertImport(facts: FileFacts, statement: string): TextEdit {
  const layout = importLayout(facts);
  const { imports } = layout;
  const text = facts.text;
  const node = parseStatementShape(statement);
  const same = imports.filter((h) => h.group === node.group);
  if (same.length > 0) {
    const sorted = same.every((h, k) => k === 0 || same[k - 1].key <= h.key);
    const before = sorted ? same.find((h) => node.key < h.key) : undefined;
    if (before) return insertAt(lineStartOf(text, before.node.startIndex), statement + eolAt(text, before.node.endIndex));
    return afterLine(text, same[same.length - 1].node, statement, layout);
  }
  const higher = imports.find((h) => h.group > node.group);
  const lower = imports.filter((h) => h.group < node.group).pop();
  if (higher && (!lower || lower.node.startIndex < higher.node.startIndex)) {
    const eol = eolAt(text, higher.node.endIndex);
    return insertAt(lineStartOf(text, higher.node.startIndex), statement + eol + eol);
  }
  if (lower) return afterLine(text, lower.node, statement, layout, true);
  return newBlock(text, layout, statement);
}

/** A statement inserted on a new line after `anchor`, with a blank line before it when it starts a group. */
function afterLine(text: string, anchor: Node, statement: string, layout: Layout, newGroup = false): TextEdit {
  const end = lineEndOf(text, anchor.endIndex);
  const eol = eolAt(text, anchor.endIndex);
  const last = layout.block[layout.block.length - 1];
  const padding = last && last.id === anchor.id ? paddingBefore(text, end, nextStatementAfter(anchor), eol, 0) : '';
  return insertAt(end, eol + (newGroup ? eol : '') + statement + padding);
}

/** The file's first import block, after the header: a blank line around it, two before a def or class. */
function newBlock(text: string, layout: Layout, statement: string): TextEdit {
  const next = layout.afterHeader;
  const owner = next?.type === 'comment' ? nextStatementAfter(next, true) : next;
  if (!layout.header) {
    const eol = next ? eolAt(text, next.startIndex) : detectEol(text);
    return insertAt(0, statement + eol + (next ? eol.repeat(wantedBlankLines(owner, 1)) : ''));
  }
  // After the header's last line; blank lines already below it count towards the spacing wanted.
  const end = lineEndOf(text, layout.header.endIndex);
  const eol = eolAt(text, layout.header.endIndex);
  const gap = layout.separateFromHeader ? eol : '';
  const padding = next ? eol.repeat(Math.max(0, wantedBlankLines(owner, 1) - countBlankLines(text, end, lineStartOf(text, next.startIndex)))) : '';
  return insertAt(end, eol + gap + statement + padding);
}

/** Blank lines to add after an insertion at `offset` (end of a line) so `next` gets PEP 8's spacing. */
function paddingBefore(text: string, offset: number, next: Node | null, eol: string, otherwise: number): string {
  if (!next) return '';
  const want = wantedBlankLines(next.type === 'comment' ? nextStatementAfter(next, true) : next, otherwise);
  const firstBelow = next;
  const have = countBlankLines(text, offset, lineStartOf(text, firstBelow.startIndex));
  return eol.repeat(Math.max(0, want - have));
}

function wantedBlankLines(next: Node | null, otherwise: number): number {
  if (!next) return otherwise;
  return next.type === 'function_definition' || next.type === 'class_definition' || next.type === 'decorated_definition' ? 2 : otherwise;
}

/** The next module-level sibling after node (the first comment counts unless skipComments). */
function nextStatementAfter(node: Node, skipComments = false): Node | null {
  for (let n = node.nextNamedSibling; n; n = n.nextNamedSibling) {
    if (n.type === 'comment' && (skipComments || isTrailingComment(n, node))) continue;
    return n;
  }
  return null;
}

/** A comment on the same line as the end of the node before it. */
function isTrailingComment(comment: Node, before: Node): boolean {
  return comment.startPosition.row === before.endPosition.row;
}

function countBlankLines(text: string, from: number, to: number): number {
  const between = text.slice(from, to);
  const breaks = between.match(/\r\n|\r|\n/g)?.length ?? 0;
  return Math.max(0, breaks - 1);
}

function blankLinesBetween(text: string, a: Node, b: Node): number {
  return countBlankLines(text, lineEndOf(text, a.endIndex), lineStartOf(text, b.startIndex));
}

/** The line break ending the line that holds offset (the file's usual one on the last line). */
function eolAt(text: string, offset: number): string {
  const end = lineEndOf(text, offset);
  if (text.startsWith('\r\n', end)) return '\r\n';
  if (text[end] === '\r' || text[end] === '\n') return text[end];
  return detectEol(text);
}

/** A shebang or PEP 263 coding line: it must stay on the first lines. */
function isPragma(comment: Node): boolean {
  return comment.type === 'comment' && comment.startPosition.row <= 1 && /^#(!|.*coding[:=])/.test(comment.text);
}

function isImport(node: Node): boolean {
  return node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement';
}

/** `try: import x / except ImportError:` or `if TYPE_CHECKING: import x`: part of the import block, never a place to add to. */
function isGuardedImport(node: Node): boolean {
  if (node.type !== 'try_statement' && node.type !== 'if_statement') return false;
  const body = node.childForFieldName('body') ?? node.namedChildren.find((c) => c?.type === 'block');
  const first = body?.namedChild(0);
  return !!first && isImport(first);
}

function isDocstring(node: Node): boolean {
  return node.type === 'expression_statement' && node.namedChildCount === 1 && node.namedChild(0)?.type === 'string';
}

function moduleOf(node: Node): string {
  if (node.type === 'future_import_statement') return '__future__';
  if (node.type === 'import_from_statement') return node.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '';
  const first = node.childForFieldName('name');
  const name = first?.type === 'aliased_import' ? first.childForFieldName('name') : first;
  return name?.text.replace(/\s+/g, '') ?? '';
}

function groupOfModule(module: string, statementType: string): Group {
  if (statementType === 'future_import_statement' || module === '__future__') return FUTURE;
  if (module.startsWith('.')) return LOCAL;
  return isStdlibModule(module) ? STDLIB : THIRD_PARTY;
}

function groupOf(node: Node): Group {
  return groupOfModule(moduleOf(node), node.type);
}

function sortKey(node: Node): string {
  return `${node.type === 'import_statement' ? 0 : 1}${moduleOf(node).toLowerCase()}`;
}

/** The group and sort key of a statement given as text (it is not in the tree). */
function parseStatementShape(statement: string): { group: Group; key: string } {
  const from = /^from\s+(\S+)\s+import\b/.exec(statement);
  if (from) return { group: groupOfModule(from[1], 'import_from_statement'), key: `1${from[1].toLowerCase()}` };
  const plain = /^import\s+([\w.]+)/.exec(statement);
  const module = plain?.[1] ?? '';
  return { group: groupOfModule(module, 'import_statement'), key: `0${module.toLowerCase()}` };
}

/** An unconditional module-level `from module import a, b` (not `*`, not relative) that a new name can join. */
function fromImportOf(facts: FileFacts, module: string): Node | null {
  for (const b of facts.importsOf(module)) {
    const stmt = b.statement;
    if (!b.unconditional || stmt.type !== 'import_from_statement' || b.local.startsWith('\0')) continue;
    if (moduleOf(stmt) !== module || stmt.hasError) continue;
    return stmt;
  }
  return null;
}

/** No import, def, class or assignment binds the name, and the file never spells it: it may be imported as is. */
function isFreeName(facts: FileFacts, name: string): boolean {
  return !facts.binding(name) && !facts.moduleBindings.has(name) && facts.wordOffsets(name).length === 0;
}

/**
 * The edit adding `name` to `from m import ...`: at its sorted place when the names are sorted, else
 * last; on a line of its own when the statement puts one name per line in parentheses.
 */
function mergeName(text: string, stmt: Node, name: string, alias?: string): TextEdit {
  const entry = alias ? `${name} as ${alias}` : name;
  const names = stmt.childrenForFieldName('name').filter((n): n is Node => n !== null);
  const spelled = names.map(importedName);
  const sorted = spelled.every((s, k) => k === 0 || compareNames(spelled[k - 1], s) <= 0);
  const beforeIndex = sorted ? spelled.findIndex((s) => compareNames(name, s) < 0) : -1;
  const onePerLine =
    names.length > 0 &&
    stmt.children.some((c) => c?.type === '(') &&
    names.every((n, k) => k === 0 || n.startPosition.row !== names[k - 1].startPosition.row) &&
    names[0].startPosition.row !== stmt.startPosition.row;
  if (beforeIndex >= 0) {
    const before = names[beforeIndex];
    if (onePerLine) return insertAt(lineStartOf(text, before.startIndex), `${indentAt(text, before.startIndex)}${entry},${eolAt(text, before.startIndex)}`);
    return insertAt(before.startIndex, `${entry}, `);
  }
  const last = names[names.length - 1];
  const comma = last.nextSibling?.type === ',' ? last.nextSibling : null;
  if (onePerLine && comma) return insertAt(lineEndOf(text, comma.endIndex), `${eolAt(text, comma.endIndex)}${indentAt(text, last.startIndex)}${entry},`);
  if (comma) return insertAt(comma.endIndex, ` ${entry},`);
  return insertAt(last.endIndex, `, ${entry}`);
}

function importedName(node: Node): string {
  return (node.type === 'aliased_import' ? node.childForFieldName('name')?.text : node.text) ?? '';
}

/** isort's and Ruff's default order within one statement: CONSTANTS, then Classes, then other names, each case-insensitively. */
function compareNames(a: string, b: string): number {
  const rank = (n: string) => (n.length > 1 && n === n.toUpperCase() && /[A-Z]/.test(n) ? 0 : /^_*[A-Z]/.test(n) ? 1 : 2);
  const x = `${rank(a)}${a.toLowerCase()}`;
  const y = `${rank(b)}${b.toLowerCase()}`;
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
