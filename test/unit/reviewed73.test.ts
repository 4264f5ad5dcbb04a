// Round 73 (issue 26): default findings the blind reviewers of held-out review48 judged not worth a change, where the
// code says why. `is` against a value CPython keeps one object for (`''`, `'*'`, `len(g) is 0`) behaves as written: 18
// of 19 such comparisons were judged noise, against 4 of 20 with other literals. Requests in a book's chapter demos and
// in an interactive shell's commands run in front of whoever started them.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function ranked(ruleId: string, source: string, filePath: string) {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [ruleId], filePath, projectRoot: '/proj', impact: 'auto' })
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => ({ severity: f.severity, reasons: f.impact?.reasons ?? [], fixed: f.fix?.edits.map((e) => e.newText).join('') }));
}

describe('is-literal-comparison: values CPython caches', () => {
  const check = (test: string) => `def f(cfg, parts, name, g):\n    if ${test}:\n        return 1\n    return 0\n`;

  it("is a hint, with the reason and the fix kept, for '' and one-character strings", async () => {
    // GLIP's `cfg.INPUT.FORMAT is not ''`, ibot's `pretrained_layers[0] is '*'`, d4rl's `is ""`.
    for (const test of ["cfg.FORMAT is not ''", "parts[0] is '*'", 'name is ""', "name is '\\n'", "name is '\\xe9'", "name is b''", "name is 'é'"]) {
      const [f] = await ranked('is-literal-comparison', check(test), '/proj/pkg/mod.py');
      assert.equal(f?.severity, 'hint', test);
      assert.match(f.reasons.join(' '), /one shared object/, test);
      assert.ok(f.fixed === '==' || f.fixed === '!=', test);
    }
  });

  it('is a hint for a small int compared with a call that answers a plain int', async () => {
    // GLIP's `str.find(...) is -1`, TraDeS' `len(g) is 0`.
    for (const test of ['name.find("x") is -1', 'len(g) is 0', 'int(name) is 256', 'parts.index(name) is not -5']) {
      const [f] = await ranked('is-literal-comparison', check(test), '/proj/pkg/mod.py');
      assert.equal(f?.severity, 'hint', test);
    }
  });

  it('keeps its warning where the identity test can fail', async () => {
    const cases = [
      "name is 'train'", // an interned constant here, not a string read from the command line
      'name is "ab"',
      "name is '\\u0100'", // above the 256 cached code points
      "name is 'Ā'",
      "name is f''",
      'g.button is 1', // an IntEnum or a NumPy scalar is never the cached int (review30: matplotlib's MouseButton)
      'parts.count(1) is 0', // a Series' count() answers a NumPy integer
      'len(g) is 257', // outside the small-int cache
      'len(g) is 1.0',
      "name is '' 'x'",
    ];
    for (const test of cases) {
      const [f] = await ranked('is-literal-comparison', check(test), '/proj/pkg/mod.py');
      assert.equal(f?.severity, 'warning', test);
    }
  });
});

describe("is-literal-comparison: a local that only holds the function's own string constants", () => {
  // d4rl's CARLA agent: `traffic_light_color` is "NONE", "YELLOW" or "GREEN", tested with `is not "YELLOW"`.
  const agent = (extra: string) =>
    'def color(lights):\n    c = "NONE"\n' +
    extra +
    '    for light in lights:\n        if light.yellow:\n            c = "YELLOW"\n        elif light.green:\n' +
    '            if c is not "YELLOW":\n                c = "GREEN"\n    return c\n';

  it('is a hint: the constant is compared with itself', async () => {
    const [f] = await ranked('is-literal-comparison', agent(''), '/proj/pkg/agent.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f.reasons.join(' '), /only ever holds string constants/);
  });

  it('keeps its warning when the name may hold another string', async () => {
    const cases = [
      '    c = lights.default_color\n', // a value from elsewhere
      '    c += "!"\n', // changed in place: a new string
      '    c = f"{lights}"\n', // an f-string is built at run time
      '    global c\n',
    ];
    for (const extra of cases) {
      const [f] = await ranked('is-literal-comparison', agent(extra), '/proj/pkg/agent.py');
      assert.equal(f?.severity, 'warning', extra);
    }
    // A parameter: its value comes from the caller (Skater's `surrogate_estimator is 'RF'`, judged worth fixing).
    const param = 'def fit(surrogate_estimator="RF"):\n    if surrogate_estimator is "RF":\n        return 1\n    return 0\n';
    const [p] = await ranked('is-literal-comparison', param, '/proj/pkg/brlc.py');
    assert.equal(p?.severity, 'warning');
  });
});

describe('http-call-without-timeout: requests run in front of whoever started them', () => {
  it("is a hint in a book's chapter demos, FastAPI demo routes included", async () => {
    // shibuiwilliam/ml-system-in-actions' chapter4_serving_patterns/.../routers.py and its client scripts.
    const route =
      'import requests\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.post("/predict")\n' +
      'def predict(data: dict):\n    return requests.post("http://serving:8501/v1/models/m:predict", json=data).json()\n';
    const [f] = await ranked('http-call-without-timeout', route, '/proj/chapter4_serving_patterns/sync_pattern/src/app/routers/routers.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f.reasons.join(' '), /teaching material.*run by hand/);
    // The same route in the project's own app stays shown.
    const [own] = await ranked('http-call-without-timeout', route, '/proj/serving/src/app/routers/routers.py');
    assert.equal(own?.severity, 'info');
  });

  const shell = (base: string, method: string) =>
    'import cmd\nimport requests\n\n\nclass Navigator(cmd.Cmd):\n    pass\n\n\n' +
    `class DatabaseNavigator(${base}):\n    def ${method}(self, line):\n        r = requests.post(self.base + "/api/login", json={})\n        return r.json()\n`;

  it("is a hint in a command of a cmd.Cmd shell, directly or through the file's own shell class", async () => {
    // NetExec's nxcdb `import empire` command.
    for (const base of ['cmd.Cmd', 'Navigator']) {
      const [f] = await ranked('http-call-without-timeout', shell(base, 'do_import'), '/proj/nxc/nxcdb.py');
      assert.equal(f?.severity, 'hint', base);
      assert.match(f.reasons.join(' '), /interactive shell/);
    }
  });

  it('stays shown in a helper of the shell class, or a do_ method of another class', async () => {
    const [helper] = await ranked('http-call-without-timeout', shell('cmd.Cmd', 'fetch_creds'), '/proj/nxc/nxcdb.py');
    assert.equal(helper?.severity, 'info');
    const [other] = await ranked('http-call-without-timeout', shell('object', 'do_import'), '/proj/nxc/nxcdb.py');
    assert.equal(other?.severity, 'info');
  });
});
