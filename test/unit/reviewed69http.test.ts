// Round 69 (issue 26): http-call-without-timeout's fix and message use the timeout the code already has (a module
// constant its other requests pass, `self.timeout`, the function's own `timeout`), and say when the call defeats a
// timeout handler or a retry around it. Blind reviewers of held-out code judged such findings useful, and said the
// useful fix was the project's own timeout, not `timeout=10`.
import * as assert from 'node:assert/strict';
import { libraryFindingsAll, rankedInRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';

/** The one finding on `source` (a library module): the timeout its fix passes, its message and its fix's title. */
async function advice(source: string) {
  const found = await libraryFindingsAll(RULE, source);
  assert.equal(found.length, 1, JSON.stringify(found));
  const [f] = found;
  const inserted = f.fix?.edits.map((e) => e.newText).join('') ?? '';
  return { value: /timeout=(.*)$/.exec(inserted)?.[1] ?? '', message: f.message, title: f.fix?.title ?? '', reason: f.fix?.reason ?? '' };
}

const HEAD = 'import socket\nimport time\nimport urllib.request\n\nimport requests\n\n';

describe("http-call-without-timeout: the fix passes the project's own timeout", () => {
  it("a module constant the file's other requests pass", async () => {
    for (const [constant, value] of [
      ['TIMEOUT = 20', 'TIMEOUT'],
      ['_TIMEOUT = (60, 60)', '_TIMEOUT'],
      ['REQUEST_TIMEOUT = 30', 'REQUEST_TIMEOUT'],
      ['DEFAULT_TIMEOUT = 60 * 2', 'DEFAULT_TIMEOUT'],
      ['TIMEOUT = int(os.environ.get("TIMEOUT", "30"))', 'TIMEOUT'],
    ] as const) {
      const name = value;
      const source = `import os\n${HEAD}${constant}\n\n\ndef get(url):\n    return requests.get(url, timeout=${name}).json()\n\n\ndef post(url, x):\n    return requests.post(url, json=x).json()\n`;
      const a = await advice(source);
      assert.equal(a.value, name, constant);
      assert.match(a.message, new RegExp(`the module defines \`${name}\`, which its other requests pass: pass \`timeout=${name}\``), constant);
      assert.equal(a.title, `Add timeout=${name}`);
      assert.match(a.reason, new RegExp(`slower than \`${name}\``));
    }
  });

  it('an imported constant the other requests pass, and an HTTP-named constant passed nowhere yet', async () => {
    const imported = `${HEAD}from .config import REQUEST_TIMEOUT\n\n\ndef get(url):\n    return requests.get(url, timeout=REQUEST_TIMEOUT)\n\n\ndef put(url):\n    return requests.put(url)\n`;
    assert.equal((await advice(imported)).value, 'REQUEST_TIMEOUT');
    assert.match((await advice(imported)).message, /the module imports `REQUEST_TIMEOUT`, which its other requests pass/);
    const unused = `${HEAD}HTTP_TIMEOUT = 15\n\n\ndef put(url):\n    return requests.put(url)\n`;
    assert.equal((await advice(unused)).value, 'HTTP_TIMEOUT');
    assert.match((await advice(unused)).message, /the module defines `HTTP_TIMEOUT`: pass `timeout=HTTP_TIMEOUT`/);
  });

  it("the class's `self.timeout` (set in __init__, from a parameter, or a class attribute)", async () => {
    for (const [init, passedElsewhere] of [
      ['    def __init__(self):\n        self.session = requests.Session()\n        self.timeout = 130\n', false],
      ['    def __init__(self, timeout: float = 30):\n        self.session = requests.Session()\n        self.timeout = timeout\n', false],
      ['    timeout = 30\n\n    def __init__(self):\n        self.session = requests.Session()\n', false],
      [
        '    def __init__(self):\n        self.session = requests.Session()\n        self.timeout = (5, 60)\n\n' +
          '    def ping(self, url):\n        return self.session.head(url, timeout=self.timeout)\n',
        true,
      ],
    ] as const) {
      const source = `${HEAD}\nclass Client:\n${init}\n    def files(self, url):\n        return self.session.get(url).json()\n`;
      const a = await advice(source);
      assert.equal(a.value, 'self.timeout', init);
      const says = passedElsewhere
        ? 'the class passes `self.timeout` to its other requests but not to this one'
        : 'the class sets `self.timeout` but never passes it';
      assert.ok(a.message.includes(`${says}: pass \`timeout=self.timeout\``), a.message);
    }
  });

  it("the function's own timeout: a parameter or a setting read into a local, never passed", async () => {
    const param = `${HEAD}def read(url, timeout=30):\n    with urllib.request.urlopen(url) as r:\n        return r.read()\n`;
    assert.equal((await advice(param)).value, 'timeout');
    assert.match((await advice(param)).message, /this function's `timeout` is never passed: pass `timeout=timeout`/);
    const local = `${HEAD}def poll(self, url):\n    timeout = self.config.getint("feed-timeout")\n    return urllib.request.urlopen(url).read()\n`;
    assert.equal((await advice(local)).value, 'timeout');
    const passed = `${HEAD}def sync(url, request_timeout):\n    requests.get(url, timeout=request_timeout)\n    requests.post(url)\n`;
    assert.equal((await advice(passed)).value, 'request_timeout');
    assert.match((await advice(passed)).message, /this function passes `request_timeout` to its other requests but not to this one/);
    // The function's own name comes before the module's.
    const both = `${HEAD}TIMEOUT = 20\n\n\ndef a(url):\n    return requests.get(url, timeout=TIMEOUT)\n\n\ndef b(url, timeout=5):\n    return requests.get(url)\n`;
    assert.equal((await advice(both)).value, 'timeout');
  });

  it('near misses: another wait, None, a deadline, a use elsewhere, a constant nothing passes, several names: timeout=10', async () => {
    const module = (constant: string, also = '') =>
      `import os\n${HEAD}${constant}\n\n\ndef get(url):\n    return requests.get(url, timeout=${constant.split(' ')[0]}).json()\n${also}\n\ndef post(url, x):\n    return requests.post(url, json=x).json()\n`;
    const cases: [string, string][] = [
      [
        'another wait: LOCK_TIMEOUT',
        `${HEAD}LOCK_TIMEOUT = 5\nCACHE_TIMEOUT = 60\nSESSION_TIMEOUT_MINUTES = 30\nTIMEOUT_MS = 500\n\n\ndef f(url):\n    return requests.get(url)\n`,
      ],
      ['a constant bound to None', module('TIMEOUT = None')],
      ['an environment string', module('TIMEOUT = os.getenv("TIMEOUT")')],
      ['a constant read in a deadline too', module('TIMEOUT = 30', '\n\ndef wait():\n    return time.time() + TIMEOUT\n')],
      ['a constant passed to a subprocess too', module('TIMEOUT = 30', '\n\ndef run(cmd):\n    import subprocess\n    subprocess.run(cmd, timeout=TIMEOUT)\n')],
      ['a constant rebound in a function', module('TIMEOUT = 30', '\n\ndef configure(t):\n    global TIMEOUT\n    TIMEOUT = t\n')],
      ['a bare TIMEOUT no request passes', `${HEAD}TIMEOUT = 30\n\n\ndef f(url):\n    return requests.get(url)\n`],
      [
        'a pair for urlopen, which takes one number',
        `${HEAD}_TIMEOUT = (5, 60)\n\n\ndef a(url):\n    return requests.get(url, timeout=_TIMEOUT)\n\n\ndef b(url):\n    return urllib.request.urlopen(url)\n`,
      ],
      ['a library sentinel', `${HEAD}from urllib3.util.timeout import _DEFAULT_TIMEOUT\n\n\ndef f(url):\n    return requests.get(url)\n`],
      [
        'a socket exception class',
        `${HEAD}from socket import timeout\n\n\ndef f(url):\n    try:\n        return requests.get(url)\n    except timeout:\n        return None\n`,
      ],
      [
        'two constants the requests pass',
        `${HEAD}A_TIMEOUT = 1\nTIMEOUT = 2\nHTTP_TIMEOUT = 3\n\n\ndef a(url):\n    requests.get(url, timeout=TIMEOUT)\n    requests.get(url, timeout=HTTP_TIMEOUT)\n\n\ndef b(url):\n    return requests.get(url)\n`,
      ],
      [
        'a constant shadowed by a local',
        `${HEAD}TIMEOUT = 20\n\n\ndef a(url):\n    return requests.get(url, timeout=TIMEOUT)\n\n\ndef b(url):\n    for TIMEOUT in (1, 2):\n        requests.get(url)\n`,
      ],
      ['a parameter that defaults to None', `${HEAD}def f(url, timeout=None):\n    return requests.get(url)\n`],
      ['a parameter typed Optional with a None default', `${HEAD}def f(url, timeout: float | None = None):\n    return requests.get(url)\n`],
      [
        'a parameter that is a budget',
        `${HEAD}def wait(url, timeout=60):\n    end = time.time() + timeout\n    while time.time() < end:\n        requests.get(url)\n`,
      ],
      [
        'a parameter passed to a subprocess',
        `${HEAD}def f(url, cmd, timeout=600):\n    import subprocess\n    subprocess.run(cmd, timeout=timeout)\n    requests.post(url)\n`,
      ],
      ['a parameter tested', `${HEAD}def f(url, timeout=30):\n    print(timeout > 0)\n    return requests.get(url)\n`],
      ['a local bound after the call', `${HEAD}def f(url):\n    r = requests.get(url)\n    timeout = 5\n    return r\n`],
      ['a local bound in a branch only', `${HEAD}def f(url, slow):\n    if slow:\n        timeout = 5\n    return requests.get(url)\n`],
      ['a local deadline', `${HEAD}def f(url):\n    timeout = time.time() + 30\n    return requests.get(url)\n`],
      ['an idle_timeout parameter', `${HEAD}def f(url, idle_timeout=30):\n    return requests.get(url)\n`],
      [
        'self.timeout set to None',
        `${HEAD}class C:\n    def __init__(self, timeout=None):\n        self.timeout = timeout\n\n    def f(self, url):\n        return requests.get(url)\n`,
      ],
      [
        'self.timeout counted down',
        `${HEAD}class C:\n    def __init__(self):\n        self.timeout = 30\n\n    def f(self, url):\n        self.timeout -= 1\n        return requests.get(url)\n`,
      ],
      [
        'self.timeout as a budget',
        `${HEAD}class C:\n    def __init__(self):\n        self.timeout = 30\n\n    def f(self, url):\n        while time.time() < self.timeout:\n            requests.get(url)\n`,
      ],
      [
        'self.timeout set by a base class elsewhere',
        `${HEAD}class C(Base):\n    def f(self, url):\n        requests.get(url, timeout=self.timeout)\n        return requests.get(url)\n`,
      ],
      // scholarly's proxy generator: `self._TIMEOUT = 60` in the method after the request is an attribute, not a local,
      // and the class sleeps for `self._TIMEOUT` too.
      [
        'an attribute of that name assigned in the method, read as a wait elsewhere',
        `${HEAD}class P:\n    def __init__(self):\n        self._TIMEOUT = 5\n\n    def wait(self):\n        time.sleep(self._TIMEOUT)\n\n` +
          `    def scraper(self, key):\n        r = requests.get("http://api.example.com/account", params={"k": key}).json()\n        self._TIMEOUT = 60\n        return r\n`,
      ],
      ['a staticmethod', `${HEAD}class C:\n    timeout = 30\n\n    @staticmethod\n    def f(url):\n        return requests.get(url)\n`],
    ];
    for (const [name, source] of cases) {
      const a = await advice(source);
      assert.equal(a.value, '10', `${name}: ${a.message}`);
      assert.match(a.message, /pass `timeout=` \(seconds\)/, name);
    }
  });

  it("a generation endpoint keeps its long read timeout over the module's, but takes the function's own", async () => {
    const gen = (def: string) =>
      `${HEAD}TIMEOUT = 10\n\n\ndef health(base):\n    return requests.get(base, timeout=TIMEOUT)\n\n\n${def}\n    return requests.post(f"{base}/api/generate", json={"prompt": p})\n`;
    assert.equal((await advice(gen('def generate(base, p):'))).value, '(10, 600)');
    assert.equal((await advice(gen('def generate(base, p, timeout=900):'))).value, 'timeout');
  });
});

describe('http-call-without-timeout: a timeout handler or a retry the call defeats', () => {
  it('names the handler below that never runs', async () => {
    for (const [imports, caught, call] of [
      ['', 'requests.Timeout', 'requests.get(url)'],
      ['', '(requests.ConnectionError, requests.exceptions.ReadTimeout) as e', 'requests.get(url)'],
      ['from requests.exceptions import Timeout\n', 'Timeout', 'requests.get(url)'],
      ['', 'socket.timeout', 'urllib.request.urlopen(url).read()'],
      ['', 'TimeoutError', 'urllib.request.urlopen(url).read()'],
    ] as const) {
      const source = `${HEAD}${imports}\n\ndef f(url):\n    try:\n        return ${call}\n    except ${caught}:\n        return None\n`;
      const { message } = await advice(source);
      const shown = caught.includes('ReadTimeout') ? 'requests.exceptions.ReadTimeout' : caught;
      assert.ok(message.includes(`; the \`except ${shown}\` below never runs: without a timeout a stalled server never raises`), message);
    }
  });

  it('says the retry never retries a stalled server', async () => {
    for (const decorator of [
      '@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=3)',
      '@tenacity.retry(stop=tenacity.stop_after_attempt(3))',
      '@retry(3)',
    ]) {
      const source = `import backoff\nimport tenacity\n${HEAD}\n${decorator}\ndef f(url):\n    return requests.get(url).json()\n`;
      const { message } = await advice(source);
      const name = decorator.slice(1, decorator.indexOf('('));
      assert.ok(message.includes(`; the \`@${name}\` on this function never retries a stalled server: without a timeout it never raises`), message);
    }
  });

  it('near misses: another exception, a handler in a caller, a call in the handler, TimeoutError around requests, a cache decorator', async () => {
    for (const source of [
      `${HEAD}def f(url):\n    try:\n        return requests.get(url)\n    except requests.ConnectionError:\n        return None\n`,
      `${HEAD}def f(url):\n    return requests.get(url)\n\n\ndef g(url):\n    try:\n        return f(url)\n    except requests.Timeout:\n        return None\n`,
      `${HEAD}def f(url):\n    try:\n        return 1\n    except requests.Timeout:\n        return requests.get(url)\n`,
      `${HEAD}def f(url):\n    try:\n        return requests.get(url)\n    except TimeoutError:\n        return None\n`,
      `import functools\n${HEAD}@functools.lru_cache\ndef f(url):\n    return requests.get(url)\n`,
      // Round 93 (review69): ratelimit's decorator retries only its own rate-limit error, backoff's on_predicate only on results.
      `from ratelimit import limits, sleep_and_retry\n${HEAD}@sleep_and_retry\n@limits(calls=10, period=1)\ndef f(url):\n    return requests.get(url)\n`,
      `import backoff\n${HEAD}@backoff.on_predicate(backoff.expo, lambda r: r is None)\ndef f(url):\n    return requests.get(url)\n`,
    ]) {
      const { message } = await advice(source);
      assert.doesNotMatch(message, /never runs|never retries/, source);
    }
  });
});

describe('http-call-without-timeout: a call that defeats its own timeout keeps its rank', () => {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', 'pkg/datasets/__init__.py': '' };
  const ranked = (source: string) => rankedInRepository(RULE, source, published, 'pkg/datasets/iris.py', 'perflens-r69-');
  const LOAD = (body: string, head = '') => `import requests\n${head}\n\n${body}`;

  it('a dataset download is a hint, unless it catches a timeout, retries, or its module has a timeout it forgot', async () => {
    const [plain] = await ranked(LOAD('def load(url):\n    return requests.get(url).content\n'));
    assert.equal(plain?.severity, 'hint', JSON.stringify(plain));
    for (const [name, source] of [
      ['a handler', LOAD('def load(url):\n    try:\n        return requests.get(url).content\n    except requests.Timeout:\n        return None\n')],
      [
        'a retry',
        LOAD('@backoff.on_exception(backoff.expo, requests.RequestException)\ndef load(url):\n    return requests.get(url).content\n', 'import backoff\n'),
      ],
      [
        'a module constant',
        LOAD('def size(url):\n    return requests.head(url, timeout=TIMEOUT)\n\n\ndef load(url):\n    return requests.get(url).content\n', 'TIMEOUT = 30\n'),
      ],
    ] as const) {
      const found = await ranked(source);
      const f = found.find((x) => !x.message.includes('requests.head'));
      assert.ok(f, name);
      assert.notEqual(f.severity, 'hint', `${name}: ${JSON.stringify(f)}`);
    }
  });
});
