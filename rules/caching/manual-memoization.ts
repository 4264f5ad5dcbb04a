import { defineRule } from '../../server/engine/rule';
import { escapeRegExp, type Node } from '../../server/syntax';
import { findDescendants, isNestedScope } from '../../server/analysis';

/** `memo` is a module-level `{}` / `dict()`, or a parameter defaulting to `{}`. */
function memoSource(fn: Node, memo: string, moduleDicts: Set<string>): boolean {
  const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
  for (const p of params) {
    if (p?.type === 'default_parameter' || p?.type === 'typed_default_parameter') {
      if (p.childForFieldName('name')?.text === memo)
        return ['dictionary', 'call'].includes(p.childForFieldName('value')?.type ?? '') && /^(\{\}|dict\(\))$/.test(p.childForFieldName('value')!.text);
    }
  }
  return moduleDicts.has(memo);
}

export default defineRule({
  id: 'manual-memoization',
  title: 'A hand-rolled memo dict',
  category: 'caching',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'caching',
  message: 'This function memoises results in a hand-made dict; `functools.lru_cache` does it with bounds, statistics and thread safety',
  docs: {
    why:
      'A module-level (or default-argument) dict used as a memo grows forever, is shared by every caller, has no ' +
      'way to clear or inspect it, and the check-then-store sequence is easy to get subtly wrong. ' +
      '`functools.lru_cache` implements the same idea in C with an optional size bound, `cache_info()` and `cache_clear()`.',
    instead: 'Delete the dict and the lookups and decorate the function with `@functools.lru_cache(maxsize=...)` (arguments must be hashable).',
    example: {
      before: '_memo = {}\n\ndef cost(n):\n    if n in _memo:\n        return _memo[n]\n    r = expensive(n)\n    _memo[n] = r\n    return r',
      after: 'import functools\n\n@functools.lru_cache(maxsize=1024)\ndef cost(n):\n    return expensive(n)',
    },
  },
  query: `
(function_definition
  name: (identifier) @name
  body: (block
    (if_statement
      condition: (comparison_operator (_) (identifier) @memo)) @test)) @fn`,
  check(m, ctx) {
    const test = m.need('test');
    const cond = test.childForFieldName('condition')!;
    const op = cond.childForFieldName('operators')?.type;
    if (op !== 'in' && op !== 'not in') return;
    const memo = m.need('memo').text;
    const key = cond.namedChild(0)!.text;
    const fn = m.need('fn');
    const moduleDicts = new Set<string>();
    for (const stmt of ctx.facts.root.namedChildren) {
      const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
      if (a?.type === 'assignment' && a.childForFieldName('left')?.type === 'identifier' && /^(\{\}|dict\(\))$/.test(a.childForFieldName('right')?.text ?? ''))
        moduleDicts.add(a.childForFieldName('left')!.text);
    }
    if (!memoSource(fn, memo, moduleDicts)) return;
    // A store memo[key] = … somewhere in the function.
    const body = fn.childForFieldName('body')!;
    const stores = findDescendants(
      body,
      (n) => {
        if (n.type !== 'assignment') return false;
        const left = n.childForFieldName('left');
        return left?.type === 'subscript' && left.childForFieldName('value')?.text === memo && left.childForFieldName('subscript')?.text === key;
      },
      isNestedScope,
    );
    if (stores.length === 0) return;
    // …and the cached value is what the function returns (a "seen" set of flags is not a memo).
    const returnsMemo = findDescendants(
      body,
      (n) => n.type === 'return_statement' && n.namedChild(0)?.type === 'subscript' && n.namedChild(0)!.childForFieldName('value')?.text === memo,
      isNestedScope,
    );
    if (returnsMemo.length === 0) return;
    // Entries removed again (`del memo[k]`, `memo.pop(k)`) make it a guard or a registry, not a memo.
    const escaped = escapeRegExp(memo);
    if (new RegExp(`\\bdel\\s+${escaped}\\[|\\b${escaped}\\.(pop|popitem|clear)\\(`).test(ctx.text)) return;
    ctx.report({
      node: m.need('name'),
      message: `\`${m.need('name').text}\` memoises results in \`${memo}\` by hand; use \`@functools.lru_cache(maxsize=...)\` instead`,
    });
  },
});
