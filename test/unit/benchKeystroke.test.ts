// keymin's keystroke (bench/lsp.ts typeAndParseParts): the re-parse it times must be the span the server's status
// reports as parseMs (getTree), with the text update (done when the edit arrives, outside the server's timing) apart.
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lowestShare, typeAndParse, typeAndParseParts } from '../../bench/lsp';
import { ParsedDocument } from '../../server/lsp/documents';
import { getEngine } from '../helpers/engine';

const TEXT = 'def f(values):\n    total = 0\n    for v in values:\n        total += v\n    return total\n';

describe('bench keystroke (keymin)', () => {
  it('times the text update apart from the re-parse, and leaves the tree parsed', async () => {
    const engine = await getEngine();
    const doc = new ParsedDocument(TextDocument.create('file:///bench/k.py', 'python', 1, TEXT), engine);
    doc.getTree();
    const at = TEXT.indexOf('total');
    const parts = typeAndParseParts(doc, at + 2, true, 2);
    assert.equal(doc.getText(), TEXT.slice(0, at + 2) + 'q' + TEXT.slice(at + 2));
    assert.ok(parts.update >= 0 && parts.parse > 0, JSON.stringify(parts));
    // The parse happened inside the timed part: asking for the tree again does not parse.
    const tree = doc.getTree();
    assert.equal(doc.getTree(), tree);
    assert.equal(tree.rootNode.descendantForIndex(at + 2)?.text, 'toqtal');
    // typeAndParse (latency-profile.js, gcpauses.js) still times both, as before.
    assert.ok(typeAndParse(doc, at + 2, false, 3) > 0);
    assert.equal(doc.getText(), TEXT);
    doc.dispose();
  });

  it("takes each edit's lowest rules and re-parse time over the runs before the p95s", () => {
    // Twenty edits: rules 1 ms and re-parse 1 ms each, but each run has a stall on other edits (a busy machine).
    const run = (stalled: number[]) => ({
      serverRulesEach: Array.from({ length: 20 }, (_, k) => (stalled.includes(k) ? 9 : 1)),
      serverParseEach: Array.from({ length: 20 }, () => 1),
    });
    assert.equal(lowestShare([run([3]), run([7]), run([3, 11])]), 1);
    // A stall in every run is the edit's own cost: it stays (the p95 of 20 is the 20th value).
    assert.equal(lowestShare([run([3]), run([3]), run([3])]), 9);
  });
});
