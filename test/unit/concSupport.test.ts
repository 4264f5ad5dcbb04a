// Shared helpers of the concurrency / debugging / security rules: codeContext, functionProfile, indentEdits.
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { insideExpectationBlock, inTestFunction, isPackageModule, isTestFile, NO_FILE_SYSTEM } from '../../server/analysis/codeContext';
import { NODE_FILES } from '../../server/project/fileProbe';
import type { FileFacts } from '../../server/analysis/facts';
import { functionProfile, isPurePythonCpuBound } from '../../server/analysis/functionProfile';
import { fileIndentUnit, indentLines, stringInteriorLines } from '../../server/fixes/indentation';
import type { Node } from '../../server/syntax/parser';
import { probe } from '../helpers/probe';

/** Runs fn on every node the query captures as @x, in order. */
async function over<T>(source: string, query: string, fn: (node: Node, facts: FileFacts, text: string) => T): Promise<T[]> {
  const out: T[] = [];
  await probe(source, query, (m, ctx) => {
    out.push(fn(m.need('x'), ctx.facts, ctx.text));
  });
  return out;
}

describe('engine: codeContext', () => {
  it('recognises test files by name and folder', () => {
    assert.equal(isTestFile('/p/src/pkg/test_io.py'), true);
    assert.equal(isTestFile('/p/src/pkg/io_test.py'), true);
    assert.equal(isTestFile('/p/conftest.py'), true);
    assert.equal(isTestFile('/p/tests/unit/helpers.py'), true);
    assert.equal(isTestFile('/site/pandas/tests/extension/arrow/arrays.py'), true); // a package's test suite, nested
    assert.equal(isTestFile('/home/me/tests/proj/src/pkg/model.py'), false); // too far up
    assert.equal(isTestFile('/p/src/pkg/io.py'), false);
    assert.equal(isTestFile('/repo/test/fixtures/rules/x/positive.py'), false); // a test folder further up does not count
    assert.equal(isTestFile(undefined), false);
  });

  it("recognises a test suite's folder by its kind or by the package it tests (review51)", () => {
    // presidio's e2e-tests/common/methods.py, pandas-ml-quant's pandas_ml_common_test/link_checker.py.
    for (const file of [
      '/p/pulpcore/pytest_plugin.py', // a pytest plugin of fixtures (review52)
      '/p/e2e-tests/common/methods.py',
      '/p/integration_tests/api.py',
      '/p/e2e/helpers.py',
      '/p/pkg_test/link_checker.py',
      '/p/SmokeTests/run.py',
    ])
      assert.equal(isTestFile(file), true, file);
    // Not an A/B test's analysis, a word that only ends in "test", or a suite further up than three folders.
    for (const file of [
      '/p/pkg/pytest_helpers.py',
      '/p/ab_test/analysis.py',
      '/p/a_b_tests/uplift.py',
      '/p/latest/model.py',
      '/p/contest/solve.py',
      '/p/e2e-tests/a/b/c/deep.py',
    ])
      assert.equal(isTestFile(file), false, file);
  });

  it('tells package modules from scripts', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'perflens-pkg-'));
    mkdirSync(path.join(root, 'pkg'));
    writeFileSync(path.join(root, 'pkg', '__init__.py'), '');
    writeFileSync(path.join(root, 'pkg', 'core.py'), '');
    writeFileSync(path.join(root, 'script.py'), '');
    assert.equal(isPackageModule(path.join(root, 'pkg', 'core.py'), NODE_FILES), true);
    assert.equal(isPackageModule(path.join(root, 'pkg', '__main__.py'), NODE_FILES), false);
    assert.equal(isPackageModule(path.join(root, 'pkg', 'test_core.py'), NODE_FILES), false);
    assert.equal(isPackageModule(path.join(root, 'script.py'), NODE_FILES), false);
    assert.equal(isPackageModule(undefined, NODE_FILES), false);
    // Without a file system (the browser build) nothing is known to be a package.
    assert.equal(isPackageModule(path.join(root, 'pkg', 'other.py'), NO_FILE_SYSTEM), false);
  });

  it('finds pytest.raises / assertWarns blocks and test functions', async () => {
    const src = [
      'import pytest',
      'def test_a():',
      '    with pytest.raises(ValueError):',
      '        f()',
      '    g()',
      'class TestB:',
      '    def helper(self):',
      '        with self.assertWarns(UserWarning) as cm:',
      '            h()',
      'def run():',
      '    k()',
    ].join('\n');
    const got = await over(src, '(call function: (identifier) @x)', (n) => `${n.text}:${insideExpectationBlock(n)}:${inTestFunction(n)}`);
    assert.deepEqual(got, ['f:true:true', 'g:false:true', 'h:true:true', 'k:false:false']);
  });
});

describe('engine: functionProfile', () => {
  it('separates pure-Python CPU work from I/O, native calls and cheap loops', async () => {
    const src = [
      'import math, requests, numpy as np, time',
      'def crunch(xs):',
      '    t = 0',
      '    for x in xs:',
      '        t += math.sqrt(x) * 2',
      '    return t',
      'def nested(n):',
      '    return [[i * j for j in range(n)] for i in range(n)]',
      'def download(u):',
      '    return requests.get(u, timeout=5).text',
      'def native(rows):',
      '    out = []',
      '    for r in rows:',
      '        out.append(np.dot(r, r) + 1)',
      '    return out',
      'def helper(x):',
      '    return x * x',
      'def uses_helper(xs):',
      '    return sum(helper(x) + 1 for x in xs)',
      'def sleeps(n):',
      '    for i in range(n):',
      '        time.sleep(i * 0.1)',
      'async def coro(xs):',
      '    for x in xs:',
      '        x + 1',
    ].join('\n');
    const got = await over(src, '(function_definition name: (identifier) @x)', (name, facts) => {
      const p = functionProfile(facts, name.parent!);
      return `${name.text}:${p.loopDepth}:${p.loopArithmetic ? 'arith' : '-'}:${p.waitsOn?.kind ?? '-'}:${p.pure ? 'pure' : 'impure'}:${isPurePythonCpuBound(p) ? 'cpu' : '-'}`;
    });
    assert.deepEqual(got, [
      'crunch:1:arith:-:pure:cpu',
      'nested:2:arith:-:pure:cpu',
      'download:0:-:http:impure:-',
      'native:1:arith:-:impure:-',
      'helper:0:-:-:pure:-',
      'uses_helper:1:arith:-:pure:cpu',
      'sleeps:1:arith:-:impure:-',
      'coro:1:arith:-:pure:-',
    ]);
  });
});

describe('engine: indentEdits', () => {
  it('indents whole statements but never the inside of multi-line strings', async () => {
    const src = 'def f():\n  x = 1\n\ny = """a\n  b"""\nz = 2  # note\n';
    const got = await over(src, '(module (expression_statement) @x)', (stmt, facts, text) => {
      const start = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
      const end = text.indexOf('\n', stmt.endIndex);
      return `${fileIndentUnit(facts)}|${indentLines(text, start, end < 0 ? text.length : end, '    ', stringInteriorLines([stmt], text))}`;
    });
    assert.deepEqual(got, ['  |    y = """a\n  b"""', '  |    z = 2  # note']);
  });
});

describe('engine: codeContext private modules', () => {
  it('recognises private and vendored modules', async () => {
    const { isPrivateModule } = await import('../../server/analysis/codeContext');
    assert.equal(isPrivateModule('/p/pkg/_parser.py'), true);
    assert.equal(isPrivateModule('/p/pkg/_internal/cli/parser.py'), true);
    assert.equal(isPrivateModule('/p/pandas/core/internals/blocks.py'), true);
    assert.equal(isPrivateModule('/p/pip/_vendor/distro/distro.py'), true);
    assert.equal(isPrivateModule('/p/pkg/__init__.py'), false);
    assert.equal(isPrivateModule('/p/pkg/core.py'), false);
    assert.equal(isPrivateModule('/home/_me/a/b/c/pkg/core.py'), false);
  });
});
