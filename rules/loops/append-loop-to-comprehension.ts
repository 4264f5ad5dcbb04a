import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  compiledByNumba,
  contains,
  FileFacts,
  findDescendants,
  insideNumbaFunction,
  isDeclaredNonLocal,
  iteratesArrayData,
  localTypes,
  occurrences,
  readsAfter,
  scopeOf,
  targetNames,
} from '../../server/analysis';
import {
  blockIndentUnit,
  clauseText,
  commentNodesIn,
  eolOf,
  hasMultilineString,
  indentAt,
  lineStyle,
  movedPragmaReason,
  ownsLines,
  reindent,
  replaceRange,
  wrapLine,
} from '../../server/fixes';

/**
 * Builtins and str methods: C code that runs without a Python frame of its own, so the per-item `append` a comprehension
 * saves is still a real share of the loop's cost.
 */
const CHEAP_CALLS = new Set([
  'int',
  'float',
  'str',
  'bool',
  'len',
  'abs',
  'round',
  'min',
  'max',
  'sum',
  'any',
  'all',
  'sorted',
  'reversed',
  'tuple',
  'list',
  'set',
  'frozenset',
  'dict',
  'zip',
  'enumerate',
  'range',
  'map',
  'filter',
  'isinstance',
  'slice',
  'ord',
  'chr',
  'repr',
  'divmod',
  'hash',
  'id',
  'type',
  'strip',
  'lstrip',
  'rstrip',
  'split',
  'rsplit',
  'lower',
  'upper',
  'replace',
  'startswith',
  'endswith',
  'get',
  'join',
  'format',
  'encode',
  'decode',
]);

/**
 * Per item, the loop calls something beyond cheap builtins and str methods (a function, a model, a library call), in
 * the appended value or a condition (`if variable_type(data[col]) == "numeric"`): that call dwarfs the `append` a
 * comprehension would save, so the rewrite is style, not speed. The outer iterable, evaluated once, does not count.
 */
function loopCallsWork(loop: Node, list: string, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  if (findDescendants(body, (n) => isArrayArithmetic(n, facts)).length > 0) return true;
  const calls = findDescendants(body, (n) => n.type === 'call').some((call) => {
    const fn = call.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : undefined;
    if (name === 'append' && fn?.childForFieldName('object')?.text === list) return false;
    return name === undefined || !CHEAP_CALLS.has(name);
  });
  return calls || findDescendants(body, isMembershipInCollection).length > 0;
}

/**
 * Arithmetic with an operand known to be an array, DataFrame or Series (`trend * (1 + scale) + offset` where `offset`
 * came from `np.matmul`): each operator allocates a whole new array per item, which dwarfs the `append`.
 */
function isArrayArithmetic(n: Node, facts: FileFacts): boolean {
  if (n.type !== 'binary_operator') return false;
  const types = localTypes(facts);
  return [n.childForFieldName('left'), n.childForFieldName('right')].some((side) => side?.type === 'identifier' && types.typeOf(side) !== null);
}

/** Literal displays a membership test can scan at no more than an append's cost: `x in ("a", "b")`. */
const LITERAL_DISPLAYS = new Set(['list', 'tuple', 'set', 'dictionary', 'string', 'concatenated_string']);

/**
 * `x in others` / `x not in others` over a named collection: a scan per item when it is a list (PAM's `if sample not
 * in medoids`), at best a hash per item for a set, either way as much as the `append` a comprehension saves.
 */
function isMembershipInCollection(n: Node): boolean {
  if (n.type !== 'comparison_operator') return false;
  const operators = n.children.filter((c) => c !== null && !c.isNamed).map((c) => c!.text);
  if (!operators.some((op) => op === 'in' || op === 'not in' || op === 'not')) return false;
  const right = n.namedChildren[n.namedChildren.length - 1];
  return !!right && !LITERAL_DISPLAYS.has(right.type);
}

interface Shape {
  /** `for t in it` / `async for …` / `if c` clauses, outermost first. */
  clauses: string[];
  /** Where the statement each clause comes from starts (its line gives the clause's old indentation). */
  clauseStarts: number[];
  /** Target names bound by the for clauses. */
  names: string[];
  element: Node;
  /** The nodes whose text the comprehension copies (targets, iterables, conditions, element). */
  copied: Node[];
}

/** Nodes whose presence rules out a comprehension (scope or syntax differences). */
function blocksRewrite(node: Node): boolean {
  return (
    findDescendants(
      node,
      (n) => n.type === 'yield' || n.type === 'named_expression' || (n.type === 'call' && n.childForFieldName('function')?.text === 'super'),
    ).length > 0
  );
}

/** The single non-comment statement of a block, or null. */
function onlyStatement(block: Node | null): Node | null {
  if (!block) return null;
  const stmts = block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return stmts.length === 1 ? stmts[0] : null;
}

/** Reads the loop nest down to a lone `list.append(x)`: nested for/if clauses only, no else, no break. */
function shapeOf(loop: Node, list: string): Shape | null {
  const clauses: string[] = [];
  const clauseStarts: number[] = [];
  const names: string[] = [];
  const copied: Node[] = [];
  let node: Node | null = loop;
  while (node) {
    if (node.type === 'for_statement') {
      if (node.childForFieldName('alternative')) return null;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) return null;
      // Targets must be plain names (`for self.x in …` stores an attribute).
      if (findDescendants(left, (n) => n.type === 'attribute' || n.type === 'subscript').length > 0 || left.type === 'attribute' || left.type === 'subscript')
        return null;
      names.push(...targetNames(left));
      const isAsync = node.child(0)?.type === 'async';
      clauses.push(`${isAsync ? 'async ' : ''}for ${left.text} in ${clauseText(right)}`);
      clauseStarts.push(node.startIndex);
      copied.push(left, right);
      node = onlyStatement(node.childForFieldName('body'));
    } else if (node.type === 'if_statement') {
      if (node.childForFieldName('alternative')) return null;
      const cond = node.childForFieldName('condition');
      if (!cond) return null;
      clauses.push(`if ${clauseText(cond)}`);
      clauseStarts.push(node.startIndex);
      copied.push(cond);
      node = onlyStatement(node.childForFieldName('consequence'));
    } else if (node.type === 'expression_statement') {
      const call = node.namedChild(0);
      if (call?.type !== 'call' || node.namedChildCount !== 1) return null;
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'append') return null;
      if (fn.childForFieldName('object')?.text !== list) return null;
      const args = call.childForFieldName('arguments');
      if (args?.type !== 'argument_list') return null;
      const items = args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (items.length !== 1) return null;
      const element = items[0];
      if (element.type === 'keyword_argument' || element.type === 'list_splat' || element.type === 'dictionary_splat') return null;
      copied.push(element);
      return clauses.length > 1 || names.length > 0 ? { clauses, clauseStarts, names, element, copied } : null;
    } else {
      return null;
    }
  }
  return null;
}

/**
 * `xs: List[int] = []` in a file that imports torch, rewritten into a comprehension with an `if`
 * clause or a second `for`: the function may be compiled by TorchScript, which rejects both.
 */
function torchScriptTyped(init: Node, shape: Shape, facts: FileFacts): boolean {
  if (!init.parent?.childForFieldName('type')) return false;
  const filtered = shape.clauses.some((c) => c.startsWith('if ')) || shape.clauses.filter((c) => !c.startsWith('if ')).length > 1;
  return filtered && facts.importsModule('torch');
}

/** Moves the lines of text after its first from indentation `from` to `to` (lines with less are left alone). */
function moveContinuationLines(text: string, from: string, to: string): string {
  const lineBreak = /\r\n|\r|\n/.exec(text);
  if (!lineBreak || from === '' || from === to) return text;
  const cut = lineBreak.index + lineBreak[0].length;
  return text.slice(0, cut) + reindent(text.slice(cut), from, to);
}

function isEmptyList(init: Node, ctx: { facts: { isBuiltin(n: string, at?: Node): boolean } }): boolean {
  if (init.type === 'list') return init.namedChildren.every((c) => c?.type === 'comment');
  if (init.type === 'call') {
    const fn = init.childForFieldName('function');
    const args = init.childForFieldName('arguments');
    return fn?.type === 'identifier' && fn.text === 'list' && args?.namedChildCount === 0 && ctx.facts.isBuiltin('list', init);
  }
  return false;
}

export default defineRule({
  id: 'append-loop-to-comprehension',
  title: 'A loop whose only job is list.append',
  category: 'loops',
  severity: 'info',
  quietOutsideHotCode: true,
  savesPerItem: true,
  severityForms: [
    {
      severity: 'hint',
      when: 'when the loop calls a function per item (in the value or a condition), computes with an array per item, or tests membership in a collection, whose cost dwarfs the `append` saved',
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'comprehensions-and-loops',
  // Ruff's PERF401 (on the append inside the loop) and perflint's use-list-comprehension flag the same loop.
  peers: { ruff: ['PERF401'], pylint: ['use-list-comprehension', 'W8401'] },
  message: 'This loop only appends to a new list; build it with a list comprehension',
  docs: {
    why:
      'A `for` loop that only calls `out.append(...)` looks up and calls the `append` method once per item and ' +
      'runs the loop machinery in general-purpose bytecode. A list comprehension does the same work with a ' +
      'dedicated, faster append instruction and states the intent (build a list) in one expression.',
    instead:
      'Write `out = [expr for x in xs if cond]`. Nested loops and filters become extra `for`/`if` clauses, in the same order. ' +
      'The quick fix keeps the list, its order and every call the loop made; what it does change is the bytecode (a ' +
      'comprehension compiles to other instructions, before Python 3.12 to a nested function), which only a test that ' +
      'inspects bytecode (`dis`, `co_code`, `co_consts`) notices.',
    example: {
      before: 'out = []\nfor x in xs:\n    if x > 0:\n        out.append(x * 2)',
      after: 'out = [x * 2 for x in xs if x > 0]',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Replace the loop with a list comprehension',
    forms: [
      { safety: 'unsafe', when: 'when the loop variable is used after the loop', reason: "a comprehension's loop variable does not outlive it" },
      {
        safety: 'unsafe',
        when: 'when a `type: ignore` / `noqa` comment would move to a line of its own',
        reason: 'the comment no longer applies to the code it was written for',
      },
      {
        safety: 'unsafe',
        when: 'for an annotated empty list in a torch module, when the comprehension needs an `if` or several `for` clauses',
        reason: 'that is the TorchScript idiom, and TorchScript rejects such comprehensions',
      },
    ],
  },
  // `name = []` (or `list()`) directly followed, comments aside, by a for loop.
  query: `
(
  (expression_statement
    (assignment left: (identifier) @list right: [(list) (call)] @init)) @initStmt
  .
  (comment)*
  .
  (for_statement) @loop
)`,
  check(m, ctx) {
    const list = m.need('list').text;
    const init = m.need('init');
    const initStmt = m.need('initStmt');
    const loop = m.need('loop');
    if (!isEmptyList(init, ctx) || compiledByNumba(ctx.facts, loop)) return;
    const shape = shapeOf(loop, list);
    if (!shape) return;
    // The list may be named only as the receiver of the one append (no `if x not in out`).
    if (occurrences(loop, list).length !== 1) return;
    if (blocksRewrite(loop)) return;
    // numba compiles the loop to machine code: no bytecode to save, and nopython mode rejects many comprehensions
    // (over `literal_unroll`, for one).
    if (insideNumbaFunction(ctx.facts, loop)) return;
    const severity = loopCallsWork(loop, list, ctx.facts) ? ('hint' as const) : undefined;

    const report = { node: loop, start: loop.startIndex, end: loop.childForFieldName('right')!.endIndex };
    const message = `\`${list}\` is built by a loop that only appends; use a list comprehension`;
    // At class level a comprehension cannot see the class's own names: leave such loops alone.
    if (loop.parent?.parent?.type === 'class_definition') return;
    const scope = scopeOf(loop);
    // Over DataFrame rows or array elements the comprehension keeps the slow per-element iteration
    // (the library rules offer the whole-column form), so no fix there.
    if (!ownsLines(ctx.text, initStmt) || !ownsLines(ctx.text, loop) || iteratesArrayData(ctx.facts, loop.childForFieldName('right')!)) {
      ctx.report({ start: report.start, end: report.end, construct: loop, message, severity });
      return;
    }

    const leaked = shape.names.filter((n) => isDeclaredNonLocal(scope, n) || readsAfter(loop, n).length > 0);
    const indent = indentAt(ctx.text, initStmt.startIndex);
    const eol = eolOf(ctx.text);
    const prefix = ctx.text.slice(initStmt.startIndex, init.startIndex); // `out = ` or `out: list[int] = `
    const pieces = [shape.element.text, ...shape.clauses];
    const oneLine = `${prefix}[${pieces.join(' ')}]`;
    let comprehension: string;
    if (!pieces.some((p) => /[\r\n]/.test(p))) {
      // One line, wrapped as Black would when longer than the project's line length.
      comprehension = wrapLine(oneLine, indent, lineStyle(ctx.facts, ctx.settings.lineLength));
    } else {
      const inner = indent + blockIndentUnit(ctx.text, loop);
      // Each piece starts its own line at `inner`; its continuation lines move along with it
      // (not inside multi-line strings, whose text would change).
      const oldStarts = [shape.element.startIndex, ...shape.clauseStarts];
      const moved = hasMultilineString(loop) ? pieces : pieces.map((p, i) => moveContinuationLines(p, indentAt(ctx.text, oldStarts[i]), inner));
      comprehension = `${prefix}[${eol}${moved.map((p) => inner + p).join(eol)}${eol}${indent}]`;
    }
    // Comments inside the copied expressions travel with them; the others move above the comprehension.
    const hoisted = commentNodesIn(ctx.facts, initStmt.startIndex, loop.endIndex).filter((c) => !shape.copied.some((n) => contains(n, c)));
    const comments = hoisted.map((c) => indent + c.text + eol).join('');
    // The first comment line takes the statement's place, so it carries no extra indentation.
    const replacement = (comments + indent + comprehension).slice(indent.length);
    const reason =
      leaked.length > 0
        ? `\`${leaked[0]}\` is used after the loop, but a comprehension's loop variable does not outlive it`
        : (movedPragmaReason(hoisted) ??
          (torchScriptTyped(init, shape, ctx.facts)
            ? 'an annotated empty list in a torch module is the TorchScript idiom, and TorchScript rejects comprehensions with an `if` clause or several `for` clauses'
            : undefined));
    ctx.report({
      start: report.start,
      end: report.end,
      construct: loop,
      message,
      severity,
      edits: [replaceRange(initStmt.startIndex, loop.endIndex, replacement)],
      safety: reason ? 'unsafe' : 'safe',
      reason,
    });
  },
});
