// Calls of functions that another module of the workspace defines (`d2l.grad_clipping(...)` from the package beside the
// notebooks, `train_util.cache_batch_latents(vae, ...)` from a project's `library/`): whether such a function has a
// property a rule asks about, read from that module's text through the host's ModuleSource (values/workspace.ts).
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';
import { LIBRARY_ROOTS } from './localTypes';
import { isStdlibModule } from './stdlib';
import { identifiersSpelledInFile } from './names';
import { MAX_CHAIN, namesPickedFrom, reexportedName, resolveModule, starImportedModules, workspaceFunctionHas, type PickNames } from './values/workspace';

/** Per lint, question and `qualified + suffix`: the answers already looked up. */
const answersMemo = new WeakMap<FileFacts, Map<PickNames, Map<string, boolean>>>();

/**
 * The call runs a top-level function of a workspace module it imports (resolved beside the file, followed through
 * `from .utils import *`) for which `pick`, run on that module's facts, yields the function's name followed by `suffix`.
 * False for a library's or the standard library's function, a name defined in this file, and where the host reads no
 * files (the browser).
 */
export function importedFunctionHas(call: Node, facts: FileFacts, pick: PickNames, suffix = ''): boolean {
  const qualified = facts.calleeName(call) ?? relativelyImportedCallee(call, facts);
  const origin = facts.origin;
  const root = qualified?.split('.')[0] ?? '';
  if (!qualified || !qualified.includes('.') || LIBRARY_ROOTS.has(root) || isStdlibModule(root) || !origin?.filePath || !origin.modules?.readText) return false;
  // Asked once per lint, question and name: a loop calls the same helpers on many lines, and each answer looks at the disk.
  let byPick = answersMemo.get(facts);
  if (!byPick) answersMemo.set(facts, (byPick = new Map()));
  let answers = byPick.get(pick);
  if (!answers) byPick.set(pick, (answers = new Map()));
  const key = qualified + suffix;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = workspaceFunctionHas(origin.filePath, qualified, origin.modules, facts.tree.language, pick, suffix);
    answers.set(key, answer);
  }
  return answer;
}

/**
 * `find_kept_edges(j, ones)` after `from ._hafnian import find_kept_edges`: `._hafnian.find_kept_edges`, the relative
 * module and the name it defines there (relative imports have no qualified name in the file's facts). Null for any other
 * callee, and for `from . import name`, which binds a module.
 */
function relativelyImportedCallee(call: Node, facts: FileFacts): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier') return null;
  for (const id of identifiersSpelledInFile(facts, fn.text)) {
    const named = id.parent?.type === 'dotted_name' ? id.parent : id.parent?.type === 'aliased_import' ? id.parent : null;
    const imported = named?.type === 'aliased_import' ? named.childForFieldName('alias')?.equals(id) : named?.namedChildren.length === 1;
    const statement = named?.type === 'aliased_import' ? named.parent : named?.parent;
    const module = statement?.type === 'import_from_statement' ? statement.childForFieldName('module_name') : null;
    if (!imported || module?.type !== 'relative_import' || /^\.+$/.test(module.text) || module.equals(named!)) continue;
    const original = named!.type === 'aliased_import' ? named!.childForFieldName('name')?.text : id.text;
    return original ? `${module.text}.${original}` : null;
  }
  return null;
}

/** Per lint and question: the names found in the imported workspace modules. */
const importedNamesMemo = new WeakMap<FileFacts, Map<PickNames, ReadonlySet<string>>>();
/** How many imported modules one question reads at most: a script importing half its project stays cheap. */
const MAX_IMPORTED_MODULES = 12;
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * The names `pick` finds in the workspace modules this file imports from (`from dalle2_pytorch.trainer import
 * DiffusionPriorTrainer` reads dalle2_pytorch/trainer.py), for methods of their classes that this file calls on objects
 * of unknown class. Libraries and the standard library are left out; empty where the host reads no files (the browser).
 * Once per lint and question; each module's answer is kept while its text is unchanged (namesPickedFrom).
 */
export function namesInImportedModules(facts: FileFacts, pick: PickNames): ReadonlySet<string> {
  const origin = facts.origin;
  if (!origin?.filePath || !origin.modules?.readText) return NO_NAMES;
  let byPick = importedNamesMemo.get(facts);
  if (!byPick) importedNamesMemo.set(facts, (byPick = new Map()));
  const known = byPick.get(pick);
  if (known) return known;
  const names = new Set<string>();
  const read = new Set<string>();
  for (const binding of facts.imports) {
    const root = binding.target.replace(/^\.+/, '').split('.')[0] ?? '';
    if (!binding.topLevel || LIBRARY_ROOTS.has(root) || isStdlibModule(root)) continue;
    // `from dalle2_pytorch import DiffusionPriorTrainer`, which the package's __init__.py re-exports from its trainer module.
    const reexported = reexportedName(origin.filePath, binding.target, origin.modules, facts.tree.language);
    const target = reexported && !reexported.startsWith('.') ? reexported : binding.target;
    // `from pkg.mod import Name` names pkg.mod; `from pkg import mod` and `import pkg.mod` name the module itself.
    const dot = target.lastIndexOf('.');
    for (const module of dot > 0 ? [target.slice(0, dot), target] : [target]) {
      if (read.size >= MAX_IMPORTED_MODULES) break;
      const modulePath = resolveModule(origin.filePath, module, origin.modules);
      if (!modulePath || read.has(modulePath)) continue;
      // `from utils import *`, whose utils/__init__.py re-exports `from utils.experiment import *` (CasStereoNet's
      // `make_nograd_func`, review72): the names come from the modules the star imports reach, a few hops down.
      let modules = [modulePath];
      for (let hop = 0; hop <= MAX_CHAIN && modules.length > 0 && read.size < MAX_IMPORTED_MODULES; hop++) {
        const next: string[] = [];
        for (const current of modules) {
          if (read.has(current) || read.size >= MAX_IMPORTED_MODULES) continue;
          read.add(current);
          const text = origin.modules.readText?.(current) ?? null;
          for (const name of namesPickedFrom(current, origin.modules, facts.tree.language, pick, text) ?? []) names.add(name);
          for (const starred of starImportedModules(current, text, origin.modules)) next.push(starred);
        }
        modules = next;
      }
      break;
    }
  }
  byPick.set(pick, names);
  return names;
}
