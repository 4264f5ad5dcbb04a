// Round 61 (issue 26): http-call-without-timeout where a person is already watching, from review36's blind reviews,
// each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine, rankedInRepository, tempRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';

/** The rule's findings on `source` saved as `rel` in a published package's checkout, as the default output ranks them. */
function ranked(source: string, rel = 'pkg/client.py') {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' };
  return rankedInRepository(RULE, source, published, rel, 'perflens-r61-');
}

const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';

describe('http-call-without-timeout: a function that prompts at the terminal is watched by whoever answers it', () => {
  // jirashell's OAuth dance asks for the verifier with input() between its requests: both reviewers judged it noise.
  const dance = (prompt: string, imports = '') =>
    `import requests\n${imports}\n\ndef oauth_dance(server, key):\n    token = requests.post(server + "/request-token", data={"key": key}).text\n` +
    `    verifier = ${prompt}\n    return requests.post(server + "/access-token", data={"verifier": verifier}).text\n`;

  it('a hint with the reason, for input(), getpass.getpass() and click.prompt()', async () => {
    for (const [prompt, imports] of [
      ['input("Verifier: ")', ''],
      ['getpass.getpass("Verifier: ")', 'import getpass'],
      ['click.prompt("Verifier")', 'import click'],
    ]) {
      const found = await ranked(dance(prompt, imports));
      assert.equal(found.length, 2, prompt);
      for (const f of found) {
        assert.equal(f.severity, 'hint', `${prompt}: ${JSON.stringify(f)}`);
        assert.match(reasons(f), /prompts at the terminal/);
      }
    }
  });

  it('near misses: a shadowed input, a prompt in a nested function, a module that only names click', async () => {
    const shadowed = 'from .ui import input\n' + dance('input("Verifier: ")').replace('import requests\n', 'import requests\n');
    const nested = dance('ask()').replace('    verifier = ask()\n', '    def ask():\n        return input("Verifier: ")\n    verifier = ask\n');
    const unimported = dance('click.prompt("Verifier")');
    for (const source of [shadowed, nested, unimported]) {
      const found = await ranked(source);
      assert.ok(found.length >= 1, source);
      for (const f of found) {
        assert.notEqual(f.severity, 'hint', `${source}: ${JSON.stringify(f)}`);
        assert.doesNotMatch(reasons(f), /prompts at the terminal/);
      }
    }
  });
});

describe('http-call-without-timeout: a web route asking a server on this machine keeps its rank', () => {
  // frigate's FastAPI route asks its go2rtc sidecar at 127.0.0.1 for a stream: both reviewers of review36 judged it worth
  // a timeout (a stuck sidecar ties up a worker). Outside a route, a loopback request is a hint since round 70
  // (review45 and review46: fourteen of fourteen judged noise).
  const route =
    'import requests\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/streams/{name}")\n' +
    'def camera_stream(name):\n    return requests.get("http://127.0.0.1:1984/api/streams", params={"src": name}).json()\n';

  it('not a hint', async () => {
    const [f] = await ranked(route);
    assert.ok(f);
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });
});

describe('http-call-without-timeout: urlopen in the branch that found a data: or file: URL', () => {
  // cog's file types decode inline data URIs with urlopen under `if parsed_url.scheme == "data":`: both reviewers of
  // review37 judged the two findings wrong (nothing there can hang).
  const decode = (test: string, parse = '    parsed = urllib.parse.urlparse(value)\n') =>
    `import io\nimport urllib.parse\nimport urllib.request\n\n\ndef validate(value):\n${parse}    if ${test}:\n` +
    '        with urllib.request.urlopen(value) as res:\n            return io.BytesIO(res.read())\n    return value\n';

  it('silent under a scheme test of the parsed URL, or a startswith test of the URL itself', async () => {
    for (const test of ['parsed.scheme == "data"', 'parsed.scheme in ("data", "file")', 'value.startswith("data:")']) {
      assert.deepEqual(await ranked(decode(test)), [], test);
    }
  });

  it('near misses: a network scheme, the else branch, another URL parsed, a URL tested but not the one opened', async () => {
    const elseBranch = decode('parsed.scheme == "data"').replace(
      '        with urllib.request.urlopen(value) as res:\n            return io.BytesIO(res.read())\n',
      '        return None\n    else:\n        return urllib.request.urlopen(value).read()\n',
    );
    for (const source of [
      decode('parsed.scheme == "https"'),
      elseBranch,
      decode('parsed.scheme == "data"', '    parsed = urllib.parse.urlparse(other)\n'),
      decode('other.startswith("data:")'),
    ]) {
      assert.equal((await ranked(source)).length, 1, source);
    }
  });
});

describe('http-call-without-timeout: a socket default timeout set by a module that start-up imports reach', () => {
  // sabnzbd's newswrapper runs `socket.setdefaulttimeout(60)` at import; the package imports it through its downloader,
  // and notifier.py's urlopen (which does `import pkg`) inherits it: all three such findings were judged wrong twice.
  const NOTIFIER = 'import urllib.request\n\nimport pkg\n\n\ndef notify(url):\n    return urllib.request.urlopen(url).read()\n';
  const chain = {
    'pkg/__init__.py': 'import pkg.downloader\n',
    'pkg/downloader.py': 'from pkg import newswrapper\n',
    'pkg/newswrapper.py': 'import socket\n\nsocket.setdefaulttimeout(60)\n',
  };
  const rankedWith = (project: Record<string, string>) =>
    rankedInRepository(RULE, NOTIFIER, { 'pyproject.toml': '[project]\nname = "pkg"\n', ...project }, 'pkg/notifier.py', 'perflens-r61-');

  it('silent when the imports reach it, two modules away', async () => {
    assert.deepEqual(await rankedWith(chain), []);
  });

  it('near misses: an import inside a function (not run at import), a module nothing imports, None', async () => {
    const lazy = { ...chain, 'pkg/downloader.py': 'def start():\n    from pkg import newswrapper\n' };
    const unimported = { ...chain, 'pkg/__init__.py': '' };
    const off = { ...chain, 'pkg/newswrapper.py': 'import socket\n\nsocket.setdefaulttimeout(None)\n' };
    for (const project of [lazy, unimported, off]) {
      assert.equal((await rankedWith(project)).length, 1, JSON.stringify(project));
    }
  });
});

describe('http-call-without-timeout: an example app or scripts folder with a pyproject.toml of its own', () => {
  // trulens' examples/expositional/…/snowflake_tools/ and sanic's scripts/ each have a pyproject.toml, which made them
  // projects of their own whose folders were not examples/ or scripts/: both reviewers judged their requests noise.
  const TOOL = 'import requests\n\n\ndef call_analyst(url, payload):\n    return requests.post(url, json=payload).json()\n';

  async function rankedIn(rel: string, nestedRoot: string, more: Record<string, string> = {}) {
    const project = {
      'pyproject.toml': '[project]\nname = "pkg"\n',
      'pkg/__init__.py': '',
      [`${nestedRoot}/pyproject.toml`]: '[project]\nname = "app"\n',
      ...more,
    };
    const top = tempRepository({ ...project, [rel]: TOOL }, 'perflens-r61-');
    try {
      const linter = await getEngine();
      return linter
        .lintText(TOOL, { select: [RULE], filePath: path.join(top, rel), projectRoot: top, impact: 'auto', keepHints: true })
        .findings.filter((f) => f.ruleId === RULE);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  }

  it('a hint, as in any examples/ or scripts/ folder', async () => {
    const cases: Array<[string, string, Record<string, string>]> = [
      ['examples/agent_app/src/agent/tools.py', 'examples/agent_app', { 'examples/agent_app/src/agent/__init__.py': '' }],
      ['scripts/release.py', 'scripts', {}],
    ];
    for (const [rel, root, more] of cases) {
      const [f] = await rankedIn(rel, root, more);
      assert.equal(f?.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /example|script/);
    }
  });

  it('near miss: a service with its own pyproject.toml in a folder of another name keeps its rank', async () => {
    const [f] = await rankedIn('services/agent_app/src/agent/tools.py', 'services/agent_app', { 'services/agent_app/src/agent/__init__.py': '' });
    assert.ok(f);
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });
});

describe('http-call-without-timeout: the else of `if (folder / name).exists():` fetches a missing file', () => {
  // deepchecks' read_and_save_data reads `assets_dir / file_name` when it exists and otherwise downloads and saves it
  // there: both reviewers of review37 judged the two requests noise (a download once per machine).
  const cache = (saved: string) =>
    'import json\nimport requests\n\n\ndef read_and_save(assets_dir, file_name, url):\n    if (assets_dir / file_name).exists():\n' +
    '        with open(assets_dir / file_name) as f:\n            return json.load(f)\n    else:\n' +
    `        data = json.loads(requests.get(url).content)\n        with open(${saved}, "w") as f:\n            json.dump(data, f)\n        return data\n`;

  it('a hint, as with a plain name', async () => {
    const [f] = await ranked(cache('assets_dir / file_name'));
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(reasons(f), /made only when a file is missing/);
  });

  it('near miss: the else branch writes somewhere else', async () => {
    const [f] = await ranked(cache('"/tmp/out.json"'));
    assert.ok(f);
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });
});
