// Round 74 (issue 26): default findings the blind reviewers of held-out review49 and review50 judged not worth a
// change, where the code says why.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

describe("copies of another project's official code", () => {
  const IS = 'def pick(mode):\n    return 1 if mode is "train" else 0\n';
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="genforce")\n' };

  it('ranks findings in a `<name>_official/` folder low, as vendored code', async () => {
    // genforce's converters/stylegan2_official/ (NVIDIA's StyleGAN2 code, kept to convert its weights).
    for (const rel of ['converters/stylegan2_official/training/networks.py', 'stylegan3-official/legacy.py']) {
      const [f] = await rankedInRepository('is-literal-comparison', IS, setup, rel, 'perflens-r74-', true);
      assert.equal(f?.severity, 'hint', rel);
      assert.match(f.impact?.reasons.join(' ') ?? '', /vendored/, rel);
    }
  });

  it("keeps a project's own `official/` folder and names that only contain the word", async () => {
    for (const rel of ['official/vision/train.py', 'officials/pick.py', 'unofficial/pick.py', 'genforce/official_models.py']) {
      const [f] = await rankedInRepository('is-literal-comparison', IS, setup, rel, 'perflens-r74-', true);
      assert.equal(f?.severity, 'warning', rel);
    }
  });
});

describe('http-call-without-timeout: a project that replaces requests.Session.request (review50, pocsuite3)', () => {
  const RULE = 'http-call-without-timeout';
  const CALL = 'import requests\n\n\ndef send(url, data):\n    return requests.post(url, json=data).status_code\n';
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="scanner")\n', 'scanner/__init__.py': '' };
  const patch = (body: string) => ({
    ...setup,
    'scanner/patch.py': `from requests.sessions import Session\n\n\ndef session_request(self, method, url, timeout=None, **kw):\n${body}\n\n\ndef patch_all():\n    Session.request = session_request\n\n\npatch_all()\n`,
  });

  it('is silent when a module of the project installs a replacement that fills in a timeout', async () => {
    // pocsuite3's hook_request: `timeout = timeout or conf.get("timeout", 10)`.
    for (const body of [
      '    timeout = timeout or 10\n    return original(self, method, url, timeout=timeout, **kw)',
      '    kw.setdefault("timeout", 10)\n    return original(self, method, url, **kw)',
    ]) {
      assert.deepEqual(await rankedInRepository(RULE, CALL, patch(body), 'scanner/plugins/hook.py', 'perflens-r74-', true), [], body);
    }
  });

  it('still reports where the replacement passes the timeout on as it came, or the project only compares Session.request', async () => {
    const headers = await rankedInRepository(
      RULE,
      CALL,
      patch('    return original(self, method, url, timeout=timeout, headers={"X": "1"}, **kw)'),
      'scanner/plugins/hook.py',
      'perflens-r74-',
      true,
    );
    assert.equal(headers.length, 1);
    const compared = { ...setup, 'scanner/check.py': 'from requests import Session\n\nPATCHED = Session.request == object  # timeout or 10\n' };
    assert.equal((await rankedInRepository(RULE, CALL, compared, 'scanner/plugins/hook.py', 'perflens-r74-', true)).length, 1);
  });
});

describe('findings in module functions that nothing in the project names (review50)', () => {
  const RULE = 'http-call-without-timeout';
  // An established project: twenty modules besides the one linted.
  const modules = Object.fromEntries([...Array(20)].map((_, i) => [`books/part${i}.py`, `def part${i}():\n    return ${i}\n`]));
  const small = { 'setup.py': 'from setuptools import setup\nsetup(name="books")\n', 'books/__init__.py': '' };
  const setup = { ...small, ...modules };
  const MODULE = 'import requests\n\n\ndef get_lexile(isbn):\n    return requests.get("https://example.org/" + isbn).json()\n';

  it('ranks them low, naming the function', async () => {
    // Open Library's vendors.get_lexile, pyspeckit's retrieve_storey1995: defined, never called or named anywhere.
    const [f] = await rankedInRepository(RULE, MODULE, setup, 'books/core/vendors.py', 'perflens-r74-', true);
    assert.equal(f?.severity, 'hint');
    assert.match(f.impact?.reasons.join(' ') ?? '', /`get_lexile` is never called: no other file of the project names it/);
  });

  it('keeps them in a project of a few files, which may be still being written', async () => {
    const [f] = await rankedInRepository(RULE, MODULE, small, 'books/core/vendors.py', 'perflens-r74-', true);
    assert.notEqual(f?.severity, 'hint', JSON.stringify(f?.impact));
  });

  it('keeps them where another file, a configuration file or this module names the function', async () => {
    const elsewhere: Record<string, string>[] = [
      { 'books/api.py': 'from books.core.vendors import get_lexile\n' },
      { 'conf/lookup.yaml': 'lookup:\n  _target_: books.core.vendors.get_lexile\n' },
      { 'tests/test_vendors.py': 'def test_it():\n    assert callable(get_lexile)\n' },
    ];
    for (const files of elsewhere) {
      const [f] = await rankedInRepository(RULE, MODULE, { ...setup, ...files }, 'books/core/vendors.py', 'perflens-r74-', true);
      assert.notEqual(f?.severity, 'hint', JSON.stringify(files));
    }
    const inModule = [
      `${MODULE}\n\n__all__ = ["get_lexile"]\n`,
      `${MODULE}\n\ndef lexiles(isbns):\n    return [get_lexile(i) for i in isbns]\n\n\nLEXILES = lexiles(["0"])\n`,
      MODULE.replace('def get_lexile', '@cache\ndef get_lexile').replace('import requests', 'from functools import cache\nimport requests'),
      `${MODULE}\n\ndef cli():\n    import fire\n\n    fire.Fire()\n`,
      MODULE.replace(/get_lexile/g, 'main'),
    ];
    for (const source of inModule) {
      const [f] = await rankedInRepository(RULE, source, setup, 'books/core/vendors.py', 'perflens-r74-', true);
      assert.notEqual(f?.severity, 'hint', `${source}: ${JSON.stringify(f?.impact)}`);
    }
  });
});

describe('a project named as a collection of examples after an acronym (review50, GenerativeAIExamples)', () => {
  it('ranks its requests low, as teaching material, and not a project whose name only starts with the word', async () => {
    const CALL = 'import requests\n\n\ndef ready(url):\n    return requests.get(url).ok\n';
    const app = (top: string) => ({ [`${top}/app/__init__.py`]: '', [`${top}/app/main.py`]: 'from app.client import ready\n' });
    for (const [top, low] of [
      ['GenerativeAIExamples', true],
      ['PyTorchTutorials', true],
      ['ExampleSearch', false],
    ] as const) {
      const project = { ...app(top), [`${top}/setup.py`]: 'from setuptools import setup\nsetup(name="app")\n' };
      const [f] = await rankedInRepository('http-call-without-timeout', CALL, project, `${top}/app/client.py`, 'perflens-r74-');
      assert.equal(f?.severity === 'hint', low, `${top}: ${JSON.stringify(f?.impact)}`);
    }
  });
});
