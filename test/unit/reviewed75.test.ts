// Round 75 (issues 24 and 26): findings the blind reviewers of review50, review51 and review52 judged not worth a change
// or wrong, where the code says why, and the near-misses that must keep their rank.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../common/types';
import { isExampleFile } from '../../server/analysis/impact';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine, rankedInRepository } from '../helpers/engine';

/** The rule's findings on `source`, linted as a package module of /proj with the given impact mode. */
async function findings(ruleId: string, source: string, impact: 'auto' | 'all', filePath = '/proj/pkg/mod.py'): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, projectRoot: '/proj', impact }).findings.filter((f) => f.ruleId === ruleId);
}

async function ranked(ruleId: string, source: string) {
  return (await findings(ruleId, source, 'auto')).map((f) => ({
    severity: f.severity,
    reasons: f.impact?.reasons ?? [],
    fixed: f.fix?.edits.map((e) => e.newText).join(''),
  }));
}

describe('is-literal-comparison: attributes that hold a plain int', () => {
  const check = (test: string, before = '') => `def f(status, v, proc, t, g, fields):\n${before}    if ${test}:\n        return 1\n    return 0\n`;

  it('is a hint for a small int compared with an attribute conventionally holding a plain int', async () => {
    // minigo's `status.code is not 0` (four scripts), progressive GAN's `v.shape.ndims is 0` and `is 1`.
    for (const test of ['status.code is not 0', 'v.shape.ndims is 0', 'v.ndim is 1', 'proc.returncode is not 0', 'g.status_code is 200', 'g.errno is 2']) {
      const [f] = await ranked('is-literal-comparison', check(test));
      assert.equal(f?.severity, 'hint', test);
      assert.match(f.reasons.join(' '), /small-int|-5 to 256/, test);
      assert.ok(f.fixed === '==' || f.fixed === '!=', test);
    }
  });

  it('is a hint for an attribute the function sets only from int(), len() or an int literal', async () => {
    // KITTI's tracking devkit: `t_data.track_id = int(float(fields[1]))`, then `t_data.track_id is -1`.
    for (const before of [
      '    t.track_id = int(float(fields[1]))\n',
      '    t.track_id = len(fields)\n',
      '    t.track_id = -1\n    t.track_id = int(fields[0])\n',
    ]) {
      const [f] = await ranked('is-literal-comparison', check('t.track_id is -1', before));
      assert.equal(f?.severity, 'hint', before);
    }
  });

  it('keeps its warning for other attributes, other values and ints outside the cache', async () => {
    const cases: Array<[string, string]> = [
      ['g.button is 1', ''], // matplotlib's MouseButton is an IntEnum (review30)
      ['t.track_id is -1', '    t.track_id = fields[1]\n'], // set from something else as well
      ['t.track_id is -1', '    t.track_id = int(fields[1])\n    t.track_id = fields.pop()\n'],
      ['t.track_id is -1', ''], // set nowhere in the function
      ['status.code is 1000', ''], // outside the small-int cache
      ['status.code is "ok"', ''],
      ['status.codes is 0', ''],
      ['g.ndim - 1 is 0', ''],
    ];
    for (const [test, before] of cases) {
      const [f] = await ranked('is-literal-comparison', check(test, before));
      assert.equal(f?.severity, 'warning', `${test} / ${before}`);
    }
  });
});

describe('findings in module functions called only from functions nothing calls (review50, lightllm)', () => {
  const RULE = 'http-call-without-timeout';
  const modules = Object.fromEntries([...Array(20)].map((_, i) => [`vision/part${i}.py`, `def part${i}():\n    return ${i}\n`]));
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="vision")\n', 'vision/__init__.py': '', ...modules };
  const FETCH = 'import requests\n\n\ndef fetch_image(url):\n    return requests.get(url).content\n';
  const CALLER = '\n\ndef process_vision_info(messages):\n    return [fetch_image(m) for m in messages]\n';

  it('ranks them low, naming the dead callers', async () => {
    // lightllm's qwen2_vl fetch_image and fetch_video, called only by process_vision_info, which nothing calls.
    const two = `${FETCH}${CALLER}\n\ndef process_batch(batch):\n    return fetch_image(batch[0])\n`;
    for (const source of [FETCH + CALLER, two]) {
      const [f] = await rankedInRepository(RULE, source, setup, 'vision/models/vision_process.py', 'perflens-r75-', true);
      assert.equal(f?.severity, 'hint', source);
      assert.match(f.impact?.reasons.join(' ') ?? '', /`fetch_image` is only called from `process_vision_info`.*, which nothing calls/, source);
    }
  });

  it('ranks them low in a notebook, whose functions no other file can call, unless a cell runs the caller', async () => {
    const engine = await getEngine();
    const lint = (source: string) =>
      engine.lintText(source, { select: [RULE], filePath: '/proj/analysis.ipynb', impact: 'auto' }).findings.filter((f) => f.ruleId === RULE);
    const [dead] = lint(FETCH + CALLER);
    assert.equal(dead?.severity, 'hint');
    assert.match(dead.impact?.reasons.join(' ') ?? '', /only called from `process_vision_info`, which nothing calls/);
    const [run] = lint(`${FETCH}${CALLER}\n\nimages = process_vision_info(["a"])\n`);
    assert.doesNotMatch(run?.impact?.reasons.join(' ') ?? '', /nothing calls/);
  });

  it('keeps them where a caller runs, is named elsewhere, or the function is named otherwise', async () => {
    const kept: Array<[string, Record<string, string>]> = [
      [`${FETCH}${CALLER}\n\nIMAGES = process_vision_info([])\n`, {}], // the caller runs at import
      [`${FETCH}${CALLER}\n\ndef main():\n    process_vision_info([])\n`, {}], // ...or from a caller that runs
      [`${FETCH}${CALLER}`, { 'vision/server.py': 'from vision.models.vision_process import process_vision_info\n' }],
      [`${FETCH}${CALLER}`, { 'vision/api.py': 'from vision.models.vision_process import fetch_image\n' }],
      [`${FETCH}${CALLER}\n__all__ = ["fetch_image"]\n`, {}],
      [`${FETCH}${CALLER}\n\nURL_LOADERS = {"http": fetch_image}\n`, {}], // referenced outside any function
      [`${FETCH}${CALLER}`.replace('def process_vision_info', '@app.get("/")\ndef process_vision_info'), {}], // a route
    ];
    for (const [source, extra] of kept) {
      const [f] = await rankedInRepository(RULE, source, { ...setup, ...extra }, 'vision/models/vision_process.py', 'perflens-r75-', true);
      assert.notEqual(f?.severity, 'hint', `${source} ${JSON.stringify(extra)}: ${JSON.stringify(f?.impact)}`);
    }
  });
});

describe('is-literal-comparison: an int placeholder told from an array by identity (review51, rllab)', () => {
  const CMA =
    'from numpy import array\n\n\nclass Options:\n    def __init__(self, scaling):\n        self.scales = array(scaling)\n' +
    '        if len(self.scales) == 1:\n            self.scales = 1  # CAVE: 1 is not array(1)\n\n    def pheno(self, x):\n' +
    '        if self.scales is not 1:\n            x = x * self.scales\n        return x\n';

  it('is a hint that suggests isinstance, with no edit', async () => {
    const [f] = await findings('is-literal-comparison', CMA, 'auto');
    assert.equal(f?.severity, 'hint');
    assert.match(f.message, /placeholder `1` and to other values.*`not isinstance\(self\.scales, int\)`/);
    assert.equal(f.fix, undefined);
  });

  it('keeps the warning and the == fix where the file sets it only to other values, or to that int only', async () => {
    for (const source of [CMA.replace('self.scales = 1  #', 'self.scales = scaling  #'), CMA.replace('self.scales = array(scaling)', 'self.scales = 1')]) {
      const [f] = await ranked('is-literal-comparison', source);
      assert.ok(f, source);
      assert.notEqual(f.fixed, undefined, source);
      assert.doesNotMatch(f.reasons.join(' '), /placeholder/, source);
    }
  });
});

describe('http-call-without-timeout: model calls in a form body or a request built from the conversation (review51)', () => {
  const RULE = 'http-call-without-timeout';
  const message = async (source: string) =>
    (await findings(RULE, source, 'all')).map((f) => `${f.message} | ${f.fix?.edits.map((e) => e.newText).join('') ?? ''}`);

  it('offers a long read timeout for a transcription posted with a prompt in `data=`', async () => {
    // pyvideotrans' 302.ai transcription: the whole audio file, answered when transcribed.
    const [m] = await message(
      'import requests\n\n\ndef transcribe(url, audio, prompt):\n    return requests.post(url, files={"file": audio}, data={"model": "whisper-1", "prompt": prompt}).json()\n',
    );
    assert.match(m, /timeout=\(10, 600\)/);
  });

  it('offers it for urlopen of a request built from the conversation', async () => {
    // ramalama's chat summary: `req = self._make_api_request([summary_prompt], stream=False)`, then `urlopen(req)`.
    const [m] = await message(
      'import urllib.request\n\n\nclass Chat:\n    def summarize(self, summary_prompt):\n        req = self._make_api_request([summary_prompt], stream=False)\n' +
        '        with urllib.request.urlopen(req) as response:\n            return response.read()\n',
    );
    assert.match(m, /timeout=600/);
  });

  it('keeps 10 s for forms and requests that carry no prompt', async () => {
    for (const source of [
      'import requests\n\n\ndef upload(url, f):\n    return requests.post(url, files={"file": f}, data={"name": "x"}).ok\n',
      'import urllib.request\n\n\ndef fetch(self, path):\n    req = urllib.request.Request(path)\n    return urllib.request.urlopen(req).read()\n',
      'import urllib.request\n\n\ndef fetch(self, prompt_id):\n    req = self.make_request(prompt_id)\n    return urllib.request.urlopen(req).read()\n',
    ]) {
      const [m] = await message(source);
      assert.match(m, /timeout=10\b|pass `timeout=` \(seconds\)/, source);
      assert.doesNotMatch(m, /600/, source);
    }
  });
});

describe('numba-object-mode: forceobj=True on code nopython mode cannot compile (review52)', () => {
  const RULE = 'numba-object-mode';
  const lint = async (source: string) => (await findings(RULE, source, 'all')).map((f) => ({ severity: f.severity, message: f.message }));
  const jit = (params: string, body: string) => `import numba\nimport numpy as np\n\n\n@numba.jit(forceobj=True)\ndef f(${params}):\n${body}\n`;

  it('advises dropping the decorator, as a hint, not @njit', async () => {
    for (const [params, body, blocker] of [
      // coffea's b-tag lookup: an object array of jitted dispatchers.
      [
        'functions, variables',
        '    out = np.empty(variables.shape)\n    for i in range(functions.size):\n        out[i] = functions[i](variables[i])\n    return out',
        'functions',
      ],
      // Stereopy's sctransform: a Series argument, and np.mat.
      ['y, mu, theta', '    return (y - mu) / np.sqrt(mu + mu ** 2 / theta.to_numpy())', 'theta.to_numpy'],
      ['mat', '    rm = np.mat(mat.mean(1), dtype=np.float32)\n    return mat - rm', 'np.mat'],
    ]) {
      const [f] = await lint(jit(params, body));
      assert.equal(f?.severity, 'hint', body);
      assert.match(f.message, new RegExp(`uses .*${blocker.replace('.', '\\.')}.*drop the decorator`), body);
    }
  });

  it('keeps the @njit advice for array code: array methods, items of an array argument', async () => {
    for (const body of ['    return x.sum() + x.max()', '    t = 0.0\n    for i in range(x.shape[0]):\n        t += x[i] * 2\n    return t']) {
      const [f] = await lint(jit('x', body));
      assert.equal(f?.severity, 'warning', body);
      assert.match(f.message, /use `@njit`/, body);
    }
  });
});

describe('a project kept in a legacy/ folder of the workspace, with its own packaging (review52, OpenAdapt)', () => {
  const CALL = 'import requests\n\n\ndef complete(url, prompt):\n    return requests.post(url, json={"q": prompt}).json()\n';
  const project = {
    'pyproject.toml': '[project]\nname = "openadapt"\n',
    'openadapt/__init__.py': '',
    'legacy/setup.py': 'from setuptools import setup\nsetup(name="openadapt")\n',
    'legacy/openadapt/__init__.py': '',
  };

  it('ranks its requests low, as a legacy folder run by hand', async () => {
    const [f] = await rankedInRepository('http-call-without-timeout', CALL, project, 'legacy/openadapt/drivers/openai.py', 'perflens-r75-', true);
    assert.equal(f?.severity, 'hint');
    assert.match(f.impact?.reasons.join(' ') ?? '', /legacy folder \(`legacy\/`\)/);
  });

  it("keeps the current project's modules", async () => {
    const [f] = await rankedInRepository('http-call-without-timeout', CALL, project, 'openadapt/drivers/openai.py', 'perflens-r75-', true);
    assert.notEqual(f?.severity, 'hint', JSON.stringify(f?.impact));
  });
});

describe("CI's own folders are run by hand or by a CI job (review52, devpi)", () => {
  it('counts a script in .ci/ or .github/ below the folder given, also when the folder has a project file of its own', () => {
    // devpi's .ci/cleanup_devpi_indices.py, beside .ci/pyproject.toml (its linters' settings): three requests judged noise.
    const top = mkdtempSync(path.join(os.tmpdir(), 'perflens-r75-ci-'));
    try {
      for (const [rel, text] of [
        ['pyproject.toml', '[dependency-groups]\ndev = ["pytest"]\n'],
        ['.ci/pyproject.toml', '[tool.ruff]\n'],
        ['.ci/cleanup_devpi_indices.py', ''],
        ['.github/scripts/release.py', ''],
        ['server/pyproject.toml', '[project]\nname = "devpi-server"\n'],
        ['server/devpi_server/__init__.py', ''],
        ['server/devpi_server/ci/cleanup.py', ''],
        ['server/benchmarks/bench_import.py', ''],
      ]) {
        mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
        writeFileSync(path.join(top, rel), text);
      }
      // The nested project's own top folders count as before (server/benchmarks/, below server/pyproject.toml).
      for (const rel of ['.ci/cleanup_devpi_indices.py', '.github/scripts/release.py', 'server/benchmarks/bench_import.py'])
        assert.equal(isExampleFile(path.join(top, rel), NODE_FILES, top), true, rel);
      // A package's own `ci` module is the project's code.
      assert.equal(isExampleFile(path.join(top, 'server/devpi_server/ci/cleanup.py'), NODE_FILES, top), false);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
