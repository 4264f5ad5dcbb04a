import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingDef, FileFacts, isAssignmentTarget, localTypes } from '../../server/analysis';
import { replaceRange } from '../../server/fixes';

const SERIES_VALUES_DIFFER =
  'for extension dtypes (categorical, nullable integer, string) `Series.values` returns the extension array while `.to_numpy()` returns an object or numpy ndarray, and for tz-aware datetimes `.values` is a naive datetime64 ndarray while `.to_numpy()` holds Timestamp objects';

export default defineRule({
  id: 'pandas-values-attribute',
  title: '`.values` on a DataFrame or Series',
  category: 'pandas',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'pandas-vectorization',
  // Ruff's PD011 (pandas-vet) flags the same `.values`.
  peers: { ruff: ['PD011'] },
  requires: ['pandas'],
  message: '`.values` is discouraged; `.to_numpy()` says what it returns and takes `dtype`, `copy` and `na_value`',
  docs: {
    why:
      'pandas has recommended `.to_numpy()` over `.values` since 0.24. On a Series, `.values` returns an ' +
      'extension array (Categorical, IntegerArray, StringArray...) for most extension dtypes but an ndarray ' +
      'otherwise, so code that expects numpy can break on a dtype change; `.to_numpy()` always returns an ndarray ' +
      'and lets you choose the dtype, copying and the missing-value marker. Timezone-aware datetimes are the odd ' +
      'case: `.values` gives a naive datetime64[ns] ndarray (in UTC) and `.to_numpy()` an object array of ' +
      'Timestamps, so code that converts the result further (`.astype`, `.view`) depends on which one it gets.',
    instead:
      'Call `.to_numpy()` (for example `df.to_numpy(dtype="float32")`), or `.array` when you want the extension ' +
      'array. Before converting at all, check whether the work can stay vectorised in pandas.',
    example: {
      before: 'df = pd.read_csv("features.csv")\narr = df.values',
      after: 'df = pd.read_csv("features.csv")\narr = df.to_numpy()',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Use .to_numpy()',
    forms: [{ safety: 'unsafe', when: 'on a Series', reason: SERIES_VALUES_DIFFER }],
  },
  query: `
(attribute
  object: (_) @frame
  attribute: (identifier) @attr
  (#eq? @attr "values")) @values`,
  check(m, ctx) {
    const node = m.need('values');
    const parent = node.parent;
    // `x.values()` is a method call (dicts); `df.values = ...` is not a read.
    if (parent?.type === 'call' && parent.childForFieldName('function')?.equals(node)) return;
    if (isAssignmentTarget(node)) return;
    const t = localTypes(ctx.facts).typeOf(m.need('frame'));
    if (t?.kind !== 'dataframe' && t?.kind !== 'series') return;
    const frame = m.need('frame');
    // On a Series `.values` and `.to_numpy()` differ by dtype: code that checks the dtype first, or
    // converts the result right away, relies on what `.values` returns (tests of `.values` too).
    if (t.kind === 'series' && (underDtypeTest(node, frame.text) || convertedAtOnce(node, ctx.facts) || isTestOfValues(node))) return;
    // A long receiver is named by its kind, outside the code spans: `the Series.values` is not code anyone wrote.
    const message =
      frame.text.length <= 30
        ? `\`${frame.text}.values\` is discouraged; use \`${frame.text}.to_numpy()\``
        : `\`.values\` on this ${t.kind === 'dataframe' ? 'DataFrame' : 'Series'} is discouraged; use \`.to_numpy()\``;
    const isSeries = t.kind === 'series';
    ctx.report({
      node,
      message,
      edits: [replaceRange(m.need('attr').startIndex, m.need('attr').endIndex, 'to_numpy()')],
      safety: isSeries ? 'unsafe' : 'safe',
      reason: isSeries ? SERIES_VALUES_DIFFER : undefined,
    });
  },
});

const DTYPE_TEST = /\.dtype\b|_dtype\s*\(|\bdtype\s*==/;

/** Inside an `if`/`elif` (either branch) whose condition looks at the receiver's dtype. */
function underDtypeTest(node: Node, receiver: string): boolean {
  for (let n = node.parent; n && n.type !== 'function_definition' && n.type !== 'class_definition'; n = n.parent) {
    if (n.type !== 'if_statement' && n.type !== 'elif_clause' && n.type !== 'conditional_expression') continue;
    const conditions =
      n.type === 'conditional_expression'
        ? [n.namedChild(1)]
        : [n.childForFieldName('condition'), ...n.childrenForFieldName('alternative').map((a) => a?.childForFieldName('condition'))];
    if (conditions.some((c) => c && c.text.includes(receiver) && DTYPE_TEST.test(c.text))) return true;
  }
  return false;
}

/** `.values.astype(...)`, `.values.view(...)`, `pd.DatetimeIndex(s.values, ...)`. */
function convertedAtOnce(node: Node, facts: FileFacts): boolean {
  const p = node.parent;
  if (p?.type === 'attribute' && p.childForFieldName('object')?.equals(node) && /^(astype|view)$/.test(p.childForFieldName('attribute')?.text ?? ''))
    return true;
  const call = p?.type === 'argument_list' ? p.parent : null;
  return call?.type === 'call' && facts.calleeName(call) === 'pandas.DatetimeIndex';
}

/** `def test_values...`: a test of the attribute itself (not `test_sort_values`, which tests a method). */
function isTestOfValues(node: Node): boolean {
  return /^test_values(_|$)/.test(enclosingDef(node)?.childForFieldName('name')?.text ?? '');
}
