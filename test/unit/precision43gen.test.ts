// Precision work on the general rules from the session-42 blind reviews of /work/review10 and /work/review11
// (issue 26): what a maintainer would not act on becomes a hint or silent, and advice that would fail is replaced.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

async function findings(rule: string, source: string, filePath = '/proj/pkg/mod.py'): Promise<Finding[]> {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [rule], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === rule);
}

describe('precision of general rules (session 43)', () => {
  describe('eval-exec-untrusted', () => {
    const RULE = 'eval-exec-untrusted';

    it('a frame rate written as a ratio is a hint pointing to fractions.Fraction, not to the literal parsers', async () => {
      // Real-ESRGAN: ffprobe writes avg_frame_rate as "30000/1001"; ast.literal_eval and json.loads both fail on it.
      const src = 'import ffmpeg\n\ndef meta(path):\n    s = ffmpeg.probe(path)["streams"][0]\n    return eval(s["avg_frame_rate"])\n';
      const [f] = await findings(RULE, src);
      assert.equal(f?.severity, 'hint');
      assert.match(f.message, /fractions\.Fraction/);
      assert.doesNotMatch(f.message, /whoever controls/);
      // Near misses: the same name read from a request is outside input; another field keeps the usual message.
      const [web] = await findings(RULE, 'import flask\n\ndef view(request):\n    return eval(request.args["fps"])\n');
      assert.equal(web?.severity, 'error');
      const [other] = await findings(RULE, 'def meta(s):\n    return eval(s["width"])\n');
      assert.equal(other?.severity, 'warning');
      assert.doesNotMatch(other.message, /Fraction/);
    });

    it("what is typed at the program's own prompt is a hint; the prompt's text is not what is evaluated", async () => {
      // aima-python: `eval(input("Percept={}; action? ".format(percept)))` in a local teaching agent.
      for (const src of [
        'def main():\n    return eval(input())\n',
        'def program(percept):\n    return eval(input("Percept={}; action? ".format(percept)))\n',
        'def play():\n    while True:\n        move = input("Your move? ")\n        print(eval(move))\n',
      ]) {
        const [f] = await findings(RULE, src);
        assert.equal(f?.severity, 'hint', src);
        assert.match(f.message, /typed at this program's prompt/);
      }
      // Near misses: a parameter evaluated beside stdin stays a warning; model output stays an error.
      const [param] = await findings(RULE, 'def f(extra):\n    return eval(input() + extra)\n');
      assert.equal(param?.severity, 'warning');
      const [model] = await findings(RULE, 'def f(completion):\n    return eval(completion.choices[0].text)\n');
      assert.equal(model?.severity, 'error');
    });

    it('a small language evaluated in a namespace that makes every name it meets is a hint', async () => {
      // aima-python's expr(): `eval(text, defaultkeydict(Symbol))` turns logic sentences into expression trees.
      const cls =
        'import collections\n\nclass defaultkeydict(collections.defaultdict):\n    def __missing__(self, key):\n        self[key] = v = self.default_factory(key)\n        return v\n\n';
      for (const ns of ['defaultkeydict(Symbol)', 'collections.defaultdict(Symbol)']) {
        const [f] = await findings(RULE, `${cls}def expr(x):\n    return eval(x, ${ns})\n`);
        assert.equal(f?.severity, 'hint', ns);
        assert.match(f.message, /small language/);
      }
      // Near misses: a plain namespace, or a class without __missing__, says nothing about the text.
      for (const ns of ['{}', 'dict(math=math)', 'Namespace(Symbol)']) {
        const [f] = await findings(RULE, `class Namespace(dict):\n    pass\n\ndef expr(x):\n    return eval(x, ${ns})\n`);
        assert.equal(f?.severity, 'warning', ns);
      }
    });
  });

  describe('open-without-with', () => {
    const RULE = 'open-without-with';
    const severities = async (src: string) => (await findings(RULE, src)).map((f) => f.severity);
    /**
     * The source with a module-level loop that calls its function per item. Every finding of the rule is quiet outside
     * hot code since round 45, so a near miss shows its kept severity where the code repeats.
     */
    const perItem = (src: string, call: string) => `${src}\nfor item in items:\n    ${call}\n`;

    it('a file read whole once and dropped, never closed, is a hint (CPython closes it as the function returns)', async () => {
      // PyTorch-YOLOv3's parse_model_config: `file = open(path, "r")`, then `file.read()` once.
      assert.deepEqual(await severities('def parse(path):\n    file = open(path, "r")\n    lines = file.read().split("\\n")\n    return lines\n'), ['hint']);
      // Near misses: read twice, read in a loop, or returned: the handle lives on.
      assert.deepEqual(
        await severities(perItem('def parse(path):\n    f = open(path)\n    head = f.read(4)\n    rest = f.read()\n    return head, rest\n', 'parse(item)')),
        ['warning'],
      );
      assert.deepEqual(await severities(perItem('def parse(paths):\n    f = open(paths[0])\n    for _ in paths:\n        print(f.read())\n', 'parse(item)')), [
        'warning',
      ]);
      assert.deepEqual(await severities(perItem('def parse(path):\n    f = open(path, "w")\n    f.write("x")\n', 'parse(item)')), ['warning']);
    });

    it('a log kept open for the run and flushed after every write is a hint', async () => {
      // stylegan2-ada's stats.jsonl (write, flush per tick) and barlowtwins' line-buffered stats.txt (print(file=)).
      const flushed =
        'import json\n\ndef train(run_dir, ticks):\n    log = open(run_dir + "/stats.jsonl", "wt")\n    for t in ticks:\n        log.write(json.dumps(t) + "\\n")\n        log.flush()\n';
      const lineBuffered = 'def train(path, steps):\n    stats = open(path, "a", buffering=1)\n    for s in steps:\n        print(s, file=stats)\n';
      assert.deepEqual(await severities(flushed), ['hint']);
      assert.deepEqual(await severities(perItem(flushed, 'train(item, ticks)')), ['hint']);
      assert.deepEqual(await severities(lineBuffered), ['hint']);
      // Near misses: written in a loop without a flush, or flushed but written once.
      assert.deepEqual(
        await severities(perItem('def train(path, steps):\n    log = open(path, "w")\n    for s in steps:\n        log.write(str(s))\n', 'train(item, steps)')),
        ['warning'],
      );
      assert.deepEqual(await severities(perItem('def save(path, s):\n    log = open(path, "w")\n    log.write(s)\n    log.flush()\n', 'save(item, s)')), [
        'warning',
      ]);
    });
  });

  it('tf-data-missing-prefetch: silent in test files; the same pipeline in a training module is still reported', async () => {
    const src =
      'import tensorflow as tf\n\ndef run(model, files):\n    ds = tf.data.TFRecordDataset(files).map(tf.io.parse_tensor).batch(16)\n    model.fit(ds)\n';
    assert.equal((await findings('tf-data-missing-prefetch', src, '/proj/pkg/optimizers/dp_optimizer_keras_test.py')).length, 0);
    assert.equal((await findings('tf-data-missing-prefetch', src, '/proj/pkg/estimators/test_utils.py')).length, 0);
    assert.equal((await findings('tf-data-missing-prefetch', src, '/proj/pkg/train.py')).length, 1);
  });
});
