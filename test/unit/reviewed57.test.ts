// Round 57 (issues 24 and 26): cases from the blind review of review33, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

/** One rule's findings on `source` saved as `rel` in a checkout with `project` files, as the default output ranks them. */
function ranked(ruleId: string, source: string, project: Record<string, string> = {}, rel = 'pkg/features.py') {
  return rankedInRepository(ruleId, source, project, rel, 'perflens-r57-');
}

describe('pandas-chained-inplace: code that cannot run on a pandas with Copy-on-Write keeps the finding as a hint', () => {
  const RULE = 'pandas-chained-inplace';
  const fill = (extra: string, line = 'df["price"].fillna(0, inplace=True)') =>
    `import pandas as pd\n${extra}\n\ndef prepare(path):\n    df = pd.read_csv(path)\n    ${line}\n    return df\n`;

  it('a plain script keeps its severity: under pandas 3 the line does nothing', async () => {
    const [f] = await ranked(RULE, fill(''));
    assert.equal(f?.severity, 'warning', JSON.stringify(f));
  });

  it('a file importing sklearn.cross_validation (removed in 2018) is a hint that says why', async () => {
    const [f] = await ranked(RULE, fill('from sklearn.cross_validation import KFold'));
    assert.equal(f?.severity, 'hint');
    assert.ok(
      f!.impact!.reasons.some((r) => /sklearn\.cross_validation/.test(r)),
      f!.impact!.reasons.join('; '),
    );
  });

  it('a file calling pd.rolling_mean is a hint; a method named rolling_mean on another object is not evidence', async () => {
    const [old] = await ranked(RULE, fill('MA = pd.rolling_mean(pd.Series([1.0, 2.0]), 2)'));
    assert.equal(old?.severity, 'hint');
    const [other] = await ranked(RULE, fill('import mylib\nMA = mylib.rolling_mean([1.0, 2.0], 2)'));
    assert.equal(other?.severity, 'warning');
  });

  it('DataFrame.append on a frame is a hint; list.append is not evidence', async () => {
    const appendFrame = fill('', 'df["price"].fillna(0, inplace=True)\n    df = df.append(df.tail(1))');
    const [frame] = await ranked(RULE, appendFrame);
    assert.equal(frame?.severity, 'hint');
    const appendList = fill('', 'df["price"].fillna(0, inplace=True)\n    rows = []\n    rows.append(df.shape)');
    const [list] = await ranked(RULE, appendList);
    assert.equal(list?.severity, 'warning');
  });

  it('a project capping pandas below 3 is a hint; a cap at 3 or none is not', async () => {
    const [capped] = await ranked(RULE, fill(''), { 'requirements.txt': 'pandas==1.5.3\n' });
    assert.equal(capped?.severity, 'hint');
    assert.ok(
      capped!.impact!.reasons.some((r) => /caps pandas at 1\.5/.test(r)),
      capped!.impact!.reasons.join('; '),
    );
    const [floor] = await ranked(RULE, fill(''), { 'requirements.txt': 'pandas>=1.5\n' });
    assert.equal(floor?.severity, 'warning');
  });

  it('quotes a long selection by its frame, never as "the selection" spliced into code (review45)', async () => {
    const long = fill('', "xs_area_hydroid_lookup['bathy_calc_xs_area_after_adjustment'].mask(df.a.isnull(), 0, inplace=True)");
    const [f] = await ranked(RULE, long.replace('df = pd.read_csv(path)', 'xs_area_hydroid_lookup = pd.read_csv(path)'));
    assert.ok(f, long);
    assert.match(f.message, /^`xs_area_hydroid_lookup\[…\]\.mask\(\.\.\., inplace=True\)` modifies a temporary copy/);
    assert.match(f.message, /write `xs_area_hydroid_lookup\[…\] = xs_area_hydroid_lookup\[…\]\.mask\(\.\.\.\)`$/);
    assert.doesNotMatch(f.message, /the selection/);
    // Near miss: a short selection is quoted whole.
    const [short] = await ranked(RULE, fill(''));
    assert.match(short!.message, /^`df\["price"\]\.fillna\(\.\.\., inplace=True\)`.*write `df\["price"\] = df\["price"\]\.fillna\(\.\.\.\)`$/);
  });

  it("reads the cap from a Pipfile too (review45: NOAA's inundation-mapping pins pandas 2.0.2 only there)", async () => {
    const pipfile = (pin: string) => ({ 'pyproject.toml': '[tool.black]\n', Pipfile: `[packages]\nnumpy = "==1.24.3"\npandas = ${pin}\n` });
    const [capped] = await ranked(RULE, fill(''), pipfile('"==2.0.2"'));
    assert.equal(capped?.severity, 'hint');
    assert.ok(
      capped!.impact!.reasons.some((r) => /caps pandas at 2\.0/.test(r)),
      capped!.impact!.reasons.join('; '),
    );
    // Near miss: a Pipfile that names pandas without a cap installs the newest pandas.
    const [open] = await ranked(RULE, fill(''), pipfile('"*"'));
    assert.equal(open?.severity, 'warning');
  });

  it('code that switches Copy-on-Write on keeps its severity whatever it imports', async () => {
    const source = fill('from sklearn.cross_validation import KFold\npd.options.mode.copy_on_write = True');
    const [f] = await ranked(RULE, source);
    assert.equal(f?.severity, 'warning');
  });

  it('a list of columns was never updated in place, so old code keeps that finding', async () => {
    const source = fill('from sklearn.cross_validation import KFold', 'df[["a", "b"]].fillna(0, inplace=True)');
    const [f] = await ranked(RULE, source);
    assert.equal(f?.severity, 'warning');
  });
});

describe('eval-exec-untrusted: a function named for trusted input evaluates it on purpose', () => {
  const source = (name: string) => `def ${name}(expression_text):\n    strexpr = "lambda rec: " + expression_text\n    return eval(strexpr, {}, {})\n`;

  it('`_unsafe_expr` (petl, behind trusted=True) is a hint that says why', async () => {
    const [f] = await ranked('eval-exec-untrusted', source('_unsafe_expr'));
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(f!.message, /by design \(`_unsafe_expr` says in its name that its input is trusted\)/);
  });

  it('the same body under a neutral name keeps its warning', async () => {
    const [f] = await ranked('eval-exec-untrusted', source('make_expr'));
    assert.equal(f?.severity, 'warning', JSON.stringify(f));
  });
});

describe('tf-keras-predict-per-sample: evaluation over images of their own shapes', () => {
  const RULE = 'tf-keras-predict-per-sample';
  const evaluate = (method: string) => `import numpy as np
import tensorflow as tf


def evaluate(model, generator):
    results = [[None] * 3 for _ in range(generator.size())]
    for i in range(generator.size()):
        image = generator.resize_image(generator.load_image(i))
        boxes, scores = model.${method}(np.expand_dims(image, axis=0))[:2]
        detections = np.concatenate([boxes[0], scores[0][:, None]], axis=1)
        for label in range(3):
            results[i][label] = detections[detections[:, -1] == label]
    return results
`;

  it('a result stored under the loop index does not feed the next input back', async () => {
    const [f] = await ranked(RULE, evaluate('predict'), {}, 'pkg/eval.py');
    assert.ok(f, 'a finding');
    assert.doesNotMatch(f.message, /comes from the last prediction/);
    assert.equal(f.severity, 'warning', JSON.stringify(f));
  });

  it('predict_on_batch on one image per step is a hint: it already skips predict set-up', async () => {
    const [f] = await ranked(RULE, evaluate('predict_on_batch'), {}, 'pkg/eval.py');
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.ok(
      f!.impact!.reasons.some((r) => /share one shape/.test(r)),
      f!.impact!.reasons.join('; '),
    );
  });
});
