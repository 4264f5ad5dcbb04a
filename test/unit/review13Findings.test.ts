// Findings a blind review of held-out repositories (review13) judged wrong, and what each rule now says: a statistics
// pass and one-batch peeks of torch-dataloader-num-workers, tf-keras-predict-per-sample on standalone Keras 1,
// tf-train-step-not-compiled on steps its callers compile, and pandas-groupby-apply-transform messages that named a
// bare `transform("median")` where the fix fills gaps or centres values.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../common/types';
import { FIXTURES, getEngine } from '../helpers/engine';

type Found = Finding & { line: number };

async function findings(rule: string, source: string, filePath = '/proj/pkg/train.py'): Promise<Found[]> {
  const engine = await getEngine();
  return (
    engine
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      .lintText(source, { select: [rule], filePath, impact: 'auto', keepHints: true })
      .findings.filter((f) => f.ruleId === rule)
      .map((f) => ({ ...f, line: source.slice(0, f.start).split('\n').length }))
  );
}

const fixture = (rule: string, name: string) => readFileSync(path.join(FIXTURES, 'rules', rule, name), 'utf8');
const line = (f: Found) => f.line;

describe('review13: findings judged wrong', () => {
  describe('torch-dataloader-num-workers', () => {
    const RULE = 'torch-dataloader-num-workers';

    it('ranks a loader read in one statistics pass before its name is rebound as a hint, not as the training loop', async () => {
      const found = await findings(RULE, fixture(RULE, 'positive_statistics_pass.py'));
      const stats = found.find((f) => line(f) === 24);
      assert.equal(stats?.severity, 'hint');
      assert.doesNotMatch(stats!.message, /training loop/);
      assert.match(stats!.impact?.reasons.join('; ') ?? '', /read in one pass \(line 26\) before `train_loader` is bound to another loader/);
    });

    it('near misses: the loader that replaces it keeps the training-loop wording, a loop that inspects before breaking stays', async () => {
      const found = await findings(RULE, fixture(RULE, 'positive_statistics_pass.py'));
      const trains = found.find((f) => line(f) === 32);
      assert.equal(trains?.severity, 'info');
      assert.match(trains!.message, /while the training loop \(line 43\) waits for it/);
      assert.equal(found.find((f) => line(f) === 35)?.severity, 'info');
    });

    it('near miss: a single pass whose name is not rebound to another loader keeps its rank', async () => {
      const source = fixture(RULE, 'positive_statistics_pass.py').replace(
        'train_loader = DataLoader(dataset=train_set, batch_size=64, shuffle=True)',
        'train_loader = make_loader(train_set)',
      );
      const stats = (await findings(RULE, source)).find((f) => line(f) === 24);
      assert.equal(stats?.severity, 'info');
    });

    it('is silent on a loader only read by a loop that breaks at once', async () => {
      assert.deepEqual(await findings(RULE, fixture(RULE, 'negative_peek_loop.py')), []);
    });
  });

  describe('tf-keras-predict-per-sample: standalone Keras 1', () => {
    const RULE = 'tf-keras-predict-per-sample';

    it('a loop feeding predictions back is a hint advising predict_on_batch, never `model(x, training=False)`', async () => {
      const [feedback, independent] = await findings(RULE, fixture(RULE, 'positive_keras1.py'));
      assert.equal(feedback?.severity, 'hint');
      assert.match(feedback!.message, /`model\.predict_on_batch\(x\)` skips$/);
      assert.doesNotMatch(feedback!.message, /training=False/);
      assert.match(feedback!.impact?.reasons.join('; ') ?? '', /`model\.fit` passes `nb_epoch=`, a Keras 1 keyword/);
      assert.equal(independent?.severity, 'warning');
      assert.equal(independent!.message, '`net.predict` runs on one sample per iteration; predict on all samples at once');
    });

    it('finds the Keras 1 era from a Theano import when the model comes from standalone keras', async () => {
      const source = fixture(RULE, 'positive_keras1.py')
        .replace(', batch_size=128, nb_epoch=1)', ', batch_size=128, epochs=1)')
        .replace('import numpy as np\n', 'import numpy as np\nimport theano\n');
      const [feedback] = await findings(RULE, source);
      assert.equal(feedback?.severity, 'hint');
      assert.match(feedback!.impact?.reasons.join('; ') ?? '', /built by standalone Keras in a file that imports Theano/);
    });

    it('near misses: Keras 3 or tf.keras models keep the call-the-model advice', async () => {
      const modern = fixture(RULE, 'positive_keras1.py').replace(', batch_size=128, nb_epoch=1)', ', batch_size=128, epochs=1)');
      const [feedback] = await findings(RULE, modern);
      // A hint since round 47 (a loop that feeds each prediction back cannot be batched), for another reason than Keras 1.
      assert.equal(feedback?.severity, 'hint');
      assert.doesNotMatch(feedback!.impact?.reasons.join('; ') ?? '', /Keras 1/);
      assert.match(feedback!.message, /call the model directly, `model\(x, training=False\)\.numpy\(\)`/);
      const tfKeras = fixture(RULE, 'positive_keras1.py')
        .replace('from keras.models import Sequential', 'from tensorflow.keras.models import Sequential')
        .replace('import numpy as np\n', 'import numpy as np\nimport theano\n')
        .replace(', batch_size=128, nb_epoch=1)', ', batch_size=128, epochs=1)');
      assert.match((await findings(RULE, tfKeras))[0]?.message ?? '', /training=False/);
    });

    it('is silent on predict_on_batch in a Keras 1 loop that feeds predictions back (nothing leaner to advise)', async () => {
      const source = fixture(RULE, 'positive_keras1.py').replace('preds = model.predict(x, verbose=0)[0]', 'preds = model.predict_on_batch(x)[0]');
      const found = await findings(RULE, source);
      assert.deepEqual(
        found.map((f) => line(f)),
        [32],
      );
    });
  });

  describe('tf-train-step-not-compiled: callers that compile the step', () => {
    const RULE = 'tf-train-step-not-compiled';

    it('is silent when a caller of the file wraps the step in tf.function behind a flag or through a helper', async () => {
      assert.deepEqual(await findings(RULE, fixture(RULE, 'negative_wrapped_by_caller.py')), []);
    });

    it('near misses: a flag that compiles another function, a helper that only calls the step', async () => {
      const found = await findings(RULE, fixture(RULE, 'positive_caller_does_not_wrap.py'));
      assert.deepEqual(
        found.map((f) => `${line(f)} ${f.severity}`),
        ['11 info', '18 info'],
      );
    });

    it('is a hint on a public method no code of the file calls (its caller is in another module)', async () => {
      const source = fixture(RULE, 'positive_caller_does_not_wrap.py').replace(/\n\ndef repeat[\s\S]*$/, '\n');
      const found = await findings(RULE, source);
      assert.deepEqual(
        found.map((f) => `${line(f)} ${f.severity}`),
        ['11 hint', '18 hint'],
      );
      assert.match(found[0].impact?.reasons.join('; ') ?? '', /no code of this file calls `fit_batch`: its caller is in another module/);
    });
  });

  describe('pandas-groupby-apply-transform: the message says what the fix writes', () => {
    const RULE = 'pandas-groupby-apply-transform';
    const frame = 'import pandas as pd\n\n\ndef features(df: pd.DataFrame, other: pd.DataFrame):\n';

    it('a lambda that fills gaps is described as a fillna from the broadcast statistic, which the fix writes', async () => {
      const [f] = await findings(RULE, `${frame}    df["v"] = df.groupby("k")["v"].apply(lambda g: g.fillna(g.median()))\n`);
      const written = 'df["v"].fillna(df.groupby("k")["v"].transform("median"))';
      assert.equal(f?.fix?.edits[0].newText, written);
      assert.match(f!.message, /fill the gaps with each group's median, broadcast to its rows by `transform`: /);
      // Assigned back to a column of the frame: the message also says that pandas 2's apply would break that (review74).
      assert.ok(f!.message.includes(`\`${written}\`; and from pandas 2.0 this apply puts the group keys in the result's index`), f!.message);
    });

    it('a lambda that centres values is described as arithmetic on the column, which the fix writes', async () => {
      const [f] = await findings(RULE, `${frame}    df["c"] = df.groupby("k")["v"].transform(lambda g: g - g.mean())\n`);
      const written = 'df["v"] - df.groupby("k")["v"].transform("mean")';
      assert.equal(f?.fix?.edits[0].newText, written);
      assert.ok(
        f!.message.endsWith(`compute it on the whole column with each group's mean broadcast to its rows by \`transform\`: \`${written}\``),
        f!.message,
      );
    });

    it('a long rewrite names the groupby `gb`; a Series grouped by other series is the column itself', async () => {
      const [f] = await findings(RULE, `${frame}    other["a"] = other["a"].groupby([other["s"], other["p"]]).apply(lambda x: x.fillna(x.median()))\n`);
      assert.equal(f?.fix, undefined);
      assert.match(f!.message, /`other\["a"\]\.fillna\(gb\.transform\("median"\)\)`, `gb` being the groupby$/);
    });

    it('keys that are columns of the frame: the changed values are `cols`, not the whole frame', async () => {
      const [f] = await findings(RULE, `${frame}    return df.groupby("key").transform(lambda x: x - x.mean())\n`);
      assert.match(f!.message, /`cols - df\.groupby\("key"\)\.transform\("mean"\)`, `cols` being the columns other than the keys$/);
    });

    it('near misses: reductions, per-group methods and transform of a reduction keep their short wording', async () => {
      const [agg] = await findings(RULE, `${frame}    return df.groupby("k")["v"].apply(lambda g: g.mean())\n`);
      assert.match(agg!.message, /call the groupby's own `\.mean\(\)`$/);
      const [method] = await findings(RULE, `${frame}    return df.groupby("k")["v"].apply(lambda g: g.cumsum())\n`);
      assert.match(method!.message, /call the groupby's own `\.cumsum\(\)`$/);
      const [bare] = await findings(RULE, `${frame}    return df.groupby("k")["v"].transform(lambda g: g.max())\n`);
      assert.match(bare!.message, /use `\.transform\("max"\)`$/);
    });
  });
});
