import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { findDescendants, isNestedScope } from '../../server/analysis';
import { lineEndOf, lineStartOf, replaceRange } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

export default defineRule({
  id: 'leftover-profile-decorator',
  title: '@profile from line_profiler or memory_profiler left in code',
  category: 'debugging',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'profiling',
  message: '`@profile` left in the code: `profile` only exists under kernprof / mprof, so importing the module raises NameError',
  docs: {
    why:
      '`kernprof` and `mprof` inject `profile` as a builtin while they run a script; everywhere else a bare ' +
      '`@profile` raises NameError when the module is imported. A `profile` the file imports itself (from ' +
      '`memory_profiler` or `line_profiler`) is not reported: an explicit import says the profiling is the point, ' +
      'as in a memory benchmark script.',
    instead:
      'Remove the decorator (and its import) once the profiling session is over; profile again by running `kernprof -lv script.py` on a temporary copy or a branch.',
    example: {
      before: '@profile\ndef hot_loop(data):\n    return [x * 2 for x in data]',
      after: 'def hot_loop(data):\n    return [x * 2 for x in data]',
    },
  },
  fix: { safety: 'safe', title: 'Remove @profile' },
  requiresText: /\bprofile\b/,
  query: `
(decorator
  [(identifier) @name
   (attribute attribute: (identifier) @name)
   (call function: [(identifier) @name (attribute attribute: (identifier) @name)])]
  (#eq? @name "profile")) @decorator`,
  check(m, ctx) {
    const decorator = m.need('decorator');
    const inner = decorator.namedChild(0)!;
    const expr = inner.type === 'call' ? inner.childForFieldName('function')! : inner;
    // An imported `profile` (memory_profiler's, line_profiler's, a project's own) is there on purpose: a benchmark
    // script imports memory_profiler's to print its report (category_encoders' examples/benchmarking).
    if (ctx.facts.qualifiedName(expr)) return;
    if (expr.type !== 'identifier' || definesProfile(ctx)) return;
    const edits = removal(ctx, decorator);
    ctx.report({
      node: decorator,
      message: '`@profile` left in the code: `profile` only exists under kernprof / mprof, so importing this module raises NameError; remove it',
      edits: edits ?? undefined,
    });
  },
});

/** The module defines or assigns `profile` itself (a fallback such as `except NameError: def profile(f): return f`). */
function definesProfile(ctx: RuleContext): boolean {
  if (ctx.facts.moduleBindings.has('profile')) return true;
  // A walk of the whole tree: once per lint, not once per decorator.
  let defines = definesProfileMemo.get(ctx.facts);
  if (defines === undefined) definesProfileMemo.set(ctx.facts, (defines = bindsProfileSomewhere(ctx)));
  return defines;
}
const definesProfileMemo = new WeakMap<object, boolean>();

function bindsProfileSomewhere(ctx: RuleContext): boolean {
  return (
    findDescendants(
      ctx.facts.root,
      (n) =>
        ((n.type === 'function_definition' || n.type === 'class_definition') && n.childForFieldName('name')?.text === 'profile') ||
        (n.type === 'assignment' && /\bprofile\b/.test(n.childForFieldName('left')?.text ?? '')) ||
        (n.type === 'attribute' && n.text === 'builtins.profile'),
      (n) => isNestedScope(n) && n.childForFieldName('name')?.text !== 'profile',
    ).length > 0
  );
}

/** Deletes the decorator's line, or null when other code shares it. */
function removal(ctx: RuleContext, decorator: Node): TextEdit[] | null {
  const text = ctx.text;
  const start = lineStartOf(text, decorator.startIndex);
  const endOfLine = lineEndOf(text, decorator.endIndex);
  if (text.slice(start, decorator.startIndex).trim() !== '' || text.slice(decorator.endIndex, endOfLine).trim() !== '') return null;
  let end = endOfLine;
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  return [replaceRange(start, end, '')];
}
