// Impact from context (issue 26): each finding is ranked by where it is, and with `impact = "auto"` a
// low-impact finding drops to hint while rules that only matter in hot code stay quiet outside it.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NODE_FILES } from '../../server/project/fileProbe';
import { renderFindingHover } from '../../server/docs/render';
import { ALL_RULES } from '../../rules';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';
import { factsOf, releaseFactTrees } from '../helpers/probe';
import { impactOf } from '../../server/analysis/impact';

const SUM = 'reduction-over-list-comprehension';
const OPEN = 'open-without-with';
/**
 * The stand-in for a general rule that keeps its severity in ordinary code (neither quiet outside hot code nor advice
 * about scale): the tests of the ranking itself use it. open-without-with was that rule until round 45 made it quiet.
 */
const LEAK = 'mkdtemp-without-cleanup';
/** A temporary directory never removed, in a def: normal impact in package code. */
const LEAK_SRC = 'import tempfile\n\ndef load(p):\n    d = tempfile.mkdtemp()\n    p.save(d)\n';

async function lint(source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [SUM, OPEN, LEAK], filePath: '/proj/pkg/mod.py', impact: 'auto', keepHints: true, ...options }).findings;
}

/** One rule's findings on source at filePath, ranked with impact "auto" unless options say otherwise. */
async function ruleAt(ruleId: string, source: string, filePath = '/proj/pkg/mod.py', options: LintOptions = {}) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', keepHints: true, ...options }).findings.filter((f) => f.ruleId === ruleId);
}

describe('impact from context', () => {
  after(releaseFactTrees);

  it("keeps a carried finding's high or normal where nothing can make it low, and ranks afresh wherever that matters", async () => {
    const source = 'def total(rows):\n    return any([x > 2 for x in rows])\n\nfor batch in batches:\n    total(batch)\n\nany([x > 2 for x in ys])\n';
    const facts = await factsOf(source);
    const at = (text: string, from = 0) => facts.root.descendantForIndex(source.indexOf(text, from), source.indexOf(text, from) + text.length)!;
    const inDef = at('any([x > 2 for x in rows])');
    const fresh = impactOf(inDef, facts, '/proj/pkg/mod.py');
    assert.deepEqual(fresh, { level: 'high', reasons: ['in `total`, called from a loop in this file'] });
    // A known high or normal is kept: the severity is the same either way, only a hover's reasons could be out of date.
    const previous = { level: 'normal' as const, reasons: [] };
    assert.equal(impactOf(inDef, facts, '/proj/pkg/mod.py', false, false, {}, false, previous), previous);
    // Ranked afresh: a rule quiet outside hot code (high or not decides its severity), a previous low, and code that
    // may be low (module level: only hot reasons would lift it).
    assert.deepEqual(impactOf(inDef, facts, '/proj/pkg/mod.py', false, false, {}, true, previous), fresh);
    assert.deepEqual(impactOf(inDef, facts, '/proj/pkg/mod.py', false, false, {}, false, { level: 'low', reasons: ['in a test'] }), fresh);
    const atModule = at('any([x > 2 for x in ys])');
    assert.deepEqual(impactOf(atModule, facts, '/proj/pkg/mod.py', false, false, {}, false, { level: 'high', reasons: ['in a loop over data'] }), {
      level: 'low',
      reasons: ['at module level: runs once, at import'],
    });
  });

  it('ranks a finding in a loop over data high and keeps its severity', async () => {
    const [f] = await lint('def total(rows):\n    out = 0\n    for row in rows:\n        out += any([x > 2 for x in row.samples])\n    return out\n');
    assert.equal(f.impact?.level, 'high');
    assert.deepEqual(f.impact?.reasons, ['in a loop over data']);
    assert.equal(f.severity, 'info');
  });

  it("counts nested loops only beside a loop over data, and not the flagged comprehension's own loop", async () => {
    const overData = 'def f(rows):\n    for i in rows:\n        for j in i:\n            any([x > 2 for x in j.samples])\n';
    assert.deepEqual((await lint(overData))[0].impact?.reasons, ['in a loop over data', 'in nested loops']);
    // Two loops over a grid of unknown size: nothing says they run often (a model's layers, a few classes).
    const nested = 'def f(grid):\n    for i in grid:\n        for j in i:\n            any([x > 2 for x in j.samples])\n';
    const [plain] = await lint(nested);
    assert.equal(plain.impact?.level, 'normal');
    assert.equal(plain.severity, 'hint');
    const single = 'def f(state):\n    for k in state.keys():\n        any([n in k for n in lines])\n';
    const [f] = await lint(single);
    assert.equal(f.impact?.level, 'normal');
    assert.equal(f.severity, 'hint');
  });

  it('a comprehension over a short literal display is low impact, wherever it is', async () => {
    const src = 'def f(rows):\n    for k in rows:\n        any([n in k for n in ("a", "b")])\n';
    assert.deepEqual(await lint(src), []);
    const [f] = await lint(src, { impact: 'all' });
    assert.deepEqual(f.impact, { level: 'low', reasons: ['over a small literal domain'] });
  });

  it('ranks a function called from a loop over data in the same file high, not one called per class or layer', async () => {
    const src = 'def score(xs):\n    return sum([x * 2 for x in xs])\n\ndef run(batches):\n    for b in batches:\n        score(b)\n';
    const [f] = await lint(src);
    assert.equal(f.impact?.level, 'high');
    assert.match(f.impact!.reasons[0], /`score`, called from a loop/);
    const perClass = 'def score(xs):\n    return sum([x * 2 for x in xs])\n\ndef run(classes):\n    for c in classes:\n        score(c)\n';
    const [g] = await lint(perClass);
    assert.equal(g.impact?.level, 'normal');
    assert.equal(g.severity, 'hint');
  });

  it('a rule quiet outside hot code gives a hint in ordinary code and nothing at module level', async () => {
    const [f] = await lint('def total(xs):\n    return sum([x * 2 for x in xs])\n');
    assert.equal(f.impact?.level, 'normal');
    assert.equal(f.severity, 'hint');
    assert.deepEqual(await lint('TOTAL = sum([x * 2 for x in range(100)])\n'), []);
  });

  it('drops low-impact findings to hint: test files, __main__ blocks, small literal loops, examples', async () => {
    const cases: [string, LintOptions, string][] = [
      [LEAK_SRC, { filePath: '/proj/tests/test_load.py' }, 'in a test file'],
      [LEAK_SRC, { filePath: '/proj/examples/load.py' }, 'in an example or script folder'],
      [
        'import tempfile\n\nif __name__ == "__main__":\n    def load(p):\n        d = tempfile.mkdtemp()\n        p.save(d)\n',
        {},
        'under `if __name__ == "__main__":`',
      ],
      [
        'import tempfile\n\ndef load(ps):\n    for p in ("a", "b"):\n        d = tempfile.mkdtemp()\n        p.save(d)\n',
        {},
        'in a loop over a small literal domain',
      ],
    ];
    for (const [src, options, reason] of cases) {
      const [f] = await lint(src, options);
      assert.equal(f?.ruleId, LEAK, src);
      assert.deepEqual(f.impact, { level: 'low', reasons: [reason], demotedFrom: 'warning' });
      assert.equal(f.severity, 'hint', reason);
    }
  });

  it("a training script's evaluation step named test_* is not a test; a test function in a non-test file still is", async () => {
    // qlib's models: `test_epoch` runs the whole validation set every epoch (a blind review judged all ten findings useful,
    // which the name had made hints). A module-level `test(model, loader)` the script calls is evaluation too.
    const evaluation = [
      'import torch',
      '',
      '',
      'class Model:',
      '    def test_epoch(self, loader):',
      '        self.net.eval()',
      '        losses = []',
      '        for x, y in loader:',
      '            losses.append(self.loss(self.net(x), y))',
      '        return losses',
      '',
      '',
      'def test(model, loader):',
      '    model.eval()',
      '    for x, y in loader:',
      '        print(model(x).argmax(1).eq(y).sum())',
      '',
      '',
      'def main(model, loader):',
      '    test(model, loader)',
      '',
    ].join('\n');
    const found = await ruleAt('torch-eval-without-no-grad', evaluation);
    assert.equal(found.length, 2);
    for (const f of found) {
      assert.notDeepEqual(f.impact?.reasons, ['in a test']);
      assert.equal(f.severity, 'warning');
    }
    // Near miss: an evaluation-named method of a test class is a test, and stays low.
    const tests = await lint(`${LEAK_SRC}\n\nclass TestLoad:\n    def test_epoch(self, p):\n        d = tempfile.mkdtemp()\n        p.save(d)\n`);
    assert.deepEqual(
      tests.map((f) => [f.severity, f.impact?.level]),
      [
        ['warning', 'normal'],
        ['hint', 'low'],
      ],
    );
  });

  it('a low-impact finding keeps its severity with impact "all", or when the user set the rule severity', async () => {
    const [all] = await lint(LEAK_SRC, { filePath: '/proj/tests/test_load.py', impact: 'all' });
    assert.equal(all.severity, 'warning');
    assert.equal(all.impact?.level, 'low');
    const [set] = await lint(LEAK_SRC, { filePath: '/proj/tests/test_load.py', severity: { [LEAK]: 'warning' } });
    assert.equal(set.severity, 'warning');
  });

  it("a pandas row-wise apply works over the data: high in package code and a notebooks folder, low among a library's examples and docs", async () => {
    const engine = await getEngine();
    const src = 'import pandas as pd\n\ndef f(df: pd.DataFrame):\n    df["b"] = df.apply(lambda r: r["a"] + 1, axis=1)\n';
    // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
    const at = (filePath: string) => engine.lintText(src, { select: ['pandas-apply-axis1'], filePath, impact: 'auto', keepHints: true }).findings[0];
    // A scripts folder often holds the project's own data jobs (qlib's scripts/data_collector/): not demo data.
    for (const hot of ['/proj/pkg/run.py', '/proj/notebooks/analysis.py', '/proj/scripts/data_collector/collect.py']) {
      assert.equal(at(hot)?.impact?.level, 'high', hot);
      assert.equal(at(hot)?.severity, 'warning', hot);
    }
    // geopandas' doc/source/gallery, mlxtend's docs/sources/user_guide, darts' examples: demo data, loaded once.
    for (const demo of ['/proj/examples/run.py', '/proj/doc/source/gallery/plotting.py', '/proj/docs/user_guide/rules.py']) {
      const f = at(demo);
      assert.equal(f?.impact?.level, 'low', demo);
      assert.equal(f?.severity, 'hint', demo);
      assert.match(f!.impact!.reasons[0], /demo data/);
    }
  });

  it('the hover says why a finding is ranked as it is', async () => {
    const [f] = await lint(LEAK_SRC, { filePath: '/proj/tests/test_load.py' });
    const rule = ALL_RULES.find((r) => r.id === LEAK)!;
    const hover = renderFindingHover(rule, f, { guide: 'https://example.invalid/guide' });
    assert.match(hover, /\*\*Ranked low:\*\* in a test file\. \(a hint/);
    // A finding that matters only in hot code, demoted where nothing shows the code hot, says why it is a hint.
    const [quiet] = await ruleAt('resource-without-with', 'import zipfile\n\ndef names(p):\n    z = zipfile.ZipFile(p)\n    return list(z.namelist())\n');
    assert.equal(quiet?.severity, 'hint');
    const resource = ALL_RULES.find((r) => r.id === 'resource-without-with')!;
    assert.match(
      renderFindingHover(resource, quiet, { guide: 'https://example.invalid/guide' }),
      /\*\*Ranked normal:\*\* nothing shows this code running often .*pays off only there \(a hint/,
    );
  });

  it('a function handed to a process or thread pool runs per item: high, even in an example folder', async () => {
    const body = 'import tempfile\n\ndef work(p):\n    d = tempfile.mkdtemp()\n    p.save(d)\n\n';
    const handed = [
      'Parallel(n_jobs=4)(delayed(work)(p) for p in paths)\n',
      'def run(paths):\n    with Pool() as pool:\n        pool.map(work, paths)\n',
      'def run(paths, executor):\n    futures = [executor.submit(work, p) for p in range(3)]\n',
      'def run():\n    multiprocessing.Process(target=work, args=("x",)).start()\n',
    ];
    for (const caller of handed) {
      const [f] = await lint(body + caller, { filePath: '/proj/examples/build.py' });
      assert.equal(f?.ruleId, LEAK, caller);
      assert.deepEqual(f.impact, { level: 'high', reasons: ['in `work`, run per item by a process or thread pool'] }, caller);
      assert.equal(f.severity, 'warning', caller);
    }
    // Near misses: the name as a later argument, or a Process whose target is another function.
    for (const caller of [
      'def run(pool):\n    pool.map(other, work)\n',
      'def run():\n    Process(target=other, name=work).start()\n',
      'def run():\n    work("x")\n',
    ]) {
      const [f] = await lint(body + caller, { filePath: '/proj/examples/build.py' });
      assert.equal(f.impact?.level, 'low', caller);
    }
    // A method handed on through self is its own; `other.work` of an unknown receiver is not.
    const method = 'import tempfile\n\nclass Job:\n    def work(self, p):\n        d = tempfile.mkdtemp()\n        p.save(d)\n\n';
    const level = async (src: string) => (await lint(src, { impact: 'all' }))[0]?.impact?.level;
    assert.equal(await level(method + '    def run(self, pool, paths):\n        pool.map(self.work, paths)\n'), 'high');
    assert.equal(await level(method + '\ndef run(pool, other, paths):\n    pool.map(other.work, paths)\n'), 'normal');
  });

  it('torch and TensorFlow rules in a notebook (not among demos) are not example code: normal impact, severity kept', async () => {
    const src =
      'import torchvision\nfrom torch.utils.data import DataLoader\n\nds = torchvision.datasets.ImageFolder("x")\nloader = DataLoader(ds, batch_size=32)\nfor x, y in loader:\n    print(x.shape)\n';
    const at = (filePath: string) => ruleAt('torch-dataloader-num-workers', src, filePath);
    const [inNotebooks] = await at('/proj/notebooks/LibriSpeech.ipynb');
    assert.notEqual(inNotebooks?.impact?.level, 'low');
    assert.notEqual(inNotebooks.severity, 'hint');
    assert.equal((await at('/proj/examples/train.py'))[0]?.impact?.level, 'low');
    assert.notEqual((await at('/proj/analysis.ipynb'))[0]?.impact?.level, 'low');
    // A notebook among a library's demos (examples/, docs/, colabs/) runs demo data, as a script there does.
    for (const demo of ['/proj/examples/cats_and_dogs.ipynb', '/proj/colabs/finetuning.ipynb', '/proj/docs/tutorials/images.ipynb']) {
      assert.equal((await at(demo))[0]?.impact?.level, 'low', demo);
    }
    // A general rule in a notebooks folder is still example code.
    const [leak] = await lint(LEAK_SRC, { filePath: '/proj/notebooks/load.py' });
    assert.equal(leak.impact?.level, 'low');
  });

  it('torch-dataparallel: a hint in a file that trains nothing, a warning beside a training loop', async () => {
    const engine = await getEngine();
    const wrap = 'import torch\n\ndef build(model):\n    return torch.nn.DataParallel(model)\n';
    const train = '\ndef fit(model, loader, opt):\n    for x, y in loader:\n        loss = model(x).sum()\n        loss.backward()\n        opt.step()\n';
    const severity = (src: string) =>
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      engine.lintText(src, { select: ['torch-dataparallel'], filePath: '/proj/pkg/mod.py', impact: 'auto', keepHints: true }).findings.map((f) => f.severity);
    assert.deepEqual(severity(wrap), ['hint']);
    assert.deepEqual(severity(wrap + train), ['warning']);
  });

  it('builtin-reduction-on-ndarray is quiet outside hot code: max(Y) once per fit is a hint, sum(a) per item keeps its severity', async () => {
    const once = 'import numpy as np\n\ndef fit(X):\n    Y = np.asarray(X)\n    return max(Y)\n';
    assert.deepEqual(
      (await ruleAt('builtin-reduction-on-ndarray', once)).map((f) => f.severity),
      ['hint'],
    );
    const perItem =
      'import numpy as np\n\ndef totals(batches):\n    out = []\n    for b in batches:\n        a = np.asarray(b)\n        out.append(sum(a))\n    return out\n';
    assert.deepEqual(
      (await ruleAt('builtin-reduction-on-ndarray', perItem)).map((f) => f.severity),
      ['info'],
    );
  });

  it('a function that fits a model per call is not hot for advice that pays off at scale, even called from a loop', async () => {
    // causalml's semi-synthetic search: `all(y == 0 | y == 1)` once per call of a function that trains trees
    const fits =
      'import numpy as np\n\ndef fit_one(y, X, make):\n    y = np.asarray(y)\n    binary = all((y == 0) | (y == 1))\n    return make(binary).fit(X, y)\n\n' +
      'def search(samples, X, make):\n    return [fit_one(y, X, make) for y in samples]\n';
    assert.deepEqual(
      (await ruleAt('builtin-reduction-on-ndarray', fits)).map((f) => f.severity),
      ['hint'],
    );
    // ... nor through a same-file function that does the fitting
    const through =
      fits.replace('return make(binary).fit(X, y)', 'return train(make, binary, X, y)') +
      '\ndef train(make, binary, X, y):\n    return make(binary).fit(X, y)\n';
    assert.deepEqual(
      (await ruleAt('builtin-reduction-on-ndarray', through)).map((f) => f.severity),
      ['hint'],
    );
    // near miss: the same function without the fit is called per item, and keeps its severity
    const cheap = fits.replace('return make(binary).fit(X, y)', 'return make(binary)');
    assert.deepEqual(
      (await ruleAt('builtin-reduction-on-ndarray', cheap)).map((f) => f.severity),
      ['info'],
    );
  });

  it('a pandas row loop is a hint outside hot code and a warning where it repeats: the frame size is unknown (issue 26)', async () => {
    const engine = await getEngine();
    const src =
      'import pandas as pd\n\ndef once(df: pd.DataFrame):\n    for i, row in df.iterrows():\n        print(row)\n\n' +
      'def each(files):\n    for name in files:\n        df = pd.read_csv(name)\n        for i, row in df.iterrows():\n            print(row)\n';
    // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
    const at = (filePath: string) => engine.lintText(src, { select: ['pandas-iterrows'], filePath, impact: 'auto', keepHints: true }).findings;
    const [once, each] = at('/proj/pkg/run.py');
    assert.deepEqual([once.severity, once.impact?.level], ['hint', 'normal']);
    assert.deepEqual([each.severity, each.impact?.level], ['warning', 'high']);
    assert.deepEqual(each.impact?.reasons, ['in a loop over data']);
    // In an example the passes run over demo data: nothing is shown by default, both are there with `impact = "all"`.
    assert.deepEqual(at('/proj/examples/run.py'), []);
    assert.equal(engine.lintText(src, { select: ['pandas-iterrows'], filePath: '/proj/examples/run.py', impact: 'all' }).findings.length, 2);
  });

  it('an apply over a frame built row by row says why it is a hint', async () => {
    // the model comparator: one row per task, each made by the loop above it
    const rows =
      'import pandas as pd\n\ndef table(results, alpha):\n    rows = []\n    for task in results:\n        rows.append({"task": task, "p": results[task]})\n' +
      '    df = pd.DataFrame(rows)\n    df["ok"] = df["p"].apply(lambda p: p * 100)\n    return df\n';
    const [built] = await ruleAt('pandas-apply-simple-lambda', rows);
    assert.equal(built.severity, 'hint');
    assert.match(built.impact!.reasons.join(';'), /`df` is /);
    // near miss: a frame from elsewhere is a hint too outside hot code (the rule is quiet there), without that reason
    const loaded = rows.replace('df = pd.DataFrame(rows)', 'df = pd.read_parquet(results)');
    const [read] = await ruleAt('pandas-apply-simple-lambda', loaded);
    assert.equal(read.severity, 'hint');
    assert.doesNotMatch(read.impact!.reasons.join(';'), /`df` is /);
  });

  it('an element-wise apply is shown only in hot code: a hint where it runs once, a warning in a loop over data (issue 24)', async () => {
    // a blind review judged 50 of 56 such applies noise where they ran once: a report's table, a load's preprocessing
    const once = 'import pandas as pd\n\ndef load(path):\n    df = pd.read_parquet(path)\n    df["b"] = df["a"].apply(lambda x: x + 1)\n    return df\n';
    const [single] = await ruleAt('pandas-apply-simple-lambda', once);
    assert.deepEqual([single.severity, single.impact?.level], ['hint', 'normal']);
    // near miss: the same apply on each chunk of a file read in chunks runs once per chunk of the data
    const chunks =
      'import pandas as pd\n\ndef load(path):\n    out = []\n    for df in pd.read_csv(path, chunksize=10000):\n' +
      '        df["b"] = df["a"].apply(lambda x: x + 1)\n        out.append(df)\n    return out\n';
    const [each] = await ruleAt('pandas-apply-simple-lambda', chunks);
    assert.deepEqual([each.severity, each.impact?.level], ['warning', 'high']);
  });

  it('open(p).read() one-liners are hints wherever they stand: CPython closes the file as the statement ends (issue 26)', async () => {
    const oneLiner = 'def load(p):\n    return open(p).read()\n';
    const [normal] = await lint(oneLiner);
    assert.equal(normal.severity, 'hint');
    assert.equal((await lint(oneLiner, { filePath: '/proj/tests/test_load.py' }))[0]?.severity, 'hint');
    // Per file of a loop over files too: a blind review judged LAVIS' `json.load(open(p))` per annotation file noise.
    const [hot] = await lint('def load(paths):\n    out = []\n    for p in paths:\n        out.append(open(p).read())\n    return out\n');
    assert.equal(hot.severity, 'hint');
    assert.match(hot.impact!.reasons[0], /CPython closes the file as the statement ends/);
    // So a file held in a name, read whole once and dropped: CPython closes it as the function returns (session 43:
    // YOLOv3's parse_model_config, judged noise). Near miss: a handle used again after its read keeps the severity.
    const [once] = await lint('def load(p):\n    f = open(p)\n    data = f.read()\n    return data\n');
    assert.equal(once.severity, 'hint');
    const held = 'def load(p):\n    f = open(p)\n    data = f.read()\n    return data, f.name\n';
    const [plain] = await lint(held, { impact: 'all' });
    assert.equal(plain.impact?.level, 'normal');
    // Every finding of the rule is quiet outside hot code since round 45: where the load repeats, it keeps its severity.
    const [repeated] = await lint(`${held}\nfor p in paths:\n    load(p)\n`);
    assert.equal(repeated.severity, 'warning');
  });

  it('judges example folders below the project top folder only (pyproject.toml, setup.cfg, .git, or the given path)', async () => {
    const engine = await getEngine();
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-impact-'));
    const levelAt = (rel: string, options: LintOptions = {}) => {
      const file = path.join(top, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      return engine.lintText(LEAK_SRC, { select: [LEAK], filePath: file, impact: 'auto', keepHints: true, ...options }).findings[0]?.impact?.level;
    };
    const saved = engine.files;
    try {
      engine.files = NODE_FILES;
      // A project kept in a folder named examples: its own package is not example code.
      mkdirSync(path.join(top, 'examples', 'demo'), { recursive: true });
      writeFileSync(path.join(top, 'examples', 'demo', 'pyproject.toml'), '');
      assert.equal(levelAt('examples/demo/pkg/load.py'), 'normal');
      assert.equal(levelAt('examples/demo/load.py'), 'normal');
      // Near miss: the project's own examples folder is example code.
      assert.equal(levelAt('examples/demo/examples/load.py'), 'low');
      // A .git folder marks the top folder too.
      mkdirSync(path.join(top, 'scripts', 'repo', '.git'), { recursive: true });
      assert.equal(levelAt('scripts/repo/src/load.py'), 'normal');
      assert.equal(levelAt('scripts/repo/scripts/load.py'), 'low');
      // No marker: the path the CLI was given is the top folder; without it, the whole path counts.
      assert.equal(levelAt('tutorial/plain/load.py', { projectRoot: path.join(top, 'tutorial', 'plain') }), 'normal');
      assert.equal(levelAt('tutorial/plain/load.py'), 'low');
    } finally {
      engine.files = saved;
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('a notebook of a project that ships a package and imports that package is a demo for the data-library rules', async () => {
    const engine = await getEngine();
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-impact-'));
    const rowLoop = (module: string) =>
      `import pandas as pd\nimport ${module}\n\ndf = pd.read_csv("a.csv")\ndf["b"] = df.apply(lambda r: r["a"] + 1, axis=1)\n`;
    const at = (rel: string, module: string) => {
      const file = path.join(top, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      return engine.lintText(rowLoop(module), { select: ['pandas-apply-axis1'], filePath: file, impact: 'auto', keepHints: true }).findings[0];
    };
    const saved = engine.files;
    try {
      engine.files = NODE_FILES;
      writeFileSync(path.join(top, 'pyproject.toml'), '[project]\nname = "shap-explainers"\n');
      for (const pkg of ['shap_explainers', 'utils']) {
        mkdirSync(path.join(top, pkg), { recursive: true });
        writeFileSync(path.join(top, pkg, '__init__.py'), '');
      }
      // shap's notebooks/ import shap, the package the project publishes: demo data.
      const f = at('notebooks/tabular/figure.ipynb', 'shap_explainers');
      assert.equal(f?.impact?.level, 'low');
      assert.equal(f?.severity, 'hint');
      // Near misses: a notebook that imports no package of the project, or only a helper package the project does not
      // publish (a book's `utils`), is the project's own analysis; a module of the package (not a notebook) is package code.
      assert.equal(at('notebooks/analysis.ipynb', 'numpy')?.impact?.level, 'high');
      assert.equal(at('notebooks/analysis.ipynb', 'utils')?.impact?.level, 'high');
      assert.equal(at('shap_explainers/tables.py', 'shap_explainers')?.impact?.level, 'high');
      // A src layout (setup.py naming it) counts as well.
      const other = mkdtempSync(path.join(tmpdir(), 'perflens-impact-'));
      try {
        writeFileSync(path.join(other, 'setup.py'), 'setup(name="layout", packages=find_packages("src"))\n');
        mkdirSync(path.join(other, 'src', 'layout'), { recursive: true });
        writeFileSync(path.join(other, 'src', 'layout', '__init__.py'), '');
        const file = path.join(other, 'demo.ipynb');
        // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
        const g = engine.lintText(rowLoop('layout'), { select: ['pandas-apply-axis1'], filePath: file, impact: 'auto', keepHints: true }).findings[0];
        assert.equal(g?.impact?.level, 'low');
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      engine.files = saved;
      rmSync(top, { recursive: true, force: true });
    }
  });

  it("a loop's iterable runs once: open() there is not in the loop (for statements and a comprehension's first clause)", async () => {
    const comprehension = 'def load(p):\n    return [x.strip() for x in open(p).readlines()]\n';
    const forLoop = 'def load(p):\n    out = []\n    for line in open(p):\n        out.append(line)\n    return out\n';
    // Asked of the place itself: open-without-with ranks its one-liners low wherever they stand.
    for (const src of [comprehension, forLoop]) {
      const [f] = await lint(src);
      assert.equal(f?.ruleId, OPEN, src);
      const facts = await factsOf(src);
      const call = facts.root.descendantForIndex(src.indexOf('open(p)'), src.indexOf('open(p)') + 7)!;
      assert.equal(impactOf(call, facts, '/proj/pkg/mod.py').level, 'normal', src);
    }
    // Near miss: open() in the comprehension's element runs per item; the engine ranks that place high.
    const comprehensionOver = 'def load(paths):\n    return [open(p).read() for p in paths]\n';
    const facts = await factsOf(comprehensionOver);
    const call = facts.root.descendantForIndex(comprehensionOver.indexOf('open(p)'), comprehensionOver.indexOf('open(p)') + 7)!;
    assert.equal(impactOf(call, facts, '/proj/pkg/mod.py').level, 'high');
  });
  it('advice that pays off only at scale is low in an example folder, even in its loops; the same loop in package code stays high', async () => {
    const src = 'def total(rows):\n    out = 0\n    for row in rows:\n        out += any([x > 2 for x in row.samples])\n    return out\n';
    assert.deepEqual(await lint(src, { filePath: '/proj/examples/total.py' }), []);
    const [all] = await lint(src, { filePath: '/proj/examples/total.py', impact: 'all' });
    assert.equal(all.impact?.level, 'low');
    assert.match(all.impact!.reasons[0], /example or script folder: its loops run over demo data/);
    const [kept] = await lint(src);
    assert.deepEqual(kept.impact, { level: 'high', reasons: ['in a loop over data'] });
    assert.equal(kept.severity, 'info');
    // Near miss: a rule whose advice is not only about scale keeps the loop's high impact in an example.
    const leak = 'import tempfile\n\ndef load(paths):\n    for p in paths:\n        d = tempfile.mkdtemp()\n        p.save(d)\n';
    const [held] = await lint(leak, { filePath: '/proj/examples/load.py' });
    assert.equal(held.impact?.level, 'high');
    assert.equal(held.severity, 'warning');
  });

  it('torch-sync-in-training-loop: kept in a training step of package code, silent in an example training step', async () => {
    const src =
      'import torch\n\ndevice = torch.device("cuda")\n\ndef fit(model, loader, opt):\n    total = 0\n    for x, y in loader:\n        x = x.to(device)\n        loss = model(x).sum()\n        loss.backward()\n        opt.step()\n        total += loss.item()\n    return model\n';
    const at = (filePath: string) => ruleAt('torch-sync-in-training-loop', src, filePath);
    const [hot] = await at('/proj/pkg/train.py');
    assert.equal(hot?.severity, 'warning');
    assert.equal(hot.impact?.level, 'high');
    assert.deepEqual(await at('/proj/examples/train.py'), []);
    assert.deepEqual(await at('/proj/tutorials/mnist/train.py'), []);
  });

  it("torch-sync-in-training-loop: kept in a scripts folder's training step, which runs over the project's real data", async () => {
    // MONAI's auto3dseg/algorithm_templates/dints/scripts/search.py: a training job kept in scripts/, not a demo.
    const train =
      'import torch\n\ndevice = torch.device("cuda")\n\ndef fit(model, loader, opt):\n    total = 0\n    for x, y in loader:\n        x = x.to(device)\n        loss = model(x).sum()\n        loss.backward()\n        opt.step()\n        total += loss.item()\n    return model\n';
    const at = (src: string, filePath: string) => ruleAt('torch-sync-in-training-loop', src, filePath);
    for (const filePath of ['/proj/scripts/train.py', '/proj/templates/dints/scripts/search.py', '/proj/train_scripts/run.py']) {
      const [kept] = await at(train, filePath);
      assert.equal(kept?.severity, 'warning', filePath);
      assert.equal(kept.impact?.level, 'high', filePath);
    }
    // Near misses: a scripts folder inside an examples or docs folder holds demos; an evaluation loop in scripts/ stays quiet.
    assert.deepEqual(await at(train, '/proj/examples/scripts/train.py'), []);
    assert.deepEqual(await at(train, '/proj/docs/scripts/train.py'), []);
    // restyle-encoder's scripts/ inference: a few result images joined side by side per sample of an evaluation loop.
    const infer =
      'import numpy as np\nimport torch\n\ndef run(net, loader, n):\n    for x in loader:\n        with torch.no_grad():\n            out = net(x.cuda())\n' +
      '        res = np.zeros((4, 4))\n        for i in range(n):\n            res = np.concatenate([res, out[i].cpu().numpy()], axis=1)\n        np.save("r.npy", res)\n';
    assert.deepEqual(await ruleAt('concat-in-loop', infer, '/proj/scripts/infer.py'), []);
    const [inferred] = await ruleAt('concat-in-loop', infer, '/proj/scripts/infer.py', { impact: 'all' });
    assert.equal(inferred?.impact?.level, 'low');
  });

  it('readlines-iteration: a hint where the file is read once, a warning where the read repeats', async () => {
    const once =
      'def read_env(path):\n    out = {}\n    with open(path) as f:\n        for line in f.readlines():\n            out[line] = 1\n    return out\n';
    const each =
      'def count(paths):\n    n = 0\n    for p in paths:\n        with open(p) as f:\n            for line in f.readlines():\n                n += 1\n    return n\n';
    const severities = async (src: string, filePath?: string) => (await ruleAt('readlines-iteration', src, filePath)).map((f) => f.severity);
    assert.deepEqual(await severities(once), ['hint']);
    assert.deepEqual(await severities(each), ['warning']);
    assert.deepEqual(await severities(once, '/proj/versioneer.py'), []);
  });

  it('a generated file (a generator notice in its opening comments) is low impact; a mention of generated data is not', async () => {
    const generated = [
      '# This file was autogenerated by some hot garbage in the `uniffi` crate.\n# Trust me, you do not want to mess with it!\n\n',
      '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n# source: model.proto\n',
      '# Code generated by a tool; DO NOT EDIT.\n',
      '# Generated by Django 4.2 on 2024-01-01 10:00\n\n',
    ];
    for (const header of generated) {
      const [f] = await lint(header + LEAK_SRC, { impact: 'all' });
      assert.deepEqual(f?.impact?.reasons, ['in generated code: a change is lost when the file is generated again, and belongs in its generator'], header);
      assert.equal((await lint(header + LEAK_SRC))[0]?.severity, 'hint', header);
    }
    // Near misses: comments that describe generated data, a notice below the first code, a docstring.
    for (const src of [
      '# Loaders for the files generated by the simulator.\n' + LEAK_SRC,
      LEAK_SRC + '# DO NOT EDIT below this line\n',
      '"""Autogenerated reports are read here."""\n' + LEAK_SRC,
    ]) {
      const [f] = await lint(src, { impact: 'all' });
      assert.equal(f?.impact?.level, 'normal', src);
    }
  });

  it('build and packaging scripts (setup.py, versioneer.py, _version.py) are low impact', async () => {
    for (const name of ['setup.py', 'versioneer.py', 'pkg/_version.py', 'noxfile.py']) {
      const [f] = await lint(LEAK_SRC, { filePath: `/proj/${name}` });
      assert.deepEqual(f.impact, { level: 'low', reasons: ['in a build or packaging script'], demotedFrom: 'warning' }, name);
    }
    // Near miss: a module whose name only contains "version" is package code.
    const [pkg] = await lint(LEAK_SRC, { filePath: '/proj/pkg/versioning.py' });
    assert.equal(pkg.impact?.level, 'normal');
  });

  it('a same-named call inside the function (recursion, delegation to a part) is not a loop around the function', async () => {
    const delegate = 'class Data:\n    def is_sorted(self):\n        return all([s.is_sorted() for s in self.records])\n';
    const [f] = await lint(delegate);
    assert.equal(f.impact?.level, 'normal');
    assert.equal(f.severity, 'hint');
    const recurse = 'def walk(v):\n    if isinstance(v, list):\n        return any([walk(x) for x in v.items])\n    return v\n';
    assert.equal((await lint(recurse))[0].impact?.level, 'normal');
    // Near miss: another function calling it in a loop makes it hot.
    const [hot] = await lint(delegate + '\ndef check(batches):\n    for g in batches:\n        Data.is_sorted(g)\n');
    assert.equal(hot.impact?.level, 'high');
    assert.match(hot.impact!.reasons[0], /`is_sorted`, called from a loop/);
  });

  it('called from a loop: a method through self, its class or a receiver known to be its instance; a function by its bare name', async () => {
    const method = 'class Runner:\n    def run(self, xs):\n        return sum([x * 2 for x in xs])\n';
    const level = async (src: string) => (await lint(src, { impact: 'all' })).find((f) => f.ruleId === SUM)?.impact?.level;
    // Any `x.run()` in a loop (a thread, a session, a subprocess) says nothing about Runner.run.
    assert.equal(await level(method + '\ndef go(jobs):\n    for j in jobs:\n        j.run()\n'), 'normal');
    assert.equal(await level(method + '    def all(self, batches):\n        for b in batches:\n            self.run(b)\n'), 'high');
    assert.equal(await level(method + '\ndef go(batches):\n    r = Runner()\n    for b in batches:\n        r.run(b)\n'), 'high');
    assert.equal(await level(method + '\ndef go(r: Runner, batches):\n    for b in batches:\n        r.run(b)\n'), 'high');
    // The instance's class is read only in scopes that bind or annotate it (a quoted annotation, a continued line too).
    assert.equal(await level(method + '\ndef go(r: "Runner", batches):\n    for b in batches:\n        r.run(b)\n'), 'high');
    assert.equal(await level(method + '\ndef go(batches):\n    r = \\\n        Runner()\n    for b in batches:\n        r.run(b)\n'), 'high');
    assert.equal(await level(method + '\ndef go(batches, r=None):\n    print(Runner)\n    for b in batches:\n        r.run(b)\n'), 'normal');
    assert.equal(await level(method + '\nclass Fast(Runner):\n    def all(self, batches):\n        for b in batches:\n            self.run(b)\n'), 'high');
    // `self.run()` in an unrelated class is that class's method.
    assert.equal(await level(method + '\nclass Other:\n    def all(self, batches):\n        for b in batches:\n            self.run(b)\n'), 'normal');
    const fn = 'def score(xs):\n    return sum([x * 2 for x in xs])\n';
    assert.equal(await level(fn + '\ndef go(models, b):\n    for m in models:\n        m.score(b)\n'), 'normal');
    assert.equal(await level(fn + '\ndef go(batches):\n    for b in batches:\n        score(b)\n'), 'high');
    // A nested def is visible only in its own function: a same-named module function's callers are not its callers.
    const nested = 'def outer(xs):\n    def score(v):\n        return sum([x * 2 for x in v])\n    return score(xs)\n';
    assert.equal(await level(nested + '\ndef go(batches):\n    for b in batches:\n        score(b)\n'), 'normal');
  });

  it('a call in a `return` inside a loop runs once, as it leaves the loop; one in a returned comprehension repeats', async () => {
    const fn = 'def score(xs):\n    return sum([x * 2 for x in xs])\n';
    const level = async (src: string) => (await lint(src, { impact: 'all' })).find((f) => f.ruleId === SUM)?.impact?.level;
    assert.equal(await level(fn + '\ndef wait(q):\n    while True:\n        if q.done():\n            return score(q.items)\n'), 'normal');
    assert.equal(await level(fn + '\ndef go(batches):\n    while True:\n        return [score(b) for b in batches]\n'), 'high');
    assert.equal(await level(fn + '\ndef go(batches):\n    for b in batches:\n        total = score(b)\n    return total\n'), 'high');
  });

  it('a NumPy reduction over an array built from a short literal display is low impact: it checks a few numbers', async () => {
    const impact = async (src: string) => (await ruleAt('builtin-reduction-on-ndarray', src, undefined, { impact: 'all' }))[0]?.impact;
    // Five values: up to four a point's coordinates, about which the rule says nothing at all.
    const small = 'import numpy as np\n\ndef check(a, b, c, d, e):\n    if any(np.array([a, b, c, d, e]) < 0):\n        raise ValueError(a)\n';
    assert.deepEqual(await impact(small), { level: 'low', reasons: ['over a small literal domain'] });
    // The rule is quiet outside hot code: in low-impact code, not even a hint.
    assert.deepEqual(await ruleAt('builtin-reduction-on-ndarray', small), []);
    // Near miss: an array from data is not low; once per call it is ordinary code (the rule is quiet outside hot code).
    const data = 'import numpy as np\n\ndef check(values):\n    if any(np.array(values) < 0):\n        raise ValueError(values)\n';
    assert.equal((await impact(data))?.level, 'normal');
  });

  it("advice about a loop's own shape counts the loops around it, not its own: one pass over data is cheap, a pass per item is not", async () => {
    const level = async (src: string) => (await ruleAt('append-loop-to-comprehension', src, undefined, { impact: 'all' }))[0]?.impact?.level;
    assert.equal(await level('def ids(rows):\n    out = []\n    for row in rows:\n        out.append(row.id)\n    return out\n'), 'normal');
    // Near miss: the same loop inside a loop over data runs once per outer item.
    const nested =
      'def parse(reader):\n    preds = []\n    for row in reader:\n        inner = []\n        for value in row:\n            inner.append(int(value))\n        preds.append(inner)\n    return preds\n';
    assert.equal(await level(nested), 'high');
    // Other rules reported on a loop still count it: awaiting one request per item is not a constant per item.
    const awaits = 'async def fetch(r):\n    return r\n\nasync def run(requests):\n    for r in requests:\n        await fetch(r)\n';
    const [loop] = await ruleAt('async-sequential-awaits', awaits, undefined, { impact: 'all' });
    assert.deepEqual(loop?.impact, { level: 'high', reasons: ['in a loop over data'] });
  });

  it('for line in open(p) is a hint as the one-liner is, per path of a loop over files too: the file closes as the loop ends', async () => {
    const once = 'def load(p):\n    out = []\n    for line in open(p):\n        out.append(line)\n    return out\n';
    const [f] = await lint(once);
    assert.equal(f?.ruleId, OPEN);
    assert.equal(f.severity, 'hint');
    const each = 'def load(paths):\n    out = []\n    for p in paths:\n        for line in open(p):\n            out.append(line)\n    return out\n';
    const [hot] = (await lint(each)).filter((x) => x.ruleId === OPEN);
    assert.equal(hot.severity, 'hint');
    assert.match(hot.impact!.reasons[0], /CPython closes the file as the loop ends/);
  });

  it('open-without-with: a file closed by hand, or read by a generator a builtin consumes at once, is quiet outside hot code', async () => {
    const severities = async (src: string) => (await ruleAt(OPEN, src)).map((f) => f.severity);
    /** The source with a module-level loop that calls its function once per item: the function's code repeats. */
    const perItem = (src: string, call: string) => `${src}\nfor item in items:\n    ${call}\n`;
    const byHand = 'import struct\n\ndef header(p):\n    f = open(p, "rb")\n    magic = struct.unpack(">II", f.read(8))\n    f.close()\n    return magic\n';
    assert.deepEqual(await severities(byHand), ['hint']);
    // Called per path, it stays a hint: an exception between the open and the close leaves one handle open until the
    // traceback goes (a blind review judged the evaluators' one CSV row closed by hand noise).
    assert.deepEqual(await severities(byHand + '\ndef headers(paths):\n    return [header(p) for p in paths]\n'), ['hint']);
    // So with a loop between that only builds the row to write (sentence-transformers' InformationRetrievalEvaluator).
    const row =
      'def save(p, scores):\n    f = open(p, "a")\n    row = []\n    for s in scores:\n        row.append(str(s))\n    f.write(",".join(row))\n    f.close()\n';
    assert.deepEqual(await severities(row), ['hint']);
    // Held across a loop (parsed or written line by line) with no handler in its function: an exception leaves the
    // function and ends the loop that calls it, and the file closes as the traceback goes (clovaai's demo log per batch,
    // facenet's funnel lists per class, judged noise in a blind review): a hint even where it repeats.
    const parsed =
      'def convert(src, dst):\n    r = open(src)\n    w = open(dst, "w")\n    for line in r:\n        w.write(line.upper())\n    r.close()\n    w.close()\n';
    assert.deepEqual(await severities(parsed), ['hint', 'hint']);
    assert.deepEqual(await severities(perItem(parsed, 'convert(item, item)')), ['hint', 'hint']);
    // Near miss: a handler in the function catches the error and the work goes on: quiet outside hot code (round 45), its
    // severity where a loop calls it.
    const guarded =
      'def convert(src, dst):\n    try:\n        r = open(src)\n        for line in r:\n            dst.append(line.upper())\n        r.close()\n    except OSError:\n        pass\n';
    assert.deepEqual(await severities(guarded), ['hint']);
    assert.deepEqual(await severities(perItem(guarded, 'convert(item, [])')), ['warning']);
    const consumed = 'def is_docker(path):\n    return any("docker" in line for line in open(path))\n';
    assert.deepEqual(await severities(consumed), ['hint']);
    // A generator that is the first iterable of a comprehension is exhausted by it within the statement (whisper's
    // vocabulary loader, judged noise in a blind review); one nested in another generator kept for later is not.
    const vocabulary = 'def ranks(path):\n    return {t: int(r) for t, r in (line.split() for line in open(path) if line)}\n';
    assert.deepEqual(await severities(vocabulary), ['hint']);
    const kept = 'def ranks(path):\n    return ((t, r) for t, r in (line.split() for line in open(path)))\n';
    assert.deepEqual(await severities(perItem(kept, 'ranks(item)')), ['warning']);
    // Read only through a csv reader, never closed: CPython closes it with the reader (sentence-transformers' TripletReader).
    assert.deepEqual(await severities('import csv\n\ndef rows(p):\n    data = csv.reader(open(p))\n    return [r for r in data]\n'), ['hint']);
    // Near miss: a writer over a file opened for writing and never closed keeps its severity.
    const writer = 'import csv\n\ndef save(p, rows):\n    out = csv.writer(open(p, "w"))\n    out.writerows(rows)\n';
    assert.deepEqual(await severities(perItem(writer, 'save(item, rows)')), ['warning']);
    // Near miss: a generator kept for later holds the file open until it is exhausted or collected.
    assert.deepEqual(await severities(perItem('def lines(path):\n    return (line.strip() for line in open(path))\n', 'lines(item)')), ['warning']);
  });

  it('open-without-with: a file opened for writing and never closed keeps its severity outside hot code (its data can be lost)', async () => {
    const severities = async (src: string) => (await ruleAt(OPEN, src)).map((f) => f.severity);
    // benchmarking-gnns' fold indexes: a csv.writer over an append handle per fold, never closed, then the same function
    // reads the file back while the last fold's rows may still sit in the buffer.
    const folds =
      'import csv\n\ndef split(root, folds):\n    for fold in folds:\n        w = csv.writer(open(root + "/train.index", "a+"))\n' +
      '        w.writerow(fold)\n    with open(root + "/train.index") as f:\n        return list(csv.reader(f))\n';
    assert.deepEqual(await severities(folds), ['warning']);
    assert.deepEqual(await severities('def save(path, s):\n    out = open(path, "w")\n    out.write(s)\n'), ['warning']);
    // Near misses: read-only handles never closed hold a descriptor, not data (a hint outside hot code), and a write handle
    // closed by hand loses nothing unless an exception interrupts.
    assert.deepEqual(await severities('def head(path):\n    f = open(path)\n    first = f.readline()\n    rest = f.readline()\n    return first, rest\n'), [
      'hint',
    ]);
    assert.deepEqual(await severities('def save(path, rows):\n    out = open(path, "w")\n    for r in rows:\n        out.write(r)\n    out.close()\n'), [
      'hint',
    ]);
  });

  it('resource-without-with: an inline use (ZipFile(p).namelist()) is a hint; a held one is quiet outside hot code', async () => {
    const severities = async (src: string) => (await ruleAt('resource-without-with', src)).map((f) => f.severity);
    const inline = 'import zipfile\n\ndef names(p):\n    return zipfile.ZipFile(p).namelist()\n';
    assert.deepEqual(await severities(inline), ['hint']);
    // A temporary is released as its statement ends, on each pass of a loop as anywhere: a hint even per item.
    assert.deepEqual(await severities('import zipfile\n\ndef names(paths):\n    return [zipfile.ZipFile(p).namelist() for p in paths]\n'), ['hint']);
    // A held one goes with the function's locals: a hint here, a warning where the function runs per item (below).
    assert.deepEqual(await severities('import zipfile\n\ndef names(p):\n    z = zipfile.ZipFile(p)\n    return list(z.namelist())\n'), ['hint']);
    // An HTTP response read in full and dropped goes with the function's locals: a hint, but a warning where it repeats.
    const read = 'from urllib.request import urlopen\n\ndef fetch(u):\n    r = urlopen(u, timeout=5)\n    return r.read()\n';
    assert.deepEqual(await severities(read), ['hint']);
    assert.deepEqual(await severities(read + '\ndef fetch_all(urls):\n    return [fetch(u) for u in urls]\n'), ['warning']);
    assert.deepEqual(await severities('from urllib.request import urlopen\n\ndef fetch(u):\n    r = urlopen(u, timeout=5)\n    return r.headers, r.read()\n'), [
      'hint',
    ]);
    // A download streamed in chunks, once, is released with the function's locals too; one per item keeps the warning.
    const chunks =
      'from urllib.request import urlopen\n\ndef fetch(u, f):\n    r = urlopen(u, timeout=5)\n    while True:\n        chunk = r.read(1024)\n        if not chunk:\n            break\n        f.write(chunk)\n';
    assert.deepEqual(await severities(chunks), ['hint']);
    assert.deepEqual(await severities(chunks + '\ndef fetch_all(urls, f):\n    for u in urls:\n        fetch(u, f)\n'), ['warning']);
  });
});
