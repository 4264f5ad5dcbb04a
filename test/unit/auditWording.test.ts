// Messages and fixes that must say (and do) only what the code at hand supports.
import * as assert from 'node:assert/strict';
import { ruleFindings } from '../helpers/engine';

const findings = ruleFindings;

describe('wording that fits the code', () => {
  it('async-manual-loop-management: the inline forms say whether a loop is borrowed or leaked', async () => {
    const source = [
      'import asyncio',
      'async def main():',
      '    pass',
      'asyncio.get_event_loop().run_until_complete(main())',
      'asyncio.new_event_loop().run_until_complete(main())',
      '',
    ].join('\n');
    const [borrowed, leaked] = await findings('async-manual-loop-management', source);
    assert.match(borrowed.message, /loop from `get_event_loop\(\)`/);
    assert.doesNotMatch(borrowed.message, /creates, runs and closes/);
    assert.match(leaked.message, /never closed/);
  });

  it('numpy-as-strided: writeable passed through is not called a writable view', async () => {
    const call = (w: string) => `import numpy as np\ndef f(a, w):\n    return np.lib.stride_tricks.as_strided(a, shape=(2, 2), strides=(8, 8)${w})\n`;
    const message = async (w: string) => (await findings('numpy-as-strided', call(w)))[0].message;
    assert.doesNotMatch(await message(', writeable=w'), /writable/);
    assert.doesNotMatch(await message(', writeable=False'), /writable/);
    assert.match(await message(''), /writable whenever the array is/);
    assert.match(await message(', writeable=True'), /writable whenever the array is/);
  });

  it('numpy-float64-default: a legacy random draw gets no .astype fix (it would still allocate float64 first)', async () => {
    const source = 'import numpy as np\nX = np.random.uniform(-1, 1, (20_000_000, 2))\nW = np.zeros((4096, 4096))\n';
    const [draw, zeros] = await findings('numpy-float64-default', source);
    assert.equal(draw.fix, undefined);
    assert.match(draw.message, /no dtype/);
    assert.doesNotMatch(draw.message, /halve/);
    assert.ok(zeros.fix);
  });
});

describe('fix safety', () => {
  it('torch-cuda-amp-deprecated: autocast is safe to rewrite only when dtype and cache_enabled are explicit', async () => {
    const source = [
      'import torch',
      'a = torch.cuda.amp.autocast()',
      'b = torch.cpu.amp.autocast(dtype=torch.bfloat16)',
      'c = torch.cuda.amp.autocast(True, torch.float16, cache_enabled=False)',
      'd = torch.cuda.amp.autocast(True, torch.float16, True)',
      '',
    ].join('\n');
    const found = await findings('torch-cuda-amp-deprecated', source);
    // Outside a project that names its torch, even the exact rewrites (c, d) are unsafe: they need torch 1.10
    // (projectPins.test.ts shows them safe where requirements say so).
    assert.deepEqual(
      found.map((f) => f.fix?.safety),
      ['unsafe', 'unsafe', 'unsafe', 'unsafe'],
    );
    assert.match(found[0].fix?.reason ?? '', /process-wide settings/);
    assert.match(found[2].fix?.reason ?? '', /does not declare which torch it supports/);
  });

  it('torch-cuda-amp-deprecated: one import rewritten for all sites is unsafe when any autocast relies on the old defaults', async () => {
    const source = 'from torch.cuda.amp import autocast\nwith autocast(dtype=None, cache_enabled=True):\n    pass\nwith autocast():\n    pass\n';
    const found = await findings('torch-cuda-amp-deprecated', source);
    assert.deepEqual(
      found.map((f) => f.fix?.safety),
      ['unsafe', 'unsafe'],
    );
  });
});

describe('where the code lives', () => {
  it('torch-torchscript-deprecated: silent inside a jit package, which implements TorchScript', async () => {
    const source = 'import torch\ndef f(fn):\n    return torch.jit.script(fn)\n';
    assert.equal((await findings('torch-torchscript-deprecated', source, '/src/torch/jit/quantized.py')).length, 0);
    assert.equal((await findings('torch-torchscript-deprecated', source, '/src/app/export.py')).length, 1);
  });

  it('pandas-values-attribute: a long receiver is named by its kind outside the code spans', async () => {
    const source = [
      'import pandas as pd',
      'def f(df: pd.DataFrame, s: pd.Series):',
      '    a = df.groupby("key").sum().reset_index().values',
      '    return a, s.values',
      '',
    ].join('\n');
    const [long, short] = await findings('pandas-values-attribute', source);
    assert.equal(long.message, '`.values` on this DataFrame is discouraged; use `.to_numpy()`');
    assert.doesNotMatch(long.message, /`the /);
    assert.equal(short.message, '`s.values` is discouraged; use `s.to_numpy()`');
  });
});
