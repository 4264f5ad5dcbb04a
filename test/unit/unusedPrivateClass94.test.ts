// Round 94 (issue 26): requests in the methods of a private class that nothing names (review69: brightwind's
// `_LoadBWPlatform`, judged not worth a change by both reviewers: nothing can reach it).
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

describe('findings in the methods of a private class nothing names (review69)', () => {
  const RULE = 'http-call-without-timeout';
  // An established project: twenty modules besides the one linted.
  const modules = Object.fromEntries([...Array(20)].map((_, i) => [`wind/part${i}.py`, `def part${i}():\n    return ${i}\n`]));
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="wind")\n', 'wind/__init__.py': '', ...modules };
  const loader = (cls: string, extra = '') =>
    `import requests\n\n\nclass ${cls}:\n    def __init__(self, token):\n        self.token = token\n\n    def fetch(self, url):\n        return requests.get(url, headers={"Authorization": self.token}).json()\n${extra}`;
  const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join(' ') ?? '';

  it('ranks them low, naming the class', async () => {
    const [f] = await rankedInRepository(RULE, loader('_LoadPlatform'), setup, 'wind/load.py', 'perflens-r94-', true);
    assert.equal(f?.severity, 'hint');
    assert.match(reasons(f), /`_LoadPlatform` is never used: no other file of the project names it/);
  });

  it('keeps them when the class is named in its file, by another file, or can be found without its name', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['used in the file', loader('_LoadPlatform', '\n\ndef load(url):\n    return _LoadPlatform("t").fetch(url)\n'), setup],
      ['a subclass', loader('_LoadPlatform', '\n\nclass Loader(_LoadPlatform):\n    pass\n'), setup],
      ['public class', loader('LoadPlatform'), setup],
      ['metaclass', loader('_LoadPlatform(metaclass=Registry)'), setup],
      ['__subclasses__', loader('_LoadPlatform', '\n\nLOADERS = object.__subclasses__()\n'), setup],
      ['imported elsewhere', loader('_LoadPlatform'), { ...setup, 'wind/api.py': 'from wind.load import _LoadPlatform\n' }],
    ];
    for (const [what, source, project] of cases) {
      const [f] = await rankedInRepository(RULE, source, project, 'wind/load.py', 'perflens-r94-', true);
      assert.notEqual(f?.severity, 'hint', `${what}: ${reasons(f)}`);
    }
  });

  it('does not call a request in the class body dead: it runs when the module is imported', async () => {
    const source = 'import requests\n\n\nclass _Config:\n    SETTINGS = requests.get("https://example.org/settings").json()\n';
    const [f] = await rankedInRepository(RULE, source, setup, 'wind/config.py', 'perflens-r94-', true);
    assert.ok(f, 'still reported');
    assert.doesNotMatch(reasons(f), /never used/);
  });
});
