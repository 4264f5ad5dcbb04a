// Every snippet, expanded as VS Code shows it before the user types (defaults, first choices),
// must be valid Python that compiles, and must not be flagged by perflens itself: the templates
// are the "after" examples of the rules.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bodyText, checkEntries, expandSnippet, loadSnippets, parseSnippet } from '../../snippets/check-snippets.mjs';
import { getEngine, ROOT } from '../helpers/engine';

const { raw, snippets } = loadSnippets(path.join(ROOT, 'snippets', 'python.json'));
const expanded = Object.entries(snippets).map(([name, entry]) => ({ name, prefix: String(entry.prefix), code: expandSnippet(parseSnippet(bodyText(entry))) }));

describe('snippets', () => {
  it('the snippet file is well formed: unique prefixes in the group scheme, one-sentence descriptions', () => {
    assert.deepEqual(checkEntries(raw, snippets), []);
    assert.ok(expanded.length >= 80, `expected the catalog's ~90 templates, found ${expanded.length}`);
  });

  it('every expanded snippet parses with tree-sitter without an ERROR node', async () => {
    const engine = await getEngine();
    const broken = expanded.filter(({ code }) => {
      const tree = engine.parse(code);
      const bad = tree.rootNode.hasError;
      tree.delete();
      return bad;
    });
    assert.deepEqual(
      broken.map((s) => s.prefix),
      [],
    );
  });

  it('every expanded snippet compiles with python3', function () {
    this.timeout(60000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-snippets-'));
    const files = expanded.map(({ prefix, code }) => {
      const file = path.join(dir, `${prefix}.py`);
      writeFileSync(file, code);
      return file;
    });
    // One interpreter for all files: compile each and print the ones that fail.
    const script =
      'import sys\nfor f in sys.argv[1:]:\n    try:\n        compile(open(f).read(), f, "exec")\n    except SyntaxError as e:\n        print(f, e)\n';
    const r = spawnSync('python3', ['-c', script, ...files], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', r.stdout);
  });

  it('perflens finds nothing to flag in any snippet', async () => {
    const engine = await getEngine();
    const flagged: string[] = [];
    for (const { prefix, code } of expanded) {
      const result = engine.lintText(code);
      assert.deepEqual(result.failures, [], prefix);
      for (const f of result.findings) flagged.push(`${prefix}:${result.lines.positionAt(f.start).line + 1}: ${f.ruleId}: ${f.message}`);
    }
    assert.deepEqual(flagged, []);
  });
});

describe('templates served as completions (server/lsp/completion.ts)', () => {
  it('each template, its imports added to an empty file and its body below them, is the snippet as written', async () => {
    const { TEMPLATES } = await import('../../server/lsp/completion');
    const byPrefix = new Map(expanded.map((s) => [s.prefix, s.code]));
    assert.equal(TEMPLATES.length, expanded.length);
    const lost: string[] = [];
    for (const template of TEMPLATES) {
      // Import lines become one statement per name (so words, not lines, are compared); nothing is lost.
      const words = (code: string) => [...new Set(code.replace(/[,()]/g, ' ').split(/\s+/).filter(Boolean))].sort().join(' ');
      const served = `${template.imports.join('\n')}\n${expandSnippet(parseSnippet(template.body))}`;
      if (words(served) !== words(byPrefix.get(template.prefix)!)) lost.push(template.prefix);
    }
    assert.deepEqual(lost, []);
    const loop = TEMPLATES.find((t) => t.prefix === 'torch-train-loop')!;
    assert.deepEqual(loop.imports, [
      'import logging',
      'from pathlib import Path',
      'import torch',
      'from torch import nn',
      'from torch.utils.data import DataLoader',
    ]);
    assert.doesNotMatch(loop.body, /^(import|from) /m);
  });
});

describe('snippet links (code actions offering a template)', () => {
  it('every linked rule exists and every linked template exists', async () => {
    const { SNIPPET_FOR_RULE } = await import('../../server/docs/snippetLinks');
    const { ALL_RULES } = await import('../../rules');
    const prefixes = new Set(Object.values(snippets).map((s) => String(s.prefix)));
    const ruleIds = new Set(ALL_RULES.map((r) => r.id));
    for (const [rule, prefix] of Object.entries(SNIPPET_FOR_RULE)) {
      assert.ok(ruleIds.has(rule), `${rule} is not a rule`);
      assert.ok(prefixes.has(prefix), `${rule} links to a missing template ${prefix}`);
    }
  });
});
