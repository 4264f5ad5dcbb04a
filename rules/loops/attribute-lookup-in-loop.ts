import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingLoop, findDescendants, isNestedScope, isSmallLiteralLoop } from '../../server/analysis';

/**
 * Modules of small, fast C functions, where the two lookups are a real share of each call's cost.
 * Heavier calls (`pickle.loads`, `os.stat`, `shutil.copytree`) dwarf the lookup; NumPy and friends
 * should be vectorised instead (their own rules).
 */
const CHEAP = new Set(['math', 'cmath', 'operator', 'random', 'bisect', 'heapq', 'struct', 'unicodedata', 'binascii', 'zlib']);
const MAX_BODY_STATEMENTS = 3;

export default defineRule({
  id: 'attribute-lookup-in-loop',
  title: 'Repeated module-attribute lookup in a tight loop',
  category: 'loops',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'scopes-and-lookups',
  // perflint's dotted-import-in-loop flags the same dotted module lookup in a loop.
  peers: { pylint: ['dotted-import-in-loop', 'W8205'] },
  message: 'A module function is looked up on every iteration of a tight loop; bind it to a local name before the loop',
  docs: {
    why:
      '`math.sqrt(x)` inside a loop loads the global `math` and then looks up `sqrt` on it every iteration. ' +
      'CPython 3.11+ caches both lookups, so the gain from hoisting is small there; it still helps older ' +
      'interpreters and very tight loops. Prefer a comprehension or a vectorised NumPy call when one fits.',
    instead:
      'Bind the function once (`sqrt = math.sqrt`) before the loop and call the local name, or restructure the loop as a comprehension or an array operation.',
    example: {
      before: 'for i in range(n):\n    out.append(math.sqrt(i))',
      after: 'sqrt = math.sqrt\nfor i in range(n):\n    out.append(sqrt(i))',
    },
  },
  query: `
(call
  function: (attribute
    object: (identifier) @module
    attribute: (identifier) @attr)) @call`,
  check(m, ctx) {
    const moduleNode = m.need('module');
    const binding = ctx.facts.binding(moduleNode.text);
    // `import math` / `import os.path as osp`: a module object, not a class or function.
    if (!binding || binding.statement.type !== 'import_statement' || !CHEAP.has(binding.target)) return;
    const call = m.need('call');
    const loop = enclosingLoop(call);
    if (!loop || loop.type !== 'for_statement' || isSmallLiteralLoop(loop, ctx.facts)) return;
    // Tight: the loop is innermost and its body is short.
    const body = loop.childForFieldName('body');
    const stmts = body?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
    if (!body || stmts.length > MAX_BODY_STATEMENTS) return;
    if (findDescendants(body, (n) => n.type === 'for_statement' || n.type === 'while_statement', isNestedScope).length > 0) return;
    // Once per loop and function: only at the first such call in the loop body.
    const name = `${moduleNode.text}.${m.need('attr').text}`;
    const first = findDescendants(body, (n: Node) => n.type === 'call' && n.childForFieldName('function')?.text === name, isNestedScope)[0];
    if (!first || !first.equals(call)) return;
    ctx.report({
      node: call.childForFieldName('function')!,
      message: `\`${name}\` is looked up on every iteration; bind it to a local (\`${m.need('attr').text} = ${name}\`) before the loop`,
    });
  },
});
