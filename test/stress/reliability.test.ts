// No crash, no hang, right positions: the engine and the CLI on real, mutated and hostile input.
// Fast slices of the long runs in `npm run stress` (test/stress/stress.ts).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyFixes } from '../../server/fixes/apply';
import { deepIndentByExpression, deepIndentByLines, Engine, IndentTooDeep, indentTooDeep, ParseTimeout } from '../../server/engine/engine';
import { decodeSource } from '../../server/project/sourceFile';
import { applyEdits, editsOverlap } from '../../server/syntax/text';
import type { Finding } from '../../common/types';
import { ALL_RULES } from '../../rules';
import { DIST, getEngine } from '../helpers/engine';
import { fixtureSources, hostileInputs, mutate, rng, stdlibFiles } from './corpus';

const ALL = { select: ['ALL'] };

/** Lints and checks the invariants every result must keep. */
export function lintChecked(engine: Engine, text: string, label: string, allowSlow = false): ReturnType<Engine['lintText']> {
  const r = engine.lintText(text, ALL);
  // A rule stopped by the engine's time budget is the engine doing its job (no hang); it is logged
  // so that the rule gets fixed. A rule that threw is a bug.
  const slow = r.failures.filter((f) => /checks took longer than/.test(f.error));
  if (allowSlow) for (const f of slow) console.log(`      (slow rule stopped on ${label}: ${f.ruleId})`);
  const failures = allowSlow ? r.failures.filter((f) => !slow.includes(f)) : r.failures;
  assert.deepEqual(
    failures.map((f) => `${f.ruleId}: ${f.error.split('\n')[0]}`),
    [],
    `a rule failed on ${label}`,
  );
  for (const f of r.findings) {
    assert.ok(f.start >= 0 && f.end >= f.start && f.end <= text.length, `${label}: ${f.ruleId} range ${f.start}-${f.end} outside the text`);
    for (const e of f.fix?.edits ?? []) assert.ok(e.start >= 0 && e.end >= e.start && e.end <= text.length, `${label}: ${f.ruleId} fix edit outside the text`);
    assert.ok(!editsOverlap(f.fix?.edits ?? [], []), 'edits');
  }
  return r;
}

describe('reliability: real, mutated and hostile input', function () {
  this.timeout(120_000);

  it('lints a slice of the standard library without a crash or a rule failure', async () => {
    const engine = await getEngine();
    const files = stdlibFiles().filter((_, i) => i % 60 === 0);
    for (const file of files) {
      let text: string;
      try {
        text = decodeSource(readFileSync(file)).text;
      } catch {
        continue;
      }
      lintChecked(engine, text, file);
    }
  });

  it('survives seeded random mutations of the rule fixtures (deleted, duplicated, swapped lines, truncation, junk)', async () => {
    const engine = await getEngine();
    const next = rng(2024);
    const sources = fixtureSources();
    for (let i = 0; i < 80; i++) {
      const source = sources[Math.floor(next() * sources.length)];
      const text = mutate(source.text, 1 + Math.floor(next() * 6), next);
      lintChecked(engine, text, `${source.name} mutation ${i}`);
    }
  });

  for (const input of hostileInputs()) {
    it(`hostile input: ${input.name}`, async () => {
      const engine = await getEngine();
      const started = performance.now();
      lintChecked(engine, input.text, input.name, true);
      assert.ok(performance.now() - started < 30_000, `${input.name} took ${Math.round(performance.now() - started)} ms`);
    });
  }

  it('reports positions in UTF-16 code units whatever the line endings and characters before them', async () => {
    const engine = await getEngine();
    for (const input of hostileInputs().filter((h) => /BOM|CRLF|lone CR|tabs|wide|surrogates|NUL/.test(h.name))) {
      const r = lintChecked(engine, input.text, input.name);
      const sleep = r.findings.find((f) => f.ruleId === 'async-time-sleep');
      assert.ok(sleep, `${input.name}: time.sleep found`);
      assert.equal(input.text.slice(sleep.start, sleep.end), 'time.sleep(1)', input.name);
      const pos = r.lines.positionAt(sleep.start);
      const lineText = r.lines.lineText(pos.line);
      assert.equal(lineText.slice(pos.character, pos.character + 10), 'time.sleep', `${input.name}: LSP position`);
    }
  });

  it('refuses a text indented 400 columns deep (the grammar would corrupt the parser), says so, and parses normally afterwards', async () => {
    // 600 nested blocks, then strings at the deepest level: tree-sitter-python's scanner overflowed its
    // state buffer there, and this parse and every later one failed with "memory access out of bounds".
    let deep = '';
    for (let i = 0; i < 600; i++) deep += `${' '.repeat(i)}if x:\n`;
    deep += `${' '.repeat(600)}s = "abc {y} def"\n${' '.repeat(600)}t = f'a{b}c'\n`;
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      assert.throws(() => engine.parse(deep), IndentTooDeep);
      assert.match(engine.lintText(deep).skipped ?? '', /indented by 400 columns or more/);
      const ok = engine.lintText('import time\nasync def f():\n    time.sleep(1)\n');
      assert.deepEqual(
        ok.findings.map((f) => f.ruleId),
        ['async-time-sleep'],
      );
    } finally {
      engine.dispose();
    }
    // Counted as the scanner counts: a tab is 8 columns, a form feed starts again, any line break counts.
    assert.equal(indentTooDeep(`x\n${' '.repeat(399)}y\n`), false);
    assert.equal(indentTooDeep(`x\r${' '.repeat(400)}y`), true);
    assert.equal(indentTooDeep(`${'\t'.repeat(50)}y`), true);
    assert.equal(indentTooDeep(`x\n${' '.repeat(300)}\f${' '.repeat(300)}y`), false);
    assert.equal(indentTooDeep(`x = "${' '.repeat(1000)}"\n`), false);
  });

  it('counts indentation across backslash continuations, as the scanner does (no run of 50 blanks, still 600 columns deep)', async () => {
    // The scanner goes on counting after a backslash at the end of a line (tree-sitter-python#350): the
    // same 600 nested blocks, each line's indentation cut into pieces of 10 blanks joined by "\\\n".
    const indent = (n: number, eol: string) => (' '.repeat(10) + '\\' + eol).repeat(Math.floor(n / 10)) + ' '.repeat(n % 10);
    for (const eol of ['\n', '\r\n']) {
      let deep = '';
      for (let i = 0; i < 600; i++) deep += `${indent(i, eol)}if x:${eol}`;
      deep += `${indent(600, eol)}s = "abc {y} def"${eol}${indent(600, eol)}t = f'a{b}c'${eol}`;
      assert.ok(!/[ \t]{50}/.test(deep));
      const engine = await Engine.create(ALL_RULES, DIST);
      try {
        assert.throws(() => engine.parse(deep), IndentTooDeep);
        assert.match(engine.lintText(deep).skipped ?? '', /indented by 400 columns or more/);
        const ok = engine.lintText('import time\nasync def f():\n    time.sleep(1)\n');
        assert.deepEqual(
          ok.findings.map((f) => f.ruleId),
          ['async-time-sleep'],
        );
      } finally {
        engine.dispose();
      }
    }
    assert.equal(indentTooDeep(`x\n${indent(399, '\n')}y\n`), false);
    assert.equal(indentTooDeep(`x\n${indent(400, '\n')}y\n`), true);
    // A NUL is a blank to the lexer (textForLexer); a line break without a backslash starts the count again.
    assert.equal(indentTooDeep(`x\n${'\0'.repeat(400)}y`), true);
    assert.equal(indentTooDeep(`x\n${' '.repeat(300)}\n${' '.repeat(300)}y`), false);
  });

  it('reads a text broken by \\n alone line by line with the same answer as the regular expression (random texts)', () => {
    let seed = 29;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [' ', '\t', '\0', '\\\n', 'x', '\n', '  ', '\t\t\t\t'];
    let deep = 0;
    for (let run = 0; run < 400; run++) {
      let text = '';
      for (let line = next(6); line >= 0; line--) {
        const blanks = next(3) === 0 ? 380 + next(60) : next(40);
        for (let i = 0; i < blanks; i++) text += pieces[next(next(5) === 0 ? pieces.length : 4)];
        text += 'y = 1\n';
      }
      const expected = deepIndentByExpression(text);
      assert.equal(deepIndentByLines(text), expected, JSON.stringify(text));
      assert.equal(indentTooDeep(text), expected);
      if (expected) deep++;
    }
    assert.ok(deep > 40 && deep < 360, `${deep} of 400 random texts were too deep: the sample must hold both answers`);
  });

  it('after one edit of a text that passed, looks only around the edit, with the answer of a check of the whole text (random edits)', () => {
    let seed = 31;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [' ', '\t', '\0', '\\\n', 'x', '\n', '  ', '\t\t\t\t', ' '.repeat(40), '\\\n'.repeat(3)];
    const piecesOf = (n: number) => Array.from({ length: n }, () => pieces[next(pieces.length)]).join('');
    let checked = 0;
    let deep = 0;
    for (let run = 0; run < 3000 && checked < 600; run++) {
      let text = '';
      for (let line = next(8); line >= 0; line--) text += ' '.repeat(next(3) === 0 ? 300 + next(99) : next(40)) + piecesOf(next(4)) + 'y = 1\n';
      if (deepIndentByLines(text)) continue; // the window is looked at only after a text that passed
      const start = next(text.length + 1);
      const end = Math.min(text.length, start + next(3) * next(20));
      const inserted = next(2) === 0 ? ' '.repeat(next(150)) + piecesOf(next(3)) : piecesOf(next(12));
      const edited = text.slice(0, start) + inserted + text.slice(end);
      const whole = deepIndentByLines(edited);
      assert.equal(indentTooDeep(edited, { start, end: start + inserted.length }), whole, JSON.stringify({ text, start, end, inserted }));
      checked++;
      if (whole) deep++;
    }
    assert.ok(checked === 600 && deep > 60 && deep < 540, `${deep} of ${checked} edited texts were too deep: the sample must hold both answers`);
    // The cases a window drawn too narrow misses: blanks counted from a continued line above the edit, and a line
    // break typed before blanks that were not leading (the line they now start begins where the edit ends).
    const continued = `${' '.repeat(300)}\\\n${' '.repeat(50)}y = 1\n`;
    const at = continued.indexOf('y') - 50;
    const spaced = continued.slice(0, at) + ' '.repeat(60) + continued.slice(at);
    assert.equal(indentTooDeep(spaced, { start: at, end: at + 60 }), true);
    const broken = `z\n${' '.repeat(450)}y = 1\n`;
    assert.equal(indentTooDeep(broken, { start: 1, end: 2 }), true);
    assert.equal(indentTooDeep(`z${' '.repeat(450)}y = 1\n`, { start: 1, end: 2 }), false);
  });

  it('stops a parse that runs over its time budget, says so, and parses normally afterwards', async () => {
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      engine.parseTimeoutMs = 1;
      const huge = 'x = [' + '(1, "a"), '.repeat(400_000) + ']\n';
      assert.throws(() => engine.parse(huge), ParseTimeout);
      const r = engine.lintText(huge, { maxFileSize: 10_000_000 });
      assert.match(r.skipped ?? '', /parsing took longer than 1 ms/);
      engine.parseTimeoutMs = 10_000;
      const ok = engine.lintText('import time\nasync def f():\n    time.sleep(1)\n');
      assert.deepEqual(
        ok.findings.map((f) => f.ruleId),
        ['async-time-sleep'],
      );
      assert.equal(ok.hasSyntaxErrors, false);
    } finally {
      engine.dispose();
    }
  });
});

describe('reliability: fixes', function () {
  this.timeout(120_000);

  /** Every fixable finding of the fixtures and of mutated fixtures. */
  async function cases(): Promise<{ label: string; text: string; findings: Finding[]; broken: boolean }[]> {
    const engine = await getEngine();
    const next = rng(99);
    const out = [];
    for (const s of fixtureSources()) {
      for (const [label, text] of [
        [s.name, s.text],
        [`${s.name} (mutated)`, mutate(s.text, 2, next)],
      ] as const) {
        const r = engine.lintText(text, ALL);
        out.push({ label, text, findings: r.findings.filter((f) => f.fix && f.fix.safety !== 'display-only'), broken: r.hasSyntaxErrors });
      }
    }
    return out;
  }

  it('a fix applied is not offered again, and a fix never breaks a file that parsed', async () => {
    const engine = await getEngine();
    const problems: string[] = [];
    for (const c of await cases()) {
      for (const f of c.findings) {
        const fixed = applyEdits(c.text, f.fix!.edits);
        const again = engine.lintText(fixed, ALL);
        if (!c.broken && again.hasSyntaxErrors) problems.push(`${c.label}: the ${f.ruleId} fix at ${f.start} made the file unparseable`);
        // Where f's edits landed in the fixed text: a finding there with the same fix is a repeat.
        const edits = f.fix!.edits;
        const spanStart = Math.min(...edits.map((e) => e.start));
        const spanEnd = Math.max(...edits.map((e) => e.end)) + edits.reduce((d, e) => d + e.newText.length - (e.end - e.start), 0);
        const repeat = again.findings.find(
          (g) =>
            g.ruleId === f.ruleId &&
            g.fix &&
            g.start <= spanEnd &&
            spanStart <= g.end &&
            JSON.stringify(g.fix.edits.map((e) => e.newText)) === JSON.stringify(edits.map((e) => e.newText)),
        );
        if (repeat && applyEdits(fixed, repeat.fix!.edits) !== fixed)
          problems.push(`${c.label}: the ${f.ruleId} fix at ${f.start} is offered again after it was applied`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('fix-all never applies overlapping fixes, and converges', async () => {
    const engine = await getEngine();
    for (const c of await cases()) {
      let text = c.text;
      for (let round = 0; round < 12; round++) {
        const r = engine.lintText(text, ALL);
        const { text: next, applied } = applyFixes(text, r.findings, { unsafe: true });
        const edits = applied.flatMap((f) => f.fix!.edits);
        for (let i = 0; i < applied.length; i++) {
          for (let j = i + 1; j < applied.length; j++) {
            const a = applied[i].fix!.edits.filter(
              (e) => !applied[j].fix!.edits.some((x) => x.start === e.start && x.end === e.end && x.newText === e.newText),
            );
            assert.ok(!editsOverlap(a, applied[j].fix!.edits), `${c.label}: overlapping fixes ${applied[i].ruleId} and ${applied[j].ruleId}`);
          }
        }
        if (applied.length === 0 || edits.length === 0) break;
        assert.ok(round < 11, `${c.label}: fix-all did not converge`);
        text = next;
      }
    }
  });

  it('perflens check --fix never changes a file it could not fully parse (fuzzed inputs)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-fixfuzz-'));
    const next = rng(5);
    const files: { file: string; text: string }[] = [];
    const sources = fixtureSources().filter((s) => s.name.endsWith('/fix.py'));
    for (let i = 0; i < 40; i++) {
      const s = sources[i % sources.length];
      // Keep the fixable code, break the file elsewhere (an unbalanced bracket or quote at the end).
      const text = mutate(s.text, 1, next) + ['\n(\n', '\nx = "\n', '\ndef f(:\n', '\n]\n'][i % 4];
      const file = path.join(dir, `case${i}.py`);
      writeFileSync(file, text);
      files.push({ file, text });
    }
    const r = spawnSync(
      process.execPath,
      [path.join(DIST, 'cli.js'), 'check', dir, '--fix', '--unsafe-fixes', '--no-config', '--exit-zero', '--select', 'ALL'],
      { encoding: 'utf8' },
    );
    assert.ok(r.status === 0 || r.status === 2, r.stderr);
    for (const f of files) assert.equal(readFileSync(f.file, 'utf8'), f.text, `${path.basename(f.file)} was changed although it does not parse`);
  });
});
