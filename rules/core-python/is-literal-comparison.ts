import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { replaceRange } from '../../server/fixes';

const LITERALS = new Set(['integer', 'float', 'string', 'concatenated_string']);

function isValueLiteral(node: Node): boolean {
  if (LITERALS.has(node.type)) return true;
  // -1, +2.5
  if (node.type === 'unary_operator') {
    const arg = node.childForFieldName('argument');
    return arg !== null && (arg.type === 'integer' || arg.type === 'float');
  }
  return false;
}

export default defineRule({
  id: 'is-literal-comparison',
  title: '`is` / `is not` compared with a number or string literal',
  category: 'core-python',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'execution-model',
  // Pyflakes' F632 (Ruff, flake8) and Pylint's literal-comparison flag the same `is` against a literal.
  peers: { ruff: ['F632'], pylint: ['literal-comparison', 'R0123'] },
  message: '`is` compares object identity, not value; compare numbers and strings with `==` / `!=`',
  docs: {
    why:
      '`is` asks whether two references are the same object. Whether equal numbers or strings are the same object ' +
      'depends on interning and constant sharing inside CPython (small ints are cached, some strings are interned, ' +
      'constants in one code object are shared), so `x is 200` can be true in one place and false in another ' +
      'for the same value. CPython 3.8+ reports it as a `SyntaxWarning`.',
    instead: 'Use `==` and `!=` for values. Keep `is` for singletons: `None`, `True`, `False`, `...` and sentinels you created.',
    example: { before: 'if status is 200:\n    ...', after: 'if status == 200:\n    ...' },
  },
  fix: { safety: 'safe', title: 'Compare with == / !=' },
  // A wrong comparison is a bug wherever it runs: review30 judged `event.button is 1` in a book's experiments folder worth
  // fixing (matplotlib passes an enum there, so the click handler never fires), as were all 22 earlier findings.
  mattersAnywhere: true,
  query: `(comparison_operator operators: ["is" "is not"] @op) @cmp`,
  check(m, ctx) {
    const cmp = m.need('cmp');
    const op = m.need('op');
    // Operands and operators alternate: a op0 b op1 c. Find the operands on each side of this operator.
    const children: Node[] = [];
    for (let i = 0; i < cmp.childCount; i++) {
      const c = cmp.child(i);
      if (c && c.type !== 'comment') children.push(c);
    }
    const at = children.findIndex((c) => c.equals(op));
    const left = children[at - 1];
    const right = children[at + 1];
    const literal = [left, right].find((n) => n && isValueLiteral(n));
    if (!literal) return;
    const negated = op.type === 'is not';
    const replacement = negated ? '!=' : '==';
    ctx.report({
      start: Math.min(op.startIndex, literal.startIndex),
      end: Math.max(op.endIndex, literal.endIndex),
      message: `\`${op.text}\` compares identity with the literal \`${literal.text.length > 30 ? literal.text.slice(0, 27) + '...' : literal.text}\`; use \`${replacement}\``,
      edits: [replaceRange(op.startIndex, op.endIndex, replacement)],
    });
  },
});
