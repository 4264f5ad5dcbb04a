// Fix safety that depends on where the file lives (tests, packages) or on applying one fix alone:
// what the rule fixtures, linted at their own paths with every fix applied at once, cannot show;
// and the hover's account of a rule's other fix forms.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { renderFindingHover } from '../../server/docs/render';
import { applyFixes } from '../../server/fixes/apply';
import { getEngine } from '../helpers/engine';

/** The rule's findings in `source` linted as `filePath`: [1-based line, fix safety or 'none', reason]. */
async function fixes(ruleId: string, source: string, filePath?: string): Promise<[number, string, string | undefined][]> {
  const engine = await getEngine();
  const result = engine.lintText(source, { select: [ruleId], filePath });
  assert.deepEqual(result.failures, []);
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => [result.lines.positionAt(f.start).line + 1, f.fix?.safety ?? 'none', f.fix?.reason]);
}

describe('fix safety by place and by fix', () => {
  describe('torch-dataloader-pin-memory', () => {
    const TRAIN = [
      'import torch',
      'from torch.utils.data import DataLoader',
      '',
      'def train(model, ds):',
      '    loader = DataLoader(ds, batch_size=8)',
      '    for x in loader:',
      '        model(x.to("cuda"))',
      '',
    ].join('\n');

    it('offers the (unsafe) fix in package code whose loop sends batches to CUDA, with the reason', async () => {
      const [[line, safety, reason]] = await fixes('torch-dataloader-pin-memory', TRAIN, '/project/train.py');
      assert.deepEqual([line, safety], [5, 'unsafe']);
      assert.match(reason ?? '', /initialises CUDA in the parent process/);
      assert.match(reason ?? '', /page-locked memory/);
    });

    it('is silent in a test file (CPU-only machines run tests: pinning only warns there)', async () => {
      assert.deepEqual(await fixes('torch-dataloader-pin-memory', TRAIN, '/project/tests/test_train.py'), []);
    });
  });

  describe('open-without-with', () => {
    const READ = 'def read(path):\n    return open(path).read()\n';

    it('is safe in package code and unsafe in a test file, where open() may be a MagicMock', async () => {
      assert.deepEqual(await fixes('open-without-with', READ, '/project/io_utils.py'), [[2, 'safe', undefined]]);
      const [[, safety, reason]] = await fixes('open-without-with', READ, '/project/tests/test_io.py');
      assert.equal(safety, 'unsafe');
      assert.match(reason ?? '', /MagicMock/);
    });
  });

  describe('multiprocessing-main-guard', () => {
    const SCRIPT = [
      'from multiprocessing import Pool',
      '',
      'def work(x):',
      '    return x * x',
      '',
      'with Pool(2) as pool:',
      '    print(pool.map(work, range(4)))',
      '',
    ].join('\n');

    it('is safe in a script and unsafe in a module of a package, which is imported rather than run', async () => {
      const scripts = mkdtempSync(path.join(os.tmpdir(), 'perflens-guard-'));
      assert.deepEqual(await fixes('multiprocessing-main-guard', SCRIPT, path.join(scripts, 'run.py')), [[6, 'safe', undefined]]);
      const pkg = mkdtempSync(path.join(os.tmpdir(), 'perflens-guard-pkg-'));
      writeFileSync(path.join(pkg, '__init__.py'), '');
      const [[, safety, reason]] = await fixes('multiprocessing-main-guard', SCRIPT, path.join(pkg, 'jobs.py'));
      assert.equal(safety, 'unsafe');
      assert.match(reason ?? '', /no longer runs on import/);
    });
  });

  describe('timing-with-time-time', () => {
    it('one fix applied alone switches every reading the timer is subtracted from', async () => {
      const source = [
        'import time',
        '',
        'def run(work, pause):',
        '    t0 = time.time()',
        '    work()',
        '    t_pause = time.time()',
        '    pause()',
        '    total = time.time() - t0',
        '    before_pause = t_pause - t0',
        '    return total, before_pause',
        '',
      ].join('\n');
      const engine = await getEngine();
      const findings = engine.lintText(source, { select: ['timing-with-time-time'] }).findings;
      assert.equal(findings.length, 2);
      for (const finding of findings) {
        assert.equal(finding.fix?.safety, 'safe');
        const fixed = applyFixes(source, [finding]).text;
        assert.doesNotMatch(fixed, /time\.time\(\)/, `the fix at ${finding.start} left a wall-clock reading:\n${fixed}`);
      }
    });
  });
});

describe('the hover names the other forms of a fix', () => {
  it('a safe fix of a rule that is unsafe elsewhere says when, and why', () => {
    const rule = ALL_RULES.find((r) => r.id === 'torch-to-device-blocking')!;
    const finding = {
      ruleId: rule.id,
      start: 0,
      end: 1,
      message: 'm',
      severity: 'hint' as const,
      fix: { title: rule.fix!.title, safety: 'safe' as const, edits: [] },
    };
    const text = renderFindingHover(rule, finding, { guide: 'g' });
    assert.match(text, /\*\*Fix \(safe\):\*\* Copy asynchronously/);
    assert.match(text, /\*\*Other findings of this rule:\*\* Unsafe when the device may not be a CUDA GPU .*Apple MPS/);
    // The form shown is not repeated.
    const unsafe = renderFindingHover(rule, { ...finding, fix: { ...finding.fix, safety: 'unsafe' as const, reason: 'r' } }, { guide: 'g' });
    assert.match(unsafe, /\*\*Other findings of this rule:\*\* Safe otherwise\./);
  });
});
