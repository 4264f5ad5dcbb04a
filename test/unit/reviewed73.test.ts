// Round 73 (issue 26): default findings the blind reviewers of held-out review48 judged not worth a change, where the
// code says why. `is` against a value CPython keeps one object for (`''`, `'*'`, `len(g) is 0`) behaves as written: 18
// of 19 such comparisons were judged noise, against 4 of 20 with other literals. Requests in a book's chapter demos and
// in an interactive shell's commands run in front of whoever started them.
import * as assert from 'node:assert/strict';
import { getEngine, rankedInRepository } from '../helpers/engine';

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

  it("is a hint for a small int compared with a name, names' arithmetic or a call that answers a plain int", async () => {
    // GLIP's `str.find(...) is -1`, TraDeS' `len(g) is 0`.
    // session-rec's `batch_no % 10 is 0` and `TYPE is 1`, causaltune's `i is 1` over an enumerate index, nansat's `srs is 0`.
    for (const test of ['name.find("x") is -1', 'len(g) is 0', 'int(name) is 256', 'parts.index(name) is not -5', 'g is 1', '(g % 10) is 0', 'g - 1 is -1']) {
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
      'parts[0] is 0', // an item of an array is a NumPy integer
      'g.ndim - 1 is 0', // an attribute may be one too
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

  it("is a hint for a module's name set only to identifier-like constants, in functions declaring it global too", async () => {
    // EdgeML's GesturePod labelling tool: CURRENT_STATE is 'PAUSED' or 'PLAY'.
    const tool =
      'CURRENT_STATE = "PAUSED"\n\n\ndef toggle():\n    global CURRENT_STATE\n    CURRENT_STATE = "PLAY"\n\n\n' +
      'def draw():\n    if CURRENT_STATE is not "PAUSED":\n        return 1\n    return 0\n';
    const [f] = await ranked('is-literal-comparison', tool, '/proj/pkg/label.py');
    assert.equal(f?.severity, 'hint');
    // Not interned: a constant with a space is a separate object in each code object.
    const [spaced] = await ranked('is-literal-comparison', tool.replace(/PAUSED/g, 'ON HOLD'), '/proj/pkg/label.py');
    assert.equal(spaced?.severity, 'warning');
    // Set from elsewhere in one function.
    const [read] = await ranked('is-literal-comparison', tool.replace('CURRENT_STATE = "PLAY"', 'CURRENT_STATE = input()'), '/proj/pkg/label.py');
    assert.equal(read?.severity, 'warning');
  });

  it('keeps its warning when the name may hold another string', async () => {
    const cases = [
      '    c = lights.default_color\n', // a value from elsewhere
      '    c += "!"\n', // changed in place: a new string
      '    c = f"{lights}"\n', // an f-string is built at run time
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

describe('a project its README marks deprecated or archived', () => {
  const REQUEST = 'import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n';
  const IS = 'def pick(mode):\n    return 1 if mode is "train" else 0\n';

  /** Findings of `ruleId` in pkg/mod.py of a repository with `readme` at its top, linted from the top (the CLI's `check .`). */
  const inRepository = (ruleId: string, source: string, readme: string, rel = 'pkg/mod.py', extra: Record<string, string> = {}) =>
    rankedInRepository(
      ruleId,
      source,
      { 'README.md': readme, 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', ...extra },
      rel,
      'perflens-r73-',
      true,
    );

  it('ranks every finding low, with the README named in the reason', async () => {
    const notices = [
      '# Satip\n\n\u26a0\ufe0f Note this repo is deprecated in favour of [satellite-consumer](https://github.com/x/y)\n',
      '**PLEASE NOTE THAT THIS IS DEPRECATED IN FAVOUR OF [OCF_DATAPIPES](https://github.com/x/y)!**\n\n# nowcasting_dataset\n',
      '# SDK\n\n# ARCHIVE NOTICE:\n\n> This project will no longer be updated or maintained.\n',
      '# CDMS2\n\n| WARNING: Maintenance-only mode until around the end of 2023. |\n',
      '# tool\n\nThis project is no longer maintained.\n',
      // review53: anime-downloader's warning, and other words for the same.
      '# Warning\n## This project has been semi-abandoned, and it is in a non-working state, <br />that might change in the future\n',
      '# tool\n\nThis repository is not maintained anymore.\n',
      '# tool\n\nThis package is discontinued; use `newtool` instead.\n',
      'TDAmeritrade is now defunct\n===\n\nThe old ``tda-api`` project is now defunct, and this repo is provided for archival purposes only.\n',
    ];
    for (const readme of notices) {
      const [http] = await inRepository('http-call-without-timeout', REQUEST, readme);
      assert.equal(http?.severity, 'hint', readme);
      assert.match(http.impact?.reasons.join(' ') ?? '', /README\.md marks deprecated or archived/, readme);
      const [is] = await inRepository('is-literal-comparison', IS, readme);
      assert.equal(is?.severity, 'hint', readme);
    }
  });

  it("reads the notice at the top of a monorepo whose libraries have their own packaging (botbuilder-python's libraries/)", async () => {
    const readme = '# Bot Framework SDK\n\n# ARCHIVE NOTICE:\n\n> We are archiving this repository.\n';
    const rel = 'libraries/connector/connector/client.py';
    const [f] = await inRepository('http-call-without-timeout', REQUEST, readme, rel, {
      'libraries/connector/setup.py': 'from setuptools import setup\nsetup(name="connector")\n',
      'libraries/connector/connector/__init__.py': '',
    });
    assert.equal(f?.severity, 'hint');
  });

  it('leaves a project whose README only mentions something deprecated', async () => {
    const readmes = [
      '# pkg\n\nPython 2 support is deprecated. The `fit_old` function is deprecated in favour of `fit`.\n',
      '# pkg\n\nA library that flags deprecated APIs and archived datasets.\n',
      // A disclaimer of who maintains it, and a request that gives up, are not a retired project.
      '# pkg\n\nThis project is not maintained by Google. This is not an officially supported Google product.\n',
      '# pkg\n\nThe upload is abandoned after three failed attempts.\n',
      '# pkg\n\nFast readers.\n\n' + 'x'.repeat(2000) + '\n\nThis project is no longer maintained.\n', // past the opening
    ];
    for (const readme of readmes) {
      const [f] = await inRepository('http-call-without-timeout', REQUEST, readme);
      assert.equal(f?.severity, 'info', readme);
    }
  });
});

describe('dnnlib, LLaVA and ZoeDepth copied into a project are vendored code', () => {
  const REQUEST = 'import requests\n\n\ndef open_url(url):\n    return requests.get(url).content\n';

  it('ranks their requests low, below the top folder and at it', async () => {
    for (const rel of [
      'converters/stylegan2_official/dnnlib/util.py',
      'dnnlib/util.py',
      'llava/serve/model_worker.py',
      'metric_depth/zoedepth/utils/misc.py',
    ]) {
      const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="genforce")\n' };
      const [f] = await rankedInRepository('http-call-without-timeout', REQUEST, setup, rel, 'perflens-r73-', true);
      assert.equal(f?.severity, 'hint', rel);
      assert.match(f.impact?.reasons.join(' ') ?? '', /vendored/, rel);
    }
  });
});

describe('folders of old copies', () => {
  const IS = 'def pick(mode):\n    return 1 if mode is "train" else 0\n';

  it("ranks findings in old_*/ and backup/ folders low, not in old/ or a folder that only starts with 'old'", async () => {
    for (const rel of ['/proj/old_notebooks/pick.py', '/proj/backup/algorithms/pick.py', '/proj/src/old-scripts/pick.py']) {
      const [f] = await ranked('is-literal-comparison', IS, rel);
      assert.equal(f?.severity, 'hint', rel);
      assert.match(f.reasons.join(' '), /archive folder/, rel);
    }
    for (const rel of ['/proj/old/pick.py', '/proj/oldtown/pick.py', '/proj/pkg/pick.py']) {
      const [f] = await ranked('is-literal-comparison', IS, rel);
      assert.equal(f?.severity, 'warning', rel);
    }
  });
});
