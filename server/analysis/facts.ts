// FileFacts: what rules need to know about the whole file, computed once per lint.
// Everything costly is lazy, so a rule set that never asks for it never pays for it.
import type { Node, Tree } from '../syntax/parser';
import { definitionOf, enclosingDef, findDescendants, isNestedScope, parameterNames } from './scopes';
import { identifiersSpelled, identifiersSpelledInFile } from './names';
import { isSpelledBetween, WordIndex } from '../syntax/spelling';
import { ownedString } from '../syntax/text';
import { objectArray } from '../syntax/objectArrays';
import { isStdlibModule } from './stdlib';
import type { FileOrigin } from './values/origin';

/** `tensorflow.compat.v2` and everything under it, as bound by an import. */
const TF_COMPAT_V2 = /^tensorflow\.compat\.v2(?=\.|$)/;

export interface ImportBinding {
  /** The name bound in the file: `np` for `import numpy as np`. */
  local: string;
  /** What it refers to: `numpy`, or `torch.utils.data.DataLoader` for a from-import. */
  target: string;
  /** The import statement. */
  statement: Node;
  /** Module-level import (not inside a def or class; may be under `if`/`try`). */
  topLevel: boolean;
  /** A direct statement of the module: always executed, so fixes may rely on it. */
  unconditional: boolean;
  /** Not spelled by an import: a library's conventional name passed on by a project module's star import (starImportedAliases). */
  conventional?: true;
}

/** Nodes the engine's fact query captured, grouped by capture name. */
export interface FactCaptures {
  imports: Node[];
  comments: Node[];
  functions: Node[];
  /**
   * The comments wholly inside [start, end), in order, when the captures can find them without `comments` (a region
   * lint, whose `comments` looks up every comment of the file by offset).
   */
  commentsIn?(start: number, end: number): Node[];
}

/** The file's import bindings indexed by local name and by module (incremental linting keeps it while the imports stay). */
export interface ImportIndex {
  readonly bindings: readonly ImportBinding[];
  readonly byLocal: ReadonlyMap<string, ImportBinding>;
  /** Every module a binding imports, and the packages above it. */
  readonly modules: ReadonlySet<string>;
  /**
   * Modules among `modules` that only a conventional name stands for (starImportedAliases), with that name: imported only
   * where the file spells the name (importsModule), so a star import alone opens no library's rules.
   */
  readonly conventionalOnly?: ReadonlyMap<string, string>;
}

/** The index of a list of import bindings, in file order. */
export function importIndexOf(bindings: readonly ImportBinding[]): ImportIndex {
  const byLocal = new Map<string, ImportBinding>();
  const modules = new Set<string>();
  for (const binding of bindings) {
    // The first binding wins, matching how most files are written (imports at the top).
    if (!byLocal.has(binding.local)) byLocal.set(binding.local, binding);
    addModules(binding.target, modules);
  }
  const conventional = starImportedAliases(bindings, byLocal);
  if (conventional.length === 0) return { bindings, byLocal, modules };
  const conventionalOnly = new Map<string, string>();
  for (const binding of conventional) {
    byLocal.set(binding.local, binding);
    if (!modules.has(binding.target)) conventionalOnly.set(binding.target, binding.local);
    addModules(binding.target, modules);
  }
  return { bindings: [...bindings, ...conventional], byLocal, modules, conventionalOnly };
}

/** The libraries' conventional names a project's star-imported helper module passes on: `np`, `pd`, `torch`, `tf`. */
const CONVENTIONAL_ALIASES: readonly (readonly [string, string])[] = [
  ['np', 'numpy'],
  ['pd', 'pandas'],
  ['torch', 'torch'],
  ['tf', 'tensorflow'],
];
/** Roots of star imports that are a library's own namespace, not a project module re-exporting its imports. */
const LIBRARY_STAR_ROOTS = /^(numpy|pandas|torch|tensorflow|keras|scipy|sklearn|matplotlib|pylab)$/;

/** Not a library's or the standard library's module (`_socket`, `tkinter.constants`): one the project may have written. */
function projectModule(module: string): boolean {
  const root = module.split('.')[0];
  return !root.startsWith('_') && !LIBRARY_STAR_ROOTS.test(root) && !isStdlibModule(root);
}

/**
 * `from utils.layers import *` in a project whose layers.py does `import torch` (qagnn's modeling files, review72's hunt):
 * the star import binds `torch` in this module, which then calls `torch.zeros(...)` with no import of its own. Where a
 * project module (not a library) is star-imported and the file binds none of the conventional names itself, they are
 * taken to be the libraries they name by convention. Judged from the imports alone, so the index stays one of imports.
 */
function starImportedAliases(bindings: readonly ImportBinding[], byLocal: ReadonlyMap<string, ImportBinding>): ImportBinding[] {
  const star = bindings.find((b) => b.local.startsWith('\0') && b.local.endsWith('.*') && b.topLevel && projectModule(b.target));
  if (!star) return [];
  return CONVENTIONAL_ALIASES.filter(
    // A file that imports the library itself under another name (`import numpy as npy`) says where it is.
    ([alias, target]) => !byLocal.has(alias) && !bindings.some((b) => b.target === target),
  ).map(([alias, target]) => ({
    local: alias,
    target,
    // Read only when asked: the incremental linter's bindings find their statement in the current tree lazily.
    get statement() {
      return star.statement;
    },
    topLevel: true,
    unconditional: star.unconditional,
    conventional: true,
  }));
}

/**
 * A whole-file index built once per family of facts (FileFacts.family: a lint and its ranking copies) and cached in `cache`.
 * An index that read the whole file to be built (`wholeFile`) marks every copy that reads it as reading the whole file too,
 * as `build` marked the copy that built it: no answer resting on it can be carried across an edit.
 */
export function familyIndex<T extends { wholeFile: boolean }>(cache: WeakMap<FileFacts, T>, facts: FileFacts, build: (facts: FileFacts) => T): T {
  let idx = cache.get(facts.family);
  if (!idx) {
    idx = build(facts);
    cache.set(facts.family, idx);
  } else if (idx.wholeFile) facts.words.reads.wholeFile = true;
  return idx;
}

export class FileFacts {
  /** The import bindings, by name and module (shared with withOwnReads copies). */
  readonly importIndex: ImportIndex;
  private readonly importBindings: readonly ImportBinding[];
  private readonly byLocal: ReadonlyMap<string, ImportBinding>;
  private readonly modules: ReadonlySet<string>;
  /**
   * What this lint asked about the file's imports as a whole: the modules passed to importsModule
   * (is it imported?) and to importsOf (how?), and whether anything read the whole list. Incremental
   * linting needs it: an edit that changes the imports keeps the findings outside its region only if
   * none of them rests on an answer the edit changes (see engine/incremental.ts). Names looked up
   * through binding() or qualifiedName() are spelled where they are used: those are found by spelling.
   */
  readonly moduleQueries = new Set<string>();
  readonly bindingQueries = new Set<string>();
  importListRead = false;
  /** Where each word is spelled in the text (incremental linting carries it across edits). */
  readonly words: WordIndex;
  /**
   * Where the file lives and how the value layer may read the modules it imports (set by the engine from
   * LintOptions.filePath and the host's probe). Absent: values from other modules are unknown.
   */
  origin?: FileOrigin;
  private moduleBindingsCache?: Set<string>;
  private readonly importsOfCache = new Map<string, readonly ImportBinding[]>();
  private asyncNamesCache?: Set<string>;
  /**
   * The facts this one is a withOwnReads copy of (itself when it is no copy): whole-file indexes whose readers are marked
   * as reading the whole file (the training loops, TensorFlow's functions) are built once per family, not once per copy.
   */
  readonly family: FileFacts;

  constructor(
    readonly tree: Tree,
    readonly text: string,
    readonly captures: FactCaptures,
    /** Whole-file answers known in advance (incremental linting keeps them across edits). */
    precomputed?: {
      imports?: ImportIndex;
      moduleBindings?: Set<string>;
      asyncFunctionNames?: Set<string>;
      words?: WordIndex;
      softImports?: SoftImportsMemo;
    },
    /** Facts of the same file whose import index this one shares (withOwnReads). */
    sameImports?: FileFacts,
  ) {
    this.words = precomputed?.words ?? new WordIndex(text);
    this.family = sameImports?.family ?? this;
    this.moduleBindingsCache = precomputed?.moduleBindings;
    this.asyncNamesCache = precomputed?.asyncFunctionNames;
    // Answers from the same tree and text: a ranking's facts (withOwnReads) need not scan the text for them again.
    this.softImportsMemo = sameImports?.softImportsMemo ?? precomputed?.softImports ?? {};
    this.importIndex = sameImports?.importIndex ?? precomputed?.imports ?? importIndexOf(captures.imports.flatMap(bindingsOf));
    this.importBindings = this.importIndex.bindings;
    this.byLocal = this.importIndex.byLocal;
    this.modules = this.importIndex.modules;
  }

  /** The comment nodes wholly inside [start, end), in document order. */
  commentNodesIn(start: number, end: number): Node[] {
    if (this.captures.commentsIn) return this.captures.commentsIn(start, end);
    return this.captures.comments.filter((c) => c.startIndex >= start && c.endIndex <= end);
  }

  /**
   * The same file's facts with memos and word reads of their own (the whole-file answers known are shared): what one
   * part of a lint looks up by name, apart from what another part did (incremental linting ranks findings this way).
   */
  withOwnReads(): FileFacts {
    const copy = new FileFacts(
      this.tree,
      this.text,
      this.captures,
      { moduleBindings: this.moduleBindingsCache, asyncFunctionNames: this.asyncNamesCache, words: this.words.sharing() },
      this,
    );
    copy.origin = this.origin;
    return copy;
  }

  get root(): Node {
    return this.tree.rootNode;
  }

  /** Every binding the file's import statements create, in file order. */
  get imports(): readonly ImportBinding[] {
    this.importListRead = true;
    return this.importBindings;
  }

  /** Offsets where the file's text spells `word` as a whole word (wordOffsets), remembered. */
  wordOffsets(word: string): readonly number[] {
    return this.words.of(word);
  }

  /**
   * The bindings of imports of `module` or of anything inside it, in file order. A conventional name a star import may pass
   * on (starImportedAliases) is among them only where the file uses it as the module (importsModule): advice or an edit
   * written with a name the file never reads as the library could name nothing.
   */
  importsOf(module: string): readonly ImportBinding[] {
    this.bindingQueries.add(module);
    // Remembered per module: fixes ask once per finding, and a dense file has thousands of findings and
    // of imports (a scan of every import per finding made async-time-sleep ×9 for 4× its dense text).
    let found = this.importsOfCache.get(module);
    if (!found) {
      found = this.modules.has(module)
        ? this.importBindings.filter((b) => (b.target === module || b.target.startsWith(`${module}.`)) && (!b.conventional || this.usesAsModule(b.local)))
        : [];
      this.importsOfCache.set(module, found);
    }
    return found;
  }

  /** True when the file imports `module` or anything inside it (`torch` matches `torch.nn`). */
  importsModule(module: string): boolean {
    this.moduleQueries.add(module);
    if (!this.modules.has(module)) return false;
    const alias = this.importIndex.conventionalOnly?.get(module);
    return alias === undefined || this.usesAsModule(alias);
  }

  /**
   * The file reads an attribute of `alias` (`np.zeros`) and binds no module-level value of that name: only then does a
   * conventional name a star import may pass on open the library's rules (a local `tf = open(...)` does not).
   */
  private usesAsModule(alias: string): boolean {
    const text = this.text;
    if (!this.words.of(alias).some((at) => text.charCodeAt(at + alias.length) === 46 /* . */)) return false;
    return !this.moduleBindings.has(alias);
  }

  /** The import binding for a local name, if the name comes from an import. */
  binding(local: string): ImportBinding | undefined {
    return this.byLocal.get(local);
  }

  /**
   * True when an import of the file binds `local`, a relative one (`from ..modules import WavCondition`) included: those
   * have no binding (their module is not a qualified name), yet the name is the project's own, not a local variable.
   */
  importsName(local: string): boolean {
    if (this.byLocal.has(local)) return true;
    return identifiersSpelledInFile(this, local).some((id) => {
      const parent = id.parent;
      if (parent?.type === 'aliased_import') return parent.childForFieldName('alias')?.equals(id) ?? false;
      // `from .m import name`: the name is a dotted_name in the statement's name field (the module is its module_name).
      return (
        parent?.type === 'dotted_name' && parent.parent?.type === 'import_from_statement' && !parent.parent.childForFieldName('module_name')?.equals(parent)
      );
    });
  }

  /**
   * The fully qualified name an expression refers to, when its root is an imported name:
   * `np.linalg.norm` → `numpy.linalg.norm`, `DL` → `torch.utils.data.DataLoader`. Otherwise null.
   */
  qualifiedName(expr: Node | null | undefined): string | null {
    if (!expr) return null;
    const parts: string[] = [];
    let node: Node | null = expr;
    while (node && node.type === 'attribute') {
      const attr = node.childForFieldName('attribute');
      if (!attr) return null;
      parts.unshift(attr.text);
      node = node.childForFieldName('object');
    }
    if (!node || node.type !== 'identifier') return null;
    const binding = this.byLocal.get(node.text);
    // A conventional name the module binds itself (`torch = load_backend()`) is that binding, not the library.
    if (binding?.conventional && (this.moduleBindings.has(node.text) || !this.importsModule(binding.target))) return null;
    // `from builtins import range`: the builtin itself, which every check asks isBuiltin about, not an imported API.
    if (binding && bindsTheBuiltin(binding.target, node.text)) return null;
    if (!binding) {
      const soft = this.softImports.get(node.text);
      return soft ? [soft, ...parts].join('.') : null;
    }
    // `import tensorflow.compat.v2 as tf` (TF 1.15 / TF 2 code): the v2 namespace is TensorFlow 2's own API.
    return [binding.target.replace(TF_COMPAT_V2, 'tensorflow'), ...parts].join('.');
  }

  /** What softImports learned about this text (shared with withOwnReads copies; incremental linting carries it across edits). */
  readonly softImportsMemo: SoftImportsMemo;

  /**
   * Module-level names bound once by a soft-dependency import helper: `Dataset = _safe_import("torch.utils.data.Dataset")`
   * (sktime), `torch = importlib.import_module("torch")`. The helper returns the named object (or a stand-in when the
   * package is missing, where the code never runs), so the name refers to it as an import would.
   */
  private get softImports(): Map<string, string> {
    const memo = this.softImportsMemo;
    if (!memo.found) {
      const found = new Map<string, string>();
      const counts = new Map<string, number>();
      if (memo.spelled === undefined) memo.spelled = softImportSpelled(this.text, 0, this.text.length);
      if (memo.spelled) {
        for (const stmt of this.root.namedChildren) {
          const assign = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
          const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
          if (left?.type !== 'identifier') continue;
          counts.set(left.text, (counts.get(left.text) ?? 0) + 1);
          const target = softImportTarget(assign!.childForFieldName('right'));
          if (target) found.set(left.text, target);
        }
      }
      // A name the module binds again (or differently) is not known to be the import.
      for (const name of [...found.keys()]) if (counts.get(name) !== 1) found.delete(name);
      memo.found = found;
    }
    return memo.found;
  }

  /** qualifiedName of a call's callee. */
  calleeName(call: Node): string | null {
    return this.qualifiedName(call.childForFieldName('function'));
  }

  /**
   * True when `name`, used at `at`, refers to the builtin of that name: neither the module nor an
   * enclosing function (its parameters, defs, assignments, imports) rebinds it.
   */
  isBuiltin(name: string, at?: Node): boolean {
    // `from builtins import range` (code written for Python 2 and 3 alike) binds the builtin itself.
    const imported = this.byLocal.get(name);
    if ((imported && !bindsTheBuiltin(imported.target, name)) || this.moduleBindings.has(name)) return false;
    if (!imported && this.importsRelatively(name)) return false; // `from .compat import input`
    for (let fn = at ? enclosingDef(at) : null; fn; fn = enclosingDef(fn)) {
      // Parameters and local bindings spell the name inside the def: many defs never do.
      if (!isSpelledBetween(this.text, name, fn.startIndex, fn.endIndex)) continue;
      if (parameterNames(fn).includes(name)) return false;
      if (this.bindsLocally(fn, name)) return false;
    }
    return true;
  }

  /**
   * A relative import binds `name` (`from .ui import input`): such imports have no binding in byLocal. Memoised per name,
   * and only looked for where the file has a relative import at all.
   */
  private importsRelatively(name: string): boolean {
    const memo = this.softImportsMemo;
    if (memo.relativeImport === undefined) memo.relativeImport = relativeImportSpelled(this.text, 0, this.text.length);
    if (!memo.relativeImport) return false;
    let binds = this.relativeImportCache.get(name);
    if (binds === undefined) {
      binds = this.importsName(name);
      this.relativeImportCache.set(name, binds);
    }
    return binds;
  }

  private readonly relativeImportCache = new Map<string, boolean>();

  /** bindsLocally, memoised per def and name (rules ask once per call they check). */
  private bindsLocally(fn: Node, name: string): boolean {
    const key = `${fn.id}:${name}`;
    let binds = this.bindsLocallyCache.get(key);
    if (binds === undefined) {
      const body = fn.childForFieldName('body');
      binds = body !== null && bindsLocally(body, name);
      this.bindsLocallyCache.set(key, binds);
    }
    return binds;
  }

  private readonly bindsLocallyCache = new Map<string, boolean>();

  /** Names bound at module level by def, class or assignment (not imports). */
  get moduleBindings(): Set<string> {
    if (!this.moduleBindingsCache) {
      const names = new Set<string>();
      for (const stmt of this.root.namedChildren) {
        if (!stmt) continue;
        collectBoundNames(stmt, names);
      }
      this.moduleBindingsCache = names;
    }
    return this.moduleBindingsCache;
  }

  /** Names of functions and methods defined with `async def` anywhere in the file. */
  get asyncFunctionNames(): Set<string> {
    if (!this.asyncNamesCache) {
      const names = new Set<string>();
      // Without the word async in the text, no def is async: skip asking each def for its first token.
      for (const fn of this.text.includes('async') ? this.captures.functions : []) {
        if (fn.child(0)?.type === 'async') {
          const name = fn.childForFieldName('name')?.text;
          if (name) names.add(name);
        }
      }
      this.asyncNamesCache = names;
    }
    return this.asyncNamesCache;
  }

  /** Whether the file has an `async def` (rules declaring insideAsyncDef are skipped without one). */
  get hasAsyncDef(): boolean {
    return this.asyncFunctionNames.size > 0;
  }

  /** Identifiers with this name inside scope, not descending into nested defs, classes or lambdas. */
  identifiersIn(scope: Node, name: string): Node[] {
    return findDescendants(scope, (n) => n.type === 'identifier' && n.text === name, isNestedScope);
  }
}

/**
 * What FileFacts.softImports learned about one text. Without a spelling of a soft import call (SOFT_IMPORT_TEXT) the
 * module-level statements are not read; with one, the answer rests on the module-level assignments alone.
 */
export interface SoftImportsMemo {
  /** Where SOFT_IMPORT_TEXT matches the text (a match, not necessarily the first), null when nowhere; undefined: not searched. */
  spelled?: { start: number; end: number } | null;
  /** The names bound to soft imports. */
  found?: Map<string, string>;
  /**
   * Where RELATIVE_IMPORT_TEXT matches the text (a match, not necessarily the first), null when nowhere; undefined: not
   * searched. isBuiltin asks it (a relative import may bind the name). Kept here so that it is searched once per text:
   * the withOwnReads copies a lint ranks findings with share it, and incremental linting carries it across edits as it
   * does `spelled`. On the 12k-line bench file, which has no relative import, a search of the whole text cost about
   * 0.15 ms, and a keystroke's lint searched once for its rules and once more per statement whose findings it ranked.
   */
  relativeImport?: { start: number; end: number } | null;
}

/** `from .m import x`, `from . import x`: the text of a relative import (a superset: a string or comment may spell it). */
const RELATIVE_IMPORT_TEXT = /\bfrom\s+\./g;

/** Where a global `pattern` first matches text[from, to), or null. */
function firstMatchIn(pattern: RegExp, text: string, from: number, to: number): { start: number; end: number } | null {
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  pattern.lastIndex = 0;
  const m = pattern.exec(part);
  return m ? { start: from + m.index, end: from + m.index + m[0].length } : null;
}

/**
 * Where `pattern` first matches around one change ([start, end) in the new text): the window grows by `step` characters
 * and then over white space, `rounds` times in both directions (each round reaches one more piece of a match).
 */
function firstMatchNear(pattern: RegExp, text: string, start: number, end: number, rounds: number, step: number): { start: number; end: number } | null {
  let from = Math.max(0, start - 1);
  let to = Math.min(text.length, end + 1);
  for (let round = 0; round < rounds; round++) {
    from = Math.max(0, from - step);
    while (from > 0 && /\s/.test(text[from - 1])) from--;
    to = Math.min(text.length, to + step);
    while (to < text.length && /\s/.test(text[to])) to++;
  }
  return firstMatchIn(pattern, text, from, to);
}

/** Where RELATIVE_IMPORT_TEXT first matches text[from, to), or null. */
export function relativeImportSpelled(text: string, from: number, to: number): { start: number; end: number } | null {
  return firstMatchIn(RELATIVE_IMPORT_TEXT, text, from, to);
}

/**
 * After one change to a text RELATIVE_IMPORT_TEXT did not match, where it matches now, reading only around the change
 * ([start, end) in the new text; empty for a deletion). A new match holds an inserted character, or the two characters
 * the deletion brought together. Its pieces are the character before `from` (the word boundary), `from`, white space of
 * any length and `.`: two rounds of growing the window by six characters and then over white space reach every piece
 * from any one of them, in both directions. A match the window cuts at its start can only be a false "yes", which
 * costs importsName a look at the tree, never a wrong answer.
 */
export function relativeImportSpelledNear(text: string, start: number, end: number): { start: number; end: number } | null {
  return firstMatchNear(RELATIVE_IMPORT_TEXT, text, start, end, 2, 6);
}

/** A call of an import helper with a dotted name in a string: `_safe_import("torch.nn.Module")`, `import_module("torch")`. */
const SOFT_IMPORT_TEXT = /import(?:_module)?\s*\(\s*["'][A-Za-z_]/g;

/** Where SOFT_IMPORT_TEXT first matches text[from, to), or null. */
export function softImportSpelled(text: string, from: number, to: number): { start: number; end: number } | null {
  return firstMatchIn(SOFT_IMPORT_TEXT, text, from, to);
}

/**
 * After one change to a text SOFT_IMPORT_TEXT did not match, where it matches now, reading only around the change
 * ([start, end) in the new text; empty for a deletion). A new match holds an inserted character, or the two characters
 * the deletion brought together: otherwise it was there before. Its characters are the helper's name (at most 13), `(`,
 * a quote and a letter, with white space of any length between; so from the change, the window grows by more than a
 * name's length and then over white space, one piece of the match per round, in both directions.
 */
export function softImportSpelledNear(text: string, start: number, end: number): { start: number; end: number } | null {
  return firstMatchNear(SOFT_IMPORT_TEXT, text, start, end, 4, 16);
}
const SOFT_IMPORT_HELPER = /^(?:_?(?:safe|lazy|soft|optional|try)_import|import_module)$/;

/** The dotted name a soft-import helper call imports, or null (`_safe_import("torch.utils.data.Dataset")`). */
function softImportTarget(call: Node | null | undefined): string | null {
  if (call?.type !== 'call') return null;
  const fn = call.childForFieldName('function');
  const helper = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  if (!helper || !SOFT_IMPORT_HELPER.test(helper)) return null;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  const first = args[0];
  if (!first || first.type !== 'string' || args.slice(1).some((a) => a.type !== 'keyword_argument')) return null;
  const m = /^["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)["']$/.exec(first.text);
  return m ? m[1] : null;
}

/** Adds the modules an import target makes importsModule true for: `a.b.c` adds `a`, `a.b` and `a.b.c`. */
export function addModules(target: string, into: Set<string>): void {
  const parts = target.split('.');
  for (let i = 1; i <= parts.length; i++) into.add(parts.slice(0, i).join('.'));
}

/**
 * Python 2/3 compatibility imports that bind a builtin under its own name: `from builtins import range` (python-future,
 * lazyprogrammer's courses in every file), `from six.moves import zip`. On Python 3 the name is the builtin itself.
 */
const COMPAT_BUILTINS = /^(builtins|future\.builtins|six\.moves)\.(\w+)$/;

function bindsTheBuiltin(target: string, local: string): boolean {
  const m = COMPAT_BUILTINS.exec(target);
  return m !== null && m[2] === local && (m[1] !== 'six.moves' || SIX_BUILTINS.has(local));
}

/** The names six.moves re-exports as the Python 3 builtin of the same name (its other names are modules or renames). */
const SIX_BUILTINS = new Set(['range', 'zip', 'map', 'filter', 'input']);

/**
 * Names a module-level statement binds (def, class, assignment; not imports): see moduleBindings. Owned copies: the
 * editor's lint carries them across edits (engine/incremental.ts units), and a view would keep the edit's text alive.
 */
export function boundNames(stmt: Node): string[] {
  const names = new Set<string>();
  collectBoundNames(stmt, names);
  // Pushed into an array of the object kind, not Array.from (small-integer kind when empty): the incremental
  // bookkeeping reads every unit's list in one loop, which deoptimised on the kind it had not seen (objectArrays.ts).
  const out = objectArray<string>();
  for (const name of names) out.push(ownedString(name));
  return out;
}

function collectBoundNames(stmt: Node, names: Set<string>): void {
  const definition = definitionOf(stmt);
  if (definition?.type === 'function_definition' || definition?.type === 'class_definition') {
    const name = definition.childForFieldName('name');
    if (name?.text) names.add(name.text);
    return;
  }
  // A MISSING identifier (error recovery: `:` then an indented call reads as `<missing>: g(x)`) binds nothing.
  if (stmt.type === 'expression_statement') {
    const inner = stmt.namedChild(0);
    if (inner?.type === 'assignment') {
      const left = inner.childForFieldName('left');
      // Only the names of the target pattern: `probs[range(n), y] = v` at the top of a notebook binds neither `range`
      // nor `y` (counting them made every later `range(...)` of the file look rebound).
      const bound: string[] = [];
      if (left) collectPatternNames(left, bound);
      for (const name of bound) names.add(name);
    }
  }
}

/** The names a target pattern binds: identifiers, through tuples, lists and starred names; subscripts and attributes bind none. */
function collectPatternNames(target: Node, names: string[]): void {
  if (target.type === 'identifier') {
    if (target.text) names.push(target.text);
  } else if (PATTERN_TYPES.has(target.type)) {
    for (const child of target.namedChildren) if (child) collectPatternNames(child, names);
  }
}

const PATTERN_TYPES = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'tuple', 'list']);

/**
 * True when a statement of a function body (not of a nested def, class or lambda) binds name by
 * def, class, assignment or import. Only the statements around the places that spell the name are
 * examined: a walk of the whole body would cost ~1 µs per node.
 */
function bindsLocally(body: Node, name: string): boolean {
  for (const id of identifiersSpelled(body, name)) {
    const stmt = ownStatementOf(id, body);
    if (!stmt) continue;
    if (boundNames(stmt).includes(name)) return true;
    if ((stmt.type === 'import_statement' || stmt.type === 'import_from_statement') && bindingsOf(stmt).some((b) => b.local === name)) return true;
  }
  return false;
}

/** The innermost statement of body's own scope holding node (a def or class counts, its body not), or null. */
function ownStatementOf(node: Node, body: Node): Node | null {
  let stmt: Node | null = null;
  for (let n = node, p = n.parent; p; n = p, p = p.parent) {
    if (stmt && isNestedScope(n)) return null;
    if (!stmt && p.type === 'block') stmt = n;
    if (p.id === body.id) return stmt;
  }
  return null;
}

function isTopLevel(statement: Node): boolean {
  for (let n = statement.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'class_definition') return false;
  }
  return true;
}

/** The bindings an import statement creates. */
export function bindingsOf(statement: Node): ImportBinding[] {
  const unconditional = statement.parent?.type === 'module';
  // A module-level import is top-level without the walk up (each `parent` a descent from the root; most imports are).
  const topLevel = unconditional || isTopLevel(statement);
  const out: ImportBinding[] = [];
  if (statement.type === 'import_statement') {
    for (const name of statement.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const target = name.childForFieldName('name')?.text;
        const alias = name.childForFieldName('alias')?.text;
        if (target && alias) out.push({ local: alias, target: stripSpaces(target), statement, topLevel, unconditional });
      } else {
        // `import os.path` binds `os` and makes `os.path` reachable through it.
        const target = stripSpaces(name.text);
        out.push({ local: target.split('.')[0], target: target.split('.')[0], statement, topLevel, unconditional });
        if (target.includes('.')) out.push({ local: `\0${target}`, target, statement, topLevel, unconditional });
      }
    }
  } else if (statement.type === 'import_from_statement') {
    const moduleNode = statement.childForFieldName('module_name');
    if (!moduleNode || moduleNode.type === 'relative_import') return out;
    const module = stripSpaces(moduleNode.text);
    for (const name of statement.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const target = name.childForFieldName('name')?.text;
        const alias = name.childForFieldName('alias')?.text;
        if (target && alias) out.push({ local: alias, target: `${module}.${stripSpaces(target)}`, statement, topLevel, unconditional });
      } else {
        out.push({ local: name.text, target: `${module}.${stripSpaces(name.text)}`, statement, topLevel, unconditional });
      }
    }
    if (out.length === 0) out.push({ local: `\0${module}.*`, target: module, statement, topLevel, unconditional });
  }
  return out;
}

function stripSpaces(s: string): string {
  return s.replace(/\s+/g, '');
}
