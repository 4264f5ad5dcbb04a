// TensorFlow 1 graph mode switched on for a whole program: `tf.compat.v1.disable_eager_execution()` (or
// `disable_v2_behavior()`) in the linted file, or in a script beside it that imports it. Reinforcement-learning
// repositories often keep the agent in one module and switch eager execution off in the driver script that imports
// it (philtabor's DQN agents and their `main_tf2_*.py`). In that mode a Keras model called on an array builds a
// symbolic tensor instead of computing values, and nothing runs op by op for `tf.function` to remove, so advice that
// assumes eager execution is wrong there.
import * as path from 'node:path';
import type { FileFacts } from './facts';
import type { FileProbe } from './codeContext';
import { rememberedFor, type ProbeMemo } from './projectRoot';
import { callsResolvingTo } from './names';

const SWITCH_NAMES = ['disable_eager_execution', 'disable_v2_behavior'];
const SWITCH_CALL = /^tensorflow\.(compat\.v1\.)?(disable_eager_execution|disable_v2_behavior)$/;
const SWITCH_TEXT = /\b(?:disable_eager_execution|disable_v2_behavior)\s*\(/;
/** The call in a script's text, on a line that is not a comment. */
const SWITCH_LINE = /^[^#\n]*\b(?:disable_eager_execution|disable_v2_behavior)\s*\(/m;
/**
 * TensorFlow 1's own graph API at the top of the `tf` namespace (TensorFlow 2 keeps these only under `tf.compat.v1`,
 * where they may build a graph on the side of an eager program): a file that calls `tf.Session()` or `tf.placeholder()`
 * is TensorFlow 1 code, where nothing runs eagerly (yandexdataschool's Practical_RL seminars: `tf.InteractiveSession()`
 * with Keras on top, where `model(x).numpy()` does not exist).
 */
const TF1_NAMES = ['Session', 'InteractiveSession', 'placeholder', 'reset_default_graph'];
const TF1_CALL = /^tensorflow\.(Session|InteractiveSession|placeholder|reset_default_graph)$/;
const TF1_TEXT = /\b(?:Session|InteractiveSession|placeholder|reset_default_graph)\s*\(/;
/** Scripts of one folder read to find a switch; a folder with more is not scanned (a package, not a set of scripts). */
const MAX_SCRIPTS = 60;
/** Scripts larger than this are not read. */
const MAX_SCRIPT_CHARS = 200_000;

/** Per folder: the names of the modules that a script of the folder both imports and switches eager execution off for. */
const switchedModules: ProbeMemo<ReadonlyMap<string, string>> = new WeakMap();

/**
 * Why the program runs TensorFlow in graph mode, or null: the file itself calls `disable_eager_execution()`, it is
 * TensorFlow 1 code (TF1_NAMES), or a script in its folder imports it (`from agent import Agent`, `import agent`) and
 * calls `disable_eager_execution()`.
 */
export function graphModeSwitch(facts: FileFacts, filePath: string | undefined, files: FileProbe): string | null {
  if (switchesInFile(facts)) return 'this file turns eager execution off (`disable_eager_execution()`), so TensorFlow runs graphs';
  if (usesTf1GraphApi(facts)) return 'this file is TensorFlow 1 code (`tf.Session`, `tf.placeholder`), where TensorFlow runs graphs';
  if (!filePath?.endsWith('.py') || !files.list || !files.readText) return null;
  const dir = path.dirname(filePath);
  const driver = rememberedFor(switchedModules, files, dir, Date.now(), 200, () => switchingScripts(dir, files)).get(path.basename(filePath, '.py'));
  return driver ? `\`${driver}\`, which imports this module, turns eager execution off, so TensorFlow runs graphs` : null;
}

function switchesInFile(facts: FileFacts): boolean {
  if (!SWITCH_TEXT.test(facts.text)) return false;
  return callsResolvingTo(facts, SWITCH_NAMES, (q) => SWITCH_CALL.test(q));
}

function usesTf1GraphApi(facts: FileFacts): boolean {
  if (!TF1_TEXT.test(facts.text)) return false;
  return callsResolvingTo(facts, TF1_NAMES, (q) => TF1_CALL.test(q));
}

/** Module name → the script of `dir` that imports it and switches eager execution off. */
function switchingScripts(dir: string, files: FileProbe): Map<string, string> {
  const found = new Map<string, string>();
  const scripts = (files.list!(dir) ?? []).filter((name) => name.endsWith('.py'));
  if (scripts.length > MAX_SCRIPTS) return found;
  for (const script of scripts) {
    const text = files.readText!(path.join(dir, script));
    if (!text || text.length > MAX_SCRIPT_CHARS || !SWITCH_LINE.test(text)) continue;
    for (const module of importedSiblings(text)) if (!found.has(module)) found.set(module, script);
  }
  return found;
}

/** Top-level names of the modules a script imports (`from agent import X`, `import agent, utils`), relative or not. */
function importedSiblings(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^[ \t]*from[ \t]+\.?([A-Za-z_]\w*)[ \t]+import\b/gm)) names.push(m[1]!);
  for (const m of text.matchAll(/^[ \t]*import[ \t]+([A-Za-z_][\w \t,]*)$/gm)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name) names.push(name);
    }
  }
  return names;
}
