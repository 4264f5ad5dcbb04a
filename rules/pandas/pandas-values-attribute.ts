import { defineRule } from '../../server/engine/rule';
import { replaceRange } from '../../server/engine/fixes';
import { localTypes } from '../../server/engine/localTypes';
import { isAssignmentTarget } from '../../server/engine/numeric';

export default defineRule({
  id: 'pandas-values-attribute',
  title: '`.values` on a DataFrame or Series',
  category: 'pandas',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  message: '`.values` is discouraged; `.to_numpy()` says what it returns and takes `dtype`, `copy` and `na_value`',
  docs: {
    why:
      'pandas has recommended `.to_numpy()` over `.values` since 0.24. On a Series, `.values` returns an ' +
      'extension array (Categorical, IntegerArray, DatetimeArray...) for extension dtypes but an ndarray otherwise, ' +
      'so code that expects numpy can break on a dtype change; `.to_numpy()` always returns an ndarray and lets ' +
      'you choose the dtype, copying and the missing-value marker.',
    instead:
      'Call `.to_numpy()` (for example `df.to_numpy(dtype="float32")`), or `.array` when you want the extension ' +
      'array. Before converting at all, check whether the work can stay vectorised in pandas.',
    example: { before: 'arr = df.values', after: 'arr = df.to_numpy()' },
  },
  fix: {
    safety: 'safe',
    title: 'Use .to_numpy()',
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
    const shown = frame.text.length <= 30 ? frame.text : t.kind === 'dataframe' ? 'the DataFrame' : 'the Series';
    const isSeries = t.kind === 'series';
    ctx.report({
      node,
      message: `\`${shown}.values\` is discouraged; use \`${shown}.to_numpy()\``,
      edits: [replaceRange(m.need('attr').startIndex, m.need('attr').endIndex, 'to_numpy()')],
      safety: isSeries ? 'unsafe' : 'safe',
      reason: isSeries
        ? 'for extension dtypes (categorical, nullable integer, tz-aware datetime, string) `Series.values` returns the extension array while `.to_numpy()` returns an object or numpy ndarray'
        : undefined,
    });
  },
});
