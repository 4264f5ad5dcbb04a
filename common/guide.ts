// The guide's sections (catalog §3). Rules link to one of these slugs; guide/<slug>.md holds the text.
export interface GuideSection {
  slug: string;
  title: string;
  part: string;
}

export const GUIDE_SECTIONS: readonly GuideSection[] = [
  { slug: 'profiling', title: 'Profile before you optimise', part: 'Part I: Measure first' },
  { slug: 'timing-and-benchmarks', title: 'Timing code correctly (timeit, perf_counter, warm-up)', part: 'Part I: Measure first' },
  { slug: 'memory-profiling', title: 'Finding memory hogs (tracemalloc, memory_profiler, objgraph, Pympler)', part: 'Part I: Measure first' },
  {
    slug: 'execution-model',
    title: 'Bytecode, the PVM, `dis`, constant folding, `-O`; objects, refcounts and identity',
    part: 'Part II: How CPython runs your code',
  },
  { slug: 'gil', title: "The GIL: what it blocks and what it doesn't (incl. free-threaded builds)", part: 'Part II: How CPython runs your code' },
  { slug: 'scopes-and-lookups', title: 'LEGB, local vs global names, attribute lookups in loops', part: 'Part II: How CPython runs your code' },
  { slug: 'builtins-and-data-structures', title: 'Built-ins and the right container (deque, set, Counter, array)', part: 'Part III: Idiomatic fast Python' },
  {
    slug: 'comprehensions-and-loops',
    title: 'Comprehensions, `join`, and built-in reductions instead of manual loops',
    part: 'Part III: Idiomatic fast Python',
  },
  { slug: 'complexity', title: 'Big-O in practice: the pairwise-distance example', part: 'Part III: Idiomatic fast Python' },
  { slug: 'algorithmic-patterns', title: 'Memoization/DP, greedy, divide and conquer', part: 'Part III: Idiomatic fast Python' },
  { slug: 'decorators', title: 'Decorators: `functools.wraps`, factories, timing/validation/logging/registration', part: 'Part IV: Language constructs' },
  { slug: 'generators-and-iterators', title: 'Iterator protocol, generator functions and expressions, itertools', part: 'Part IV: Language constructs' },
  { slug: 'streaming-large-data', title: 'Streaming data in batches instead of loading everything', part: 'Part IV: Language constructs' },
  { slug: 'context-managers', title: 'Context managers: class-based, `contextlib`, exception semantics, ML uses', part: 'Part IV: Language constructs' },
  { slug: 'async-context-managers-and-generators', title: '`async with`, `@asynccontextmanager`, async generators', part: 'Part IV: Language constructs' },
  { slug: 'metaclasses-and-registries', title: 'Metaclasses vs class decorators for registries', part: 'Part IV: Language constructs' },
  { slug: 'descriptors', title: 'Descriptors: `__get__`/`__set__`/`__set_name__`', part: 'Part IV: Language constructs' },
  { slug: 'slots', title: '`__slots__`: savings, inheritance, weakrefs, pitfalls', part: 'Part IV: Language constructs' },
  { slug: 'dataclasses-and-records', title: 'dataclass, NamedTuple, TypedDict, pydantic models', part: 'Part IV: Language constructs' },
  { slug: 'typing-and-protocols', title: 'Type hints, Protocols, ABCs, Generics', part: 'Part IV: Language constructs' },
  { slug: 'memory-model', title: 'Reference counting, GC, weakref, `del` and `__del__`', part: 'Part V: Memory' },
  { slug: 'compact-dtypes', title: 'Smaller dtypes: float32, int8, category, downcasting', part: 'Part V: Memory' },
  { slug: 'caching', title: 'Memoization with `lru_cache`/`cache`, TTL caches, when not to cache', part: 'Part VI: Caching' },
  { slug: 'choosing-a-concurrency-model', title: 'Threads vs processes vs asyncio: decision table', part: 'Part VII: Concurrency' },
  { slug: 'threading', title: 'Threads, locks and sync primitives; producer/consumer', part: 'Part VII: Concurrency' },
  { slug: 'multiprocessing', title: 'Process pools, the `__main__` guard, IPC', part: 'Part VII: Concurrency' },
  { slug: 'concurrent-futures', title: '`ThreadPoolExecutor` / `ProcessPoolExecutor`, futures', part: 'Part VII: Concurrency' },
  { slug: 'asyncio-fundamentals', title: 'Coroutines, tasks, `gather`/`wait`/`as_completed`, `asyncio.run`', part: 'Part VII: Concurrency' },
  { slug: 'asyncio-pitfalls', title: 'Never block the event loop; offloading CPU work', part: 'Part VII: Concurrency' },
  { slug: 'numpy-vectorization', title: 'Replace Python loops with array operations', part: 'Part VIII: Numerical Python' },
  {
    slug: 'numpy-broadcasting-and-indexing',
    title: 'Broadcasting, views vs copies, einsum, stride tricks, memory layout',
    part: 'Part VIII: Numerical Python',
  },
  { slug: 'numba', title: 'Numba: `@njit`, nopython mode, `parallel`/`prange`, `@vectorize`, CUDA kernels', part: 'Part VIII: Numerical Python' },
  { slug: 'native-extensions', title: 'C API, ctypes, Cython: when JIT is not enough', part: 'Part VIII: Numerical Python' },
  { slug: 'pandas-vectorization', title: 'Vectorized pandas: `.str`/`.dt`, avoiding iterrows and apply', part: 'Part IX: pandas' },
  { slug: 'pandas-large-data', title: 'Large data: chunks, Parquet/Feather, filter early, Dask', part: 'Part IX: pandas' },
  { slug: 'tf-data-pipelines', title: 'tf.data: parallel map, batch, prefetch, cache', part: 'Part X: Deep-learning frameworks' },
  { slug: 'tf-function-and-tracing', title: '`@tf.function`, tracing and retracing, `tf.print`, eager debugging', part: 'Part X: Deep-learning frameworks' },
  { slug: 'tf-mixed-precision-and-distribution', title: 'Mixed precision, loss scaling, XLA, `tf.distribute`', part: 'Part X: Deep-learning frameworks' },
  { slug: 'pytorch-data-loading', title: '`DataLoader`: workers, pinned memory, samplers, collate', part: 'Part X: Deep-learning frameworks' },
  {
    slug: 'pytorch-gpu-efficiency',
    title: 'Avoiding CPU-GPU syncs, non-blocking copies, batching, device-agnostic code, GPU memory',
    part: 'Part X: Deep-learning frameworks',
  },
  {
    slug: 'pytorch-amp-and-compile',
    title: "AMP with `torch.amp`, GradScaler, `torch.compile`, TorchScript's status",
    part: 'Part X: Deep-learning frameworks',
  },
  { slug: 'pytorch-distributed', title: 'DDP vs DataParallel, process groups, DistributedSampler', part: 'Part X: Deep-learning frameworks' },
  { slug: 'design-patterns', title: 'Strategy, pipeline, singleton, factory, observer, registry', part: 'Part XI: Design, robustness and tooling' },
  {
    slug: 'configuration-and-architecture',
    title: 'Externalised config, validation models, service architecture',
    part: 'Part XI: Design, robustness and tooling',
  },
  {
    slug: 'dynamic-code-and-security',
    title: 'eval/exec and their safe alternatives; validation that survives `-O`; timeouts',
    part: 'Part XI: Design, robustness and tooling',
  },
  { slug: 'logging-and-debugging', title: 'Logging config and context, pdb/breakpoint/post-mortem, warnings', part: 'Part XI: Design, robustness and tooling' },
  { slug: 'testing-ml-code', title: 'pytest/unittest for data and model code', part: 'Part XI: Design, robustness and tooling' },
  { slug: 'environments-and-packaging', title: 'venv/conda/uv, requirements, pyproject, publishing', part: 'Part XI: Design, robustness and tooling' },
  { slug: 'using-perflens', title: 'Using perflens: configuration, suppressions and fixes', part: 'Part XI: Design, robustness and tooling' },
];

export const GUIDE_SLUGS: ReadonlySet<string> = new Set(GUIDE_SECTIONS.map((s) => s.slug));

export function guideSection(slug: string): GuideSection | undefined {
  return GUIDE_SECTIONS.find((s) => s.slug === slug.split('#')[0]);
}
