import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  docstringOf,
  enclosingClass,
  enclosingDef,
  findDescendants,
  inTestFunction,
  isPrivateModule,
  isTestFile,
  isVariable,
  parameterAnnotation,
  parameterNames,
} from '../../server/analysis';
import { bareText, commentsIn, hasCommentBetween, indentAt, lineEndOf, lineStyle, replaceNode, wrapLine } from '../../server/fixes';

// Only operators whose flip is the exact negation: `a <= b` is not `not (a > b)` for sets or NaN.
const INVERSE: Record<string, string> = { '==': '!=', '!=': '==', in: 'not in', 'not in': 'in', is: 'is not', 'is not': 'is' };
/** Functions whose job is to assert (`assert_fn`, `assert_int_or_pair`, `checkShapes`): callers expect AssertionError. */
const ASSERTION_HELPER = /^_?(assert|check|expect|verify)(_|[A-Z]|$)/;
/** A trailing comment saying the assert is there for the type checker (`# make mypy happy`). */
const FOR_TYPE_CHECKER = /mypy|pyright|pyre\b|type[ -]?check|typing|#\s*type(:|\s*$)/i;
const PRIMARY = new Set(['identifier', 'call', 'attribute', 'subscript', 'parenthesized_expression', 'true', 'false', 'none']);

export default defineRule({
  id: 'assert-for-runtime-validation',
  title: 'assert used to validate inputs or data in non-test code',
  category: 'security',
  // A robustness note, not a cost (and projects often choose asserts on purpose): a hint, seen in the editor
  // but not in the Problems panel or the CLI's default output (`--impact all` shows it).
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'dynamic-code-and-security',
  // Ruff's S101 and Bandit's B101 flag the same assert: removed under `python -O`.
  peers: { ruff: ['S101'], bandit: ['B101', 'assert_used'] },
  message: '`assert` validating an argument disappears under `python -O`; raise an exception instead',
  docs: {
    why:
      'Python removes `assert` statements when run with `-O` or `PYTHONOPTIMIZE` (common in production images and ' +
      'some launchers), so input checks written as asserts silently stop running, and bad shapes or values flow ' +
      "on into training or inference. Reported for asserts on a public function's parameters among the checks at the " +
      'top of its body, outside test code; asserts on internal invariants (later in the body, on local values), in ' +
      "private helpers, in assertion helpers (`assert_*`, `check_*`) and in tests are left alone, and so are asserts that only repeat a parameter's annotation " +
      '(`assert isinstance(p, T)` for `p: T`, `assert p is not None` when the annotation excludes None), which typed ' +
      'code writes for the type checker, and asserts in a function whose docstring documents `AssertionError` (callers ' +
      'and tests rely on that exception).',
    instead: 'Check explicitly and raise a meaningful exception: `if X.shape[1] != 10: raise ValueError("Expected 10 features")`.',
    example: {
      before: 'def preprocess(X):\n    assert X.shape[1] == 10, "Expected 10 features"',
      after: 'def preprocess(X):\n    if X.shape[1] != 10:\n        raise ValueError("Expected 10 features")',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Raise ValueError (or TypeError) instead',
    reason:
      'the failure becomes a ValueError / TypeError instead of an AssertionError (code or tests catching AssertionError change), and the check now also runs under -O',
  },
  query: `(assert_statement . (_) @condition) @assert`,
  check(m, ctx) {
    const stmt = m.need('assert');
    const condition = m.need('condition');
    if (isTestFile(ctx.filePath) || inTestFunction(stmt)) return;
    if (isPrivateModule(ctx.filePath)) return; // `_parser.py`, `_internal/`, `_vendor/`: internal contracts
    const def = enclosingDef(stmt);
    if (!def) return; // module-level asserts check the environment, not inputs
    const name = def.childForFieldName('name')?.text ?? '';
    if (name.startsWith('_') && !/^__\w+__$/.test(name)) return; // private helpers: internal contracts
    if (ASSERTION_HELPER.test(name)) return; // asserting is the function's contract
    const cls = enclosingClass(def);
    if (cls?.childForFieldName('name')?.text.startsWith('_')) return;
    if (!isPrecondition(stmt, def)) return; // mid-function asserts check internal invariants
    // `Raises: AssertionError: If z_a and z_b differ in shape.` (lightly's losses): the documented exception is the
    // contract callers and tests rely on; raising ValueError instead would break them.
    if (/\bAssertionError\b/.test(docstringOf(def) ?? '')) return;
    if (/^(false|0)$/i.test(condition.text) || underTypeChecking(stmt)) return;
    if (abstractStub(stmt)) return;
    const params = parameterNames(def).filter((p) => p !== 'self' && p !== 'cls');
    // isVariable: `self.ready` and `f(ready=1)` do not read the parameter `ready`.
    const checked = findDescendants(
      condition,
      (n) => n.type === 'identifier' && params.includes(n.text) && isVariable(n),
      (n) => n.type === 'lambda',
    );
    const direct = condition.type === 'identifier' && params.includes(condition.text);
    if (!direct && checked.length === 0) return;
    if (restatesAnnotation(def, condition)) return; // narrowing for the type checker, already the declared contract
    if (isNarrowing(condition) && commentsIn(ctx.facts, stmt.startIndex, lineEndOf(ctx.text, stmt.endIndex)).some((c) => FOR_TYPE_CHECKER.test(c))) return;
    // Last: a nested helper is internal by construction, unless the outer function hands it out (a decorator's wrapper).
    const outer = enclosingDef(def);
    if (outer && !returnsName(ctx.text, outer.childForFieldName('body')!, name)) return;
    const param = direct ? condition.text : checked[0].text;
    ctx.report({
      node: stmt,
      message: `\`assert\` validating \`${param}\` is removed under \`python -O\`; use \`if ...: raise ${errorFor(condition)}(...)\``,
      edits: fixFor(ctx, stmt, condition) ?? undefined,
    });
  },
});

/**
 * The assert sits among the checks at the top of the function: only a docstring, other asserts,
 * `if ...: raise` guards, imports and `self.x = ...` stores come before it.
 */
function isPrecondition(stmt: Node, def: Node): boolean {
  const body = def.childForFieldName('body');
  if (!stmt.parent?.equals(body!)) return false;
  for (let s = body!.firstNamedChild; s && !s.equals(stmt); s = s.nextNamedSibling) {
    if (s.type === 'comment' || s.type === 'assert_statement' || s.type === 'import_statement' || s.type === 'import_from_statement') continue;
    if (s.type === 'expression_statement') {
      const e = s.namedChild(0);
      if (e?.type === 'string') continue; // docstring
      if (e?.type === 'assignment' && e.childForFieldName('left')?.type === 'attribute' && /^self\./.test(e.childForFieldName('left')!.text)) continue;
      return false;
    }
    if (s.type === 'if_statement') {
      const block = s.childForFieldName('consequence');
      const only = block?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
      if (only.length === 1 && only[0]!.type === 'raise_statement' && !s.namedChildren.some((c) => c?.type === 'elif_clause' || c?.type === 'else_clause'))
        continue;
    }
    return false;
  }
  return true;
}

/**
 * Some `return <name>` in the body (nested defs included). The body's text is asked first: walking a whole outer def
 * from JS for its return statements was the slowest check of a keystroke in a decorator's wrapper (0.2-0.3 ms on
 * typing.py), and most outer defs never spell `return <name>`; only one that does is walked for the exact answer.
 */
function returnsName(text: string, body: Node, name: string): boolean {
  if (/^[A-Za-z_]\w*$/.test(name) && !new RegExp(`\\breturn[\\s\\\\]+${name}\\b`).test(text.slice(body.startIndex, body.endIndex))) return false;
  return findDescendants(body, (n) => n.type === 'return_statement' && n.namedChild(0)?.text === name).length > 0;
}

function underTypeChecking(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'if_statement' && /TYPE_CHECKING/.test(p.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

function fixFor(ctx: RuleContext, stmt: Node, condition: Node) {
  if (hasCommentBetween(ctx.facts, stmt.startIndex, stmt.endIndex)) return null;
  const parts = stmt.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const message = parts[1];
  // The statement must start its line (not `x = 1; assert ...`).
  const lineStart = ctx.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  if (ctx.text.slice(lineStart, stmt.startIndex).trim() !== '') return null;
  const negated = negate(condition);
  if (!negated || /[\r\n]/.test(negated)) return null;
  const msg = message ? bareText(message) : pythonString(`expected ${condition.text}`);
  if (!message && /[\r\n]/.test(condition.text)) return null;
  const indent = indentAt(ctx.text, stmt.startIndex);
  const style = lineStyle(ctx.facts, ctx.settings.lineLength);
  const inner = indent + style.unit;
  const header = wrapLine(`if ${negated}:`, indent, style);
  return [replaceNode(stmt, `${header}${style.eol}${inner}${wrapLine(`raise ${errorFor(condition)}(${msg})`, inner, style)}`)];
}

/** The exception the fix raises: TypeError for a type check, ValueError otherwise. */
function errorFor(condition: Node): 'TypeError' | 'ValueError' {
  // `assert isinstance(x, T)` and `assert not isinstance(x, T)` are both type checks.
  const tested = condition.type === 'not_operator' ? condition.childForFieldName('argument') : condition;
  const typeCheck = tested?.type === 'call' && /^(isinstance|issubclass|callable)$/.test(tested.childForFieldName('function')?.text ?? '');
  return typeCheck ? 'TypeError' : 'ValueError';
}

/** `isinstance(x, T)` or `x is not None`: the forms a type checker narrows on. */
function isNarrowing(condition: Node): boolean {
  if (condition.type === 'call') return condition.childForFieldName('function')?.text === 'isinstance';
  return condition.type === 'comparison_operator' && condition.namedChild(1)?.type === 'none' && /\bis\s+not\b/.test(condition.text);
}

/** The negation of a condition, written idiomatically where the syntax allows. */
function negate(cond: Node): string | null {
  if (cond.type === 'not_operator') {
    const arg = cond.childForFieldName('argument');
    return arg ? bareText(arg, false) : null;
  }
  if (cond.type === 'comparison_operator') {
    const operands = cond.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const ops = cond.childrenForFieldName('operators').filter((o): o is Node => o !== null);
    if (operands.length === 2 && ops.length >= 1) {
      const op = ops
        .map((o) => o.text)
        .join(' ')
        .replace(/\s+/g, ' ');
      const inv = INVERSE[op];
      if (inv) return `${operands[0].text} ${inv} ${operands[1].text}`;
    }
    return `not (${cond.text})`;
  }
  if (PRIMARY.has(cond.type)) return `not ${cond.text}`;
  return `not (${cond.text})`;
}

function pythonString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The assert repeats the parameter's annotation: `isinstance(p, T)` with `p: T` (or T one member of
 * a `|` union), or `p is not None` with an annotation that does not admit None. Typed code writes
 * these for the type checker; the contract is the signature.
 */
function restatesAnnotation(def: Node, condition: Node): boolean {
  const compact = (t: string) => t.replace(/\s+/g, '');
  if (condition.type === 'call' && condition.childForFieldName('function')?.text === 'isinstance') {
    const [value, type] = condition.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    const annotation = value?.type === 'identifier' ? parameterAnnotation(def, value.text) : null;
    return annotation !== null && type !== undefined && compact(annotation).split('|').includes(compact(type.text));
  }
  if (condition.type === 'comparison_operator' && condition.namedChildCount === 2 && condition.namedChild(1)?.type === 'none') {
    const operators = condition.children
      .filter((c) => c !== null && !c.isNamed)
      .map((c) => c!.text)
      .join(' ');
    const value = condition.namedChild(0)!;
    const annotation = value.type === 'identifier' ? parameterAnnotation(def, value.text) : null;
    return operators === 'is not' && annotation !== null && !/\bNone\b|Optional|\bAny\b|object/.test(annotation);
  }
  return false;
}

/**
 * The assert (with the asserts after it) is followed by `raise NotImplementedError`: an abstract stub that documents
 * what overrides receive, and fails under `python -O` all the same.
 */
function abstractStub(stmt: Node): boolean {
  let next = stmt.nextNamedSibling;
  while (next && (next.type === 'comment' || next.type === 'assert_statement')) next = next.nextNamedSibling;
  return next?.type === 'raise_statement' && /^raise\s+NotImplementedError\b/.test(next.text);
}
