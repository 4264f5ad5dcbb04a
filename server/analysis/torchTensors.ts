// Torch tensors as the file shows them, where the value layer has no answer: a torch call, a method of a tensor, a
// subscript, comparison or arithmetic of one, `.T`, the `.indices` of a `topk`, a part of `a, b = torch.topk(...)`, or a
// name whose last assignment on the path to the read is one of those. Rules that walk or index tensors ask here; the answer
// is where the tensor lives as far as a host read is concerned (`cpu`, or `any` when it may be on a device).
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { keywordValue, positionalArguments } from './callArgs';
import { enclosingFunctionDef, unpackedValuesOf, valuesAssignedTo } from './trainingLoop';
import { values } from './values';
import { definitionsNamed, isStatement, occurrences, onPathTo } from './names';
import { ownReturnStatements, withinOwnScope } from './scopes';

/** Where a tensor lives, as far as this rule needs it: on the host, or anywhere (a GPU when the code runs there). */
export type Placement = 'cpu' | 'any';

/** torch functions that return something other than one tensor (tuples, modules, contexts), or a tensor of written values. */
const NOT_ONE_TENSOR =
  /^torch\.(nn|utils|cuda|backends|distributed|jit|onnx|optim|autograd|profiler|hub|fx|testing|device|Size|Generator|dtype|finfo|iinfo|no_grad|enable_grad|inference_mode|split|chunk|unbind|tensor_split|topk|sort|max|min|median|mode|kthvalue|meshgrid|broadcast_tensors|where|unique|unique_consecutive|load|save|compile|manual_seed|get_\w+|set_\w+|is_\w+|numel)\b/;
/** `torch.f` and the functions of torch's tensor namespaces (`torch.nn.functional.f`, `torch.linalg.f`, ...). */
const TENSOR_FUNCTIONS = /^torch\.((nn\.functional|linalg|fft|special)\.)?[a-z][a-z0-9_]*$|^torch\.([A-Z][A-Za-z]*)?Tensor$/;
/** Factories that build a tensor in host memory unless given `device=`. */
const HOST_FACTORIES =
  /^torch\.(tensor|as_tensor|from_numpy|zeros|ones|empty|full|arange|linspace|logspace|rand|randn|randint|randperm|LongTensor|FloatTensor|BoolTensor|IntTensor|Tensor)$/;
/** Tensor methods that return a tensor of the same placement. */
const SAME_TENSOR_METHODS = new Set(
  (
    'clone detach repeat repeat_interleave view view_as reshape flatten squeeze unsqueeze t transpose permute contiguous long int float bool half double ' +
    'type_as masked_fill sum any all mean argmax argmin cumsum isinf isnan isfinite abs clamp clamp_min clamp_max ne eq gt lt ge le logical_not logical_and ' +
    'logical_or flip roll expand expand_as gather index_select masked_select nonzero squeeze_ narrow'
  ).split(' '),
);
/** Results of `torch.topk(...)` / `x.sort(...)` / `torch.unique(..., return_inverse=True)` whose fields or unpacked parts are tensors. */
const TUPLE_OPS = new Set(['topk', 'sort', 'max', 'min', 'median', 'mode', 'kthvalue', 'unique', 'unique_consecutive']);

/**
 * Whether `expr` holds one torch tensor where it is read (at `at`), and where: the value layer's answer, or what the file shows
 * (a torch call, a method of a tensor, a subscript, comparison or arithmetic of one, `.T`, the `.indices` of a `topk`, a part
 * of `a, b = torch.topk(...)`, or a name whose last assignment on the path to `at` is one of those). Null when not shown, and
 * for a tensor of a few written values (`torch.tensor([1, 2, 3])`).
 */
export function tensorPlacement(expr: Node, at: Node, facts: FileFacts): Placement | null {
  return tensorAt(expr, at, facts, 0);
}

function tensorAt(expr: Node, at: Node, facts: FileFacts, depth: number): Placement | null {
  if (depth > 8) return null;
  // `torch.tensor([0, 1, 2])`: a few written values.
  if (expr.type === 'call' && HOST_FACTORIES.test(facts.calleeName(expr) ?? '') && writtenValues(positionalArguments(expr)[0])) return null;
  const known = values(facts).valueOf(expr);
  if (known && known.kind !== 'tensor') return null;
  if (known?.device) return known.device === 'cpu' ? 'cpu' : 'any';
  return shownTensor(expr, at, facts, depth) ?? (known ? 'any' : null);
}

function writtenValues(arg: Node | undefined): boolean {
  return !!arg && /^[\s\d.,()[\]+-]*$/.test(arg.text);
}

/** Python containers a 0-d tensor index is read from with `__index__`: literals, comprehensions, `list(...)`-like builtins. */
const CONTAINER_BUILTINS = new Set(['list', 'tuple', 'dict', 'sorted']);

/** `queries` whose last binding on the path to `at` is a list, tuple or dict (literal, comprehension, `list(...)`, `.copy()` of one). */
export function pythonContainer(expr: Node, at: Node, facts: FileFacts, depth = 0): boolean {
  if (depth > 4) return false;
  if (/^(list|tuple|dictionary|list_comprehension|dictionary_comprehension)$/.test(expr.type)) return true;
  if (expr.type === 'call') {
    const fn = expr.childForFieldName('function');
    if (fn?.type === 'identifier') return CONTAINER_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, expr);
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'copy') {
      const object = fn.childForFieldName('object');
      return !!object && pythonContainer(object, at, facts, depth + 1);
    }
    return false;
  }
  if (expr.type === 'binary_operator') {
    const left = expr.childForFieldName('left');
    return !!left && pythonContainer(left, at, facts, depth + 1);
  }
  if (expr.type !== 'identifier') return false;
  const binding = lastBindingOnPath(expr.text, at, facts);
  return !!binding && !binding.path && pythonContainer(binding.value, binding.value, facts, depth + 1);
}

function shownTensor(expr: Node, at: Node, facts: FileFacts, depth: number): Placement | null {
  switch (expr.type) {
    case 'parenthesized_expression': {
      const inner = expr.namedChild(0);
      return inner ? tensorAt(inner, at, facts, depth + 1) : null;
    }
    case 'identifier':
      return nameAt(expr.text, at, facts, depth);
    case 'call':
      return callResult(expr, at, facts, depth);
    case 'subscript': {
      const value = expr.childForFieldName('value');
      // `torch.unique_consecutive(x, return_counts=True)[1]`: a part of the tuple, as `_, counts = ...` unpacks it.
      const key = expr.childrenForFieldName('subscript').filter((k) => k !== null && k.type !== 'comment');
      if (value?.type === 'call' && TUPLE_OPS.has(calledName(value)) && key.length === 1 && key[0]!.type === 'integer')
        return tupleOpInput(value, at, facts, depth);
      return value ? tensorAt(value, at, facts, depth + 1) : null;
    }
    case 'attribute': {
      const attr = expr.childForFieldName('attribute')?.text;
      const object = expr.childForFieldName('object');
      if (!object) return null;
      if (attr === 'T' || attr === 'mT' || attr === 'data') return tensorAt(object, at, facts, depth + 1);
      if ((attr === 'indices' || attr === 'values') && object.type === 'call' && TUPLE_OPS.has(calledName(object)))
        return tupleOpInput(object, at, facts, depth);
      return null;
    }
    case 'comparison_operator':
    case 'binary_operator': {
      const parts = expr.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      const placed = parts.map((p) => tensorAt(p, at, facts, depth + 1)).filter((p): p is Placement => p !== null);
      return placed.length === 0 ? null : placed.includes('any') ? 'any' : 'cpu';
    }
    default:
      return null;
  }
}

function calledName(call: Node): string {
  const fn = call.childForFieldName('function');
  return (fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text) ?? '';
}

/** `torch.topk(x, k)` or `x.topk(k)`: the placement of x, whose shape the results share. */
function tupleOpInput(call: Node, at: Node, facts: FileFacts, depth: number): Placement | null {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'attribute' && !(facts.calleeName(call) ?? '').startsWith('torch.')) {
    const receiver = fn.childForFieldName('object');
    // `.topk(...)` is a tensor method (NumPy has none): its results are tensors wherever the receiver lives.
    return receiver ? (tensorAt(receiver, at, facts, depth + 1) ?? (calledName(call) === 'topk' ? 'any' : null)) : null;
  }
  if (!TUPLE_OPS.has((facts.calleeName(call) ?? '').replace(/^torch\./, ''))) return null;
  const first = positionalArguments(call)[0];
  return first ? (tensorAt(first, at, facts, depth + 1) ?? 'any') : null;
}

function callResult(call: Node, at: Node, facts: FileFacts, depth: number): Placement | null {
  const q = facts.calleeName(call) ?? '';
  if (q.startsWith('torch.')) {
    // Functions of torch and its tensor namespaces only: not `torch.__version__.split(...)` or a class's method.
    if (!TENSOR_FUNCTIONS.test(q) || NOT_ONE_TENSOR.test(q)) return null;
    if (HOST_FACTORIES.test(q)) {
      const device = keywordValue(call, 'device');
      return device && !/^["']cpu["']$/.test(device.text) ? 'any' : 'cpu';
    }
    if (/_like$/.test(q)) {
      const first = positionalArguments(call)[0];
      return first ? (tensorAt(first, at, facts, depth + 1) ?? 'any') : 'any';
    }
    const first = positionalArguments(call)[0];
    if (JOINS.test(q) && first && joinedOnHost(first, call, facts, depth)) return 'cpu';
    return (first && tensorAt(first, at, facts, depth + 1)) || 'any';
  }
  const fn = call.childForFieldName('function');
  // `images, labels = get_predictions(...)`: what a function of the file returns, when it is known to be on the host.
  if (fn?.type === 'identifier') return returnedOnHost(fn.text, call, null, facts, depth);
  if (fn?.type !== 'attribute') return null;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  const receiver = fn.childForFieldName('object');
  if (!receiver) return null;
  const placed = tensorAt(receiver, at, facts, depth + 1);
  if (!placed) return null;
  if (method === 'cpu') return 'cpu';
  if (method === 'cuda') return 'any';
  if (method === 'to') return positionalArguments(call).some((a) => /^["']cpu["']$/.test(a.text)) ? 'cpu' : 'any';
  return SAME_TENSOR_METHODS.has(method) ? placed : null;
}

/** The placement of the tensor the name's last binding on the path to `at` holds, or null when it is not one. */
function nameAt(name: string, at: Node, facts: FileFacts, depth: number): Placement | null {
  const found = lastBindingOnPath(name, at, facts);
  if (!found) return null;
  // A later binding in a branch between it and `at` may be the one that reaches `at`: it must be a tensor too.
  // OpenAttack's BAE attack slices `substitutes = word_predictions[...]` and then, in every branch of an if/elif chain,
  // rebinds it to a list of token strings (`self.get_substitues(...)`): review48 judged a finding on it wrong (B011).
  if (!laterBranchBindingsAreTensors(name, found.value, at, facts, depth)) return null;
  const stmt = found.value.parent ?? at;
  if (!found.path) return tensorAt(found.value, stmt, facts, depth + 1);
  // `obs, done = torch.Tensor(obs).to(device), torch.Tensor(done).to(device)`: the item of the tuple written on the right.
  const written = writtenItem(found.value, found.path);
  if (written) return tensorAt(written, stmt, facts, depth + 1);
  // `images, labels, probs = get_predictions(model, loader)`: a part of what a function of the file returns.
  const callee = found.value.type === 'call' ? found.value.childForFieldName('function') : null;
  if (callee?.type === 'identifier' && found.path.length === 1) return returnedOnHost(callee.text, found.value, found.path[0], facts, depth);
  // `scores, idx = torch.topk(x, k)`: both parts are tensors placed like x.
  if (found.path.length !== 1 || found.value.type !== 'call' || !TUPLE_OPS.has(calledName(found.value))) return null;
  return tupleOpInput(found.value, stmt, facts, depth);
}

/**
 * Every binding of `name` after `found` and before `at` (in a branch off the path to `at`, which may or may not run: the
 * on-path ones would have been found first) is a plain assignment of a tensor. An unpacking there is not followed.
 */
function laterBranchBindingsAreTensors(name: string, found: Node, at: Node, facts: FileFacts, depth: number): boolean {
  const later = (v: Node) => v.startIndex > found.endIndex && v.endIndex <= at.startIndex && isStatement(v) && !inOtherBranch(v, at);
  if (unpackedValuesOf(name, at, facts).some((u) => later(u.value))) return false;
  return valuesAssignedTo(name, at, facts).every((v) => !later(v) || tensorAt(v, v.parent ?? at, facts, depth + 1) !== null);
}

/** The item at `path` of a tuple written out on the right of an unpacking (`a, b = x, y`), or null for any other value. */
function writtenItem(value: Node, path: number[]): Node | null {
  let item: Node | null = value;
  for (const i of path) {
    if (item?.type === 'parenthesized_expression') item = item.namedChild(0);
    if (item?.type !== 'expression_list' && item?.type !== 'tuple') return null;
    item = item.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment')[i] ?? null;
  }
  return item;
}

/**
 * The name's last binding before `at` on the path to it: a plain or unpacking assignment in a block that encloses `at`
 * (one in a sibling branch may not have run). `path` is the position in an unpacking pattern, null for a plain assignment.
 */
export function lastBindingOnPath(name: string, at: Node, facts: FileFacts): { value: Node; path: number[] | null } | null {
  let last: { value: Node; path: number[] | null } | null = null;
  let lastAnywhere: { value: Node; path: number[] | null } | null = null;
  const consider = (value: Node, path: number[] | null) => {
    if (value.endIndex > at.startIndex || !isStatement(value) || inOtherBranch(value, at)) return;
    if (!lastAnywhere || value.startIndex > lastAnywhere.value.startIndex) lastAnywhere = { value, path };
    if (!onPathTo(value, at)) return;
    if (!last || value.startIndex > last.value.startIndex) last = { value, path };
  };
  for (const v of valuesAssignedTo(name, at, facts)) consider(v, null);
  for (const u of unpackedValuesOf(name, at, facts)) consider(u.value, u.path);
  // Bound only inside branches (`if faiss: ... idx = ... else: _, idx = torch.topk(...)`): the last branch's binding, the
  // one the reader of the code sees last.
  return last ?? lastAnywhere;
}

/**
 * value sits in one branch of an `if` and `at` in another (`if isinstance(m, Tensor): m = torch.tensor(m) ... elif ...: for x
 * in m`): the binding never runs before `at`.
 */
function inOtherBranch(value: Node, at: Node): boolean {
  for (let n: Node | null = value.parent; n; n = n.parent) {
    if (n.type !== 'if_statement' || n.endIndex < at.endIndex) continue;
    // The innermost `if` holding both: its consequence, each `elif` and the `else` are the branches.
    const branches = [n.childForFieldName('consequence'), ...n.childrenForFieldName('alternative')].filter((b): b is Node => b !== null);
    const branchOf = (x: Node) => branches.findIndex((b) => b.startIndex <= x.startIndex && x.endIndex <= b.endIndex);
    const mine = branchOf(value);
    const theirs = branchOf(at);
    return mine >= 0 && theirs >= 0 && mine !== theirs;
  }
  return false;
}

/** torch functions that join a sequence of tensors into one. */
const JOINS = /^torch\.(?:cat|concat|concatenate|stack|hstack|vstack)$/;

/**
 * `torch.cat(labels)` where every tensor put in the list is on the host: a list display of such tensors, or a name bound
 * to an empty list in the function (or module) whose only changes are `labels.append(y.cpu())` calls there (copies to the
 * host, or tensors known to be on it). A list changed otherwise (`extend`, `+=`, an item set) is not followed.
 */
function joinedOnHost(list: Node, at: Node, facts: FileFacts, depth: number): boolean {
  if (list.type === 'list') {
    const items = list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    return items.length > 0 && items.every((item) => onHost(item, at, facts, depth));
  }
  if (list.type !== 'identifier') return false;
  const binding = lastBindingOnPath(list.text, at, facts);
  if (!binding || binding.path || binding.value.type !== 'list' || binding.value.namedChildCount > 0) return false;
  const scope = enclosingFunctionDef(binding.value)?.childForFieldName('body') ?? rootOf(binding.value);
  let appended = 0;
  for (const id of occurrences(scope, list.text)) {
    // Between the empty list and the statement that joins it (`labels = torch.cat(labels)` rebinds the name to the join).
    if (id.startIndex < binding.value.endIndex || id.startIndex >= statementOf(at).startIndex || !withinOwnScope(id, scope)) continue;
    const attr = id.parent;
    const method = attr?.type === 'attribute' && attr.childForFieldName('object')?.equals(id) ? attr.childForFieldName('attribute')?.text : null;
    const call = method ? attr!.parent : null;
    if (method === 'append' && call?.type === 'call') {
      const arg = positionalArguments(call);
      if (arg.length !== 1 || !onHost(arg[0], call, facts, depth)) return false;
      appended++;
      continue;
    }
    // Only reads that leave the list as it is: `len(labels)`, the join itself.
    if (method && /^(?:extend|insert|__setitem__|__iadd__)$/.test(method)) return false;
    const parent = id.parent;
    if ((parent?.type === 'augmented_assignment' || parent?.type === 'assignment') && parent.childForFieldName('left')?.equals(id)) return false;
    if (parent?.type === 'subscript' && parent.parent?.type === 'assignment' && parent.parent.childForFieldName('left')?.equals(parent)) return false;
  }
  return appended > 0;
}

/** `y.cpu()`, `y.detach().cpu()`, `y.to("cpu")` (a copy to the host, whatever `y` was), or a tensor known to be on the host. */
function onHost(expr: Node, at: Node, facts: FileFacts, depth: number): boolean {
  const fn = expr.type === 'call' ? expr.childForFieldName('function') : null;
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
  if (method === 'cpu' && positionalArguments(expr).length === 0) return true;
  if (method === 'to' && positionalArguments(expr).some((a) => /^["']cpu["']$/.test(a.text))) return true;
  return tensorAt(expr, at, facts, depth + 1) === 'cpu';
}

/**
 * `'cpu'` when every `return` of the file's function `name` (the last def above `call`, else the only one) gives a
 * tensor known to be on the host, or (with `part`) a tuple whose element at `part` is one. Null otherwise: what a
 * function returns is followed only to learn that it is on the host, so nothing else changes for unknown functions.
 */
function returnedOnHost(name: string, call: Node, part: number | null, facts: FileFacts, depth: number): Placement | null {
  if (depth > 4) return null;
  const defs = definitionsNamed(facts, 'function_definition', name);
  const def = defs.filter((d) => d.startIndex < call.startIndex).at(-1) ?? (defs.length === 1 ? defs[0] : null);
  const body = def?.childForFieldName('body');
  if (!def || !body || (def.parent?.type === 'block' && def.parent.parent?.type === 'class_definition')) return null;
  const returns = ownReturnStatements(body);
  if (returns.length === 0) return null;
  const host = returns.every((ret) => {
    let value = ret.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null;
    if (value && part !== null) {
      const items =
        value.type === 'expression_list' || value.type === 'tuple' ? value.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
      value = items[part] ?? null;
    }
    return !!value && tensorAt(value, ret, facts, depth + 1) === 'cpu';
  });
  return host ? 'cpu' : null;
}

/** The statement that holds `node` (the node itself outside one). */
function statementOf(node: Node): Node {
  for (let n: Node | null = node; n; n = n.parent) if (n.type.endsWith('statement')) return n;
  return node;
}

function rootOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}
