// Round 82 (issue 24): what review58's recall hunt found missing, with the near misses that must stay silent.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine, tempRepository } from '../helpers/engine';

/** The 1-based line a finding starts on. */
const lineOf = (source: string, offset: number) => source.slice(0, offset).split('\n').length;

/** One rule's findings on `rel` of a temporary repository holding `files`, every impact level shown. */
async function findingsInRepository(ruleId: string, files: Record<string, string>, rel: string) {
  const top = tempRepository(files, 'perflens-r82-');
  try {
    const engine = await getEngine();
    return engine.lintText(files[rel], { select: [ruleId], filePath: path.join(top, rel), projectRoot: top, impact: 'all' }).findings;
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

// Orkney-Curtailment-Modeling's model.py: a Keras model built by a nested builder of `keras.models.Model`.
const MODEL_MODULE = [
  'from keras.layers import Dense, Input',
  'from keras.models import Model',
  '',
  '',
  'def train_perceptron(x, y, epochs=30):',
  '    def get_model():',
  '        inp = Input(shape=(x.shape[-1],))',
  '        out = Dense(1, activation="sigmoid")(inp)',
  '        model = Model(inputs=inp, outputs=out)',
  '        model.compile(loss="binary_crossentropy", optimizer="rmsprop")',
  '        return model',
  '',
  '    model = get_model()',
  '    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)',
  '    return model',
  '',
].join('\n');

const SKLEARN_MODULE = [
  'from sklearn.linear_model import LogisticRegression',
  '',
  '',
  'def train_perceptron(x, y):',
  '    return LogisticRegression().fit(x, y)',
  '',
].join('\n');

// metoffice.py: the script imports the module, never Keras, and predicts one row of the frame at a time.
const SCRIPT = [
  'import model as m',
  '',
  '',
  'def evaluate(df, df_train):',
  '    percep = m.train_perceptron(df_train[["speed", "hour"]].values, df_train[["curtailed"]].values)',
  '    df["prediction"] = [percep.predict([[d[["wind_speed", "hour"]].values]])[0][0] for i, d in df.iterrows()]',
  '    return df',
  '',
  '',
  'def score(df, clf):',
  '    # A parameter nothing types, in a file without Keras: any library predicts so.',
  '    return [clf.predict([[d["wind_speed"]]])[0] for _, d in df.iterrows()]',
  '',
].join('\n');

describe('tf-keras-predict-per-sample: a Keras model built in another module of the workspace (review58, Orkney)', () => {
  it('reports the one-row predict in a script that imports only the module building the model', async () => {
    const found = await findingsInRepository('tf-keras-predict-per-sample', { 'model.py': MODEL_MODULE, 'metoffice.py': SCRIPT }, 'metoffice.py');
    assert.deepEqual(
      found.map((f) => lineOf(SCRIPT, f.start)),
      [6],
    );
    assert.match(found[0]!.message, /`percep\.predict` runs on one sample per iteration/);
  });

  it('stays silent when the module returns a scikit-learn model, and on receivers nothing types in a file without Keras', async () => {
    assert.deepEqual(await findingsInRepository('tf-keras-predict-per-sample', { 'model.py': SKLEARN_MODULE, 'metoffice.py': SCRIPT }, 'metoffice.py'), []);
  });
});
