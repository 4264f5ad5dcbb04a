// Round 47 (issues 24 and 26): cases from the blind review of review18, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

/** One rule's findings, ranked as the default output ranks them (impact "auto"). */
async function ranked(ruleId: string, source: string, filePath: string, options: LintOptions = {}) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

describe('pandas-chained-inplace: a line that silently does nothing is a bug wherever it runs', () => {
  const RULE = 'pandas-chained-inplace';
  const SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("wine.csv")\ndf["magnesium"].fillna(100, inplace=True)\nprint(df.describe())\n';

  it('in an example folder or a one-off script it keeps its severity (library hints are otherwise dropped there)', async () => {
    for (const file of ['/proj/examples/clean.py', '/proj/notebooks/exercise.py', '/proj/scripts/clean.py']) {
      const [f] = await ranked(RULE, SCRIPT, file);
      assert.equal(f?.severity, 'warning', file);
    }
  });

  it('in a test file it stays out of the default output', async () => {
    const test = 'import pandas as pd\n\ndef test_fill():\n    df = pd.DataFrame({"a": [1.0, None]})\n    df["a"].fillna(0, inplace=True)\n';
    assert.deepEqual(await ranked(RULE, test, '/proj/tests/test_fill.py'), []);
  });
});

describe('eval-exec-untrusted: code run by design is not told to use a literal parser', () => {
  const RULE = 'eval-exec-untrusted';

  it('exec of a parameter asks for trusted text, never for ast.literal_eval or json', async () => {
    const src = 'def prepare(data):\n    s = data["download"]\n    exec(s, {"cfg": data})\n';
    const [f] = await ranked(RULE, src, '/proj/pkg/datasets.py', { impact: 'all' });
    assert.match(f!.message, /only pass text you trust \(`exec` runs statements/);
    assert.doesNotMatch(f!.message, /literal_eval|json/);
  });

  it('exec of request data in a web handler stays an error', async () => {
    const src =
      'from flask import Flask, request\n\napp = Flask(__name__)\n\n@app.route("/run")\ndef run():\n    exec(request.args["code"])\n    return "ok"\n';
    const [f] = await ranked(RULE, src, '/proj/app/views.py', { impact: 'all' });
    assert.equal(f?.severity, 'error');
  });

  it("eval whose result's non-literal attribute is read names a live object; a literal's method does not", async () => {
    const display =
      'class show:\n    def __init__(self, *names):\n        self.names = names\n\n    def html(self):\n        return [eval(n)._repr_html_() for n in self.names]\n';
    const [f] = await ranked(RULE, display, '/proj/pkg/show.py', { impact: 'all' });
    assert.match(f!.message, /names a live object/);
    assert.doesNotMatch(f!.message, /literal_eval/);
    const keys = 'def settings(text):\n    return eval(text).keys()\n';
    const [g] = await ranked(RULE, keys, '/proj/pkg/show.py', { impact: 'all' });
    assert.match(g!.message, /literal_eval/);
  });

  it('eval inside a try that catches NameError expects names; one that catches SyntaxError does not say so', async () => {
    const names =
      'def parse_args(args):\n    for j, a in enumerate(args):\n        try:\n            args[j] = eval(a) if isinstance(a, str) else a\n        except NameError:\n            pass\n    return args\n';
    const [f] = await ranked(RULE, names, '/proj/pkg/model.py', { impact: 'all' });
    assert.match(f!.message, /NameError/);
    assert.doesNotMatch(f!.message, /literal_eval/);
    const syntax = names.replace('NameError', 'SyntaxError');
    const [g] = await ranked(RULE, syntax, '/proj/pkg/model.py', { impact: 'all' });
    assert.doesNotMatch(g!.message, /NameError/);
  });

  it('so does eval under contextlib.suppress(NameError); suppressing another error does not (review31, ultralytics/yolov3)', async () => {
    const names =
      'import contextlib\n\ndef parse_args(args):\n    for j, a in enumerate(args):\n        with contextlib.suppress(NameError):\n            args[j] = eval(a) if isinstance(a, str) else a\n    return args\n';
    const [f] = await ranked(RULE, names, '/proj/pkg/model.py', { impact: 'all' });
    assert.match(f!.message, /NameError/);
    assert.doesNotMatch(f!.message, /literal_eval/);
    const [g] = await ranked(RULE, names.replace('suppress(NameError)', 'suppress(KeyError)'), '/proj/pkg/model.py', { impact: 'all' });
    assert.match(g!.message, /literal_eval/);
  });

  it('a name resolved in a conditional (`m = eval(m) if isinstance(m, str) else m`, then `m(...)`) is looked up, not parsed', async () => {
    const build = (use: string) =>
      `def parse_model(layers):\n    out = []\n    for m, args in layers:\n        m = eval(m) if isinstance(m, str) else m\n        out.append(${use})\n    return out\n`;
    const [f] = await ranked(RULE, build('m(*args)'), '/proj/pkg/model.py', { impact: 'all' });
    assert.match(f!.message, /look the name up/);
    assert.doesNotMatch(f!.message, /literal_eval/);
    const [g] = await ranked(RULE, build('m + 1'), '/proj/pkg/model.py', { impact: 'all' });
    assert.match(g!.message, /literal_eval/);
  });
});

describe('torch-tensor-python-iteration: .tolist() alone is not offered where the loop keeps the elements as tensors', () => {
  const RULE = 'torch-tensor-python-iteration';
  const loop = (keep: string) =>
    'import torch\n\ndef accept(model, x, stop):\n    tokens = []\n    new = torch.argmax(model(x), dim=-1)\n    for tok in new:\n        if tok in stop:\n            break\n' +
    keep +
    '    return tokens\n';

  it('an element appended to a list that is later stacked gets zip(t, t.tolist()) advice', async () => {
    const [f] = await ranked(RULE, loop('        tokens.append(tok)\n'), '/proj/pkg/generate.py', { impact: 'all' });
    assert.match(f!.message, /zip\(new, new\.tolist\(\)\)/);
    assert.match(f!.message, /tokens\.append\(tok\)/);
  });

  it('an element only read (counted, printed) keeps the plain .tolist() advice', async () => {
    const [f] = await ranked(RULE, loop('        print(tok)\n'), '/proj/pkg/generate.py', { impact: 'all' });
    assert.match(f!.message, /convert it once with `new\.tolist\(\)`/);
  });
});

describe("numpy-python-loop's moving-window advice computes the same numbers", () => {
  it("carries the reducer's own keywords (ddof=1) into the vectorised example", async () => {
    const src =
      'import numpy as np\n\n\ndef trailing_vol(returns, window):\n    vol = np.full(len(returns), np.nan)\n    for t in range(window, len(returns)):\n        vol[t] = np.std(returns[t - window : t], ddof=1)\n    return vol\n';
    const [f] = await ranked('numpy-python-loop', src, '/proj/pkg/risk.py', { impact: 'all' });
    assert.match(f!.message, /`np\.std\(windows, axis=-1, ddof=1\)`/);
    const method = src.replace('np.std(returns[t - window : t], ddof=1)', 'returns[t - window : t].std(ddof=0)');
    const [g] = await ranked('numpy-python-loop', method, '/proj/pkg/risk.py', { impact: 'all' });
    assert.match(g!.message, /`windows\.std\(axis=-1, ddof=0\)`/);
  });
});

describe('a toy frame written out in the code is small: per-group and per-element pandas advice is for hot code only', () => {
  const RULE = 'pandas-groupby-apply-transform';
  const toy =
    'import pandas as pd\n\ndf = pd.DataFrame({"key": ["A", "B", "C", "A", "B", "C"], "data1": range(6)})\nprint(df.groupby("key").transform(lambda x: x - x.mean()))\n';

  it('a six-row frame written in a teaching script is left out of the default output, kept under impact "all"', async () => {
    assert.deepEqual(await ranked(RULE, toy, '/proj/pkg/lesson.py'), []);
    const [all] = await ranked(RULE, toy, '/proj/pkg/lesson.py', { impact: 'all' });
    assert.ok(all, 'still reported under impact "all"');
  });

  it('a frame read from a file, or written out with more rows than a toy table, keeps its rank', async () => {
    const read = toy.replace('pd.DataFrame({"key": ["A", "B", "C", "A", "B", "C"], "data1": range(6)})', 'pd.read_csv("sales.csv")');
    assert.equal((await ranked(RULE, read, '/proj/pkg/lesson.py')).length, 1);
    const keys = Array.from({ length: 150 }, (_, i) => `"k${i % 3}"`).join(', ');
    const long = toy.replace('["A", "B", "C", "A", "B", "C"], "data1": range(6)', `[${keys}], "data1": range(150)`);
    assert.equal((await ranked(RULE, long, '/proj/pkg/lesson.py')).length, 1);
  });
});

describe('a toy frame rebound at the top level of a script or notebook: the use sees the last assignment above it', () => {
  const RULE = 'pandas-groupby-apply-transform';
  const frames = (second: string) =>
    'import pandas as pd\n\ndf = pd.read_csv("planets.csv")\nprint(df.describe())\n' + second + 'print(df.groupby("key").transform(lambda x: x - x.mean()))\n';

  it('the toy frame assigned last above the use makes it small', async () => {
    const src = frames('df = pd.DataFrame({"key": ["A", "B", "A"], "v": [1, 2, 3]})\n');
    assert.deepEqual(await ranked(RULE, src, '/proj/pkg/lesson.py'), []);
  });

  it('a toy frame assigned under an if, or read from a file last, is not small', async () => {
    const guarded = frames('if True:\n    df = pd.DataFrame({"key": ["A", "B", "A"], "v": [1, 2, 3]})\n');
    assert.equal((await ranked(RULE, guarded, '/proj/pkg/lesson.py')).length, 1);
    const reread = frames('df = pd.DataFrame({"key": ["A", "B", "A"], "v": [1, 2, 3]})\ndf = pd.read_csv("big.csv")\n');
    assert.equal((await ranked(RULE, reread, '/proj/pkg/lesson.py')).length, 1);
  });
});
