// Round 78 (issues 24 and 26): findings the blind reviewers of held-out review55 judged wrong or not worth a change,
// where the code says why.
import * as assert from 'node:assert/strict';
import { rankedInRepository, ruleFindings, runPython } from '../helpers/engine';

describe('a module function named only in comments and docstrings is never called (review55, P2Bldg)', () => {
  const RULE = 'http-call-without-timeout';
  // An established project: twenty modules besides the one linted.
  const modules = Object.fromEntries([...Array(20)].map((_, i) => [`climate/part${i}.py`, `def part${i}():\n    return ${i}\n`]));
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="climate")\n', 'climate/__init__.py': '', ...modules };
  const FETCH = 'def get_monthly_data(lat, lon):\n    """Fetch the monthly data."""\n    return requests.get(f"https://example.org/{lat}/{lon}").json()\n';
  const module = (docstring: string, tail: string) => `${docstring}import requests\n\n\n${FETCH}\n\n${tail}`;

  it('ranks a request low when its function is named only in the module docstring and a commented-out call', async () => {
    // P2Bldg's pvgis_climate_data.py: "- get_pvgis_monthly_data(...):" in the docstring, `# get_pvgis_monthly_data()` below.
    const source = module(
      '"""Climate data.\n\n- get_monthly_data(lat, lon): monthly means\n"""\n',
      'if __name__ == "__main__":\n    # get_monthly_data(45, 8)\n    pass\n',
    );
    const [f] = await rankedInRepository(RULE, source, setup, 'climate/pvgis.py', 'perflens-r78-', true);
    assert.equal(f?.severity, 'hint', JSON.stringify(f?.impact));
    assert.match(f.impact?.reasons.join(' ') ?? '', /`get_monthly_data` is never called/);
  });

  it('keeps it where the module calls it, or names it in a string that can reach it', async () => {
    const called = module('"""Climate data."""\n', 'MONTHLY = get_monthly_data(45, 8)\n');
    const exported = module('"""Climate data."""\n', '__all__ = ["get_monthly_data"]\n');
    // A string statement that is not first in the module is not its docstring: a registry may read it.
    const laterString = module('"""Climate data."""\n', '"get_monthly_data"\n');
    for (const source of [called, exported, laterString]) {
      const [f] = await rankedInRepository(RULE, source, setup, 'climate/pvgis.py', 'perflens-r78-', true);
      assert.notEqual(f?.severity, 'hint', `${source}: ${JSON.stringify(f?.impact)}`);
    }
  });
});

describe('pandas-apply-axis1: a string formatted from columns, row by row (review55 hunt, north_european_model)', () => {
  const LAMBDAS = [`lambda row: f"{row['country']}_{row['grid']}"`, `lambda r: f"{{{r.country}}}-{r.grid}!"`];

  it('suggests the columns joined as strings, which give the same text as the apply on string columns (real pandas)', async function () {
    const suggestions: string[] = [];
    for (const lambda of LAMBDAS) {
      const source = `import pandas as pd\n\n\ndef nodes(df: pd.DataFrame):\n    df["node"] = df.apply(${lambda}, axis=1)\n    return df\n`;
      const found = await ruleFindings('pandas-apply-axis1', source);
      assert.equal(found.length, 1, lambda);
      assert.equal(found[0].fix, undefined, 'said, not rewritten');
      const suggested = /; `(.+)` builds the whole column at once$/.exec(found[0].message)?.[1];
      assert.ok(suggested, found[0].message);
      suggestions.push(`    assert df.apply(${lambda}, axis=1).tolist() == (${suggested}).tolist(), ${JSON.stringify(suggested)}`);
    }
    const program = [
      'import pandas as pd',
      'df = pd.DataFrame({"country": ["DE", "FI", "SE"], "grid": ["elec", "h2", "heat"], "value": [1.5, 2.0, 3.25]})',
      'if True:',
      ...suggestions,
      'print("same")',
    ].join('\n');
    const run = runPython(program);
    if (run.status !== 0 && /No module named 'pandas'/.test(run.stderr)) this.skip();
    assert.equal(run.stdout.trim(), 'same', run.stderr);
  });
});

describe('torch-eval-without-no-grad: an inference program named like a test (review55 hunt, U-2-Net)', () => {
  const RULE = 'torch-eval-without-no-grad';
  const SCRIPT = [
    'import torch',
    'from torch.utils.data import DataLoader',
    'from model import U2NET',
    '',
    '',
    'def main():',
    '    net = U2NET(3, 1)',
    '    net.load_state_dict(torch.load("u2net.pth"))',
    '    net.cuda()',
    '    net.eval()',
    '    loader = DataLoader(ImageFolderDataset("images"), batch_size=1)',
    '    for i, batch in enumerate(loader):',
    '        d1 = net(batch["image"].cuda())',
    '        save_output(i, d1)',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  ].join('\n');
  const setup = { 'README.md': 'Run `python u2net_test.py` to segment the images in ./images.\n', 'model.py': 'class U2NET:\n    pass\n' };

  it('reports the loop in `u2net_test.py` and `test.py`, programs with a `__main__` block and no tests, at full severity', async () => {
    for (const rel of ['u2net_test.py', 'test.py']) {
      const [f] = await rankedInRepository(RULE, SCRIPT, setup, rel, 'perflens-r78-', true);
      assert.equal(f?.severity, 'warning', `${rel}: ${JSON.stringify(f?.impact)}`);
    }
  });

  it('stays silent in test modules: pytest or unittest imported, a test function or class, a tests folder, or no `__main__` block', async () => {
    const variants: [string, string][] = [
      ['u2net_test.py', `import pytest\n${SCRIPT}`],
      ['u2net_test.py', `import unittest\n${SCRIPT}`],
      ['u2net_test.py', `${SCRIPT}\n\ndef test_shapes():\n    assert True\n`],
      ['u2net_test.py', `${SCRIPT}\n\nclass TestNet:\n    pass\n`],
      ['tests/u2net_test.py', SCRIPT],
      ['u2net_test.py', SCRIPT.replace('if __name__ == "__main__":\n    main()\n', 'main()\n')],
    ];
    for (const [rel, source] of variants) {
      const found = await rankedInRepository(RULE, source, setup, rel, 'perflens-r78-', true);
      assert.deepEqual(found, [], `${rel}: ${source.slice(0, 40)}`);
    }
  });

  it('keeps a test-named program that runs no model (a service checked by hand) ranked as test code', async () => {
    const IS = 'def pick(mode):\n    return 1 if mode is "train" else 0\n\n\nif __name__ == "__main__":\n    print(pick("train"))\n';
    const [f] = await rankedInRepository(
      'is-literal-comparison',
      IS,
      { 'setup.py': 'from setuptools import setup\nsetup(name="svc")\n' },
      'api_test.py',
      'perflens-r78-',
      true,
    );
    assert.equal(f?.severity, 'hint');
    assert.match(f.impact?.reasons.join(' ') ?? '', /in a test file/);
    // ...and the same program importing torch is an evaluation script: ranked as the project's own code.
    const [own] = await rankedInRepository(
      'is-literal-comparison',
      `import torch\n${IS}`,
      { 'setup.py': 'from setuptools import setup\nsetup(name="svc")\n' },
      'api_test.py',
      'perflens-r78-',
      true,
    );
    assert.doesNotMatch(own?.impact?.reasons.join(' ') ?? '', /in a test file/);
  });
});
