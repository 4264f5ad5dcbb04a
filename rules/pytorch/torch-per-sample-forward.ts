import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  ifBranchesAround,
  bindersSpelling,
  callArguments,
  chainRoot,
  definitionOf,
  enclosingFunctionDef,
  enclosingLoop,
  FileFacts,
  findDescendants,
  identifiersSpelledInFile,
  isNestedScope,
  isTestCode,
  isTestFile,
  keywordValue,
  parameterNames,
  positionalArguments,
  targetNames,
  valuesAssignedTo,
  unwrapIterable,
} from '../../server/analysis';

const MODEL_ATTR = /model|net|encoder|decoder|backbone|classifier|module|policy|forward/i;
/** Names of the file's own functions that run a model: `predict(x)`, `run_inference(x)`, `embed(x)`. */
const MODEL_FUNCTION = /predict|infer|embed/i;

export default defineRule({
  id: 'torch-per-sample-forward',
  title: 'The model is called once per sample in a Python loop',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message: 'The model runs once per sample (a batch of one); stack the samples and make one batched call',
  docs: {
    why:
      'Each forward pass has a fixed cost (Python dispatch, kernel launches, small matrix products that leave the ' +
      'GPU mostly idle). Adding a batch dimension of one to every sample (`x.unsqueeze(0)`, `x[None]`, ' +
      '`X[i:i+1]`) and looping pays that cost per sample; one batched call amortises it and keeps the device busy.',
    instead:
      'Stack the samples into one tensor and call the model once (`model(torch.stack(samples))`), or iterate ' +
      'over batches of a DataLoader. Split very large inputs into chunks rather than single samples.',
    example: {
      before: 'preds = [model(x.unsqueeze(0)) for x in samples]',
      after: 'preds = model(torch.stack(samples))',
    },
  },
  query: `
(call
  function: (attribute object: (_) @sample attribute: (identifier) @m)
  arguments: (argument_list . [(integer) @one (keyword_argument value: (integer) @one)] .)
  (#eq? @m "unsqueeze")
  (#eq? @one "0")) @single
(call
  function: (attribute object: (identifier) @torch attribute: (identifier) @m)
  arguments: (argument_list . [(identifier) (subscript) (attribute) (call)] @sample . [(integer) @one (keyword_argument value: (integer) @one)] .)
  (#eq? @m "unsqueeze")
  (#eq? @one "0")) @single
(call
  function: (attribute object: (_) @sample attribute: (identifier) @m)
  arguments: (argument_list . (integer) @one)
  (#any-of? @m "view" "reshape")
  (#eq? @one "1")) @single
(subscript value: (_) @sample . subscript: (none)) @single
(subscript value: (_) @sample subscript: (slice . (identifier) @i . (binary_operator left: (identifier) @i2 right: (integer) @one))
  (#eq? @one "1")) @single`,
  check(m, ctx) {
    const single = m.need('single');
    const sample = m.need('sample');
    const i = m.get('i');
    if (i && i.text !== m.need('i2').text) return;
    // `ids[:, t:t + 1]`: a slice of another axis (a token position), not one sample of the batch.
    if (single.type === 'subscript' && single.childrenForFieldName('subscript').length !== 1) return;
    // Tests compare one-sample calls with batched ones on purpose.
    if (isTestFile(ctx.filePath) || isTestCode(single)) return;
    // The one-sample batch (possibly through `.to(device)`, `.float()`, ...) must be an argument of a model call.
    let arg = single;
    while (arg.parent?.type === 'attribute' && arg.parent.parent?.type === 'call' && arg.parent.parent.childForFieldName('function')?.equals(arg.parent)) {
      arg = arg.parent.parent;
    }
    // `torch.unsqueeze(x, 0)`: the function form, only when it is torch's.
    if (m.get('torch') && ctx.facts.calleeName(single) !== 'torch.unsqueeze') return;
    const call = arg.parent?.type === 'argument_list' ? arg.parent.parent : modelCallOfBoundBatch(arg, ctx.facts);
    if (call?.type !== 'call' || !isModelCallee(call.childForFieldName('function'), ctx.facts)) return;
    const loop = perSampleLoop(single, sample, i?.text ?? null, ctx.facts);
    if (!loop || !batchable(call, arg, loop.node)) return;
    // pixel-nerf's `for rays in torch.split(all_rays, ray_batch_size): render_par(rays[None])`: each item is a chunk of
    // thousands of rays, split on purpose to bound GPU memory, not one sample (review48: all three judged wrong).
    if (iteratesChunks(loop.node, ctx.facts)) return;
    // avalanche's GSS: `model.zero_grad()`, a loss on `model.forward(x.unsqueeze(0))`, `loss.backward()`, then the sample's
    // gradient read: one gradient per sample, which one batched forward (a summed gradient) cannot give (review46).
    if (perSampleGradients(loop.node)) return;
    if (slicedToOwnLength(sample, loop.node) || takesOwnLengthSlice(call, loop.node) || inInnerLoop(call, loop.node)) return;
    if (calleePerItem(call.childForFieldName('function')!, loop.node)) return;
    if (perItemArguments(call, arg, loop.node, ctx.facts)) return;
    // mmfewshot's `for i in range(n_support): if support_labels[i] == query_label: self._bbox_forward(rois, feat[i].unsqueeze(0))`:
    // the call runs for the item that matches a value picked outside the loop (a conditioning vector for a slice of many
    // RoIs), not once per item; judged wrong in review41.
    if (selectsMatchingItem(call, loop.node)) return;
    // kornia's `if isinstance(images, list): [self.model(image[None])[0] for image in images] else: self.model(images)`: the
    // list path is there for items of different sizes, which cannot be stacked; the batched path is the other branch.
    if (underListBranch(loop.node)) return;
    // stable-ts' `if single_batch: torch.cat([model(mel.unsqueeze(0), ...) for mel in mel_segments]) else: model(mel_segments, ...)`:
    // the one-at-a-time path is an option (to bound memory) beside the batched call, which the other branch already makes
    // (review51: judged wrong by both reviewers).
    if (batchedInOtherBranch(loop.node, call)) return;
    // boltz's `if run_sequentially: for i in range(n): out.append(self.forward(..., x[i : i + 1], ...))` inside `forward`:
    // the function is itself the batched call, and it splits its own batch on purpose (to bound memory); blind review39
    // judged both such findings wrong.
    if (callsItself(call)) return;
    // pixel2style2pixel's `run_on_batch(inputs, net)`, whose every call in the file passes `image.unsqueeze(0)` as
    // `inputs`: the loop over it runs once, there is nothing to stack (judged wrong in review40).
    if (loopsOverOneSampleParameter(loop.node, ctx.facts)) return;
    const fn = call.childForFieldName('function')!;
    const low =
      // pytorch-metric-learning's `label_comparison_fn(label_a, reference_labels)` (a parameter), stanza's namedtuple: the two
      // shown findings on a bare name that does not say "model" were judged noise and wrong.
      (fn.type === 'identifier' && !knownModel(fn, ctx.facts) ? `\`${fn.text}\` is not known to be a model` : undefined) ??
      // llmware's `{data_type: self.model(t.unsqueeze(0)) for data_type, t in input_tensors.items()}`: entries of a mapping
      // are named inputs (one per modality, judged wrong in review40), often of different shapes, not samples of one batch.
      mappingEntriesReason(loop.node);
    ctx.report({
      node: call,
      message: `\`${fn.text}(...)\` runs once per item of \`${loop.items}\` with a batch of one; stack the samples and make one batched call`,
      ...(low ? { lowImpact: low } : {}),
    });
  },
});

/**
 * `x = torch.unsqueeze(sample, 0).to(device)` as a statement of the loop body, then `model(x)` in a
 * later statement of the same body before x is bound again: the model call that gets the batch of one.
 */
function modelCallOfBoundBatch(value: Node, facts: FileFacts): Node | null {
  const assignment = value.parent;
  const left = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(value) ? assignment.childForFieldName('left') : null;
  const stmt = assignment?.parent;
  if (left?.type !== 'identifier' || stmt?.type !== 'expression_statement' || stmt.parent?.type !== 'block') return null;
  const name = left.text;
  for (let next = stmt.nextNamedSibling; next; next = next.nextNamedSibling) {
    // Bound again in this statement (or a block nested in it): calls after that see another value. A `for x in
    // x.chunk(n)` binds before its body runs; `x = f(x)` after its right side.
    const rebound = Math.min(...findDescendants(next, (n) => n.type === 'identifier' && n.text === name, isNestedScope).map((n) => boundFrom(n) ?? Infinity));
    const calls = findDescendants(next, (n) => n.type === 'call', isNestedScope);
    const call = calls.find(
      (c) =>
        c.endIndex <= rebound &&
        isModelCallee(c.childForFieldName('function'), facts) &&
        (c.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'identifier' && a.text === name) ?? false),
    );
    if (call) return call;
    // What the model sees from here on is no longer the batch of one.
    if (rebound !== Infinity) return null;
  }
  return null;
}

/** Where id, as a binding target, takes its new value: the end of its assignment, or a for loop's target itself. Null for a read. */
function boundFrom(id: Node): number | null {
  for (let n: Node = id; n.parent; n = n.parent) {
    const p: Node = n.parent;
    if ((p.type === 'assignment' || p.type === 'augmented_assignment' || p.type === 'for_statement') && p.childForFieldName('left')?.equals(n)) {
      return p.type === 'for_statement' ? id.startIndex : p.endIndex;
    }
    if (p.type !== 'pattern_list' && p.type !== 'tuple_pattern' && p.type !== 'list_pattern') return null;
  }
  return null;
}

function isModelCallee(fn: Node | null, facts: FileFacts): boolean {
  if (!fn) return false;
  // `loss(y_hat[None], y[None])` per plotted target (pytorch-forecasting): a loss or metric, not a forward pass, and each
  // item's own value is what the caller wants.
  const name = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn.text;
  if (name && LOSS_NAME.test(name)) return false;
  if (fn.type === 'identifier') {
    // An imported name (`from ..modules import WavCondition`, a container class) is not known to be a model.
    if (facts.importsName(fn.text)) return false;
    // A class of this file is constructed, not run; a function of this file runs a model only if its name says so
    // (`run_model`, `predict`): `flow_warp(frame[i : i + 1], flow)` is a cheap tensor op, not a forward pass.
    const definition = moduleDefinition(fn.text, facts);
    if (definition) return definition.type === 'function_definition' && (MODEL_ATTR.test(fn.text) || MODEL_FUNCTION.test(fn.text));
    // `Constituent = namedtuple(...)` (stanza): calling it packs values into a record, no forward pass.
    if (moduleValues(fn.text, facts).some(isRecordFactory)) return false;
    return !['print', 'len', 'list', 'tuple', 'float', 'int', 'str', 'repr', 'sum', 'max', 'min', 'sorted', 'isinstance', 'type'].includes(fn.text);
  }
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const attr = fn.childForFieldName('attribute')?.text ?? '';
    if (obj?.type === 'identifier' && facts.binding(obj.text)) return false; // torch.stack, np.array, F.softmax
    return MODEL_ATTR.test(attr);
  }
  return false;
}

/** What binds a name in a loop body: assignments, unpackings, inner loops, walrus. */
const BINDERS: ReadonlySet<string> = new Set(['assignment', 'augmented_assignment', 'for_statement', 'named_expression']);

/**
 * The callee is another module on each pass: the loop's item itself (`for prior in self.priors`), or a name the body
 * binds from it (`decoder = self.decoders[level]`). Jukebox's VQ-VAE runs each level's decoder on that level's code
 * (`decoder(xs_quantised[level:level + 1])`): one call per module of a ModuleList, not one model run per sample, and
 * the calls cannot be one batched call.
 */
function calleePerItem(fn: Node, loop: Node): boolean {
  const root = chainRoot(fn);
  if (!root) return false;
  const items = loopTargets(loop);
  if (items.includes(root.text)) return true;
  const body = loop.childForFieldName('body');
  if (!body || loop.type === 'while_statement') return false;
  return bindersSpelling(body, root.text, BINDERS).some((b) => {
    const value = b.type === 'assignment' ? b.childForFieldName('right') : null;
    // An unpacking, an inner loop or a walrus: a value this does not follow, so not known to be one model.
    if (!value) return true;
    const read = value.type === 'identifier' ? [value] : findDescendants(value, (n) => n.type === 'identifier', isNestedScope);
    return read.some((id) => items.includes(id.text));
  });
}

/**
 * face-alignment's `get_preds_fromhm(out[i:i + 1], center[i], scale[i])` after one batched forward: a function not known
 * to be a model, handed besides the one-sample batch other values indexed by the loop's own index. They are per-item
 * parameters a batched call would need as well, which marks post-processing of each item rather than a forward pass.
 * Models (`self.model(x[i:i + 1], h[i])`, a name that says model) are left to the rule.
 */
function perItemArguments(call: Node, input: Node, loop: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier' || knownModel(fn, facts)) return false;
  const items = loopTargets(loop);
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => {
    const value = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    if (!value || value.equals(input)) return false;
    // `center, scale = centers[i], scales[i]` a line above the call, as face-alignment writes it.
    if (value.type === 'identifier') return boundPerItem(value.text, loop, items);
    return indexedByItem(value, items);
  });
}

/** `values[i]` where `i` is one of the loop's own names. */
function indexedByItem(value: Node | null, items: readonly string[]): boolean {
  if (value?.type !== 'subscript') return false;
  const keys = value.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  return keys.length === 1 && keys[0]!.type === 'identifier' && items.includes(keys[0]!.text);
}

/** The loop's body binds `name` (alone, or in a tuple of as many values) to a value indexed by the loop's own name. */
function boundPerItem(name: string, loop: Node, items: readonly string[]): boolean {
  const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : null;
  for (const statement of body?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier') {
      if (left.text === name) return indexedByItem(right, items);
      continue;
    }
    if ((left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') || right?.type !== 'expression_list') continue;
    const targets = left.namedChildren;
    const values = right.namedChildren;
    const at = targets.findIndex((t) => t?.type === 'identifier' && t.text === name);
    if (at !== -1 && targets.length === values.length) return indexedByItem(values[at] ?? null, items);
  }
  return false;
}

/**
 * The call sits under an `if` in the loop whose condition is an equality of something read per item (`labels[i]`, `x`)
 * with something the loop's names do not reach: it runs for the matching items only (usually one), a lookup.
 */
function selectsMatchingItem(call: Node, loop: Node): boolean {
  const items = new Set(loopTargets(loop));
  const readsItem = (n: Node) =>
    (n.type === 'identifier' && items.has(n.text)) || findDescendants(n, (d) => d.type === 'identifier' && items.has(d.text)).length > 0;
  for (const { condition: cond } of ifBranchesAround(call, (n) => n.equals(loop))) {
    const ops = cond.type === 'comparison_operator' ? cond.children.filter((c) => c && !c.isNamed).map((c) => c!.type) : [];
    const operands = cond.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (ops.length !== 1 || ops[0] !== '==' || operands.length !== 2) continue;
    // `valid[i] == 1` filters by a constant (every valid item runs): only a value the code picked elsewhere is a lookup.
    const other = readsItem(operands[0]) ? operands[1] : operands[0];
    if (readsItem(operands[0]) !== readsItem(operands[1]) && !LITERAL.test(other.type)) return true;
  }
  return false;
}

const LITERAL = /^(integer|float|string|true|false|none|unary_operator|concatenated_string)$/;

/** The names a loop or comprehension binds per item (every `for` clause of a comprehension). */
function loopTargets(loop: Node): string[] {
  const clauses = loop.type === 'for_statement' ? [loop] : loop.namedChildren.filter((c) => c?.type === 'for_in_clause');
  return clauses.flatMap((c) => {
    const left = c?.childForFieldName('left');
    return left ? targetNames(left) : [];
  });
}

const LOSS_NAME = /(^|_)(loss|losses|criterion|metric|metrics|score)(_fn|_func)?$/i;

/** The loop sits in the branch of an `isinstance(x, list)` (or tuple) test: a path for a list of differently sized items. */
function underListBranch(loop: Node): boolean {
  let child = loop;
  for (let n = loop.parent; n && n.type !== 'function_definition' && n.type !== 'module'; child = n, n = n.parent) {
    if ((n.type === 'if_statement' || n.type === 'elif_clause') && n.childForFieldName('consequence')?.equals(child)) {
      if (/\bisinstance\s*\([^)]*\b(list|tuple)\b/.test(n.childForFieldName('condition')?.text ?? '')) return true;
    }
  }
  return false;
}

/** The loop sits in an `if` branch whose `else` (or an `elif`) calls the same callee: the batched path is the other branch. */
function batchedInOtherBranch(loop: Node, call: Node): boolean {
  const callee = call.childForFieldName('function')?.text;
  if (!callee) return false;
  let child = loop;
  for (let n = loop.parent; n && n.type !== 'function_definition' && n.type !== 'module'; child = n, n = n.parent) {
    if (n.type !== 'if_statement' || !n.childForFieldName('consequence')?.equals(child)) continue;
    const others = n.childrenForFieldName('alternative');
    return others.some((branch) => callsWithin(branch).some((c) => c.childForFieldName('function')?.text === callee));
  }
  return false;
}

/** The calls in a subtree (not analysis' callsOf, which finds a definition's callers). */
function callsWithin(node: Node): Node[] {
  return node.descendantsOfType('call').filter((c): c is Node => c !== null);
}

/**
 * The call runs the function it sits in: `self.forward(...)` inside `def forward`, or `f(...)` inside `def f`. The
 * function takes whole batches (that is how its callers call it), so a loop of it over one-sample slices of its own
 * input is a deliberate split, not a missed batch.
 */
function callsItself(call: Node): boolean {
  const fn = call.childForFieldName('function');
  const def = enclosingFunctionDef(call);
  const name = def?.childForFieldName('name')?.text;
  if (!fn || !name) return false;
  if (fn.type === 'identifier') return fn.text === name;
  return fn.type === 'attribute' && fn.childForFieldName('object')?.text === 'self' && fn.childForFieldName('attribute')?.text === name;
}

/** What builds or loads a model: `ResNet(...)`, `nn.Sequential(...)`, `models.resnet50()`, `AutoModel.from_pretrained(...)`, `torch.jit.load(...)`. */
const MODEL_FACTORY = /module|sequential|net|model|from_pretrained|jit\.load/i;

/**
 * A bare callee the file shows to be a model: its name says so (`model`, `net`, `encoder`), or a value assigned to it in
 * its scope or at module level is built by a model factory.
 */
function knownModel(fn: Node, facts: FileFacts): boolean {
  if (MODEL_ATTR.test(fn.text)) return true;
  const values = [...valuesAssignedTo(fn.text, fn, facts), ...moduleValues(fn.text, facts)];
  return values.some((v) => v.type === 'call' && MODEL_FACTORY.test(v.childForFieldName('function')?.text ?? ''));
}

/** Right-hand sides of the module-level assignments `name = <value>` of this file. */
function moduleValues(name: string, facts: FileFacts): Node[] {
  const values: Node[] = [];
  for (const stmt of facts.root.namedChildren) {
    const assignment = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.text !== name) continue;
    const value = assignment.childForFieldName('right');
    if (value) values.push(value);
  }
  return values;
}

const RECORD_FACTORY = /(^|\.)(namedtuple|NamedTuple|make_dataclass|TypedDict|SimpleNamespace)$/;

/** `namedtuple("Constituent", [...])`, `typing.NamedTuple(...)`, `make_dataclass(...)`: a record type, not a model. */
function isRecordFactory(value: Node): boolean {
  return value.type === 'call' && RECORD_FACTORY.test(value.childForFieldName('function')?.text ?? '');
}

/** The module-level def or class of this file named `name` (the last one, as Python binds it), or null. */
function moduleDefinition(name: string, facts: FileFacts): Node | null {
  let found: Node | null = null;
  for (const stmt of facts.root.namedChildren) {
    const definition = stmt ? definitionOf(stmt) : null;
    if ((definition?.type === 'function_definition' || definition?.type === 'class_definition') && definition.childForFieldName('name')?.text === name)
      found = definition;
  }
  return found;
}

/**
 * The iterable (as text) of the innermost loop or comprehension that yields the sample: the
 * sample is the loop variable (`for x in samples`) or `xs[i]` / `X[i:i+1]` with `i` the loop index.
 */
function perSampleLoop(single: Node, sample: Node, sliceIndex: string | null, facts: FileFacts): { node: Node; items: string } | null {
  const loop = enclosingLoop(single, true);
  if (!loop) return null;
  let left: Node | null = null;
  let right: Node | null = null;
  if (loop.type === 'for_statement') {
    left = loop.childForFieldName('left');
    right = loop.childForFieldName('right');
  } else if (loop.type !== 'while_statement') {
    const clause = loop.namedChildren.find((c) => c?.type === 'for_in_clause') ?? null;
    left = clause?.childForFieldName('left') ?? null;
    right = clause?.childForFieldName('right') ?? null;
  }
  if (!left || !right) return null;
  const names = targetNames(left);
  const isRange = right.type === 'call' && right.childForFieldName('function')?.text === 'range' && facts.isBuiltin('range', right);
  let items: string | null = null;
  if (sliceIndex !== null) items = names.includes(sliceIndex) && isRange ? sample.text : null;
  else if (sample.type === 'identifier') items = names.includes(sample.text) && !isRange ? right.text : null;
  else if (sample.type === 'subscript') {
    const index = sample.childForFieldName('subscript');
    const value = sample.childForFieldName('value');
    if (index?.type === 'identifier' && names.includes(index.text) && isRange && value) items = value.text;
  }
  return items === null ? null : { node: loop, items };
}

/** `torch.split(x, n)`, `x.chunk(k)`, `torch.tensor_split(...)`: pieces of a tensor, each holding many rows. */
const CHUNKING_CALL = /(?:^|\.)(?:split|chunk|tensor_split|array_split)$/;

function isChunkingCall(value: Node | null | undefined): boolean {
  return value?.type === 'call' && CHUNKING_CALL.test(value.childForFieldName('function')?.text ?? '');
}

/**
 * The loop walks the chunks of a tensor: its iterable is a `split`/`chunk` call, or a name bound to one
 * (`rays_spl = torch.split(all_rays, ray_batch_size)`). A chunk is a batch already; the loop bounds memory.
 */
function iteratesChunks(loop: Node, facts: FileFacts): boolean {
  const clause = loop.type === 'for_statement' ? loop : loop.namedChildren.find((c) => c?.type === 'for_in_clause');
  const iterable = clause?.childForFieldName('right');
  if (!iterable) return false;
  // `tqdm(chunks)`, `enumerate(chunks)`, `list(chunks)`: the same chunks.
  let right = unwrapIterable(iterable, facts).inner;
  const listed = right.type === 'call' && /^(?:list|tuple)$/.test(right.childForFieldName('function')?.text ?? '') ? positionalArguments(right)[0] : null;
  if (listed) right = unwrapIterable(listed, facts).inner;
  if (isChunkingCall(right)) return true;
  if (right.type !== 'identifier') return false;
  return [...valuesAssignedTo(right.text, right, facts), ...moduleValues(right.text, facts)].some(isChunkingCall);
}

/** `torch.autograd.grad(...)`: the gradient of this pass's output, returned to the pass. */
const AUTOGRAD_GRAD = /\bautograd\.grad\s*\(/;
/** What makes a backward's gradient the pass's own: reset (`zero_grad`), read (`.grad`) or stepped on (`opt.step()`). */
const GRADIENT_PER_PASS = /\bzero_grad\s*\(|\.grad\b|\.step\s*\(/;

/**
 * Each pass differentiates its own sample: the body calls `autograd.grad`, or runs a backward and resets, reads or steps on the
 * gradients, so every sample gets a gradient of its own (per-sample gradient scores, per-sample SGD). A batched forward
 * gives one summed gradient. Backward alone, accumulating over the loop, is left reported: the sum is what a batch gives.
 */
function perSampleGradients(loop: Node): boolean {
  const body = loop.type === 'for_statement' || loop.type === 'while_statement' ? loop.childForFieldName('body') : null;
  if (!body) return false;
  return AUTOGRAD_GRAD.test(body.text) || (/\.backward\s*\(/.test(body.text) && GRADIENT_PER_PASS.test(body.text));
}

/**
 * The per-sample calls could be one batched call: each call's result is used (a call made for its side effect, such as
 * hooks that record each sample's attention maps, would record one batch instead), no input of a call is what an
 * earlier pass of the loop wrote (`latent[i + 1] = f(latent[i : i + 1])`, `out, h = cell(x[i : i + 1], h)`: a
 * recurrence), and the loop does not free GPU memory between calls (`torch.cuda.empty_cache()`: the chunks of one long
 * input are run one at a time to bound memory). `input` is the one-sample batch: the call's argument, or the value of
 * the statement that binds it before the call (`step = tokens[t].unsqueeze(0)`), whose names count as inputs too.
 */
function batchable(call: Node, input: Node, loop: Node): boolean {
  let used: Node = call;
  while (used.parent?.type === 'attribute' && used.parent.childForFieldName('object')?.equals(used)) used = used.parent;
  if (used.parent?.type === 'expression_statement') return false;
  const body = loop.type === 'for_statement' || loop.type === 'while_statement' ? loop.childForFieldName('body') : null;
  if (!body) return true;
  if (/\bempty_cache\s*\(/.test(body.text)) return false;
  const args = call.childForFieldName('arguments');
  // Autoregressive decoding (review36, wenet-style): `step = tokens[t].unsqueeze(0)`, `logits = model.decoder(step, memory)`,
  // `tokens[t + 1] = logits.argmax(-1)`: the bound batch reads what the pass wrote after its call, so the steps cannot be one call.
  const reads = [...(args ? [args] : []), ...(input.startIndex < call.startIndex ? [input] : [])];
  return !loopCarried(reads, call.endIndex, body);
}

/**
 * StyleTTS2's `d_en[bib, :, :input_lengths[bib]].unsqueeze(0)` (or `x[bib, :, :n]` after `n = int(lengths[bib])` in the
 * body): each item is cut to its own length before the call. Pieces of different lengths cannot be stacked without
 * padding, and padding changes what the model computes, so the per-item calls are the right form.
 */
function slicedToOwnLength(sample: Node, loop: Node): boolean {
  if (sample.type !== 'subscript') return false;
  const items = loopTargets(loop);
  const slices = sample.childrenForFieldName('subscript').filter((k): k is Node => k?.type === 'slice');
  return slices.some((slice) =>
    findDescendants(slice, (n) => n.type === 'subscript' || n.type === 'identifier', isNestedScope).some((n) =>
      n.type === 'subscript' ? readsItemIndexed(n, items) : boundFromItemIndexed(n.text, loop, items),
    ),
  );
}

/**
 * Another argument of the call is an item cut to its own length (`encoder(x[i, :, :lengths[i]].unsqueeze(0),
 * lengths[i, ...].unsqueeze(0))`): the call's one-sample batch of the lengths goes with it, and the same holds.
 */
function takesOwnLengthSlice(call: Node, loop: Node): boolean {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => {
    let value = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    // CosyVoice's `prompt_feat = feats[i:i + 1, :lens[i]]` a line above `self.forward_stream(..., prompt_feat, ...)`
    // (judged wrong in review40): the name bound in the loop's body to the cut item.
    if (value?.type === 'identifier') value = loopBodyValue(value.text, loop) ?? value;
    // `x[i, :n].unsqueeze(0).to(device)`: down the method chain to the subscript.
    while (value?.type === 'call' && value.childForFieldName('function')?.type === 'attribute') {
      value = value.childForFieldName('function')!.childForFieldName('object');
    }
    return !!value && slicedToOwnLength(value, loop);
  });
}

/** The value a statement of the loop's body assigns to `name` (the last such plain assignment), or null. */
function loopBodyValue(name: string, loop: Node): Node | null {
  const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : null;
  let value: Node | null = null;
  for (const statement of body?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === name) value = assignment.childForFieldName('right');
  }
  return value;
}

/** The loop's iterable with an `enumerate(...)` around it taken off. */
function iterableOf(loop: Node, facts: FileFacts): Node | null {
  const clause = loop.type === 'for_statement' ? loop : (loop.namedChildren.find((c) => c?.type === 'for_in_clause') ?? null);
  let right = clause?.childForFieldName('right') ?? null;
  if (right?.type === 'call' && right.childForFieldName('function')?.text === 'enumerate' && facts.isBuiltin('enumerate', right))
    right = positionalArguments(right)[0] ?? null;
  return right;
}

/** `x.unsqueeze(0)` or `x[None]`, perhaps moved or cast after (`.to(device).float()`): a batch of one sample. */
function oneSampleBatch(value: Node | null | undefined): boolean {
  while (value?.type === 'call') {
    const fn = value.childForFieldName('function');
    if (fn?.type !== 'attribute') return false;
    if (
      fn.childForFieldName('attribute')?.text === 'unsqueeze' &&
      callArguments(value)
        .map((a) => a.text)
        .join() === '0'
    )
      return true;
    value = fn.childForFieldName('object');
  }
  return value?.type === 'subscript' && value.childrenForFieldName('subscript').length === 1 && value.childForFieldName('subscript')?.type === 'none';
}

/**
 * The loop runs over a parameter of its module-level function, and every call of that function in the file (one at
 * least) passes a batch of one sample for it, by position or by keyword: the loop makes one pass.
 */
function loopsOverOneSampleParameter(loop: Node, facts: FileFacts): boolean {
  const items = iterableOf(loop, facts);
  const def = enclosingFunctionDef(loop);
  const name = def?.childForFieldName('name')?.text;
  if (items?.type !== 'identifier' || !def || !name || def.parent?.type !== 'module') return false;
  const index = parameterNames(def).indexOf(items.text);
  if (index === -1) return false;
  const calls = identifiersSpelledInFile(facts, name).flatMap((id) => {
    const call = id.parent;
    return call?.type === 'call' && call.childForFieldName('function')?.equals(id) ? [call] : [];
  });
  return calls.length > 0 && calls.every((c) => oneSampleBatch(keywordValue(c, items.text) ?? positionalArguments(c)[index]));
}

/** `for key, value in inputs.items()` or `inputs.values()`: the entries of a mapping, each a named input rather than a sample. */
function mappingEntriesReason(loop: Node): string | undefined {
  const clause = loop.type === 'for_statement' ? loop : (loop.namedChildren.find((c) => c?.type === 'for_in_clause') ?? null);
  const right = clause?.childForFieldName('right');
  const fn = right?.type === 'call' ? right.childForFieldName('function') : null;
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if ((method !== 'items' && method !== 'values') || callArguments(right!).length > 0) return undefined;
  return `the loop runs over the entries of a mapping (\`${right!.text}\`), named inputs that may differ in shape and cannot always be stacked`;
}

/** `lengths[i]` or `lengths[i, ...]`: a subscript whose first key is one of the loop's own names. */
function readsItemIndexed(value: Node, items: readonly string[]): boolean {
  const key = value.type === 'subscript' ? value.childForFieldName('subscript') : null;
  return key?.type === 'identifier' && items.includes(key.text);
}

/** The loop's body assigns `name` a value that reads an item-indexed subscript: `n = int(lengths[i].item())`. */
function boundFromItemIndexed(name: string, loop: Node, items: readonly string[]): boolean {
  const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : null;
  return (body?.namedChildren ?? []).some((statement) => {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.text !== name) return false;
    const right = assignment.childForFieldName('right');
    return !!right && [right, ...findDescendants(right, (n) => n.type === 'subscript', isNestedScope)].some((n) => readsItemIndexed(n, items));
  });
}

/**
 * GANcraft's tiled rendering: `cam = cam.unsqueeze(0)` once per frame, then the model runs on each tile of that frame in
 * inner loops (`for strip in range(num_strips): self.render(tile, cam)`). The call runs many times per sample, on
 * pieces of one input cut to bound memory, so stacking the samples is not the change that helps.
 */
function inInnerLoop(call: Node, loop: Node): boolean {
  const inner = enclosingLoop(call, true);
  return !!inner && !inner.equals(loop);
}

/** In-place writes that grow or fill what a name holds: list growth and torch's trailing-underscore methods (`copy_`, `fill_`). */
const GROWS = /^(append|extend|insert)$|^[a-z][a-z0-9_]*[a-z0-9]_$/;

/**
 * A name the `reads` expressions read is written in the loop body by a statement ending at or after `from` (the model
 * call's end: the statement holding the call or a later one): by an assignment, or in place (`tokens[t + 1].copy_(best)`,
 * `hyp.append(best)`). The next pass then reads what this one wrote.
 */
function loopCarried(reads: readonly Node[], from: number, body: Node): boolean {
  const read = new Set(
    reads
      .flatMap((r) => [r, ...findDescendants(r, (n) => n.type === 'identifier' || n.type === 'attribute', isNestedScope)])
      .filter((n) => n.type === 'identifier' || n.type === 'attribute')
      .map((n) => n.text),
  );
  return findDescendants(body, (n) => n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'call', isNestedScope).some((a) => {
    if (a.endIndex < from) return false;
    if (a.type === 'call') {
      const fn = a.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      const receiver = fn?.childForFieldName('object');
      return !!method && !!receiver && GROWS.test(method) && writtenNames(receiver).some((name) => read.has(name));
    }
    const left = a.childForFieldName('left');
    return !!left && writtenNames(left).some((name) => read.has(name));
  });
}

/** What writing to `target` changes: `latent[i + 1 : i + 2]` writes into `latent`; `self.h` is `self.h` (not all of `self`). */
function writtenNames(target: Node): string[] {
  return target.type === 'subscript' ? [chainRoot(target)?.text ?? ''] : target.type === 'attribute' ? [target.text] : targetNames(target);
}
