// Round 49 (issue 26): a print in a notebook's tf.function, judged wrong twice as a warning (handson-ml2/ml3 chapter 12
// shows with it that the Python body runs only while tracing), is a hint saying so; a .py file keeps the warning.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'tf-print-in-function';

/** The rule's findings, ranked as the default output ranks them (impact "auto"), hints kept. */
async function ranked(source: string, filePath: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [RULE], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === RULE);
}

const CUBE = `import tensorflow as tf


@tf.function
def cube(x):
    print("x =", x)
    return x ** 3


cube(tf.constant(2.0))
cube(tf.constant(3.0))
`;

describe('tf-print-in-function: a print in a notebook is a demonstration of tracing', () => {
  it('in a notebook it is a hint whose reason says the print shows when tracing happens', async () => {
    const [f] = await ranked(CUBE, '/proj/12_custom_models_and_training_with_tensorflow.ipynb');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons.join(' '), /in a notebook, a `print` in a `tf\.function` usually demonstrates/);
  });

  it('near miss: the same function in a .py module stays a warning', async () => {
    const [f] = await ranked(CUBE, '/proj/pkg/train.py');
    assert.equal(f?.severity, 'warning');
  });

  it('near miss: in a notebook, a print outside any tf.function is not flagged at all', async () => {
    const found = await ranked(CUBE.replace('@tf.function\n', ''), '/proj/demo.ipynb');
    assert.deepEqual(found, []);
  });
});
