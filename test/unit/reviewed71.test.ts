// Round 71 (issue 26): findings that both blind reviewers of held-out review47 judged wrong. Each was offered
// `timeout=10` for a request whose answer takes longer by design: Gemini's `...:generateContent` sent through a retry
// helper that takes the URL as a parameter, Stable Diffusion WebUI's `/sdapi/v1/txt2img`, and adaptdl's long poll,
// which the server holds open until it answers 408. Ten seconds would fail every normal answer.
import * as assert from 'node:assert/strict';
import { libraryFindingsAll, rankedInRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';
const HEAD = 'import requests\n\n\n';

async function fixValue(source: string): Promise<{ value: string; message: string }> {
  const found = await libraryFindingsAll(RULE, source);
  assert.equal(found.length, 1, JSON.stringify(found));
  const text = found[0].fix?.edits.map((e) => e.newText).join('') ?? '';
  return { value: /timeout=(.*)$/.exec(text)?.[1] ?? '', message: found[0].message };
}

describe('http-call-without-timeout: requests slow by design get the long read timeout', () => {
  it("a helper whose callers send it to a model's generateContent (a URL built in the caller)", async () => {
    const source =
      `${HEAD}class GeminiAdapter:\n    def chat(self, model, data):\n        api_url = f"{self.base}/models/{model}:generateContent?key={self.key}"\n` +
      `        return self._post_with_retry(api_url, json=data).json()\n\n` +
      `    def _post_with_retry(self, url, json, retry_count=3):\n        for i in range(retry_count):\n            try:\n` +
      `                response = requests.post(url, json=json)\n                response.raise_for_status()\n                return response\n` +
      `            except requests.exceptions.RequestException:\n                if i == retry_count - 1:\n                    raise\n`;
    const a = await fixValue(source);
    assert.equal(a.value, '(10, 600)', a.message);
    assert.match(a.message, /model call/);
  });

  it('the URL passed by keyword, or written in the call, counts too', async () => {
    const byKeyword =
      `${HEAD}def send(url, body):\n    return requests.post(url, json=body)\n\n\n` +
      `def ask(base, body):\n    return send(url=f"{base}/v1beta/models/gemini-pro:streamGenerateContent", body=body)\n`;
    assert.equal((await fixValue(byKeyword)).value, '(10, 600)');
    const sd = `${HEAD}def draw(api_url, payload):\n    return requests.post(url=f"{api_url}/sdapi/v1/txt2img", json=payload)\n`;
    assert.equal((await fixValue(sd)).value, '(10, 600)');
  });

  it("a body held in a local dict with a prompt is a model's request", async () => {
    const source = `${HEAD}def draw(url, prompt):\n    payload = {"prompt": prompt, "steps": 20}\n    return requests.post(url, json=payload)\n`;
    assert.equal((await fixValue(source)).value, '(10, 600)');
  });

  it('a long poll the server answers with 408 gets a read timeout longer than its wait', async () => {
    const source =
      `${HEAD}def discover(url, key):\n    while True:\n        response = requests.get(url=f"{url}/discover/{key}")\n` +
      `        if response.status_code != 408:  # the server's own wait ended\n            break\n    return response.json()\n`;
    const a = await fixValue(source);
    assert.equal(a.value, '(10, 600)', a.message);
    assert.match(a.message, /holds this request open/);
  });

  it('near misses keep timeout=10: other endpoints through the same helper, a plain body, a status other than 408', async () => {
    const cases = [
      // The helper's callers send it to ordinary endpoints.
      `${HEAD}class Client:\n    def models(self):\n        api_url = f"{self.base}/models"\n        return self._post(api_url, json={})\n\n` +
        `    def _post(self, url, json):\n        return requests.post(url, json=json)\n`,
      // A parameter named like the URL, but the caller passes a list endpoint.
      `${HEAD}def send(url, body):\n    return requests.post(url, json=body)\n\n\ndef ask(base):\n    return send(f"{base}/items", {})\n`,
      // A body without a prompt.
      `${HEAD}def save(url, name):\n    payload = {"name": name, "steps": 20}\n    return requests.post(url, json=payload)\n`,
      // A 404 retried is not a long poll.
      `${HEAD}def discover(url):\n    while True:\n        response = requests.get(url)\n        if response.status_code != 404:\n            break\n    return response\n`,
      // generateContent only in a string that is not the URL.
      `${HEAD}def models(url):\n    r = requests.get(url)\n    return [m for m in r.json() if "generateContent" in m["methods"]]\n`,
    ];
    for (const source of cases) assert.equal((await fixValue(source)).value, '10', source);
  });
});

describe('is-literal-comparison: code the project has retired', () => {
  const project = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' };
  const source = 'def sample(method):\n    if method is "lhs":\n        return 1\n    return 2\n';
  const ranked = async (rel: string) => (await rankedInRepository('is-literal-comparison', source, project, rel, 'perflens-r71-'))[0];

  it("is a hint in an example folder's legacy/ and in a retired folder", async () => {
    for (const rel of ['examples/legacy/study/parametric.py', 'retired_benchmarks/minigo/oneoffs/eval.py', 'retired/tool.py', 'docs/legacy/old.py']) {
      const f = await ranked(rel);
      assert.equal(f?.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
      assert.match(f.impact?.reasons.join(' ') ?? '', /archive/, rel);
    }
  });

  it('near misses keep the warning: an example, the package’s own legacy/, a folder only named like retired', async () => {
    for (const rel of ['examples/study/parametric.py', 'pkg/legacy/sampling.py', 'legacy/examples_tool.py', 'pkg/retirement/plan.py', 'pkg/unretired/x.py']) {
      const f = await ranked(rel);
      assert.equal(f?.severity, 'warning', `${rel}: ${JSON.stringify(f)}`);
    }
  });
});

describe('review47 preview findings: wording and precision', () => {
  const frame = 'import numpy as np\nimport pandas as pd\n\ndf = pd.read_csv("x.csv")\n';

  it('pandas-apply-axis1: a long column expression is described, not quoted as a template', async () => {
    const long = `${frame}df["Quantity_TWh"] = df.apply(lambda x: x["Quantity"] / 1e3 + x["Quantity_other_unit"] * 3.6 - x["Quantity_losses"], axis=1)\n`;
    const [f] = await libraryFindingsAll('pandas-apply-axis1', long);
    assert.ok(f, 'reported');
    assert.doesNotMatch(f.message, /`the column expression`/);
    assert.match(f.message, /write the same arithmetic on whole columns/);
  });

  it('pandas-apply-axis1: np.where / np.select only for a row function that decides; a join is the same expression on columns', async () => {
    const join = `${frame}prefix = "L"\nconnector = "-"\n\n\ndef make_index(c):\n    return prefix + c.bus0 + connector + c.bus1\n\n\ndf.index = df.apply(make_index, axis=1)\n`;
    const [j] = await libraryFindingsAll('pandas-apply-axis1', join);
    assert.ok(j, 'reported');
    assert.doesNotMatch(j.message, /np\.where/);
    assert.match(j.message, /only combines the columns "bus0", "bus1": write the same expression on whole columns/);
    const decide = `${frame}def pick(r):\n    return r["a"] if r["a"] > r["b"] else r["b"]\n\n\ndf["m"] = df.apply(pick, axis=1)\n`;
    const [d] = await libraryFindingsAll('pandas-apply-axis1', decide);
    assert.ok(d, 'reported');
    assert.match(d.message, /np\.where/);
  });
});
