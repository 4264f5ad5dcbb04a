// numpy-python-loop's `out[:] = ...` fix, run against real NumPy (/usr/bin/python3): the element loop (before) and the
// whole-array assignment (after) on generated arrays (float with NaN/inf/-0.0, negative int64, int8 at overflow, uint8,
// bool, float32, empty, one element, 2-D float and int). The safe form must agree everywhere; the unsafe ones differ
// only as their reason says.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyFixes } from '../../server/fixes/apply';
import { FIXTURES, compilePython, getEngine, ruleFindings, runPython } from '../helpers/engine';

const HARNESS = path.join(FIXTURES, 'equivalence', 'arrays.py');

const SAFE = ['a[i] * 2 + 1', 'a[i] // 3', 'a[i] % 3', '-a[i] / 2', 'a[i] ** 2', 'abs(a[i])', 'a[i] > 0', 'np.maximum(a[i], 0)', '(a[i] - 1) * (a[i] + 1)'];

const UNSAFE: { expr: string; alloc?: string; differs: Record<string, RegExp>; reason: RegExp }[] = [
  // Into an output that may be integer: nan from sqrt(-7) raises when stored element by element, and is cast silently by out[:] =.
  { expr: 'np.sqrt(a[i])', differs: { '.*': /^raised ValueError \/ nothing$/ }, reason: /integer output/ },
  { expr: 'a[i] / a[i]', differs: { '.*': /^raised ValueError \/ nothing$/ }, reason: /integer output/ },
  // math.sqrt raises on negatives (and on 2-D rows) where np.sqrt gives nan.
  { expr: 'math.sqrt(a[i])', differs: { '.*': /^raised (ValueError|TypeError) \/ nothing$/ }, reason: /nan where `math` functions raise/ },
  // max(nan, 0) is nan but max(0, nan) is 0; np.maximum is nan both ways; on 2-D rows max() raises.
  { expr: 'max(0, a[i])', differs: { '.*': /^(values|raised ValueError \/ nothing)$/ }, reason: /NaN where either side is NaN/ },
];

function loopSource(expr: string, alloc = 'np.empty_like(a)'): string {
  return [
    'import math',
    '',
    'import numpy as np',
    '',
    '',
    'def compute(a: np.ndarray):',
    `    out = ${alloc}`,
    '    for i in range(len(a)):',
    `        out[i] = ${expr}`,
    '    return out',
    '',
  ].join('\n');
}

async function rewrite(before: string) {
  const engine = await getEngine();
  const findings = engine.lintText(before, { select: ['numpy-python-loop'] }).findings;
  assert.equal(findings.length, 1, before);
  const fix = findings[0].fix;
  assert.ok(fix, 'no fix offered');
  return { fix, after: applyFixes(before, findings, { unsafe: true }).text };
}

function compare(before: string, after: string): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-np-'));
  writeFileSync(path.join(dir, 'before.py'), before);
  writeFileSync(path.join(dir, 'after.py'), after);
  const r = spawnSync('/usr/bin/python3', [HARNESS, path.join(dir, 'before.py'), path.join(dir, 'after.py')], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(Object.entries(JSON.parse(r.stdout) as Record<string, string>).filter(([, v]) => v !== 'same'));
}

describe('numpy-python-loop fix: equivalence with the element loop under real NumPy', function () {
  this.timeout(300000);

  for (const expr of SAFE) {
    it(`out = np.empty_like(a); out[i] = ${expr} → out[:] = ... (safe, identical on every input)`, async () => {
      const before = loopSource(expr);
      const { fix, after } = await rewrite(before);
      assert.equal(fix.safety, 'safe');
      assert.match(after, /^ {4}out\[:\] = /m);
      assert.equal(compilePython(after).status, 0);
      assert.deepEqual(compare(before, after), {});
    });
  }

  for (const c of UNSAFE) {
    it(`out[i] = ${c.expr} → unsafe, and the difference is the one its reason gives`, async () => {
      const before = loopSource(c.expr, c.alloc);
      const { fix, after } = await rewrite(before);
      assert.equal(fix.safety, 'unsafe');
      assert.match(fix.reason ?? '', c.reason);
      const diff = compare(before, after);
      assert.ok(Object.keys(diff).length > 0, 'an unsafe fix whose difference was not reproduced');
      for (const what of Object.values(diff)) assert.match(what, c.differs['.*']);
    });
  }

  it('out[i] = x if c else y (a per-element choice) → np.where, unsafe, and identical on every input', async () => {
    const before = loopSource('a[i] * 2 if a[i] > 0 else -a[i]');
    const { fix, after } = await rewrite(before);
    assert.equal(fix.safety, 'unsafe');
    assert.match(fix.reason ?? '', /both branches/);
    assert.match(after, /^ {4}out\[:\] = np\.where\(a > 0, a \* 2, -a\)$/m);
    assert.equal(compilePython(after).status, 0);
    // Identical on every 1-D input; on a 2-D one the loop's `if` of a whole row raised, which the rewrite no longer does.
    const diff = compare(before, after);
    assert.deepEqual(Object.keys(diff).sort(), ['2-D float', '2-D int']);
    for (const what of Object.values(diff)) assert.match(what, /^raised ValueError \/ nothing$/);
  });

  it('np.sqrt into an output allocated with a float dtype is safe and identical', async () => {
    const before = loopSource('np.sqrt(a[i])', 'np.empty_like(a, dtype=float)');
    const { fix, after } = await rewrite(before);
    assert.equal(fix.safety, 'safe');
    assert.deepEqual(compare(before, after), {});
  });

  it('an output not allocated like the input (np.zeros(len(a)), a of unknown ndim) gets no rewrite: a 2-D input would broadcast differently', async () => {
    const engine = await getEngine();
    const findings = engine.lintText(loopSource('a[i] * 2', 'np.zeros(len(a))'), { select: ['numpy-python-loop'] }).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0].fix, undefined);
  });

  describe('list comprehension: the other operands', () => {
    const comprehension = (setup: string[], elem: string) =>
      [
        'import numpy as np',
        '',
        '',
        'def blend(A: np.ndarray, B: np.ndarray, n: int):',
        '    alphas = np.linspace(0.0, 1.0, 5)',
        ...setup.map((l) => `    ${l}`),
        `    return [${elem} for a in alphas]`,
        '',
        '',
        'print(np.asarray(blend(np.arange(3.0), np.arange(3.0) * 10, 4)).round(6).tolist())',
        '',
      ].join('\n');
    const run = (source: string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-np-'));
      writeFileSync(path.join(dir, 'x.py'), source);
      return spawnSync('/usr/bin/python3', [path.join(dir, 'x.py')], { encoding: 'utf8', timeout: 60000 });
    };

    it('arrays among them (a blend of two vectors per weight): reported, no rewrite, the message says what must hold', async () => {
      const engine = await getEngine();
      // Unpacked from a list, the operands' types are not known here.
      const before = comprehension(['u, v = [A, B]'], '(1 - a) * u + a * v');
      const findings = engine.lintText(before, { select: ['numpy-python-loop'] }).findings;
      assert.equal(findings.length, 1);
      // Unpacked from a tuple of the two arrays, they are known arrays: "if they are numbers" would be false, so nothing is said.
      const known = comprehension(['u, v = A, B'], '(1 - a) * u + a * v');
      assert.equal(engine.lintText(known, { select: ['numpy-python-loop'] }).findings.length, 0);
      assert.equal(findings[0].fix, undefined);
      assert.match(findings[0].message, /if `u`, `v` are numbers/);
      // What the rewrite would have done: broadcasting gives other numbers (or fails), not the same list of arrays.
      const wrong = run(before.replace('[(1 - a) * u + a * v for a in alphas]', '(1 - alphas) * u + alphas * v'));
      assert.notEqual(wrong.stdout, run(before).stdout);
    });

    it('numbers only (a literal, a name bound to a number, a parameter annotated int): rewritten, and python prints the same', async () => {
      const before = comprehension(['lo = 0.5', 'k = 2 * n + len(A)'], '(1 - a) * lo + a * k + 3');
      const { after } = await rewrite(before);
      assert.match(after, /return \(1 - alphas\) \* lo \+ alphas \* k \+ 3$/m);
      const b = run(before);
      assert.equal(b.status, 0, b.stderr);
      assert.equal(run(after).stdout, b.stdout);
    });

    it('an unannotated parameter, even with a number default, may be an array: no rewrite', async () => {
      const engine = await getEngine();
      const source = ['import numpy as np', 'def f(w=2.0):', '    xs = np.arange(4.0)', '    return [x * w for x in xs]', ''].join('\n');
      const findings = engine.lintText(source, { select: ['numpy-python-loop'] }).findings;
      assert.equal(findings.length, 1);
      assert.equal(findings[0].fix, undefined);
    });
  });
});

describe('numpy-python-loop: a reduction over parameters nothing types', () => {
  const source = (params: string, doc = '') =>
    [
      'import numpy as np',
      '',
      '',
      `def dist(${params}):`,
      ...(doc ? [`    """${doc}"""`] : []),
      '    d = 0',
      '    for i in range(len(a)):',
      '        d += pow((a[i] - b[i]), 2)',
      '    return d',
      '',
    ].join('\n');

  it('is a hint saying "if", on the statement; known arrays get the full warning on the loop', async () => {
    const untyped = source('a, b');
    const [hint] = await ruleFindings('numpy-python-loop', untyped);
    assert.equal(hint.severity, 'hint');
    assert.match(hint.message, /^If `a` and `b` are ndarrays, .*`d \+= np\.sum\(np\.power\(\(a - b\), 2\)\)`/);
    assert.equal(hint.start, untyped.indexOf('d += '));
    const typed = source('a: np.ndarray, b: np.ndarray');
    const [known] = await ruleFindings('numpy-python-loop', typed);
    assert.equal(known.severity, 'warning');
    assert.equal(known.start, typed.indexOf('for i'));
    // The docstring types them: no "if".
    const [documented] = await ruleFindings(
      'numpy-python-loop',
      source('a, b', 'Gap.\n\n    Parameters\n    ----------\n    a : ndarray\n    b : ndarray\n    '),
    );
    assert.equal(documented.severity, 'warning');
    assert.match(documented.message, /^Python loop accumulating/);
  });

  it('computes what the loop computes, on ndarrays', () => {
    const program = (body: string) =>
      ['import numpy as np', 'a = np.array([1.5, -2.0, 3.25, 0.0]); b = np.array([0.5, 2.0, -1.0, 4.0])', body, 'print(repr(float(d)))'].join('\n');
    const loop = runPython(program('d = 0\nfor i in range(len(a)):\n    d += pow((a[i] - b[i]), 2)'));
    const whole = runPython(program('d = 0\nd += np.sum(np.power((a - b), 2))'));
    assert.equal(loop.status, 0, loop.stderr);
    assert.equal(whole.stdout, loop.stdout);
  });
});

describe('numpy-python-loop: neighbours of one array at fixed offsets → shifted slices, under real NumPy', function () {
  this.timeout(300000);
  const CASES: { comp: string; slices: string }[] = [
    { comp: '[a[i] - a[i - 4] for i in range(4, len(a))]', slices: 'a[4:] - a[:-4]' },
    { comp: '[a[n] ** 2 - a[n - 1] * a[n + 1] for n in range(1, len(a) - 1)]', slices: 'a[1:-1] ** 2 - a[:-2] * a[2:]' },
    { comp: '[(a[i + 1] - a[i]) / 2 for i in range(len(a) - 1)]', slices: '(a[1:] - a[:-1]) / 2' },
    { comp: '[a[i] - a[i - k] for i in range(k, len(a))]', slices: 'a[k:] - a[:len(a) - k]' },
  ];
  const program = (expr: string) => ['import numpy as np', '', '', 'def compute(a: np.ndarray):', '    k = 2', `    return np.array(${expr})`, ''].join('\n');

  for (const c of CASES) {
    it(`np.array(${c.comp}) → ${c.slices}: unsafe, and the values never differ (only dtype, as its reason says)`, async () => {
      const before = program(c.comp);
      const { fix, after } = await rewrite(before);
      assert.equal(fix.safety, 'unsafe');
      assert.match(fix.reason ?? '', /keep the array's dtype/);
      assert.ok(after.includes(`    return ${c.slices}\n`), after);
      assert.equal(compilePython(after).status, 0);
      for (const [input, difference] of Object.entries(compare(before, after))) {
        // Never the values: the slices keep the input's dtype where numpy 1.x widened small scalars (int8, uint8, float32)
        // and an empty range packed np.array([]) (float64, 1-D); a bool subtraction the empty loop never ran raises.
        assert.match(difference, /^(dtype (int64|float64) \/ (int8|uint8|int64|float32)|shape \(0,\) \/ \(0, 2\)|raised nothing \/ TypeError)$/, input);
      }
    });
  }

  it('a comprehension left as a list, or a loop appending, is reported without a fix (the list would become an ndarray)', async () => {
    const src = [
      'import numpy as np',
      '',
      '',
      'def f(a: np.ndarray):',
      '    d = [a[i] - a[i - 1] for i in range(1, len(a))]',
      '    y = []',
      '    for n in range(1, len(a) - 1):',
      '        y.append(a[n] ** 2 - a[n - 1] * a[n + 1])',
      '    return d, y',
      '',
    ].join('\n');
    const found = await ruleFindings('numpy-python-loop', src);
    assert.equal(found.length, 2);
    assert.ok(found.every((f) => !f.fix));
    assert.match(found[0].message, /`a\[1:\] - a\[:-1\]` \(an ndarray, where the comprehension built a list\)/);
    assert.match(found[1].message, /`a\[1:-1\] \*\* 2 - a\[:-2\] \* a\[2:\]` \(an ndarray, where `y` is a list\)/);
  });
});
