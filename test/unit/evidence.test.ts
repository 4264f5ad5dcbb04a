// Measured evidence: guide/bench/results.json agrees with the benchmark programs beside it, every rule says
// what its advice buys (benefits.json), and the guide's generated evidence blocks are up to date.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { BENCH_RESULTS, BENEFITS, evidenceFor, type MeasuredResult } from '../../server/docs/evidence';
import { ROOT } from '../helpers/engine';

const BENCH = path.join(ROOT, 'guide', 'bench');
const programs = readdirSync(BENCH)
  .filter((f) => f.endsWith('.py') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const onDisk = JSON.parse(readFileSync(path.join(BENCH, 'results.json'), 'utf8')) as { rules: Record<string, { status: string }> };

describe('measured evidence', () => {
  it('results.json has an entry (measured or an honest skip) for every benchmark program, and none without one', () => {
    assert.deepEqual(Object.keys(onDisk.rules).sort(), programs, 'run npm run bench:rules');
    const bad = Object.entries(onDisk.rules).filter(([, e]) => e.status !== 'measured' && e.status !== 'skipped');
    assert.deepEqual(bad, [], 'failed benchmarks must be fixed before results.json is committed');
  });

  it('the bundled results are the ones on disk (rebuild after npm run bench:rules)', () => {
    assert.deepEqual(BENCH_RESULTS, onDisk.rules);
  });

  it('measured entries carry the ratio, its conditions, the Python version, the machine and the date', () => {
    for (const [rule, e] of Object.entries(BENCH_RESULTS)) {
      if (e.status !== 'measured') {
        assert.ok(e.reason.length > 10, `${rule}: a skip needs its reason`);
        continue;
      }
      const m: MeasuredResult = e;
      assert.ok(m.metric === 'time' || m.metric === 'memory', rule);
      assert.ok(m.before > 0 && m.after > 0, `${rule}: before/after must be positive`);
      assert.ok(Math.abs(m.ratio - m.before / m.after) / m.ratio < 1e-3, `${rule}: ratio is not before/after`);
      assert.match(m.summary, /×|%/, rule);
      assert.ok(m.size && m.before_label && m.after_label, `${rule}: size and labels`);
      assert.match(m.python, /^(CPython|PyPy) \d+\.\d+/, rule);
      assert.match(m.date, /^\d{4}-\d{2}-\d{2}$/, rule);
      assert.ok(m.machine.cpu && m.machine.cores > 0, `${rule}: machine`);
    }
  });

  it('every catalog rule and every rule in rules/ says what its advice buys; speed and memory rules have a benchmark', () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    assert.deepEqual([...ids].filter((id) => !BENEFITS[id]).sort(), [], 'rules missing from guide/bench/benefits.json');
    assert.deepEqual(
      Object.keys(BENEFITS)
        .filter((id) => !ids.has(id))
        .sort(),
      [],
      'benefits.json entries for unknown rules',
    );
    const measurable = Object.entries(BENEFITS)
      .filter(([, b]) => b.benefit === 'speed' || b.benefit === 'memory')
      .map(([id]) => id)
      .sort();
    assert.deepEqual(measurable, programs, 'speed/memory rules and benchmark programs must match one to one');
    for (const [id, b] of Object.entries(BENEFITS)) {
      if (b.benefit !== 'speed' && b.benefit !== 'memory') assert.ok((b.note ?? '').length > 20, `${id}: a ${b.benefit} benefit needs its note`);
    }
  });

  it('each benchmark program checks that before and after agree, and prints through _bench.report', () => {
    for (const rule of programs) {
      const source = readFileSync(path.join(BENCH, `${rule}.py`), 'utf8');
      assert.match(source, /^"""[^\n]*\S/, `${rule}.py: start with a docstring saying what is compared`);
      assert.match(source, /\breport\(|\bskip\(/, `${rule}.py`);
      if (!/requires:.*\b(cuda|cuda2|tensorflow)\b/.test(source) && !/metric="memory"/.test(source)) {
        assert.match(source, /\bsame\(|assert\b|assert_(series|frame)_equal/, `${rule}.py: check that both versions give the same result`);
      }
    }
  });

  it('hover evidence quotes results.json for measured rules and names the benefit for the others', () => {
    for (const [rule, e] of Object.entries(BENCH_RESULTS)) {
      const line = evidenceFor(rule)!;
      if (e.status === 'measured') {
        assert.equal(line.label, 'Measured');
        assert.ok(line.text.includes(e.summary) && line.text.includes(e.size) && line.text.includes(e.python), line.text);
      } else {
        assert.equal(line.label, 'Benefit');
        assert.ok(line.text.includes(e.reason), line.text);
      }
    }
    // A result measured at several sizes quotes each, with how a figure was obtained when it was not measured whole.
    for (const [rule, e] of Object.entries(BENCH_RESULTS)) {
      if (e.status !== 'measured') continue;
      for (const scale of e.scales ?? []) {
        const text = evidenceFor(rule)!.text;
        assert.ok(text.includes(`${scale.summary} for ${scale.size} (${scale.detail}`), text);
        if (scale.note) assert.ok(text.includes(scale.note), text);
      }
    }
    const iterrows = BENCH_RESULTS['pandas-iterrows'] as MeasuredResult;
    assert.deepEqual(
      iterrows.scales?.map((s) => s.size),
      ['1,000,000 rows', ...Array<string[]>(7).fill(['10,000 rows', '1,000,000 rows']).flat()],
    );
    // The fix's other rewrites (where, .str, .map, an itertuples loop, a running total, np.where between two literals, a `.tolist()`
    // where a list is needed) are scales with their own labels; the hover names each.
    const rewrites = (iterrows.scales ?? []).filter((s) => s.after_label);
    const form = (s: { before_label?: string; after_label?: string }) =>
      /(np\.where|\.where|\.str|\.map|\.sum|\.tolist)\(?/.exec(s.after_label!)?.[1] ?? (s.before_label?.includes('itertuples()') ? 'itertuples' : undefined);
    assert.deepEqual([...new Set(rewrites.map(form))], ['.where', '.str', '.map', 'itertuples', '.sum', 'np.where', '.tolist']);
    for (const s of rewrites) assert.ok(evidenceFor('pandas-iterrows')!.text.includes(`\`${s.after_label}\`: ${s.summary} for ${s.size}`));
    assert.ok((BENCH_RESULTS['pandas-groupby-apply-transform'] as MeasuredResult).scales?.some((s) => s.size.startsWith('1,000,000 rows')));
    // numpy-python-loop's call translation (max/math.sqrt/abs → np.*) and concat-in-loop's NumPy form, each at both sizes.
    const labelled = (rule: string, after: RegExp) =>
      ((BENCH_RESULTS[rule] as MeasuredResult).scales ?? []).filter((s) => s.after_label && after.test(s.after_label)).map((s) => s.size.split(' ')[0]);
    assert.deepEqual(labelled('numpy-python-loop', /np\.maximum\(np\.sqrt\(np\.abs\(a\)\), b\)/), ['10,000', '1,000,000']);
    assert.deepEqual(labelled('concat-in-loop', /np\.concatenate\(/), ['10,000', '1,000,000']);
    // concat-in-loop's torch form (measured when torch is installed), and pandas-row-loop-indexing's other loop shapes, each at both sizes.
    assert.deepEqual(labelled('concat-in-loop', /torch\.cat\(\[acc, \*acc_parts\]\)/), ['10,000', '1,000,000']);
    for (const form of [
      /append\(df\["price"\]\.iloc\[i\] \*/,
      /df\.iloc\[i\]\["price"\]/,
      /total \+= df\["price"\]\.iloc\[i\]/,
      /1 if df\["qty"\]\.iloc\[i\] > 2 else 0/,
    ]) {
      const sizes = ((BENCH_RESULTS['pandas-row-loop-indexing'] as MeasuredResult).scales ?? []).filter((s) => s.before_label && form.test(s.before_label));
      assert.deepEqual(
        sizes.map((s) => s.size.split(' ')[0]),
        ['10,000', '1,000,000'],
        String(form),
      );
    }
    // pandas-groupby-apply-transform's other forms: fillna by a transform, an aggregation, a per-group method.
    for (const form of [/\.fillna\(df\.groupby/, /\.sum\(\)$/, /\.cumsum\(\)$/]) {
      assert.deepEqual(labelled('pandas-groupby-apply-transform', form), ['10,000', '1,000,000']);
    }
    const missingAwait = evidenceFor('async-missing-await')!;
    assert.equal(missingAwait.label, 'Benefit');
    assert.match(missingAwait.text, /^correctness, not speed\. A coroutine that is called but never awaited never runs/);
  });

  it("the guide's evidence blocks are regenerated from results.json (npm run bench:rules -- --docs-only)", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bench-rules.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
