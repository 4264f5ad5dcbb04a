import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { ensureImport, replaceNode } from '../../server/fixes';

const THRESHOLD = 1_000_000;

/** The value of a constant integer expression: `10**6`, `1_000_000`, `50 * 1000 * 1000`, `int(1e6)`. */
function constantInt(node: Node | null, ctx: RuleContext): number | null {
  if (!node) return null;
  switch (node.type) {
    case 'integer': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : null;
    }
    case 'parenthesized_expression':
      return constantInt(node.namedChild(0), ctx);
    case 'binary_operator': {
      const a = constantInt(node.childForFieldName('left'), ctx);
      const b = constantInt(node.childForFieldName('right'), ctx);
      if (a === null || b === null) return null;
      const op = node.childForFieldName('operator')?.type;
      if (op === '*') return a * b;
      if (op === '**') return a ** b;
      if (op === '+') return a + b;
      if (op === '//' && b !== 0) return Math.floor(a / b);
      return null;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const arg = node.childForFieldName('arguments')?.namedChild(0);
      if (fn?.text === 'int' && ctx.facts.isBuiltin('int', node) && arg?.type === 'float') {
        const v = Number(arg.text.replace(/_/g, ''));
        return Number.isInteger(v) ? v : null;
      }
      return null;
    }
    default:
      return null;
  }
}

export default defineRule({
  id: 'list-of-numbers-storage',
  title: 'A very large Python list used as numeric storage',
  category: 'memory',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'builtins-and-data-structures',
  message: 'A list of a million or more numbers costs a pointer plus an object per item; use `array.array` or a NumPy array',
  docs: {
    why:
      'A list stores an 8-byte pointer per slot, and every distinct int or float it points to is a separate object of ' +
      'about 24-28 bytes. For millions of numbers that is several times the memory of a packed array, and ' +
      'arithmetic over it runs in the interpreter one object at a time.',
    instead:
      'Use `array.array("d", ...)` / `array.array("q", ...)` for compact storage, or `np.zeros(n, dtype=np.float32)` when the numbers are processed in bulk.',
    example: { before: 'buf = [0.0] * 50_000_000', after: 'import array\n\nbuf = array.array("d", bytes(8 * 50_000_000))' },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use array.array',
    reason: 'an array holds only one numeric type (floats as C doubles, ints within 64 bits) and is not a list',
  },
  query: `
[
  (binary_operator left: (list . [(integer) (float)] @item .) operator: "*" right: (_) @size) @expr
  (call function: (identifier) @fn arguments: (argument_list . (call function: (identifier) @range arguments: (argument_list . (_) @size .)) .)
    (#eq? @fn "list") (#eq? @range "range")) @expr
]`,
  check(m, ctx) {
    const expr = m.need('expr');
    const n = constantInt(m.need('size'), ctx);
    if (n === null || n < THRESHOLD) return;
    const item = m.get('item');
    if (!item) {
      if (!ctx.facts.isBuiltin('list', expr) || !ctx.facts.isBuiltin('range', expr)) return;
    }
    const isFloat = item?.type === 'float';
    const zero = item ? Number(item.text.replace(/_/g, '')) === 0 : false;
    const count = n.toLocaleString('en-US');
    const message = `A Python list of ${count} numbers; \`array.array\` or a NumPy array stores them packed, several times smaller`;
    const array = ensureImport(ctx.facts, 'array', 'array');
    let replacement: string;
    const size = m.need('size').text;
    if (!item) replacement = `${array.ref}("q", range(${size}))`;
    else if (zero) replacement = `${array.ref}("${isFloat ? 'd' : 'q'}", bytes(8 * (${size})))`;
    else replacement = `${array.ref}("${isFloat ? 'd' : 'q'}", [${item.text}]) * (${size})`;
    ctx.report({ node: expr, message, edits: [...array.edits, replaceNode(expr, replacement)] });
  },
});
