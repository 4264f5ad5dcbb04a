// An open document over max-file-size (server/lsp/documents.ts): perflens says it skipped it without
// ever parsing it, on open or after edits, and keeps no tree for it (issue 23, item 1).
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../../rules';
import { Engine } from '../../server/engine/engine';
import { DEEP_NESTING, ParsedDocument, updateClamped, VERIFY_AFTER_MS } from '../../server/lsp/documents';
import { LARGE_DOCUMENT_CHARS, TIMED_LINT_MIN_CHARS, type OffThreadLinter, type RemoteLint } from '../../server/lsp/offThread';
import { DIST, getEngine } from '../helpers/engine';
import { unhandledRejectionsDuring } from '../helpers/rejections';

const LIMIT = { maxFileSize: 2000 };
const SMALL = 'import time\nasync def f():\n    time.sleep(1)\n';
const BIG = SMALL + '# padding\n'.repeat(300);

/**
 * A stand-in for the lint worker: each lint answers `answer(n)` for the n-th lint (counted in `lints`), and
 * `correct` is the idle-time correction callback the document handed it.
 */
function standInWorker(answer: (n: number) => Record<string, unknown> = () => ({})) {
  const state = { lints: 0, correct: undefined as (() => void) | undefined };
  const worker: OffThreadLinter = {
    available: true,
    open: (_text, _version, _languageId, _uri, onCorrected) => {
      state.correct = onCorrected;
      return {
        change: () => undefined,
        lint: () => Promise.resolve({ findings: [], failures: [], parseMs: 0, ...answer(++state.lints) } as unknown as RemoteLint),
        construct: () => Promise.resolve(null),
        dependencyChanged: () => undefined,
        close: () => undefined,
      };
    },
  };
  return { worker, state };
}

/** Counts the engine's parses while `run` runs. */
async function countParses(engine: Engine, run: () => void): Promise<number> {
  const parse = engine.parse;
  let parses = 0;
  engine.parse = (text, old) => {
    parses++;
    return parse.call(engine, text, old);
  };
  try {
    run();
  } finally {
    engine.parse = parse;
  }
  return parses;
}

describe('open documents over max-file-size', () => {
  it('are skipped without a parse, on open and after edits, and keep no tree', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///big.py', 'python', 1, BIG), engine);
    let details = doc.lint(LIMIT);
    assert.ok(details.skipped);
    const end = { line: 3, character: 0 };
    const parses = await countParses(engine, () => {
      details = doc.lint(LIMIT);
      for (let v = 2; v < 6; v++) {
        doc.update([{ range: { start: end, end }, text: 'x' }], v);
        details = doc.lint(LIMIT);
      }
    });
    assert.equal(parses, 0, 'a skipped document was parsed');
    assert.match(details.skipped ?? '', /more than the limit of 2000/);
    assert.equal(doc.hasTree, false);
    doc.dispose();
  });

  it('are linted again when they shrink under the limit, and drop their tree when they grow over it', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///grow.py', 'python', 1, SMALL), engine);
    assert.deepEqual(
      doc.lint(LIMIT).findings.map((f) => f.ruleId),
      ['async-time-sleep'],
    );
    assert.equal(doc.hasTree, true);
    doc.update([{ text: BIG }], 2);
    assert.ok(doc.lint(LIMIT).skipped);
    assert.equal(doc.hasTree, false, 'the tree of the earlier, smaller text was kept');
    doc.update([{ text: SMALL }], 3);
    assert.deepEqual(
      doc.lint(LIMIT).findings.map((f) => f.ruleId),
      ['async-time-sleep'],
    );
    doc.dispose();
  });
});

describe('open documents whose parse was refused', () => {
  it('parse the next text even when its change reuses the version number (found by the protocol fuzzer)', async () => {
    const engine = await getEngine();
    const deep = Array.from({ length: 450 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('') + `${' '.repeat(450)}pass\n`;
    const doc = new ParsedDocument(TextDocument.create('file:///deep.py', 'python', 3, deep), engine);
    assert.match(doc.lint({}).skipped ?? '', /indented by 400 columns or more/);
    doc.update([{ text: SMALL }], 3);
    const details = doc.lint({});
    assert.equal(details.skipped, undefined);
    assert.deepEqual(
      details.findings.map((f) => f.ruleId),
      ['async-time-sleep'],
    );
    doc.dispose();
  });
});

describe('open documents: the indentation check of a keystroke', () => {
  it('looks around the edit after a parse that passed, and at the whole text after one that was refused', async () => {
    const engine = await getEngine();
    const text = `def f(x):\n    if x:\n        return x\n${' '.repeat(300)}# note\n`;
    const doc = new ParsedDocument(TextDocument.create('file:///indent.py', 'python', 1, text), engine);
    assert.equal(doc.lint({}).skipped, undefined);
    const seen: ({ start: number; end: number } | undefined)[] = [];
    const parse = engine.parse;
    engine.parse = (t, old, edited) => (seen.push(edited), parse.call(engine, t, old, edited));
    try {
      // A comment indented 300 columns passes; 150 more columns typed before it do not.
      const at = text.indexOf('# note');
      doc.update([{ range: { start: doc.document.positionAt(at), end: doc.document.positionAt(at) }, text: ' '.repeat(150) }], 2);
      assert.match(doc.lint({}).skipped ?? '', /indented by 400 columns or more/);
      assert.deepEqual(seen.pop(), { start: at, end: at + 150 });
      // Typed elsewhere after the refusal: the whole text is checked again (the deep line is still there).
      doc.update([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\n' }], 3);
      assert.match(doc.lint({}).skipped ?? '', /indented by 400 columns or more/);
      assert.equal(seen.pop(), undefined);
    } finally {
      engine.parse = parse;
      doc.dispose();
    }
  });
});

describe('open documents: edits with positions out of range (found by the protocol fuzzer)', () => {
  /** Every offset's position in the document equals its position in a fresh document of the same text. */
  function positionsExact(doc: ParsedDocument): void {
    const fresh = TextDocument.create('file:///fresh.py', 'python', 0, doc.getText());
    for (let offset = 0; offset <= doc.getText().length; offset++) {
      assert.deepEqual(doc.document.positionAt(offset), fresh.positionAt(offset), `offset ${offset}`);
    }
  }

  it('clamps ranges past the last line or the end of a line, and reversed ranges, as the text update does', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///range.py', 'python', 1, SMALL), engine);
    doc.lint({});
    doc.update([{ range: { start: { line: 9, character: 300 }, end: { line: 10, character: 312 } }, text: 'x = 1\n' }], 2);
    doc.update([{ range: { start: { line: 1, character: 400 }, end: { line: 0, character: 2 } }, text: '' }], 3);
    doc.update([{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, text: '# a\n' }], 4);
    const fresh = TextDocument.update(TextDocument.create('file:///range.py', 'python', 1, SMALL), [], 1);
    const expected = [
      { range: { start: { line: 9, character: 300 }, end: { line: 10, character: 312 } }, text: 'x = 1\n' },
      { range: { start: { line: 1, character: 400 }, end: { line: 0, character: 2 } }, text: '' },
      { range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, text: '# a\n' },
    ].reduce(
      (text, change) => TextDocument.applyEdits(TextDocument.create('file:///t.py', 'python', 0, text), [{ range: change.range, newText: change.text }]),
      fresh.getText(),
    );
    assert.equal(doc.getText(), expected);
    positionsExact(doc);
    const details = doc.lint({});
    for (const f of details.findings) assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end));
    doc.dispose();
  });

  it("clamps notebook cells' changes the same way (updateClamped)", () => {
    let cell = TextDocument.create('vscode-notebook-cell:/nb.ipynb#C1', 'python', 1, SMALL);
    cell = updateClamped(cell, [{ range: { start: { line: 9, character: 300 }, end: { line: 10, character: 312 } }, text: 'x = 1\n' }], 2);
    cell = updateClamped(cell, [{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, text: '# a\n' }], 3);
    assert.equal(cell.getText(), 'import time\nasync def f():\n    # a\ntime.sleep(1)\nx = 1\n');
    assert.equal(cell.version, 3);
  });
});

describe('open documents with lone \\r line breaks', () => {
  it('re-parse incrementally to the tree a fresh parse gives when an edit joins or splits a \\r\\n', async () => {
    const engine = await getEngine();
    // A comment reads up to its line break: whether "\r" is one depends on the character after it.
    const text = '# note\rx = 1\r';
    const doc = new ParsedDocument(TextDocument.create('file:///mac.py', 'python', 1, text), engine);
    const edits = [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' },
      { range: { start: { line: 0, character: 6 }, end: { line: 1, character: 0 } }, text: '\r' },
    ];
    let version = 1;
    doc.lint({});
    for (const edit of edits) {
      doc.update([edit], ++version);
      doc.lint({});
      const fresh = engine.parse(doc.getText());
      try {
        const shape = (t: typeof fresh) => t.rootNode.namedChildren.map((c) => `${c!.type}@${c!.startIndex}-${c!.endIndex}`).join(' ');
        assert.equal(shape(doc.getTree()), shape(fresh), JSON.stringify(doc.getText()));
      } finally {
        fresh.delete();
      }
    }
    doc.dispose();
  });
});

describe('open documents: idle-time work that fails', () => {
  it('reports the failure to onError (the server logs it), never as an unhandled rejection', async () => {
    const engine = await getEngine();
    const reported: string[] = [];
    const unhandled = await unhandledRejectionsDuring(async () => {
      const doc = new ParsedDocument(TextDocument.create('file:///idle.py', 'python', 1, SMALL), engine);
      doc.backgroundTurn = () => Promise.reject(new Error('no turn'));
      doc.onError = (error) => reported.push((error as Error).message);
      doc.lint({}); // a full lint: the next edit's queries are prepared when idle
      const end = { line: 3, character: 0 };
      doc.update([{ range: { start: end, end }, text: 'x = 1\n' }], 2);
      doc.lint({}); // an incremental lint: checked against a full lint when idle
      await new Promise((r) => setTimeout(r, VERIFY_AFTER_MS + 150));
      doc.dispose();
    });
    assert.deepEqual(unhandled, []);
    assert.deepEqual(reported, ['no turn', 'no turn']);
  });
});

describe('a short document whose lint runs past its time limit on the main thread', () => {
  it('is linted in the worker instead, then and on its next lints (an 87k-character text held every request for 20 s)', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///slow.py', 'python', 1, SMALL), engine);
    const { worker, state } = standInWorker(() => ({ fromWorker: true }));
    doc.offThread = worker;
    // A limit no lint meets: the lint here is stopped at its first query pass, as a slow one would be past it.
    doc.shortTextLintMs = 0;
    const first = await doc.lintSomewhere({});
    assert.equal(state.lints, 1, 'the stopped lint was not done in the worker');
    assert.equal((first as unknown as { fromWorker?: boolean }).fromWorker, true);
    doc.shortTextLintMs = 60_000;
    const end = { line: 3, character: 0 };
    doc.update([{ range: { start: end, end }, text: 'x = 1\n' }], 2);
    await doc.lintSomewhere({});
    assert.equal(state.lints, 2, 'the next lint of the slow text went back to the main thread');
    assert.equal(engine.lintDeadline, undefined);
    doc.dispose();
  });
});

describe("a long document's lint on an engine that has not linted on this thread yet", () => {
  it("gets the short texts' limit, not the long texts': V8 runs the lint's code for the first time (a fresh server moved the 3.5k-line bench module to the worker)", async () => {
    const engine = await Engine.create(ALL_RULES, DIST); // cold: no lint has run on it
    const text = `${SMALL}x = '${'a'.repeat(TIMED_LINT_MIN_CHARS)}'\n`; // long, and cheap to lint
    const longDocument = (uri: string) => {
      const doc = new ParsedDocument(TextDocument.create(uri, 'python', 1, text), engine);
      doc.longTextLintMs = 0; // a limit no lint meets, as a cold lint on a loaded machine missed 1 s
      doc.shortTextLintMs = 60_000;
      return doc;
    };
    const { worker, state } = standInWorker();
    // The document's first lint, then an edit and its next lint under a limit it meets: a lint past its limit is
    // stopped at a rule check and done in the worker, or finished here and the document's next lint goes there.
    const lintTwice = async (doc: ParsedDocument, nextLimitMs: number) => {
      doc.offThread = worker;
      await doc.lintSomewhere({});
      doc.longTextLintMs = nextLimitMs;
      const end = { line: 3, character: 0 };
      doc.update([{ range: { start: end, end }, text: 'x = 1\n' }], 2);
      await doc.lintSomewhere({});
    };
    const first = longDocument('file:///first.py');
    await lintTwice(first, 60_000);
    assert.equal(state.lints, 0, "the engine's first lint sent the document to the worker");
    const second = longDocument('file:///second.py');
    await lintTwice(second, 60_000);
    assert.ok(state.lints > 0, 'a long text past its limit on a warm engine stayed on the main thread');
    first.dispose();
    second.dispose();
    engine.dispose();
  });
});

describe("a document whose idle-time full check runs past the main thread's time limit", () => {
  it('is stopped there, moves to the worker and asks for a re-lint (a 200k-character chain cost seconds per check)', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///slowcheck.py', 'python', 1, SMALL), engine);
    const { worker, state } = standInWorker();
    doc.offThread = worker;
    let corrected = 0;
    doc.onCorrected = () => corrected++;
    doc.onError = (error) => assert.fail(`idle-time work failed: ${(error as Error).message}`);
    await doc.lintSomewhere({}); // a full lint here, well within the limit
    const end = { line: 3, character: 0 };
    doc.update([{ range: { start: end, end }, text: 'x = 1\n' }], 2);
    await doc.lintSomewhere({}); // an incremental lint here: checked in full when idle
    assert.equal(state.lints, 0);
    // The idle check now meets a limit it cannot: a check as slow as the chain's, on a loaded machine.
    doc.shortTextLintMs = 0;
    // The idle timer fires after VERIFY_AFTER_MS; on a loaded machine later, so wait for it (up to 10 s).
    for (const started = Date.now(); corrected === 0 && Date.now() - started < VERIFY_AFTER_MS + 10_000;) await new Promise((r) => setTimeout(r, 50));
    assert.equal(corrected, 1, 'the stopped check did not ask for a re-lint');
    assert.equal(engine.lintDeadline, undefined);
    doc.shortTextLintMs = 60_000;
    await doc.lintSomewhere({});
    assert.equal(state.lints, 1, 'the re-lint after the stopped check was not done in the worker');
    doc.dispose();
  });
});

describe('a document linted in the worker, whose result the idle-time check there corrected', () => {
  it('is linted again in the worker (not given the shared lint of its revision) under a new revision', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///corrected.py', 'python', 1, SMALL), engine);
    const { worker, state } = standInWorker((n) => ({ lint: n }));
    doc.offThread = worker;
    doc.shortTextLintMs = 0; // stopped here at once: linted in the worker from now on
    const lintNumber = async () => ((await doc.lintSomewhere({})) as unknown as { lint: number }).lint;
    assert.equal(await lintNumber(), 1);
    assert.equal(await lintNumber(), 1, 'a second request for the same text shares its lint');
    let heard = 0;
    doc.onCorrected = () => heard++;
    const revision = doc.revision;
    state.correct!();
    assert.equal(heard, 1);
    assert.notEqual(doc.revision, revision, 'a pull result id from before the correction must not match');
    assert.equal(await lintNumber(), 2, 'the corrected result was never asked for');
    doc.dispose();
  });
});

describe("a document's first lint in the worker", () => {
  it('is awaited less by a hover (awaitsFirstWorkerLint) until the worker answered one, and again after the text came back here', async () => {
    const engine = await getEngine();
    const large = SMALL + 'x = 1\n'.repeat(LARGE_DOCUMENT_CHARS / 6);
    const doc = new ParsedDocument(TextDocument.create('file:///large.py', 'python', 1, large), engine);
    const { worker, state } = standInWorker();
    doc.offThread = worker;
    assert.equal(doc.awaitsFirstWorkerLint, true, 'before any lint');
    const first = doc.lintSomewhere({});
    assert.equal(doc.awaitsFirstWorkerLint, true, 'while the first lint runs in the worker');
    await first;
    assert.equal(state.lints, 1);
    assert.equal(doc.awaitsFirstWorkerLint, false, "after it: a keystroke's lint there is quick");
    const end = doc.document.positionAt(large.length);
    doc.update([{ range: { start: end, end }, text: 'y = 2\n' }], 2);
    assert.equal(doc.awaitsFirstWorkerLint, false, 'after an edit');
    // Shrunk under SMALL_AGAIN_CHARS: linted here, then large again: a first lint in the worker again.
    doc.update([{ range: { start: { line: 3, character: 0 }, end: doc.document.positionAt(doc.getText().length) }, text: '' }], 3);
    await doc.lintSomewhere({});
    assert.equal(state.lints, 1, 'the small text was linted here');
    assert.equal(doc.awaitsFirstWorkerLint, false, 'a small text is not linted in the worker');
    doc.update([{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'x = 1\n'.repeat(LARGE_DOCUMENT_CHARS / 6) }], 4);
    assert.equal(doc.awaitsFirstWorkerLint, true, 'large again');
    doc.dispose();
  });
});

describe('an edit inside a deeply nested top-level statement', () => {
  // A long class of ordinary depth (the 12k-line bench file's argparse) stays incremental: a full lint
  // there cost 175-400 ms per keystroke.
  const longClass = 'class A:\n' + Array.from({ length: 700 }, (_, i) => `    def m${i}(self, a):\n        return a + ${i}\n`).join('');
  const cases: { name: string; text: string; at: (text: string) => number; compared: number }[] = [
    {
      name: 'a chain of additions (deep along its left spine), edited at its end',
      text: `x = ${'1 + '.repeat(DEEP_NESTING * 3)}1\n`,
      at: (t) => t.length - 6,
      compared: 0,
    },
    {
      name: 'nested calls (deep along the path to the edit), edited in the middle',
      text: `x = ${'f('.repeat(DEEP_NESTING * 4)}1${')'.repeat(DEEP_NESTING * 4)}\n`,
      at: (t) => t.lastIndexOf('(') + 1,
      compared: 0,
    },
    { name: 'a long class of ordinary depth', text: longClass, at: (t) => t.indexOf('return a + 350'), compared: 1 },
    { name: 'a short statement', text: 'y = 1 + 1\n', at: (t) => t.length - 6, compared: 1 },
  ];
  for (const { name, text: statement, at, compared } of cases) {
    it(`${compared ? 'compares the trees' : 'is linted in full, without comparing the trees'}: ${name}`, async () => {
      const engine = await getEngine();
      const probe = engine.parse('x = 1\n');
      const treeType = Object.getPrototypeOf(probe) as { getChangedRanges: (...args: unknown[]) => unknown };
      probe.delete();
      const compare = treeType.getChangedRanges;
      let comparisons = 0;
      treeType.getChangedRanges = function (this: unknown, ...args: unknown[]) {
        comparisons++;
        return compare.apply(this, args);
      };
      try {
        const text = `${SMALL}\n${statement}`;
        const doc = new ParsedDocument(TextDocument.create('file:///deep.py', 'python', 1, text), engine);
        doc.lint({});
        const position = TextDocument.create('u', 'python', 0, text).positionAt(at(text));
        doc.update([{ range: { start: position, end: position }, text: '2 + ' }], 2);
        const result = doc.lint({});
        assert.equal(comparisons, compared);
        assert.deepEqual(result.failures, []);
        doc.dispose();
      } finally {
        treeType.getChangedRanges = compare;
      }
    });
  }
});
