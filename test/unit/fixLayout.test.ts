// Lines written by fixes: kept within the project's line length (wrapped as Black would), and never
// doubled parentheses. Every fixed text must compile, and where it runs, print what the original did.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyFixes } from '../../server/fixes/apply';
import { ConfigResolver } from '../../server/project/projectConfig';
import { project, run } from '../helpers/cli';
import { compilePython, getEngine, runPython } from '../helpers/engine';

/** The text after applying the rule's fixes (unsafe ones too), checked to compile. */
async function fixed(ruleId: string, lines: string[], lineLength?: number): Promise<string> {
  const engine = await getEngine();
  const source = lines.join('\n') + '\n';
  const result = engine.lintText(source, { select: [ruleId], lineLength });
  assert.deepEqual(result.failures, []);
  const findings = result.findings.filter((f) => f.ruleId === ruleId && f.fix);
  assert.ok(findings.length > 0, `${ruleId} offered no fix`);
  const out = applyFixes(source, findings, { unsafe: true }).text;
  const compiled = compilePython(out);
  assert.equal(compiled.status, 0, compiled.stderr + out);
  return out;
}

const longest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

/** Runs source and its fixed text with a driver appended, and checks they print the same. */
function sameOutput(source: string, out: string, driver: string): void {
  const before = runPython(source + driver);
  const after = runPython(out + driver);
  assert.equal(before.status, 0, before.stderr);
  assert.equal(after.stdout, before.stdout, after.stderr);
}

/** Its comprehension takes 107 characters on one line: over 88, within 120. */
const LONG_LOOP = [
  'def scaled(measurements, factor, low):',
  '    readings = []',
  '    for measurement in measurements:',
  '        if measurement.value > low:',
  '            readings.append(round(measurement.value * factor, 2))',
  '    return readings',
];

describe('fix layout: line length', () => {
  it('append-loop-to-comprehension wraps a comprehension longer than 88 as Black does', async () => {
    const out = await fixed('append-loop-to-comprehension', LONG_LOOP);
    assert.equal(
      out.split('\n').slice(1, 7).join('\n'),
      [
        '    readings = [',
        '        round(measurement.value * factor, 2)',
        '        for measurement in measurements',
        '        if measurement.value > low',
        '    ]',
        '    return readings',
      ].join('\n'),
    );
    assert.ok(longest(out) <= 88);
    const driver = '\nclass M:\n    def __init__(self, v): self.value = v\nprint(scaled([M(1), M(5), M(7.5)], 1.5, 2))\n';
    sameOutput(LONG_LOOP.join('\n') + '\n', out, driver);
  });

  it('with a line length of 120 the same comprehension stays on one line', async () => {
    const out = await fixed('append-loop-to-comprehension', LONG_LOOP, 120);
    assert.match(out, /^ {4}readings = \[round\(measurement\.value \* factor, 2\) for measurement in measurements if measurement\.value > low\]$/m);
    assert.ok(longest(out) > 88 && longest(out) <= 120);
  });

  it('manual-sum-loop and manual-counter-loop wrap the call they write', async () => {
    const sum = await fixed('manual-sum-loop', [
      'def total(order_lines, discount_for_customer):',
      '    total = 0',
      '    for line in order_lines:',
      '        total += line.unit_price * line.quantity * (1 - discount_for_customer(line.customer_id))',
      '    return total',
    ]);
    assert.ok(longest(sum) <= 88, sum);
    // The generator does not fit on one line inside `sum(…)` either: one clause per line.
    assert.match(sum, /^ {4}total = sum\(\n {8}line\.unit_price .*\)\)\n {8}for line in order_lines\n {4}\)$/m);
    const counter = await fixed('manual-counter-loop', [
      'def tally(documents_to_index_for_search, stop_words_for_the_language):',
      '    counts = {}',
      '    for document in documents_to_index_for_search:',
      '        for token in document.tokens_after_normalisation:',
      '            if token not in stop_words_for_the_language:',
      '                counts[token] = counts.get(token, 0) + 1',
      '    return counts',
    ]);
    assert.ok(longest(counter) <= 88, counter);
  });

  it('assert-for-runtime-validation wraps the raise it writes', async () => {
    const out = await fixed('assert-for-runtime-validation', [
      'def configure(batch_size):',
      '    assert batch_size > 0, "the batch size must be a positive number of samples, got a different value"',
      '    return batch_size',
    ]);
    assert.equal(
      out,
      [
        'def configure(batch_size):',
        '    if not (batch_size > 0):',
        '        raise ValueError(',
        '            "the batch size must be a positive number of samples, got a different value"',
        '        )',
        '    return batch_size',
        '',
      ].join('\n'),
    );
  });

  it('a piece that cannot be wrapped stays long on its own line, as Black leaves it', async () => {
    const out = await fixed('append-loop-to-comprehension', [
      'def f(xs):',
      '    out = []',
      '    for x in xs:',
      '        out.append("a string literal that is much longer than the line length allows for this project ok")',
      '    return out',
    ]);
    assert.match(out, /^ {4}out = \[\n {8}"a string literal .*"\n {8}for x in xs\n {4}\]$/m);
  });
});

describe('fix layout: no doubled parentheses', () => {
  it('string-concat-in-loop appends `(a + b)` as `append(a + b)`', async () => {
    const source = ['def csv(items):', '    s = ""', '    for i in items:', '        s += (str(i) + ",")', '    return s'];
    const out = await fixed('string-concat-in-loop', source);
    assert.doesNotMatch(out, /\(\(/, out);
    assert.match(out, /s_parts\.append\(str\(i\) \+ ","\)/);
    sameOutput(source.join('\n') + '\n', out, '\nprint(csv([1, 2, 3]))\n');
  });

  it('string-concat-in-loop on a list: `xs = xs + [(a + b)]` becomes `xs.append(a + b)`', async () => {
    const out = await fixed('string-concat-in-loop', ['def f(items):', '    xs = []', '    for i in items:', '        xs = xs + [(i + 1)]', '    return xs']);
    assert.match(out, /xs\.append\(i \+ 1\)/, out);
  });

  it('assert-for-runtime-validation: a parenthesised message and a negated parenthesised test keep one pair', async () => {
    const source = [
      'def configure_rate(x):',
      '    assert x > 0, (',
      '        "x must be positive "',
      '        "and more"',
      '    )',
      '    assert not (x == 5)',
      '    return x',
    ];
    const out = await fixed('assert-for-runtime-validation', source);
    assert.doesNotMatch(out, /\(\(|\)\)/, out);
    assert.match(out, /raise ValueError\("x must be positive "\n\s+"and more"\)/);
    assert.match(out, /^ {4}if x == 5:$/m);
    for (const arg of ['3', '-1', '5']) {
      const driver = `\ntry:\n    print(configure_rate(${arg}))\nexcept (AssertionError, ValueError) as e:\n    print("error", e)\n`;
      const before = runPython(source.join('\n') + '\n' + driver);
      const after = runPython(out + driver);
      // The same values pass and the same fail (the exception type and message are the fix's declared change).
      const outcome = (out: string) => out.split(' ')[0];
      assert.equal(outcome(after.stdout), outcome(before.stdout));
    }
  });
});

describe('project line length', () => {
  it('is read from [tool.ruff], ruff.toml and [tool.black], nearest first, with [tool.perflens] winning', () => {
    const dir = project({
      'pyproject.toml': '[tool.black]\nline-length = 100\n',
      'a.py': '',
      'ruffed/ruff.toml': 'line-length = 120\n',
      'ruffed/b.py': '',
      'both/pyproject.toml': '[tool.ruff]\nline-length = 99\n[tool.black]\nline-length = 70\n',
      'both/c.py': '',
      'own/pyproject.toml': '[tool.perflens]\nline-length = 60\n[tool.ruff]\nline-length = 99\n',
      'own/d.py': '',
    });
    const resolver = new ConfigResolver();
    assert.equal(resolver.optionsFor(path.join(dir, 'a.py')).lineLength, 100);
    assert.equal(resolver.optionsFor(path.join(dir, 'ruffed', 'b.py')).lineLength, 120);
    assert.equal(resolver.optionsFor(path.join(dir, 'both', 'c.py')).lineLength, 99);
    assert.equal(resolver.optionsFor(path.join(dir, 'own', 'd.py')).lineLength, 60);
    assert.equal(resolver.optionsFor(path.join(dir, 'a.py'), false).lineLength, undefined);
    const broken = project({ 'pyproject.toml': '[tool.perflens]\nline-length = 0\n', 'e.py': '' });
    assert.throws(
      () => new ConfigResolver().optionsFor(path.join(broken, 'e.py')),
      /`line-length` must be a whole number of characters from 1 to 320 \(got 0\)/,
    );
  });

  it('the CLI wraps at 88 by default and honours a project that sets 120, and --line-length', () => {
    const source = LONG_LOOP.join('\n') + '\n';
    const plain = project({ 'm.py': source });
    run(['check', '--fix', 'm.py'], plain);
    assert.ok(longest(readFileSync(path.join(plain, 'm.py'), 'utf8')) <= 88);
    const wide = project({ 'pyproject.toml': '[tool.ruff]\nline-length = 120\n', 'm.py': source });
    run(['check', '--fix', 'm.py'], wide);
    const wideText = readFileSync(path.join(wide, 'm.py'), 'utf8');
    assert.ok(longest(wideText) > 88 && longest(wideText) <= 120, wideText);
    const flag = project({ 'pyproject.toml': '[tool.ruff]\nline-length = 120\n', 'm.py': source });
    run(['check', '--fix', '--line-length', '88', 'm.py'], flag);
    assert.ok(longest(readFileSync(path.join(flag, 'm.py'), 'utf8')) <= 88);
    const bad = run(['check', '--line-length', 'wide', 'm.py'], flag);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /line-length.*whole number/);
  });
});
