import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { callArguments, keywordArgument, positionalArguments, stringLiteralValue } from '../../server/analysis';
import { replaceNode } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

export default defineRule({
  id: 'pandas-csv-intermediate',
  title: 'CSV used for intermediate storage (written and read back)',
  category: 'pandas',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'pandas-large-data',
  requires: ['pandas'],
  message: 'This CSV is written and read back by the same code; Parquet or Feather is faster and keeps the dtypes',
  docs: {
    why:
      'CSV is text: writing formats every value, reading parses it back and re-infers types, so dates come back as ' +
      'strings, categoricals as objects and floats may lose digits. For files the program itself writes and later ' +
      'reads, a binary columnar format round-trips the frame exactly and is typically several times faster and smaller.',
    instead: 'Use `df.to_parquet(path)` / `pd.read_parquet(path)` (needs pyarrow or fastparquet) or Feather (`to_feather` / `read_feather`).',
    example: {
      before: 'feats.to_csv("cache/features.csv", index=False)\n...\nfeats = pd.read_csv("cache/features.csv")',
      after: 'feats.to_parquet("cache/features.parquet", index=False)\n...\nfeats = pd.read_parquet("cache/features.parquet")',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Store it as Parquet',
    reason:
      'Parquet needs pyarrow or fastparquet installed, changes the file on disk, and round-trips dtypes that CSV turned ' +
      'into strings or re-inferred, so the frame read back can differ',
  },
  query: `
(call
  function: (attribute attribute: (identifier) @method)
  arguments: (argument_list (string))
  (#eq? @method "to_csv")) @write`,
  check(m, ctx) {
    const pathNode = positionalArguments(m.need('write'))[0];
    if (pathNode?.type !== 'string') return;
    const path = stringLiteralValue(pathNode);
    if (!path) return;
    const write = m.need('write');
    const reads = readsOf(ctx.text, ctx.facts, pathNode.text, write);
    if (reads.length === 0) return;
    const line = ctx.text.slice(0, reads[0].startIndex).split('\n').length;
    ctx.report({
      node: write,
      message: `"${path}" is written here and read back with \`read_csv\` (line ${line}); use Parquet or Feather for intermediate data`,
      edits: parquetFix(write, pathNode, path, reads) ?? undefined,
    });
  },
});

/** `pd.read_csv(<same literal>)` calls in the file (a text search, then a check of each hit). */
function readsOf(text: string, facts: Parameters<Parameters<typeof defineRule>[0]['check']>[1]['facts'], literal: string, write: Node): Node[] {
  const out: Node[] = [];
  for (let at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length)) {
    if (at >= write.startIndex && at < write.endIndex) continue;
    const node = facts.root.descendantForIndex(at, at + literal.length);
    const str = node?.type === 'string' ? node : node?.parent?.type === 'string' ? node.parent : null;
    const call = str?.parent?.parent;
    if (!str || str.parent?.type !== 'argument_list' || call?.type !== 'call') continue;
    if (facts.calleeName(call) !== 'pandas.read_csv') continue;
    if (!positionalArguments(call)[0]?.equals(str)) continue;
    out.push(call);
  }
  return out;
}

/** Both sites switch to Parquet when neither passes CSV-specific options and the index is not written. */
function parquetFix(write: Node, pathNode: Node, path: string, reads: Node[]): TextEdit[] | null {
  if (!path.endsWith('.csv')) return null;
  const writeArgs = callArguments(write);
  const index = keywordArgument(write, 'index');
  // to_csv writes the index as a column that read_csv reads back as "Unnamed: 0"; Parquet would restore it.
  if (!index || index.childForFieldName('value')?.text !== 'False' || writeArgs.length !== 2) return null;
  if (reads.some((r) => callArguments(r).length !== 1)) return null;
  const newPath = pathNode.text.replace(/\.csv(['"])$/, '.parquet$1');
  const edits: TextEdit[] = [replaceNode(write.childForFieldName('function')!.childForFieldName('attribute')!, 'to_parquet'), replaceNode(pathNode, newPath)];
  for (const r of reads) {
    const fn = r.childForFieldName('function')!;
    const name = fn.type === 'attribute' ? fn.childForFieldName('attribute')! : null;
    if (!name || name.text !== 'read_csv') return null;
    edits.push(replaceNode(name, 'read_parquet'), replaceNode(positionalArguments(r)[0], newPath));
  }
  return edits;
}
