// Round 63 (l63, issue 24): worth-changing library findings that the impact ranking hid (review38's recall hunt), each
// with the signal that shows it and near-misses that stay hints.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { assertOneHiddenHint, assertOneShown, getEngine, libraryFindingsAll as all, libraryFindingsShown as shown, tempRepository } from '../helpers/engine';

describe('pandas-iterrows: each row scans a whole array or column', () => {
  const RULE = 'pandas-iterrows';
  const HEAD = 'import numpy as np\nimport pandas as pd\n\n\n';

  for (const [what, src] of [
    [
      "penaltyblog's `np.where(teams == row[...])` per fixture",
      'def build(fixtures: pd.DataFrame, teams: np.ndarray):\n    m = np.zeros([len(teams), len(teams)])\n    for _, row in fixtures.iterrows():\n' +
        '        h = np.where(teams == row["home"])[0][0]\n        m[h, h] -= 1\n    return m\n',
    ],
    [
      "inStrain's per-SNP filter of the gene table by its own columns",
      'def genes(gdb, snps: pd.DataFrame):\n    out = []\n    for _, row in snps.iterrows():\n' +
        '        db = gdb[(gdb["start"] <= row["position"]) & (gdb["end"] >= row["position"])]\n        out.append(len(db))\n    return out\n',
    ],
    [
      'a `.loc` filter of a known frame by a row attribute',
      'def matches(left: pd.DataFrame, right: pd.DataFrame):\n    out = []\n    for _, row in left.iterrows():\n' +
        '        out.append(right.loc[right["key"] == row.key, "value"].sum())\n    return out\n',
    ],
  ]) {
    it(`is shown, ranked high, for ${what}`, async () => {
      const found = await shown(RULE, HEAD + src);
      assert.equal(found.length, 1, JSON.stringify(await all(RULE, HEAD + src)));
      assert.equal(found[0].impact?.level, 'high');
      assert.match(found[0].impact!.reasons[0], /each row compares .* a scan of the whole array or column per row/);
    });
  }

  // Near-misses: nothing says the compared side is a whole array (a scalar threshold, a name of unknown kind, another
  // object's column), or the comparison is not a mask (an `if` test): the loop's cost stays per row, a hint.
  for (const [what, src] of [
    [
      'a scalar test in an `if`',
      'def kept(frame: pd.DataFrame, limit):\n    out = []\n    for _, row in frame.iterrows():\n        if row["score"] >= limit:\n            out.append(row["name"])\n    return out\n',
    ],
    [
      '`np.where` over a name of unknown kind',
      'def find(frame: pd.DataFrame, names):\n    return [np.where(names == row["name"]) for _, row in frame.iterrows()]\n',
    ],
    [
      'a mask over a column of an unknown object that selects from another one',
      'def pick(frame: pd.DataFrame, a, b):\n    out = []\n    for _, row in frame.iterrows():\n        out.append(b[a["k"] == row["k"]])\n    return out\n',
    ],
    [
      'a comparison that does not read the row',
      'def pick(frame: pd.DataFrame, arr: np.ndarray, v):\n    out = []\n    for _, row in frame.iterrows():\n        out.append(np.where(arr == v))\n        out.append(row["a"])\n    return out\n',
    ],
  ]) {
    it(`stays a hint for ${what}`, async () => {
      const found = await all(RULE, HEAD + src);
      assert.equal(found.length, 1);
      assert.deepEqual(await shown(RULE, HEAD + src), []);
    });
  }
});

describe('pandas-iterrows: the same frame iterated again on every pass of an outer loop', () => {
  const RULE = 'pandas-iterrows';
  const nested = (outer: string, inner = '            out.append(cov.loc[int(row["start"]) : int(row["end"])].sum())\n', setup = '') =>
    'import pandas as pd\n\n\ndef coverage(gdb: pd.DataFrame, covT, parts):\n    out = []\n' +
    `    for ${outer}:\n${setup}        for _, row in gdb.iterrows():\n${inner}    return out\n`;

  it("is shown, ranked high, in inStrain's per-threshold coverage loop", async () => {
    const src = nested('mm, cov in covT.items()');
    const found = await shown(RULE, src);
    assert.equal(found.length, 1, JSON.stringify(await all(RULE, src)));
    assert.match(found[0].impact!.reasons[0], /the rows of the same `gdb` are built again on every pass of the loop around it/);
  });

  for (const [what, src] of [
    ['an outer loop over a short literal', nested('cov in (covT, covT)')],
    ['a frame rebound on each pass', nested('cov in parts', undefined, '        gdb = cov.copy()\n')],
    ["a row handed to the code's own method", nested('mm, cov in covT.items()', '            out.append(self.predict_row(row["start"], cov))\n')],
    ['a row handed to a function of the project', nested('mm, cov in covT.items()', '            out.append(score_gene(row["start"], cov))\n')],
  ]) {
    it(`stays a hint for ${what}`, async () => {
      assert.equal((await all(RULE, src)).length, 1);
      assert.deepEqual(await shown(RULE, src), []);
    });
  }
});

describe("impact: a class's own `test` method that the class calls is an evaluation pass, not a test", () => {
  const RULE = 'torch-eval-without-no-grad';
  const runner = (cls: string, caller: string) =>
    'import torch\n\n\n' +
    `class ${cls}:\n    def test(self, loader):\n        self.model.eval()\n        hits = 0\n        for xb, yb in loader:\n` +
    '            hits += (self.model(xb).argmax(1) == yb).sum().item()\n        return hits\n\n' +
    `    def train(self, optimizer, loader):\n        for xb, yb in loader:\n            optimizer.zero_grad()\n            self.model(xb).sum().backward()\n            optimizer.step()\n${caller}`;

  it("is shown in DIG's runner, whose training calls `self.test(val_loader)`", async () => {
    const src = runner('RunnerAugCls', '        return self.test(loader)\n');
    const found = await shown(RULE, src);
    assert.equal(found.length, 1, JSON.stringify(await all(RULE, src)));
    assert.notEqual(found[0].impact?.level, 'low');
  });

  // Near-misses: a `test` nobody in its class calls, one called on another object, one of a test case class.
  for (const [what, cls, caller] of [
    ['nobody calls', 'Harness', ''],
    ['only another object calls', 'Harness', '        return other.test(loader)\n'],
    ['belongs to a test class', 'TestRunner', '        return self.test(loader)\n'],
    ['belongs to a TestCase subclass', 'ModelChecks(unittest.TestCase)', '        return self.test(loader)\n'],
  ]) {
    it(`stays low in a test method that ${what}`, async () => {
      const src = runner(cls, caller);
      assert.deepEqual(await shown(RULE, src), []);
    });
  }
});

describe("numpy-python-loop: a scan per class of a model's classes is a hint", () => {
  const RULE = 'numpy-python-loop';
  const perValue = (iter: string, setup = '') =>
    'import numpy as np\n\n\ndef dice(pred: np.ndarray, gt: np.ndarray, num_classes, n_groups):\n' +
    `${setup}    out = []\n    for c in ${iter}:\n        out.append(np.sum(np.logical_and(gt == c, pred == c)))\n    return out\n`;

  for (const iter of ['range(num_classes)', 'range(1, num_classes)', 'range(self.n_classes)', 'range(nb_classes)']) {
    it(`is a hint over \`${iter}\``, async () => {
      const src = perValue(iter);
      await assertOneHiddenHint(RULE, src);
    });
  }

  // Round 72 (review47): a count the file does not show to be one per element (regions of a labelling, a sum of counts)
  // is a hint too; a pass per element of the scanned array (the rows of a table) stays shown.
  for (const iter of ['range(1, n_groups + 1)', 'range(n_classes_seen + num_classes)']) {
    it(`is a hint over \`${iter}\``, async () => {
      await assertOneHiddenHint(RULE, perValue(iter));
    });
  }
  it('stays shown over `range(len(gt))`', async () => {
    await assertOneShown(RULE, perValue('range(len(gt))'));
  });
});

describe('torch-sync-in-training-loop: numbers only handed to a record are not a stall to remove', () => {
  const RULE = 'torch-sync-in-training-loop';
  const step = (record: string, tail = '') =>
    'import torch\n\n\nclass Algo:\n    def fit(self, loader, device):\n        for x, y in loader:\n' +
    '            loss, entropy = self.loss(x.to(device), y.to(device))\n            loss.backward()\n            self.optimizer.step()\n' +
    `${record}${tail}`;

  for (const [what, record] of [
    ["imitation's `self.logger.record`", '            self.logger.record("loss", loss.item())\n            self.logger.record("entropy", entropy.item())\n'],
    ["ReAgent's running-average meters", '            avg_loss.add(loss.cpu().item())\n            avg_entropy.add(entropy.cpu().item())\n'],
    ["fast-autoaugment's accumulator", '            metrics.add_dict({"loss": loss.item() * len(x), "entropy": entropy.item() * len(x)})\n'],
    ["rlpyt's record type returned by the step", '            info = OptInfo(loss=loss.item(), entropy=entropy.item())\n            infos.append(info)\n'],
  ]) {
    it(`is not reported for ${what}`, async () => {
      assert.deepEqual(await all(RULE, step(record)), []);
    });
  }

  // Near-misses: numbers handed to code that computes with them, or a record type given them by position.
  for (const [what, record] of [
    ['totals nothing reads', '            epoch_loss += loss.item()\n            epoch_entropy += entropy.item()\n'],
    ['a record type filled by position', '            info = OptInfo(loss.item(), entropy.item())\n            infos.append(info)\n'],
  ]) {
    it(`is still reported for ${what}`, async () => {
      assert.equal((await all(RULE, step(record))).length, 1);
    });
  }
});

describe('torch-eval-without-no-grad: models run only through no_grad methods of an imported workspace class', () => {
  const RULE = 'torch-eval-without-no-grad';
  const TRAINER =
    'import torch\n\n\nclass PriorTrainer:\n    @torch.no_grad()\n    def embed_text(self, text):\n        return self.model.embed(text)\n\n' +
    '    @torch.no_grad()\n    def p_sample_loop(self, shape, cond):\n        return self.model.sample(shape, cond)\n';
  const EVAL = (gather = '    return trainer.accelerator.gather(x).mean()\n', cos = 'nn.CosineSimilarity(dim=1)') =>
    'import torch\nfrom torch import nn\n\nfrom pkg import PriorTrainer\n\n' +
    `cos = ${cos}\n\n\ndef gather(trainer, x):\n${gather}\n\n` +
    'def report(trainer: PriorTrainer, loader):\n    trainer.eval()\n    for image, text in loader:\n' +
    '        emb = trainer.embed_text(text.to(trainer.device))\n        pred = trainer.p_sample_loop(image.shape, emb)\n' +
    '        print(gather(trainer, cos(emb, pred)))\n';

  async function findings(trainer: string, evalText: string) {
    const top = tempRepository({ 'pkg/__init__.py': 'from pkg.trainer import PriorTrainer\n', 'pkg/trainer.py': trainer, 'eval_prior.py': evalText });
    try {
      const engine = await getEngine();
      const filePath = path.join(top, 'eval_prior.py');
      return engine.lintText(evalText, { select: [RULE], filePath, projectRoot: top, impact: 'all' }).findings.filter((f) => f.ruleId === RULE);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  }

  it("is silent on DALLE2's report_cosine_sims (the package re-exports the trainer; `cos` is parameter-free; `gather` runs no model)", async () => {
    assert.deepEqual(await findings(TRAINER, EVAL()), []);
  });

  for (const [what, trainer, evalText] of [
    ['the imported methods run without a gradient context', TRAINER.replaceAll('    @torch.no_grad()\n', ''), EVAL()],
    ['the helper it hands the trainer to runs it', TRAINER, EVAL('    return trainer(x)\n')],
    ['the module-level `cos` has parameters', TRAINER, EVAL(undefined, 'nn.Linear(4, 4)')],
  ]) {
    it(`still reports when ${what}`, async () => {
      assert.equal((await findings(trainer, evalText)).length, 1);
    });
  }
});
