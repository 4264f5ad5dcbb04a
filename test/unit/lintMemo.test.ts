// server/analysis/nodeMemo.ts: the memos a lint keeps per FileFacts. A value is computed once per lint (falsy values
// included: a memo that tested `if (!known)` would recompute `false` on every ask), and never carried to another lint.
import * as assert from 'node:assert/strict';
import type { FileFacts } from '../../server/analysis/facts';
import { keyedLintMemo, lintMemo } from '../../server/analysis/nodeMemo';

/** Stand-ins for two lints' facts: the memos only use them as WeakMap keys. */
function twoLints(): [FileFacts, FileFacts] {
  return [{ text: 'a' } as unknown as FileFacts, { text: 'b' } as unknown as FileFacts];
}

describe('lintMemo and keyedLintMemo', () => {
  it('computes a value once per lint, false and undefined included', () => {
    for (const value of [false, undefined, 0, null, 'x']) {
      let computed = 0;
      const memo = lintMemo(() => {
        computed++;
        return value;
      });
      const [first, second] = twoLints();
      assert.equal(memo(first), value);
      assert.equal(memo(first), value);
      assert.equal(computed, 1, `computed ${computed} times for ${String(value)}`);
      memo(second);
      assert.equal(computed, 2, 'another lint computes its own');
    }
  });

  it('keeps one value per lint and key', () => {
    const asked: string[] = [];
    const memo = keyedLintMemo((facts, name: string) => {
      asked.push(`${facts.text}:${name}`);
      return name === 'none' ? null : name.length;
    });
    const [first, second] = twoLints();
    assert.equal(memo(first, 'load'), 4);
    assert.equal(memo(first, 'none'), null);
    assert.equal(memo(first, 'load'), 4);
    assert.equal(memo(first, 'none'), null);
    assert.equal(memo(second, 'load'), 4);
    assert.deepEqual(asked, ['a:load', 'a:none', 'b:load']);
  });
});
