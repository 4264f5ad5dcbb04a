// Round 50 (issue 26, general rules in the default output): findings blind reviews of review14-22 judged noise or wrong
// that main still showed, each with the near miss that must keep its rank.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { inTempProject, rankedFindings as ranked } from '../helpers/engine';

const inProjectAt = (files: Record<string, string>, run: (top: string) => Promise<void>) => inTempProject(files, run, 'perflens-r50-');

describe('round 50: general rules in the default output', () => {
  describe('reduction-over-list-comprehension: any()/all() over an item of a hot loop', () => {
    const RULE = 'reduction-over-list-comprehension';

    it("an image's spatial axes or a prediction's top-k: hidden however hot the loop, and the hint says why", async () => {
      // vit-pytorch's na_vit.py: all() over the two spatial dims of each image in each batch.
      const dims =
        'def patchify(batched_images, p):\n    out = []\n    for images in batched_images:\n        for image in images:\n' +
        '            image_dims = image.shape[-2:]\n            assert all([d % p == 0 for d in image_dims])\n            out.append(image)\n    return out\n';
      // timm's real_labels.py: any() over the first k predictions of each sample.
      const topk =
        'def score(pred_batch, labels, topk):\n    hits = []\n    for pred in pred_batch:\n        for k in topk:\n' +
        '            hits.append(any([p in labels for p in pred[:k]]))\n    return hits\n';
      for (const src of [dims, topk]) {
        assert.deepEqual(await ranked(RULE, src, '/proj/pkg/mod.py'), []);
        const [all] = await ranked(RULE, src, '/proj/pkg/mod.py', { impact: 'all' });
        assert.equal(all?.impact?.level, 'low');
        assert.match(all.impact!.reasons[0], /does not show growing with the data: an early stop saves a few items per pass/);
      }
    });

    it('near misses: a comprehension over rows, a file, or a slice of a file, in a hot loop, stays shown', async () => {
      for (const inner of ['batch', 'open(p)', 'open(p).readlines()[1:]']) {
        const src = `def check(batches, p):\n    out = []\n    for batch in batches:\n        out.append(any([r is None for r in ${inner}]))\n    return out\n`;
        const [f] = await ranked(RULE, src, '/proj/pkg/mod.py');
        assert.equal(f?.severity, 'info', inner);
        assert.equal(f.impact?.level, 'high', inner);
      }
    });

    it('sum() keeps its own hint form: the new reason is only about an early stop', async () => {
      const src = 'def total(pred_batch):\n    out = 0\n    for pred in pred_batch:\n        out += sum([p * 2 for p in pred[:k]])\n    return out\n';
      const [f] = await ranked(RULE, src, '/proj/pkg/mod.py', { impact: 'all' });
      assert.doesNotMatch(f.impact?.reasons.join(' ') ?? '', /early stop/);
    });
  });

  describe('decorator-missing-wraps in a standalone script', () => {
    const RULE = 'decorator-missing-wraps';
    // yolov5's export.py: a decorator that logs each documented export step of the script's own command.
    const script =
      'import time\n\n\ndef try_export(inner):\n    def outer(*args, **kwargs):\n        t = time.time()\n        out = inner(*args, **kwargs)\n' +
      '        print(time.time() - t)\n        return out\n\n    return outer\n\n\n@try_export\ndef export_onnx(model, path):\n' +
      '    """Export the model to ONNX."""\n    return path\n\n\nif __name__ == "__main__":\n    export_onnx(None, "m.onnx")\n';

    it('is a hint in a script outside any package, with the reason', async () => {
      await inProjectAt({ 'export.py': script }, async (top) => {
        const file = path.join(top, 'export.py');
        const [f] = await ranked(RULE, script, file);
        assert.equal(f?.severity, 'hint');
        assert.equal(f.impact?.level, 'low');
        assert.match(f.impact!.reasons[0], /standalone script/);
      });
    });

    it('near misses: the same decorator in a package module, or in a script without a main guard, keeps its warning', async () => {
      const noGuard = script.slice(0, script.indexOf('if __name__'));
      await inProjectAt({ 'pkg/__init__.py': '', 'pkg/export.py': script, 'tools/export.py': noGuard }, async (top) => {
        const [inPackage] = await ranked(RULE, script, path.join(top, 'pkg/export.py'));
        assert.equal(inPackage?.severity, 'warning');
        const [unguarded] = await ranked(RULE, noGuard, path.join(top, 'tools/export.py'));
        assert.equal(unguarded?.severity, 'warning');
      });
    });
  });

  describe("eval-exec-untrusted where the line silences Ruff's or bandit's eval/exec check", () => {
    const RULE = 'eval-exec-untrusted';
    // yolov5's check_dataset: a dataset YAML's download field run as a Python script, marked `# noqa: S102`.
    const src = (comment: string) =>
      `def check_dataset(data):\n    s = data.get("download")\n    if s:\n        exec(s, {"yaml": data})${comment}\n    return data\n`;

    it('# noqa: S102, S307 or # nosec: a hint that says the line was reviewed', async () => {
      for (const comment of ['  # noqa: S102', '  # noqa: E501, S102', '  # nosec', '  # noqa:S307']) {
        const [f] = await ranked(RULE, src(comment), '/proj/pkg/general.py');
        assert.equal(f?.severity, 'hint', comment);
        assert.match(f.message, /says this was reviewed for another linter already/, comment);
      }
    });

    it('near misses: a noqa for other codes keeps the warning; outside input keeps the error', async () => {
      const [other] = await ranked(RULE, src('  # noqa: E501'), '/proj/pkg/general.py');
      assert.equal(other?.severity, 'warning');
      assert.doesNotMatch(other.message, /reviewed/);
      const route =
        'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.post("/calc")\ndef calc():\n' +
        '    return str(eval(request.json["expr"]))  # noqa: S307\n';
      const [exposed] = await ranked(RULE, route, '/proj/pkg/app.py');
      assert.equal(exposed?.severity, 'error');
    });
  });
  describe("string-concat-in-loop over an array's axes", () => {
    const RULE = 'string-concat-in-loop';
    // sktime's signature_kernel.py: a list grown by `+` once per axis of an array.
    const src = (header: string) =>
      `def mesh(array, rows):\n    arrayshape = array.shape\n    out = []\n    ${header}\n        out = out + [ind]\n    return out\n`;

    it('range(len(arrayshape)), range(len(array.shape)), array.shape: a few passes, a hint with the reason', async () => {
      for (const header of ['for ind in range(len(arrayshape)):', 'for ind in range(len(array.shape)):', 'for ind in array.shape:']) {
        const [f] = await ranked(RULE, src(header), '/proj/pkg/kernel.py');
        assert.equal(f?.severity, 'hint', header);
        assert.match(f.impact!.reasons[0], /runs over a few items/, header);
      }
    });

    it('near misses: the same list grown per row, or per item of a sequence bound once, keeps its warning', async () => {
      for (const header of ['for ind in range(len(rows)):', 'for ind in rows:']) {
        const [f] = await ranked(RULE, src(header), '/proj/pkg/kernel.py');
        assert.equal(f?.severity, 'warning', header);
      }
      const bound = src('for ind in range(len(seq)):').replace('arrayshape = array.shape', 'seq = array.tolist()');
      assert.equal((await ranked(RULE, bound, '/proj/pkg/kernel.py'))[0]?.severity, 'warning');
    });
  });
  describe('append-loop-to-comprehension in a function called once per pass of a heavy loop', () => {
    const RULE = 'append-loop-to-comprehension';
    // qlib's pytorch_adarnn.py: the pairs of a few domains, rebuilt on every training step.
    const pairs =
      'def get_index(n=2):\n    index = []\n    for i in range(n):\n        for j in range(i + 1, n + 1):\n            index.append((i, j))\n    return index\n\n\n';
    const caller = (work: string) =>
      `def fit(model, batches, opt):\n    for batch in batches:\n        index = get_index(len(batch) - 1)\n        ${work}\n    return model\n`;

    it('a hint when each pass of the calling loop also runs a backward pass or a model, with the reason', async () => {
      for (const work of ['loss = model(batch).sum()\n        loss.backward()', 'out = model.predict(batch)']) {
        const [f] = await ranked(RULE, pairs + caller(work), '/proj/pkg/train.py', { impact: 'all' });
        assert.equal(f?.impact?.level, 'normal', work);
        assert.match(f.impact!.reasons[0], /runs once per pass of a loop that also calls `(model|model\.predict)`/, work);
        assert.equal((await ranked(RULE, pairs + caller(work), '/proj/pkg/train.py'))[0]?.severity, 'hint', work);
      }
    });

    it('near misses: a calling loop over data with only light work, or one light caller beside a heavy one, keeps it shown', async () => {
      const light = pairs + caller('print(index)');
      assert.equal((await ranked(RULE, light, '/proj/pkg/train.py'))[0]?.severity, 'info');
      const mixed = light + '\n\ndef train(model, batches):\n    for batch in batches:\n        get_index(len(batch))\n        model(batch).sum().backward()\n';
      assert.equal((await ranked(RULE, mixed, '/proj/pkg/train.py'))[0]?.severity, 'info');
    });
  });
  describe('contextmanager-yield-without-finally resetting a counter that only indents output', () => {
    const RULE = 'contextmanager-yield-without-finally';
    // baselines' console_util.py: a global depth that only sets the indent of the manager's prints.
    const src = (use: string) =>
      'import time\nfrom contextlib import contextmanager\n\nDEPTH = 0\n\n\n@contextmanager\ndef timed(msg):\n    global DEPTH\n' +
      '    print("\\t" * DEPTH + msg)\n    start = time.time()\n    DEPTH += 1\n    yield\n    DEPTH -= 1\n' +
      '    print("\\t" * DEPTH + "done in %.3f s" % (time.time() - start))\n' +
      use;

    it('a hint when every read of the counter is in a print or a log call', async () => {
      for (const use of ['', '\n\ndef note(logger, text):\n    logger.info("%s%s", " " * DEPTH, text)\n']) {
        const [f] = await ranked(RULE, src(use), '/proj/pkg/console.py');
        assert.equal(f?.severity, 'hint', use);
      }
    });

    it('near misses: a counter read by other code, or state restored on an object, keeps the warning', async () => {
      const read = src('\n\ndef nested():\n    return DEPTH > 0\n');
      assert.equal((await ranked(RULE, read, '/proj/pkg/console.py'))[0]?.severity, 'warning');
      const attr = src('').replace('    global DEPTH\n', '').replace(/DEPTH/g, 'STATE.depth');
      assert.equal((await ranked(RULE, attr, '/proj/pkg/console.py'))[0]?.severity, 'warning');
    });
  });
  describe("recursion-without-memoization in a book's chapter", () => {
    const RULE = 'recursion-without-memoization';
    // py4fi2nd's performance chapter: the naive Fibonacci, timed before its memoised form.
    const fib = 'def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n';

    it('is low impact in a chapter folder, with the reason', async () => {
      await inProjectAt({ 'pyproject.toml': '', 'code/ch10/perf.py': fib }, async (top) => {
        const [f] = await ranked(RULE, fib, path.join(top, 'code/ch10/perf.py'), { projectRoot: top });
        assert.equal(f?.severity, 'hint');
        assert.match(f.impact!.reasons[0], /^in teaching material \(`ch10\/`\): a naive recursion there is usually the lesson/);
      });
    });

    it("near miss: the same function in the project's own package keeps its severity", async () => {
      await inProjectAt({ 'pyproject.toml': '', 'pkg/__init__.py': '', 'pkg/seq.py': fib }, async (top) => {
        const [f] = await ranked(RULE, fib, path.join(top, 'pkg/seq.py'), { projectRoot: top });
        assert.equal(f?.severity, 'info');
      });
    });
  });
  describe('open-without-with: a file opened and parsed once per pass of a loop', () => {
    const RULE = 'open-without-with';
    // spinningup's plot.py: each run folder's config.json opened and parsed with json.load, never closed.
    const src = (use: string) =>
      `import json\nimport os\n\n\ndef configs(logdir):\n    out = []\n    for root, _, files in os.walk(logdir):\n` +
      `        cfg = open(os.path.join(root, "config.json"))\n${use}    return out\n`;

    it('json.load(f) or f.read() as its one use: low impact, with the reason', async () => {
      for (const use of ['        out.append(json.load(cfg))\n', '        out.append(cfg.read())\n']) {
        const [f] = await ranked(RULE, src(use), '/proj/pkg/plot.py');
        assert.equal(f?.severity, 'hint', use);
        assert.match(f.impact!.reasons[0], /read whole once/, use);
      }
    });

    it('near misses: read in an inner loop, used twice, or opened for writing, stays shown', async () => {
      for (const use of [
        '        for _ in range(len(files)):\n            out.append(json.load(cfg))\n',
        '        print(cfg.name)\n        out.append(json.load(cfg))\n',
      ]) {
        assert.equal((await ranked(RULE, src(use), '/proj/pkg/plot.py'))[0]?.severity, 'warning', use);
      }
      const write = src('        json.dump(out, cfg)\n').replace('"config.json")', '"config.json"), "w"');
      assert.equal((await ranked(RULE, write, '/proj/pkg/plot.py'))[0]?.severity, 'warning');
    });
  });
});
