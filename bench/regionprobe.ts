import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import { ParsedDocument } from '../server/lsp/documents';
import { concatenated } from './corpus';
import { editPoints } from './lsp';
async function main() {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  const text = concatenated(Number(process.argv[2] ?? 12000));
  const doc = new ParsedDocument(TextDocument.create('file:///x.py', 'python', 1, text), engine);
  const opts = JSON.parse(process.argv[3] ?? '{}');
  doc.lint(opts);
  let v = 1;
  const rows: [number, number, number, string][] = [];
  for (const at of editPoints(text, 100))
    for (const insert of [true, false]) {
      const td = doc.document;
      const s = td.positionAt(at);
      const e = insert ? s : td.positionAt(at + 1);
      doc.update([{ range: { start: s, end: e }, text: insert ? 'q' : '' }], ++v);
      doc.getTree();
      const full0 = doc.lintStats.full;
      const t0 = performance.now();
      doc.lint(opts);
      const ms = performance.now() - t0;
      const size = doc.lintStats.lastRanges.reduce((n, r) => n + r.end - r.start, 0);
      rows.push([
        ms,
        doc.lintStats.full > full0 ? -1 : size,
        doc.lintStats.lastRanges.length,
        doc
          .getText()
          .slice(at - 20, at + 10)
          .replace(/\s+/g, ' '),
      ]);
    }
  rows.sort((a, b) => b[0] - a[0]);
  for (const r of rows.slice(0, 25)) console.log(r[0].toFixed(2), 'ms region', r[1], 'chars in', r[2], 'ranges |', r[3]);
  const med = rows[Math.floor(rows.length / 2)];
  console.log('median', med[0].toFixed(2), med[1], med[2]);
}
void main();
