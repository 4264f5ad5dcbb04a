// Round 60: findings judged wrong in the blind reviews of review35 and review36, each with the near miss that keeps
// firing.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

const HTTP = 'http-call-without-timeout';

/** The rule's findings on `source` saved as `rel` in a published package's checkout, as the default output ranks them. */
function ranked(rule: string, source: string, rel: string, project: Record<string, string> = {}) {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', ...project };
  return rankedInRepository(rule, source, published, rel, 'perflens-r60-');
}

describe('http-call-without-timeout: urlopen under a process-wide socket timeout', () => {
  // you-get's common.py runs `socket.setdefaulttimeout(args.timeout)` (600 s by default, `--timeout`) and every extractor
  // does `from ..common import *`: its seven urlopen findings were judged wrong in review36.
  const COMMON =
    'import socket\nfrom urllib import request\n\n\ndef get_content(url):\n    return request.urlopen(url).read()\n\n\n' +
    'def main(args):\n    socket.setdefaulttimeout(args.timeout)\n';
  const EXTRACTOR = 'from ..common import *\nfrom urllib import request\n\n\ndef extract(url):\n    return request.urlopen(url).read()\n';

  it('silent in the module that sets the default and in the modules that import from it', async () => {
    assert.deepEqual(await ranked(HTTP, COMMON, 'pkg/common.py'), []);
    const project = { 'pkg/common.py': COMMON, 'pkg/extractors/__init__.py': '' };
    assert.deepEqual(await ranked(HTTP, EXTRACTOR, 'pkg/extractors/site.py', project), []);
  });

  it('near misses: requests ignores the socket default, setdefaulttimeout(None) turns it off, an unrelated import', async () => {
    const withRequests =
      COMMON.replace('from urllib import request', 'import requests\nfrom urllib import request') + '\n\ndef fetch(url):\n    return requests.get(url).text\n';
    const found = await ranked(HTTP, withRequests, 'pkg/common.py');
    assert.deepEqual(
      found.map((f) => f.message.slice(0, 16)),
      ['`requests.get()`'],
    );
    const off = COMMON.replace('socket.setdefaulttimeout(args.timeout)', 'socket.setdefaulttimeout(None)');
    assert.equal((await ranked(HTTP, off, 'pkg/common.py')).length, 1);
    const other = { 'pkg/common.py': 'def helper():\n    return 1\n', 'pkg/extractors/__init__.py': '' };
    assert.equal((await ranked(HTTP, EXTRACTOR, 'pkg/extractors/site.py', other)).length, 1);
  });
});

describe('http-call-without-timeout: a module of a namespace subpackage is package code, not a script', () => {
  // khoj's khoj/processor/image/generate.py (no __init__.py in image/, one in processor/) polls an image service from a
  // web route: judged useful in review36's hidden sample, where the default output had ranked it as a script's.
  const POLL = 'import requests\n\n\ndef generate(url):\n    return requests.get(url).json()\n';
  const project = { 'pkg/processor/__init__.py': '' };

  it('keeps its rank', async () => {
    const [f] = await ranked(HTTP, POLL, 'pkg/processor/image/generate.py', project);
    assert.ok(f, 'expected a finding');
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });

  it('near miss: a folder of scripts beside the package (no package above it) is still a script', async () => {
    const [f] = await ranked(HTTP, POLL, 'tools/fetch.py', project);
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
  });
});

describe('async-time-sleep: a coroutine that also waits at input()', () => {
  // Open Interpreter's OS-mode start-up prints a banner, sleeps half a second and asks for an API key: judged noise twice
  // in review36. input() holds the loop anyway.
  const START = (ask: string) =>
    'import asyncio\nimport time\n\n\nasync def main():\n    print("Welcome")\n    time.sleep(0.5)\n' + ask + '    await asyncio.sleep(0)\n';

  it('a hint that says why', async () => {
    const [f] = await ranked('async-time-sleep', START('    key = input("API key: ")\n'), 'pkg/cli_loop.py');
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(f.impact?.reasons.join('; ') ?? '', /input\(\)/);
  });

  it('near misses: input() only in a nested def, or a method named input', async () => {
    const nested = START('    def ask():\n        return input("API key: ")\n');
    const [a] = await ranked('async-time-sleep', nested, 'pkg/cli_loop.py');
    assert.equal(a?.severity, 'warning', JSON.stringify(a));
    const method = START('    key = self_io.input("API key: ")\n');
    const [b] = await ranked('async-time-sleep', method, 'pkg/cli_loop.py');
    assert.equal(b?.severity, 'warning', JSON.stringify(b));
  });
});
