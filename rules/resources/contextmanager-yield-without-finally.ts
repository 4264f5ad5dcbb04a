import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { contains, decoratorCallee, decoratorsOf, findDescendants, isNestedScope } from '../../server/analysis';
import { blockIndentUnit, eolOf, hasMultilineString, indentAt, indentLines, lineEndOf, lineStartOf, ownsLines, replaceRange } from '../../server/fixes';

const DECORATORS = new Set(['contextlib.contextmanager', 'contextlib.asynccontextmanager']);
/**
 * Every form of the fix changes behaviour: the statements after `yield` ran only when the with-block
 * succeeded, and in `finally` they also run when it raises (a doctest that raises through the block now
 * prints the manager's "Finished" line). That is the point of the fix, but it is for the author to accept.
 */
const ALSO_ON_ERROR =
  'the statements after `yield` then also run when the with-block raises (a log line, a timer report or a restore now happens on errors too); check that is wanted';
const SUCCESS_ONLY_REASON =
  'the statements after `yield` then also run when the with-block raises, and they look like work meant only for success (a commit or a save should not run then)';
/** Post-yield work that should happen only on success: wrapping it in `finally` would also run it on errors. */
const SUCCESS_ONLY = /\b(commit|save|write|dump|flush|send|publish|upload|push|persist|store|insert|put|submit|execute|apply|complete)\w*\s*\(/;
/** Calls that undo or release something: the usual content of a `finally`. */
const CLEANUP_CALL =
  /(^|\.)(close|aclose|release|restore|reset\w*|pop|popitem|remove\w*|discard|unlink|rmtree|rmdir|chdir|setstate|set_\w+|stop|shutdown|cancel|unregister|unpatch|undo|exit|__exit__|terminate|join|clear|delete\w*|cleanup|teardown|disconnect|unlock|print|debug|info|warning|log|append|perf_counter|monotonic|time)$/;

/** The statement only restores or releases state (assignments, deletes, cleanup-style calls, logging). */
function isCleanupLike(stmt: Node): boolean {
  if (stmt.type === 'delete_statement' || stmt.type === 'pass_statement') return true;
  if (stmt.type !== 'expression_statement') return false;
  let e = stmt.namedChild(0);
  if (e?.type === 'await') e = e.namedChild(0);
  if (e?.type === 'assignment' || e?.type === 'augmented_assignment') return true;
  if (e?.type !== 'call') return false;
  return CLEANUP_CALL.test(e.childForFieldName('function')?.text ?? '');
}

/** The statement directly in `block` that contains node. */
function statementIn(block: Node, node: Node): Node | null {
  for (const s of block.namedChildren) {
    if (s && contains(s, node)) return s;
  }
  return null;
}

/** The yield is inside a try with a finally or an except clause (cleanup on error is handled), or a with block. */
function isProtected(y: Node, body: Node): boolean {
  for (let n = y.parent; n && !n.equals(body); n = n.parent) {
    if (n.type === 'try_statement') {
      const tryBody = n.childForFieldName('body');
      if (tryBody && contains(tryBody, y)) {
        if (n.namedChildren.some((c) => c?.type === 'finally_clause' || c?.type === 'except_clause')) return true;
      }
    }
    if (n.type === 'with_statement') return true;
  }
  return false;
}

/** Calls that commit the with-block's result: run only when the block succeeded. */
const COMMIT_STEP = /(^|\.)(commit|save|save_\w+|make_archive|publish|upload|persist|finalize|rename|replace)$/;

export default defineRule({
  id: 'contextmanager-yield-without-finally',
  title: '@contextmanager whose yield is not protected by try/finally',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'context-managers',
  message: 'The code after `yield` is skipped when the with-block raises; put it in a `finally`',
  docs: {
    why:
      'In a `@contextmanager` generator, an exception raised inside the `with` block is re-raised at the `yield`. ' +
      'Statements after the `yield` that are not in a `finally` (or an `except`) therefore never run on error: ' +
      'timers do not report, state is not restored, files and locks are not released.',
    instead:
      'Wrap the `yield` in `try:` and move the cleanup into `finally:`. Work that must happen only on success ' +
      '(a commit) belongs in a `try/except/else` instead. The quick fix is unsafe by nature: what follows the ' +
      '`yield` then also runs when the block raises, which is the intent for cleanup but a change all the same.',
    example: {
      before: '@contextmanager\ndef timer(name):\n    t0 = time.perf_counter()\n    yield\n    log(name, time.perf_counter() - t0)',
      after:
        '@contextmanager\ndef timer(name):\n    t0 = time.perf_counter()\n    try:\n        yield\n    finally:\n        log(name, time.perf_counter() - t0)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Wrap the yield in try/finally',
    reason: ALSO_ON_ERROR,
    forms: [
      { safety: 'unsafe', when: 'when the statements after `yield` look like work for success only (commit, save, write...)', reason: SUCCESS_ONLY_REASON },
    ],
  },
  query: `(decorated_definition (decorator) definition: (function_definition name: (identifier) @name body: (block) @body) @fn)`,
  check(m, ctx) {
    const fn = m.need('fn');
    if (!decoratorsOf(fn).some((d) => DECORATORS.has(ctx.facts.qualifiedName(decoratorCallee(d)) ?? ''))) return;
    const body = m.need('body');
    const yields = findDescendants(body, (n) => n.type === 'yield', isNestedScope);
    if (yields.length !== 1) return; // several yields: an unusual manager, leave it
    const y = yields[0];
    if (isProtected(y, body)) return;
    // Is there anything after the yield that would be skipped?
    let stmt: Node | null = y;
    while (stmt && stmt.parent && stmt.parent.type !== 'block') stmt = stmt.parent;
    if (!stmt) return;
    let after = false;
    for (let s: Node | null = stmt; s && !s.equals(body); s = s.parent) {
      if (s.parent?.type === 'block') {
        let next = s.nextNamedSibling;
        while (next?.type === 'comment') next = next.nextNamedSibling;
        if (next) after = true;
      }
    }
    if (!after) return;
    // Post-yield checks (`assert`, `raise`) validate a successful block: skipping them on error is intended.
    const postYield = findDescendants(
      body,
      (n) => n.startIndex >= y.endIndex && (n.type === 'assert_statement' || n.type === 'raise_statement'),
      isNestedScope,
    );
    if (postYield.length > 0) return;
    // A commit step after the yield (save, archive, publish the block's result) must NOT run when the block
    // failed: moving it into `finally` would commit half-done work, so the plain yield is the intended form.
    const commits = findDescendants(
      body,
      (n) => n.startIndex >= y.endIndex && n.type === 'call' && COMMIT_STEP.test(n.childForFieldName('function')?.text ?? ''),
      isNestedScope,
    );
    if (commits.length > 0) return;
    const name = m.need('name').text;
    const message = `\`${name}\`: the code after \`yield\` does not run when the with-block raises; wrap the \`yield\` in \`try\`/\`finally\``;
    // The fix: yield statement directly in the body, followed by plain statements.
    const top = statementIn(body, y);
    if (!top || !top.equals(stmt) || !ownsLines(ctx.text, top)) {
      ctx.report({ node: y, message });
      return;
    }
    const rest: Node[] = [];
    for (let s = top.nextNamedSibling; s; s = s.nextNamedSibling) {
      if (s.startIndex >= lineEndOf(ctx.text, top.endIndex)) rest.push(s); // a trailing comment stays with the yield
    }
    const tail = rest.filter((s) => s.type !== 'comment');
    const unsafe =
      tail.some(
        (s) =>
          hasMultilineString(s) ||
          findDescendants(s, (n) => ['return_statement', 'break_statement', 'continue_statement', 'yield'].includes(n.type), isNestedScope).length > 0,
      ) || hasMultilineString(top);
    if (unsafe || tail.length === 0) {
      ctx.report({ node: y, message });
      return;
    }
    const indent = indentAt(ctx.text, top.startIndex);
    const unit = blockIndentUnit(ctx.text, fn);
    const eol = eolOf(ctx.text);
    const yieldStart = lineStartOf(ctx.text, top.startIndex);
    const yieldEnd = lineEndOf(ctx.text, top.endIndex);
    const restStart = lineStartOf(ctx.text, rest[0].startIndex);
    const restEnd = lineEndOf(ctx.text, rest[rest.length - 1].endIndex);
    const between = ctx.text.slice(yieldEnd, restStart);
    const replacement =
      `${indent}try:${eol}` +
      indentLines(ctx.text, yieldStart, yieldEnd, unit) +
      between.replace(/[ \t]+$/, '') +
      `${indent}finally:${eol}` +
      indentLines(ctx.text, restStart, restEnd, unit);
    const successOnly = tail.some((s) => SUCCESS_ONLY.test(s.text)) || !tail.every(isCleanupLike);
    ctx.report({
      node: y,
      message,
      edits: [replaceRange(yieldStart, restEnd, replacement)],
      reason: successOnly ? SUCCESS_ONLY_REASON : ALSO_ON_ERROR,
    });
  },
});
