// Round 61 (issue 26): http-call-without-timeout where a person is already watching, from review36's blind reviews,
// each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

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

describe('http-call-without-timeout: a request to a server on this machine', () => {
  // An assistant's model setup asks a local Ollama or Jan server for its models: both reviewers judged it noise.
  const listModels = (url: string) => `import requests\n\n\ndef local_models(port=11434):\n    return requests.get(${url}).json()["models"]\n`;

  it('a hint with the reason, for a literal, an f-string and a local variable holding one', async () => {
    for (const url of ['"http://localhost:11434/api/tags"', 'f"http://127.0.0.1:{port}/api/tags"', '"http://[::1]:8080/"']) {
      const [f] = await ranked(listModels(url));
      assert.equal(f?.severity, 'hint', `${url}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /server on this machine/);
    }
    const local = 'import requests\n\n\ndef models(port):\n    url = f"http://localhost:{port}/v1/models"\n    return requests.get(url).json()\n';
    const [f] = await ranked(local);
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
  });

  it('near misses: another host, a host that starts with "localhost", a variable also given a remote URL', async () => {
    const remoteToo =
      'import requests\n\n\ndef models(port, remote):\n    url = f"http://localhost:{port}/v1/models"\n    if remote:\n' +
      '        url = "https://api.example.com/v1/models"\n    return requests.get(url).json()\n';
    for (const source of [listModels('"https://api.example.com/v1/models"'), listModels('"http://localhost.example.com/api"'), remoteToo]) {
      const [f] = await ranked(source);
      assert.ok(f, source);
      assert.notEqual(f.severity, 'hint', `${source}: ${JSON.stringify(f)}`);
      assert.doesNotMatch(reasons(f), /this machine/);
    }
  });
});
