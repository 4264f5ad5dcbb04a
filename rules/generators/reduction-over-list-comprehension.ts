import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  compiledByNumba,
  FileFacts,
  findDescendants,
  isLiteral,
  isDataIterable,
  isStandaloneScript,
  loopGrowsWithData,
  SMALL_LOOP,
  valueBoundOnce,
} from '../../server/analysis';
import { deleteLines, hasCommentBetween, hasMultilineString, indentAt, lineEndOf, reindent, replaceNode, replaceRange } from '../../server/fixes';

// `tuple` is left out on purpose: `tuple([...])` is faster than `tuple(<genexpr>)` (it knows the
// size up front) and the generator saves little memory, since the tuple holds every item anyway.
const REDUCERS = ['sum', 'min', 'max', 'any', 'all', 'set', 'frozenset', 'dict'];
/** Why a finding in a standalone script (codeContext's isStandaloneScript) is low impact. */
const STANDALONE_SCRIPT = 'in a standalone script, run once per command: the saving is paid once, not per call of a library';
/** These stop early, so with a lazy argument later elements may never be evaluated. */
const SHORT_CIRCUIT = new Set(['any', 'all']);
/**
 * Every other reducer consumes every item either way, so the generator saves only the list's memory: on CPython a
 * list comprehension is usually a little faster to consume than a generator (measured: sum over
 * 10 items 316 vs 384 ns, over 10,000 items 190 vs 282 µs). Worth it for large inputs only: a hint. `dict()` and
 * `set()` belong here too when their comprehension form cannot be offered (a black-style layout, a non-pair element).
 */
function memoryOnly(reducer: string): boolean {
  return !SHORT_CIRCUIT.has(reducer);
}

/**
 * Nothing in the expression can raise or run user code: names, literals, `not`/`and`/`or` and
 * `is`/`is not` over those. Subscripts, arithmetic, attribute access, calls and other comparisons
 * can (KeyError, ZeroDivisionError, a property, `__eq__`).
 */
function cannotRaise(node: Node): boolean {
  if (node.type === 'identifier' || isLiteral(node)) return true;
  switch (node.type) {
    case 'parenthesized_expression':
    case 'not_operator':
    case 'boolean_operator':
      return node.namedChildren.every((c) => c === null || c.type === 'comment' || cannotRaise(c));
    case 'comparison_operator':
      return node.children.every((c) => c === null || (c.isNamed ? cannotRaise(c) : c.type === 'is' || c.type === 'is not'));
    default:
      return false;
  }
}

/** Iterating it cannot run user code or raise: a literal display, or `range(...)` of such values. */
function plainIterable(node: Node | null, facts: FileFacts): boolean {
  if (!node) return false;
  if (['list', 'tuple', 'set'].includes(node.type) || isLiteral(node)) return true;
  if (node.type !== 'call') return false;
  const callee = node.childForFieldName('function');
  const args = node.childForFieldName('arguments')?.namedChildren ?? [];
  return callee?.text === 'range' && facts.isBuiltin('range', callee) && args.every((a) => a !== null && a.type !== 'comment' && cannotRaise(a));
}

/**
 * What a lazy argument may skip when any/all stop early: the rest of the iteration (an iterator or
 * generator would be left part-consumed, its side effects not run), the element and every filter.
 * Safe only when the comprehension has one `for` over a plain iterable and nothing else can raise.
 */
function shortCircuitIsSafe(comp: Node, facts: FileFacts): boolean {
  const parts: Node[] = [];
  const body = comp.childForFieldName('body');
  if (body) parts.push(body);
  const loops = comp.namedChildren.filter((c) => c?.type === 'for_in_clause');
  if (loops.length !== 1 || !plainIterable(loops[0]!.childForFieldName('right'), facts)) return false;
  for (const clause of comp.namedChildren) {
    if (clause?.type === 'if_clause') parts.push(...clause.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment'));
  }
  return parts.every(cannotRaise);
}

/** `set([...])` → `{...}`: the set is built either way; the comprehension only skips the temporary list. */
const SET_MESSAGE = '`set()` receives a list comprehension; a set comprehension skips building the temporary list';

/** An `async for` clause or an `await` makes the generator form an async generator, which these built-ins cannot consume. */
function isAsync(comp: Node): boolean {
  return findDescendants(comp, (n) => n.type === 'await' || (n.type === 'for_in_clause' && n.child(0)?.type === 'async')).length > 0;
}

export default defineRule({
  id: 'reduction-over-list-comprehension',
  title: 'List comprehension passed to a reducing built-in',
  category: 'generators',
  severity: 'info',
  severityForms: [
    {
      severity: 'hint',
      when: "for `sum`, `min`, `max` and `frozenset`, which consume every item anyway, and for `set([...])` / `dict([...])`: the generator or comprehension saves only the list's memory",
    },
  ],
  quietOutsideHotCode: true,
  enabledByDefault: true,
  confidence: 'high',
  guide: 'generators-and-iterators',
  // Ruff's C419 and Pylint's use-a-generator / consider-using-generator flag the same list comprehension in the call.
  peers: { ruff: ['C419'], pylint: ['use-a-generator', 'R1729', 'consider-using-generator', 'R1728'] },
  message: 'A list is built only to be consumed once; pass a generator expression instead',
  docs: {
    why:
      'The square brackets build the whole list in memory before the built-in sees its first item. ' +
      '`any` and `all` lose their early exit: every element is computed, even after the answer is known. ' +
      "`sum`, `min`, `max` and `frozenset` read every item anyway, so a generator only saves the list's memory; " +
      'on CPython the list form is often slightly faster, so that matters only for large inputs (these are hints). ' +
      '`set([...])` and `dict([...])` are better written as set and dict comprehensions, which likewise save only the ' +
      "temporary list (hints too, the style Ruff's C403/C404 already report). Only `any` and `all`, which can stop early, " +
      'are reported at info level, and like the rest only in hot code (a loop over data, a training step), and only where ' +
      "the comprehension itself walks something that grows with the data: over an item's few parts (an image's axes, a " +
      "prediction's top-k) an early stop saves a few evaluations per pass.",
    instead:
      'Drop the brackets: `sum(x * x for x in data)`; write `{x for x in data}` instead of `set([...])` and ' +
      '`{k: v for k, v in pairs}` instead of `dict([(k, v) ...])`. `str.join`, `sorted`, `list` and `tuple` are not ' +
      'flagged: they need every item anyway and are as fast or faster with a list.',
    example: { before: 'total = sum([x * x for x in data])', after: 'total = sum(x * x for x in data)' },
  },
  fix: {
    safety: 'safe',
    title: 'Remove the brackets (use a generator expression)',
    forms: [
      {
        safety: 'unsafe',
        when: 'for `any()` / `all()` (and other reductions that stop early) over elements with side effects',
        reason: 'the reduction stops early on a generator: the rest of the iteration no longer runs, nor its calls and exceptions',
      },
    ],
  },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list . (list_comprehension) @comp .)
  (#any-of? @fn ${REDUCERS.map((r) => `"${r}"`).join(' ')})) @call`,
  // Anchored on its calls: in the base pass its pattern matched every call with a comprehension argument.
  calls: { names: [...REDUCERS] },
  check(m, ctx) {
    const fn = m.need('fn');
    const comp = m.need('comp');
    const call = m.need('call');
    if (!ctx.facts.isBuiltin(fn.text, fn)) return;
    if (isAsync(comp) || compiledByNumba(ctx.facts, call)) return;
    const args = call.childForFieldName('arguments')!;
    // Nothing but the brackets and the comprehension inside the call's parentheses (no trailing comma or comment).
    const tight = args.startIndex + 1 === comp.startIndex && comp.endIndex + 1 === args.endIndex;
    // Black's layout: `[` and `]` alone on their lines, the clauses one level deeper.
    const lines = bracketLines(ctx.text, comp);

    if (
      fn.text === 'set' &&
      lines &&
      ctx.text.slice(args.startIndex + 1, comp.startIndex).trim() === '' &&
      ctx.text.slice(comp.endIndex, args.endIndex - 1).trim() === ''
    ) {
      ctx.report({
        node: comp,
        message: SET_MESSAGE,
        severity: 'hint',
        edits: [
          replaceRange(call.startIndex, lines.closeLineStart, `{${lines.eol}${lines.inner}`),
          replaceRange(lines.closeLineStart, call.endIndex, `${lines.closeIndent}}`),
        ],
        fixTitle: 'Use a set comprehension',
      });
      return;
    }
    if (fn.text === 'set' && tight) {
      ctx.report({
        node: comp,
        message: SET_MESSAGE,
        severity: 'hint',
        edits: [replaceRange(call.startIndex, comp.startIndex + 1, '{'), replaceRange(comp.endIndex - 1, call.endIndex, '}')],
        fixTitle: 'Use a set comprehension',
      });
      return;
    }
    const body = comp.childForFieldName('body');
    const pair = body?.type === 'tuple' ? body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
    if (
      fn.text === 'dict' &&
      tight &&
      body &&
      pair.length === 2 &&
      pair.every((p) => p.type !== 'list_splat') &&
      !hasCommentBetween(ctx.facts, body.startIndex, body.endIndex)
    ) {
      ctx.report({
        node: comp,
        message: '`dict()` receives a list comprehension of pairs; a dict comprehension skips building the temporary list',
        severity: 'hint',
        edits: [
          replaceRange(call.startIndex, comp.startIndex + 1, '{'),
          replaceNode(body, `${pair[0].text}: ${pair[1].text}`),
          replaceRange(comp.endIndex - 1, call.endIndex, '}'),
        ],
        fixTitle: 'Use a dict comprehension',
      });
      return;
    }
    // any/all stop at the first decisive element: the generator form then skips the rest of the
    // iteration, its side effects and its exceptions (Ruff's C419 fix is unsafe for this reason).
    const unsafe = SHORT_CIRCUIT.has(fn.text) && !shortCircuitIsSafe(comp, ctx.facts);
    const readsAll = memoryOnly(fn.text);
    const few = namedSmallDomain(comp, ctx.facts);
    // The early stop saves the items after the first decisive one: worth a change only where the comprehension itself
    // walks something that grows with the data. Over an item's few parts (an image's two dims, a prediction's top-k, a
    // row's cells) it saves a few evaluations per pass, however hot the loop around it (Ruff's C419 says the same, as style).
    const short = !readsAll && !few && !growsWithData(comp, ctx.facts) ? shortIterable(comp) : null;
    ctx.report({
      node: comp,
      message: readsAll
        ? `\`${fn.text}()\` receives a list comprehension: a generator expression would not hold every item in memory at once`
        : `\`${fn.text}()\` receives a list comprehension; pass a generator expression so it can stop at the first decisive item`,
      severity: readsAll ? 'hint' : undefined,
      edits: lines
        ? [replaceRange(lines.openLineStart, lines.closeLineEnd, lines.inner)]
        : [replaceRange(comp.startIndex, comp.startIndex + 1, ''), replaceRange(comp.endIndex - 1, comp.endIndex, '')],
      safety: unsafe ? 'unsafe' : 'safe',
      reason: unsafe
        ? `\`${fn.text}\` stops early on a generator: the rest of the iteration no longer runs, nor its calls and exceptions (an iterator is left part-consumed, a KeyError is no longer raised)`
        : undefined,
      // `any([cond(t) for cond in conds])` with `conds = [a, b, c]`: a few items, however often it runs.
      ...(few
        ? { lowImpact: `it iterates ${few}: an early stop or a list saves a few items at most` }
        : short
          ? { lowImpact: `it iterates \`${short}\`, which the code does not show growing with the data: an early stop saves a few items per pass` }
          : isStandaloneScript(ctx.filePath, ctx.facts.root, ctx.files)
            ? { lowImpact: STANDALONE_SCRIPT }
            : {}),
    });
  },
});

/** The comprehension's loop grows with the data (analysis/impact.ts), or walks a slice of something that does (`lines[1:]`). */
function growsWithData(comp: Node, facts: FileFacts): boolean {
  if (loopGrowsWithData(comp, facts)) return true;
  const it = comp.namedChildren.find((c) => c?.type === 'for_in_clause')?.childForFieldName('right');
  const sliced = it?.type === 'subscript' && it.namedChildren.some((c) => c?.type === 'slice') ? it.childForFieldName('value') : null;
  return sliced !== null && isDataIterable(sliced, facts);
}

/** The text of the comprehension's first iterable, cut short for a message. */
function shortIterable(comp: Node): string {
  const it = comp.namedChildren.find((c) => c?.type === 'for_in_clause')?.childForFieldName('right');
  const text = it?.text.replace(/\s+/g, ' ') ?? '';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The comprehension's one loop runs over a name bound once to a short literal display, as `conds = [a, b, c]` in its
 * function or `REMOVE = [...]` (an UPPER_CASE constant) at module level: how it reads (`\`conds\`, 3 items written in
 * the code`), or null.
 */
function namedSmallDomain(comp: Node, facts: FileFacts): string | null {
  const clauses = comp.namedChildren.filter((c) => c?.type === 'for_in_clause');
  const it = clauses.length === 1 ? clauses[0]!.childForFieldName('right') : null;
  const sliced = it?.type === 'subscript' ? itemsOfLiteralSlice(it) : null;
  if (sliced !== null && sliced <= SMALL_LOOP) return `\`${it!.text}\`, at most ${sliced} items`;
  if (it?.type !== 'identifier') return null;
  const value = valueBoundOnce(it) ?? moduleConstant(facts, it.text);
  if (!value || !['list', 'tuple', 'set'].includes(value.type) || value.namedChildCount > SMALL_LOOP) return null;
  if (value.namedChildren.some((c) => c?.type === 'list_splat')) return null;
  return `\`${it.text}\`, ${value.namedChildCount} items written in the code`;
}

/**
 * How many items at most a slice with integer literal bounds and no step takes (`shape[0:2]`, `dims[:3]`, `xs[-2:]`),
 * whatever it slices; null for any other subscript.
 */
function itemsOfLiteralSlice(subscript: Node): number | null {
  const index = subscript.childForFieldName('subscript');
  if (index?.type !== 'slice' || subscript.namedChildCount !== 2) return null;
  const bounds = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*$/.exec(index.text);
  if (!bounds) return null;
  const start = bounds[1] === undefined ? null : Number(bounds[1]);
  const stop = bounds[2] === undefined ? null : Number(bounds[2]);
  if (stop === null) return start !== null && start < 0 ? -start : null;
  if (start === null || start === 0) return stop >= 0 ? stop : null;
  // Both ends counted from the same side: `xs[1:3]`, `xs[-3:-1]`.
  return Math.sign(start) === Math.sign(stop) || stop === 0 ? Math.max(0, stop - start) : null;
}

/** The value of an UPPER_CASE name assigned once at module level and nowhere rebound by a plain assignment there. */
function moduleConstant(facts: FileFacts, name: string): Node | null {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) return null;
  const values: Node[] = [];
  for (const stmt of facts.root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name && a.childForFieldName('right')) values.push(a.childForFieldName('right')!);
  }
  return values.length === 1 ? values[0] : null;
}

interface BracketLines {
  /** Start of the `[` line, and of the `]` line; end of the `]` line, its line break included. */
  openLineStart: number;
  closeLineStart: number;
  closeLineEnd: number;
  /** The lines between, one indentation level shallower (where the brackets were). */
  inner: string;
  /** The indentation of the line after the `]` line (the call's closing parenthesis). */
  closeIndent: string;
  eol: string;
}

/**
 * When the comprehension's `[` and `]` stand alone on their lines with the clauses indented one
 * level deeper (as black lays out a long argument): the parts of a rewrite that drops both lines
 * and dedents the clauses, so no blank or over-indented lines remain. Null for any other layout,
 * or when a multi-line string inside would have its content dedented.
 */
function bracketLines(text: string, comp: Node): BracketLines | null {
  const open = comp.startIndex;
  const close = comp.endIndex - 1;
  // Each bracket's whole line, its line break included (the span deleteLines would remove).
  const openLine = deleteLines(text, open, open);
  const closeLine = deleteLines(text, close, close);
  if (text.slice(openLine.start, open).trim() !== '' || text.slice(open + 1, openLine.end).trim() !== '') return null;
  if (text.slice(closeLine.start, close).trim() !== '' || text.slice(close + 1, closeLine.end).trim() !== '') return null;
  if (closeLine.start <= openLine.end || hasMultilineString(comp)) return null;
  const openIndent = indentAt(text, open);
  const firstIndent = indentAt(text, openLine.end);
  if (!firstIndent.startsWith(openIndent) || firstIndent.length <= openIndent.length) return null;
  return {
    openLineStart: openLine.start,
    closeLineStart: closeLine.start,
    closeLineEnd: closeLine.end,
    inner: reindent(text.slice(openLine.end, closeLine.start), firstIndent, openIndent),
    closeIndent: indentAt(text, closeLine.end),
    eol: text.slice(lineEndOf(text, open), openLine.end),
  };
}
