// Precision work from the third blind review of fresh repositories: claims that were false where the code's
// purpose shows (an eval meant to run code, a reducer that reads every item). These change severity, wording and
// fixes, which fixtures do not check; the rows that made a rule silent are fixture near misses. Each case has its near miss.
import * as assert from 'node:assert/strict';
import { ruleFindings } from '../helpers/engine';

/** The rule's findings in a library module (not a test, not an example). */
const findings = (rule: string, source: string) => ruleFindings(rule, source, '/proj/pkg/mod.py');

describe('precision (purpose of the code)', () => {
  describe('eval-exec-untrusted', () => {
    const RULE = 'eval-exec-untrusted';

    it('a class looked up by name is a hint without the literal_eval fix', async () => {
      const cases = [
        'class Est:\n    def __init__(self, base_estimator_name: str = "Model"):\n        self.base = eval(base_estimator_name)\n',
        'def build(spec):\n    kind = eval(spec)\n    assert kind == LinearModel\n    return kind\n',
        'def build(spec):\n    return isinstance(obj, eval(spec))\n',
      ];
      for (const src of cases) {
        const [f] = await findings(RULE, src);
        assert.equal(f?.severity, 'hint', src);
        assert.equal(f.fix, undefined, src);
        assert.doesNotMatch(f.message, /literal_eval/, src);
      }
      // Near miss: compared with a number, the value is data: a warning.
      const [data] = await findings(RULE, 'def build(spec):\n    value = eval(spec)\n    return value == 3\n');
      assert.equal(data?.severity, 'warning');
    });

    it('a function documented to evaluate the code or expression it is given is a hint', async () => {
      const doc = 'def craft(spec):\n    """Build an object.\n\n    spec : str\n        a string that evaluates to an estimator\n    """\n';
      const [f] = await findings(RULE, `${doc}    return eval(spec)\n`);
      assert.equal(f?.severity, 'hint');
      assert.match(f.message, /by design/);
      assert.equal(f.fix, undefined);
      const [g] = await findings(RULE, `${doc}    exec("def build():\\n" + spec)\n`);
      assert.equal(g?.severity, 'hint');
      // Near miss: a docstring about evaluating a model says nothing about running code.
      const [model] = await findings(RULE, 'def score(spec):\n    """Evaluate the model on the test set."""\n    return eval(spec)\n');
      assert.equal(model?.severity, 'warning');
    });

    it('a parameter whose default is Python source holds an expression to evaluate: a hint', async () => {
      for (const dflt of ['"None"', '"[(512, 10, 5)] * 4"']) {
        const [f] = await findings(RULE, `class D:\n    def __init__(self, encoder_spec: str = ${dflt}):\n        self.spec = eval(encoder_spec)\n`);
        assert.equal(f?.severity, 'hint', dflt);
        assert.equal(f.fix, undefined, dflt);
      }
      // Near miss: a default of plain words is not code (a default that is one name is a name to look up: a hint, see
      // evalNameDefault94.test.ts).
      const [words] = await findings(RULE, 'class D:\n    def __init__(self, activation: str = "leaky relu"):\n        self.act = eval(activation)\n');
      assert.equal(words?.severity, 'warning');
    });

    it('offers ast.literal_eval only when every caller in the file passes a literal display', async () => {
      const fn = 'def parse(raw):\n    return eval(raw)\n\n\n';
      assert.ok((await findings(RULE, `${fn}parse("[1, 2.5e-3, -4]")\nparse("{'lr': 0.1, 'on': True}")\n`))[0]?.fix);
      for (const calls of ['parse("[(512, 10, 5)] * 4")\n', 'parse(text)\n', '', 'parse("[1]")\nparse("2 + 3")\n']) {
        const [f] = await findings(RULE, `${fn}${calls}`);
        assert.equal(f?.fix, undefined, calls);
        assert.equal(f.severity, 'warning', calls);
      }
    });
  });

  describe('reduction-over-list-comprehension', () => {
    const RULE = 'reduction-over-list-comprehension';

    it('dict() and set() read every item: a memory hint, never "stop at the first decisive item"', async () => {
      const cases = [
        'def f(batch, names):\n    return dict(\n        [(key, batch[key]) for key in names]\n    )\n',
        'def f(batch, names):\n    return dict([(key, batch[key]) for key in names])\n',
        'def f(names):\n    return set([n.lower() for n in names])\n',
        'def f(names):\n    return set([n.lower() for n in names], )\n',
        'def f(pairs):\n    return dict([pair for pair in pairs])\n',
      ];
      for (const src of cases) {
        const [f] = await findings(RULE, src);
        assert.equal(f?.severity, 'hint', src);
        assert.doesNotMatch(f.message, /stop/, src);
      }
      // Near miss: any() does stop at the first true item.
      const [any] = await findings(RULE, 'def f(names):\n    return any([n.startswith("_") for n in names])\n');
      assert.equal(any?.severity, 'info');
      assert.match(any.message, /stop at the first decisive item/);
    });
  });
});
