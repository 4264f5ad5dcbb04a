// slots-undeclared-attribute in a slotted interface (blind review, issue 26): Kats' `Model` stores `self.params` under
// `__slots__ = ["data"]`, and its subclasses in other modules declare no `__slots__`, so their instances have a
// `__dict__` and the assignment works. Only a direct instance of the base raises: a hint that says so. A base the file
// builds itself, and a concrete slotted class, keep the warning.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine, ROOT } from '../helpers/engine';

describe('slots-undeclared-attribute in a base meant for subclasses', () => {
  it('is a hint naming direct instances for an uninstantiated base, a warning otherwise', async () => {
    const engine = await getEngine();
    const file = path.join(ROOT, 'test/fixtures/rules/slots-undeclared-attribute/positive_base.py');
    const found = engine.lintText(readFileSync(file, 'utf8'), { select: ['slots-undeclared-attribute'] }).findings;
    const byClass = found.map((f) => [/^`(\w+)`/.exec(f.message)![1], f.severity, /on direct instances/.test(f.message)]);
    assert.deepEqual(byClass, [
      ['Forecaster', 'hint', true],
      ['Estimator', 'hint', true],
      ['BaseSampler', 'hint', true],
      ['Smoother', 'warning', false],
      ['Window', 'warning', false],
    ]);
  });
});
