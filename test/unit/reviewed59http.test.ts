// Round 59 (issue 26): http-call-without-timeout in code people run by hand, from the blind reviews of review33 and
// review34, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';

/** The rule's findings on `source` saved as `rel` in a published package's checkout, as the default output ranks them. */
function ranked(source: string, rel: string, project: Record<string, string> = {}) {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', ...project };
  return rankedInRepository(RULE, source, published, rel, 'perflens-r59-');
}

const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';

const REGISTER = 'import requests\n\n\ndef register_model(name):\n    return requests.post(f"http://models.example.com/models?url={name}").json()\n';

describe('http-call-without-timeout: a scripts folder named for its purpose (ts_scripts/) is run by hand', () => {
  // torchserve's ts_scripts/tsutils.py registers models with the local management API for its sanity checks: judged
  // noise five times ("cold dev tooling").
  // The distribution is `torchserve`, its package `ts/`: nothing tells which folder is the package's own.
  const torchserve = { 'pyproject.toml': '[project]\nname = "torchserve"\n', 'ts/__init__.py': '', 'ts_scripts/__init__.py': '' };

  it('a hint there, as in scripts/', async () => {
    const [f] = await rankedInRepository(RULE, REGISTER, torchserve, 'ts_scripts/tsutils.py', 'perflens-r59-');
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(reasons(f), /in an example or script folder/);
  });

  it('near misses: the package itself, and a folder whose name only contains "scripts"', async () => {
    const [own] = await rankedInRepository(RULE, REGISTER, torchserve, 'ts/launcher.py', 'perflens-r59-');
    assert.notEqual(own?.severity, 'hint', JSON.stringify(own));
    const project = { ...torchserve, 'ts/transcripts/__init__.py': '' };
    const [word] = await rankedInRepository(RULE, REGISTER, project, 'ts/transcripts/client.py', 'perflens-r59-');
    assert.notEqual(word?.severity, 'hint', JSON.stringify(word));
  });
});

describe("http-call-without-timeout: a package's cli/ or bin/ commands are typed by someone who sees a hang", () => {
  // oggm's cli/netrc_credentials.py tests the credentials just typed; AutoTrader's bin/cli.py downloads demo files.
  const CHECK = 'import requests\n\n\ndef check_credentials(user, password):\n    return requests.get("https://example.com/login", auth=(user, password)).ok\n';

  it('a hint that says why', async () => {
    for (const rel of ['pkg/cli/netrc_credentials.py', 'pkg/bin/cli.py']) {
      const [f] = await ranked(CHECK, rel, { [rel.replace(/[^/]+$/, '__init__.py')]: '' });
      assert.equal(f?.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /command-line tool's module/);
    }
  });

  it('near miss: a client module beside the commands keeps its rank', async () => {
    const [f] = await ranked(CHECK, 'pkg/client/api.py', { 'pkg/client/__init__.py': '' });
    assert.notEqual(f?.severity, 'hint', JSON.stringify(f));
    assert.doesNotMatch(reasons(f), /command-line/);
  });
});

describe('http-call-without-timeout: the elif of `if os.path.exists(path):` runs only when the file is missing', () => {
  const fetch = (test: string) =>
    `import os\nimport requests\n\n\ndef table(path, url):\n    if ${test}:\n        return open(path).read()\n` +
    `    elif url:\n        with open(path, "w") as f:\n            f.write(requests.get(url).text)\n        return open(path).read()\n`;

  it('a hint, as under `else:`', async () => {
    const [f] = await ranked(fetch('os.path.exists(path)'), 'pkg/tables.py');
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(reasons(f), /made only when a file is missing/);
  });

  it('near miss: the elif of another test keeps its rank', async () => {
    const [f] = await ranked(fetch('path.endswith(".csv")'), 'pkg/tables.py');
    assert.notEqual(f?.severity, 'hint', JSON.stringify(f));
  });
});

describe('http-call-without-timeout: a session whose every request already has a timeout', () => {
  // instaloader's login wraps `session.request` in `partial(..., timeout=self.request_timeout)` and then calls
  // `session.get` and `session.post`, which go through it: judged wrong twice in review35.
  const login = (setup: string, call = 'session') =>
    'from functools import partial\n\nimport requests\nfrom requests.adapters import HTTPAdapter\n\n\n' +
    'class TimeoutAdapter(HTTPAdapter):\n    def __init__(self, timeout):\n        super().__init__()\n        self.timeout = timeout\n\n\n' +
    `def login(user, timeout):\n    session = requests.Session()\n    other = requests.Session()\n    ${setup}\n` +
    `    return ${call}.post("https://example.com/login", data={"user": user}).json()\n`;

  it('silent when the session request is wrapped with a timeout, or an adapter with one is mounted', async () => {
    assert.deepEqual(await ranked(login('session.request = partial(session.request, timeout=timeout)'), 'pkg/context.py'), []);
    assert.deepEqual(await ranked(login('session.mount("https://", TimeoutAdapter(timeout=timeout))'), 'pkg/context.py'), []);
  });

  it('near misses: another session was given the timeout, or the wrapper sets none', async () => {
    const [other] = await ranked(login('other.request = partial(other.request, timeout=timeout)'), 'pkg/context.py');
    assert.ok(other, 'the session posted through has no timeout');
    const [none] = await ranked(login('session.request = partial(session.request, verify=False)'), 'pkg/context.py');
    assert.ok(none, 'the wrapper sets no timeout');
  });
});

describe('http-call-without-timeout: a branch that tests the timeout setting', () => {
  // ScrapeGraphAI's fetch node: `if self.timeout is None: requests.get(source)` else with `timeout=self.timeout`.
  const node = (test: string) =>
    'import requests\n\n\nclass FetchNode:\n    def __init__(self, timeout=None, verbose=False):\n        self.timeout = timeout\n        self.verbose = verbose\n\n' +
    `    def fetch(self, source):\n        if ${test}:\n            return requests.get(source).text\n        return requests.get(source, timeout=self.timeout).text\n`;

  it('a hint that says the user configured no timeout', async () => {
    const [f] = await ranked(node('self.timeout is None'), 'pkg/fetch_node.py');
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(reasons(f), /tests the timeout setting/);
  });

  it('near miss: a branch on another setting keeps its rank', async () => {
    const [f] = await ranked(node('self.verbose'), 'pkg/fetch_node.py');
    assert.notEqual(f?.severity, 'hint', JSON.stringify(f));
  });
});

describe("http-call-without-timeout: other linters' missing-timeout check silenced on the call", () => {
  // pipelinewise: `# pylint: disable=missing-timeout` above a VictorOps alert post, judged noise in review35.
  const alert = (comment: string, trailing = '') =>
    `import requests\n\n\ndef alert(url, body):\n    ${comment}\n    return requests.post(url, json=body)${trailing}\n`;

  it("silent under Pylint's, Ruff's or Bandit's own suppression", async () => {
    assert.deepEqual(await ranked(alert('# pylint: disable=missing-timeout'), 'pkg/alerts.py'), []);
    assert.deepEqual(await ranked(alert('pass', '  # noqa: S113'), 'pkg/alerts.py'), []);
    assert.deepEqual(await ranked(alert('pass', '  # nosec B113'), 'pkg/alerts.py'), []);
  });

  it('near misses: another check silenced, or a Pylint disable-next two lines up, or the disable ended by an enable', async () => {
    const [other] = await ranked(alert('# pylint: disable=broad-except'), 'pkg/alerts.py');
    assert.ok(other);
    const [far] = await ranked(alert('# pylint: disable-next=missing-timeout\n    body = dict(body)'), 'pkg/alerts.py');
    assert.ok(far);
    const [enabled] = await ranked(alert('# pylint: disable=missing-timeout\n    body = dict(body)\n    # pylint: enable=missing-timeout'), 'pkg/alerts.py');
    assert.ok(enabled);
  });

  it("Pylint's own-line disable covers the rest of its block, as Pylint reads it", async () => {
    assert.deepEqual(await ranked(alert('# pylint: disable=missing-timeout\n    body = dict(body)'), 'pkg/alerts.py'), []);
  });
});
