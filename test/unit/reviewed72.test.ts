// Round 72 (issue 26): findings the blind reviewers of held-out review48 judged wrong. `timeout=10` was offered to a
// client's one transport, the function every API call goes through with the HTTP method as a parameter (Dataiku's
// `_perform_http`, which carries LLM completions; Appwrite's `Client.call`, which carries synchronous function runs
// of up to 15 minutes). No single number suits all of a client's calls: the finding stays, with advice and no edit.
import * as assert from 'node:assert/strict';
import { getEngine, libraryFindingsAll, rankedInRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';
const HEAD = 'import requests\n\n\n';
// The client's session, as Dataiku's clients make it.
const INIT = '    def __init__(self):\n        self._session = requests.Session()\n\n';

async function only(source: string) {
  const found = await libraryFindingsAll(RULE, source);
  assert.equal(found.length, 1, JSON.stringify(found));
  return found[0];
}

describe("http-call-without-timeout: a client's one transport", () => {
  it('the method as a parameter, by position or by keyword: advice to give the client a timeout setting, no edit', async () => {
    const cases = [
      `${HEAD}class Client:\n${INIT}    def _perform_http(self, method, path, params=None):\n` +
        `        res = self._session.request(method, "%s/%s" % (self.base_uri, path), params=params)\n        return res\n`,
      `${HEAD}class Client:\n    def call(self, method, path="", headers=None):\n` +
        `        return requests.request(method=method, url=self._endpoint + path, headers=headers)\n`,
    ];
    for (const source of cases) {
      const f = await only(source);
      assert.equal(f.fix, undefined, source);
      assert.match(f.message, /every call of this client goes through here/);
      assert.match(f.message, /timeout setting/);
    }
  });

  it('near misses keep timeout=10: a literal method, a method computed in the function, a verb method', async () => {
    const cases = [
      `${HEAD}class Client:\n${INIT}    def ping(self, path):\n        return self._session.request("GET", self.base + path)\n`,
      `${HEAD}class Client:\n${INIT}    def send(self, kind, path):\n        method = "POST" if kind else "GET"\n` +
        `        return self._session.request(method, self.base + path)\n`,
      `${HEAD}class Client:\n${INIT}    def fetch(self, method, path):\n        return self._session.get(self.base + path)\n`,
    ];
    for (const source of cases) {
      const f = await only(source);
      assert.equal(f.fix?.edits.map((e) => e.newText).join(''), ', timeout=10', source);
    }
  });

  it("the transport keeps the project's own timeout when the class has one", async () => {
    const source =
      `${HEAD}class Client:\n    def __init__(self, timeout=30):\n        self.timeout = timeout\n        self._session = requests.Session()\n\n` +
      `    def _perform_http(self, method, path):\n        return self._session.request(method, self.base + path)\n\n` +
      `    def other(self):\n        return self._session.get(self.base, timeout=self.timeout)\n`;
    const f = await only(source);
    assert.match(f.fix?.edits.map((e) => e.newText).join('') ?? '', /timeout=self\.timeout/);
  });
});

// review48's reviewers judged 14 of 15 requests in download functions not worth a timeout (weights, sample data and
// assets fetched once by someone watching) and all three in openllmetry's sample app: both now hints.
describe('http-call-without-timeout: download functions and sample apps are hints', () => {
  const project = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' };
  const ranked = async (source: string, rel = 'pkg/util.py') => (await rankedInRepository(RULE, source, project, rel, 'perflens-r72-'))[0];

  it('a function named for downloading is a hint, with the reason in the finding', async () => {
    for (const name of ['download_pretrained', '_download', 'download_sample_data_files', 'DOWNLOAD']) {
      const f = await ranked(`${HEAD}def ${name}(url, dest):\n    r = requests.get(url, stream=True)\n    open(dest, "wb").write(r.content)\n`);
      assert.equal(f?.severity, 'hint', `${name}: ${JSON.stringify(f)}`);
      assert.match(f.impact?.reasons.join(' ') ?? '', /download function/);
    }
  });

  it('near misses stay: another name, a download that defeats its own retry, a request handler that downloads', async () => {
    const other = await ranked(`${HEAD}def fetch_entries(url):\n    return requests.get(url).json()\n`);
    assert.equal(other?.severity, 'info', JSON.stringify(other));
    const retried = `${HEAD}def download_file(url):\n    try:\n        return requests.get(url)\n    except requests.Timeout:\n        return None\n`;
    const r = await ranked(retried);
    assert.equal(r?.severity, 'info', JSON.stringify(r));
    const handler =
      `import flask\n${HEAD}app = flask.Flask(__name__)\n\n\n@app.route("/download")\ndef download():\n` +
      `    return requests.get("https://example.com/file").content\n`;
    const h = await ranked(handler);
    assert.equal(h?.severity, 'info', JSON.stringify(h));
  });

  it("a package's sample app is example code", async () => {
    const source = `${HEAD}def joke_generator():\n    return requests.get("https://www.google.com").text\n`;
    assert.equal((await ranked(source, 'packages/sample-app/sample_app/example.py'))?.severity, 'hint');
    assert.equal((await ranked(source, 'pkg/sample_apps_registry.py'))?.severity, 'info');
  });
});

// review48: kaggle-HomeDepot's feature_extraction1.py (92 simple applies in one module scope) stopped
// pandas-apply-simple-lambda on the per-file time budget: each candidate walked the whole scope again for a costlier
// apply. The scope's costlier applies are now found once per lint.
describe('pandas-apply-simple-lambda: a module full of applies', () => {
  const HEAD_PD = 'import pandas as pd\n\ndf = pd.read_csv("x.csv")\n';
  it('checks a 400-apply script in one pass, with no rule failure', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `df["c${i}"] = df["t"].apply(lambda x: x.split(":")[${i % 3}])`);
    const source = `${HEAD_PD}df["r"] = df.apply(lambda r: r["a"] + r["b"], axis=1)\n${lines.join('\n')}\n`;
    const engine = await getEngine();
    const started = Date.now();
    const result = engine.lintText(source, { select: ['pandas-apply-simple-lambda'], filePath: '/proj/pkg/features.py', projectRoot: '/proj', impact: 'all' });
    assert.deepEqual(result.failures, [], `stopped after ${Date.now() - started} ms`);
  });

  it('the costlier apply of one function does not silence another function', async () => {
    const source =
      `${HEAD_PD}\ndef rows(df):\n    df["r"] = df.apply(lambda r: r["a"] + r["b"], axis=1)\n    df["s"] = df["t"].apply(lambda x: x.upper())\n\n\n` +
      `def plain(df):\n    df["s"] = df["t"].apply(lambda x: x.upper())\n`;
    const found = await libraryFindingsAll('pandas-apply-simple-lambda', source);
    assert.deepEqual(
      found.map((f) => source.slice(0, f.start).split('\n').length),
      [11],
    );
  });
});
