// Where PyTorch tensors are sent: the device types a `.to(...)` / `.cuda()` destination can stand
// for, read from literals, `torch.device(...)` calls and the assignments of a device variable. Fix
// safety depends on it: pinning memory and `non_blocking=True` are safe to add only on the way to a
// CUDA GPU (on Apple's MPS, a non-blocking copy is known to return wrong values).
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { keywordValue, positionalArguments } from './callArgs';
import { assignmentTarget, bindersSpelling, identifiersSpelledInFile, targetNames } from './names';
import { classOfMethod, contains, enclosingLoop, findDescendants, isNestedScope, parameterNames } from './scopes';
import { classIndex, inheritedBaseNames } from './classIndex';
import { nodeMemo } from './nodeMemo';
import { unwrapIterable, valuesAssignedTo, valuesHereOrGlobal } from './trainingLoop';
import { values } from './values';

/** Statements whose target binds a name in a def's own scope. */
const LOOP_TARGETS: ReadonlySet<string> = new Set(['for_statement', 'named_expression']);

/** A device type: `cuda`, `cpu`, `mps`, `xpu`… as PyTorch spells them. */
export type DeviceType = string;

/** The device type of `torch.accelerator` (PyTorch 2.6+): the machine's accelerator, whichever backend it is. */
export const ACCELERATOR = 'accelerator';
const ACCELERATOR_CALL = 'torch.accelerator.current_accelerator';

/** `torch.cuda.FloatTensor`, `torch.LongTensor`: the pre-1.0 tensor types, whose module tells the device. */
const LEGACY_TENSOR_TYPE = /^torch\.(cuda\.)?(?:Float|Double|Half|BFloat16|Byte|Char|Short|Int|Long|Bool)Tensor$/;

/** How deep device variables are followed (`device = dev`, `dev = torch.device(...)`). */
const MAX_DEPTH = 3;

/**
 * The device types `expr` may name, or null when that cannot be told: a parameter, an attribute
 * (`self.device`), a call other than `torch.device(...)`, a value built at run time.
 */
export function deviceTypes(expr: Node, facts: FileFacts, depth = 0): Set<DeviceType> | null {
  if (depth > MAX_DEPTH) return null;
  switch (expr.type) {
    case 'string':
      return literalDeviceType(expr);
    case 'parenthesized_expression':
      return expr.namedChild(0) ? deviceTypes(expr.namedChild(0)!, facts, depth) : null;
    case 'conditional_expression': {
      // `"cuda" if torch.cuda.is_available() else "cpu"`: either branch.
      const [then, , otherwise] = expr.namedChildren;
      const a = then ? deviceTypes(then, facts, depth) : null;
      const b = otherwise ? deviceTypes(otherwise, facts, depth) : null;
      return a && b ? new Set([...a, ...b]) : null;
    }
    case 'call': {
      // `torch.accelerator.current_accelerator()`: CUDA, XPU, MPS... whichever backend the machine has.
      if (facts.calleeName(expr) === ACCELERATOR_CALL) return new Set([ACCELERATOR]);
      if (facts.calleeName(expr) !== 'torch.device') return null;
      const first = keywordValue(expr, 'type') ?? positionalArguments(expr)[0];
      return first ? deviceTypes(first, facts, depth + 1) : null;
    }
    case 'identifier':
      return variableDeviceTypes(expr, facts, depth);
    case 'attribute': {
      // A legacy tensor type names its device: `x.type(torch.cuda.FloatTensor)` copies to the GPU.
      const legacy = LEGACY_TENSOR_TYPE.exec(expr.text);
      if (legacy) return new Set([legacy[1] ? 'cuda' : 'cpu']);
      // `torch.accelerator.current_accelerator().type`
      const obj = expr.childForFieldName('object');
      return expr.childForFieldName('attribute')?.text === 'type' && obj?.type === 'call' && facts.calleeName(obj) === ACCELERATOR_CALL
        ? new Set([ACCELERATOR])
        : null;
    }
    default:
      return null;
  }
}

/** `"cuda"`, `"cuda:0"`, `f"cuda:{rank}"`, `"mps"`: the part before the colon. */
function literalDeviceType(node: Node): Set<DeviceType> | null {
  const start = node.namedChildren.find((c) => c?.type === 'string_start');
  const first = node.namedChildren.find((c) => c && c.type !== 'string_start');
  if (!start || /[bB]/.test(start.text) || first?.type !== 'string_content') return null;
  const m = /^([a-z_]+)(?::|$)/.exec(first.text);
  if (!m) return null;
  // An f-string must still spell the whole type before its first replacement field.
  const rest = first.nextNamedSibling;
  if (rest && rest.type !== 'string_end' && !first.text.includes(':')) return null;
  return new Set([m[1]]);
}

/** A device variable: every value assigned to it in its scope (or at module level, for a global). */
function variableDeviceTypes(id: Node, facts: FileFacts, depth: number): Set<DeviceType> | null {
  const fn = enclosingDef(id);
  if (fn && parameterNames(fn).includes(id.text)) return null;
  // Not assigned in the function: a module-level global.
  const values = valuesHereOrGlobal(id.text, id, facts);
  if (values.length === 0) return null;
  const out = new Set<DeviceType>();
  for (const v of values) {
    const types = deviceTypes(v, facts, depth + 1);
    if (!types) return null;
    for (const t of types) out.add(t);
  }
  return out;
}

function enclosingDef(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return null;
}

/**
 * True when the destination is demonstrably a CUDA GPU: `.cuda()`, or a `.to(...)` device that names
 * CUDA and at most the CPU besides (`"cuda" if torch.cuda.is_available() else "cpu"`), where the copy
 * options at stake do nothing.
 */
export function isCudaDestination(types: Set<DeviceType> | null): boolean {
  return types !== null && types.has('cuda') && [...types].every((t) => t === 'cuda' || t === 'cpu');
}

/**
 * The device types a transfer call sends to: `x.cuda(...)` → cuda; `x.to(dev, ...)` / `x.to(device=dev)` → dev's;
 * `x.type(torch.cuda.FloatTensor)` → cuda (a `dtype` such as `torch.float32` tells nothing).
 */
export function transferDeviceTypes(call: Node, facts: FileFacts): Set<DeviceType> | null {
  const fn = call.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
  if (method === 'cuda') return new Set(['cuda']);
  if (method !== 'to' && method !== 'type') return null;
  const device = keywordValue(call, method === 'type' ? 'dtype' : 'device') ?? positionalArguments(call)[0];
  return device ? deviceTypes(device, facts) : null;
}

/** The identifier a receiver chain starts from, through subscripts and attributes (`batch["x"]`, `b.input_ids`). */
export function receiverRoot(recv: Node): Node | null {
  for (let n: Node | null = recv; n;) {
    if (n.type === 'identifier') return n;
    if (n.type === 'attribute') n = n.childForFieldName('object');
    else if (n.type === 'subscript') n = n.childForFieldName('value');
    else return null;
  }
  return null;
}

/** Names a for loop binds per batch: its targets, without the index of `enumerate(...)`. */
export function batchNamesOf(loop: Node, facts: FileFacts): string[] {
  const left = loop.childForFieldName('left');
  const right = loop.childForFieldName('right');
  if (!left || !right) return [];
  const { enumerated } = unwrapIterable(right, facts);
  return enumerated && left.namedChildCount >= 2 ? left.namedChildren.slice(1).flatMap((c) => (c ? targetNames(c) : [])) : targetNames(left);
}

/**
 * The for loops that iterate this DataLoader call in its own scope: `for b in DataLoader(...)`, or
 * `loader = DataLoader(...)` then `for b in loader` / `enumerate(loader)` / `tqdm(loader)`.
 */
export function loopsOverLoader(loader: Node, facts: FileFacts): Node[] {
  const assigned = assignmentTarget(loader);
  const name = assigned?.type === 'identifier' ? assigned.text : null;
  const def = enclosingDef(loader);
  const scope = def?.childForFieldName('body') ?? facts.root;
  const local = findDescendants(scope, (n) => n.type === 'for_statement', isNestedScope).filter((loop) => {
    const right = loop.childForFieldName('right');
    if (right === null) return false;
    const inner = unwrapIterable(right, facts).inner;
    return holdsLoader(inner, loader, facts) || wrapsLoader(inner, loader, facts);
  });
  return def || name === null ? local : [...local, ...loopsInFunctionsOverGlobal(name, loader, facts)];
}

/**
 * A script's module-level loader iterated by its functions (`trainloader = DataLoader(...)`, then
 * `def train(): for x, y in trainloader:`): loops in defs that read the global, which the module binds to
 * this loader only and the def does not bind itself (no parameter, assignment or loop target of that name).
 */
function loopsInFunctionsOverGlobal(name: string, loader: Node, facts: FileFacts): Node[] {
  if (!valuesAssignedTo(name, loader, facts).every((v) => v.equals(loader))) return [];
  const loops: Node[] = [];
  for (const id of identifiersSpelledInFile(facts, name)) {
    let loop: Node | null = id.parent;
    for (let depth = 0; loop && depth < 6 && loop.type !== 'for_statement'; depth++)
      loop = /^(argument_list|call|parenthesized_expression)$/.test(loop.type) ? loop.parent : null;
    if (loop?.type !== 'for_statement' || !loop.childForFieldName('right')) continue;
    if (!unwrapIterable(loop.childForFieldName('right')!, facts).inner.equals(id)) continue;
    const fn = enclosingDef(loop);
    if (!fn || parameterNames(fn).includes(name)) continue;
    const body = fn.childForFieldName('body');
    if (!body || valuesAssignedTo(name, loop, facts).length > 0 || bindersSpelling(body, name, LOOP_TARGETS).length > 0) continue;
    loops.push(loop);
  }
  return loops;
}

/**
 * `pbar = tqdm(loader)` then `for batch in pbar` (EfficientAT's trainers, review61): a progress bar (or `enumerate`) kept
 * in a name, bound to that wrapper of this loader only.
 */
function wrapsLoader(expr: Node, loader: Node, facts: FileFacts): boolean {
  if (expr.type !== 'identifier') return false;
  const values = valuesAssignedTo(expr.text, expr, facts);
  return (
    values.length > 0 &&
    values.every((v) => {
      if (v.type !== 'call') return false;
      const inner = unwrapIterable(v, facts).inner;
      return !inner.equals(v) && holdsLoader(inner, loader, facts);
    })
  );
}

/**
 * `.to(...)` / `.cuda(...)` calls in the loop body (nested defs aside) on a batch the loop binds, or on the parts a
 * statement of the body unpacks from it (`x, f, y = batch`, `inputs = data[0]`, `ids = batch["input_ids"]`).
 */
export function batchTransfers(loop: Node, facts: FileFacts): Node[] {
  const names = new Set(batchNamesOf(loop, facts));
  const body = loop.childForFieldName('body');
  if (!body || names.size === 0) return [];
  for (const part of unpackedBatchNames(body, names)) names.add(part);
  return transfersOn(body, names);
}

/** Names the body's own statements bind to a batch or a part of it (subscripts, attributes): no call in between. */
function unpackedBatchNames(body: Node, batch: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const statement of body.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right || !/^(identifier|subscript|attribute)$/.test(right.type)) continue;
    const root = receiverRoot(right);
    if (root && (batch.has(root.text) || out.includes(root.text))) out.push(...targetNames(left));
  }
  return out;
}

/**
 * `.to(...)` / `.cuda(...)` calls on batches a loop takes one at a time from an iterator over this loader:
 * `it = iter(loader)` (or `iter(DataLoader(...))`), then `x, y = next(it)` in a for or while loop of the same scope,
 * the style of trainers that count iterations rather than epochs (RetinaFace, SSD and YOLOv3 ports). A one-batch peek,
 * `next(iter(loader))`, takes no iterator name and is not such a loop.
 */
export function iteratorBatchTransfers(loader: Node, facts: FileFacts): Node[] {
  const scope = enclosingDef(loader)?.childForFieldName('body') ?? facts.root;
  const iterators = iteratorNamesOver(loader, scope, facts);
  if (iterators.size === 0) return [];
  const transfers: Node[] = [];
  for (const fetch of findDescendants(scope, (n) => isNextOn(n, iterators), isNestedScope)) {
    const body = enclosingLoop(fetch)?.childForFieldName('body');
    const target = assignmentTarget(fetch);
    if (body && target) transfers.push(...transfersOn(body, new Set(targetNames(target))));
  }
  return transfers;
}

/** Names bound only to `iter(<this loader>)` in scope (every value they are assigned is such a call). */
function iteratorNamesOver(loader: Node, scope: Node, facts: FileFacts): Set<string> {
  const isIterOverLoader = (value: Node): boolean => {
    if (value.type !== 'call' || value.childForFieldName('function')?.text !== 'iter') return false;
    const args = positionalArguments(value);
    return args.length === 1 && holdsLoader(args[0], loader, facts);
  };
  const names = new Set<string>();
  for (const call of findDescendants(scope, isIterOverLoader, isNestedScope)) {
    const name = assignmentTarget(call);
    if (name?.type === 'identifier' && valuesAssignedTo(name.text, call, facts).every(isIterOverLoader)) names.add(name.text);
  }
  return names;
}

/**
 * `expr` is the loader call itself, or the name it is assigned to where that name holds this loader only (not rebound to
 * another one before `expr` reads it).
 */
function holdsLoader(expr: Node, loader: Node, facts: FileFacts): boolean {
  if (expr.equals(loader)) return true;
  const assigned = assignmentTarget(loader);
  return (
    expr.type === 'identifier' &&
    assigned?.type === 'identifier' &&
    expr.text === assigned.text &&
    valuesAssignedTo(expr.text, expr, facts).every((v) => v.equals(loader))
  );
}

/** `next(it)` on one of the iterator names. */
function isNextOn(node: Node, iterators: ReadonlySet<string>): boolean {
  if (node.type !== 'call' || node.childForFieldName('function')?.text !== 'next') return false;
  const [first] = positionalArguments(node);
  return first?.type === 'identifier' && iterators.has(first.text);
}

/** `.to(...)` / `.cuda(...)` calls in body (nested defs aside) on a value rooted at one of names. */
function transfersOn(body: Node, names: ReadonlySet<string>): Node[] {
  if (names.size === 0) return [];
  return findDescendants(
    body,
    (n) => {
      if (n.type !== 'call') return false;
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute' || !/^(to|cuda|type)$/.test(fn.childForFieldName('attribute')?.text ?? '')) return false;
      const root = receiverRoot(fn.childForFieldName('object')!);
      return root !== null && names.has(root.text);
    },
    isNestedScope,
  );
}

/** Methods an nn.Module runs while it is built or inspected, not on its forward pass. */
const SETUP_METHODS = new Set([
  '__init__',
  '__repr__',
  'extra_repr',
  'reset_parameters',
  '_reset_parameters',
  'init_weights',
  '_init_weights',
  'load_state_dict',
]);

/** How deep callers are followed when asking whether a method runs on a forward pass (`forward` → `decode` → `_step`). */
const MAX_CALLER_DEPTH = 3;

/**
 * Whether the def is a method of an nn.Module subclass that runs on every forward pass: `forward` itself, or a method
 * the file calls (`self.m(...)`, `self.part.m(...)`) from such a method or from a loop. `'forward'` then; `'method'` for
 * another method of a module whose callers the file does not show (called from elsewhere, maybe once); null when the
 * def is no module method or only set the module up (`__init__`, or called only from there).
 */
export function moduleMethodRole(def: Node, facts: FileFacts): 'forward' | 'method' | null {
  return roleMemo(facts, def, () => methodRole(def, facts, 0));
}

const roleMemo = nodeMemo<'forward' | 'method' | null>();

function methodRole(def: Node, facts: FileFacts, depth: number): 'forward' | 'method' | null {
  const name = def.childForFieldName('name')?.text;
  const cls = classOfMethod(def);
  if (!name || !cls || SETUP_METHODS.has(name) || !isTorchModuleClass(cls, facts)) return null;
  if (name === 'forward' || name === '__call__') return 'forward';
  if (depth >= MAX_CALLER_DEPTH) return 'method';
  let called = false;
  for (const id of identifiersSpelledInFile(facts, name)) {
    const call = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent.parent : null;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(id.parent!)) continue;
    called = true;
    if (refreshesCachedState(call)) continue;
    const caller = enclosingDef(call);
    if (caller && !caller.equals(def) && methodRole(caller, facts, depth + 1) === 'forward') return 'forward';
  }
  // Called in the file, but only from setup code (`self._build_grid()` in `__init__`), or again when a setting the module
  // keeps changes: runs once per module and setting.
  return called && onlySetupCallers(name, facts) ? null : 'method';
}

/** Every `x.name(...)` of the file sits in a setup method (`__init__`...) or refreshes cached state (refreshesCachedState). */
function onlySetupCallers(name: string, facts: FileFacts): boolean {
  return identifiersSpelledInFile(facts, name).every((id) => {
    if (id.parent?.type !== 'attribute' || id.parent.parent?.type !== 'call') return true;
    const caller = enclosingDef(id);
    const callerName = caller?.childForFieldName('name')?.text;
    return (!!callerName && SETUP_METHODS.has(callerName)) || refreshesCachedState(id.parent.parent);
  });
}

/**
 * The call sits in an `if` that compares a setting with the module's copy of it and stores the new one
 * (`if resolution != self.resolution: self.resolution = resolution; self.update_fragments()`, mmhuman3d's UV renderer,
 * review66 judged "on every forward pass" wrong): it rebuilds cached state only when the setting changes.
 */
function refreshesCachedState(call: Node): boolean {
  for (let n = call.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (n.type !== 'if_statement') continue;
    const condition = n.childForFieldName('condition');
    const body = n.childForFieldName('consequence');
    if (!condition || !body || !contains(body, call)) continue;
    const changeTest = (c: Node) => c.type === 'comparison_operator' && /!=|\bis\s+not\b/.test(c.text);
    const compared = [condition, ...findDescendants(condition, changeTest)]
      .filter(changeTest)
      .flatMap((c) => findDescendants(c, (a) => a.type === 'attribute' && a.childForFieldName('object')?.text === 'self'))
      .map((a) => a.text);
    const stored = findDescendants(body, (a) => a.type === 'assignment' && compared.includes(a.childForFieldName('left')?.text ?? ''));
    if (stored.length > 0) return true;
  }
  return false;
}

/**
 * Library classes that are `torch.nn.Module`s themselves, whose subclasses define `forward`: PyTorch Geometric's
 * `MessagePassing`, the base of every graph convolution (qagnn's GATConvE, review72's hunt).
 */
const LIBRARY_MODULE_BASES = new Set([
  'torch.nn.Module',
  'torch.nn.modules.module.Module',
  'torch_geometric.nn.MessagePassing',
  'torch_geometric.nn.conv.MessagePassing',
  'torch_geometric.nn.conv.message_passing.MessagePassing',
]);

/** A class whose bases include `torch.nn.Module`, directly or through classes of the file or imported from the workspace. */
export function isTorchModuleClass(cls: Node, facts: FileFacts): boolean {
  if (!classIndex(facts).info(cls)) return false;
  for (const name of inheritedBaseNames(cls, facts)) if (LIBRARY_MODULE_BASES.has(name)) return true;
  // A base imported from the workspace (`from models import BaseVAE`): the value layer reads the module defining it.
  return values(facts).classInstance(cls)?.kind === 'module';
}
