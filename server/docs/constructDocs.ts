// Short hover notes on constructs the guide covers, shown where perflens reports nothing: decorators
// (`@lru_cache`, `@functools.cache`, `@dataclass(slots=True)`, `@njit`, `@tf.function`), calls (`.iterrows()`,
// `.apply(...)`, `DataLoader(...)`, `torch.compile(...)`, `asyncio.gather(...)`) and language constructs
// (`__slots__`, `async def`, `yield`, `with`). Names are resolved through the file's imports, so
// `functools.cache` is documented and a user's own `cache` is not; library constructs need the library imported.
import type { FileFacts } from '../analysis/facts';
import type { Node } from '../syntax/parser';
import { keywordValue } from '../analysis/callArgs';

export interface ConstructDoc {
  /** Stable key, for tests and telemetry-free debugging. */
  id: string;
  /** The construct as the title shows it. */
  title: string;
  /** One or two sentences, Markdown. */
  text: string;
  /** Guide section, `slug` or `slug#anchor`. */
  guide: string;
}

export interface ConstructMatch {
  doc: ConstructDoc;
  /** The hovered construct's range (offsets). */
  start: number;
  end: number;
}

const DOCS = {
  lruCache: {
    id: 'functools.lru_cache',
    title: '@functools.lru_cache',
    text:
      'Memoises the function by its arguments, which must be hashable, keeping the `maxsize` most recently used results ' +
      '(128 by default; `maxsize=None` never evicts). Cache only pure functions, and not methods: the cache keeps every `self` alive.',
    guide: 'caching#the-standard-tools',
  },
  cache: {
    id: 'functools.cache',
    title: '@functools.cache',
    text:
      'The same as `lru_cache(maxsize=None)` (Python 3.9+): an unbounded memo that never evicts. Fine when the set of ' +
      'arguments is small and fixed; for open-ended inputs use `lru_cache(maxsize=...)` so memory stays bounded.',
    guide: 'caching#bound-caches-whose-inputs-are-open-ended',
  },
  dataclassSlots: {
    id: 'dataclasses.dataclass(slots=True)',
    title: '@dataclass(slots=True)',
    text:
      'Builds `__slots__` from the fields (Python 3.10+): instances have no `__dict__`, so they are smaller, but attributes ' +
      'that are not fields cannot be added, and weak references need `weakref_slot=True` (3.11+).',
    guide: 'slots#what-you-gain',
  },
  numba: {
    id: 'numba.njit',
    title: '@njit / @numba.jit',
    text:
      'Compiles the function to machine code on its first call, so that call includes compilation (`cache=True` keeps the ' +
      'result across runs). nopython mode accepts NumPy arrays, numbers and a subset of Python; since Numba 0.59 `@jit` means the same as `@njit`.',
    guide: 'numba#nopython-mode-use-njit',
  },
  tfFunction: {
    id: 'tensorflow.function',
    title: '@tf.function',
    text:
      'Traces the Python function into a graph on the first call, and again for each new input signature: new tensor shapes or ' +
      'dtypes, or new values of Python arguments. Python side effects such as `print` run only while tracing; use `tf.print`.',
    guide: 'tf-function-and-tracing#what-triggers-retracing',
  },
  iterrows: {
    id: 'pandas.DataFrame.iterrows',
    title: 'DataFrame.iterrows()',
    text:
      'Yields `(index, Series)` per row: a new Series for every row, with the values upcast to one common dtype. Prefer ' +
      'whole-column operations; when a loop is unavoidable, `itertuples()` is much faster.',
    guide: 'pandas-vectorization#when-you-really-need-to-iterate',
  },
  apply: {
    id: 'pandas.apply',
    title: '.apply(...) (pandas)',
    text:
      'Calls the Python function once per element (Series) or once per row or column (DataFrame; `axis=1` builds a Series ' +
      'per row). Arithmetic on columns, `np.where` and the `.str`/`.dt` accessors do the same work without a Python call per item.',
    guide: 'pandas-vectorization#column-arithmetic-instead-of-row-loops',
  },
  dataLoader: {
    id: 'torch.utils.data.DataLoader',
    title: 'DataLoader(...)',
    text:
      'Batches samples from a Dataset. With `num_workers=0` (the default) every sample is loaded in the training process; ' +
      '`num_workers > 0` loads in worker processes, and `pin_memory=True` speeds up copies to a CUDA device.',
    guide: 'pytorch-data-loading#worker-processes-num_workers',
  },
  torchCompile: {
    id: 'torch.compile',
    title: 'torch.compile(...)',
    text:
      'Captures the model with TorchDynamo and compiles it, by default with TorchInductor (Triton kernels on GPUs, C++/OpenMP on CPUs; ' +
      'PyTorch 2.0+). The first calls are slow while it compiles, and new input shapes can trigger recompilation.',
    guide: 'pytorch-amp-and-compile#torchcompile',
  },
  gather: {
    id: 'asyncio.gather',
    title: 'asyncio.gather(...)',
    text:
      'Runs the awaitables concurrently and returns their results in argument order. By default the first exception propagates ' +
      'to the caller while the others keep running; `return_exceptions=True` returns exceptions in the result list instead.',
    guide: 'asyncio-fundamentals#running-awaits-concurrently',
  },
  slots: {
    id: '__slots__',
    title: '__slots__',
    text:
      'Stores the listed attributes in fixed slots instead of a per-instance `__dict__`: smaller instances (often 10-30% less memory) ' +
      'and an `AttributeError` for undeclared names. Subclasses need their own `__slots__`; weak references need `"__weakref__"`.',
    guide: 'slots#what-you-gain',
  },
  asyncDef: {
    id: 'async def',
    title: 'async def',
    text:
      'Defines a coroutine function: calling it only creates a coroutine object, which runs when it is awaited or scheduled ' +
      '(`asyncio.run`, `create_task`). Never block inside it: use `await asyncio.sleep`, async clients, or `asyncio.to_thread`.',
    guide: 'asyncio-fundamentals#coroutines-must-be-awaited-or-scheduled',
  },
  yield: {
    id: 'yield',
    title: 'yield',
    text:
      'Makes this function a generator: calling it returns an iterator that runs the body lazily, one item per `next()`, so ' +
      'data can be streamed without holding it all in memory. A generator can be iterated only once.',
    guide: 'generators-and-iterators#the-protocol',
  },
  with: {
    id: 'with',
    title: 'with',
    text:
      'Enters a context manager: its `__exit__` runs when the block ends, even when an exception is raised, so files, locks and ' +
      'connections are released at a known point. One `with` statement can hold several managers.',
    guide: 'context-managers#always-open-resources-with-with',
  },
  asyncWith: {
    id: 'async with',
    title: 'async with',
    text:
      'Enters an asynchronous context manager: `__aenter__` and `__aexit__` are awaited, so setup and cleanup (opening and closing ' +
      'a client session or a connection) can do I/O without blocking the event loop.',
    guide: 'async-context-managers-and-generators#async-context-managers',
  },
} satisfies Record<string, ConstructDoc>;

/** Every construct note, for tests (their guide anchors must resolve). */
export const CONSTRUCT_DOCS: readonly ConstructDoc[] = Object.values(DOCS);

function within(node: Node, offset: number): boolean {
  return node.startIndex <= offset && offset <= node.endIndex;
}

/** A decorator's callee: `@lru_cache(maxsize=8)` → `lru_cache`, `@functools.cache` → `functools.cache`. */
function decoratorDoc(decorator: Node, facts: FileFacts): { doc: ConstructDoc; node: Node } | null {
  const decorated = decorator.namedChildren.find((c) => c && c.type !== 'comment') ?? null;
  const call = decorated?.type === 'call' ? decorated : null;
  const expr = call ? call.childForFieldName('function') : decorated;
  if (!expr) return null;
  const name = facts.qualifiedName(expr);
  switch (name) {
    case 'functools.lru_cache':
      return { doc: DOCS.lruCache, node: expr };
    case 'functools.cache':
      return { doc: DOCS.cache, node: expr };
    case 'dataclasses.dataclass': {
      const slots = call !== null && keywordValue(call, 'slots')?.text === 'True';
      return slots ? { doc: DOCS.dataclassSlots, node: expr } : null;
    }
    case 'numba.njit':
    case 'numba.jit':
      return { doc: DOCS.numba, node: expr };
    case 'tensorflow.function':
      return { doc: DOCS.tfFunction, node: expr };
    default:
      return null;
  }
}

const DATALOADER = new Set(['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader']);

/** A call whose callee (not its arguments) is under the cursor. */
function callDoc(call: Node, offset: number, facts: FileFacts): { doc: ConstructDoc; node: Node } | null {
  const callee = call.childForFieldName('function');
  if (!callee || !within(callee, offset)) return null;
  const name = facts.qualifiedName(callee);
  if (name && DATALOADER.has(name)) return { doc: DOCS.dataLoader, node: callee };
  if (name === 'torch.compile') return { doc: DOCS.torchCompile, node: callee };
  if (name === 'asyncio.gather') return { doc: DOCS.gather, node: callee };
  if (callee.type === 'attribute' && facts.importsModule('pandas')) {
    const method = callee.childForFieldName('attribute');
    if (method && within(method, offset)) {
      if (method.text === 'iterrows') return { doc: DOCS.iterrows, node: method };
      if (method.text === 'apply') return { doc: DOCS.apply, node: method };
    }
  }
  return null;
}

function isClassLevelSlots(identifier: Node): boolean {
  const assignment = identifier.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.startIndex !== identifier.startIndex) return false;
  const statement = assignment.parent;
  const block = statement?.type === 'expression_statement' ? statement.parent : null;
  return block?.type === 'block' && block.parent?.type === 'class_definition';
}

/**
 * How far up from the token a construct note is looked for. A decorator or a callee is a few levels above
 * its tokens; a pathological expression (a sum of 50,000 terms on one line) is 50,000 levels deep, and
 * each step up costs tree-sitter a walk down from the root: walked to the top, one hover held the server
 * for over a minute (found by the protocol fuzzer).
 */
const MAX_LEVELS_UP = 64;

/** The construct note for the token at `offset`, if the guide has one for it. */
export function constructAt(root: Node, facts: FileFacts, offset: number): ConstructMatch | null {
  const leaf = root.descendantForIndex(offset, offset);
  if (!leaf) return null;
  const match = (doc: ConstructDoc, node: Node): ConstructMatch => ({ doc, start: node.startIndex, end: node.endIndex });
  const parent = leaf.parent;
  // Keywords: the leaf is the keyword token itself.
  if (leaf.type === 'async' && parent?.type === 'function_definition') return match(DOCS.asyncDef, leaf);
  if (leaf.type === 'def' && parent?.type === 'function_definition' && parent.child(0)?.type === 'async') return match(DOCS.asyncDef, leaf);
  if (leaf.type === 'yield' && parent?.type === 'yield') return match(DOCS.yield, leaf);
  if ((leaf.type === 'with' || leaf.type === 'async') && parent?.type === 'with_statement') {
    return match(parent.child(0)?.type === 'async' ? DOCS.asyncWith : DOCS.with, leaf);
  }
  if (leaf.type === 'identifier' && leaf.text === '__slots__' && isClassLevelSlots(leaf)) return match(DOCS.slots, leaf);
  // Decorators and calls: walk up from the token to the nearest enclosing one, a few levels at most.
  let levels = 0;
  for (let node: Node | null = leaf; node && levels < MAX_LEVELS_UP; node = node.parent, levels++) {
    if (node.type === 'decorator') {
      const found = decoratorDoc(node, facts);
      return found && within(found.node, offset) ? match(found.doc, found.node) : null;
    }
    if (node.type === 'call') {
      const found = callDoc(node, offset, facts);
      if (found) return match(found.doc, found.node);
      // The cursor is in this call's arguments (or its callee is not documented): look further out only
      // through the callee, never from inside an argument list.
      if (!within(node.childForFieldName('function') ?? node, offset)) return null;
    }
    if (node.type === 'block' || node.type === 'module' || node.type === 'function_definition' || node.type === 'class_definition') return null;
  }
  return null;
}

/** Hover Markdown for a construct note: title, the note, the guide link. */
export function renderConstructHover(doc: ConstructDoc, guideLink: string, guideTitle: string): string {
  return [`**\`${doc.title}\`** (perflens)`, '', doc.text, '', `[Guide: ${guideTitle}](${guideLink})`].join('\n');
}
