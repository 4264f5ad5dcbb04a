// Advice that assumes eager execution (call the Keras model directly instead of predict; compile an eager train step
// with tf.function) is wrong in a program that turns eager execution off, in the file itself or in the driver script
// beside it that imports the agent module. These tests build such a folder on disk, as the CLI sees it.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine, tempRepository } from '../helpers/engine';

const PREDICT = 'tf-keras-predict-per-sample';
const STEP = 'tf-train-step-not-compiled';

/** An agent whose learning step predicts on its replay mini-batch every step, and a plain eager train step. */
const AGENT = `import numpy as np
import tensorflow as tf


class Agent:
    def __init__(self):
        self.q_eval = tf.keras.Sequential([tf.keras.layers.Dense(4)])
        self.q_eval.compile(optimizer="adam", loss="mse")
        self.net = tf.keras.Sequential([tf.keras.layers.Dense(4)])
        self.opt = tf.keras.optimizers.Adam(1e-3)

    def learn(self, states, targets):
        q = self.q_eval.predict(states)
        q[0, 0] = 1.0
        self.q_eval.train_on_batch(states, q)

    def update(self, states, targets):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((self.net(states) - targets) ** 2)
        grads = tape.gradient(loss, self.net.trainable_variables)
        self.opt.apply_gradients(zip(grads, self.net.trainable_variables))


agent = Agent()
for step in range(1000):
    agent.learn(np.zeros((32, 3)), np.zeros((32, 4)))
    agent.update(np.zeros((32, 3)), np.zeros((32, 4)))
`;

const DRIVER = (importLine: string) => `${importLine}
import tensorflow as tf

if __name__ == "__main__":
    tf.compat.v1.disable_eager_execution()
    agent = Agent()
`;

async function rulesFired(files: Record<string, string>, linted = 'agent.py'): Promise<Map<string, string[]>> {
  const top = tempRepository(files);
  try {
    const engine = await getEngine();
    const filePath = path.join(top, linted);
    const found = engine.lintText(readFileSync(filePath, 'utf8'), { select: [PREDICT, STEP], filePath, impact: 'all' }).findings;
    const byRule = new Map<string, string[]>();
    for (const f of found) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f.message]);
    return byRule;
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

describe('eager-only TensorFlow advice and programs that turn eager execution off', () => {
  it('advises the direct call with .numpy(), which keeps the NumPy result the code writes into, and flags the eager step', async () => {
    const fired = await rulesFired({ 'agent.py': AGENT });
    assert.match(fired.get(PREDICT)?.[0] ?? '', /call the model directly, `self\.q_eval\(x, training=False\)\.numpy\(\)`/);
    assert.equal(fired.get(STEP)?.length, 1);
  });

  it('is silent when a script of the folder imports the module and turns eager execution off', async () => {
    for (const importLine of ['from agent import Agent', 'import agent', 'import numpy as np, agent']) {
      const fired = await rulesFired({ 'agent.py': AGENT, 'main_tf1.py': DRIVER(importLine) });
      assert.equal(fired.size, 0, importLine);
    }
  });

  it('is silent when the file itself turns eager execution off', async () => {
    const fired = await rulesFired({ 'agent.py': `${AGENT}tf.compat.v1.disable_eager_execution()\n` });
    assert.equal(fired.size, 0);
  });

  it('still fires when the script that turns eager execution off imports another module, or only mentions the call', async () => {
    const other = await rulesFired({ 'agent.py': AGENT, 'main_tf1.py': DRIVER('from other_agent import Agent') });
    assert.equal(other.get(PREDICT)?.length, 1);
    assert.equal(other.get(STEP)?.length, 1);
    const comment = await rulesFired({ 'agent.py': AGENT, 'main.py': 'from agent import Agent\n# tf.compat.v1.disable_eager_execution() is not needed\n' });
    assert.equal(comment.get(PREDICT)?.length, 1);
    assert.equal(comment.get(STEP)?.length, 1);
  });
});
