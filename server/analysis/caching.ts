// Recognising functools cache decorators on a def (`@lru_cache`, `@lru_cache(maxsize=None)`,
// `@functools.cache`, aliases included), shared by the caching rules.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { decoratorCallee, decoratorsOf } from './scopes';
import { keywordArgument } from './callArgs';

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
