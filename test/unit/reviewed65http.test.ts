// Round 65 (issue 26): http-call-without-timeout's noise in the default output, from the blind reviews of review36-40,
// each shape with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';

/** The rule's findings on `source` saved as `rel` in a published package's checkout, as the default output ranks them. */
function ranked(source: string, rel: string, project: Record<string, string> = {}) {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', ...project };
  return rankedInRepository(RULE, source, published, rel, 'perflens-r65-');
}

/** The package folders of `rel` (each with an `__init__.py`), so that the module is package code. */
const packages = (rel: string) => {
  const parts = rel.split('/').slice(0, -1);
  return Object.fromEntries(parts.map((_, i) => [`${parts.slice(0, i + 1).join('/')}/__init__.py`, '']));
};

const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';

describe('http-call-without-timeout: a request that tells a server to shut down', () => {
  // dtale's kill() and its reaper, explainerdashboard's terminate(), MetaGPT's close() of its Minecraft bridge: five
  // findings judged noise in review36-38.
  const stop = (url: string) => `import requests\n\n\nclass App:\n    def kill(self, base):\n        requests.get(${url})\n`;

  it('is a hint that says why', async () => {
    for (const url of ['self.shutdown_url', 'build_shutdown_url(base)', 'f"{self.server}/stop"', 'url=f"{base}/shutdown"']) {
      const [f] = await ranked(stop(url), 'pkg/app.py');
      assert.equal(f?.severity, 'hint', `${url}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /tells a server to shut down/);
    }
  });

  it('near misses: a status request and a URL that only contains "stop" in a word keep their rank', async () => {
    for (const url of ['f"{self.server}/status"', 'f"{base}/stops/nearby"', 'self.stop_words_url', 'f"{base}/jobs/{job_id}/stop"']) {
      const [f] = await ranked(stop(url), 'pkg/app.py');
      assert.ok(f, url);
      assert.notEqual(f.severity, 'hint', `${url}: ${JSON.stringify(f)}`);
    }
  });
});

describe("http-call-without-timeout: a package's datasets modules fetch example data once", () => {
  // deepchecks' sample models (nine findings), cesium, tsfel, splink, scirpy, AIF360, big_vision, feathr, mmf: 18 judged
  // noise in review37-39.
  const LOAD = 'from urllib.request import urlopen\n\n\ndef load_fitted_model():\n    with urlopen(_MODEL_URL) as f:\n        return f.read()\n';

  it('is a hint, at any depth under the datasets folder', async () => {
    for (const rel of ['pkg/datasets/iris.py', 'pkg/tabular/datasets/classification/adult.py']) {
      const [f] = await ranked(LOAD, rel, packages(rel));
      assert.equal(f?.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /`datasets` module/);
    }
  });

  it('near miss: a module of another folder keeps its rank', async () => {
    for (const rel of ['pkg/data/iris.py', 'pkg/dataset_client.py']) {
      const [f] = await ranked(LOAD, rel, packages(rel));
      assert.ok(f, rel);
      assert.notEqual(f.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
    }
  });

  it("near miss: a distribution whose top package is `datasets` (Hugging Face's src/datasets/) keeps its rank", async () => {
    const hf = { 'pyproject.toml': '[project]\nname = "datasets"\n', 'src/datasets/__init__.py': '', 'src/datasets/utils/__init__.py': '' };
    const [f] = await rankedInRepository(RULE, LOAD, hf, 'src/datasets/utils/file_utils.py', 'perflens-r65-');
    assert.ok(f);
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });

  it("near miss: a dataset's per-item method, and a helper it calls, run in loader workers and keep their rank", async () => {
    const perItem = 'import requests\n\n\nclass Images:\n    def __getitem__(self, i):\n        return requests.get(self.urls[i]).content\n';
    const helper =
      'import requests\n\n\nclass Images:\n    def fetch(self, url):\n        return requests.get(url).content\n\n' +
      '    def __getitem__(self, i):\n        return self.fetch(self.urls[i])\n';
    for (const source of [perItem, helper]) {
      const [f] = await ranked(source, 'pkg/datasets/images.py', packages('pkg/datasets/images.py'));
      assert.ok(f);
      assert.notEqual(f.severity, 'hint', JSON.stringify(f));
    }
  });

  it('near miss: a function that takes a timeout and forgets it on one request keeps its rank', async () => {
    // AutoTS's load_live_daily passes its `timeout` to every request but two (judged useful by both reviewers).
    const forgot =
      'import requests\n\n\ndef load_live(s, timeout=60):\n    a = s.get("https://a.example", timeout=timeout)\n' +
      '    b = requests.get("https://api.eia.gov/v2/data")\n    return a, b\n';
    const [f] = await ranked(forgot, 'pkg/datasets/live.py', packages('pkg/datasets/live.py'));
    assert.ok(f);
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });
});

describe("http-call-without-timeout: a command module under a package's nested cli/ or commands/ folder", () => {
  // lenskit's cli/data/fetch.py (`lenskit data fetch`, four findings) and guild's commands/init.py: judged noise.
  const FETCH = (lib: string) =>
    `import ${lib}\nfrom urllib.request import urlopen\n\n\ndef fetch_movielens(url, dest):\n    with urlopen(url) as res:\n        dest.write_bytes(res.read())\n`;

  it('is a hint when the module imports a command-line library', async () => {
    for (const [rel, lib] of [
      ['pkg/cli/data/fetch.py', 'click'],
      ['pkg/commands/init.py', 'click'],
      ['pkg/cli/data/fetch.py', 'typer'],
    ]) {
      const [f] = await ranked(FETCH(lib), rel, packages(rel));
      assert.equal(f?.severity, 'hint', `${rel} ${lib}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /command-line tool's module/);
    }
  });

  it("near misses: a client module there without one (guardrails' hub client), and Django's management commands", async () => {
    for (const [rel, lib] of [
      ['pkg/cli/server/hub_client.py', 'json'],
      ['pkg/management/commands/sync.py', 'argparse'],
    ]) {
      const [f] = await ranked(FETCH(lib), rel, packages(rel));
      assert.ok(f, rel);
      assert.notEqual(f.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
    }
  });
});

describe('http-call-without-timeout: a click or typer command function', () => {
  // OctoPrint's `appkeys request` command posts to the local server, then polls it: judged noise twice in review37.
  const command = (imports: string, decorator: string) =>
    `${imports}\nimport requests\n\n\n${decorator}\ndef request_command(app):\n    return requests.post("https://example.com/request", json={"app": app})\n`;

  it('is a hint that says why', async () => {
    for (const [imports, decorator] of [
      ['import click', '@click.command()\n@click.argument("app")'],
      ['import click', '@cli.command("request")'],
      ['import typer', '@app.command()'],
    ]) {
      const [f] = await ranked(command(imports, decorator), 'pkg/plugin.py');
      assert.equal(f?.severity, 'hint', `${decorator}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /click or typer command function/);
    }
  });

  it("near misses: a discord bot's command, and a helper beside the command, keep their rank", async () => {
    const [bot] = await ranked(command('import discord', '@bot.command()'), 'pkg/plugin.py');
    assert.ok(bot);
    assert.notEqual(bot.severity, 'hint', JSON.stringify(bot));
    const [helper] = await ranked(command('import click', '@functools.lru_cache()'), 'pkg/plugin.py');
    assert.ok(helper);
    assert.notEqual(helper.severity, 'hint', JSON.stringify(helper));
  });
});

describe('http-call-without-timeout: a finding that stays says why (the hover ranking line)', () => {
  const GET = 'import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n';

  it('in a package module, and in a module a web framework runs', async () => {
    const [pkg] = await ranked(GET, 'pkg/client.py');
    assert.equal(pkg?.impact?.level, 'normal', JSON.stringify(pkg));
    assert.match(reasons(pkg), /in a package module that other code imports and calls/);
    const [web] = await ranked(`import flask\n${GET}`, 'pkg/views.py');
    assert.match(reasons(web), /uses flask, a web or task framework that runs its code unattended/);
  });

  it('near misses: a hint keeps only its own reason, and a module outside any package gets none', async () => {
    const [hint] = await ranked(GET.split('url').join('shutdown_url'), 'pkg/client.py');
    assert.equal(hint?.impact?.level, 'low', JSON.stringify(hint));
    assert.doesNotMatch(reasons(hint), /package module/);
    const [loose] = await rankedInRepository(RULE, `import flask\n${GET}`, {}, 'app.py', 'perflens-r65-');
    assert.ok(loose);
    assert.doesNotMatch(reasons(loose), /package module/);
  });
});
