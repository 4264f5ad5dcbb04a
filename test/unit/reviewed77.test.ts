// Round 77 (issues 24 and 26): findings review54's blind reviewers judged wrong or not worth a change, where the code or
// the project says why, and the near misses that must keep their rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

describe('pandas-chained-inplace: a project held to a Python older than pandas 3 needs', () => {
  const RULE = 'pandas-chained-inplace';
  const source = 'import pandas as pd\n\n\ndef prepare(path):\n    df = pd.read_csv(path)\n    df["price"].fillna(0, inplace=True)\n    return df\n';
  const ranked = (project: Record<string, string>) => rankedInRepository(RULE, source, project, 'pkg/features.py', 'perflens-r77-');

  it("is a hint that says why when a conda environment pins python=3.8 (Open Power System Data's requirements.yml)", async () => {
    const [f] = await ranked({ 'requirements.yml': 'name: ts\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.8\n  - pandas\n' });
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.ok(
      f!.impact!.reasons.some((r) => /pins Python 3\.8.*needs Python 3\.11/.test(r)),
      f!.impact!.reasons.join('; '),
    );
  });

  it('keeps its severity where the Python pin allows pandas 3 (python=3.11), or where no Python is pinned', async () => {
    const [newer] = await ranked({ 'environment.yml': 'name: ts\ndependencies:\n  - python=3.11\n  - pandas\n' });
    assert.equal(newer?.severity, 'warning', JSON.stringify(newer));
    const [unpinned] = await ranked({ 'requirements.yml': 'name: ts\ndependencies:\n  - python\n  - pandas\n' });
    assert.equal(unpinned?.severity, 'warning', JSON.stringify(unpinned));
  });
});
