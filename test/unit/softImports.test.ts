// FileFacts.softImports and the import index across edits: incremental linting carries whether the text spells a soft import call, looking
// for a new one only around the edit (softImportSpelledNear), and the names found while no module-level assignment changed.
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import { defineRule } from '../../server/engine/rule';
import { IncrementalLinter } from '../../server/engine/incremental';
import { relativeImportSpelled, relativeImportSpelledNear, softImportSpelled, softImportSpelledNear } from '../../server/analysis/facts';
import type { Tree } from '../../server/syntax/parser';
import { applyEdit } from '../stress/incrementalCheck';
import { DIST } from '../helpers/engine';

/** `name.attr(...)`: reports what the name refers to (FileFacts.qualifiedName), soft imports included. */
const qualified = defineRule({
  id: 'qualified-probe',
  title: 'qualified probe',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'numpy-vectorization',
  message: 'qualified probe message',
  docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
  query: '(call function: (attribute object: (identifier) @o) @fn)',
  check(m, ctx) {
    // And whether the name's import statement (FileFacts.binding) is found in this lint's tree, where it binds the name:
    // incremental linting carries the import index, and a binding looking in another tree or at old offsets would not.
    const name = m.need('o').text;
    const statement = ctx.facts.binding(name)?.statement;
    const found = statement === undefined ? '-' : /^import/.test(statement.type) && new RegExp(`\\b${name}\\b`).test(statement.text) ? 'found' : 'stale';
    ctx.report({ node: m.need('fn'), message: `${ctx.facts.qualifiedName(m.need('fn')) ?? 'unknown'} ${found}` });
  },
});

/** `input(...)` / `open(...)`: reports whether the name is the builtin (FileFacts.isBuiltin, which asks about relative imports). */
const builtin = defineRule({
  id: 'builtin-probe',
  title: 'builtin probe',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'numpy-vectorization',
  message: 'builtin probe message',
  docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
  query: '(call function: (identifier) @f (#any-of? @f "input" "open"))',
  check(m, ctx) {
    const f = m.need('f');
    ctx.report({ node: f, message: `${f.text} builtin: ${ctx.facts.isBuiltin(f.text, f)}` });
  },
});

let engine: Engine;
before(async () => {
  engine = await Engine.create([qualified, builtin], DIST);
});
after(() => engine.dispose());

/** Every text that differs from `text` by one character removed or one inserted (an `x`), with the edit. */
function oneCharEdits(text: string): { before: string; start: number; end: number; newText: string }[] {
  const out: { before: string; start: number; end: number; newText: string }[] = [];
  for (let i = 0; i < text.length; i++) {
    // From the text without character i, typing it back gives `text`; from the text with an x at i, deleting it does.
    out.push({ before: text.slice(0, i) + text.slice(i + 1), start: i, end: i, newText: text[i] });
    out.push({ before: text.slice(0, i) + 'x' + text.slice(i), start: i, end: i + 1, newText: '' });
  }
  return out;
}

describe('soft imports across edits', () => {
  it('finds a soft import call an edit completes by looking around the edit only, across long white space', () => {
    const texts = [
      'a = 1\ntorch = _safe_import("torch")\nb = 2\n',
      `m = importlib.import_module${' '.repeat(40)}(\n${' '.repeat(30)}\n\n  'numpy.linalg')\n`,
      `m = import_module(${'\n'.repeat(20)}${'\t'.repeat(20)}"x")`,
    ];
    for (const text of texts) {
      assert.ok(softImportSpelled(text, 0, text.length), text);
      for (const edit of oneCharEdits(text)) {
        if (softImportSpelled(edit.before, 0, edit.before.length)) continue;
        const after = edit.before.slice(0, edit.start) + edit.newText + edit.before.slice(edit.end);
        assert.equal(after, text);
        const near = softImportSpelledNear(after, edit.start, edit.start + edit.newText.length);
        assert.ok(near, `${JSON.stringify(edit)} in ${JSON.stringify(text)}`);
      }
    }
  });

  it('gives what a full lint gives while edits make, break and move soft imports', () => {
    const helpers = Array.from({ length: 20 }, (_, k) => `def helper_${k}(x):\n    return x + ${k}\n`);
    const source = [
      'import importlib',
      'torch = importlib.import_module("torch")',
      'np = _lazy_import("numpy")',
      'y = torch.zeros(3)',
      '',
      'def work(x):',
      '    return np.sum(x)',
      '',
      ...helpers,
    ].join('\n');
    expectFullLint(source, [
      ['return x + 3', 'return x + 33'], // in another def: every answer carried
      ['np.sum(x)', 'np.sum(x, 0)'], // the def that uses np, re-linted on the carried answers
      ['import_module("torch")', 'import_module(torch)'], // no longer a soft import of torch
      ['np.sum(x, 0)', 'np.sum(x, 1)'],
      ['    return x + 5', '    return x + 5 and _try_import("torch")'], // spelled inside a def only
      ['import_module(torch)', 'import_module("torch")'], // a soft import again
      ['np.sum(x, 1)', 'np.sum(x, 2)'],
      ['np = _lazy_import("numpy")', 'np = _lazy_import(  "numpy")'], // still one, spelled otherwise
      ['and _try_import("torch")', ''],
      ['np.sum(x, 2)', 'np.sum(x, 3)'],
    ]);
  });

  it('reads the module-level assignments again when an edit elsewhere makes the text spell a soft import call', () => {
    // A comment between the bracket and the name: the text does not spell the call as SOFT_IMPORT_TEXT reads it, but the
    // statement is a soft import once the statements are read (they are, as soon as the text spells one anywhere).
    const helpers = Array.from({ length: 20 }, (_, k) => `def helper_${k}(x):\n    return x + ${k}\n`);
    const source = ['np = _lazy_import(  # the array library', '    "numpy")', '', 'def work(x):', '    return np.sum(x)', '', ...helpers].join('\n');
    expectFullLint(source, [
      ['np.sum(x)', 'np.sum(x, 0)'],
      ['np.sum(x, 0)', 'np.sum(x, 0) or _try_import("scipy")'],
      ['or _try_import("scipy")', ''],
    ]);
  });
});

describe('relative imports across edits', () => {
  it('finds a relative import an edit completes by looking around the edit only, across long white space', () => {
    const texts = [
      'a = 1\nfrom .compat import input\nb = 2\n',
      `from${' '.repeat(30)}. import open\n`,
      `x = 1\nfrom ${'\t'.repeat(12)}..${'pkg'} import y`,
      'from .m import z',
    ];
    for (const text of texts) {
      assert.ok(relativeImportSpelled(text, 0, text.length), text);
      for (const edit of oneCharEdits(text)) {
        if (relativeImportSpelled(edit.before, 0, edit.before.length)) continue;
        const after = edit.before.slice(0, edit.start) + edit.newText + edit.before.slice(edit.end);
        assert.equal(after, text);
        const near = relativeImportSpelledNear(after, edit.start, edit.start + edit.newText.length);
        assert.ok(near, `${JSON.stringify(edit)} in ${JSON.stringify(text)}`);
      }
    }
  });

  it('gives what a full lint gives while edits spell, break and move a relative import', () => {
    const helpers = Array.from({ length: 20 }, (_, k) => `def helper_${k}(x):\n    return x + ${k}\n`);
    const source = ['from .compat import input', '', 'def work(x):', '    return input(x), open(x)', '', ...helpers].join('\n');
    expectFullLint(source, [
      ['return x + 3', 'return x + 33'], // elsewhere: the match carried, shifted
      ['input(x), open(x)', 'input(x), open(x, "r")'],
      ['return x + 5', 'return x + 5 # from . import open'], // a second spelling, in a comment: no binding
      ['open(x, "r")', 'open(x, "rb")'],
    ]);
    const plain = ['import os', '', 'def work(x):', '    return input(x), open(x)', '', ...helpers].join('\n');
    expectFullLint(plain, [
      ['return x + 3', 'return x + 33'], // no relative import before, none after: known without a search
      ['return x + 5', 'return x + 5 # from . import open'], // the comment spells one: the tree is asked, the name still the builtin
      ['input(x), open(x)', 'input(x), open(x, "r")'],
      [' # from . import open', ''],
      ['open(x, "r")', 'open(x, "rb")'],
    ]);
  });

  it('is carried to the next lint, not searched for in the whole text again', () => {
    const helpers = Array.from({ length: 20 }, (_, k) => `def helper_${k}(x):\n    return x + ${k}\n`);
    const source = ['import os', '', 'def work(x):', '    return open(x)', '', ...helpers].join('\n');
    const linter = new IncrementalLinter(engine, true);
    let tree: Tree = engine.parse(source);
    try {
      linter.lint(tree, source, { select: ['ALL'] }, null);
      const memo = () => (linter as unknown as { state: { softImports: { relativeImport?: unknown } } }).state.softImports;
      assert.equal(memo().relativeImport, null, 'the full lint asked isBuiltin, so it searched');
      const start = source.indexOf('return x + 3');
      const edited = applyEdit(engine, tree, source, { start, end: start + 'return x + 3'.length, newText: 'return x + 33' });
      tree = edited.tree;
      linter.lint(tree, edited.text, { select: ['ALL'] }, [edited.change], edited.changedRanges);
      // No rule of this region asked isBuiltin: the answer is the one carried across the edit.
      assert.equal(memo().relativeImport, null);
    } finally {
      tree.delete();
    }
  });
});

describe('the import index across edits', () => {
  it("finds each binding's import statement in the tree of the lint at hand, while the imports stay and when they change", () => {
    const helpers = Array.from({ length: 20 }, (_, k) => `def helper_${k}(x):\n    return x + ${k}\n`);
    const source = ['# A module.', 'import os', 'import numpy as np', '', 'def work(x):', '    return np.sum(x) + os.getpid()', '', ...helpers].join('\n');
    expectFullLint(source, [
      ['np.sum(x)', 'np.sum(x, 0)'], // the index carried: its statements looked up in this tree
      ['# A module.', '# A module of helpers.'], // the imports move
      ['np.sum(x, 0)', 'np.sum(x, 1)'],
      ['import os', 'import os, sys'], // an import statement re-read: a new index
      ['np.sum(x, 1)', 'np.sum(x, 2)'],
      ['return x + 4', 'return x + 44'],
    ]);
  });
});

/** Applies each [text to replace, replacement] in turn: every lint is incremental and gives what a full lint gives. */
function expectFullLint(source: string, steps: readonly [string, string][]): void {
  const options = { select: ['ALL'] };
  const linter = new IncrementalLinter(engine, true);
  let tree: Tree = engine.parse(source);
  let text = source;
  const summary = (findings: readonly { start: number; message: string }[]) => findings.map((f) => `${f.start}:${f.message}`);
  try {
    linter.lint(tree, text, options, null);
    for (const [at, replacement] of steps) {
      const start = text.indexOf(at);
      assert.ok(start >= 0, at);
      const edited = applyEdit(engine, tree, text, { start, end: start + at.length, newText: replacement });
      tree = edited.tree;
      text = edited.text;
      const partialsBefore = linter.stats.partial;
      const incremental = linter.lint(tree, text, options, [edited.change], edited.changedRanges);
      assert.equal(linter.stats.partial, partialsBefore + 1, `${replacement}: an incremental lint`);
      assert.deepEqual(summary(incremental.findings), summary(engine.lint(tree, text, options).findings), replacement);
    }
  } finally {
    tree.delete();
  }
}
