import { defineRule } from '../../server/engine/rule';
import {
  bindingOf,
  calledSelfMethod,
  fileFunctionDef,
  identifiersSpelledInFile,
  occurrences,
  ownReturnStatements,
  scopeOf,
  type FileFacts,
} from '../../server/analysis';
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

// `==` against an array, a Series or a tensor compares element by element, and `if` on the result raises: in a file
// that works with such values, the rewrite may turn a working identity test into an error (review41: a currency's
// `rate()` that returns `1` or a Series, tested with `rate() is 1`).
const ARRAY_LIBRARIES = ['numpy', 'pandas', 'torch', 'tensorflow', 'jax', 'polars', 'cupy', 'xarray', 'dask'];

function importsArrayLibrary(facts: FileFacts): boolean {
  return ARRAY_LIBRARIES.some((module) => facts.importsModule(module));
}

const SINGLETONS = new Set(['true', 'false', 'none']);

/** CPython keeps one object for each int from -5 to 256 (the small-int cache): equal ints there are the same object. */
const SMALL_INT_MIN = -5;
const SMALL_INT_MAX = 256;

/** The value of an integer literal (`-1`, `0x10`, `1_000`), or null for another literal. */
function integerValue(node: Node): number | null {
  const negative = node.type === 'unary_operator' && node.child(0)?.type === '-';
  const digits = node.type === 'unary_operator' ? node.childForFieldName('argument') : node;
  if (digits?.type !== 'integer') return null;
  const value = Number(digits.text.replace(/_/g, '').replace(/^0(?=\d)/, ''));
  return Number.isFinite(value) ? (negative ? -value : value) : null;
}

/** An escape that stands for one character, with its code point: `\\n`, `\\\\`, `\\x41`, `\\u00e9`, `\\101`. */
function escapedCodePoint(escape: string): number | null {
  // `\n`, `\t`, `\\`, `\'`: all stand for characters below 256 (the letter's own code is one of those too).
  if (escape.length === 2 && escape[0] === '\\' && '\\\'"abfnrtv'.includes(escape[1])) return escape.charCodeAt(1);
  const hex = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))$/.exec(escape);
  if (hex) return parseInt(hex[1] ?? hex[2], 16);
  const octal = /^\\([0-7]{1,3})$/.exec(escape);
  return octal ? parseInt(octal[1], 8) : null;
}

/** The text of a string constant without its quotes and prefix. */
function stringBody(node: Node): string {
  const start = node.child(0);
  const end = node.child(node.childCount - 1);
  return start && end ? node.text.slice(start.endIndex - node.startIndex, end.startIndex - node.startIndex) : node.text;
}

/**
 * A string literal CPython answers with a shared object wherever the value comes from: the empty string and every
 * one-character string of the first 256 code points (`'*'`, `'-'`, `'\\n'`) are cached singletons, and so are the empty
 * and one-byte bytes. Not an f-string, a concatenation or a longer string: those are shared only when interned.
 */
function isCachedString(node: Node): boolean {
  if (node.type !== 'string') return false;
  const start = node.child(0);
  const end = node.child(node.childCount - 1);
  if (start?.type !== 'string_start' || end?.type !== 'string_end') return false;
  if (/[fF]/.test(start.text)) return false;
  const body = stringBody(node);
  const chars = [...body];
  if (chars.length <= 1) return chars.length === 0 || (chars[0].codePointAt(0) ?? 256) < 256;
  const point = /[rR]/.test(start.text) ? null : escapedCodePoint(body);
  return point !== null && point < 256;
}

/**
 * Calls that always answer a plain `int`: `len(x)`, `int(v)`, `s.find(sub)`. Not `.count()`: a Series' answers a NumPy
 * integer, which is never the cached object (`pd.Series([1]).count() is 1` is False).
 */
const INT_RESULT_CALLS = /^(?:len|int|ord)$|\.(?:find|rfind|index|rindex)$/;

/** An int expression made of names and int literals: `i`, `batch_no % 10`, `a - b`. */
function isNameArithmetic(node: Node): boolean {
  if (node.type === 'identifier' || node.type === 'integer') return true;
  if (node.type === 'parenthesized_expression') return node.namedChild(0) !== null && isNameArithmetic(node.namedChild(0)!);
  if (node.type !== 'binary_operator') return false;
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  return !!left && !!right && isNameArithmetic(left) && isNameArithmetic(right);
}

/**
 * Why `x is 0` gives the same answer as `x == 0` here, or null: the literal is a string CPython keeps one object for, or a
 * small int (the small-int cache) compared with a name, names' arithmetic, a call known to answer an `int` or an attribute
 * known to hold one. Another attribute or an item keeps the warning: an IntEnum or a NumPy scalar there is never the
 * cached int (`event.button is 1` never matched matplotlib's MouseButton, judged worth fixing in review30; `arr[i] is 0`
 * on a NumPy array).
 */
function worksByCache(literal: Node, other: Node, facts: FileFacts): string | null {
  if (isCachedString(literal)) return CACHED_STRING;
  const value = integerValue(literal);
  if (value === null || value < SMALL_INT_MIN || value > SMALL_INT_MAX) return null;
  const fn = other.type === 'call' ? other.childForFieldName('function') : null;
  return (fn && INT_RESULT_CALLS.test(fn.text)) || isNameArithmetic(other) || isPlainIntAttribute(other, facts) ? CACHED_INT : null;
}

/**
 * Attributes that hold a plain `int` by convention: an array's or a TensorShape's `ndim`/`ndims`, a process's
 * `returncode`, a response's `status_code`/`code`, an OSError's `errno`. Review50's reviewers judged `status.code is not 0`
 * (minigo's Bigtable status, four times) and `v.shape.ndims is 0` (progressive GAN) noise: the test works as written.
 */
const PLAIN_INT_ATTRIBUTES = /^(?:ndims?|returncode|status_code|code|errno|lineno)$/;

/**
 * `obj.attr`, where the attribute's name holds a plain int by convention, or the file sets that same attribute only from
 * `int(...)`, `len(...)` or an int literal (`t_data.track_id = int(float(fields[1]))` before `t_data.track_id is -1`,
 * KITTI's tracking devkit). Not `event.button`: matplotlib passes an IntEnum there.
 */
function isPlainIntAttribute(other: Node, facts: FileFacts): boolean {
  if (other.type !== 'attribute') return false;
  if (PLAIN_INT_ATTRIBUTES.test(other.childForFieldName('attribute')?.text ?? '')) return true;
  const values = assignedValues(other, facts);
  return values.length > 0 && values.every(isIntValued);
}

/**
 * The right-hand sides of the file's `target = ...` statements whose target is spelled as `target` is (a name, or an
 * attribute such as `self.scales`), found from where the file spells its last name rather than by walking the tree.
 */
function assignedValues(target: Node, facts: FileFacts): Node[] {
  const word = target.type === 'attribute' ? target.childForFieldName('attribute')?.text : target.type === 'identifier' ? target.text : undefined;
  if (!word) return [];
  const values: Node[] = [];
  for (const id of identifiersSpelledInFile(facts, word)) {
    const spelled = target.type === 'attribute' ? id.parent : id;
    const assignment = spelled?.parent;
    if (!spelled || spelled.text !== target.text || assignment?.type !== 'assignment') continue;
    if (!assignment.childForFieldName('left')?.equals(spelled)) continue;
    const value = assignment.childForFieldName('right');
    if (value) values.push(value);
  }
  return values;
}

/**
 * `self.scales is 1`, where the file sets `self.scales` to that very int as a placeholder and to something else too (an
 * array): the identity test tells the placeholder from the other value on purpose, and `==` against an array raises in an
 * `if`. rllab's CMA-ES sets `self.scales = 1  # CAVE: 1 is not array(1)`; review51's reviewers judged all six
 * comparisons' `==` advice wrong. With a small int the cache makes the test work in CPython.
 */
function isIntPlaceholder(literal: Node, other: Node, facts: FileFacts): boolean {
  const value = integerValue(literal);
  if (value === null || value < SMALL_INT_MIN || value > SMALL_INT_MAX) return false;
  const values = assignedValues(other, facts);
  return values.some((v) => integerValue(v) === value) && values.some((v) => integerValue(v) === null);
}

/** `int(...)`, `len(...)`, an int literal (`-1`): a plain int. */
function isIntValued(value: Node): boolean {
  if (integerValue(value) !== null) return true;
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  return fn !== null && INT_RESULT_CALLS.test(fn.text);
}

/** A string literal without interpolation: a constant of the code object it is spelled in. */
function isStringConstant(node: Node | null): boolean {
  return node?.type === 'string' && !/^[a-zA-Z]*[fF]/.test(node.text);
}

/**
 * `x` only ever holds string constants of the code: every binding of it is `x = "..."`. In a function, the constants of
 * one code object are stored once, so `x is "YELLOW"` compares the constant with itself (d4rl's CARLA agent sets
 * `traffic_light_color` to "NONE", "YELLOW" or "GREEN" and tests `is not "YELLOW"`, judged noise by both reviewers of
 * review48). A module's name (or a function's `global` one) is bound in other code objects too: there only a literal
 * spelled like an identifier, which CPython interns, is the same object everywhere (EdgeML's labelling tool sets
 * `CURRENT_STATE` to 'PAUSED' or 'PLAY', review49). Not a parameter, an import or a name also changed in place.
 */
function holdsOnlyOwnConstants(other: Node, literal: Node): boolean {
  if (other.type !== 'identifier' || !isStringConstant(literal)) return false;
  const name = other.text;
  // The scope that binds the name: the comparison's function, or (read there, or declared global) an enclosing one or the module.
  let scope = scopeOf(other);
  while (scope.type === 'function_definition') {
    const uses = occurrences(scope, name);
    if (uses.some((u) => u.parent?.type === 'global_statement')) scope = other.tree.rootNode;
    else if (uses.some((u) => bindingOf(u) !== null) || !scope.parent) break;
    else scope = scopeOf(scope.parent);
  }
  if (scope.type !== 'function_definition' && scope.type !== 'module') return false;
  // Bound in another code object than the comparison's: only an interned constant (spelled like an identifier) is shared.
  const own = scope.equals(scopeOf(other));
  if (!own && !/^[A-Za-z_]\w*$/.test(stringBody(literal))) return false;
  let assigned = 0;
  for (const use of occurrences(scope, name)) {
    const parent = use.parent;
    if (parent?.type === 'global_statement' && !own) continue;
    if (parent?.type === 'augmented_assignment' || parent?.type === 'global_statement' || parent?.type === 'nonlocal_statement') return false;
    if (parent?.type === 'delete_statement') return false;
    const binding = bindingOf(use);
    if (!binding) continue;
    if (binding.type !== 'assignment' || !binding.childForFieldName('left')?.equals(use)) return false;
    if (!isStringConstant(binding.childForFieldName('right'))) return false;
    assigned++;
  }
  return assigned > 0;
}

/** Why the identity test with a name that only ever holds string constants works as written. */
const OWN_CONSTANTS =
  'the name only ever holds string constants of this code, which CPython stores once (or interns), so the identity test gives the same answer as `==`; what is left is the SyntaxWarning';

/**
 * Why such comparisons cost little: reviewers of review48 and review49 judged all but one of the comparisons with `''`,
 * `'*'`, `-1` or `0` not worth a change (the code behaves as written; only the SyntaxWarning is left), against a quarter
 * of those with other literals.
 */
const CACHED_STRING =
  'CPython keeps one shared object for this value, so the identity test gives the same answer as `==` here; what is left is the SyntaxWarning (and other Python implementations)';
const CACHED_INT =
  'CPython keeps one object for each int from -5 to 256, so for a plain `int` the identity test gives the same answer as `==`; what is left is the SyntaxWarning (a NumPy integer or an IntEnum would not match)';

const PLACEHOLDER =
  'the identity test tells an int placeholder the code sets from its other values, and the small-int cache makes it work in CPython; what is left is the SyntaxWarning';

/** `a < b <= 100.0 is False`: Python reads the chain as `a < b and b <= 100.0 and 100.0 is False`. */
function chainMessage(cmp: Node, op: Node, left: Node, right: Node): string {
  const pair = `${left.text} ${op.text} ${right.text}`;
  const head = cmp.text.slice(0, op.startIndex - cmp.startIndex).trimEnd();
  // A literal is never the same object as True, False or None.
  const always = [left, right].some((n) => SINGLETONS.has(n.type)) ? ` (always ${op.type === 'is' ? 'false' : 'true'})` : '';
  const negate = right.type === 'false' || (right.type === 'true' && op.type === 'is not');
  const advice = negate ? `write \`not (${head})\`` : 'parenthesise the part the identity test is about';
  return `In this chained comparison Python also tests \`${pair}\` on its own${always}; ${advice}`;
}

/**
 * The def a called operand runs, when the file shows it: `self.rate()` in a method of the class that defines `rate`,
 * or `rate()` of a function of the file.
 */
function calledDefinition(operand: Node): Node | null {
  if (operand.type !== 'call') return null;
  const fn = operand.childForFieldName('function');
  return fn?.type === 'identifier' ? fileFunctionDef(fn, operand) : calledSelfMethod(operand);
}

/** The def returns `literal` itself on one path and something else on another: `is` tells its two kinds of result apart. */
function returnsLiteralAsMarker(def: Node, literal: Node): boolean {
  const values = ownReturnStatements(def).map((r) => r.namedChild(0));
  return values.some((v) => v?.text === literal.text) && values.some((v) => v !== null && v !== undefined && !isValueLiteral(v));
}

/** The reason an identity test with `literal` works as written, as a report's lowImpact, or nothing. */
function lowImpactOf(literal: Node, other: Node, facts: FileFacts): { lowImpact?: string } {
  const cached = worksByCache(literal, other, facts);
  if (cached) return { lowImpact: cached };
  return holdsOnlyOwnConstants(other, literal) ? { lowImpact: OWN_CONSTANTS } : {};
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
      'for the same value. CPython 3.8+ reports it as a `SyntaxWarning`. Where CPython keeps one object for the value ' +
      "(`''` and one-character strings, or a small int compared with a plain name, what `len()` returns or an attribute " +
      'that holds a plain int such as `proc.returncode`) the test works there today, ' +
      'so the finding is a hint: only the warning, and other interpreters, are at stake.',
    instead: 'Use `==` and `!=` for values. Keep `is` for singletons: `None`, `True`, `False`, `...` and sentinels you created.',
    example: { before: 'if status is 200:\n    ...', after: 'if status == 200:\n    ...' },
  },
  fix: {
    safety: 'safe',
    title: 'Compare with == / !=',
    forms: [
      {
        safety: 'unsafe',
        when: 'when the file imports NumPy, pandas, PyTorch, TensorFlow, JAX or another array library',
        reason: '`==` compares an array, Series or tensor element by element, and an `if` on the result raises',
      },
    ],
  },
  // A wrong comparison is a bug wherever it runs: review30 judged `event.button is 1` in a book's experiments folder worth
  // fixing (matplotlib passes an enum there, so the click handler never fires), as were all 22 earlier findings.
  mattersAnywhere: true,
  query: `(comparison_operator operators: ["is" "is not"] @op) @cmp`,
  keywords: ['is'],
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
    if (!literal || !left || !right) return;
    const range = { start: Math.min(op.startIndex, literal.startIndex), end: Math.max(op.endIndex, literal.endIndex) };
    // In a chain the identity test is a separate link; `==` keeps the chain's bug (review41: expan's
    // `0.0 < percentile <= 100.0 is False`, whose check never raises). Advice only.
    if (children.length > 3) {
      ctx.report({ ...range, message: chainMessage(cmp, op, left, right) });
      return;
    }
    const other = literal.equals(left) ? right : left;
    const called = calledDefinition(other);
    if (called) ctx.restsOn(called);
    if (called && returnsLiteralAsMarker(called, literal)) {
      const name = other.childForFieldName('function')?.text ?? other.text;
      ctx.report({
        ...range,
        message: `\`${name}()\` returns \`${literal.text}\` on some paths and another value on others: tell them apart with \`isinstance\` (\`==\` against an array or Series compares element by element)`,
      });
      return;
    }
    if (isIntPlaceholder(literal, other, ctx.facts)) {
      const test = `${op.type === 'is not' ? 'not ' : ''}isinstance(${other.text}, int)`;
      ctx.report({
        ...range,
        message:
          `\`${other.text}\` is set to the placeholder \`${literal.text}\` and to other values: \`${op.text} ${literal.text}\` tells them apart by identity, ` +
          `which the small-int cache makes work in CPython; \`${test}\` says so without the SyntaxWarning (\`==\` against an array raises in an \`if\`)`,
        lowImpact: PLACEHOLDER,
      });
      return;
    }
    const negated = op.type === 'is not';
    const replacement = negated ? '!=' : '==';
    const arrays = importsArrayLibrary(ctx.facts);
    ctx.report({
      ...lowImpactOf(literal, other, ctx.facts),
      ...range,
      message: `\`${op.text}\` compares identity with the literal \`${literal.text.length > 30 ? literal.text.slice(0, 27) + '...' : literal.text}\`; use \`${replacement}\``,
      edits: [replaceRange(op.startIndex, op.endIndex, replacement)],
      ...(arrays ? { safety: 'unsafe' as const, reason: '`==` compares an array, Series or tensor element by element, and an `if` on the result raises' } : {}),
    });
  },
});
