// Fix safety labels of the loop and generator rewrites. The fixture tests apply unsafe fixes too,
// so they cannot tell a safe fix from an unsafe one: these tests check the label and its reason.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

/** The rule's findings as [1-based line, fix safety or 'none', reason]. */
async function labels(ruleId: string, lines: string[]): Promise<[number, string, string | undefined][]> {
  const engine = await getEngine();
  const result = engine.lintText(lines.join('\n') + '\n', { select: [ruleId] });
  assert.deepEqual(result.failures, []);
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => [result.lines.positionAt(f.start).line + 1, f.fix?.safety ?? 'none', f.fix?.reason]);
}

describe('fix safety of loop rewrites', () => {
  describe('append-loop-to-comprehension', () => {
    const typed = (filter: boolean) => [
      'import torch',
      'from typing import List',
      'def axes(rank: int, axis: int) -> List[int]:',
      '    out: List[int] = []',
      '    for i in range(rank):',
      ...(filter ? ['        if i != axis:', '            out.append(i)'] : ['        out.append(i)']),
      '    return out',
    ];

    it('append-loop-to-comprehension: an annotated list in a torch module needing an if clause is unsafe (TorchScript)', async () => {
      const [[line, safety, reason]] = await labels('append-loop-to-comprehension', typed(true));
      assert.equal(line, 5);
      assert.equal(safety, 'unsafe');
      assert.match(reason ?? '', /TorchScript/);
    });

    it('append-loop-to-comprehension: TorchScript accepts a plain comprehension, and a file without torch is not TorchScript', async () => {
      assert.deepEqual(await labels('append-loop-to-comprehension', typed(false)), [[5, 'safe', undefined]]);
      assert.deepEqual(await labels('append-loop-to-comprehension', typed(true).slice(1)), [[4, 'safe', undefined]]);
    });

    it('append-loop-to-comprehension: a type: ignore or noqa comment that would move makes the fix unsafe', async () => {
      for (const pragma of ['# type: ignore[attr-defined]', '# noqa: E501', '# pylint: disable=no-member']) {
        const found = await labels('append-loop-to-comprehension', [
          'def f(xs):',
          '    out = []',
          '    for x in xs:',
          `        out.append(x.y)  ${pragma}`,
          '    return out',
        ]);
        assert.equal(found.length, 1);
        assert.equal(found[0][1], 'unsafe', pragma);
        assert.match(found[0][2] ?? '', /no longer applies/);
      }
      const plain = await labels('append-loop-to-comprehension', [
        'def f(xs):',
        '    out = []',
        '    for x in xs:',
        '        out.append(x.y)  # the y part',
        '    return out',
      ]);
      assert.deepEqual(plain, [[3, 'safe', undefined]]);
    });
  });

  describe('manual-sum-loop', () => {
    it('manual-sum-loop: a type: ignore comment that would move makes the fix unsafe', async () => {
      const source = [
        'def f(nodes, ops):',
        '    n = 0',
        '    for node in nodes:',
        '        if node.target not in ops:  # type: ignore[arg-type]',
        '            n += 1',
        '    return n',
      ];
      const [[line, safety, reason]] = await labels('manual-sum-loop', source);
      assert.deepEqual([line, safety], [3, 'unsafe']);
      assert.match(reason ?? '', /type: ignore\[arg-type\].*no longer applies/);
      assert.deepEqual(
        await labels(
          'manual-sum-loop',
          source.map((l) => l.replace('type: ignore[arg-type]', 'not an op')),
        ),
        [[3, 'safe', undefined]],
      );
    });

    it('manual-sum-loop: a clause continued with a backslash gets no fix', async () => {
      const source = [
        'def f(nodes, ops):',
        '    n = 0',
        '    for node in nodes:',
        '        if node.op == "call" and \\',
        '           node.target not in ops:',
        '            n += 1',
        '    return n',
      ];
      assert.deepEqual(await labels('manual-sum-loop', source), [[3, 'none', undefined]]);
    });
  });

  describe('tf-function-created-in-loop', () => {
    it('tf-function-created-in-loop: no hoisting fix when the name is bound again in the loop (the move would change which function a later iteration calls)', async () => {
      const source = (second: string) => [
        'import tensorflow as tf',
        'def run(model, ds):',
        '    for batch in ds:',
        '        f = tf.function(lambda x: model(x))',
        '        f(batch)',
        `        ${second}`,
        '        f(batch)',
      ];
      assert.deepEqual(await labels('tf-function-created-in-loop', source('f = tf.function(lambda x: model(x) * 2)')), [
        [4, 'none', undefined],
        [6, 'none', undefined],
      ]);
      assert.deepEqual(await labels('tf-function-created-in-loop', source('g = tf.function(lambda x: model(x) * 2)')), [
        [4, 'unsafe', 'Python side effects of tracing then happen once instead of on every iteration'],
        [6, 'unsafe', 'Python side effects of tracing then happen once instead of on every iteration'],
      ]);
    });
  });

  describe('readlines-iteration', () => {
    const source = (exit: string, after: string) => [
      'def split_header(path):',
      '    header = []',
      '    with open(path) as f:',
      '        for line in f.readlines():',
      `            if line == "---\\n":`,
      `                ${exit}`,
      '            header.append(line)',
      `        ${after}`,
      '    return header',
    ];

    it('readlines-iteration: a loop that can stop early, with the file read after it, is unsafe', async () => {
      const [[line, safety, reason]] = await labels('readlines-iteration', source('break', 'body = f.read()'));
      assert.deepEqual([line, safety], [4, 'unsafe']);
      assert.match(reason ?? '', /stop early/);
      // any() stops consuming the generator at the first match.
      const lazy = [
        'def marked(path):',
        '    with open(path) as f:',
        '        found = any(l.startswith("#") for l in f.readlines())',
        '        return found, f.read()',
      ];
      assert.deepEqual(
        (await labels('readlines-iteration', lazy)).map((f) => f[1]),
        ['unsafe'],
      );
    });

    it('readlines-iteration: stays safe when the loop runs to the end or the file is only closed after it', async () => {
      assert.deepEqual(await labels('readlines-iteration', source('continue', 'body = f.read()')), [[4, 'safe', undefined]]);
      assert.deepEqual(await labels('readlines-iteration', source('break', 'f.close()')), [[4, 'safe', undefined]]);
      assert.deepEqual(await labels('readlines-iteration', source('break', 'pass')), [[4, 'safe', undefined]]);
    });
  });

  describe('pandas-row-loop-indexing: label reads on a frame the code shows to have a default RangeIndex', () => {
    /** The loop reading cells by label, after `setup` (statements of the function, before the list starts). */
    const loop = (setup: string[], params = 'df, path') => [
      'import pandas as pd',
      `def compute(${params}):`,
      ...setup.map((l) => `    ${l}`),
      '    out = []',
      '    for i in range(len(df)):',
      '        out.append(df.at[i, "a"] * 2)',
      '    df["out"] = out',
      '    return df',
    ];
    const labelled = async (setup: string[], params?: string) => {
      const found = await labels('pandas-row-loop-indexing', loop(setup, params));
      assert.equal(found.length, 1, setup.join('\n'));
      assert.equal(found[0][1], 'unsafe', setup.join('\n'));
      return /index labels/.test(found[0][2] ?? '');
    };

    it('says nothing of labels when the frame was just built or reset with a default index', async () => {
      for (const setup of [
        ['df = df.reset_index(drop=True)'],
        ['df = pd.read_csv(path)'],
        ['df = pd.DataFrame({"a": [1, 2, 3]})', 'print(len(df), df["a"].sum())'],
        ['df = pd.DataFrame([{"a": 1}, {"a": 2}])', 'df["b"] = df["a"] + 1', 'df.head()'],
        ['df = pd.concat([df, df], ignore_index=True)'],
      ])
        assert.equal(await labelled(setup), false, setup.join('\n'));
    });

    it('keeps the label reason when the index may be anything at the loop', async () => {
      for (const [setup, params] of [
        [[], undefined],
        [['df = df.dropna()'], undefined],
        [['df = pd.read_csv(path, index_col=0)'], undefined],
        [['df = pd.DataFrame({"a": [1, 2]}, index=[5, 6])'], undefined],
        [['df = pd.DataFrame(data)'], 'data, path'],
        [['df = df.reset_index(level=0)'], undefined],
        [['df = df.reset_index(drop=True)', 'df.sort_values("a", inplace=True)'], undefined],
        [['df = df.reset_index(drop=True)', 'df = df[df["a"] > 0]'], undefined],
        [['df = df.reset_index(drop=True)', 'df.index = df["a"]'], undefined],
        [['df = df.reset_index(drop=True)', 'df.loc[len(df) + 5] = [1]'], undefined],
        [['df = df.reset_index(drop=True)', 'clean(df)'], 'df, clean'],
        [['df = df.reset_index(drop=True)', 'alias = df'], undefined],
        [['df = df.reset_index(drop=True)', 'drop = lambda: df.drop(0, inplace=True)', 'drop()'], undefined],
        [['if path:', '    df = df.reset_index(drop=True)'], undefined],
      ] as [string[], string | undefined][])
        assert.equal(await labelled(setup, params), true, setup.join('\n'));
    });

    it('keeps the label reason when an enclosing loop changes the frame after the rewritten loop', async () => {
      const lines = [
        'import pandas as pd',
        'def compute(path, batches):',
        '    df = pd.read_csv(path)',
        '    for batch in batches:',
        '        out = []',
        '        for i in range(len(df)):',
        '            out.append(df.at[i, "a"] * 2)',
        '        df["out"] = out',
        '        df.drop(0, inplace=True)',
        '    return df',
      ];
      const [[, , reason]] = await labels('pandas-row-loop-indexing', lines);
      assert.match(reason ?? '', /index labels/);
      const reread = [...lines.slice(0, 2), '    for batch in batches:', '        df = pd.read_csv(path)', ...lines.slice(4)];
      const [[, , fresh]] = await labels('pandas-row-loop-indexing', reread);
      assert.doesNotMatch(fresh ?? '', /index labels/);
    });
  });
});
