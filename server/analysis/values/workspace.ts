// Values that come from other modules of the workspace: `from .io import load_prices` then
// `load_prices(...)` is a DataFrame when load_prices returns one. The other module is read through
// the host's ModuleSource (the CLI: the disk; the editor: the open document, else the disk; the
// browser: nothing), parsed once, summarised (what each top-level function returns, what each class
// makes) and its tree freed. Summaries are cached per module path and thrown away when the module's
// text changes, so an edit in one file reaches the next lint of the files that import it.
import * as path from 'node:path';
import { FileFacts } from '../facts';
import { PythonParser, type Node, type Tree } from '../../syntax/parser';
import type { Value } from './kinds';
import type { ModuleSource } from './origin';

export type { FileOrigin, ModuleSource } from './origin';

type Language = PythonParser['language'];

/** What a module exports, as far as values go: top-level functions' returns, classes' instances. */
export interface ModuleSummary {
  readonly text: string;
  readonly values: ReadonlyMap<string, Value | null>;
}

/** How the summary of one module is made (by the layer, which owns evaluation): facts in, values out. */
export type Summarise = (facts: FileFacts, modulePath: string) => Map<string, Value | null>;

/** Modules summarised, by absolute path; the oldest go first past this many. */
const MAX_MODULES = 256;
/** Files larger than this are not parsed to learn about one function. */
const MAX_MODULE_CHARS = 500_000;
/** A chain of modules followed for one answer (a → b → c), no longer. */
export const MAX_CHAIN = 3;

const summaries = new Map<string, ModuleSummary>();
const inProgress = new Set<string>();
let parser: PythonParser | null = null;
let parserLanguage: Language | null = null;
/** Parses done for summaries since start (tests and the bench read it). */
export const workspaceStats = { parses: 0 };

/** Forgets every summary (tests). */
export function forgetModules(): void {
  summaries.clear();
  importTables.clear();
  defTables.clear();
}

/**
 * The absolute path of the module an import names, seen from the file at `fromFile`: `.io` / `..pkg.io`
 * relative to it, `pkg.io` under the file's folder or one of its parents (a project's own packages;
 * installed libraries are never found this way since they do not sit beside the code). Null when none.
 */
export function resolveModule(fromFile: string, module: string, source: ModuleSource): string | null {
  const level = /^\.*/.exec(module)![0].length;
  const parts = module.slice(level).split('.').filter(Boolean);
  const candidates = (dir: string) => {
    const base = path.join(dir, ...parts);
    return parts.length === 0 ? [path.join(dir, '__init__.py')] : [`${base}.py`, path.join(base, '__init__.py')];
  };
  let dir = path.dirname(fromFile);
  if (level > 0) {
    for (let i = 1; i < level; i++) dir = path.dirname(dir);
    return candidates(dir).find((c) => source.exists(c)) ?? null;
  }
  for (let i = 0; i < 6; i++) {
    const found = candidates(dir).find((c) => source.exists(c));
    if (found) return found;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * The summary of the module at `modulePath`, reading it through `source`; made with `summarise` when the
 * text is new. Null when it cannot be read, is too large, or is already being summarised (a cycle).
 */
export function moduleSummary(
  modulePath: string,
  source: ModuleSource,
  language: Language,
  summarise: Summarise,
  text = source.readText?.(modulePath) ?? null,
): ModuleSummary | null {
  if (text === null || text.length > MAX_MODULE_CHARS) return null;
  const cached = summaries.get(modulePath);
  if (cached && cached.text === text) return cached;
  if (inProgress.has(modulePath) || inProgress.size >= MAX_CHAIN) return null;
  inProgress.add(modulePath);
  let tree: Tree | null = null;
  try {
    tree = parserFor(language).parse(text);
    workspaceStats.parses++;
    const facts = new FileFacts(tree, text, capturesOf(tree.rootNode));
    facts.origin = { filePath: modulePath, modules: source };
    const summary: ModuleSummary = { text, values: summarise(facts, modulePath) };
    summaries.delete(modulePath);
    summaries.set(modulePath, summary);
    if (summaries.size > MAX_MODULES) summaries.delete(summaries.keys().next().value!);
    return summary;
  } catch {
    return null;
  } finally {
    tree?.delete();
    inProgress.delete(modulePath);
  }
}

/** A module's top-level imports, name bound → what it names (`njit` → `numba.njit`), kept while its text is unchanged. */
const importTables = new Map<string, { text: string; targets: ReadonlyMap<string, string> }>();

/**
 * What an imported name really is when the module it comes from re-exports it: `sktime.utils.numba.njit.njit` is
 * `numba.njit` because that module of the workspace binds `njit` by `from numba import njit` (under an `if` that
 * falls back to a stub without numba). Followed through at most MAX_CHAIN modules of the workspace; null when the
 * name's module is not one, or binds the name otherwise (a def, an assignment).
 */
export function reexportedName(fromFile: string, qualified: string, source: ModuleSource, language: Language): string | null {
  let name = qualified;
  let file = fromFile;
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) break;
    const modulePath = resolveModule(file, name.slice(0, dot), source);
    const targets = modulePath ? importTable(modulePath, source, language) : null;
    const target = targets?.get(name.slice(dot + 1));
    if (!target) break;
    name = target;
    file = modulePath!;
  }
  return name === qualified ? null : name;
}

/** The top-level import bindings of the module at modulePath (parsed once per text), or null when unreadable. */
function importTable(modulePath: string, source: ModuleSource, language: Language): ReadonlyMap<string, string> | null {
  const text = source.readText?.(modulePath) ?? null;
  if (text === null || text.length > MAX_MODULE_CHARS) return null;
  const cached = importTables.get(modulePath);
  if (cached && cached.text === text) return cached.targets;
  const targets = new Map<string, string>();
  // Most modules a name is imported from define it: without an import statement there is nothing to parse.
  if (/^[ \t]*(from|import)[ \t]/m.test(text)) {
    const tree = parserFor(language).parse(text);
    workspaceStats.parses++;
    try {
      const facts = new FileFacts(tree, text, capturesOf(tree.rootNode));
      // The first binding wins, as FileFacts does: `try: from numba import njit / except ImportError: def njit(...)`.
      for (const b of facts.imports) if (b.topLevel && !b.local.startsWith('\0') && !targets.has(b.local)) targets.set(b.local, b.target);
      // A def, class or assignment directly at module level makes the name the module's own (a wrapper); one under
      // the `else` of the import's `if` or in its `except` is the fallback where the library is missing.
      for (const own of facts.moduleBindings) targets.delete(own);
    } finally {
      tree.delete();
    }
  }
  importTables.delete(modulePath);
  importTables.set(modulePath, { text, targets });
  if (importTables.size > MAX_MODULES) importTables.delete(importTables.keys().next().value!);
  return targets;
}

/** What a module's facts are read for: the names of its functions that have some property. */
export type PickNames = (facts: FileFacts) => ReadonlySet<string>;

/** Per question (`pick`) and module path: the names the module's facts yield, kept while its text is unchanged. */
const defTables = new Map<PickNames, Map<string, { text: string; names: ReadonlySet<string> }>>();

/**
 * The names `pick` finds in the module at modulePath (numba-jit-candidate: the functions a sibling file compiles;
 * torch-sync-in-training-loop: the helpers that copy a tensor to the host on every call), parsed once per text and
 * question; null when unreadable or too large.
 */
export function namesPickedFrom(
  modulePath: string,
  source: ModuleSource,
  language: Language,
  pick: PickNames,
  text: string | null = source.readText?.(modulePath) ?? null,
): ReadonlySet<string> | null {
  if (text === null || text.length > MAX_MODULE_CHARS) return null;
  let table = defTables.get(pick);
  if (!table) defTables.set(pick, (table = new Map()));
  const cached = table.get(modulePath);
  if (cached && cached.text === text) return cached.names;
  const tree = parserFor(language).parse(text);
  workspaceStats.parses++;
  let names: ReadonlySet<string>;
  try {
    const facts = new FileFacts(tree, text, capturesOf(tree.rootNode));
    facts.origin = { filePath: modulePath, modules: source };
    names = new Set(pick(facts));
  } finally {
    tree.delete();
  }
  table.delete(modulePath);
  table.set(modulePath, { text, names });
  if (table.size > MAX_MODULES) table.delete(table.keys().next().value!);
  return names;
}

/** `from .utils import *` and the like: the modules whose every public name this module re-exports. */
const STAR_IMPORT = /^from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\*/gm;

/** The workspace modules whose every public name the module re-exports by `from ... import *`. */
export function starImportedModules(modulePath: string, text: string | null, source: ModuleSource): string[] {
  if (!text?.includes('*')) return [];
  return [...text.matchAll(STAR_IMPORT)].map((m) => resolveModule(modulePath, m[1], source)).filter((p): p is string => p !== null);
}

/**
 * Whether the function that `qualified` names (`d2lzh_pytorch.grad_clipping`) is a workspace module's function that
 * `pick` finds, following the module's star imports (`from .utils import *` in a package's `__init__.py`) through at
 * most MAX_CHAIN modules. False when the module is not in the workspace or cannot be read. `suffix` asks about one part
 * of the function: `pick` then yields the function's name followed by it (`cache_batch_latents#0`: its first parameter).
 */
export function workspaceFunctionHas(fromFile: string, qualified: string, source: ModuleSource, language: Language, pick: PickNames, suffix = ''): boolean {
  const dot = qualified.lastIndexOf('.');
  if (dot <= 0) return false;
  const name = qualified.slice(dot + 1);
  // A top-level function, or a class (a workspace subclass of a library class: a project's DistributedSampler).
  const defines = new RegExp(`^(?:(?:async[ \\t]+)?def|class)[ \\t]+${name}\\b`, 'm');
  let modules = [resolveModule(fromFile, qualified.slice(0, dot), source)];
  for (let hop = 0; hop < MAX_CHAIN && modules.length > 0; hop++) {
    const next: (string | null)[] = [];
    for (const modulePath of modules) {
      if (!modulePath) continue;
      const text = source.readText?.(modulePath) ?? '';
      // Parsed only when it defines the function at top level (most modules a loop imports from do not); the text read
      // here is the one parsed.
      if (defines.test(text) && namesPickedFrom(modulePath, source, language, pick, text)?.has(name + suffix)) return true;
      next.push(...starImportedModules(modulePath, text, source));
    }
    modules = next;
  }
  return false;
}

function parserFor(language: Language): PythonParser {
  if (!parser || parserLanguage !== language) {
    parser?.dispose();
    parser = new PythonParser(language);
    parserLanguage = language;
  }
  return parser;
}

/** The facts captures the engine's query would give: imports and defs (comments are not needed for values). */
function capturesOf(root: Node): { imports: Node[]; comments: Node[]; functions: Node[] } {
  const imports = root.descendantsOfType(['import_statement', 'import_from_statement']).filter((n): n is Node => n !== null);
  const functions = root.descendantsOfType('function_definition').filter((n): n is Node => n !== null);
  return { imports, comments: [], functions };
}

/** Words without which a top-level def or class cannot yield a value the layer knows (a library call, an annotation). */
export const VALUE_HINTS =
  /\b(pd|pandas|np|numpy|torch|tf|tensorflow|keras|tfds|pl|polars|xr|xarray|dd|DataFrame|Series|ndarray|Tensor|Dataset|DataLoader|Module|Model|Sequential|load_model)\b|->/;

/**
 * A cheap look at the text before any parse: the top-level `def name` / `class name` of the module, if it
 * exists, spells something a value could come from. Most imported helpers (config, logging, paths) do not,
 * and their modules are then never parsed.
 */
export function mayDefineValue(text: string, name: string): boolean {
  const start = new RegExp(`^(?:async[ \\t]+)?(?:def|class)[ \\t]+${name}\\b`, 'm').exec(text);
  if (!start) return false;
  const rest = text.slice(start.index + start[0].length);
  const end = /\n(?=[^\s#])/.exec(rest);
  return VALUE_HINTS.test(end ? rest.slice(0, end.index) : rest);
}
