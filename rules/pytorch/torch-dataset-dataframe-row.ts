import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { classIndex, classOfMethod, datasetClassInfo, enclosingDef, isTestFile, parameterNames, values, wholeAxis } from '../../server/analysis';
import type { FileFacts } from '../../server/analysis';

/** A torch map-style Dataset base, as the file's imports spell it. */
const DATASET_BASE = /^torch\.utils\.data\.(dataset\.)?Dataset$/;
/** A check that its argument is a pandas object: `ispandas(x)` (Auto-PyTorch's helper), `is_dataframe(x)`, `is_pandas(x)`. */
const PANDAS_CHECK = /^_?is_?(pandas|dataframe|pandas_frame)$/i;

export default defineRule({
  id: 'torch-dataset-dataframe-row',
  title: 'Dataset `__getitem__` reads a pandas DataFrame row per sample',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-data-loading#samples-from-arrays-not-frames',
  requires: ['torch'],
  message: '`__getitem__` builds a pandas row (`.iloc[i]`) for every sample; index arrays or lists prepared once in `__init__`',
  docs: {
    why:
      'A DataLoader calls `__getitem__` once per sample, every epoch. `frame.iloc[i]` builds a new Series for the row ' +
      "(and `frame.iloc[[i]]` a one-row DataFrame) through pandas' indexing machinery: tens of microseconds each, " +
      'upcasting mixed columns to one dtype, where indexing a NumPy array or a list costs well under one. On a large ' +
      'dataset that overhead is seconds per epoch per worker, spent before the model sees a batch.',
    instead:
      'Take what `__getitem__` needs out of the frame once in `__init__`: `self.features = frame[cols].to_numpy()` for ' +
      'numbers, `frame["col"].tolist()` or `frame.to_dict("records")` for mixed or text columns, and index those per ' +
      'sample. A row read as attributes (`row.user`) becomes a list or dict lookup; a model that takes a one-row ' +
      'DataFrame (a fitted transform) can get `array[[i]]`, or transform whole batches in a collate function. A frame the ' +
      'class is only handed is left alone even where each row read is turned into a dict (`self.features.iloc[idx].to_dict()`): ' +
      'reviewers found such datasets doing far costlier work per sample, or overridden by every subclass.',
    example: {
      before:
        'class Clicks(Dataset):\n    def __init__(self, path):\n        self.frame = pd.read_csv(path)\n\n' +
        '    def __getitem__(self, idx):\n        row = self.frame.iloc[idx]\n        return row.user, row.item',
      after:
        'class Clicks(Dataset):\n    def __init__(self, path):\n        frame = pd.read_csv(path)\n' +
        '        self.rows = frame[["user", "item"]].to_numpy()\n\n    def __getitem__(self, idx):\n        user, item = self.rows[idx]\n        return user, item',
    },
  },
  query: `
(subscript
  value: (attribute object: (_) @frame attribute: (identifier) @accessor)
  (#any-of? @accessor "iloc" "loc")) @read`,
  check(m, ctx) {
    const read = m.need('read');
    const facts = ctx.facts;
    if (isTestFile(ctx.filePath)) return;
    const def = enclosingDef(read);
    if (def?.childForFieldName('name')?.text !== '__getitem__') return;
    const cls = classOfMethod(def);
    if (!cls || !isTorchDataset(cls, facts)) return;
    // The row the DataLoader asked for: `frame.iloc[idx]` or `frame.iloc[[idx]]`, idx the method's index parameter.
    const index = parameterNames(def)[1];
    const subscripts = read.childrenForFieldName('subscript').filter((c): c is Node => c !== null && c.type !== 'comment');
    // `frame.iloc[idx, :]` (WorldCereal's training dataset) is the same row as `frame.iloc[idx]`.
    if (!index || !isRowOf(subscripts[0]!, index) || !(subscripts.length === 1 || (subscripts.length === 2 && wholeAxis(subscripts[1]!)))) return;
    const frame = m.need('frame');
    if (!isSelfData(frame)) return;
    // What the attribute holds comes from the other methods of the class (`self.frame = pd.read_csv(...)` in `__init__`):
    // an edit there must re-run this match in the editor's incremental lint.
    for (const method of classMethods(cls, facts)) if (!method.equals(def)) ctx.restsOn(method);
    const why = dataFrameWhy(frame, read, facts);
    if (!why) return;
    // A sample that reads or decodes a file (an image, audio) costs milliseconds: the row's tens of microseconds are lost
    // in it (kuzushiji's detection dataset, which reads a page scan per row).
    const info = classIndex(facts).info(cls);
    if (!info || datasetClassInfo(info, facts).kind !== 'memory') return;
    const accessor = m.need('accessor').text;
    const one = subscripts[0]!.type === 'list' ? 'a one-row DataFrame' : 'a pandas Series';
    ctx.report({
      node: read,
      message:
        `\`${read.text}\` builds ${one} for every sample the DataLoader asks for (${why}); take the columns out once in ` +
        `\`__init__\` (\`.to_numpy()\`, \`.tolist()\`, \`to_dict("records")\`) and index those${accessor === 'loc' ? ' (by position: `.loc` reads index labels)' : ''}`,
    });
  },
});

/** `idx` or `[idx]`. */
function isRowOf(node: Node, index: string): boolean {
  if (node.type === 'identifier') return node.text === index;
  if (node.type !== 'list') return false;
  const items = node.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  return items.length === 1 && items[0]!.type === 'identifier' && items[0]!.text === index;
}

/** Data the dataset holds: `self.frame` or `self.tensors[0]`. */
function isSelfData(frame: Node): boolean {
  let n = frame;
  if (n.type === 'subscript' && n.childForFieldName('subscript')?.type === 'integer') n = n.childForFieldName('value')!;
  return n.type === 'attribute' && n.childForFieldName('object')?.text === 'self';
}

/** The class derives from torch's map-style Dataset, directly or through classes of this file. */
function isTorchDataset(cls: Node, facts: FileFacts): boolean {
  return lineageOf(cls, facts).some((c) => c.bases.some((b) => DATASET_BASE.test(facts.qualifiedName(b) ?? '')));
}

/** The class and the classes of this file it derives from. */
function lineageOf(cls: Node, facts: FileFacts) {
  const index = classIndex(facts);
  const info = index.info(cls);
  if (!info) return [];
  return index.knownLineage(info) ?? [info, ...info.bases.map((b) => index.resolve(b)).filter((c) => c !== null)];
}

/** The methods of the class and of the classes of this file it derives from. */
function classMethods(cls: Node, facts: FileFacts): Node[] {
  return lineageOf(cls, facts).flatMap((c) => [...c.methods.values()]);
}

/**
 * Why the frame is known to be a pandas DataFrame (for the message), or null: value inference (`self.frame =
 * pd.read_csv(...)` in `__init__`), or a check around the read that only lets pandas data through
 * (`x.iloc[[i]] if ispandas(x) else x[i]`, `if isinstance(x, pd.DataFrame):`).
 */
function dataFrameWhy(frame: Node, read: Node, facts: FileFacts): string | null {
  const value = values(facts).valueOf(frame);
  if (value?.kind === 'dataframe') return `\`${frame.text}\` is a DataFrame`;
  if (value) return null;
  for (let n: Node = read; n.parent && n.parent.type !== 'function_definition'; n = n.parent) {
    const p = n.parent;
    let condition: Node | null = null;
    if (p.type === 'conditional_expression' && p.namedChild(0)?.equals(n)) condition = p.namedChild(1);
    else if (p.type === 'if_statement' && p.childForFieldName('consequence')?.equals(n)) condition = p.childForFieldName('condition');
    if (condition && checksPandas(condition, frame.text, facts)) return `it is read only when \`${condition.text}\``;
  }
  return null;
}

/** `ispandas(frame)` or `isinstance(frame, pd.DataFrame)`. */
function checksPandas(condition: Node, frame: string, facts: FileFacts): boolean {
  if (condition.type !== 'call') return false;
  const fn = condition.childForFieldName('function');
  const args = condition.childForFieldName('arguments')?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? [];
  if (args[0]?.text !== frame) return false;
  if (fn?.type === 'identifier' && PANDAS_CHECK.test(fn.text) && args.length === 1) return true;
  if (fn?.text !== 'isinstance' || args.length !== 2) return false;
  const kinds = args[1]!.type === 'tuple' ? args[1]!.namedChildren : [args[1]];
  return kinds.some((k) => facts.qualifiedName(k) === 'pandas.DataFrame' || facts.qualifiedName(k) === 'pandas.core.frame.DataFrame');
}
