// Calls of functions that another module of the workspace defines (`d2l.grad_clipping(...)` from the package beside the
// notebooks, `train_util.cache_batch_latents(vae, ...)` from a project's `library/`): whether such a function has a
// property a rule asks about, read from that module's text through the host's ModuleSource (values/workspace.ts).
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';
import { LIBRARY_ROOTS } from './localTypes';
import { isStdlibModule } from './stdlib';
import { workspaceFunctionHas, type PickNames } from './values/workspace';

/** Per lint, question and `qualified + suffix`: the answers already looked up. */
const answersMemo = new WeakMap<FileFacts, Map<PickNames, Map<string, boolean>>>();

/**
 * The call runs a top-level function of a workspace module it imports (resolved beside the file, followed through
 * `from .utils import *`) for which `pick`, run on that module's facts, yields the function's name followed by `suffix`.
 * False for a library's or the standard library's function, a name defined in this file, and where the host reads no
 * files (the browser).
 */
export function importedFunctionHas(call: Node, facts: FileFacts, pick: PickNames, suffix = ''): boolean {
  const qualified = facts.calleeName(call);
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
