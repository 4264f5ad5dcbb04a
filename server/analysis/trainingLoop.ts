// The shared notion of a deep-learning training loop, computed once per file (memoised per
// FileFacts) so every PyTorch and TensorFlow rule agrees on what "every step of training" means.
//
// A loop (for/while) is a TRAINING loop ('train') when, directly in its body (not in a nested loop
// or def), it:
//   - calls `<x>.backward(...)` (loss.backward(), scaler.scale(loss).backward(), accelerator.backward(loss));
//   - steps an optimizer: `<opt>.step()` where <opt> is assigned from `torch.optim.*` / a Keras optimizer
//     or is named like one (optimizer, opt, optim_g, d_optimizer, …), or `<scaler>.step(<opt>)`;
//   - runs a TensorFlow step: `with tf.GradientTape()`, `<tape>.gradient(...)`, `<opt>.apply_gradients(...)`,
//     `<opt>.minimize(...)`, `<model>.train_on_batch(...)`;
//   - calls a same-file function that computes gradients (backward or a GradientTape update) outside
//     its own loops. Such a function is a TRAIN STEP when it is also named like one (`train_step`,
//     `update`, `fit_batch`, ...) or called from a loop in the file; test functions are not.
// A loop over a PyTorch DataLoader (a `DataLoader(...)` call, a name assigned from one, or a name
// such as `train_loader`, possibly wrapped in enumerate/tqdm/iter) that calls a model (a local
// callable, `self.model`, `model.forward`) on the batch is a FORWARD loop ('forward'): evaluation or
// inference, one model call per batch.
//
// Also here: the LOGGING GUARD (`if step % 100 == 0:`, `if i == len(loader) - 1:`, `if should_log(step):`),
// under which per-step work runs only now and then; `isTestCode` (tests are not performance-critical);
// `usesAccelerator` (does the file move work to a GPU at all); and `valuesAssignedTo` (what a name was
// assigned in its scope), used to resolve optimizers, DataLoaders and datasets.
import { familyIndex, type FileFacts } from './facts';
import { Query, type Node } from '../syntax/parser';
import {
  assignmentScope,
  classOfMethod,
  decoratorCallee,
  decoratorsOf,
  enclosingDef,
  enclosingLoop,
  enclosingLoops,
  findDescendants,
  isNestedScope,
  parameterAnnotation,
  parameterName,
  parameterNames,
} from './scopes';
import { bindingOf, fileFunctionDef, identifiersSpelledInFile, occurrences, scopeOf, targetNames, valueBoundOnce } from './names';
import { callArguments, hasSplatArguments, keywordValue, positionalArguments } from './callArgs';
import { values } from './values';
import { buildsTextOnly } from './textBuilders';
import { lintMemo, nodeMemo } from './nodeMemo';

export type Framework = 'torch' | 'tf';
export type LoopKind = 'train' | 'forward';

export interface TrainingLoop {
  /** The for_statement or while_statement. */
  node: Node;
  kind: LoopKind;
  framework: Framework;
  /** The calls or with-items that made it a training loop, in document order. */
  evidence: Node[];
  /** The DataLoader expression iterated, after unwrapping enumerate/tqdm/iter (for loops only). */
  loader: Node | null;
  /** Names bound per batch by the loop target (the enumerate index excluded). */
  batchNames: string[];
  /** The enumerate index or range variable, when there is one. */
  indexName: string | null;
  /**
   * The loop runs once per epoch (full-batch training: `for epoch in range(n_epochs)`, `while epoch < E`),
   * judged from the loop variable or bound; work in it happens once per epoch, not per mini-batch.
   */
  perEpoch: boolean;
}

export interface TrainStep {
  /** The function_definition. */
  node: Node;
  name: string;
  framework: Framework;
  /** Decorated with `@tf.function` (or `@torch.compile`). */
  compiled: boolean;
  /** The calls or with-items that made it a train step. */
  evidence: Node[];
}

interface TrainingIndex {
  loops: TrainingLoop[];
  byLoop: Map<number, TrainingLoop>;
  steps: TrainStep[];
  byFunction: Map<number, TrainStep>;
  /** Local names (or `self.x` texts) assigned from an optimizer constructor. */
  optimizerNames: Set<string>;
  /** Local names (or `self.x` texts) assigned from a DataLoader call. */
  loaderNames: Set<string>;
  /** Built by reading every call and loop of the file: its readers' rankings cannot be carried across an edit. */
  wholeFile: boolean;
}

export const DATALOADER_NAMES: ReadonlySet<string> = new Set(['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader']);

/** DataLoader's parameters that may be passed by position, in order (`prefetch_factor` and later are keyword-only). */
const DATALOADER_POSITIONAL = [
  'dataset',
  'batch_size',
  'shuffle',
  'sampler',
  'batch_sampler',
  'num_workers',
  'collate_fn',
  'pin_memory',
  'drop_last',
  'timeout',
  'worker_init_fn',
  'multiprocessing_context',
  'generator',
];

/** Calls that may construct a DataLoader (`DataLoader(...)`, `data.DataLoader(...)`, `DL(...)`), for the rules that judge its settings. */
export const DATALOADER_CALL_QUERY = `
(call
  function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
  arguments: (argument_list)
  (#match? @fn "(Loader|^DL)$")) @call`;

const TF_ROOTS = ['tensorflow', 'keras', 'tf_keras'];
const STEP_FUNCTION_NAME = /step|train|update|fit|batch|iter|optimi|learn|backward|grad/i;
const TEST_NAME = /(^|_)tests?($|_)|^test/i;
/**
 * `test_step`, `test_epoch`, `test_loop`: the evaluation step of a training script (tutorials, Lightning's hook),
 * not a pytest test (which lives in a test file, and rules check the file name for that).
 */
const EVAL_STEP_NAME = /^test_(step|epoch|loop|one_epoch|batch)$/i;
/**
 * `train_test`, `train_and_test`: a function that trains and then tests (SR-GNN's `train_test(model, train_data, test_data)`,
 * called by main.py each epoch; review62's recall hunt). Test runners collect only names starting with `test`, so a name
 * starting with `train` is the training code itself.
 */
const TRAIN_FIRST_NAME = /^_*train/i;
const OPTIMIZER_NAME = /(^|_)(opt|optim|optimizer|optimiser)s?($|_|\d)|optimizer|optimiser/i;
// `val_iterator`: torchtext's BucketIterator, named so by its tutorials (review59: eight text classifiers evaluate through
// `evaluate_model(model, iterator)`).
const LOADER_NAME = /(^|_)(data)?loader$|(^|_)dl$|(^|_)iterator$/i;

// One pattern for every call (one raw match each; names are filtered in JS), plus the loops.
const QUERY_SOURCE = `
(call function: [(attribute object: (_) @recv attribute: (identifier) @name) (identifier) @name]) @call
(for_statement) @loop
(while_statement) @loop
`;
const METHODS = new Set(['backward', 'step', 'apply_gradients', 'gradient', 'minimize', 'train_on_batch']);
const CONSTRUCTOR_NAME =
  /(GradientTape|DataLoader|Adam|AdamW|SGD|RMSprop|Adagrad|Adadelta|Adamax|Nadam|NAdam|RAdam|LBFGS|SparseAdam|ASGD|Rprop|Adafactor|Lion|Ftrl)$/;

const queries = new WeakMap<object, Query>();
const cache = new WeakMap<FileFacts, TrainingIndex>();

function queryFor(facts: FileFacts): Query {
  const language = facts.tree.language;
  let q = queries.get(language);
  if (!q) {
    q = new Query(language, QUERY_SOURCE);
    queries.set(language, q);
  }
  return q;
}

export function usesTorch(facts: FileFacts): boolean {
  return facts.importsModule('torch');
}

export function usesTensorFlow(facts: FileFacts): boolean {
  return TF_ROOTS.some((m) => facts.importsModule(m));
}

/** True when a qualified name belongs to TensorFlow or Keras. */
export function isTfName(qualified: string | null): boolean {
  return qualified !== null && TF_ROOTS.some((r) => qualified === r || qualified.startsWith(`${r}.`));
}

/**
 * Built once per family of facts (FileFacts.family): a lint ranks each top-level statement's findings on a copy of its own,
 * and building this index per copy made the fixture file's full lint 6x as slow. A copy that reads an index another copy
 * built is marked as reading the whole file, as the builder was (build).
 */
function index(facts: FileFacts): TrainingIndex {
  return familyIndex(cache, facts, build);
}

/** Every training or forward loop in the file, in document order. */
export function trainingLoops(facts: FileFacts): readonly TrainingLoop[] {
  return index(facts).loops;
}

/** The TrainingLoop record for a for/while statement, if it is one. */
export function trainingLoopOf(loop: Node, facts: FileFacts): TrainingLoop | undefined {
  return index(facts).byLoop.get(loop.id);
}

/**
 * The innermost loop around node (within its function) that is a training loop of the wanted
 * kind ('train' by default; pass 'any' to include forward loops). Loops nested inside a training
 * loop run every step too, so the search goes outward through them.
 */
export function enclosingTrainingLoop(node: Node, facts: FileFacts, kind: LoopKind | 'any' = 'train'): TrainingLoop | null {
  const idx = index(facts);
  if (idx.loops.length === 0) return null;
  for (const loop of enclosingLoops(node)) {
    const t = idx.byLoop.get(loop.id);
    if (t && (kind === 'any' || t.kind === kind)) return t;
  }
  return null;
}

/** True when node runs on every iteration of a training loop ('train' kind). */
export function isInTrainingLoop(node: Node, facts: FileFacts): boolean {
  return enclosingTrainingLoop(node, facts) !== null;
}

/** Same-file functions that perform one training step (backward/optimizer step or GradientTape update). */
export function trainSteps(facts: FileFacts): readonly TrainStep[] {
  return index(facts).steps;
}

/** The train-step function record for a function_definition. */
export function trainStepOf(fn: Node, facts: FileFacts): TrainStep | undefined {
  return index(facts).byFunction.get(fn.id);
}

/**
 * The train-step function whose body runs node once per call: node is in the function's own body
 * and not inside a loop there (a loop in a step function is not "once per step").
 */
export function enclosingTrainStep(node: Node, facts: FileFacts): TrainStep | null {
  const idx = index(facts);
  if (idx.steps.length === 0) return null;
  if (enclosingLoop(node)) return null;
  const fn = enclosingFunctionDef(node);
  return fn ? (idx.byFunction.get(fn.id) ?? null) : null;
}

/** True when expr looks like an optimizer: assigned from an optimizer class, or named like one. */
export function isOptimizerExpr(expr: Node | null | undefined, facts: FileFacts): boolean {
  return isOptimizerLike(expr, index(facts).optimizerNames);
}

function isOptimizerLike(expr: Node | null | undefined, optimizerNames: Set<string>): boolean {
  if (!expr) return false;
  let e: Node = expr;
  if (e.type === 'subscript') e = e.childForFieldName('value') ?? e;
  if (e.type !== 'identifier' && e.type !== 'attribute') return false;
  if (optimizerNames.has(e.text)) return true;
  const last = e.type === 'attribute' ? (e.childForFieldName('attribute')?.text ?? '') : e.text;
  return OPTIMIZER_NAME.test(last);
}

/**
 * True when expr is a PyTorch DataLoader: a `DataLoader(...)` call, a name (or `self.x`) assigned
 * from one in this file, or a name such as `loader` / `train_loader` / `val_dataloader`.
 */
export function isDataLoaderExpr(expr: Node | null | undefined, facts: FileFacts): boolean {
  return isLoaderLike(expr, facts, index(facts).loaderNames);
}

function isLoaderLike(expr: Node | null | undefined, facts: FileFacts, loaderNames: Set<string>): boolean {
  if (!expr || !usesTorch(facts)) return false;
  if (expr.type === 'call') return isDataLoaderCall(expr, facts);
  if (expr.type !== 'identifier' && expr.type !== 'attribute') return false;
  if (loaderNames.has(expr.text)) return true;
  if (expr.type === 'identifier' && facts.binding(expr.text)) return false;
  const last = expr.type === 'attribute' ? (expr.childForFieldName('attribute')?.text ?? '') : expr.text;
  return LOADER_NAME.test(last);
}

/** True when call constructs a PyTorch DataLoader (its callee resolves to `torch.utils.data.DataLoader`). */
export function isDataLoaderCall(call: Node, facts: FileFacts): boolean {
  return DATALOADER_NAMES.has(facts.calleeName(call) ?? '');
}

/**
 * A DataLoader construction whose settings can be judged: a DataLoader call without `*args` or
 * `**kwargs`, either of which may pass (or not) the setting a rule looks for.
 */
export function isJudgeableDataLoaderCall(call: Node, facts: FileFacts): boolean {
  return isDataLoaderCall(call, facts) && !hasSplatArguments(call);
}

/** The value a DataLoader call passes for parameter `name`, by keyword or by position; null when it is not passed. */
export function dataLoaderArgument(call: Node, name: string): Node | null {
  const position = DATALOADER_POSITIONAL.indexOf(name);
  return keywordValue(call, name) ?? (position >= 0 ? positionalArguments(call)[position] : undefined) ?? null;
}

/**
 * A builtin name that neither an import nor a module-level binding replaces. Cheaper than
 * FileFacts.isBuiltin (which also scans enclosing function bodies), for hot paths over every loop;
 * rebinding `range` or `enumerate` inside a function is rare enough to ignore there.
 */
function notRebound(name: string, facts: FileFacts): boolean {
  return !facts.binding(name) && !facts.moduleBindings.has(name);
}

/** Unwraps `enumerate(x)`, `tqdm(x, ...)`, `iter(x)` to x; reports whether enumerate was seen. */
export function unwrapIterable(expr: Node, facts: FileFacts): { inner: Node; enumerated: boolean } {
  let inner = expr;
  let enumerated = false;
  for (let depth = 0; depth < 4 && inner.type === 'call'; depth++) {
    const fn = inner.childForFieldName('function');
    const first = inner.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument');
    if (!fn || !first) break;
    const name = fn.text;
    const qualified = facts.qualifiedName(fn) ?? '';
    if ((name === 'enumerate' || name === 'iter') && notRebound(name, facts)) {
      if (name === 'enumerate') enumerated = true;
      inner = first;
    } else if (/^tqdm(\.|$)/.test(qualified) || /(^|\.)tqdm$/.test(qualified)) {
      inner = first;
    } else {
      break;
    }
  }
  return { inner, enumerated };
}

/**
 * True when node only runs on some iterations of `boundary` (a loop or function): it sits in the
 * `if` branch (or conditional-expression branch) of a logging-style guard between itself and the
 * boundary: a modulo test (`if step % 100 == 0`, `if not i % n`), a comparison of a step or
 * index variable (`if i == 0`, `if step == len(loader) - 1`), or a call such as `should_log(step)`.
 * `else` branches of such guards run on most steps and are not guarded.
 */
export function isUnderLoggingGuard(node: Node, boundary: Node): boolean {
  let child = node;
  for (let n = node.parent; n && !n.equals(boundary); child = n, n = n.parent) {
    if (n.type === 'if_statement' || n.type === 'elif_clause') {
      const consequence = n.childForFieldName('consequence');
      const cond = n.childForFieldName('condition');
      if (consequence?.equals(child) && cond && isLoggingGuardCondition(cond, boundary)) return true;
    } else if (n.type === 'conditional_expression') {
      const cond = n.namedChild(1);
      if (n.namedChild(0)?.equals(child) && cond && isLoggingGuardCondition(cond, boundary)) return true;
    }
  }
  return false;
}

const STEP_NAME = /(^|_)(step|steps|iter|iters|iteration|it|idx|index|batch|batch_idx|batch_index|i|j|n|epoch|count|counter)($|_|\d)/i;
const LOG_CALL = /(^|_)(log|logging|report|print|display|eval|evaluate|checkpoint|save)($|_)/i;
/** Helpers that test a step against a period: `divisible_by(step, every)` (lucidrains' scripts), `is_multiple_of(i, n)`. */
const PERIOD_CALL = /(^|_)(divisible|multiple)(_|$)/i;

/**
 * The tests a flag is or-ed from, when every binding of it in its function is a bool literal (`flag = False`) or an or-ing
 * (`flag |= test`, `flag = flag or test`); empty otherwise.
 */
function orAccumulatedFlag(id: Node): Node[] {
  const scope = scopeOf(id);
  if (scope.type !== 'function_definition') return [];
  const parts: Node[] = [];
  for (const o of occurrences(scope, id.text)) {
    const binding = o.parent?.type === 'augmented_assignment' ? o.parent : bindingOf(o);
    if (!binding) continue;
    const left = binding.childForFieldName('left');
    const right = binding.childForFieldName('right');
    if (!left?.equals(o) || !right) return [];
    if (binding.type === 'assignment' && (right.type === 'false' || right.type === 'true')) continue;
    if (binding.type === 'augmented_assignment' && binding.children.some((c) => c?.type === '|=')) parts.push(right);
    else if (binding.type === 'assignment' && right.type === 'boolean_operator' && right.childForFieldName('left')?.text === id.text) {
      parts.push(right.childForFieldName('right')!);
    } else return [];
  }
  return parts;
}

/** True when a condition is a logging-style guard (see isUnderLoggingGuard). */
export function isLoggingGuardCondition(cond: Node, boundary?: Node, depth = 0): boolean {
  const nodes = [cond, ...findDescendants(cond, () => true, isNestedScope)];
  for (const n of nodes) {
    // open_clip's `is_metric_step = (i_accum % metric_every == 0) or is_console_step`, then `if is_metric_step:`.
    if (n.type === 'identifier' && depth < 2) {
      const bound = valueBoundOnce(n);
      if (bound && isLoggingGuardCondition(bound, boundary, depth + 1)) return true;
      // LearningByCheating's `should_log = False` then `should_log |= i % config["log_iterations"] == 0` (and `|= not
      // is_train`): a flag or-ed together from tests, one of them a period (judged wrong in review63 when not seen).
      if (orAccumulatedFlag(n).some((part) => isLoggingGuardCondition(part, boundary, depth + 1))) return true;
    }
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '%') {
      // `"%d" % x` is string formatting, not a modulo test.
      if (n.childForFieldName('left')?.type !== 'string') return true;
    }
    if (n.type === 'comparison_operator') {
      const ops = n.children.filter((c) => c !== null && !c.isNamed).map((c) => c!.type);
      // `if i in np.linspace(0, iterations, 10, dtype=int):` (pytorch-cnn-visualizations): the step is one of a few
      // chosen ones. `not in` excludes a few steps and runs on the rest: not a guard.
      if (ops.length === 1 && ops[0] === 'in') {
        const left = n.namedChild(0);
        if (left && isStepVariable(left, boundary)) return true;
        continue;
      }
      if (!ops.every((op) => op === '==' || op === '>=' || op === '>' || op === '<=' || op === '<')) continue;
      for (const operand of n.namedChildren) {
        if (operand && (isStepVariable(operand, boundary) || namesPeriod(operand))) return true;
      }
    }
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
      if (last && LOG_CALL.test(last)) return true;
      const args = n.childForFieldName('arguments')?.namedChildren ?? [];
      if (last && PERIOD_CALL.test(last) && args.some((a) => a !== null && isStepVariable(a, boundary))) return true;
    }
  }
  return false;
}

/**
 * A step count compared with a period: `t_env - self.log_stats_t >= self.args.learner_log_interval` (ElegantRL's QMIX
 * learner logs its `.item()` values only then, judged wrong in review33 as a per-step sync).
 */
function namesPeriod(operand: Node): boolean {
  const name = spelledName(operand);
  return !!name && PERIOD_NAME.test(name);
}

/** `step` or `self.step`: the name an operand reads, or null for anything else. */
function spelledName(operand: Node): string | null {
  return (operand.type === 'identifier' ? operand.text : operand.type === 'attribute' ? operand.childForFieldName('attribute')?.text : null) ?? null;
}

const PERIOD_NAME = /(^|_)(interval|every|freq|frequency|period)$/i;

function isStepVariable(operand: Node, boundary?: Node): boolean {
  // `(step + 1) == total`, `step - 1 >= warmup`: look inside arithmetic.
  if (operand.type === 'parenthesized_expression' || operand.type === 'binary_operator') {
    return operand.namedChildren.some((c) => c !== null && isStepVariable(c, boundary));
  }
  const name = spelledName(operand);
  if (!name) return false;
  if (/rank|world|device|gpu/i.test(name)) return false;
  if (STEP_NAME.test(name)) return true;
  // The loop's own target (`for k in range(n)`) compared with something.
  if (boundary?.type === 'for_statement') {
    const left = boundary.childForFieldName('left');
    if (left && targetNames(left).includes(name)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

function build(facts: FileFacts): TrainingIndex {
  const idx: TrainingIndex = {
    loops: [],
    byLoop: new Map(),
    steps: [],
    byFunction: new Map(),
    optimizerNames: new Set(),
    loaderNames: new Set(),
    wholeFile: false,
  };
  const torch = usesTorch(facts);
  const tf = usesTensorFlow(facts);
  if (!torch && !tf) return idx;
  // The index reads every call and loop of the file: no answer resting on it can be carried across an edit.
  facts.words.reads.wholeFile = idx.wholeFile = true;

  const { methodCalls, plainCalls, ctorCalls, loops } = collectCalls(facts);
  const tapeNames = new Set<string>();
  const evidence = constructorEvidence(ctorCalls, facts, idx, tapeNames);
  addMethodEvidence(methodCalls, evidence, tapeNames, idx.optimizerNames, torch, tf);
  evidence.sort((a, b) => a.node.startIndex - b.node.startIndex);
  const { loopEvidence, candidates } = placeEvidence(evidence, facts);

  // Candidates that really compute gradients; loops calling them are training loops.
  // Every definition of a name, in document order: a notebook (or script) may define `run_optimization` again
  // in a later cell, and each definition is a step of its own.
  const callable = new Map<string, StepCandidate[]>();
  for (const c of candidates.values()) {
    if (!c.core) continue;
    const list = callable.get(c.step.name);
    if (list) list.push(c);
    else callable.set(c.step.name, [c]);
  }
  for (const list of callable.values()) list.sort((a, b) => a.step.node.startIndex - b.step.node.startIndex);
  const stepCallsByLoop = stepCallsInLoops(plainCalls, callable);

  for (const loop of loops) {
    const record = trainingLoopRecord(loop, loopEvidence, stepCallsByLoop, facts, idx.loaderNames);
    if (!record) continue;
    idx.loops.push(record);
    idx.byLoop.set(loop.id, record);
  }
  idx.loops.sort((a, b) => a.node.startIndex - b.node.startIndex);
  addTrainSteps(callable, idx);
  return idx;
}

/** A call that may make a loop or function part of training (see the file header). */
interface Evidence {
  node: Node;
  framework: Framework;
  /** A backward pass or a GradientTape update (an optimizer step alone is not enough for a step function). */
  core: boolean;
}

/** A function with evidence outside its loops: a train step if it computes gradients (core) and is named or called like one. */
interface StepCandidate {
  step: TrainStep;
  core: boolean;
  calledInLoop: boolean;
}

/**
 * The calls and loops of the file, from one query pass (one pattern for every call: the names are
 * sorted out here rather than by a predicate per name, which would cost a raw match each).
 */
function collectCalls(facts: FileFacts): {
  methodCalls: { call: Node; recv: Node; method: string }[];
  plainCalls: { call: Node; name: string }[];
  ctorCalls: Node[];
  loops: Node[];
} {
  const methodCalls: { call: Node; recv: Node; method: string }[] = [];
  const plainCalls: { call: Node; name: string }[] = [];
  const ctorCalls: Node[] = [];
  const loops: Node[] = [];
  for (const m of queryFor(facts).matches(facts.root)) {
    const get = (name: string) => m.captures.find((c) => c.name === name)?.node;
    const loop = get('loop');
    if (loop) {
      loops.push(loop);
      continue;
    }
    const call = get('call');
    const name = get('name')?.text;
    if (!call || !name) continue;
    const recv = get('recv');
    if (recv && METHODS.has(name)) methodCalls.push({ call, recv, method: name });
    else if (CONSTRUCTOR_NAME.test(name)) ctorCalls.push(call);
    // `f(...)` or `self.f(...)`: may call a same-file train step (resolved once steps are known).
    if (!recv || recv.text === 'self') plainCalls.push({ call, name });
  }
  return { methodCalls, plainCalls, ctorCalls, loops };
}

/**
 * Constructors: optimizers and DataLoaders assigned to names (recorded in idx, so later calls on
 * those names resolve), and GradientTape with-items (evidence; their `as` names go to tapeNames).
 */
function constructorEvidence(ctorCalls: readonly Node[], facts: FileFacts, idx: TrainingIndex, tapeNames: Set<string>): Evidence[] {
  const evidence: Evidence[] = [];
  for (const call of ctorCalls) {
    const q = facts.calleeName(call);
    if (!q) continue;
    const assigned = assignedName(call);
    if (DATALOADER_NAMES.has(q)) {
      if (assigned) idx.loaderNames.add(assigned);
    } else if (/GradientTape$/.test(q) && isTfName(q)) {
      const item = call.parent?.type === 'as_pattern' ? call.parent : call;
      if (item.parent?.type === 'with_item') {
        evidence.push({ node: call, framework: 'tf', core: true });
        const alias = item.type === 'as_pattern' ? item.childForFieldName('alias') : null;
        if (alias) tapeNames.add(alias.text.trim());
      }
    } else if (q.startsWith('torch.optim.') || (isTfName(q) && /\.optimizers\./.test(q))) {
      if (assigned) idx.optimizerNames.add(assigned);
    }
  }
  return evidence;
}

/** Method calls that train: backward, an optimizer's step, a tape's gradient, apply_gradients/minimize, train_on_batch. */
function addMethodEvidence(
  methodCalls: readonly { call: Node; recv: Node; method: string }[],
  evidence: Evidence[],
  tapeNames: ReadonlySet<string>,
  optimizerNames: Set<string>,
  torch: boolean,
  tf: boolean,
): void {
  for (const { call, recv, method } of methodCalls) {
    if (method === 'backward') {
      if (torch) evidence.push({ node: call, framework: 'torch', core: true });
    } else if (method === 'step') {
      if (!torch) continue;
      const firstArg = call.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
      // `optimizer.step(closure=lambda: ...)`, `scaler.step(opt, closure=...)`: the step calls the closure, which runs the
      // forward and backward passes (LBFGS, composer's trainer), so the step computes the gradients itself.
      const core = keywordValue(call, 'closure') !== null || firstArg?.type === 'lambda';
      if (isOptimizerLike(recv, optimizerNames) || isOptimizerLike(firstArg, optimizerNames)) evidence.push({ node: call, framework: 'torch', core });
    } else if (!tf) {
      continue;
    } else if (method === 'gradient') {
      if (tapeNames.has(recv.text) || /tape/i.test(recv.text)) evidence.push({ node: call, framework: 'tf', core: true });
    } else if (method === 'apply_gradients' || method === 'minimize') {
      if (isOptimizerLike(recv, optimizerNames)) evidence.push({ node: call, framework: 'tf', core: true });
    } else if (method === 'train_on_batch') {
      evidence.push({ node: call, framework: 'tf', core: true });
    }
  }
}

/**
 * Evidence outside any loop of its function makes that function a train-step candidate; inside a
 * loop, it makes the innermost loop a training loop. (Evidence comes in document order.)
 */
function placeEvidence(
  evidence: readonly Evidence[],
  facts: FileFacts,
): { loopEvidence: Map<number, { loop: Node; framework: Framework; nodes: Node[] }>; candidates: Map<number, StepCandidate> } {
  const loopEvidence = new Map<number, { loop: Node; framework: Framework; nodes: Node[] }>();
  const candidates = new Map<number, StepCandidate>();
  for (const e of evidence) {
    const loop = stepLoopOf(e.node);
    if (loop) {
      const entry = loopEvidence.get(loop.id);
      if (entry) entry.nodes.push(e.node);
      else loopEvidence.set(loop.id, { loop, framework: e.framework, nodes: [e.node] });
      continue;
    }
    const fn = enclosingFunctionDef(e.node);
    if (!fn) continue;
    const existing = candidates.get(fn.id);
    if (existing) {
      existing.step.evidence.push(e.node);
      existing.core ||= e.core;
      continue;
    }
    candidates.set(fn.id, {
      step: {
        node: fn,
        name: fn.childForFieldName('name')?.text ?? '',
        framework: e.framework,
        compiled: isCompiled(fn, facts),
        evidence: [e.node],
      },
      core: e.core,
      calledInLoop: false,
    });
  }
  return { loopEvidence, candidates };
}

/**
 * The innermost loop around a piece of training evidence that runs once per step of it, or null. Two loops inside one
 * step are passed through: a loop over the optimizers (`for opt in self.optimizers: opt.step()`, one step of each per
 * batch) and a retry loop (`while True:` whose body ends by returning or breaking: it runs again only after a failure,
 * such as composer's out-of-memory retry). Evidence in them belongs to the loop or function around them.
 */
function stepLoopOf(node: Node): Node | null {
  for (let loop = enclosingLoop(node); loop; loop = enclosingLoop(loop)) {
    if (!loopsOverOptimizers(loop) && !isRetryLoop(loop)) return loop;
  }
  return null;
}

/** `for opt in optimizers:` / `for optimizer in self.state.optimizers:`: the target and the iterable are named like optimizers. */
function loopsOverOptimizers(loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const left = loop.childForFieldName('left');
  const right = loop.childForFieldName('right');
  return left?.type === 'identifier' && OPTIMIZER_NAME.test(left.text) && !!right && isOptimizerLike(right, new Set());
}

/** `while True:` whose body's last statement is `return` or `break`: it runs once unless something fails. */
function isRetryLoop(loop: Node): boolean {
  if (loop.type !== 'while_statement' || loop.childForFieldName('condition')?.text !== 'True' || loop.childForFieldName('alternative')) return false;
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? [];
  const last = statements.at(-1);
  return last?.type === 'return_statement' || last?.type === 'break_statement';
}

/** The calls of gradient-computing functions made from loops, by loop id (marking those functions calledInLoop). */
function stepCallsInLoops(
  plainCalls: readonly { call: Node; name: string }[],
  callable: ReadonlyMap<string, readonly StepCandidate[]>,
): Map<number, { call: Node; step: TrainStep }[]> {
  const stepCallsByLoop = new Map<number, { call: Node; step: TrainStep }[]>();
  if (callable.size === 0) return stepCallsByLoop;
  for (const { call, name } of plainCalls) {
    const target = definitionReaching(callable.get(name), call);
    const loop = target ? enclosingLoop(call) : null;
    if (!target || !loop) continue;
    target.calledInLoop = true;
    const list = stepCallsByLoop.get(loop.id);
    if (list) list.push({ call, step: target.step });
    else stepCallsByLoop.set(loop.id, [{ call, step: target.step }]);
  }
  return stepCallsByLoop;
}

/**
 * The TrainingLoop record of a loop, or null when it is neither a training loop (evidence in it,
 * or a call of a train step) nor a forward loop (a DataLoader iterated, a model called on the batch).
 */
function trainingLoopRecord(
  loop: Node,
  loopEvidence: ReadonlyMap<number, { framework: Framework; nodes: Node[] }>,
  stepCallsByLoop: ReadonlyMap<number, { call: Node; step: TrainStep }[]>,
  facts: FileFacts,
  loaderNames: Set<string>,
): TrainingLoop | null {
  const found = loopEvidence.get(loop.id);
  const evidenceNodes = found ? [...found.nodes] : [];
  let framework: Framework | null = found?.framework ?? null;
  const body = loop.childForFieldName('body');
  if (!body) return null;

  // Calls to same-file train-step functions (directly in this loop, not a nested one).
  for (const { call, step } of stepCallsByLoop.get(loop.id) ?? []) {
    evidenceNodes.push(call);
    framework ??= step.framework;
  }

  // The loop's iterable: a DataLoader gives batch names (and may make it a forward loop).
  let loader: Node | null = null;
  let batchNames: string[] = [];
  let indexName: string | null = null;
  if (loop.type === 'for_statement') {
    const right = loop.childForFieldName('right');
    const left = loop.childForFieldName('left');
    if (right && left) {
      const { inner, enumerated } = unwrapIterable(wrapperBoundTo(right) ?? right, facts);
      const names = targetNames(left);
      if (enumerated && (left.type === 'pattern_list' || left.type === 'tuple_pattern') && left.namedChildCount >= 2) {
        const first = left.namedChild(0);
        indexName = first?.type === 'identifier' ? first.text : null;
        batchNames = left.namedChildren.slice(1).flatMap((c) => (c ? targetNames(c) : []));
      } else {
        batchNames = names;
      }
      if (right.type === 'call' && right.childForFieldName('function')?.text === 'range' && notRebound('range', facts)) {
        indexName = names[0] ?? null;
        batchNames = [];
      }
      if (isLoaderLike(inner, facts, loaderNames)) loader = inner;
    }
  }

  let kind: LoopKind | null = evidenceNodes.length > 0 ? 'train' : null;
  // A loop inside `with torch.no_grad():` cannot backpropagate: its `self.backward()` computes losses to report (the
  // validation pass of text-to-motion's trainers, review72, whose `.item()` calls were reported as training syncs).
  if (kind === 'train' && framework === 'torch' && underNoGrad(loop)) kind = null;
  if (!kind && loader) {
    const modelCall = findModelCallOnBatch(body, loop, batchNames, facts);
    if (modelCall) {
      kind = 'forward';
      evidenceNodes.push(modelCall);
      framework = 'torch';
    }
  }
  if (!kind || !framework) return null;
  return {
    node: loop,
    kind,
    framework,
    evidence: evidenceNodes.sort((a, b) => a.startIndex - b.startIndex),
    loader,
    batchNames,
    indexName,
    perEpoch: !loader && isEpochLoop(loop),
  };
}

/** A `with torch.no_grad():` (or `inference_mode()`) of the same function encloses the loop. */
function underNoGrad(loop: Node): boolean {
  for (let n = loop.parent; n && n.type !== 'function_definition' && n.type !== 'class_definition'; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    const items = n.namedChildren.find((c) => c?.type === 'with_clause')?.text ?? '';
    if (/\b(no_grad|inference_mode)\s*\(/.test(items)) return true;
  }
  return false;
}

/**
 * Train-step functions: they compute gradients outside any loop of their own, and are named like
 * a step (`train_step`, `update`, `fit_batch`) or called from a loop here. Tests are not steps.
 */
/** Of a name's definitions, the last one above the call (the one a script or notebook run has bound), else the last. */
function definitionReaching(defs: readonly StepCandidate[] | undefined, call: Node): StepCandidate | undefined {
  if (!defs || defs.length === 0) return undefined;
  const before = defs.filter((d) => d.step.node.startIndex < call.startIndex);
  return before.at(-1) ?? defs.at(-1);
}

function addTrainSteps(callable: ReadonlyMap<string, readonly StepCandidate[]>, idx: TrainingIndex): void {
  for (const c of [...callable.values()].flat()) {
    const name = c.step.name;
    if (TEST_NAME.test(name) && !c.calledInLoop) continue;
    if (!STEP_FUNCTION_NAME.test(name) && !c.calledInLoop) continue;
    idx.steps.push(c.step);
    idx.byFunction.set(c.step.node.id, c.step);
  }
  idx.steps.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

function isEpochLoop(loop: Node): boolean {
  if (loop.type === 'while_statement') return /epoch/i.test(loop.childForFieldName('condition')?.text ?? '');
  const left = loop.childForFieldName('left')?.text ?? '';
  const right = loop.childForFieldName('right');
  if (/epoch/i.test(left)) return true;
  return right?.type === 'call' && right.childForFieldName('function')?.text === 'range' && /epoch/i.test(right.childForFieldName('arguments')?.text ?? '');
}

/** The innermost def around node (lambdas and classes end the search). */
export function enclosingFunctionDef(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'lambda' || n.type === 'class_definition') return null;
    if (n.type === 'function_definition') return n;
  }
  return null;
}

/** `name = call(...)` or `self.name = call(...)`: the target's text. */
function assignedName(call: Node): string | null {
  const parent = call.parent;
  if (parent?.type !== 'assignment' || !parent.childForFieldName('right')?.equals(call)) return null;
  const left = parent.childForFieldName('left');
  if (left?.type === 'identifier' || left?.type === 'attribute') return left.text;
  return null;
}

/** Decorated with `@tf.function` / `@tf.function(...)` / `@torch.compile`. */
export function isCompiled(fn: Node, facts: FileFacts): boolean {
  return decoratorsOf(fn).some((d) => {
    const q = facts.qualifiedName(decoratorCallee(d));
    return q === 'tensorflow.function' || q === 'torch.compile';
  });
}

/**
 * A call in the loop body (directly in this loop) of a model-like callable (a local name that is
 * neither builtin nor imported, `self.<attr>`, or `<x>.forward`) whose arguments use the batch.
 */
function findModelCallOnBatch(body: Node, loop: Node, batchNames: string[], facts: FileFacts): Node | null {
  if (batchNames.length === 0) return null;
  const derived = new Set(batchNames);
  // Names assigned from batch-derived expressions (`x = x.to(device)`, `inputs = batch["x"]`).
  for (const assign of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    const right = assign.childForFieldName('right');
    const left = assign.childForFieldName('left');
    if (right && left && mentionsAny(right, derived)) for (const name of targetNames(left)) derived.add(name);
  }
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    if (!enclosingLoops(call).some((l) => l.equals(loop))) continue;
    const fn = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!fn || !args || !mentionsAny(args, derived)) continue;
    if (fn.type === 'identifier') {
      if (facts.binding(fn.text) || (BUILTIN_FUNCTIONS.has(fn.text) && notRebound(fn.text, facts))) continue;
      if (derived.has(fn.text)) continue;
      // `tokenizer(texts, return_tensors="pt")`: it prepares the model's input, runs no model (DeepKE's DEGREE prediction,
      // whose only model call is Hugging Face's `generate`, already under no_grad; judged wrong in review63).
      if (INPUT_PREPARER.test(fn.text)) continue;
      // `prompt_fn(batch[i])` with `prompt_fn = lambda x: f"Q: {x['q']}"`: it builds the model's input text, runs no model.
      if (buildsTextOnly(fn, call, facts)) continue;
      // `get_similarity_matrix(x, metric)`: a def of this file that only computes on the tensors it gets.
      if (computesWithoutModel(fn, call, facts)) continue;
      // `eval_scores([line], task)`, `sample_demos(pool, k, len(batch))`: a def of this file that calls nothing a model could be.
      if (callsNoModel(fn, call, facts)) continue;
      // `pipe(inputs)` with `pipe = pipeline(...)`: a library's inference pipeline, which turns autograd off itself.
      if (libraryPipeline(fn, call, facts)) continue;
      return call;
    }
    if (fn.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      const attr = fn.childForFieldName('attribute')?.text;
      if (attr === 'forward' || (obj?.text === 'self' && attr && /model|net|encoder|decoder|backbone|module/i.test(attr))) return call;
      // `self.network.forward_masks(x)`: another forward entry of the model (tabnet's explain).
      if (attr?.startsWith('forward_') && obj && /^self\.\w*(model|net|encoder|decoder|backbone|module)\w*$/i.test(obj.text)) return call;
      // `model.encode(img)`: a method that runs a model, on a parameter named as one (vq-vae-2's code extraction; review58).
      // Not `generate` or `chat`, which libraries run under no_grad themselves, nor a model the function builds itself
      // (a library's `SentenceTransformer(...).encode` turns autograd off too).
      if (obj?.type === 'identifier' && attr && HANDED_MODEL_METHOD.test(attr) && MODEL_LIKE_NAME.test(obj.text)) {
        const def = enclosingDef(loop);
        const annotation = def ? parameterAnnotation(def, obj.text) : null;
        if (def && parameterNames(def).includes(obj.text) && !facts.binding(obj.text) && (!annotation || /\bModule\b|torch/.test(annotation))) return call;
      }
      // `self.model.finetune(input_ids)`: a method of the class's model, other than moving or switching it, run on the batch
      // (S3Rec's trainers score every user this way; review57's hunt).
      if (obj?.type === 'attribute' && obj.childForFieldName('object')?.text === 'self' && attr && !MODEL_UPKEEP.test(attr)) {
        // `self._network.extract_vector(x)`: a private attribute too (PyCIL's feature extraction for exemplars, review64's hunt).
        if (/^_*(model|net|network|encoder|decoder|backbone)$/i.test(obj.childForFieldName('attribute')?.text ?? '')) return call;
      }
      // `self._predict_batch(X)`: a method of the class named for inference whose own body runs the model (tabnet's
      // `_predict_epoch`, run on every validation set each epoch).
      if (obj?.text === 'self' && attr && PREDICT_HELPER.test(attr) && runsModelItself(attr, loop)) return call;
      // `self.lstmed(batch)`: named otherwise, but what the class assigns to it is an nn.Module (`self.lstmed = LSTMEDModule(...)`).
      if (obj?.text === 'self' && values(facts).calleeValue(fn)?.kind === 'module') return call;
    }
  }
  return null;
}

/** Callables named for preparing inputs, never a model: `tokenizer`, `processor`, `image_processor`, `feature_extractor`. */
const INPUT_PREPARER = /(^|_)(tokeni[sz]er|processor|feature_extractor)$/i;

/** Names a model goes by, as a callable or as the receiver of a method call: `model`, `net`, `self.encoder`, `policy_net`. */
const MODEL_LIKE_NAME =
  /(^|[._])(net|cnn|rnn|lstm|gru|mlp|model|models|encoder|decoder|backbone|module|classifier|generator|policy|actor|critic)(_|\d|$)|net$/i;
/** Methods that run a model: `x.forward(...)`, `m.predict(...)`, `lm.generate(...)`, `vae.encode(...)`. */
const MODEL_METHOD = /^(forward\w*|predict\w*|infer|inference|generate|encode|decode|sample|chat|__call__)$/;

/**
 * A def of this file (two levels down at most) whose calls include nothing a model could be: none calls one of its
 * parameters, a model-named callable or receiver, a model method (`forward`, `predict`, `generate`...), a value known to be
 * a torch module, or another def of this file that does. Review54 judged three evaluation loops wrong whose only call
 * on the batch was such a helper: InternVL's `eval_scores([line], task)` (string matching), Otter's
 * `sample_batch_demos_from_query_set(pool, k, len(batch["image"]))` (`random.sample`), and a baseline IoU of labels.
 */
function callsNoModel(fn: Node, call: Node, facts: FileFacts, depth = 0): boolean {
  const def = depth <= 2 ? fileFunctionDef(fn, call) : null;
  const body = def?.childForFieldName('body');
  if (!def || !body) return false;
  const params = new Set(parameterNames(def));
  // `boxes1: torch.Tensor`: a parameter annotated as data, whose methods (`boxes1.unbind(dim=-1)`) compute on it.
  const data = dataParameters(def);
  return findDescendants(body, (n) => n.type === 'call').every((c) => {
    const callee = c.childForFieldName('function');
    if (!callee) return false;
    if (values(facts).calleeValue(callee)?.kind === 'module') return false;
    if (callee.type === 'identifier') {
      if (params.has(callee.text) || MODEL_LIKE_NAME.test(callee.text)) return false;
      // `pipe(inputs)` in a helper the loop calls (InternVL's `build_responses`), `pipe` an inference pipeline.
      if (libraryPipeline(callee, c, facts)) return true;
      if (BUILTIN_FUNCTIONS.has(callee.text)) return true;
      // An imported function, unless it is handed a model (`run_inference(model, batch)`).
      if (facts.binding(callee.text)) return !handsAModel(c);
      if (callee.text === def.childForFieldName('name')?.text) return true;
      // Another def of this file: it must run no model either; a name this file neither defines nor imports may be anything.
      return fileFunctionDef(callee, c) !== null && callsNoModel(callee, c, facts, depth + 1);
    }
    if (callee.type !== 'attribute') return false;
    // `random.sample(pool, k)`, `np.mean(x)`: an imported library's function, unless it is handed a model (`inference_detector(model, img)`).
    const qualified = facts.calleeName(c);
    if (qualified && !qualified.startsWith('torch.')) return !handsAModel(c);
    const receiver = callee.childForFieldName('object');
    const method = callee.childForFieldName('attribute')?.text ?? '';
    // `tokenizer.decode(ids)`, `tokenizer.encode(s)`: a tokenizer's encode and decode turn text into ids and back.
    if (receiver?.type === 'identifier' && INPUT_PREPARER.test(receiver.text)) return true;
    if (MODEL_METHOD.test(method) || (receiver && MODEL_LIKE_NAME.test(receiver.text))) return false;
    const handed = receiver?.type === 'identifier' && params.has(receiver.text) && !data.has(receiver.text);
    return !(handed && !facts.binding(receiver!.text) && receiverRunsSomething(method));
  });
}

/** The call passes a model-named argument (`inference_detector(model, img)`). */
function handsAModel(call: Node): boolean {
  return callArguments(call).some((a) => MODEL_LIKE_NAME.test(a.text));
}

/** A method that may run what its receiver holds when the receiver is a parameter (anything but a plain data method). */
function receiverRunsSomething(method: string): boolean {
  return (
    !TENSOR_MATH_METHODS.has(method) &&
    !TEXT_METHODS.has(method) &&
    !/^(append|extend|get|items|keys|values|pop|update|add|copy|format|join|sort|index|count)$/.test(method)
  );
}

/** Annotations of data, not of a model: a tensor, an array, a frame, a number, a string, a container of them. */
const DATA_ANNOTATION =
  /^(?:[\w.]*\.)?(?:Tensor|ndarray|NDArray|ArrayLike|DataFrame|Series|int|float|str|bool|bytes|list|dict|tuple|List|Dict|Tuple|Sequence)\b/;

/** The parameters of a def annotated as data (`boxes: torch.Tensor`, `eps: float = 1e-7`). */
function dataParameters(def: Node): Set<string> {
  const names = new Set<string>();
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'typed_parameter' && p?.type !== 'typed_default_parameter') continue;
    const type = p.childForFieldName('type');
    const name = parameterName(p);
    if (name !== undefined && type && DATA_ANNOTATION.test(type.text)) names.add(name);
  }
  return names;
}

/**
 * `pipe(inputs, gen_config=...)` where every binding of `pipe` in its scope is an imported `pipeline(...)` factory
 * (transformers', lmdeploy's) or a `...Pipeline.from_pretrained(...)` (diffusers'): such a pipeline runs its model under
 * `no_grad`/`inference_mode` itself, or outside PyTorch's autograd altogether (lmdeploy's engine). Review54 judged two
 * InternVL data pipelines reported as evaluation loops without `no_grad` wrong.
 */
function libraryPipeline(fn: Node, call: Node, facts: FileFacts): boolean {
  // Bound in the function, or else at the module's top (InternVL's `pipe = pipeline(...)` under `if __name__ == "__main__":`).
  const bound = valuesHereOrGlobal(fn.text, call, facts);
  return (
    bound.length > 0 &&
    bound.every((v) => {
      const q = v.type === 'call' ? (facts.calleeName(v) ?? '') : '';
      return /^[\w.]+\.pipeline$/.test(q) || /^[\w.]+Pipeline\w*\.from_pretrained$/.test(q);
    })
  );
}

/** torch's, numpy's and math's functions (not torch.nn's module classes, which are capitalised): arithmetic on data. */
const MATH_FUNCTION = /^(?:torch\.(?:(?:nn\.functional|linalg|fft|special)\.)?[a-z][a-z0-9_]*|numpy\.[a-z][\w.]*|math\.\w+)$/;

/** Tensor methods of arithmetic, reduction and reshaping: a call of one computes on a value, it runs no model. */
const TENSOR_MATH_METHODS = new Set(
  (
    'abs add clamp clone contiguous cpu cuda detach div double exp expand flatten float floor gather int log long matmul max mean min mm bmm mul ' +
    'norm numpy permute pow repeat reshape size softmax sqrt squeeze std sub sum t to transpose unsqueeze var view view_as item tolist'
  ).split(' '),
);

/**
 * \`get_similarity_matrix(x, metric)\`: a plain def of this file (not decorated, not rebound) whose every call is one of
 * torch's, numpy's or math's functions, a builtin, a tensor method of arithmetic or reshaping, or another such def (two
 * levels down): it computes on the batch and runs no model, so a loop whose only such call is this one is no inference
 * loop (BasicTS' similarity notebook: cosine similarities of DataLoader batches, judged wrong in review46 when reported).
 */
function computesWithoutModel(fn: Node, call: Node, facts: FileFacts, depth = 0): boolean {
  const def = depth <= 2 ? fileFunctionDef(fn, call) : null;
  const body = def?.childForFieldName('body');
  if (!def || !body) return false;
  return findDescendants(body, (n) => n.type === 'call').every((c) => computesOnly(c, def, facts, depth));
}

/** One call of a def computesWithoutModel weighs: arithmetic on data, or a def of this file that does only that. */
function computesOnly(call: Node, def: Node, facts: FileFacts, depth: number): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') {
    if (BUILTIN_FUNCTIONS.has(fn.text) && notRebound(fn.text, facts)) return true;
    if (facts.binding(fn.text)) return MATH_FUNCTION.test(facts.calleeName(call) ?? '');
    return fn.text !== def.childForFieldName('name')?.text && computesWithoutModel(fn, call, facts, depth + 1);
  }
  if (fn?.type !== 'attribute') return false;
  const qualified = facts.calleeName(call);
  if (qualified) return MATH_FUNCTION.test(qualified) || TEXT_FUNCTION.test(qualified);
  const method = fn.childForFieldName('attribute')?.text ?? '';
  return TENSOR_MATH_METHODS.has(method) || TEXT_METHODS.has(method);
}

/**
 * Text handling: a regular expression, JSON, string, match and dict methods. InternVL's `extract_answer(pred)` parses the
 * answer `model.chat` generated with `re.search(...)` and `match.group(2).strip()`: it runs no model (review52 judged the
 * evaluation it was taken for a forward of wrong).
 */
const TEXT_FUNCTION = /^(?:re|json|string|textwrap)\.\w+$/;
const TEXT_METHODS = new Set([
  'strip',
  'lstrip',
  'rstrip',
  'split',
  'rsplit',
  'splitlines',
  'lower',
  'upper',
  'replace',
  'startswith',
  'endswith',
  'group',
  'groups',
  'join',
  'format',
  'partition',
  'rpartition',
  // dict methods: `option.keys()`, `option.items()` in InternVL's ScienceQA `post_process(pred, option)`.
  'keys',
  'items',
  'values',
  'get',
]);

/**
 * Methods that run a model handed to a function on its input: `model.encode(x)`, `net.forward_features(x)`. Not `predict`:
 * scikit-learn-like wrappers have one too (pv-site-prediction's `PvSiteModel.predict`).
 */
const HANDED_MODEL_METHOD = /^(forward\w*|encode|decode)$/;
/** Methods of a model that move, switch, save or inspect it rather than run it on an input. */
const MODEL_UPKEEP =
  /^(to|cuda|cpu|half|float|train|eval|zero_grad|parameters|named_parameters|state_dict|load_state_dict|apply|modules|children|requires_grad_|register_\w+|save\w*|load\w*)$/;

/**
 * The wrapper a loop's iterable name is bound to once in its function: `rec_data_iter = tqdm(enumerate(dataloader))`
 * before `for i, batch in rec_data_iter:` (S3Rec's trainers). Null for anything else.
 */
function wrapperBoundTo(iterable: Node): Node | null {
  if (iterable.type !== 'identifier') return null;
  const value = valueBoundOnce(iterable);
  const fn = value?.type === 'call' ? value.childForFieldName('function')?.text : undefined;
  return fn && /^(enumerate|iter|tqdm|tqdm\.tqdm|tqdm\.auto\.tqdm|auto\.tqdm)$/.test(fn) ? value : null;
}

/** Method names of a per-batch inference helper: `_predict_batch`, `predict_step`, `infer_batch`, `forward_batch`. */
const PREDICT_HELPER = /^_?(predict|infer|inference|forward|eval|evaluate)_(batch|step)$/;

/**
 * The method `name` of the class around `at` calls the class's model directly in its body (`scores, _ = self.network(X)`),
 * outside any loop and gradient context of its own.
 */
function runsModelItself(name: string, at: Node): boolean {
  let cls: Node | null = at.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  if (!body) return false;
  for (const child of body.namedChildren) {
    const def = child?.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    if (def?.type !== 'function_definition' || def.childForFieldName('name')?.text !== name) continue;
    if (child!.type === 'decorated_definition') return false;
    const fnBody = def.childForFieldName('body');
    if (!fnBody || /\b(no_grad|inference_mode|set_grad_enabled)\b/.test(fnBody.text)) return false;
    return findDescendants(fnBody, (n) => n.type === 'call', isNestedScope).some((c) => {
      const fn = c.childForFieldName('function');
      return (
        fn?.type === 'attribute' &&
        fn.childForFieldName('object')?.text === 'self' &&
        /model|net|encoder|decoder|backbone|module/i.test(fn.childForFieldName('attribute')?.text ?? '') &&
        enclosingLoop(c) === null
      );
    });
  }
  return false;
}

const BUILTIN_FUNCTIONS = new Set([
  'print',
  'len',
  'list',
  'tuple',
  'dict',
  'set',
  'zip',
  'enumerate',
  'range',
  'sum',
  'min',
  'max',
  'abs',
  'isinstance',
  'type',
  'str',
  'int',
  'float',
  'bool',
  'iter',
  'next',
  'map',
  'filter',
  'sorted',
  'round',
  'any',
  'all',
  'repr',
  'hasattr',
  'getattr',
  'setattr',
  'id',
  'hash',
  'format',
  'vars',
]);

function mentionsAny(node: Node, names: Set<string>): boolean {
  const isUse = (n: Node) =>
    n.type === 'identifier' &&
    names.has(n.text) &&
    !(n.parent?.type === 'keyword_argument' && n.parent.childForFieldName('name')?.equals(n)) &&
    !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.equals(n));
  if (isUse(node)) return true;
  return findDescendants(node, isUse, isNestedScope).length > 0;
}

/**
 * Right-hand sides of plain assignments `name = <value>` in the scope that contains `at` (its
 * function body, or the module's own statements), in document order. Nested defs are skipped.
 * With `facts`, each scope is indexed once per file (all names at once).
 */
export function valuesAssignedTo(name: string, at: Node, facts?: FileFacts): Node[] {
  const scope = assignmentScope(at);
  if (!scope) return [];
  if (facts) return assignmentIndex(scope, facts).get(name) ?? [];
  return indexAssignments(scope).get(name) ?? [];
}

/**
 * What `name` holds at `at`: the values valuesAssignedTo finds in its scope or, when the enclosing function assigns it
 * nothing and does not take it as a parameter, the values the module assigns it (a global the function only reads).
 */
export function valuesHereOrGlobal(name: string, at: Node, facts: FileFacts): Node[] {
  const local = valuesAssignedTo(name, at, facts);
  const fn = enclosingDef(at);
  // Looked up from a statement of the module: the root itself has no scope of its own to index (assignmentScope).
  const moduleNode = facts.root.namedChild(0);
  if (local.length > 0 || !fn || !moduleNode || parameterNames(fn).includes(name)) return local;
  return valuesAssignedTo(name, moduleNode, facts);
}

/**
 * Values that bind `name` by unpacking (`(a, b), info = load(...)`) in the scope that contains `at`,
 * each with the position of the name in the pattern (`[0, 1]` for `b` above). Uses the same
 * per-scope index as valuesAssignedTo, so only the keys that spell the name are looked at.
 */
export function unpackedValuesOf(name: string, at: Node, facts: FileFacts): { value: Node; path: number[] }[] {
  const scope = assignmentScope(at);
  if (!scope) return [];
  const word = new RegExp(`(^|[^\\w])${name}([^\\w]|$)`);
  const found: { value: Node; path: number[] }[] = [];
  for (const [key, values] of assignmentIndex(scope, facts)) {
    if (!key.includes(',') || !word.test(key)) continue;
    for (const value of values) {
      const left = value.parent?.childForFieldName('left');
      const path = left ? positionInPattern(left, name) : null;
      if (path) found.push({ value, path });
    }
  }
  return found;
}

const PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'parenthesized_expression']);

function positionInPattern(pattern: Node, name: string): number[] | null {
  if (!PATTERNS.has(pattern.type)) return null;
  const parts = pattern.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].type === 'identifier' && parts[i].text === name) return [i];
    const inner = positionInPattern(parts[i], name);
    if (inner) return pattern.type === 'parenthesized_expression' ? inner : [i, ...inner];
  }
  return null;
}

const assignmentIndexes = nodeMemo<Map<string, Node[]>>();

function assignmentIndex(scope: Node, facts: FileFacts): Map<string, Node[]> {
  return assignmentIndexes(facts, scope, () => indexAssignments(scope));
}

function indexAssignments(scope: Node): Map<string, Node[]> {
  const index = new Map<string, Node[]>();
  for (const assign of findDescendants(scope, (n) => n.type === 'assignment', isNestedScope)) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (!left || !right) continue;
    const list = index.get(left.text);
    if (list) list.push(right);
    else index.set(left.text, [right]);
  }
  return index;
}

const ACCELERATOR_TEXT =
  /\.cuda\s*\(|["'](?:cuda|mps|xpu)(?::\d+)?["']|\bdevice\b|\baccelerator\b|\bxla\b|\bdevice_ids\b|\bcuda\.(?:empty_cache|synchronize|max_memory_allocated|memory_allocated|max_memory_reserved|reset_peak_memory_stats|set_device|current_device)\b/;

/**
 * True when the file moves work to an accelerator: `.cuda()`, a "cuda"/"mps" device string, a
 * `device` variable or argument, HF Accelerate or XLA, or the CUDA memory and stream APIs (`torch.cuda.empty_cache()`,
 * `torch.cuda.max_memory_allocated()`: code that only runs on a GPU; `is_available` and seeding do not count). Without any of these, tensors live on the
 * CPU, where `.item()` and friends do not wait for a device.
 */
export const usesAccelerator = lintMemo((facts) => ACCELERATOR_TEXT.test(facts.text));

/**
 * A training script's `def test(loader):` (named like a test, outside a test file): pytest never calls it, the
 * script does (`test_acc = test(test_loader)` after each epoch). Only a top-level def called from outside itself.
 */
function isCalledScriptFunction(def: Node, name: string, facts: FileFacts): boolean {
  const parent = def.parent?.type === 'decorated_definition' ? def.parent.parent : def.parent;
  if (parent?.type === 'block' && parent.parent?.type === 'class_definition') return isCalledOwnMethod(def, parent.parent, name, facts);
  if (parent?.type !== 'module') return false;
  return identifiersSpelledInFile(facts, name).some(
    (id) =>
      id.parent?.type === 'call' && id.parent.childForFieldName('function')?.equals(id) && !(def.startIndex <= id.startIndex && id.endIndex <= def.endIndex),
  );
}

/** Bases of a model class: torch's `nn.Module` and Lightning's `LightningModule`, as written (`pl.LightningModule`). */
const MODEL_CLASS_BASE = /^(?:[\w.]*\.)?(?:Module|LightningModule)$/;

/**
 * `def compute_test_accuracy(self)` of `class InferenceModel(pl.LightningModule)` (OpenHands' inference API, review64's
 * hunt): a method of a model class is evaluation code whatever its name; test runners collect methods only of `Test*`
 * classes and unittest cases, never of a module.
 */
function isModelClassMethod(def: Node): boolean {
  const cls = classOfMethod(def);
  if (!cls) return false;
  const bases = cls.childForFieldName('superclasses')?.namedChildren.filter((b): b is Node => b !== null && b.type !== 'comment') ?? [];
  return bases.some((b) => MODEL_CLASS_BASE.test(b.text));
}

/**
 * A runner's `def test(self, loader)` that its own class calls (`val_acc = self.test(val_loader)`, DIG's GraphAug
 * runner): the evaluation pass of a training class, not a test, since pytest collects methods only of `Test*` classes
 * (which isTestCode counts as tests anyway) and unittest only of TestCase subclasses. Only a call on `self` in the class's own body counts.
 */
function isCalledOwnMethod(def: Node, cls: Node, name: string, facts: FileFacts): boolean {
  if (/^Test|Tests?$|TestCase$|TestBase$/.test(cls.childForFieldName('name')?.text ?? '')) return false;
  // `class ModelChecks(unittest.TestCase)`: its methods are test code whoever calls them.
  if (/Test/.test(cls.childForFieldName('superclasses')?.text ?? '')) return false;
  return identifiersSpelledInFile(facts, name).some((id) => {
    const callee = id.parent;
    if (callee?.type !== 'attribute' || !callee.childForFieldName('attribute')?.equals(id) || callee.childForFieldName('object')?.text !== 'self') return false;
    if (callee.parent?.type !== 'call' || !callee.parent.childForFieldName('function')?.equals(callee)) return false;
    return cls.startIndex <= id.startIndex && id.endIndex <= cls.endIndex && !(def.startIndex <= id.startIndex && id.endIndex <= def.endIndex);
  });
}

/**
 * True when node is in test code: inside a def named like a test (`test_x`, `_do_test`) or a class
 * named like a test case (`TestTrainer`, `TrainerTests`, `...TestCase`). Run-time performance
 * advice does not apply there. Given the file's facts, a script's own `def test():` that the script calls is not a test.
 */
export function isTestCode(node: Node, facts?: FileFacts): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') {
      const name = n.childForFieldName('name')?.text ?? '';
      if (
        TEST_NAME.test(name) &&
        !EVAL_STEP_NAME.test(name) &&
        !TRAIN_FIRST_NAME.test(name) &&
        !isModelClassMethod(n) &&
        !(facts && isCalledScriptFunction(n, name, facts))
      )
        return true;
    }
    if (n.type === 'class_definition' && /^Test|Tests?$|TestCase$|TestBase$/.test(n.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}
