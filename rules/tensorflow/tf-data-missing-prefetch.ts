import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  autotuneName,
  below,
  declaredFloor,
  FileFacts,
  type FileProbe,
  findDescendants,
  identifiersSpelled,
  identifiersSpelledInFile,
  inTestFunction,
  isInMemoryPipeline,
  isInMemorySlicing,
  isLiteralDataset,
  isNestedScope,
  isTestFile,
  loopOnlyCollects,
  loopOnlyDisplays,
  parameterNames,
  pinnedCeiling,
  scopeBody,
  someProjectFile,
  TENSORFLOW_PACKAGES,
  tfDataPipeline,
} from '../../server/analysis';
import { insertAt } from '../../server/fixes';

const CONSUMERS = new Set(['fit', 'evaluate', 'predict', 'train_on_batch', 'experimental_distribute_dataset', 'distribute_datasets_from_function']);

export default defineRule({
  id: 'tf-data-missing-prefetch',
  title: 'An input pipeline ends without .prefetch(...)',
  category: 'tensorflow',
  severity: 'info',
  paysOffAtScale: true,
  severityForms: [
    {
      severity: 'hint',
      when:
        'when the pipeline only slices, shuffles and batches arrays already in memory (`from_tensor_slices(...).batch(n)`), maybe mapping them ' +
        'with light functions the file shows (`lambda x, y: (x * 2 - 1, y)`: no reading, decoding or Python)',
    },
    { severity: 'hint', when: 'when a `take(n)` before batching keeps at most 1,000 elements' },
    {
      severity: 'hint',
      when:
        'when the last step is synchronous (`batch(n)`, a `map` without `num_parallel_calls`) and the project does not say it runs ' +
        'TensorFlow older than 2.12: from 2.12 on, tf.data inserts that prefetch itself unless default optimisations are turned off ' +
        '(silent where the requirements ask for 2.12 or later)',
    },
    {
      severity: 'hint',
      when: 'when a builder returns the pipeline and no caller in the file trains on it: the callers are elsewhere, or wrap it in an object (`cls(ds, ...)`) that may prefetch it',
    },
  ],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-data-pipelines',
  requires: ['tensorflow'],
  message: 'The tf.data pipeline is consumed without `.prefetch(tf.data.AUTOTUNE)`, so input preparation and training take turns',
  docs: {
    why:
      'Without a final `prefetch`, the training step asks for the next batch only after finishing the current one, ' +
      'and the pipeline starts preparing it only then: reading, decoding and batching do not overlap with the ' +
      'model. `prefetch` keeps a small buffer of ready batches filled in the background. A pipeline that only slices and ' +
      'batches arrays already in memory (maybe with light maps such as `lambda x, y: (x * 2 - 1, y)`), or keeps a few ' +
      'hundred elements with `take(n)`, has little to overlap: it is a hint. Since TensorFlow 2.12, tf.data adds a final prefetch on its own ' +
      "when the pipeline's last step is synchronous (its `inject_prefetch` optimisation, on by default): such pipelines are silent in a " +
      'project that requires TensorFlow 2.12 or later, a hint where the version is not stated, and reported in full where the project ' +
      'allows an older TensorFlow or the file turns default optimisations off. A loop that only prints the elements ' +
      '(`for b in ds: print(b[0].shape)`) looks at the data and is not flagged, nor is a pipeline in a test, which checks ' +
      'results over a few steps of fixture data rather than throughput.',
    instead:
      'End the pipeline with `.prefetch(tf.data.AUTOTUNE)` after batching, just before the dataset is consumed ' +
      '(`model.fit`, a training loop). It changes neither the elements nor their order. The quick fix reuses the ' +
      'TensorFlow import in scope and is not offered where there is none (it never adds a module-level import of an ' +
      'optional dependency); a builder that takes a `prefetch` flag is left to honour it. A pipeline a builder returns is judged ' +
      'at its call sites in the file: flagged when they all train on it as returned, silent when one adds the prefetch; with ' +
      'no call in view, or callers that only wrap it in an object of theirs (`cls(ds, ...)`), it is a hint, and only in a file that never prefetches. ' +
      'A pipeline whose last step runs in parallel (`map(f, num_parallel_calls=...)`) already computes ahead of its consumer and is left alone.',
    example: {
      before: 'ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)\nmodel.fit(ds, epochs=5)',
      after: 'ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32).prefetch(tf.data.AUTOTUNE)\nmodel.fit(ds, epochs=5)',
    },
  },
  fix: { safety: 'safe', title: 'Append .prefetch(tf.data.AUTOTUNE)' },
  // The outermost call of a method chain (its value is not the object of a further call).
  query: `
(call
  function: (attribute attribute: (identifier) @m)
  (#any-of? @m "batch" "padded_batch" "ragged_batch" "map" "shuffle" "cache" "repeat" "filter" "unbatch" "interleave" "take" "with_options")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (call.parent?.type === 'attribute') return; // not the end of the chain
    // `for x, y in train_ds.take(1):` peeks at a few elements (plots, shape checks): not a training input.
    if (m.need('m').text === 'take') return;
    // A test's pipeline feeds a few steps over fixture data and checks results, not throughput: blind reviews judged every
    // such hint noise (tensorflow_privacy's optimizer tests and test_utils, 8 of review11's 10).
    if (isTestFile(ctx.filePath) || inTestFunction(call)) return;
    const pipeline = tfDataPipeline(call, facts);
    if (!pipeline || pipeline.methods.includes('prefetch') || isLiteralDataset(pipeline, facts)) return;
    // A last step that runs in parallel (`map(f, num_parallel_calls=8)`, `batch(n, num_parallel_calls=...)`) computes its
    // next elements while the consumer works on the last ones: loading and training already overlap (fchollet's book
    // notebooks, whose vectorising maps end each pipeline: judged wrong six times).
    if (endsInParallelStep(pipeline)) return;
    const batched = pipeline.methods.some((x) => BATCHING.has(x));
    if (!batched && !pipeline.methods.includes('map')) return;
    const consumer = consumerOf(call, facts);
    if (!consumer) return;
    // A per-example pipeline (no batching step) handed back to callers out of view: they batch it, and the prefetch
    // belongs after their batch (keras-cv's dataset loaders; a blind review judged such a finding wrong).
    if (!batched && (consumer === RETURNED || consumer === RETURNED_OUT_OF_VIEW || consumer === RETURNED_WRAPPED)) return;
    if (consumer === RETURNED_OUT_OF_VIEW && callersElsewherePrefetch(call, ctx.filePath, ctx.files, ctx.projectRoot)) return;
    // `def make_dataset(..., prefetch=True)` that reads its flag: the caller decides, `prefetch=False` included.
    if (takesPrefetchFlag(call)) return;
    const data = tfDataRef(call, facts);
    // Batches sliced from arrays already in memory are ready at once: prefetching overlaps little (a hint).
    const sliced = isInMemorySlicing(pipeline, facts);
    // ...and so are elements that light maps compute from such arrays (python-machine-learning-book's char-RNN chunks,
    // `split_input_target` slicing each one: judged noise when shown).
    const mapped = !sliced && isInMemoryPipeline(pipeline, facts);
    const few = fewElements(pipeline);
    const autotune = autotuneName(ctx.text, { filePath: ctx.filePath, files: ctx.files });
    const injected = prefetchInjected(pipeline, ctx.text, ctx.filePath, ctx.files);
    if (injected === 'always') return;
    const low = sliced
      ? 'its batches are slices of arrays in memory, so prefetching gains little'
      : mapped
        ? 'its elements are computed from arrays in memory by light maps (no reading or decoding), so prefetching gains little'
        : consumer.endsWith(COLLECTED)
          ? 'that loop does next to nothing per element, so there is little work for loading to overlap with'
          : few !== null
            ? `\`take(${few})\` keeps at most ${few} elements, so prefetching gains little`
            : injected === 'from 2.12'
              ? `TensorFlow 2.12 and later add this prefetch themselves after a synchronous last step like \`${pipeline.methods.at(-1)}\`, so it matters on older versions`
              : null;
    ctx.report({
      start: m.need('m').startIndex,
      end: call.endIndex,
      severity: low || consumer === RETURNED_OUT_OF_VIEW || consumer === RETURNED_WRAPPED ? 'hint' : undefined,
      message: low
        ? `This tf.data pipeline is ${consumer} without \`.prefetch(tf.data.${autotune})\`; ${low}`
        : `This tf.data pipeline is ${consumer} without \`.prefetch(tf.data.${autotune})\`: loading and training take turns instead of overlapping`,
      edits: data ? [insertAt(call.endIndex, `.prefetch(${data}.${autotune})`)] : undefined,
    });
  },
});

/** The release whose tf.data inserts a final prefetch by default (`inject_prefetch`: off in the 2.10 docs, on in 2.12's). */
const INJECTS_PREFETCH_SINCE = [2, 12] as const;

/**
 * Whether tf.data adds a final prefetch to this pipeline by itself: 'always' when the project requires TensorFlow 2.12
 * or later, 'from 2.12' when it does not say which TensorFlow it runs, null when it allows an older one, when the last step
 * is already asynchronous (a parallel map or batch buffers its own results), or when the file turns the optimisation off.
 */
function prefetchInjected(
  pipeline: { methods: string[]; calls: Node[] },
  text: string,
  filePath: string | undefined,
  files: FileProbe,
): 'always' | 'from 2.12' | null {
  const last = pipeline.calls.at(-1);
  const parallel = last
    ?.childForFieldName('arguments')
    ?.namedChildren.some((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'num_parallel_calls');
  if (!last || parallel || /\b(?:inject_prefetch|apply_default_optimizations)\s*=\s*False\b/.test(text)) return null;
  const floors = TENSORFLOW_PACKAGES.map((pkg) => declaredFloor(pkg, filePath, files)).filter((v) => v !== null);
  const caps = TENSORFLOW_PACKAGES.map((pkg) => pinnedCeiling(pkg, filePath, files)).filter((v) => v !== null);
  if ([...floors, ...caps].some((v) => below(v, INJECTS_PREFETCH_SINCE))) return null;
  return floors.length > 0 ? 'always' : 'from 2.12';
}

/** The pipeline's last call passes `num_parallel_calls` (not `None`): that step buffers results ahead of its consumer. */
function endsInParallelStep(pipeline: { calls: Node[] }): boolean {
  const last = pipeline.calls.at(-1);
  return !!last
    ?.childForFieldName('arguments')
    ?.namedChildren.some(
      (a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'num_parallel_calls' && a.childForFieldName('value')?.type !== 'none',
    );
}

/** The steps that group elements into batches. */
const BATCHING: ReadonlySet<string> = new Set(['batch', 'padded_batch', 'ragged_batch']);

/** Most elements a `take(n)` may keep for the pipeline to count as a few (a demonstration's subset). */
const FEW_ELEMENTS = 1000;

/** `n` when a `take(n)` with a literal n <= FEW_ELEMENTS comes before any batching step: the pipeline yields at most n elements. */
function fewElements(pipeline: { methods: string[]; calls: Node[] }): number | null {
  for (const [i, method] of pipeline.methods.entries()) {
    if (BATCHING.has(method)) return null;
    if (method !== 'take') continue;
    const arg = pipeline.calls[i].childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
    const n = arg?.type === 'integer' ? Number(arg.text.replace(/_/g, '')) : NaN;
    if (n >= 0 && n <= FEW_ELEMENTS) return n;
  }
  return null;
}

/** An enclosing function has a parameter named like a prefetch switch and reads it. */
function takesPrefetchFlag(call: Node): boolean {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type !== 'function_definition') continue;
    const body = n.childForFieldName('body');
    for (const name of parameterNames(n).filter((p) => /prefetch/i.test(p))) {
      if (body && identifiersSpelled(body, name).length > 0) return true;
    }
  }
  return false;
}

/**
 * How to spell `tensorflow.data` at the call with an import already in scope: a module-level import
 * (unconditional, or in a `try` that guards an optional dependency; never `if TYPE_CHECKING:`), or an
 * import earlier in an enclosing function (`import tensorflow as tf` inside the builder). Null when there
 * is none: adding a module-level import would make the module fail to import without TensorFlow.
 */
function tfDataRef(call: Node, facts: FileFacts): string | null {
  for (const b of facts.importsOf('tensorflow')) {
    if (b.local.startsWith('\0') || (b.target !== 'tensorflow' && b.target !== 'tensorflow.data')) continue;
    if (!importInScope(b.statement, b.topLevel, b.unconditional, call)) continue;
    return b.target === 'tensorflow' ? `${b.local}.data` : b.local;
  }
  return null;
}

function importInScope(statement: Node, topLevel: boolean, unconditional: boolean, at: Node): boolean {
  if (topLevel) return unconditional || statement.parent?.parent?.type === 'try_statement';
  const fn = enclosingFunctionOf(statement);
  return fn !== null && statement.startIndex < at.startIndex && at.startIndex >= fn.startIndex && at.endIndex <= fn.endIndex;
}

function enclosingFunctionOf(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return null;
}

/**
 * How the pipeline ending at `call` is consumed, or null when it is not visibly consumed here (or
 * may still be extended): passed to `fit`/`evaluate`/`predict`, iterated by a for loop, or returned
 * from a builder in a file that never prefetches. A name assigned from it is followed through its
 * later uses in the same scope.
 */
function consumerOf(call: Node, facts: FileFacts, element: number | null = null): string | null {
  const direct = element === null ? directConsumer(call, facts) : undefined;
  if (direct !== undefined) return direct;
  const parent = call.parent;
  if (parent?.type !== 'assignment' || !parent.childForFieldName('right')?.equals(call)) return null;
  // `train, test = make_datasets(...)`: a builder returning several pipelines, followed through the name at its place.
  const pattern = parent.childForFieldName('left');
  const left = element === null ? pattern : pattern?.type === 'pattern_list' || pattern?.type === 'tuple_pattern' ? pattern.namedChild(element) : null;
  if (left?.type !== 'identifier') return null;
  const scope = scopeBody(call);
  let found: string | null = null;
  for (const use of findDescendants(scope, (n) => n.type === 'identifier' && n.text === left.text && n.startIndex > parent.endIndex, isNestedScope)) {
    const p = use.parent;
    // `ds = ds.prefetch(...)` or any further transformation: that later statement is the end.
    if (p?.type === 'attribute' && p.childForFieldName('object')?.equals(use)) return null;
    if (p?.type === 'assignment' && p.childForFieldName('left')?.equals(use)) return null;
    const how = directConsumer(use, facts);
    if (how) found ??= how;
  }
  return found;
}

/** undefined: not a consuming position; null: consumed in a way that may still prefetch (returned). */
function directConsumer(expr: Node, facts: FileFacts): string | null | undefined {
  const parent = expr.parent;
  if (parent?.type === 'argument_list' || (parent?.type === 'keyword_argument' && parent.childForFieldName('value')?.equals(expr))) {
    const call = parent.type === 'argument_list' ? parent.parent : parent.parent?.parent;
    const fn = call?.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
    if (method && CONSUMERS.has(method)) return `passed to \`${method}()\``;
    return undefined;
  }
  // `for b in ds_batched: print("Batch shape:", b[0].shape)`: a look at the data, not an input to training.
  if (parent?.type === 'for_statement' && parent.childForFieldName('right')?.equals(expr)) {
    if (loopOnlyDisplays(parent, facts)) return undefined;
    return loopOnlyCollects(parent, facts) ? COLLECTED : 'iterated';
  }
  if (parent?.type === 'return_statement') return returnedConsumer(parent, facts, null);
  // `return train_ds, test_ds`: one of several values returned together.
  if (parent?.type === 'expression_list' && parent.parent?.type === 'return_statement') {
    const element = parent.namedChildren.findIndex((c) => c?.equals(expr));
    if (element >= 0 && !parent.namedChildren.some((c) => c?.type === 'list_splat')) return returnedConsumer(parent.parent, facts, element);
  }
  return undefined;
}

/**
 * A builder's pipeline is judged at the builder's call sites in this file: silent when one adds the prefetch
 * (`make_ds(...).prefetch(...)`, or on the name it is assigned to); reported when one trains on it as returned
 * (`model.fit(make_ds(...))`, `for b in make_ds(...)`, through a name), naming that caller. Otherwise (no call in
 * view, or calls whose use is not visible) only a file that never prefetches is flagged.
 */
function returnedConsumer(ret: Node, facts: FileFacts, element: number | null): string | null {
  const def = enclosingFunctionOf(ret);
  const name = def?.childForFieldName('name');
  const fallback = /\.prefetch\s*\(/.test(facts.text) ? null : RETURNED;
  if (!def || !name) return fallback;
  // A builder returning another builder's result (or itself): followed once, never round a cycle.
  if (judging.has(def.id)) return null;
  judging.add(def.id);
  try {
    let consumed: string | null = null;
    let calls = 0;
    let wrapped = false;
    let discarded = 0;
    for (const id of identifiersSpelledInFile(facts, name.text)) {
      if (id.equals(name)) continue;
      // `make_ds(...)` or `self.make_ds(...)`
      const callee = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent : id;
      const call = callee.parent;
      if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(callee)) continue;
      if (prefetchedByCaller(call, element)) return null;
      // `train, _ = make_datasets(...)`: this caller throws that pipeline away.
      if (element !== null && assignedName(call, element)?.text === '_') {
        discarded++;
        continue;
      }
      calls++;
      wrapped ||= wrappedByCaller(call, element);
      const how = consumerOf(call, facts, element);
      if (how && how !== RETURNED && !how.startsWith('returned to'))
        consumed ??= `returned to its caller on line ${call.startPosition.row + 1}, where it is ${how}`;
    }
    if (calls === 0 && discarded > 0) return null;
    // Nobody in view trains on it: the callers live in other modules, or hand it to an object of theirs.
    if (!consumed && fallback) return calls === 0 ? RETURNED_OUT_OF_VIEW : wrapped ? RETURNED_WRAPPED : fallback;
    return consumed ?? fallback;
  } finally {
    judging.delete(def.id);
  }
}

/**
 * A file of the project calls the builder and prefetches (TF-TRT's `infer.py`: `dataset = get_dataset_cola(...)`, then
 * `dataset = dataset.prefetch(tf.data.AUTOTUNE)`; review73: two findings judged wrong). The prefetch is the callers' to add
 * after whatever they do to the pipeline, and they add it.
 */
function callersElsewherePrefetch(call: Node, filePath: string | undefined, files: FileProbe, root: string | undefined): boolean {
  const name = enclosingFunctionOf(call)?.childForFieldName('name')?.text;
  if (!name) return false;
  const called = new RegExp(String.raw`(?<!def\s+)\b${name}\s*\(`);
  const answer = someProjectFile(filePath, `calls ${name} and prefetches`, (text) => called.test(text) && /\.prefetch\s*\(/.test(text), files, root);
  return answer === true;
}

/** Returned from a builder whose callers in view do not consume it (or that has none). */
const RETURNED = 'returned';
/** Iterated by a loop that only copies each element into NumPy (loopOnlyCollects). */
const COLLECTED = 'iterated by a loop that only copies its elements into NumPy,';
const RETURNED_OUT_OF_VIEW = 'returned to callers outside this file';
const RETURNED_WRAPPED = 'returned to a caller that wraps it in an object';

/**
 * `Loader(make_ds(...))`, or `ds = make_ds(...)` and later `cls(ds, n)`: the pipeline goes into an object
 * (a class of the caller, spelled capitalised or `cls`), whose own input method may add the prefetch.
 */
function wrappedByCaller(call: Node, element: number | null): boolean {
  const isConstructorArgument = (n: Node) => {
    const holder = n.parent?.type === 'keyword_argument' ? n.parent.parent : n.parent;
    const callee = holder?.type === 'argument_list' ? holder.parent?.childForFieldName('function') : null;
    const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.type === 'identifier' ? callee.text : undefined;
    return name !== undefined && (name === 'cls' || /^_?[A-Z][a-z]/.test(name));
  };
  if (element === null && isConstructorArgument(call)) return true;
  return laterUsesOfResult(call, element).some(isConstructorArgument);
}

/** `make_ds(...).prefetch(n)`, or `ds = make_ds(...)` and later `ds.prefetch(n)` in the same scope. */
function prefetchedByCaller(call: Node, element: number | null): boolean {
  const isPrefetchOf = (n: Node) => n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.text === 'prefetch';
  if (element === null && isPrefetchOf(call)) return true;
  return laterUsesOfResult(call, element).some((use) => use.parent?.childForFieldName('object')?.equals(use) === true && isPrefetchOf(use));
}

/** The uses, later in the call's scope, of the name its result (or element i of it) is assigned to; none when it is not. */
function laterUsesOfResult(call: Node, element: number | null): Node[] {
  const left = assignedName(call, element);
  if (left?.type !== 'identifier') return [];
  const assignment = call.parent!;
  return findDescendants(scopeBody(call), (n) => n.type === 'identifier' && n.text === left.text && n.startIndex > assignment.endIndex, isNestedScope);
}

/** The name a call's result is assigned to (`ds = f()`), or for element i of a returned tuple, the name unpacked there (`a, ds = f()`). */
function assignedName(call: Node, element: number | null): Node | null {
  const assignment = call.parent;
  const left = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (element === null) return left;
  return left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChild(element) : null;
}

/** The builders whose call sites are being judged (a guard against recursion; empty between checks). */
const judging = new Set<number>();
