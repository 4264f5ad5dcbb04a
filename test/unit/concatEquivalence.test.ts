// concat-in-loop's fix, run against real pandas and NumPy (/usr/bin/python3): the pairwise loop (before) and the
// collected pieces concatenated once (after) on generated pieces (int, float with NaN, bool, object with None,
// datetime with NaT, Series; no piece, one piece; an empty, typed-empty, columns-only or None start; 1-D, flattened
// and 2-D arrays on either axis). The fix is labelled safe for these calls, so they must agree everywhere.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyFixes } from '../../server/fixes/apply';
import { FIXTURES, compilePython, getEngine } from '../helpers/engine';

const HARNESS = path.join(FIXTURES, 'equivalence', 'accumulate.py');

/** The accumulating statement per family, as a user writes it; the harness supplies the start value and pieces. */
const COLUMNS_ONLY = { 'columns-only start': "dtypes ['object', 'object'] / ['float64', 'float64']" };
const FORMS: { family: string; update: string; start?: string; safety: 'safe' | 'unsafe'; differs?: Record<string, string>; reason?: RegExp }[] = [
  // From a start the rule cannot see (here a parameter), an empty frame with columns concatenates differently.
  { family: 'frames', update: 'acc = pd.concat([acc, piece])', safety: 'unsafe', differs: COLUMNS_ONLY, reason: /empty frame with columns/ },
  { family: 'frames', update: 'acc = pd.concat([acc, piece], ignore_index=True)', safety: 'unsafe', differs: COLUMNS_ONLY, reason: /empty frame with columns/ },
  // From `pd.DataFrame()` or `None` (the harness's own start is then ignored) both forms agree.
  { family: 'frames', update: 'acc = pd.concat([acc, piece])', start: 'pd.DataFrame()', safety: 'safe' },
  { family: 'frames', update: 'acc = pd.concat([acc, piece], ignore_index=True)', start: 'None', safety: 'safe' },
  { family: 'flat', update: 'acc = np.append(acc, piece)', safety: 'safe' },
  { family: 'rows', update: 'acc = np.append(acc, piece, axis=0)', safety: 'safe' },
  { family: 'rows', update: 'acc = np.concatenate((acc, piece))', safety: 'safe' },
  { family: 'columns', update: 'acc = np.concatenate([acc, piece], axis=1)', safety: 'safe' },
  // The stacking helpers bring every piece to one rank first, so all pieces at once join the way the pairs did.
  { family: 'flat', update: 'acc = np.hstack((acc, piece))', safety: 'safe' },
  { family: 'columns', update: 'acc = np.hstack((acc, piece))', safety: 'safe' },
  { family: 'rows', update: 'acc = np.vstack((acc, piece))', safety: 'safe' },
  { family: 'flat', update: 'acc = np.vstack([acc, piece])', safety: 'safe' },
  { family: 'columns', update: 'acc = np.column_stack((acc, piece))', safety: 'safe' },
  { family: 'columns', update: 'acc = np.dstack((acc, piece))', safety: 'safe' },
  // DataFrame.append (pandas < 2): a dict piece becomes a row there (not generated: pd.concat refuses it); None has no .append.
  {
    family: 'frames',
    update: 'acc = acc.append(piece)',
    safety: 'unsafe',
    differs: { ...COLUMNS_ONLY, 'None start': 'raised AttributeError / nothing' },
    reason: /dict or Series.*empty start frame with columns/,
  },
];

function loopSource(update: string, start?: string): string {
  const params = update.includes('acc.append') ? 'acc: pd.DataFrame, pieces' : 'acc, pieces';
  const init = start ? [`    acc = ${start}`] : [];
  return [
    'import numpy as np',
    'import pandas as pd',
    '',
    '',
    `def grow(${params}):`,
    ...init,
    '    for piece in pieces:',
    `        ${update}`,
    '    return acc',
    '',
  ].join('\n');
}

/** The harness's verdict per generated case: "same" or the first difference between the two programs. */
function harnessMatrix(family: string, before: string, after: string): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-acc-'));
  writeFileSync(path.join(dir, 'before.py'), before);
  writeFileSync(path.join(dir, 'after.py'), after);
  const r = spawnSync('/usr/bin/python3', [HARNESS, family, path.join(dir, 'before.py'), path.join(dir, 'after.py')], { encoding: 'utf8', timeout: 240000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe('concat-in-loop fix: equivalence with the pairwise loop under real pandas and NumPy', function () {
  this.timeout(300000);

  for (const form of FORMS) {
    it(`${form.update}${form.start ? ` from ${form.start}` : ''} → collected pieces, one concatenation (${form.safety}) on ${form.family}`, async () => {
      const before = loopSource(form.update, form.start);
      const engine = await getEngine();
      const findings = engine.lintText(before, { select: ['concat-in-loop'] }).findings;
      assert.equal(findings.length, 1, before);
      const fix = findings[0].fix;
      assert.ok(fix, 'no fix offered');
      assert.equal(fix.safety, form.safety);
      if (form.reason) assert.match(fix.reason ?? '', form.reason);
      const after = applyFixes(before, findings, { unsafe: true }).text;
      assert.match(after, /acc_parts\.append\(piece\)/);
      assert.equal(compilePython(after).status, 0);
      const matrix = harnessMatrix(form.family, before, after);
      const diff = Object.fromEntries(Object.entries(matrix).filter(([, v]) => v !== 'same'));
      assert.deepEqual(diff, form.differs ?? {}, after);
    });
  }
});

/** Whether /usr/bin/python3 can import torch: the tensor cases need it, and CI does not install it. */
function torchImportable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8', timeout: 120000 }).status === 0;
}

describe('concat-in-loop fix on torch.cat: equivalence with the pairwise loop under real torch', function () {
  this.timeout(300000);
  before(function () {
    if (!torchImportable()) {
      console.log('      (skipped: `/usr/bin/python3 -c "import torch"` fails here; install python3-torch to run the tensor cases)');
      this.skip();
    }
  });

  const TENSOR_FORMS = [
    { update: 'acc = torch.cat([acc, piece])', family: 'tensors' },
    { update: 'acc = torch.cat((acc, piece), dim=1)', family: 'tensor columns' },
  ];
  for (const form of TENSOR_FORMS) {
    it(`${form.update} → collected pieces, one torch.cat: unsafe, and only mixed dtypes differ (every dtype pair, empty starts, autograd)`, async () => {
      const before = ['import torch', '', '', 'def grow(acc, pieces):', '    for piece in pieces:', `        ${form.update}`, '    return acc', ''].join('\n');
      const engine = await getEngine();
      const findings = engine.lintText(before, { select: ['concat-in-loop'] }).findings;
      assert.equal(findings.length, 1, before);
      const fix = findings[0].fix!;
      assert.equal(fix.safety, 'unsafe');
      assert.match(fix.reason ?? '', /promote mixed dtypes one step at a time, so a value can round/);
      assert.match(fix.reason ?? '', /identical when every piece has the same dtype/);
      const after = applyFixes(before, findings, { unsafe: true }).text;
      assert.match(after, /acc_parts\.append\(piece\)/);
      assert.equal(compilePython(after).status, 0);
      const matrix = harnessMatrix(form.family, before, after);
      assert.ok(Object.keys(matrix).length > 1000, `only ${Object.keys(matrix).length} cases`);
      // Same-dtype pieces (the common case), empty starts, no piece, autograd and a shape error agree; the one
      // difference is the rounding the reason describes, which needs mixed dtypes.
      const diff = Object.fromEntries(Object.entries(matrix).filter(([, v]) => v !== 'same'));
      assert.deepEqual(diff, { 'mixed dtypes int64 2049 through float16': 'values' });
      assert.equal(matrix['requires_grad pieces'], 'same');
    });
  }

  it('the tensor harness tells a real difference from none (a rewrite that drops the start is caught)', () => {
    const before = [
      'import torch',
      '',
      '',
      'def grow(acc, pieces):',
      '    for piece in pieces:',
      '        acc = torch.cat([acc, piece])',
      '    return acc',
      '',
    ].join('\n');
    const wrong = 'import torch\n\n\ndef grow(acc, pieces):\n    return torch.cat(pieces) if pieces else acc\n';
    const matrix = harnessMatrix('tensors', before, wrong);
    assert.match(matrix['same dtypes float32,float32,float32'], /^tensor /);
    assert.equal(matrix['no pieces, empty start'], 'same');
  });
});
