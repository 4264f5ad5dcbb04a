// Round 48 (n48c): general findings a blind review of review19 judged wrong or noise, each with the near misses that keep
// the old rank: eval of the program's own command line with a fallback to the raw text (spinningup's run.py), requests
// in a program's top-level code (course demo clients), and method caches on classes a notebook instantiates a few
// times at its top level (a BPE tokenizer). The mkdtemp case (a path stored into a config) is in the rule's fixtures.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine, tempRepository } from '../helpers/engine';

/** One rule's findings, ranked as the default output ranks them, the hints it drops kept. */
async function ranked(ruleId: string, source: string, filePath: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === ruleId);
}

describe('eval-exec-untrusted: the command line read as Python where it is Python', () => {
  const RULE = 'eval-exec-untrusted';
  const grid = (handler: string, entry: string) =>
    'import sys\n\n\ndef run_grid(cmd, args):\n    def process(arg):\n        try:\n            return eval(arg)\n        except Exception:\n' +
    `            ${handler}\n\n    values = {}\n    for i, arg in enumerate(args):\n        values[i] = process(arg)\n    return values\n\n\n` +
    `if __name__ == "__main__":\n${entry}`;
  const FROM_ARGV = '    args = sys.argv[2:]\n    run_grid(sys.argv[1], args)\n';

  it('a parameter fed from sys.argv through two callers, with a fallback to the raw text: a hint without literal-parser advice', async () => {
    const [f] = await ranked(RULE, grid('return arg', FROM_ARGV), '/proj/tools/run.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.message, /command line/);
    assert.match(f!.message, /falls back to the raw text/);
    assert.doesNotMatch(f!.message, /literal_eval|json/);
    assert.equal(f!.fix, undefined);
  });

  it('the command line without the fallback is a hint that still proposes a parser', async () => {
    const [f] = await ranked(RULE, grid('return None', FROM_ARGV), '/proj/tools/run.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.message, /command line/);
    assert.match(f!.message, /literal_eval/);
  });

  it('the same fallback over text read from a file keeps the warning and its advice', async () => {
    const [f] = await ranked(RULE, grid('return arg', '    run_grid("train", open("flags.txt").read().split())\n'), '/proj/tools/run.py');
    assert.equal(f?.severity, 'warning');
    assert.match(f!.message, /a parameter of `process`/);
    assert.match(f!.message, /literal_eval/);
  });

  it('one caller that passes something else keeps the warning', async () => {
    const entry = FROM_ARGV + '    run_grid("ppo", load_flags())\n';
    const [f] = await ranked(RULE, grid('return arg', entry), '/proj/tools/run.py');
    assert.equal(f?.severity, 'warning');
  });
});

describe("http-call-without-timeout: a request in a program's top-level code is watched by whoever runs it", () => {
  const RULE = 'http-call-without-timeout';
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const CLIENT = 'import requests\n\nwhile True:\n    r = requests.get("http://ads.example.com/get_ad")\n    print(r.json())\n';
  const PARSED =
    'import argparse\nimport requests\n\nparser = argparse.ArgumentParser()\nparser.add_argument("--urls", nargs="+")\nargs = parser.parse_args()\n' +
    'for url in args.urls:\n    meta = requests.get(url).json()\n';
  const IN_FUNCTION = 'import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n';

  it('a loop of requests at the top of a script outside any package: a hint, with the reason', async () => {
    const top = tempRepository({ 'ab_testing/client.py': CLIENT });
    made.push(top);
    const [f] = await ranked(RULE, CLIENT, path.join(top, 'ab_testing/client.py'));
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact?.reasons.join('; ') ?? '', /top-level code, run by someone at a terminal/);
  });

  it('a package module whose top level parses its command line is a program too; one without runs at import and keeps it', async () => {
    const top = tempRepository({ 'utils/__init__.py': '', 'utils/resume.py': PARSED, 'utils/fetch.py': CLIENT });
    made.push(top);
    const [program] = await ranked(RULE, PARSED, path.join(top, 'utils/resume.py'));
    assert.equal(program?.severity, 'hint');
    const [imported] = await ranked(RULE, CLIENT, path.join(top, 'utils/fetch.py'));
    assert.equal(imported?.severity, 'info');
  });

  // Round 50 reversed this round's "a request in a function keeps its rank, even in a script": over review14-23, every
  // finding judged worth a timeout (60) sat in a package module, and those in standalone scripts were all noise.
  it('a request in a function of a standalone script is a hint; in a package module, a service script or beside the packaging file it keeps its rank', async () => {
    const top = tempRepository({
      'tools/fetch.py': IN_FUNCTION,
      'pkg/__init__.py': '',
      'pkg/fetch.py': IN_FUNCTION,
      'service/app.py': `from flask import Flask\n${IN_FUNCTION}`,
      'pyproject.toml': '[project]\nname = "fetcher"\n',
      'fetcher.py': IN_FUNCTION,
    });
    made.push(top);
    const [script] = await ranked(RULE, IN_FUNCTION, path.join(top, 'tools/fetch.py'));
    assert.equal(script?.severity, 'hint');
    assert.match(script!.impact?.reasons.join('; ') ?? '', /standalone script/);
    assert.equal((await ranked(RULE, IN_FUNCTION, path.join(top, 'pkg/fetch.py')))[0]?.severity, 'info');
    assert.equal((await ranked(RULE, `from flask import Flask\n${IN_FUNCTION}`, path.join(top, 'service/app.py')))[0]?.severity, 'info');
    assert.equal((await ranked(RULE, IN_FUNCTION, path.join(top, 'fetcher.py')))[0]?.severity, 'info');
  });
});

describe('cache-on-method: instances made only by top-level statements are a fixed few', () => {
  const RULE = 'cache-on-method';
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tokenizer = (uses: string) =>
    'from functools import lru_cache\n\n\nclass Tokenizer:\n    def __init__(self):\n        self.vocab = {}\n\n' +
    '    @lru_cache(maxsize=None)\n    def special_id(self, token):\n        return self.vocab.get(token)\n\n\n' +
    uses;
  const TWICE = 'tok = Tokenizer()\nprint(tok.special_id("<|end|>"))\nother = Tokenizer()\n';

  it('a class a script or notebook instantiates twice at its top level: a hint, with the reason', async () => {
    const [f] = await ranked(RULE, tokenizer(TWICE), '/proj/ch02/bpe.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact?.reasons.join('; ') ?? '', /made only by this script's or notebook's top-level code/);
  });

  it('an instance made in a loop or a function, or a class of a package module, keeps the warning', async () => {
    const loop = tokenizer('for name in names:\n    Tokenizer().special_id(name)\n');
    assert.equal((await ranked(RULE, loop, '/proj/ch02/bpe.py'))[0]?.severity, 'warning');
    const factory = tokenizer(TWICE + '\n\ndef make():\n    return Tokenizer()\n');
    assert.equal((await ranked(RULE, factory, '/proj/ch02/bpe.py'))[0]?.severity, 'warning');
    const top = tempRepository({ 'tok/__init__.py': '', 'tok/bpe.py': tokenizer(TWICE) });
    made.push(top);
    assert.equal((await ranked(RULE, tokenizer(TWICE), path.join(top, 'tok/bpe.py')))[0]?.severity, 'warning');
  });
});
