import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { callArguments, isLiteral, keywordArgument, scopeBody, stringLiteralValue, usedAfter } from '../../server/analysis';
import { appendArgument } from '../../server/fixes';

/** Reader → the keyword that narrows the columns it loads. */
const READERS: Record<string, string> = {
  'pandas.read_csv': 'usecols',
  'pandas.read_table': 'usecols',
  'pandas.read_parquet': 'columns',
  'pandas.read_feather': 'columns',
};
/** Reader keywords that do not interact with the column selection. */
const NEUTRAL_KEYWORDS = new Set([
  'sep',
  'delimiter',
  'encoding',
  'nrows',
  'skiprows',
  'na_values',
  'keep_default_na',
  'compression',
  'engine',
  'low_memory',
  'storage_options',
  'quotechar',
  'thousands',
  'decimal',
  'comment',
  'skipfooter',
  'encoding_errors',
  'on_bad_lines',
  'filesystem',
  'use_threads',
  'memory_map',
]);

export default defineRule({
  id: 'pandas-select-after-read',
  title: 'A full CSV or Parquet file is read, then immediately narrowed to a few columns',
  category: 'pandas',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-large-data',
  requires: ['pandas'],
  message: 'Every column is parsed and then most are dropped; pass the columns to the reader (`usecols=` / `columns=`)',
  docs: {
    why:
      'Reading the whole file parses, converts and holds every column in memory, only for the next line to keep a ' +
      'few of them. Readers can skip unwanted columns while reading: the CSV parser never converts them, and ' +
      'Parquet (a columnar format) never even reads them from disk.',
    instead:
      'Pass the selection to the reader: `pd.read_csv(path, usecols=["user", "amount"])`, ' +
      '`pd.read_parquet(path, columns=["user", "amount"])`. `usecols` keeps the file\'s column order, so keep the ' +
      'selection line if the order matters.',
    example: {
      before: 'df = pd.read_csv("big.csv")\ndf = df[["user", "amount"]]',
      after: 'df = pd.read_csv("big.csv", usecols=["user", "amount"])\ndf = df[["user", "amount"]]',
    },
  },
  fix: { safety: 'safe', title: 'Pass the columns to the reader' },
  query: `
(block
  (expression_statement (assignment left: (identifier) @frame right: (call) @read)) @first
  .
  (comment)*
  .
  (expression_statement (assignment left: (identifier) @narrowed right: (subscript value: (identifier) @source subscript: (list) @cols))) @second)

(module
  (expression_statement (assignment left: (identifier) @frame right: (call) @read)) @first
  .
  (comment)*
  .
  (expression_statement (assignment left: (identifier) @narrowed right: (subscript value: (identifier) @source subscript: (list) @cols))) @second)`,
  check(m, ctx) {
    const frame = m.need('frame').text;
    if (m.need('source').text !== frame) return;
    const read = m.need('read');
    const q = ctx.facts.calleeName(read);
    const keyword = q ? READERS[q] : undefined;
    if (!q || !keyword) return;
    const cols = m.need('cols');
    const names = cols.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (names.length === 0 || !isLiteral(cols) || names.some((n) => stringLiteralValue(n) === null)) return;
    // Anything that also names or positions columns (index_col, names, dtype, parse_dates, usecols...) may conflict.
    const args = callArguments(read);
    if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return;
    const keywords = args.filter((a) => a.type === 'keyword_argument');
    if (args.length - keywords.length !== 1) return;
    if (keywords.some((k) => !NEUTRAL_KEYWORDS.has(k.childForFieldName('name')?.text ?? ''))) return;
    if (keywordArgument(read, keyword)) return;
    // With a new name, the full frame must not be needed afterwards.
    const narrowed = m.need('narrowed').text;
    const second = m.need('second');
    if (narrowed !== frame && usedAfter(scopeBody(second), frame, second.endIndex, second)) return;
    const edit = appendArgument(ctx.text, read, `${keyword}=${cols.text}`);
    // A CSV read over the network (`pd.read_csv(r.url)`, `"https://..."`): the download is the cost, and `usecols` does
    // not shorten it (electricitymaps' ONS capacity parser, judged noise in review48, A028). Parquet's `columns=` can skip
    // column chunks even remotely, so only the CSV readers.
    const remote = keyword === 'usecols' ? remoteSource(args[0]) : null;
    ctx.report({
      ...(remote ? { lowImpact: `the file is read over the network (\`${remote}\`): the download costs more than parsing the unused columns` } : {}),
      node: read,
      message: `\`${frame}\` is read in full and then narrowed to ${names.length} column${names.length === 1 ? '' : 's'}; pass \`${keyword}=${cols.text.length <= 50 ? cols.text : '[...]'}\` to the reader`,
      edits: edit ? [edit] : undefined,
    });
  },
});

/** `r.url`, `url`, `DATA_URL`, `"https://..."`, `f"https://..."`: a reader's source that is a URL (shortened), else null. */
function remoteSource(source: Node | undefined): string | null {
  if (!source) return null;
  const shown = source.text.length <= 40 ? source.text : 'url';
  if (source.type === 'string') return /^[a-z]*["']{1,3}(https?|ftp|s3|gs):\/\//i.test(source.text) ? shown : null;
  const name = source.type === 'attribute' ? source.childForFieldName('attribute')?.text : source.type === 'identifier' ? source.text : null;
  return name && /(^|_)urls?$/i.test(name) ? shown : null;
}
