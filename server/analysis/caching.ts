// Recognising functools cache decorators on a def (`@lru_cache`, `@lru_cache(maxsize=None)`,
// `@functools.cache`, aliases included), shared by the caching rules.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { decoratorCallee, decoratorsOf } from './scopes';
import { keywordArgument } from './callArgs';
import { isSpelledBetween } from '../syntax/spelling';

export interface CacheDecorator {
  /** The decorator expression (without `@`). */
  expr: Node;
  /** `functools.lru_cache` or `functools.cache`. */
  name: string;
  /** The maxsize argument, when given. */
  maxsize: Node | null;
  /** No size bound: `@cache`, `maxsize=None`. */
  unbounded: boolean;
}

const CACHES = new Set(['functools.lru_cache', 'functools.cache']);

/**
 * The names of the module-level defs that may carry a cache decorator: every def cacheDecorator accepts, and a few it
 * does not. The last word of such a decorator's callee is `lru_cache` or `cache` (`@functools.cache`, `@ft.lru_cache(…)`)
 * or the local name an import or a soft import binds to one of them (`from functools import lru_cache as memo`,
 * `memo = lazy_import("functools.lru_cache")`), so the defs are found where the text spells those words, through the
 * file's carried word index: no walk over the file's defs. cache-unhashable-argument is anchored on calls of these names
 * (rule.calls.namesIn) instead of matching every call of a plain name with a literal argument, which was a sixth of a
 * keystroke's region query on typing.py.
 */
export function cachedDefNames(facts: FileFacts): ReadonlySet<string> {
  return cacheSpellings(facts).names;
}

/**
 * Every word a decorator that resolves to a functools cache spells as the last word of its callee (`lru_cache`, `cache`,
 * and the local names imports and soft imports bind to them: see cachedDefNames). Code that spells none of them holds no
 * such decorator (mayHoldCacheDecorator).
 */
export function cacheDecoratorWords(facts: FileFacts): readonly string[] {
  return cacheSpellings(facts).words;
}

/**
 * False when no decorator in text[start, end) can resolve to a functools cache: the text spells none of
 * cacheDecoratorWords. A text search (not the word index: nothing is recorded as read), a few microseconds for a class.
 */
export function mayHoldCacheDecorator(facts: FileFacts, start: number, end: number): boolean {
  for (const word of cacheDecoratorWords(facts)) if (isSpelledBetween(facts.text, word, start, end)) return true;
  return false;
}

/** cachedDefNames' names and the words it looked for (the soft imports' names among them), once per lint. */
function cacheSpellings(facts: FileFacts): { names: ReadonlySet<string>; words: readonly string[] } {
  const known = cachedNamesMemo.get(facts);
  if (known) return known;
  const names = new Set<string>();
  const words = ['lru_cache', 'cache'];
  for (const b of facts.importsOf('functools')) if (CACHES.has(b.target) && !words.includes(b.local)) words.push(b.local);
  const root = facts.root;
  const text = facts.text;
  for (let i = 0; i < words.length; i++) {
    // A word's offsets come in order, and a def's body often spells it again (functools spells `cache` 43 times in a
    // dozen statements): the statement found for one offset holds the next ones up to its end. Finding a top-level
    // statement walks the module's children from the first (a few hundred on a long file) each time it is asked.
    let statement: Node | null = null;
    // The decorated def of that statement (read once per statement): a spelling before its start is in a decorator.
    let def: Node | null | undefined;
    for (const at of facts.wordOffsets(words[i])) {
      if (statement === null || at >= statement.endIndex) {
        statement = root.firstChildForIndex(at);
        def = undefined;
        cachedDefStatementReads.count++;
      }
      if (!statement || statement.startIndex > at) continue;
      if (statement.type === 'decorated_definition') {
        if (def === undefined) def = statement.childForFieldName('definition');
        const name = def?.type === 'function_definition' && at < def.startIndex ? def.childForFieldName('name')?.text : undefined;
        if (name) names.add(name);
      } else if (statement.type === 'expression_statement' && endsQuotedName(text, at + words[i].length)) {
        // A soft import's string ends with the word: the name it binds may spell a decorator too.
        const left = statement.namedChild(0)?.type === 'assignment' ? statement.namedChild(0)!.childForFieldName('left') : null;
        if (left?.type === 'identifier' && !words.includes(left.text)) words.push(left.text);
      }
    }
  }
  const found = { names, words };
  cachedNamesMemo.set(facts, found);
  return found;
}

const cachedNamesMemo = new WeakMap<FileFacts, { names: ReadonlySet<string>; words: readonly string[] }>();

/** The number of top-level statements cachedDefNames looked up (tests: one per statement, not per spelling). */
export const cachedDefStatementReads = { count: 0 };

/** A quote right after the word: it ends a string such as a soft import's `"functools.lru_cache"`. */
function endsQuotedName(text: string, end: number): boolean {
  const ch = text.charCodeAt(end);
  return ch === 34 /* " */ || ch === 39; /* ' */
}

/** The cache decorator on a function definition, or null. */
export function cacheDecorator(fn: Node, facts: FileFacts): CacheDecorator | null {
  for (const expr of decoratorsOf(fn)) {
    const name = facts.qualifiedName(decoratorCallee(expr));
    if (!name || !CACHES.has(name)) continue;
    let maxsize: Node | null = null;
    if (expr.type === 'call') {
      const args = expr.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
      const kw = keywordArgument(expr, 'maxsize');
      maxsize = kw ? kw.childForFieldName('value') : (args.find((a) => a.type !== 'keyword_argument') ?? null);
    }
    const unbounded = name === 'functools.cache' || maxsize?.type === 'none';
    return { expr, name, maxsize, unbounded };
  }
  return null;
}

/** True when the def is a method (directly in a class body) that receives an instance. */
export function isInstanceMethod(fn: Node): boolean {
  const cls = fn.parent?.type === 'decorated_definition' ? fn.parent.parent?.parent : fn.parent?.parent;
  if (cls?.type !== 'class_definition') return false;
  return !decoratorsOf(fn).some((d) => /(^|\.)(staticmethod|classmethod)$/.test(decoratorCallee(d).text));
}
