// Places where a training step waits for the GPU whatever the rest of it does. Python needs a tensor's value on the host
// when it branches on the tensor (`if torch.isnan(loss): raise ...` calls `bool()` on a device tensor) or when a helper the
// step calls reads a number out of one (`norm = norm.sqrt().item()` in a gradient-clipping helper). Such a wait is part of
// the step's design: moving the step's other `.item()` calls off the step would not stop the stall, they only find the
// GPU idle after it. Blind review29 judged five torch-sync-in-training-loop findings wrong for that reason (Dive-into-DL's
// `grad_clipping`, called each step from the package beside the notebooks; allennlp's NaN check).
import type { Node } from '../syntax/parser';
import { FileFacts } from './facts';
import { lintMemo, nodeMemo } from './nodeMemo';
import { definitionOf, findDescendants, isNestedScope } from './scopes';
import { definitionsNamed } from './names';
import { importedFunctionHas } from './workspaceCalls';

/** Tensor methods that copy a value to the host, so wait for every kernel queued before them. */
const HOST_COPIES = new Set(['item', 'tolist', 'cpu']);
/** torch functions whose result a condition turns into a Python bool: a copy to the host. */
const TENSOR_TESTS = /^torch\.(?:isnan|isinf|isfinite|isneginf|isposinf|any|all|equal|allclose)$/;
const TENSOR_TEST_METHODS = new Set(['isnan', 'isinf', 'isfinite']);
/** Nodes between a statement and its step under which it may not run on a pass: branches and handlers. */
const BRANCHES = new Set(['if_statement', 'conditional_expression', 'boolean_operator', 'try_statement']);
/** ...and, in a helper's body, loops, which may run no time at all (a loop over no parameters). */
const BRANCHES_AND_LOOPS = new Set([
  ...BRANCHES,
  'for_statement',
  'while_statement',
  'list_comprehension',
  'generator_expression',
  'set_comprehension',
  'dictionary_comprehension',
]);

/** Words without which a function cannot copy a torch tensor to the host. */
const TORCH_WORDS = /\btorch\b|\bdevice\b|\.grad\b/;

/**
 * `node` runs whenever `scope` runs: no branch or handler between them, nor, with `loopsMaySkip`, a loop (inside a training
 * step, a loop over the micro-batches of a batch group runs on every step; inside a helper, a loop may run no time).
 */
function runsOnEveryPass(node: Node, scope: Node, loopsMaySkip: boolean): boolean {
  const skipping = loopsMaySkip ? BRANCHES_AND_LOOPS : BRANCHES;
  for (let n = node.parent; n && !n.equals(scope); n = n.parent) if (skipping.has(n.type)) return false;
  return true;
}

/** A host copy with no arguments (`x.item()`, `x.cpu()`): NumPy's `arr.item(0)` takes one. */
function isHostCopy(call: Node): boolean {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  return (
    fn?.type === 'attribute' &&
    HOST_COPIES.has(fn.childForFieldName('attribute')?.text ?? '') &&
    !!args &&
    !args.namedChildren.some((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument')
  );
}

/**
 * The top-level functions of a file that wait for the device on every call for a number they need on the host: a host
 * copy outside any branch, loop or handler of the body, that a condition of the function then tests (`norm =
 * norm.sqrt().item()` then `if norm > theta:`), in a function that speaks of torch (a device, `.grad`), so NumPy's
 * `.item()` does not count. A copy that is only logged or returned is a sync the rule reports where it is, not a wait.
 */
export function hostWaitingFunctions(facts: FileFacts): ReadonlySet<string> {
  const out = new Set<string>();
  for (const def of facts.root.namedChildren) {
    const fn = def && definitionOf(def);
    if (fn?.type !== 'function_definition' || !TORCH_WORDS.test(fn.text)) continue;
    const body = fn.childForFieldName('body');
    const waits = (n: Node) => n.type === 'call' && isHostCopy(n) && runsOnEveryPass(n, fn, true) && decidesControlFlow(n, fn);
    if (body && findDescendants(body, waits, isNestedScope).length > 0) out.add(fn.childForFieldName('name')!.text);
  }
  return out;
}

/** This file's own top-level functions that copy a tensor to the host on every call, once per lint. */
const fileWaiters = lintMemo((facts) => hostWaitingFunctions(facts));

/**
 * The call runs a function that copies a tensor to the host on every call: one of this file's top-level functions, or one
 * of a workspace module it imports (followed through `from .utils import *`).
 */
export function callWaitsForHost(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier' && definitionsNamed(facts, 'function_definition', fn.text).length > 0) {
    return fileWaiters(facts).has(fn.text);
  }
  return importedFunctionHas(call, facts, hostWaitingFunctions);
}

/** A condition that turns a tensor into a Python bool: `torch.isnan(loss)`, `loss.isnan().any()`, `torch.equal(a, b)`. */
function testsTensor(condition: Node, facts: FileFacts): boolean {
  const isTensorTest = (n: Node) => {
    if (n.type !== 'call' || shortCircuited(n, condition)) return false;
    if (TENSOR_TESTS.test(facts.calleeName(n) ?? '')) return true;
    const fn = n.childForFieldName('function');
    return fn?.type === 'attribute' && TENSOR_TEST_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
  };
  // The condition itself counts too (`if loss.isnan():`), as it does under a `not` (`if not loss.isnan():`).
  return isTensorTest(condition) || findDescendants(condition, isTensorTest, isNestedScope).length > 0;
}

/** `node` is right of an `and`/`or` within `condition` (`step % 100 == 0 and torch.isnan(loss)`): it may not run. */
function shortCircuited(node: Node, condition: Node): boolean {
  let child = node;
  for (let n = node.parent; n && !child.equals(condition); child = n, n = n.parent) {
    if (n.type === 'boolean_operator' && n.childForFieldName('right')?.equals(child)) return true;
    if (n.type === 'conditional_expression') return true;
  }
  return false;
}

const stepWaitsMemo = nodeMemo<Node[]>();

/**
 * Where the step (a loop's body, or a step function) waits for the device on every pass by design: a condition on a
 * tensor, or a call of a helper that copies one to the host, neither under a branch of the step. Null when there is none.
 * `except` is a call the caller accounts for itself (the call of the helper whose own sync it is judging).
 */
export function stepWaitsForHost(step: Node, facts: FileFacts, except?: Node): Node | null {
  const waits = stepWaitsMemo(facts, step, () => {
    const body = step.childForFieldName('body');
    if (!body) return [];
    return findDescendants(
      body,
      (n) => {
        if ((n.type === 'if_statement' || n.type === 'while_statement') && runsOnEveryPass(n, step, false)) {
          const condition = n.childForFieldName('condition');
          return !!condition && testsTensor(condition, facts);
        }
        return n.type === 'call' && runsOnEveryPass(n, step, false) && callWaitsForHost(n, facts);
      },
      isNestedScope,
    );
  });
  return waits.find((w) => !except || !w.equals(except)) ?? null;
}

/**
 * The host copies (`loss.item()`, `pred.eq(y).cpu()`, `out.tolist()`) the step's body makes on every pass, in no branch,
 * loop or handler of it: each one waits for every kernel the pass queued, so the device is idle when the next pass starts.
 */
export function hostCopiesEachPass(step: Node): Node[] {
  const body = step.childForFieldName('body');
  if (!body) return [];
  return findDescendants(body, (n) => n.type === 'call' && isHostCopy(n) && runsOnEveryPass(n, step, true), isNestedScope);
}

const CONDITION_HOLDERS = new Set(['if_statement', 'elif_clause', 'while_statement']);

/**
 * The step branches on the synced value: the call is in an `if`/`while` condition, or its value is assigned to a name
 * that a later condition of the same block reads (`found_oom = flag.item()` ... `if found_oom == 1:`).
 */
export function decidesControlFlow(call: Node, within?: Node): boolean {
  let child = call;
  for (let n = call.parent; n; child = n, n = n.parent) {
    if (CONDITION_HOLDERS.has(n.type)) return n.childForFieldName('condition')?.equals(child) ?? false;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right?.equals(child) || left.type !== 'identifier') return false;
      return conditionReadsAfter(n, left.text, within);
    }
    if (n.type.endsWith('statement') || n.type === 'block' || isNestedScope(n)) return false;
  }
  return false;
}

/**
 * A condition after `assignment` reads `name`: in the block that holds it (or blocks nested there), or, given `within`
 * (the step's loop or function), anywhere after it in that step, including the condition of a `while` loop around it
 * (`while not done: ... done = flag.item() == 1`), tested again right after.
 */
function conditionReadsAfter(assignment: Node, name: string, within?: Node): boolean {
  const block = within ?? assignment.parent?.parent;
  if (!block) return false;
  const reads = (holder: Node) => {
    const cond = holder.childForFieldName('condition');
    return !!cond && (cond.text === name || findDescendants(cond, (x) => x.type === 'identifier' && x.text === name).length > 0);
  };
  if (within) {
    for (let n = assignment.parent; n && !n.equals(within); n = n.parent) if (n.type === 'while_statement' && reads(n)) return true;
  }
  return findDescendants(block, (n) => CONDITION_HOLDERS.has(n.type) && n.startIndex > assignment.endIndex, isNestedScope).some(reads);
}
