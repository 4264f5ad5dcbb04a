import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FRAME_ATTRIBUTES, isIdentifierName, isNumberLiteral, isPureReference, localTypes, needsParentheses, stringLiteralValue } from '../../server/analysis';
import { hasCommentBetween, replaceNode } from '../../server/fixes';

const ARITH_OPS = new Set(['+', '-', '*', '/', '//', '%', '**']);
const COMPARE_OPS = new Set(['<', '>', '<=', '>=', '==', '!=']);

export default defineRule({
  id: 'pandas-apply-axis1',
  title: 'Row-wise DataFrame.apply(..., axis=1) for column arithmetic',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  message: '`apply(..., axis=1)` builds a Series per row to do column arithmetic; combine the columns directly',
  docs: {
    why:
      '`DataFrame.apply` with `axis=1` is a Python loop over the rows: each row is materialised as a new Series ' +
      '(upcast to one dtype) before the function runs, so it costs about as much as `iterrows`. Arithmetic between ' +
      'columns runs vectorised on whole columns instead.',
    instead:
      'Combine the columns: `df["price"] * df["qty"]`. For conditional logic use `np.where(cond, a, b)` or ' +
      '`np.select`; for string work the `.str` accessor.',
    example: {
      before: 'df["total"] = df.apply(lambda r: r["price"] * r["qty"], axis=1)',
      after: 'df["total"] = df["price"] * df["qty"]',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Combine the columns directly',
    reason:
      'row-wise apply upcasts each row to a common dtype (integer columns become floats beside float columns) and ' +
      "returns an empty DataFrame for an empty frame; the column expression keeps each column's dtype, and a " +
      'single column (`df["b"]`) keeps its name where the apply result had none',
  },
  query: `
(call
  function: (attribute object: (_) @frame attribute: (identifier) @method)
  arguments: (argument_list
    (lambda parameters: (lambda_parameters . (identifier) @param .) body: (_) @body)
    (keyword_argument name: (identifier) @axis value: (_) @axisval)) @args
  (#eq? @method "apply")
  (#eq? @axis "axis")) @call`,
  check(m, ctx) {
    const axis = m.need('axisval');
    if (axis.text !== '1' && stringLiteralValue(axis) !== 'columns') return;
    // Only the lambda and axis: `raw=True` passes ndarrays, `result_type`/`args` change the result.
    if (m.need('args').namedChildren.filter((c) => c && c.type !== 'comment').length !== 2) return;
    const frame = m.need('frame');
    const ft = localTypes(ctx.facts).typeOf(frame);
    if (ft && ft.kind !== 'dataframe') return;
    const param = m.need('param').text;
    const body = m.need('body');
    const call = m.need('call');
    const columns = new Set<string>();
    if (body.type === 'conditional_expression') {
      const parts = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (parts.length !== 3 || parts.some((p) => rowExpr(p, param, frame.text, columns) === null) || columns.size === 0) return;
      ctx.report({
        node: call,
        message: `Row-wise \`apply\` evaluates a condition per row; use \`np.where(...)\` on the columns ${[...columns].map((c) => `"${c}"`).join(', ')}`,
      });
      return;
    }
    const text = rowExpr(body, param, frame.text, columns);
    if (text === null || columns.size === 0) return;
    const compound = body.type === 'binary_operator' || body.type === 'comparison_operator' || body.type === 'unary_operator';
    const replacement = compound && needsParentheses(call) ? `(${text})` : text;
    const fixable = isPureReference(frame) && !hasCommentBetween(ctx.facts, call.startIndex, call.endIndex);
    ctx.report({
      node: call,
      message: `Row-wise \`apply\` does column arithmetic one row at a time; write \`${text.length <= 70 ? text : 'the column expression'}\``,
      edits: fixable ? [replaceNode(call, replacement)] : undefined,
    });
  },
});

/**
 * The column form of a row expression: `r["price"] * r["qty"] + 1` → `df["price"] * df["qty"] + 1`.
 * Null when the body uses the row any other way (passes it on, calls methods, indexes by position).
 */
function rowExpr(node: Node, param: string, frame: string, columns: Set<string>): string | null {
  switch (node.type) {
    case 'integer':
    case 'float':
      return node.text;
    case 'unary_operator': {
      if (isNumberLiteral(node)) return node.text;
      const op = node.childForFieldName('operator')?.type;
      const arg = node.childForFieldName('argument');
      if (op !== '-' || !arg) return null;
      const t = rowExpr(arg, param, frame, columns);
      return t === null ? null : `-${t}`;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      if (!inner || node.namedChildCount !== 1) return null;
      const t = rowExpr(inner, param, frame, columns);
      return t === null ? null : `(${t})`;
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type ?? '';
      if (!ARITH_OPS.has(op)) return null;
      const l = rowExpr(node.childForFieldName('left')!, param, frame, columns);
      const r = l === null ? null : rowExpr(node.childForFieldName('right')!, param, frame, columns);
      return l === null || r === null ? null : `${l} ${op} ${r}`;
    }
    case 'comparison_operator': {
      const ops = node.children.filter((c) => c && !c.isNamed);
      const operands = node.namedChildren.filter((c): c is Node => c !== null);
      if (ops.length !== 1 || !COMPARE_OPS.has(ops[0]!.type) || operands.length !== 2) return null;
      const l = rowExpr(operands[0], param, frame, columns);
      const r = l === null ? null : rowExpr(operands[1], param, frame, columns);
      return l === null || r === null ? null : `${l} ${ops[0]!.type} ${r}`;
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      const keys = node.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      const key = keys.length === 1 ? stringLiteralValue(keys[0]) : null;
      if (value?.type !== 'identifier' || value.text !== param || key === null) return null;
      columns.add(key);
      return `${frame}[${keys[0]!.text}]`;
    }
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute')?.text ?? '';
      if (obj?.type !== 'identifier' || obj.text !== param || !isIdentifierName(attr) || FRAME_ATTRIBUTES.has(attr) || attr.startsWith('_')) return null;
      columns.add(attr);
      return `${frame}[${JSON.stringify(attr)}]`;
    }
    default:
      return null;
  }
}
