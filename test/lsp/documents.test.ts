// An open document over max-file-size (server/lsp/documents.ts): perflens says it skipped it without
// ever parsing it, on open or after edits, and keeps no tree for it (issue 23, item 1).
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../../server/engine/engine';
import { ParsedDocument } from '../../server/lsp/documents';
import { getEngine } from '../helpers/engine';

const LIMIT = { maxFileSize: 2000 };
const SMALL = 'import time\nasync def f():\n    time.sleep(1)\n';
const BIG = SMALL + '# padding\n'.repeat(300);

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
    assert.deepEqual(doc.lint(LIMIT).findings.map((f) => f.ruleId), ['async-time-sleep']);
    assert.equal(doc.hasTree, true);
    doc.update([{ text: BIG }], 2);
    assert.ok(doc.lint(LIMIT).skipped);
    assert.equal(doc.hasTree, false, 'the tree of the earlier, smaller text was kept');
    doc.update([{ text: SMALL }], 3);
    assert.deepEqual(doc.lint(LIMIT).findings.map((f) => f.ruleId), ['async-time-sleep']);
    doc.dispose();
  });
});
