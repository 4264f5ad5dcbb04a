// The CLI's default output (impact = "auto") leaves hints out and says so; --impact all and
// `impact = "all"` in [tool.perflens] show every finding at full severity.
import * as assert from 'node:assert/strict';
import { project, run } from '../helpers/cli';
import type * as sarif from 'sarif';

const FILES = {
  'pkg/__init__.py': '',
  'pkg/load.py':
    // A handle per path stays open until the collector gets to it (one closed by hand is low impact: an
    // exception leaves the function and CPython closes the file as the traceback goes).
    'def load_all(paths):\n    out = []\n    for p in paths:\n        f = open(p)\n        for line in f:\n            out.append(line)\n    return out\n',
  'tests/test_load.py': 'def test_load(tmp_path):\n    f = open(tmp_path)\n    assert f.read() == ""\n',
};

describe('cli: impact ranking', () => {
  it('default output shows high-impact findings, leaves test-file hints out and counts them', () => {
    // --preview: open-without-with is a rule in preview (its record in blind reviews is not proven), whose findings are hints otherwise.
    const r = run(['check', '.', '--select', 'open-without-with', '--preview'], project(FILES), 60000, true);
    assert.match(r.stdout, /^pkg\/load\.py:4:13: warning: open-without-with /m);
    assert.doesNotMatch(r.stdout, /test_load/);
    assert.match(r.stdout, /^1 hint \(low-impact findings and minor advice\) not shown; `--impact all` shows them\.$/m);
    assert.equal(r.code, 1);
  });

  it('does not run the rules in preview, says so, and runs them with --preview or preview = true', () => {
    const r = run(['check', '.', '--select', 'open-without-with'], project(FILES), 60000, true);
    assert.doesNotMatch(r.stdout, /pkg\/load\.py/);
    assert.doesNotMatch(r.stdout, /hints? \(low-impact/);
    assert.match(r.stdout, /^Rules in preview did not run: `--preview` runs them\.$/m);
    assert.equal(r.code, 0);
    // Beside a proven rule's hints, the same words close the count of hints left out.
    const both = run(
      ['check', '.', '--select', 'open-without-with,http-call-without-timeout'],
      project({ ...FILES, 'tools/fetch.py': 'import requests\n\ndef fetch(url):\n    return requests.get(url)\n' }),
      60000,
      true,
    );
    assert.match(
      both.stdout,
      /^1 hint \(low-impact findings and minor advice\) not shown; `--impact all` shows them; rules in preview did not run: `--preview` runs them\.$/m,
    );
    // --impact all lists the findings of every rule, in preview or not: nothing is said not to run.
    assert.doesNotMatch(run(['check', '.', '--select', 'open-without-with', '--impact', 'all'], project(FILES), 60000, true).stdout, /did not run/);
    const config = run(
      ['check', '.', '--select', 'open-without-with'],
      project({ ...FILES, 'pyproject.toml': '[tool.perflens]\npreview = true\n' }),
      60000,
      true,
    );
    assert.match(config.stdout, /^pkg\/load\.py:4:13: warning: open-without-with /m);
    // A proven rule is in the default output without --preview (http-call-without-timeout: most of its reviewed findings were worth changing).
    const proven = run(
      ['check', '.', '--select', 'http-call-without-timeout'],
      project({ 'pkg/__init__.py': '', 'pkg/fetch.py': 'import requests\n\ndef fetch(url):\n    return requests.get(url).json()\n' }),
      60000,
      true,
    );
    assert.match(proven.stdout, /^pkg\/fetch\.py:4:12: info: http-call-without-timeout /m);
  });

  it('--impact all and impact = "all" in [tool.perflens] show everything at full severity', () => {
    const flag = run(['check', '.', '--select', 'open-without-with', '--impact', 'all'], project(FILES));
    assert.match(flag.stdout, /^tests\/test_load\.py:2:9: warning: open-without-with /m);
    assert.doesNotMatch(flag.stdout, /not shown/);
    const config = run(
      ['check', '.', '--select', 'open-without-with'],
      project({ ...FILES, 'pyproject.toml': '[tool.perflens]\nimpact = "all"\n' }),
      60000,
      true,
    );
    assert.match(config.stdout, /^tests\/test_load\.py:2:9: warning: open-without-with /m);
    const bad = run(['check', '.'], project({ ...FILES, 'pyproject.toml': '[tool.perflens]\nimpact = "some"\n' }), 60000, true);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /`impact` must be one of "auto", "all"/);
  });

  it("--format sarif carries each finding's impact (level and reasons), as the hover explains it", () => {
    const log = JSON.parse(run(['check', '.', '--select', 'open-without-with', '--format', 'sarif', '--impact', 'all'], project(FILES)).stdout) as sarif.Log;
    const byFile = new Map(log.runs[0].results!.map((r) => [r.locations![0].physicalLocation!.artifactLocation!.uri, r.properties]));
    assert.deepEqual(byFile.get('pkg/load.py')?.impact, { level: 'high', reasons: ['in a loop over data'] });
    assert.deepEqual(byFile.get('tests/test_load.py')?.impact, { level: 'low', reasons: ['in a test file'] });
  });
});
