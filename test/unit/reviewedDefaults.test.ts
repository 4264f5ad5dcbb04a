// Issue 26, round 38: what the default output (the Problems panel, `perflens check`) shows, tuned on the blind verdicts of
// 22 repositories (fresh3 and fresh4 reviews). Findings of kinds the reviewers judged not worth a change outside hot code
// are hints there; a place that makes them hot (a loop over data, a training step) gives them back their severity.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isTestFile } from '../../server/analysis';
import type { LintOptions } from '../../server/engine/options';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine } from '../helpers/engine';

async function found(ruleId: string, source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine
    .lintText(source, { select: [ruleId], filePath: '/proj/pkg/mod.py', impact: 'auto', keepHints: true, ...options })
    .findings.filter((f) => f.ruleId === ruleId);
}

const TRAIN = (sync: string, before = '    losses = []\n', after = '    return losses\n') =>
  'import torch\n\n\ndef train(model, loader, opt):\n    device = torch.device("cuda")\n    model.to(device)\n' +
  before +
  '    for x, y in loader:\n        x, y = x.to(device), y.to(device)\n        loss = model(x, y)\n        loss.backward()\n        opt.step()\n' +
  sync +
  after;

describe('the default output keeps what is worth a change (issue 26, round 38)', () => {
  describe('torch-sync-in-training-loop', () => {
    const RULE = 'torch-sync-in-training-loop';
    const severity = async (src: string) => (await found(RULE, src)).map((f) => f.severity);

    // Round 57: one stall a step is not reported at all (issue 24: 76 of 78 such hints judged noise on review27-review32).
    it("is silent for the step's only sync when the step uses its value: a loss logged, shown or kept each step", async () => {
      assert.deepEqual(await severity(TRAIN('        losses.append(loss.item())\n')), []);
      // Round 48: shown in a progress bar on every step, the number is needed there by design: silent.
      assert.deepEqual(await severity(TRAIN('        value = loss.item()\n        bar.set_postfix(loss=value)\n', '', '')), []);
    });

    it('is silent under a logging guard spelled through a name: `is_metric_step = i % every == 0` (open_clip)', async () => {
      const guarded = (flag: string) =>
        'import torch\n\n\ndef train(model, loader, opt, every, meter):\n    model.cuda()\n    for i, (x, y) in enumerate(loader):\n' +
        '        loss = model(x.cuda(), y.cuda())\n        loss.backward()\n        opt.step()\n' +
        `        flag = ${flag}\n        if flag:\n            meter.update(loss.item())\n`;
      assert.deepEqual(await severity(guarded('(i % every == 0) or i == 0')), []);
      // Near miss: a flag that says nothing about the step count.
      assert.deepEqual(await severity(guarded('x.shape[0] > 0')), []);
    });

    it('keeps its warning for a value no step reads, or for several syncs a step', async () => {
      // xlstm's `total_loss += loss.item()`, never read: the sync buys nothing (a total read after the loop: round 39).
      assert.deepEqual(await severity(TRAIN('        total += loss.item()\n', '    total = 0.0\n', '    return None\n')), ['warning']);
      // A sync per row of a comprehension is many stalls a step.
      assert.deepEqual(await severity(TRAIN('        losses.append([r.item() for r in loss])\n')), ['warning']);
      assert.deepEqual(await severity(TRAIN('        losses.append([loss[i].item() for i in range(loss.size(0))])\n')), ['warning']);
      // Round 67 near miss: a loop over a handful of things (RWKV's per-GPU losses, once-for-all's two metrics, judged wrong
      // when shown) is one step's bookkeeping: found, ranked low.
      const perGpu = TRAIN('        losses.append(sum(loss[g].item() for g in range(NUM_GPUS)))\n');
      assert.deepEqual(await severity(perGpu), []);
      assert.deepEqual(
        (await found(RULE, perGpu, { impact: 'all' })).map((f) => f.impact?.level),
        ['low'],
      );
      // Two syncs a step, one of them computed with (a loss scale): the second is not only a record. Round 67 (issue 24):
      // found, but ranked low as every per-step sync not thrown away or decided with (review36-40: 1 of 27 judged useful).
      const scaled = TRAIN('        losses.append(loss.item())\n        scale = x.sum().item()\n        opt.param_groups[0]["lr"] = 1e-3 / scale\n');
      assert.deepEqual(await severity(scaled), []);
      assert.deepEqual(
        (await found(RULE, scaled, { impact: 'all' })).map((f) => f.impact?.level),
        ['low'],
      );
      // Round 41 (review8): several syncs only kept or shown on the step (here litgpt's token count beside the loss) are one
      // hint: the first waits, the others find the GPU idle. Blind review: 31 of 32 such findings noise.
      assert.deepEqual(await severity(TRAIN('        losses.append(loss.item())\n        losses.append(x.sum().item())\n')), []);
    });
  });

  describe('places that are not hot whatever the code does', () => {
    const HTTP = 'import requests\n\ndef fetch(url):\n    return requests.get(url).json()\n';

    it('research code beside a project (nursery/, research_projects/, experiments/) and top-level contrib/ scripts are low impact', async () => {
      for (const file of ['/proj/src/pkg/nursery/x/run.py', '/proj/examples/research_projects/dpo/train.py', '/proj/experiments/m3/eval.py']) {
        const [f] = await found('http-call-without-timeout', HTTP, { filePath: file, projectRoot: '/proj' });
        assert.equal(f?.severity, 'hint', file);
        assert.match(f!.impact!.reasons[0], /research code/, file);
      }
      const [contrib] = await found('http-call-without-timeout', HTTP, { filePath: '/proj/contrib/pubchem/tool.py', projectRoot: '/proj' });
      assert.equal(contrib?.severity, 'hint');
      // Near misses: a package module named after an experiment, and a package's own contrib/ (tortoise.contrib.quart).
      for (const file of ['/proj/pkg/experiment.py', '/proj/tortoise/contrib/quart/__init__.py']) {
        assert.equal((await found('http-call-without-timeout', HTTP, { filePath: file, projectRoot: '/proj' }))[0]?.severity, 'info', file);
      }
    });

    it('a file outside the one package a project distributes is a script run by hand (diffusers utils/, sktime _contrib/)', async () => {
      const engine = await getEngine();
      const top = mkdtempSync(path.join(tmpdir(), 'perflens-default-'));
      const saved = engine.files;
      try {
        engine.files = NODE_FILES;
        writeFileSync(path.join(top, 'pyproject.toml'), '[project]\nname = "diff-lib"\n');
        mkdirSync(path.join(top, 'src', 'diff_lib'), { recursive: true });
        writeFileSync(path.join(top, 'src', 'diff_lib', '__init__.py'), '');
        mkdirSync(path.join(top, 'utils'));
        const at = (rel: string) =>
          // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
          engine.lintText(HTTP, { select: ['http-call-without-timeout'], filePath: path.join(top, rel), impact: 'auto', keepHints: true }).findings[0]
            ?.severity;
        assert.equal(at('utils/notify_slack.py'), 'hint');
        // Near misses: the package itself, and a module beside the packaging file.
        assert.equal(at('src/diff_lib/hub.py'), 'info');
        assert.equal(at('conf.py'), 'info');
      } finally {
        engine.files = saved;
        rmSync(top, { recursive: true, force: true });
      }
    });

    it('test-support folders and modules are test code (gluonts testutil/)', () => {
      for (const file of [
        '/p/src/gluonts/testutil/shell.py',
        '/p/pkg/testutils/x.py',
        '/p/pkg/test_utils.py',
        '/p/pkg/testutil.py',
        // captum's DataParallel test helpers, three folders below its testing package.
        '/p/captum/testing/helpers/influence/common.py',
      ]) {
        assert.equal(isTestFile(file), true, file);
      }
      assert.equal(isTestFile('/p/pkg/utils/shell.py'), false);
      // Near miss: a `test` folder far above the file (a checkout kept in ~/test/) says nothing.
      assert.equal(isTestFile('/home/me/test/proj/pkg/models/net.py'), false);
      assert.equal(isTestFile('/p/pkg/contest.py'), false);
      // Asked again and again (once per match of a file): each answer is that path's, whatever was asked before.
      for (const [file, expected] of [
        ['/p/tests/a.py', true],
        ['/p/tests/a.py', true],
        ['/p/a.py', false],
        ['/p/a.py', false],
        ['/p/tests/a.py', true],
      ] as const) {
        assert.equal(isTestFile(file), expected, file);
      }
    });
  });

  describe('torch-per-sample-forward', () => {
    const RULE = 'torch-per-sample-forward';
    const module = (method: string) => `import torch\n\n\nclass SR(torch.nn.Module):\n${method}`;

    it('is silent on the list branch of an isinstance test (kornia: images of different sizes) and on a loss per item', async () => {
      const listBranch =
        '    def forward(self, images):\n        if isinstance(images, list):\n            out = [self.model(image[None])[0] for image in images]\n' +
        '        else:\n            out = self.model(images)\n        return out\n';
      assert.deepEqual(await found(RULE, module(listBranch)), []);
      const losses = '    def plot(self, ys, y_raw):\n        values = [self.loss(y_raw[None], y[None]) for y in ys]\n        return values\n';
      assert.deepEqual(await found(RULE, module(losses)), []);
      // Near miss: the same comprehension with no list test around it.
      const plain = '    def run(self, images):\n        out = [self.model(image[None])[0] for image in images]\n        return out\n';
      assert.equal((await found(RULE, module(plain), { impact: 'all' })).length, 1);
    });
  });

  describe('torch-gradscaler-misuse', () => {
    it('is silent on the backward of a branch that tests the scaler (allennlp: the path without one)', async () => {
      const trainer = (step: string) =>
        'import torch\n\n\nclass Trainer:\n    def __init__(self, model, opt, amp):\n        self.model = model\n        self.opt = opt\n' +
        '        self._scaler = torch.cuda.amp.GradScaler()\n\n    def step(self, x):\n        loss = self.model(x)\n' +
        step +
        '        self.opt.step()\n';
      const branched = '        if self._scaler is not None:\n            self.scaled_backward(loss)\n        else:\n            loss.backward()\n';
      assert.deepEqual(await found('torch-gradscaler-misuse', trainer(branched)), []);
      // Near miss: an unconditional backward bypasses the scaler.
      assert.equal((await found('torch-gradscaler-misuse', trainer('        loss.backward()\n'))).length, 1);
    });
  });

  describe('eval-exec-untrusted', () => {
    it('is a hint without the literal-parser advice for exec of text named as a program, or in a function named for running code', async () => {
      for (const src of ['def unsafe_execute(check_program, timeout):\n    exec(check_program, {})\n', 'def run_code(text):\n    exec(text, {})\n']) {
        const [f] = await found('eval-exec-untrusted', src);
        assert.equal(f?.severity, 'hint', src);
        assert.match(f.message, /only pass text you trust/, src);
      }
      // Near miss: exec of a configuration text in an ordinary function keeps the warning.
      const [config] = await found('eval-exec-untrusted', 'def apply(cfg):\n    exec(cfg, {})\n');
      assert.equal(config?.severity, 'warning');
    });
  });

  describe('numba-object-mode', () => {
    const RULE = 'numba-object-mode';
    const jitted = (body: string) => `import numpy as np\nfrom numba import jit\nfrom scipy import signal\n\n\n@jit(forceobj=True)\ndef f(x):\n${body}`;

    it('says to drop an object-mode decorator, as a hint, when the body calls what nopython mode cannot compile', async () => {
      for (const [body, blocker] of [
        ['    f, p = signal.periodogram(x)\n    return np.sum(p)\n', '`signal.periodogram`'],
        ['    return {"mean": np.mean(x)}\n', 'a dict'],
        ['    return self.helper(x)\n', '`self.helper`'],
        ['    return np.polyfit(x, x, 1)\n', '`np.polyfit`'],
        ['    return Features.other(x)\n', '`Features.other`'],
      ]) {
        const [finding] = await found(RULE, jitted(body));
        assert.equal(finding?.severity, 'hint', body);
        assert.ok(finding.message.includes(`uses ${blocker}, which nopython mode cannot compile, so drop the decorator`), finding.message);
      }
    });

    it('also for another decorator under the jit, or a dict parameter (Kats: @deprecated, extra_args: Optional[Dict])', async () => {
      const wrapped = jitted('    return np.var(x)\n').replace('@jit(forceobj=True)\n', '@jit(forceobj=True)\n@deprecated(version="0.2")\n');
      assert.match((await found(RULE, wrapped))[0]?.message ?? '', /uses `@deprecated`, which/);
      const dict = jitted('    return np.var(x)\n').replace('def f(x):', 'def f(x, extra_args: Optional[Dict[str, bool]] = None):');
      assert.match((await found(RULE, dict))[0]?.message ?? '', /uses the dict parameter `extra_args`, which/);
    });

    it('keeps the warning and the @njit advice for a numeric body', async () => {
      const [finding] = await found(RULE, jitted('    v = [np.var(x[i : i + 4]) for i in range(0, len(x), 4)]\n    return np.var(v)\n'));
      assert.equal(finding?.severity, 'warning');
      assert.match(finding.message, /use `@njit`/);
    });
  });

  describe('string-concat-in-loop', () => {
    it("is a hint in a loop that shifts or divides its condition's value: a varint encoder makes a handful of passes", async () => {
      const varint =
        'import struct\n\ndef encode(value: int) -> bytes:\n    ret = b""\n    while (value & 0xFFFFFF80) != 0:\n' +
        '        ret += struct.pack("B", (value & 0x7F) | 0x80)\n        value >>= 7\n    ret += struct.pack("B", value)\n    return ret\n';
      assert.deepEqual(
        (await found('string-concat-in-loop', varint)).map((f) => f.severity),
        ['hint'],
      );
      const digits = varint.replace('value >>= 7', 'value //= 128');
      assert.deepEqual(
        (await found('string-concat-in-loop', digits)).map((f) => f.severity),
        ['hint'],
      );
      // Near misses: a loop reading a stream, and one that only subtracts, keep the warning.
      const stream = 'def frames(sock) -> bytes:\n    ret = b""\n    while sock.more():\n        ret += sock.read(1024)\n    return ret\n';
      assert.deepEqual(
        (await found('string-concat-in-loop', stream)).map((f) => f.severity),
        ['warning'],
      );
      const countdown = varint.replace('value >>= 7', 'value -= 7');
      assert.deepEqual(
        (await found('string-concat-in-loop', countdown)).map((f) => f.severity),
        ['warning'],
      );
    });
  });

  describe('rules quiet outside hot code', () => {
    it('list-pop-front, del-finalizer-cleanup and numpy-python-loop are hints outside hot code', async () => {
      const queue =
        'def walk(graph, start):\n    queue = [start]\n    seen = []\n    while queue:\n        node = queue.pop(0)\n        seen.append(node)\n        queue.extend(graph[node])\n    return seen\n';
      assert.deepEqual(
        (await found('list-pop-front', queue)).map((f) => f.severity),
        ['hint'],
      );
      const finalizer =
        'import shutil\n\nclass Model:\n    def __init__(self, d):\n        self.d = d\n\n    def __del__(self):\n        shutil.rmtree(self.d)\n';
      assert.deepEqual(
        (await found('del-finalizer-cleanup', finalizer)).map((f) => f.severity),
        ['hint'],
      );
      const elements =
        'import numpy as np\n\ndef total(a: np.ndarray, b: np.ndarray):\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i] * b[i]\n    return s\n';
      assert.deepEqual(
        (await found('numpy-python-loop', elements)).map((f) => f.severity),
        ['hint'],
      );
      // Called once per item of a loop over data, the same loop is hot: the warning is back.
      const hot = `${elements}\n\ndef run(batches, w):\n    for batch in batches:\n        total(batch, w)\n`;
      assert.deepEqual(
        (await found('numpy-python-loop', hot)).map((f) => f.severity),
        ['warning'],
      );
    });
  });
});
