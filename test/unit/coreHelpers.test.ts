// Shared helpers of the core-python/loops/resources/caching rules: ownership.ts (resource fate),
// loopInfo.ts (small loops, loop nests), caching.ts (cache decorators), codegen.ts (layout helpers).
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import { cacheDecorator, isInstanceMethod } from '../../server/analysis/caching';
import { freshName, ownsLines } from '../../server/fixes/codegen';
import { dedentLines, indentLines } from '../../server/fixes/indentation';
import type { FileFacts } from '../../server/analysis/facts';
import { isSmallLiteralLoop, loopNest } from '../../server/analysis/loopInfo';
import { scopeOf } from '../../server/analysis/names';
import { fateOfBinding } from '../../server/analysis/ownership';
import type { Node } from '../../server/syntax/parser';
import { defineRule } from '../../server/engine/rule';
import { DIST } from '../helpers/engine';

/** Runs fn on every node the query captures as @x, collecting the results. */
async function probe<T>(source: string, query: string, fn: (node: Node, facts: FileFacts, text: string) => T): Promise<T[]> {
  const out: T[] = [];
  const rule = defineRule({
    id: 'core-helpers-probe',
    title: 'probe',
    category: 'loops',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'comprehensions-and-loops',
    message: 'probe message here',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query,
    check(m, ctx) {
      out.push(fn(m.need('x'), ctx.facts, ctx.text));
    },
  });
  const engine = await Engine.create([rule], DIST);
  try {
    const { failures } = engine.lintText(source);
    assert.deepEqual(failures, []);
    return out;
  } finally {
    engine.dispose();
  }
}

describe('ownership.fateOfBinding', () => {
  const fates = (source: string) =>
    probe(source, '(expression_statement (assignment left: (identifier) @name (#eq? @name "r"))) @x', (stmt) => {
      const fate = fateOfBinding(stmt, 'r', scopeOf(stmt), { closeMethods: ['close'] });
      return fate.kind === 'local' ? (fate.release ? 'released' : 'dropped') : fate.kind;
    });

  it('tells managed, handed-on, closed-by-hand and dropped resources apart', async () => {
    assert.deepEqual(
      await fates(`
def a():
    r = get()
    with r:
        pass
def b():
    r = get()
    try:
        use(r.read())
    finally:
        r.close()
def c():
    r = get()
    return r
def d():
    r = get()
    r.read()
    r.close()
def e():
    r = get()
    print(r.read(), file=r)
def f():
    r = get()
    keep(r)
def g():
    r = get()
    def later():
        return r
`),
      ['managed', 'managed', 'escapes', 'released', 'dropped', 'escapes', 'escapes'],
    );
  });

  it('stops following a name at its next plain rebinding', async () => {
    assert.deepEqual(
      await fates(`
def h():
    r = get()
    r.close()
    r = get()
    return r
`),
      ['released', 'escapes'],
    );
  });
});

describe('loopInfo', () => {
  it('recognises loops with a handful of literal iterations', async () => {
    const got = await probe(
      'for i in range(3): pass\nfor i in range(2, 40): pass\nfor k in ("a", "b"): pass\nfor x in xs: pass\n',
      '(for_statement) @x',
      (loop, facts) => isSmallLiteralLoop(loop, facts),
    );
    assert.deepEqual(got, [true, false, true, false]);
  });

  it('counts a window range(start, start + k) as k passes, wherever it starts', async () => {
    const got = await probe(
      'for i in range(5 * j, 5 * j + 5, 1): pass\nfor i in range(a, a + 40): pass\nfor i in range(a, b + 5): pass\nfor i in range(a, a + 32, 4): pass\nfor i in range(a, a + n): pass\n',
      '(for_statement) @x',
      (loop, facts) => isSmallLiteralLoop(loop, facts),
    );
    assert.deepEqual(got, [true, false, false, true, false]);
  });

  it('reads for/if nests as comprehension clauses', async () => {
    const got = await probe(
      'for a in A:\n    if a:\n        for b in a if c else d:\n            out.append(b)\nfor a in A:\n    x = 1\n    out.append(a)\n',
      '(module (for_statement) @x)',
      (loop) => loopNest(loop, (stmts) => stmts.length === 1 && stmts[0].text.startsWith('out.append'))?.clauses ?? null,
    );
    assert.deepEqual(got, [['for a in A', 'if a', 'for b in (a if c else d)'], null]);
  });
});

describe('caching.cacheDecorator', () => {
  it('finds lru_cache / cache through aliases and reads the bound', async () => {
    const got = await probe(
      `
import functools
from functools import lru_cache as memo, cache
@functools.lru_cache(maxsize=None)
def a(x): ...
@memo(64)
def b(x): ...
@cache
def c(x): ...
@other
def d(x): ...
class K:
    @memo
    def m(self): ...
    @staticmethod
    @memo
    def s(x): ...
`,
      '(function_definition) @x',
      (fn, facts) => {
        const c = cacheDecorator(fn, facts);
        return c ? `${c.name}:${c.unbounded}:${isInstanceMethod(fn)}` : null;
      },
    );
    assert.deepEqual(got, [
      'functools.lru_cache:true:false',
      'functools.lru_cache:false:false',
      'functools.cache:true:false',
      null,
      'functools.lru_cache:false:true',
      'functools.lru_cache:false:false',
    ]);
  });
});

describe('codegen', () => {
  it('indents and dedents lines, checks line ownership and finds fresh names', async () => {
    const [owns] = await probe('x = 1  # c\ny = 2; z = 3\n', '(module) @x', (mod, facts, text) => {
      const [first, second] = mod.namedChildren.filter((c): c is Node => c !== null && c.type === 'expression_statement');
      return [ownsLines(text, first), ownsLines(text, second), freshName(facts, 'x'), freshName(facts, 'parts')];
    });
    assert.deepEqual(owns, [true, false, 'x_2', 'parts']);
    const text = 'a\n\n  b\n';
    assert.equal(indentLines(text, 0, text.length, '    '), '    a\n\n      b\n');
    assert.equal(dedentLines('    a\n      b', 0, 13, '    '), 'a\n  b');
  });
});
