// How many items a collection holds, when the code itself bounds it to a handful. A loop over such a collection runs a
// few times, whatever it does per item: a blind review judged a per-sample forward pass noise where a notebook's helper
// loops over the 9 samples it is handed for a plot (`make_predictions(model, test_samples)` with `test_samples` filled
// from `random.sample(..., k=9)`). Unknown stays unknown: a collection read from data, a parameter with an unknown caller.
import type { FileFacts } from './facts';
import { argumentFor, hasSplatArguments, keywordValue, positionalArguments } from './callArgs';
import { referencesTo } from './callsOf';
import { bindingOf, occurrences, scopeOf } from './names';
import { nodeMemo } from './nodeMemo';
import { foldInteger } from './numeric';
import { classOfMethod, parameterDefault, parameterNames } from './scopes';
import { isNotebookFile } from './codeContext';
import type { Node } from '../syntax/parser';

/** How far `collectionBound` follows names, parameters and the loops that fill a list (each a level). */
const MAX_DEPTH = 4;
/** A parameter is bounded by its callers only when the file has this many calls of its function or fewer. */
const MAX_CALL_SITES = 8;
/** Methods that add items to a list in place, besides `append` (which adds one): any of them makes the count unknown. */
const GROWERS = new Set(['extend', 'insert', '__iadd__', 'update', 'add']);
/** Calls that draw `k` items: `random.sample(xs, k)`, `random.choices(xs, k=k)`. */
const DRAWS = new Map([
  ['random.sample', 1],
  ['random.choices', -1],
]);

/**
 * The most items `expr` can hold when iterated, from the code alone, or null when the code does not bound it: a short
 * display (`[a, b, c]`), `range` with literal bounds, a draw of `k` items, a slice with literal bounds, a name bound once
 * to one of these (or to `[]` and then grown only by `append` in loops the code bounds), or a parameter that every call
 * of its function passes such a collection, where the file shows every call (a notebook's, a private or nested function).
 */
export function collectionBound(expr: Node, facts: FileFacts, depth = 0): number | null {
  if (depth > MAX_DEPTH) return null;
  switch (expr.type) {
    case 'parenthesized_expression':
      return expr.namedChildren[0] ? collectionBound(expr.namedChildren[0], facts, depth) : null;
    case 'list':
    case 'tuple':
    case 'set':
      return expr.namedChildren.some((c) => c?.type === 'list_splat' || c?.type === 'dictionary_splat') ? null : expr.namedChildCount;
    case 'call':
      return callBound(expr, facts, depth);
    case 'subscript':
      return sliceBound(expr);
    case 'identifier':
      return nameBound(expr, facts, depth);
    default:
      return null;
  }
}

/** `range(k)`, `range(a, b)` with literal bounds; `random.sample(xs, k)`; `enumerate`/`zip`/`reversed`/`sorted` of such. */
function callBound(call: Node, facts: FileFacts, depth = 0): number | null {
  const callee = call.childForFieldName('function')?.text ?? '';
  const positional = positionalArguments(call);
  if (callee === 'range' && facts.isBuiltin('range', call)) {
    const nums = positional.map(integerLiteral);
    if (positional.length === 1 && nums[0] !== null) return Math.max(0, nums[0]);
    if (positional.length === 2 && nums[0] !== null && nums[1] !== null) return Math.max(0, nums[1] - nums[0]);
    return null;
  }
  const drawIndex = DRAWS.get(callee);
  if (drawIndex !== undefined && facts.importsModule('random')) {
    const k = keywordValue(call, 'k') ?? (drawIndex >= 0 ? positional[drawIndex] : undefined);
    return k ? integerLiteral(k) : null;
  }
  if ((callee === 'enumerate' || callee === 'reversed' || callee === 'sorted' || callee === 'list' || callee === 'tuple') && facts.isBuiltin(callee, call)) {
    return positional.length === 1 && !hasSplatArguments(call) ? collectionBound(positional[0], facts, depth + 1) : null;
  }
  return null;
}

/** `xs[:k]`, `xs[a:b]`, `xs[-k:]` with literal bounds: at most that many items, whatever `xs` is. */
function sliceBound(subscript: Node): number | null {
  const slices = subscript.namedChildren.filter((c): c is Node => c?.type === 'slice');
  if (slices.length !== 1 || subscript.namedChildren.length !== 2) return null;
  const parts = sliceParts(slices[0]);
  if (!parts || parts.step) return null;
  const start = parts.start ? integerLiteral(parts.start) : 0;
  const stop = parts.stop ? integerLiteral(parts.stop) : null;
  if (start === null) return null;
  if (stop === null) return parts.stop === null && start < 0 ? -start : null;
  if (start >= 0 && stop >= 0) return Math.max(0, stop - start);
  return null;
}

/** The start, stop and step of a slice, split at its colons (tree-sitter gives them no field names). */
function sliceParts(slice: Node): { start: Node | null; stop: Node | null; step: Node | null } | null {
  const parts: (Node | null)[] = [null];
  for (const c of slice.children) {
    if (!c) continue;
    if (c.type === ':') parts.push(null);
    else if (c.isNamed) parts[parts.length - 1] = c;
  }
  if (parts.length < 2 || parts.length > 3) return null;
  return { start: parts[0], stop: parts[1], step: parts[2] ?? null };
}

function integerLiteral(n: Node): number | null {
  return foldInteger(n, () => null, false);
}

const nameBounds = nodeMemo<number | null>();

/** What a name holds: its one binding in its scope, or a parameter's arguments at every call in this file. */
function nameBound(id: Node, facts: FileFacts, depth: number): number | null {
  return nameBounds(facts, id, () => {
    const scope = scopeOf(id);
    const uses = occurrences(scope, id.text);
    const bindings = uses.filter((o) => bindingOf(o) !== null);
    if (bindings.length !== 1) return null;
    const binding = bindingOf(bindings[0])!;
    if (binding.type === 'parameters' || binding.type.endsWith('parameter')) return parameterBound(scope, id.text, uses, facts, depth);
    if (binding.type !== 'assignment' || !binding.childForFieldName('left')?.equals(bindings[0])) return null;
    const value = binding.childForFieldName('right');
    if (!value) return null;
    const grown = appendedItems(uses, bindings[0], scope, facts, depth);
    if (grown === null) return null;
    const initial = collectionBound(value, facts, depth + 1);
    return initial === null ? null : initial + grown;
  });
}

/**
 * How many items the `append` calls among uses add at most: each one times the bounded loops around it inside scope.
 * Null when the list may grow otherwise (another growing method, `+=`, a loop the code does not bound, or a use inside a
 * nested function, which may run any number of times).
 */
function appendedItems(uses: readonly Node[], binding: Node, scope: Node, facts: FileFacts, depth: number): number | null {
  let total = 0;
  for (const use of uses) {
    if (use.equals(binding)) continue;
    const parent = use.parent;
    if (parent?.type === 'augmented_assignment' && parent.childForFieldName('left')?.equals(use)) return null;
    if (parent?.type !== 'attribute' || !parent.childForFieldName('object')?.equals(use)) continue;
    const method = parent.childForFieldName('attribute')?.text ?? '';
    if (GROWERS.has(method)) return null;
    if (method !== 'append') continue;
    const times = timesRun(use, scope, facts, depth);
    if (times === null) return null;
    total += times;
  }
  return total;
}

/** How many times node runs per run of scope, when every loop between them is bounded by the code; null otherwise. */
function timesRun(node: Node, scope: Node, facts: FileFacts, depth: number): number | null {
  let times = 1;
  for (let n = node.parent; n && !n.equals(scope); n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'while_statement') return null;
    if (n.type === 'for_statement' || n.type === 'for_in_clause') {
      const iterable = n.childForFieldName('right');
      // Only the body repeats: an append in the iterable itself runs once.
      if (iterable && iterable.startIndex <= node.startIndex && node.endIndex <= iterable.endIndex) continue;
      const bound = iterable ? collectionBound(iterable, facts, depth + 1) : null;
      if (bound === null) return null;
      times *= bound;
    }
  }
  return times;
}

/**
 * The file shows every call of the function: a notebook's (nothing imports a notebook), a private one (`_name`), or one
 * nested in another function. A public function of a module is an API: a demo at its end calling it with two items says
 * nothing of what its importers pass.
 */
function allCallsInFile(def: Node, facts: FileFacts): boolean {
  if (isNotebookFile(facts.origin?.filePath)) return true;
  if (def.childForFieldName('name')?.text.startsWith('_')) return true;
  for (let n = def.parent; n; n = n.parent) if (n.type === 'function_definition') return true;
  return false;
}

/**
 * A parameter of a plain function (not a method: its callers pass `self` implicitly) that its body never rebinds, bounded
 * by the largest argument any call of the function in this file passes it. Null when the function is handed on (a
 * callback may be called with anything), called from elsewhere only (a library's API), or any call's argument is unbounded.
 */
function parameterBound(def: Node, name: string, uses: readonly Node[], facts: FileFacts, depth: number): number | null {
  if (def.type !== 'function_definition' || classOfMethod(def) || !allCallsInFile(def, facts)) return null;
  if (uses.some((u) => u.parent?.type === 'augmented_assignment' && u.parent.childForFieldName('left')?.equals(u))) return null;
  const params = def.childForFieldName('parameters')?.namedChildren ?? [];
  if (
    params.some(
      (p) =>
        p?.type === 'list_splat_pattern' || p?.type === 'dictionary_splat_pattern' || p?.type === 'keyword_separator' || p?.type === 'positional_separator',
    )
  )
    return null;
  const index = parameterNames(def).indexOf(name);
  const refs = referencesTo(def, facts);
  if (index < 0 || refs.length === 0 || refs.length > MAX_CALL_SITES) return null;
  let most = 0;
  for (const ref of refs) {
    const call = ref.parent;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(ref)) return null;
    const passed = argumentFor(call, name, index);
    if (passed === undefined) return null;
    const argument = passed ?? parameterDefault(def, name);
    const bound = argument ? collectionBound(argument, facts, depth + 1) : null;
    if (bound === null) return null;
    most = Math.max(most, bound);
  }
  return most;
}
