import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindersSpelling,
  cacheDecorator,
  callArguments,
  findDescendants,
  isNestedScope,
  isVariable,
  parameterDefault,
  parameterNames,
  referencesTo,
  valueBoundOnce,
  valuesAssignedTo,
  type FileFacts,
} from '../../server/analysis';

/** Calls whose result changes from call to call (time, randomness, the network, the environment). */
const VARYING = [
  /^random\./,
  /^numpy\.random\./,
  /^secrets\./,
  /^uuid\.uuid[14]$/,
  /^time\.(time|time_ns|monotonic|monotonic_ns|perf_counter|perf_counter_ns|localtime|gmtime|ctime|strftime)$/,
  /^datetime\.(datetime|date)\.(now|utcnow|today)$/,
  /^(requests|httpx)\.(get|post|put|patch|delete|head|request)$/,
  /^urllib\.request\.urlopen$/,
  /^os\.stat$/,
  /^os\.path\.(getmtime|getsize)$/,
];

/** Random generators built from a seed: the same seed gives the same draws. */
const SEEDED_GENERATOR = /^(numpy\.random\.(default_rng|RandomState|Generator|SeedSequence|PCG64|PCG64DXSM|MT19937|Philox|SFC64)|random\.Random)$/;
/** Built-ins that compute a seed from their arguments alone (`int(hash((seed, epoch, index)) % 1e6)`). */
const BINDERS: ReadonlySet<string> = new Set(['assignment', 'augmented_assignment', 'for_statement', 'named_expression']);
const PURE_BUILTINS = new Set(['int', 'abs', 'hash', 'round', 'min', 'max', 'sum', 'len', 'tuple', 'str']);

/**
 * The expression depends only on the function's parameters and literals: names are parameters, or locals assigned
 * only from such expressions (one step back); calls are pure built-ins; no attribute of `self` or a global.
 */
function fromArgumentsOnly(expr: Node, fn: Node, params: readonly string[], depth = 0): boolean {
  if (depth > 2) return false;
  if (expr.type === 'attribute' || findDescendants(expr, (n) => n.type === 'attribute').length > 0) return false;
  const ids = expr.type === 'identifier' ? [expr] : findDescendants(expr, (n) => n.type === 'identifier');
  return ids.every((id) => {
    const p = id.parent;
    if (p?.type === 'call' && p.childForFieldName('function')?.equals(id)) return PURE_BUILTINS.has(id.text);
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id)) return true;
    const body = fn.childForFieldName('body');
    const assigned = body ? bindersSpelling(body, id.text, BINDERS).filter((a) => a.endIndex <= id.startIndex) : [];
    if (assigned.length === 0) return params.includes(id.text);
    return assigned.every(
      (a) =>
        a.childForFieldName('left')?.type === 'identifier' &&
        a.childForFieldName('right') !== null &&
        fromArgumentsOnly(a.childForFieldName('right')!, fn, params, depth + 1),
    );
  });
}

/** `np.random.default_rng(seed)` with a seed computed from the arguments only: a pure function of the cache key. */
function seededFromArguments(call: Node, fn: Node, ctx: RuleContext): boolean {
  if (!SEEDED_GENERATOR.test(ctx.facts.qualifiedName(call.childForFieldName('function')) ?? '')) return false;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  const params = parameterNames(fn);
  return args.length > 0 && args.every((a) => fromArgumentsOnly(a.type === 'keyword_argument' ? a.childForFieldName('value')! : a, fn, params));
}

function describeVarying(call: Node, ctx: RuleContext): string | null {
  const fn = call.childForFieldName('function');
  const name = ctx.facts.qualifiedName(fn);
  if (name && VARYING.some((re) => re.test(name))) return `${fn!.text}()`;
  // `datetime.now()` after `from datetime import datetime`
  if (fn?.type === 'attribute' && ['now', 'utcnow', 'today'].includes(fn.childForFieldName('attribute')!.text)) {
    const obj = ctx.facts.qualifiedName(fn.childForFieldName('object'));
    if (obj === 'datetime.datetime' || obj === 'datetime.date') return `${fn.text}()`;
  }
  if (fn?.type === 'identifier' && fn.text === 'input' && ctx.facts.isBuiltin('input', call)) return 'input()';
  return null;
}

/** Clock reads: a cache key computed from one changes as time passes. */
const CLOCK = /^(time\.(time|time_ns|monotonic|monotonic_ns)|datetime\.(datetime|date)\.(now|utcnow|today))$/;

/** The expression reads the clock: directly, or through a local bound once to such a value (`bucket = int(time.time() // 600)`). */
function readsClock(expr: Node, facts: FileFacts, depth = 0): boolean {
  if (depth > 2) return false;
  const calls = expr.type === 'call' ? [expr] : [];
  calls.push(...findDescendants(expr, (n) => n.type === 'call', isNestedScope));
  if (calls.some((c) => CLOCK.test(facts.qualifiedName(c.childForFieldName('function')) ?? ''))) return true;
  const ids = expr.type === 'identifier' ? [expr] : findDescendants(expr, (n) => n.type === 'identifier', isNestedScope);
  return ids.some((id) => {
    const value = valueBoundOnce(id);
    return value !== null && readsClock(value, facts, depth + 1);
  });
}

/**
 * The arguments a reference to the cached function passes it: those of a call `f(a, b)`, or those after it where it is
 * handed on with them (`executor.submit(f, a)`, `functools.partial(f, a)`); null for any other use.
 */
function argumentsPassed(ref: Node): Node[] | null {
  const parent = ref.parent;
  if (parent?.type === 'call' && parent.childForFieldName('function')?.equals(ref)) return callArguments(parent);
  if (parent?.type === 'argument_list' && parent.parent?.type === 'call') {
    const args = callArguments(parent.parent);
    return args.slice(args.findIndex((a) => a.equals(ref)) + 1);
  }
  return null;
}

/**
 * Every use of the function in this file passes an argument computed from the clock (jesse's update check keyed by
 * `int(time.monotonic() // UPDATE_INFO_CACHE_SECONDS)`): the key changes as time passes, so the cache already expires
 * by design, and a stale result lives one period at most.
 */
function keyedByClock(fn: Node, facts: FileFacts): boolean {
  const refs = referencesTo(fn, facts);
  return (
    refs.length > 0 &&
    refs.every((ref) => {
      const args = argumentsPassed(ref);
      return args !== null && args.some((a) => readsClock(a.type === 'keyword_argument' ? (a.childForFieldName('value') ?? a) : a, facts));
    })
  );
}

/** HTTP GETs: how a published dataset is fetched. */
const DOWNLOAD = /^((requests|httpx)\.get|urllib\.request\.urlopen)$/;
/** An address of published data: a repository's files (raw or through the contents API), a data archive, a data file. */
const DATA_ADDRESS =
  /\/\/(raw\.githubusercontent\.com|api\.github\.com\/repos\/[^/"']+\/[^/"']+\/contents|zenodo\.org|figshare\.com|huggingface\.co\/datasets)\b|\.(csv|tsv|parquet|feather|zip|gz|bz2|xz|tar|npz|npy|h5|hdf5|nc|arff|xlsx?)(["'?#]|$)/i;
/** A function named for loading a dataset (`load_dataset`, `list_datasets`, `fetch_corpus`). */
const DATASET_NAME = /(^|_)(datasets?|corpus|corpora)(_|$)/i;

/**
 * Every download in the function fetches a fixed, published dataset, which is the caching the author wants (pastas'
 * `load_dataset(name)` reads a folder of its data repository on GitHub, then the files it lists): each address is built
 * from the arguments, module-level string constants and what the function itself computed, at least one from an address
 * constant, and that address or the function's name says it is published data. An address the caller passes whole, one
 * read from an object's state (`self.url`), the environment or any other module, or of an API that is not a data store
 * (`latest_price(sym)`'s quote service) is not known to give the same answer twice.
 */
function downloadsPublishedData(fn: Node, body: Node, facts: FileFacts): boolean {
  const name = fn.childForFieldName('name')?.text ?? '';
  const downloads = findDescendants(body, (n) => n.type === 'call' && DOWNLOAD.test(facts.qualifiedName(n.childForFieldName('function')) ?? ''), isNestedScope);
  let published = false;
  for (const call of downloads) {
    const url = callArguments(call).find((a) => a.type !== 'keyword_argument' || a.childForFieldName('name')?.text === 'url');
    const address = url ? fixedAddress(url.type === 'keyword_argument' ? url.childForFieldName('value')! : url, facts) : null;
    if (address === null) return false;
    // Anchored on a written address (`://`): a path the caller passes, with `.csv` added, is not a published one.
    const text = address.join(' ');
    if (text.includes('://') && (DATA_ADDRESS.test(text) || DATASET_NAME.test(name))) published = true;
  }
  return published;
}

/**
 * The address strings an expression is built from (its literals and the module-level string constants it reads), or
 * null when it reads anything else than those, the function's own names and built-ins: `self`, an import, a module-level
 * name bound to something other than a string.
 */
function fixedAddress(expr: Node, facts: FileFacts): string[] | null {
  const strings = [expr, ...findDescendants(expr, (n) => n.type === 'string')].filter((n) => n.type === 'string').map((n) => n.text);
  const ids = expr.type === 'identifier' ? [expr] : findDescendants(expr, (n) => n.type === 'identifier' && isVariable(n));
  // valuesAssignedTo reads the scope around the node it is given: any top-level statement stands for the module.
  const moduleLevel = facts.root.namedChild(0);
  for (const id of ids) {
    if (id.text === 'self' || id.text === 'cls' || facts.importsName(id.text)) return null;
    const constants = moduleLevel ? valuesAssignedTo(id.text, moduleLevel, facts) : [];
    if (constants.some((v) => v.type !== 'string')) return null;
    strings.push(...constants.map((v) => v.text));
  }
  return strings;
}

export default defineRule({
  id: 'cache-impure-function',
  title: 'Memoising a function with side effects or time-varying results',
  category: 'caching',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'caching',
  message: 'A cached function returns time-varying results or has side effects; the cache returns stale values and skips the effects',
  docs: {
    why:
      'A cache assumes the function is pure: same arguments, same result, nothing else happening. If the body reads ' +
      'the clock, a random generator, the network, the environment or the file system, the first result is ' +
      'returned forever after; if it writes globals, those writes happen only on the first call for each argument. ' +
      'A function without arguments and a one-entry cache (`maxsize=1`) are the "do it once" idiom, where keeping the ' +
      'first answer is intended: the rule is silent on them. So it is where every call in the file passes an argument ' +
      'computed from the clock (`int(time.monotonic() // 900)`): the key changes as time passes, so the cache expires by design.',
    instead:
      'Remove the cache, or cache only the pure part. For values that may be reused for a while, use a cache with ' +
      'expiry (a TTL cache) instead of `lru_cache`.',
    example: {
      before: '@lru_cache\ndef latest_price(sym):\n    return requests.get(URL + sym, timeout=5).json()',
      after: 'def latest_price(sym):\n    return requests.get(URL + sym, timeout=5).json()',
    },
  },
  requires: ['functools'],
  query: `(decorated_definition (decorator) definition: (function_definition name: (identifier) @name body: (block) @body) @fn)`,
  check(m, ctx) {
    const fn = m.need('fn');
    const cache = cacheDecorator(fn, ctx.facts);
    if (!cache) return;
    // With no arguments, caching is the "compute once" idiom: reading the environment or the
    // network once is then the point.
    const params = parameterNames(fn).filter((p, i) => !(i === 0 && (p === 'self' || p === 'cls')));
    if (params.length === 0) return;
    // Every argument optional and `None` unless given (upgini's `_compute_track_metrics(client_ip=None, client_visitorid=None)`,
    // which gathers the machine's identity once behind an in-flight lock): the same idiom with overrides (review73: judged
    // wrong, dropping the cache would hit the network on every log event).
    if (params.every((p) => parameterDefault(fn, p)?.type === 'none')) return;
    // `@lru_cache(maxsize=1)`: one entry, no memo of many keys; the author keeps the latest answer on purpose (PyPSA's
    // update check asks GitHub once per session), so a result that ages is the point, not a mistake.
    if (cache.maxsize?.type === 'integer' && Number(cache.maxsize.text) === 1) return;
    const body = m.need('body');
    // Nothing returned, nothing to reuse: the cache only makes the call happen once per argument, which is then the
    // point (detectron2's create_local_process_group sets up a process group once per size).
    if (!findDescendants(body, (n) => n.type === 'return_statement' && n.namedChildCount > 0, isNestedScope).length) return;
    let reason: string | null = null;
    const published = downloadsPublishedData(fn, body, ctx.facts);
    for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
      // A generator seeded from the arguments draws the same numbers for the same key: the cached result stays right.
      if (seededFromArguments(call, fn, ctx)) continue;
      if (published && DOWNLOAD.test(ctx.facts.qualifiedName(call.childForFieldName('function')) ?? '')) continue;
      reason = describeVarying(call, ctx);
      if (reason) break;
    }
    if (!reason && writesDeclaredGlobal(body)) reason = 'global';
    if (!reason) return;
    if (keyedByClock(fn, ctx.facts)) return;
    const name = m.need('name').text;
    const what =
      reason === 'global' ? 'assigns module globals, which then happens only on cache misses' : `calls \`${reason}\`, so the cached result goes stale`;
    ctx.report({ node: cache.expr, message: `cached \`${name}\` ${what}; drop the cache or use one that expires` });
  },
});

/** Methods that change the object they are called on: a declared global changed through one is written. */
const MUTATING_METHODS = new Set(['append', 'extend', 'insert', 'update', 'add', 'pop', 'popitem', 'remove', 'discard', 'clear', 'setdefault']);

/**
 * The body writes a name it declares `global`: binds it (`_calls += 1`), stores into it (`_groups[k] = v`), deletes from
 * it or calls a mutating method on it. A `global` only read (lookyloo's `get_config` tests `configs` and reads entries;
 * the helper it calls loads them once) makes no write that the cache would skip: judged wrong in review53.
 */
function writesDeclaredGlobal(body: Node): boolean {
  const declared = new Set(
    findDescendants(body, (n) => n.type === 'global_statement', isNestedScope).flatMap((g) =>
      g.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text),
    ),
  );
  if (declared.size === 0) return false;
  const rootName = (n: Node | null): string | null => {
    let root = n;
    while (root && (root.type === 'attribute' || root.type === 'subscript')) root = root.childForFieldName(root.type === 'attribute' ? 'object' : 'value');
    return root?.type === 'identifier' ? root.text : null;
  };
  const writes = (n: Node): boolean => {
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      const targets = left ? (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern' ? left.namedChildren : [left]) : [];
      return targets.some((t) => declared.has(rootName(t) ?? ''));
    }
    if (n.type === 'delete_statement') return n.namedChildren.some((t) => declared.has(rootName(t) ?? ''));
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      return (
        fn?.type === 'attribute' &&
        MUTATING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '') &&
        declared.has(rootName(fn.childForFieldName('object')) ?? '')
      );
    }
    return false;
  };
  return findDescendants(body, writes, isNestedScope).length > 0;
}
