import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  cacheDecorator,
  enclosingDef,
  findDescendants,
  isAsyncDef,
  isInstanceMethod,
  isLiteral,
  isNestedScope,
  parameterNames,
  repeatedUses,
} from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

/** Annotations that keep the domain small: ints and bools (a DP table), enums and literals. */
const DATA_PARAM =
  /^(text|texts|query|queries|prompt|prompts|sentence|sentences|doc|docs|document|documents|content|contents|payload|body|message|messages|url|urls|uri|request|req|input|inputs|data|batch|sample|samples|image|images|img|array|arr|tensor|embedding|embeddings|tokens|token_ids|features|x|row|record|html|code|source|string|s)$/i;
const DATA_TYPE = /\b(ndarray|Tensor|DataFrame|Series|bytes|NDArray)\b/;
const SMALL_DOMAIN = /^(int|bool|Literal\[.*\]|typing\.Literal\[.*\])$/;

export default defineRule({
  id: 'cache-unbounded',
  title: '@lru_cache(maxsize=None) / @functools.cache without a size bound',
  category: 'caching',
  severity: 'info',
  severityForms: [
    { severity: 'warning', when: 'on an `async def`, where the cache keeps a coroutine that can be awaited only once (a bug)' },
    {
      severity: 'hint',
      when: 'when no use in the file feeds the function varying arguments in a loop, per item or per request: nothing shows the cache growing',
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'caching#bound-caches-whose-inputs-are-open-ended',
  message: 'This cache has no size bound: every distinct argument tuple and its result stay in memory for the life of the process',
  docs: {
    why:
      '`@functools.cache` and `@lru_cache(maxsize=None)` never evict. For a function called with an open-ended ' +
      'stream of arguments (texts, paths, request parameters, arrays) the cache grows without limit, keeping every ' +
      'argument and result alive: a slow memory leak in servers and long training jobs.',
    instead:
      'Give the cache a bound that fits the working set, `@lru_cache(maxsize=1024)`. Unbounded caches are fine for a ' +
      'small, fixed domain, such as a recursive function over integers (dynamic programming), and a cache the code calls ' +
      'with a few arguments (a download, a config) stays small: without a call in a loop, per item or per request with ' +
      'varying arguments the finding is a hint. On an `async def` the ' +
      'cache is a bug whatever its bound: it keeps the coroutine, which can be awaited only once; cache the awaited result.',
    example: { before: '@lru_cache(maxsize=None)\ndef embed(text: str): ...', after: '@lru_cache(maxsize=4096)\ndef embed(text: str): ...' },
  },
  fix: {
    safety: 'unsafe',
    title: 'Bound the cache (maxsize=128)',
    reason: 'evicting entries changes hit rates (and recomputation cost); pick a bound that fits the working set',
  },
  requires: ['functools'],
  query: `(decorated_definition (decorator) definition: (function_definition name: (identifier) @name) @fn)`,
  check(m, ctx) {
    const fn = m.need('fn');
    const cache = cacheDecorator(fn, ctx.facts);
    if (!cache?.unbounded) return;
    if (isInstanceMethod(fn)) return; // cache-on-method reports those
    // On an `async def` the cache holds the coroutine object, not its result: the second call with the same arguments
    // returns the coroutine already awaited, and awaiting it raises RuntimeError. A bug, whatever the size bound.
    if (isAsyncDef(fn)) {
      ctx.report({
        node: cache.expr,
        severity: 'warning',
        message: `\`${m.need('name').text}\` is an \`async def\`: the cache keeps the coroutine object, not its result, so a second call with the same arguments returns an already-awaited coroutine and awaiting it raises RuntimeError; cache the awaited result instead (an async cache such as async-lru's \`alru_cache\`, or a dict of results)`,
      });
      return;
    }
    const params = fn.childForFieldName('parameters')?.namedChildren.filter((p): p is Node => p !== null && p.type !== 'comment') ?? [];
    const names = parameterNames(fn).filter((n) => n !== 'cls');
    // No arguments: at most one entry.
    if (names.length === 0) return;
    // Every parameter annotated with a small domain (int, bool, Literal): bounded by nature.
    const annotations = params.map((p) => p.childForFieldName('type')?.text ?? null);
    if (annotations.length > 0 && annotations.every((a) => a !== null && SMALL_DOMAIN.test(a))) return;
    // Report only functions fed open-ended data (texts, prompts, URLs, arrays…): caches keyed by
    // names, codes or configuration values stay small in practice.
    const dataLike = names.some((n) => DATA_PARAM.test(n)) || annotations.some((a) => a !== null && DATA_TYPE.test(a));
    if (!dataLike) return;
    // A recursive function over unannotated or int parameters is a dynamic programme.
    const name = m.need('name').text;
    const body = fn.childForFieldName('body');
    const recursive =
      body !== null && findDescendants(body, (n) => n.type === 'call' && n.childForFieldName('function')?.text === name, isNestedScope).length > 0;
    if (recursive && annotations.every((a) => a === null || SMALL_DOMAIN.test(a))) return;
    // The cache grows only with the distinct arguments it sees: only a use that repeats with varying arguments (a call in
    // a loop, per item or per request, the function mapped over items) shows it growing; a download or a loader called
    // once or twice keeps an entry or two, whatever a maxsize says.
    const growing = repeatedUses(fn, ctx.facts).find(feedsVaryingArguments);
    // A function defined inside another gets a new cache each time the outer one runs (quilt's per-decoder
    // `memoize_key` inside `__init__`): it lives as long as that closure, not the process.
    const outer = enclosingDef(fn);
    const message = outer
      ? `\`${name}\` has an unbounded cache, but it is defined inside \`${outer.childForFieldName('name')?.text ?? 'a function'}\`, so each call of that makes a new cache that lives only as long as the closure; set a \`maxsize\` only if that closure is kept for the life of the process`
      : growing
        ? `\`${name}\` has an unbounded cache and ${growing.type === 'call' ? 'is called with varying arguments where that repeats' : 'is run per item'} (line ${growing.startPosition.row + 1}): every distinct argument and result stays in memory; set a \`maxsize\``
        : `\`${name}\` has an unbounded cache, but no use in this file calls it with varying arguments in a loop, per item or per request, so it likely keeps a few entries; set a \`maxsize\` if callers elsewhere feed it open-ended data`;
    let edits;
    if (cache.name === 'functools.lru_cache' && cache.maxsize) edits = [replaceNode(cache.maxsize, '128')];
    else if (cache.name === 'functools.cache') {
      const lru = ensureImport(ctx.facts, 'functools', 'lru_cache');
      edits = [...lru.edits, replaceNode(cache.expr, `${lru.ref}(maxsize=128)`)];
    }
    ctx.report({ node: cache.expr, message, edits, severity: growing && !outer ? undefined : 'hint' });
  },
});

/** A repeated use that hands the function changing values: a call with an argument that is not a constant, or a reference handed to `map()` / workers. */
function feedsVaryingArguments(use: Node): boolean {
  if (use.type !== 'call') return true;
  const args = use.childForFieldName('arguments')?.namedChildren ?? [];
  return args.some((a) => {
    if (!a || a.type === 'comment') return false;
    const value = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    return !!value && !isLiteral(value) && !CONSTANT_NAME.test(value.text);
  });
}

/** A module constant by convention (`SQUAD_URL`): the same value on every call. */
const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;
