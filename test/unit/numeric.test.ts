// server/analysis/numeric.ts: syntax helpers shared by the numpy, pandas and numba rules.
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import { defineRule, type RuleDefinition } from '../../server/engine/rule';
import { enclosingJit, foldInteger, isPureReference, jitDecorator, stringLiteralValue, usedAfter } from '../../server/analysis/numeric';
import { valueBoundOnce } from '../../server/analysis/names';
import { scopeBody } from '../../server/analysis/scopes';
import { DIST } from '../helpers/engine';

async function probe(source: string, query: string, check: RuleDefinition['check']): Promise<string[]> {
  const rule = defineRule({
    id: 'numeric-probe',
    title: 'numeric probe',
    category: 'numba',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'numba',
    message: 'numeric probe message',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query,
    check,
  });
  const engine = await Engine.create([rule], DIST);
  try {
    const r = engine.lintText(source);
    assert.deepEqual(r.failures, []);
    return r.findings.map((f) => f.message);
  } finally {
    engine.dispose();
  }
}

describe('numeric helpers', () => {
  it('folds integers the source spells, names read as the caller says (one helper for sizes and counts)', async () => {
    const source = 'def f():\n    N = 8\n    I(1_000); I(0x20); I((3 + 4) * 2 // 3); I(N * 4); I(N); I(2 / 1); I(x * 2); I(99999999999999999999); I(7 % 2)';
    const byOnce = (arithmetic: boolean) =>
      probe(source, '(call function: (identifier) @f arguments: (argument_list (_) @a) (#eq? @f "I")) @c', (m, ctx) =>
        ctx.report({
          node: m.need('c'),
          message: String(
            foldInteger(
              m.need('a'),
              (id, fold) => {
                const value = valueBoundOnce(id);
                return value ? fold(value) : null;
              },
              arithmetic,
            ),
          ),
        }),
      );
    // True division, `%`, unknown names and literals beyond the exact range are not folded.
    assert.deepEqual(await byOnce(true), ['1000', '32', '4', '32', '8', 'null', 'null', 'null', 'null']);
    // Without arithmetic only literals and names (loopInfo's `range(n)` bounds).
    assert.deepEqual(await byOnce(false), ['1000', '32', 'null', 'null', '8', 'null', 'null', 'null', 'null']);
  });

  it('reads plain string literals only', async () => {
    const got = await probe(
      'S("a"); S(\'b c\'); S(f"x{y}"); S("a\\n"); S(b"x"); S(r"raw")',
      '(call function: (identifier) @f arguments: (argument_list (_) @a) (#eq? @f "S")) @c',
      (m, ctx) => ctx.report({ node: m.need('c'), message: String(stringLiteralValue(m.need('a'))) }),
    );
    assert.deepEqual(got, ['a', 'b c', 'null', 'null', 'null', 'raw']);
  });

  it('tells pure references from expressions with effects', async () => {
    const got = await probe(
      'P(df); P(df["a"]); P(self.frame.col); P(df[key]); P(load()["a"])',
      '(call function: (identifier) @f arguments: (argument_list (_) @a) (#eq? @f "P")) @c',
      (m, ctx) => ctx.report({ node: m.need('c'), message: String(isPureReference(m.need('a'))) }),
    );
    assert.deepEqual(got, ['true', 'true', 'true', 'false', 'false']);
  });

  it('usedAfter: a later read counts, an unconditional rebinding in the same block does not', async () => {
    const source = `
def f(xs):
    for i in range(3):
        pass
    for i in range(4):
        pass
    for j in range(3):
        pass
    print(j)
    for k in range(3):
        pass
    if xs:
        k = 1
    print(k)
`;
    const got = await probe(source, '(for_statement left: (identifier) @v) @loop', (m, ctx) => {
      const loop = m.need('loop');
      ctx.report({ node: loop, message: `${m.need('v').text}:${usedAfter(scopeBody(loop), m.need('v').text, loop.endIndex, loop)}` });
    });
    assert.deepEqual(got, ['i:false', 'i:false', 'j:true', 'k:true']);
  });

  it('recognises numba decorators and their mode and parallel options', async () => {
    const source = `
import numba
from numba import njit, jit, cuda
@njit
def a(x): return x
@numba.jit(nopython=True, parallel=True)
def b(x): return x
@jit(forceobj=True)
def c(x): return x
@cuda.jit
def d(x): x[0] = 1
def e(x): return x
`;
    const got = await probe(source, '(function_definition name: (identifier) @n) @def', (m, ctx) => {
      const j = jitDecorator(ctx.facts, m.need('def'));
      ctx.report({ node: m.need('n'), message: j ? `${j.name} nopython=${j.nopython} parallel=${j.parallel}` : 'none' });
    });
    assert.deepEqual(got, [
      'numba.njit nopython=true parallel=false',
      'numba.jit nopython=true parallel=true',
      'numba.jit nopython=false parallel=false',
      'numba.cuda.jit nopython=true parallel=false',
      'none',
    ]);
    const inside = await probe(source, '(return_statement) @r', (m, ctx) => {
      ctx.report({ node: m.need('r'), message: enclosingJit(ctx.facts, m.need('r'))?.jit.name ?? 'none' });
    });
    assert.deepEqual(inside, ['numba.njit', 'numba.jit', 'numba.jit', 'none']);
  });
});
