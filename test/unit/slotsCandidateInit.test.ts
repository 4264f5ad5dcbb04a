// slots-candidate reads the class's own text for `__init__` before it searches the file for the class's constructor
// calls: only a dataclass or a class with an `__init__` can be reported. These pin that the shortcut drops neither.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

function source(header: string, body: string): string {
  return `import dataclasses\n\n\n${header}class Point:\n${body}\n\n\ndef load(n):\n    return [Point(i, i) for i in range(1_000_000)]\n`;
}

async function slotsFindings(text: string, targetVersion = '3.10'): Promise<string[]> {
  const engine = await getEngine();
  const { findings } = engine.lintText(text, { filePath: '/proj/geometry.py', targetVersion, select: ['slots-candidate'] });
  return findings.map((f) => f.message);
}

describe('slots-candidate: classes without `__init__`', () => {
  it('reports a dataclass built in bulk, which spells no `__init__`', async () => {
    const found = await slotsFindings(source('@dataclasses.dataclass\n', '    x: int\n    y: int'));
    assert.equal(found.length, 1);
    assert.match(found[0], /dataclass\(slots=True\)/);
  });

  it('reports a plain record class with an `__init__`, and says nothing for the same class without one', async () => {
    assert.equal((await slotsFindings(source('', '    def __init__(self, x, y):\n        self.x = x\n        self.y = y'))).length, 1);
    assert.deepEqual(await slotsFindings(source('', '    x = 0\n    y = 0\n\n    def norm(self):\n        return abs(self.x) + abs(self.y)')), []);
  });

  it('keeps the target-version gate of the dataclass form', async () => {
    assert.deepEqual(await slotsFindings(source('@dataclasses.dataclass\n', '    x: int\n    y: int'), '3.9'), []);
  });
});
