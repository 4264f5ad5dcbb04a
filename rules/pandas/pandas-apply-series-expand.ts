import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { callArguments, FRAME_ATTRIBUTES, inTestOf, isPureReference, moduleRef, quietOnSmallFrame, stringLiteralValue, values } from '../../server/analysis';
import { hasCommentBetween, replaceNode } from '../../server/fixes';

const REASON =
  'a None or NaN element raises TypeError where apply gave a row of NaN; with lists of different lengths, dicts with different ' +
  'keys or ints mixed with floats a column can stay int64 where apply gave float64; an empty Series gives an empty DataFrame, not a Series';

export default defineRule({
  id: 'pandas-apply-series-expand',
  title: 'Series.apply(pd.Series) to split a column of lists into columns',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  message: '`s.apply(pd.Series)` builds one Series per row to split lists into columns; use `pd.DataFrame(s.tolist(), index=s.index)`',
  docs: {
    why:
      '`s.apply(pd.Series)` (or `s.apply(lambda x: pd.Series(x))`) constructs a new Series for every element of a column of ' +
      'lists, tuples or dicts and then assembles the frame from those Series, aligning each one: on a large column it costs ' +
      'tens of microseconds per row, seconds to minutes in all.',
    instead:
      'Build the frame from the list of elements in one call: `pd.DataFrame(s.tolist(), index=s.index)` gives the same ' +
      'columns (0, 1, ... for lists, the keys for dicts) and index. It differs where an element is None or NaN (it raises), and in ' +
      'dtype where the rows differ in length or keys or mix ints with floats (a column can stay int64 where apply gave float64).',
    example: {
      before: 'df = pd.read_csv("scans.csv")\nxyz = df["position"].apply(pd.Series)',
      after: 'df = pd.read_csv("scans.csv")\nxyz = pd.DataFrame(df["position"].tolist(), index=df["position"].index)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Build the frame with pd.DataFrame(s.tolist())',
    reason: REASON,
  },
  calls: { names: ['apply'] },
  query: `
(call
  function: (attribute object: (_) @series attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#eq? @method "apply")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const args = callArguments(call);
    if (args.length !== 1 || !buildsSeries(args[0]!, ctx)) return;
    const series = m.need('series');
    if (inTestOf(call, 'apply') || !isColumn(series, ctx)) return;
    const pd = moduleRef(ctx.facts, 'pandas');
    const shown = series.text.length <= 40 ? series.text : 'the column';
    const applied = args[0]!.type === 'lambda' ? 'lambda x: pd.Series(x)' : args[0]!.text;
    const replacement = `${pd ?? 'pd'}.DataFrame(${series.text}.tolist(), index=${series.text}.index)`;
    // The receiver is written twice in the new form: only a plain reference may be, and only with pandas bound to a name.
    const fixable = pd !== null && isPureReference(series) && !hasCommentBetween(ctx.facts, call.startIndex, call.endIndex);
    ctx.report({
      node: call,
      message:
        `\`.apply(${applied})\` builds one Series per row of ${series.text.length <= 40 ? `\`${shown}\`` : shown}; ` +
        `\`${pd ?? 'pd'}.DataFrame(s.tolist(), index=s.index)\` makes the columns in one step (a None or NaN element raises there, ` +
        'and a column can stay int64 where apply gave float64)',
      edits: fixable ? [replaceNode(call, replacement)] : undefined,
      ...quietOnSmallFrame(frameOf(series), ctx.facts, series),
    });
  },
});

/** `pd.Series` itself, or `lambda x: pd.Series(x)`: the element, unchanged, made into a Series. */
function buildsSeries(fn: Node, ctx: RuleContext): boolean {
  if (fn.type === 'identifier' || fn.type === 'attribute') return ctx.facts.qualifiedName(fn) === 'pandas.Series';
  if (fn.type !== 'lambda') return false;
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const body = fn.childForFieldName('body');
  if (params.length !== 1 || params[0]!.type !== 'identifier' || body?.type !== 'call') return false;
  const callee = body.childForFieldName('function');
  const inner = callArguments(body);
  return (
    !!callee &&
    ctx.facts.qualifiedName(callee) === 'pandas.Series' &&
    inner.length === 1 &&
    inner[0]!.type === 'identifier' &&
    inner[0]!.text === params[0]!.text
  );
}

/**
 * The receiver is a Series: the value layer says so, or it is a column selected from a frame the layer knows to be a
 * DataFrame or cannot name, by a literal key (`df["pos"]`) or an attribute no DataFrame has (`df.ImagePositionPatient`).
 * A value the layer knows to be something else (a frame, a group) or a bare unknown name is left alone.
 */
function isColumn(receiver: Node, ctx: RuleContext): boolean {
  const layer = values(ctx.facts);
  const kind = layer.valueOf(receiver)?.kind;
  if (kind) return kind === 'series';
  let owner: Node | null = null;
  if (receiver.type === 'subscript') {
    const keys = receiver.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (keys.length !== 1 || stringLiteralValue(keys[0]) === null) return false;
    owner = receiver.childForFieldName('value');
  } else if (receiver.type === 'attribute') {
    const name = receiver.childForFieldName('attribute')?.text ?? '';
    if (FRAME_ATTRIBUTES.has(name) || name.startsWith('_')) return false;
    owner = receiver.childForFieldName('object');
  }
  // `self.x` or `module.x` may be anything: only a plain local name is read as a frame.
  if (owner?.type !== 'identifier' || owner.text === 'self' || owner.text === 'cls' || ctx.facts.qualifiedName(owner) !== null) return false;
  const ownerKind = layer.valueOf(owner)?.kind;
  return !ownerKind || ownerKind === 'dataframe';
}

function frameOf(series: Node): Node {
  return (
    (series.type === 'subscript' ? series.childForFieldName('value') : series.type === 'attribute' ? series.childForFieldName('object') : series) ?? series
  );
}
