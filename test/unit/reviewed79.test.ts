// Round 79 (issues 24 and 26): findings review56's blind reviewers judged wrong or not worth a change, where the project
// says why, and the near misses that must keep their rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

describe('pandas-chained-inplace: a conda environment file of any name pins the pandas a project runs on', () => {
  const RULE = 'pandas-chained-inplace';
  const source = 'import pandas as pd\n\n\ndef prepare(path):\n    df = pd.read_csv(path)\n    df["price"].fillna(0, inplace=True)\n    return df\n';
  const ranked = (project: Record<string, string>) => rankedInRepository(RULE, source, project, 'pkg/features.py', 'perflens-r79-');
  const ENVIRONMENT = 'name: tm15-python310\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n  - pip:\n    - pandas==1.4.3\n';

  it('is a hint that says why when tm15-python310.yml pins pandas==1.4.3 (travel-model-one; both judges read the pin)', async () => {
    const [f] = await ranked({ 'tm15-python310.yml': ENVIRONMENT });
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.ok(
      f!.impact!.reasons.some((r) => /caps pandas at 1\.4/.test(r)),
      f!.impact!.reasons.join('; '),
    );
  });

  it('keeps its severity where the YAML file is not a conda environment, or its environment allows pandas 3', async () => {
    // A workflow or a configuration with a `dependencies:` key but neither `name:` nor `channels:` at its top.
    const [config] = await ranked({ 'pipeline.yml': 'steps:\n  - build\ndependencies:\n  - pandas==1.4.3\n' });
    assert.equal(config?.severity, 'warning', JSON.stringify(config));
    const [newer] = await ranked({ 'analysis-env.yaml': 'name: analysis\ndependencies:\n  - python=3.12\n  - pandas=3.0\n' });
    assert.equal(newer?.severity, 'warning', JSON.stringify(newer));
  });
});

describe('a module function whose name other files import from another module (review56, CityofToronto reimport.py)', () => {
  const RULE = 'http-call-without-timeout';
  // An established project: twenty modules besides the one linted.
  const modules = Object.fromEntries([...Array(20)].map((_, i) => [`dags/part${i}.py`, `def part${i}():\n    return ${i}\n`]));
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="data")\n', 'dags/__init__.py': '', ...modules };
  const SCRIPT =
    'import requests\n\n\ndef send_slack_msg(text):\n    requests.post("https://hooks.example.org/x", json={"text": text})\n\n\n' +
    'for month in range(1, 13):\n    try:\n        pull(month)\n    except OSError:\n        print("broke")\n        # send_slack_msg("pulling failed")\n';
  const SHARED = 'from dags.dag_functions import task_fail_slack_alert, send_slack_msg\n\n\ndef alert():\n    send_slack_msg("late")\n';

  it('ranks the request low: the other files call the helper they import from dags.dag_functions, not this one', async () => {
    const [f] = await rankedInRepository(RULE, SCRIPT, { ...setup, 'dags/pull.py': SHARED }, 'dags/reimport.py', 'perflens-r79-', true);
    assert.equal(f?.severity, 'hint', JSON.stringify(f?.impact));
    assert.match(f.impact?.reasons.join(' ') ?? '', /`send_slack_msg` is never called: no other file of the project names it/);
  });

  it('keeps it where another file imports it from this module, or names it without an import', async () => {
    for (const other of [
      'from dags.reimport import send_slack_msg\n\nsend_slack_msg("x")\n',
      'from .reimport import (\n    send_slack_msg,\n)\n',
      'import dags.reimport as reimport\n\nreimport.send_slack_msg("x")\n',
    ]) {
      const [f] = await rankedInRepository(RULE, SCRIPT, { ...setup, 'dags/other.py': other }, 'dags/reimport.py', 'perflens-r79-', true);
      assert.notEqual(f?.severity, 'hint', `${other}: ${JSON.stringify(f?.impact)}`);
    }
  });
});
