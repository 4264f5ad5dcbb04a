// numpy-python-loop on grid-point loops (`out[i, j] = np.cov(sst[i, j], nino)[0, 1]` per point of a map): the advice
// is display-only, so what it spells is run here instead. Each loop is linted, the whole-array code is read back
// out of the message, and both run under real NumPy/SciPy (/usr/bin/python3) on random grids with the series axis
// first, last and in the middle. They must agree to floating-point rounding.
import * as assert from 'node:assert/strict';
import { getEngine, runPython } from '../helpers/engine';

interface Case {
  name: string;
  /** The shape of `a`, whose series (30 long, as `y` and `t` are) run along one axis. */
  shape: number[];
  /** The loop, over `a` (and `y`, `t`), storing into `out`. */
  loop: string[];
  out: string;
  nan?: boolean;
  /** Python turning the advised result into the loop's layout (np.polyfit's coefficients are rows of columns). */
  back?: string;
}

const CASES: Case[] = [
  {
    name: 'np.cov with one index series, series last',
    shape: [5, 4, 30],
    out: 'np.zeros(a.shape[:2])',
    loop: ['for i in range(a.shape[0]):', '    for j in range(a.shape[1]):', '        out[i, j] = np.cov(a[i, j], y)[0, 1]'],
  },
  {
    name: 'np.corrcoef, series in the middle',
    shape: [5, 30, 4],
    out: 'np.zeros((5, 4))',
    loop: ['for i in range(5):', '    for j in range(4):', '        s = a[i, :, j]', '        out[i, j] = np.corrcoef(s, y)[0, 1]'],
  },
  {
    name: 'np.mean, series first',
    shape: [30, 5, 4],
    out: 'np.zeros((5, 4))',
    loop: ['for i in range(5):', '    for j in range(4):', '        out[i, j] = np.mean(a[:, i, j])'],
  },
  {
    name: 'a reduction method with ddof',
    shape: [30, 5, 4],
    out: 'np.zeros((5, 4))',
    loop: ['for i in range(5):', '    for j in range(4):', '        temp = a[:, i, j]', '        out[i, j] = temp.std(ddof=1)'],
  },
  {
    name: 'signal.detrend stored back',
    shape: [5, 4, 30],
    out: 'a.copy()',
    loop: ['for i in range(5):', '    for j in range(4):', '        out[i, j] = signal.detrend(a[i, j])'],
  },
  {
    name: 'detrend, then np.cov with ddof=1, three loops',
    shape: [3, 5, 4, 30],
    out: 'np.zeros((3, 5, 4))',
    loop: [
      'for w in range(3):',
      '    for i in range(5):',
      '        for j in range(4):',
      '            out[w, i, j] = np.cov(signal.detrend(a[w, i, j, :]), y, ddof=1)[0, 1]',
    ],
  },
  {
    name: 'np.polyfit, one fit per column',
    shape: [30, 5, 4],
    out: 'np.zeros((2, 5, 4))',
    loop: ['for i in range(5):', '    for j in range(4):', '        out[:, i, j] = np.polyfit(t, a[:, i, j], 1)'],
    back: 'after.reshape(2, 5, 4)',
  },
  {
    name: 'np.polyfit with the series last',
    shape: [5, 4, 30],
    out: 'np.zeros((5, 4, 2))',
    loop: ['for i in range(5):', '    for j in range(4):', '        out[i, j, :] = np.polyfit(t, a[i, j], 1)'],
    back: 'np.moveaxis(after.reshape(2, 5, 4), 0, -1)',
  },
  {
    name: 'np.nanmean over stations, one loop, with NaN',
    shape: [30, 6],
    out: 'np.zeros(6)',
    nan: true,
    loop: ['for p in range(6):', '    out[p] = np.nanmean(a[:, p])'],
  },
];

/** `s0, s1, s2 = a.shape`: what tells the rule how many axes `a` has (a parameter of unknown shape is left alone). */
function unpacked(c: Case): string {
  return `${c.shape.map((_, k) => `s${k}`).join(', ')} = a.shape`;
}

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

/** The whole-array code of the message, and the name it binds first. */
function wholeForm(message: string): { binding: string | null; code: string } {
  const advice = message.split('one call does every point: ')[1];
  assert.ok(advice, message);
  const m = /^(?:with `([^`]+)`, )?`([^`]+)`/.exec(advice);
  assert.ok(m, advice);
  return { binding: m[1] ?? null, code: m[2] };
}

function program(c: Case, binding: string | null, code: string): string {
  const indent = (lines: string[]) => lines.map((l) => `    ${l}`);
  return [
    'import numpy as np',
    'from scipy import signal',
    '',
    '',
    'def loop(a, y, t):',
    `    ${unpacked(c)}`,
    `    out = ${c.out}`,
    ...indent(c.loop),
    '    return out',
    '',
    '',
    'def whole(a, y, t):',
    ...(binding ? [`    ${binding}`] : []),
    `    return ${code}`,
    '',
    '',
    'rng = np.random.default_rng(1)',
    `a = rng.random(${JSON.stringify(c.shape).replace('[', '(').replace(']', ')')}) * 10`,
    ...(c.nan ? ['a[3, 2] = np.nan', 'a[7, 0] = np.nan'] : []),
    `y = rng.random(30)`,
    `t = np.arange(30, dtype=float)`,
    'before = loop(a.copy(), y, t)',
    'after = np.asarray(whole(a.copy(), y, t))',
    ...(c.back ? [`after = ${c.back}`] : []),
    'print("same" if after.shape == before.shape and np.allclose(before, after, equal_nan=True) else f"differs {before.shape} {after.shape}")',
    '',
  ].join('\n');
}

describe('numpy-python-loop: a series per grid point → one call along its axis, under real NumPy and SciPy', function () {
  this.timeout(120000);
  for (const c of CASES) {
    it(`${c.name}: reported once, at the outer loop, and the advised code computes what the loop does`, async () => {
      const source = [
        'import numpy as np',
        'from scipy import signal',
        '',
        '',
        'def compute(a, y, t):',
        `    ${unpacked(c)}`,
        `    out = ${c.out}`,
        ...c.loop.map((l) => `    ${l}`),
        '    return out',
        '',
      ].join('\n');
      const engine = await getEngine();
      const findings = engine.lintText(source, { select: ['numpy-python-loop'] }).findings;
      assert.equal(findings.length, 1, source);
      assert.equal(lineOf(source, findings[0].start), 8, 'reported at the outer loop');
      const { binding, code } = wholeForm(findings[0].message);
      const run = runPython(program(c, binding, code));
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'same', `${code}\n${run.stdout}`);
    });
  }

  it('the inner loops of a reported nest stay silent, and numba-jit-candidate gives way on the same nest', async () => {
    const source = [
      'import numba',
      'import numpy as np',
      '',
      '',
      'def compute(a, y):',
      '    nx, ny, nt = a.shape',
      '    out = np.zeros(a.shape[:2])',
      '    for i in range(a.shape[0]):',
      '        for j in range(a.shape[1]):',
      '            out[i, j] = np.cov(a[i, j], y)[0, 1]',
      '    return out',
      '',
    ].join('\n');
    const engine = await getEngine();
    const findings = engine.lintText(source, { select: ['numpy-python-loop', 'numba-jit-candidate'], preview: true }).findings;
    assert.deepEqual(
      findings.map((f) => [f.ruleId, lineOf(source, f.start)]),
      [['numpy-python-loop', 8]],
    );
  });
});
