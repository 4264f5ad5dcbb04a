import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { contains, findDescendants, isNestedScope } from '../../server/analysis';
import { lineEndOf, lineStartOf, replaceRange } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const PROFILERS = new Set(['memory_profiler.profile', 'line_profiler.profile']);

const MEMORY_REPORT_GOES = "memory_profiler's @profile prints a memory report on every call; that output goes away";

export default defineRule({
  id: 'leftover-profile-decorator',
  title: '@profile from line_profiler or memory_profiler left in code',
  category: 'debugging',
  severity: 'warning',
  severityForms: [
    { severity: 'info', when: 'when the decorator is imported (line_profiler, memory_profiler): the module still runs, but every call is profiled' },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'profiling',
  message: '`@profile` left in the code: a NameError outside kernprof / mprof, or profiling overhead when imported',
  docs: {
    why:
      '`kernprof` and `mprof` inject `profile` as a builtin while they run a script; everywhere else a bare ' +
      '`@profile` raises NameError when the module is imported (warning). When it is imported from ' +
      '`memory_profiler`, every call is slowed down by line-by-line memory tracking and prints a report (info); ' +
      "`line_profiler`'s importable `profile` only costs something when `LINE_PROFILE=1`, but is still debugging residue.",
    instead:
      'Remove the decorator (and its import) once the profiling session is over; profile again by running `kernprof -lv script.py` on a temporary copy or a branch.',
    example: {
      before: '@profile\ndef hot_loop(data):\n    return [x * 2 for x in data]',
      after: 'def hot_loop(data):\n    return [x * 2 for x in data]',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Remove @profile',
    forms: [{ safety: 'unsafe', when: "for memory_profiler's `@profile`", reason: MEMORY_REPORT_GOES }],
  },
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
    const q = ctx.facts.qualifiedName(expr);
    let imported = false;
    if (q) {
      if (!PROFILERS.has(q)) return; // some other `profile` (a project's own decorator)
      imported = true;
    } else {
      if (expr.type !== 'identifier' || definesProfile(ctx)) return;
    }
    const edits = removal(ctx, decorator, imported);
    const message = imported
      ? `\`@${expr.text}\` (${q!.split('.')[0]}) left in the code: it profiles every call; remove it when the profiling session is over`
      : '`@profile` left in the code: `profile` only exists under kernprof / mprof, so importing this module raises NameError; remove it';
    ctx.report({
      node: decorator,
      message,
      severity: imported ? 'info' : undefined,
      edits: edits ?? undefined,
      ...(q === 'memory_profiler.profile' ? { safety: 'unsafe' as const, reason: MEMORY_REPORT_GOES } : {}),
    });
  },
});

/** The module defines or assigns `profile` itself (a fallback such as `except NameError: def profile(f): return f`). */
function definesProfile(ctx: RuleContext): boolean {
  if (ctx.facts.moduleBindings.has('profile')) return true;
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

/** Deletes the decorator's line, and the import of `profile` when only such decorators use it. */
function removal(ctx: RuleContext, decorator: Node, imported: boolean): TextEdit[] | null {
  const text = ctx.text;
  const lines: Array<[number, number]> = [];
  const lineOf = (n: Node): [number, number] | null => {
    const start = lineStartOf(text, n.startIndex);
    const endOfLine = lineEndOf(text, n.endIndex);
    if (text.slice(start, n.startIndex).trim() !== '' || text.slice(n.endIndex, endOfLine).trim() !== '') return null;
    let end = endOfLine;
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
    return [start, end];
  };
  const own = lineOf(decorator);
  if (!own) return null;
  lines.push(own);
  if (imported) {
    const inner = decorator.namedChild(0)!;
    const name = (inner.type === 'call' ? inner.childForFieldName('function')! : inner).text.split('.')[0];
    const binding = ctx.facts.binding(name);
    if (binding && binding.statement.childrenForFieldName('name').length === 1) {
      const others = findDescendants(ctx.facts.root, (n) => n.type === 'identifier' && n.text === name).filter((id) => !contains(binding.statement, id));
      // Every use is a decorator that this rule removes with its whole line.
      const allDecorators = others.every((id) => {
        let d: Node | null = id;
        while (d && d.type !== 'decorator') d = d.parent;
        return d !== null && lineOf(d) !== null;
      });
      const importLine = lineOf(binding.statement);
      if (allDecorators && importLine) lines.push(importLine);
    }
  }
  return lines.map(([s, e]) => replaceRange(s, e, ''));
}
