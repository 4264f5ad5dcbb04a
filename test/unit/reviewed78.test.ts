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
