import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  cachedDefNames,
  cacheDecorator,
  definitionsNamed,
  definitionStatement,
  enclosingDef,
  FileFacts,
  keyedLintMemo,
  localOccurrences,
  parameterNames,
} from '../../server/analysis';
import { replaceNode } from '../../server/fixes';

/** Per file: module-level function name → its def when it is defined once and carries a cache decorator. */
/** The module-level def of `name` when there is exactly one and it is cached (memoised per file and name). */
const moduleCachedDef = keyedLintMemo((facts, name: string): Node | null => {
  const defs = moduleDefsNamed(facts, name);
  return defs.length === 1 && cacheDecorator(defs[0], facts) ? defs[0] : null;
});

/** The module-level defs named `name` (found where the text spells them: no walk over every function). */
function moduleDefsNamed(facts: FileFacts, name: string): Node[] {
  return definitionsNamed(facts, 'function_definition', name).filter((fn) => definitionStatement(fn).parent?.type === 'module');
}

/** The module-level cached def that a plain name refers to at node, or null. */
function cachedTarget(name: Node, ctx: RuleContext): Node | null {
  const def = moduleCachedDef(ctx.facts, name.text);
  if (!def || ctx.facts.binding(name.text)) return null;
  // Not rebound in an enclosing function.
  for (let fn = enclosingDef(name); fn; fn = enclosingDef(fn)) {
    if (parameterNames(fn).includes(name.text)) return null;
    const body = fn.childForFieldName('body');
    if (body && localOccurrences(body, name.text).some((id) => bindingOf(id))) return null;
  }
  return def;
}

/** The literal's hashable counterpart: a tuple for a list, a frozenset for a set; null for dicts. */
function hashableText(node: Node): string | null {
  const items = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (node.type === 'list') {
    if (items.some((i) => i.type === 'list_splat')) return `(${items.map((i) => i.text).join(', ')},)`;
    return items.length === 1 ? `(${items[0].text},)` : `(${items.map((i) => i.text).join(', ')})`;
  }
  if (node.type === 'set') return `frozenset(${node.text})`;
  if (node.type === 'list_comprehension') return `tuple(${node.text.slice(1, -1)})`;
  if (node.type === 'set_comprehension') return `frozenset(${node.text.slice(1, -1)})`;
  return null;
}

export default defineRule({
  id: 'cache-unhashable-argument',
  title: 'A cached function is called with a list, dict or set literal',
  category: 'caching',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'caching',
  message: 'Arguments of an `lru_cache` function must be hashable: this list/dict/set raises TypeError',
  docs: {
    why:
      '`functools.lru_cache` and `functools.cache` build the cache key from the arguments, so every argument must be ' +
      'hashable. Passing a list, dict or set raises `TypeError: unhashable type` before the function body even runs.',
    instead: 'Pass a tuple instead of a list, a `frozenset` instead of a set, and a tuple of items (or separate arguments) instead of a dict.',
    example: { before: '@lru_cache\ndef score(weights): ...\n\nscore([0.2, 0.8])', after: '@lru_cache\ndef score(weights): ...\n\nscore((0.2, 0.8))' },
  },
  fix: { safety: 'safe', title: 'Pass a hashable tuple / frozenset' },
  requires: ['functools'],
  // Only calls of a module-level def that may be cached can be reported (cachedTarget): the rule runs on those calls
  // alone, not in every walk over calls of a plain name with a literal argument.
  calls: { namesIn: cachedDefNames },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list [(list) (set) (dictionary) (list_comprehension) (set_comprehension) (dictionary_comprehension)] @arg)) @call
(call
  function: (identifier) @fn
  arguments: (argument_list
    (keyword_argument value: [(list) (set) (dictionary) (list_comprehension) (set_comprehension) (dictionary_comprehension)] @arg))) @call`,
  check(m, ctx) {
    const fnName = m.need('fn');
    const target = cachedTarget(fnName, ctx);
    if (!target) return;
    const arg = m.need('arg');
    const replacement = hashableText(arg);
    const kind = arg.type.startsWith('dictionary') ? 'dict' : arg.type.startsWith('set') ? 'set' : 'list';
    ctx.report({
      node: arg,
      message: `\`${fnName.text}\` is cached, so its arguments must be hashable: this ${kind} raises TypeError`,
      edits: replacement ? [replaceNode(arg, replacement)] : undefined,
    });
  },
});
