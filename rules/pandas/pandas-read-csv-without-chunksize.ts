import { defineRule } from '../../server/engine/rule';
import * as path from 'node:path';
import { callArguments, keywordArgument, stringLiteralValue, type FileProbe } from '../../server/analysis';

/** A file known to be smaller than this is not worth streaming. */
const SMALL_FILE_BYTES = 256 * 2 ** 20;

/** Keywords showing the size is already managed: streamed, truncated or narrowed. */
const MANAGED = ['chunksize', 'iterator', 'nrows', 'usecols'];

export default defineRule({
  id: 'pandas-read-csv-without-chunksize',
  title: 'A potentially huge CSV is read in one go',
  category: 'pandas',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'pandas-large-data',
  requires: ['pandas'],
  message: '`read_csv` loads the whole file into memory; for very large files stream it with `chunksize=` or store it as Parquet',
  docs: {
    why:
      "`pd.read_csv` parses the entire file into one DataFrame, which typically needs several times the file's size " +
      'in memory while parsing. For files near or beyond the available RAM this swaps or fails, even when the ' +
      'computation only needs a running aggregate. (Opt-in: the rule stays silent when a literal path names a ' +
      'local file smaller than 256 MiB, and otherwise cannot know the size.)',
    instead:
      'Stream it: `for chunk in pd.read_csv(path, chunksize=100_000): ...` with incremental aggregation; read only ' +
      'the needed columns (`usecols=`) and compact dtypes; or convert the data once to Parquet, or use Dask or ' +
      'Polars for out-of-core work.',
    example: {
      before: 'df = pd.read_csv("events_2024_full.csv")\ntotal = df["amount"].sum()',
      after: 'total = 0.0\nfor chunk in pd.read_csv("events_2024_full.csv", usecols=["amount"], chunksize=100_000):\n    total += chunk["amount"].sum()',
    },
  },
  query: `
(call
  function: (attribute attribute: (identifier) @name)
  arguments: (argument_list)
  (#any-of? @name "read_csv" "read_table")) @call

(call function: (identifier) @name arguments: (argument_list)) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const q = ctx.facts.calleeName(call);
    if (q !== 'pandas.read_csv' && q !== 'pandas.read_table') return;
    const args = callArguments(call);
    if (args.length === 0 || args.some((a) => a.type === 'dictionary_splat')) return;
    if (MANAGED.some((k) => keywordArgument(call, k))) return;
    // In-memory buffers (`io.StringIO(...)`) are small by construction.
    const source = args[0];
    if (source.type === 'call' && /StringIO|BytesIO/.test(source.childForFieldName('function')?.text ?? '')) return;
    // A literal path that exists next to the file (or the working directory) can be measured.
    const size = fileSize(stringLiteralValue(source), ctx.filePath, ctx.files);
    if (size !== null && size < SMALL_FILE_BYTES) return;
    const fn = q.slice('pandas.'.length);
    ctx.report({
      node: call,
      message:
        size !== null
          ? `\`${fn}\` loads this ${(size / 2 ** 30).toFixed(1)} GiB file into memory at once; stream it with \`chunksize=\` (or read only \`usecols=\`)`
          : `\`${fn}\` loads the whole file at once; if it can be larger than memory, stream it with \`chunksize=\` (or read only \`usecols=\`)`,
    });
  },
});

/** Size in bytes of a literal local path, resolved against the linted file's folder and the working directory. */
function fileSize(literal: string | null, filePath: string | undefined, files: FileProbe): number | null {
  if (!literal || /^[a-z][a-z0-9+.-]*:\/\//i.test(literal)) return null;
  try {
    const candidates = path.isAbsolute(literal) ? [literal] : [...(filePath ? [path.resolve(path.dirname(filePath), literal)] : []), path.resolve(literal)];
    for (const candidate of candidates) {
      const size = files.fileSize(candidate);
      if (size !== null) return size;
    }
  } catch {
    // No working directory to resolve against (browser build): unknown.
  }
  return null;
}
