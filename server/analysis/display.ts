// Calls that show values to a person. A rule that asks "is this value only looked at?" (a tf.data loop that only prints
// its elements, a sync whose number only goes into a progress line) asks here, so the rules agree on what a display is.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';

/** tqdm's methods that set the text of a progress bar. */
const PROGRESS_TEXT = new Set(['set_postfix', 'set_postfix_str', 'set_description', 'set_description_str']);
/** Modules whose functions draw or print what they are given: plots, IPython's display, pretty printing. */
const DISPLAY_MODULES = /^(?:matplotlib|seaborn|IPython\.display|pprint)\./;
/** Streams written for a person to read: the terminal, and tqdm's `write`, which prints around the progress bars. */
const TERMINAL_WRITES = /^(?:sys\.(?:stdout|stderr)|tqdm(?:\.(?:auto|notebook|std))?(?:\.tqdm)?)\.write$/;

/**
 * True for a call that only shows its arguments to a person: the builtin `print`, IPython's `display` and `pprint`,
 * matplotlib and seaborn plots, a progress bar's text (`pbar.set_postfix(...)`, `set_description`), a `print` method
 * (`accelerator.print`, rich's `console.print`, Lightning's `self.print`), and writes to the terminal (`sys.stdout.write`,
 * `tqdm.write`). Not a `write` to anything else: a file or a TFRecord writer keeps what it is given.
 */
export function isDisplayCall(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') {
    if (fn.text === 'print') return facts.isBuiltin('print', call);
    if (fn.text === 'display' || fn.text === 'pprint') return !facts.binding(fn.text) || /^(IPython|pprint)\b/.test(facts.binding(fn.text)!.target);
  }
  if (fn?.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    if (PROGRESS_TEXT.has(method) || method === 'print') return true;
  }
  const callee = facts.calleeName(call) ?? '';
  if (DISPLAY_MODULES.test(callee) || TERMINAL_WRITES.test(callee)) return true;
  // `sys` may come in through a star import (PyTorch-GAN's `from models import *`): spelled so, it is the module.
  const sys = facts.binding('sys');
  return /^sys\.(?:stdout|stderr)\.write$/.test(fn?.text ?? '') && (!sys || sys.target === 'sys');
}
