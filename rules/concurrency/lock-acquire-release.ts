import { defineRule, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import { enclosingFunction, findDescendants, parameterAnnotation, receiverKind, type FileFacts } from '../../server/analysis';
import { fileIndentUnit, hasCommentBetween, indentLines, lineEndOf, lineStartOf, replaceRange, stringInteriorLines } from '../../server/fixes';
import type { FixSafety, TextEdit } from '../../common/types';

const LOCK_NAME = /lock|mutex|sem(aphore)?$|cond(ition)?$/i;

const RELEASED_ON_ERROR = 'without try/finally the lock stays held when the block raises (or returns early); `with` releases it';

export default defineRule({
  id: 'lock-acquire-release',
  title: 'Manual lock.acquire() / lock.release() instead of with lock:',
  category: 'concurrency',
  severity: 'warning',
  severityForms: [
    { severity: 'hint', when: 'when a `try/finally` already releases the lock: `with` is shorter, not safer' },
    {
      severity: 'hint',
      when: 'when the statements between `acquire()` and `release()` call nothing but `len`/`range`-like builtins and never leave early: nothing there is likely to raise',
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'threading',
  // Pylint's consider-using-with flags the same `lock.acquire()` (its calls that could be replaced by a `with`).
  peers: { pylint: ['consider-using-with', 'R1732'] },
  message: 'Manual `acquire()`/`release()`; `with lock:` releases the lock even when the block raises or returns',
  docs: {
    why:
      'Between `lock.acquire()` and `lock.release()`, an exception, an early `return`, `break` or `continue` skips ' +
      'the release, and every other thread then waits on the lock forever. The `try/finally` form is correct but ' +
      'longer and easy to get wrong when edited: it is reported as a hint.',
    instead: 'Use the lock as a context manager: `with lock:` acquires it and always releases it when the block exits.',
    example: {
      before: 'lock.acquire()\nshared.append(x)\nlock.release()  # skipped if append raises',
      after: 'with lock:\n    shared.append(x)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Use with lock:',
    forms: [{ safety: 'unsafe', when: 'when `acquire()` and `release()` bracket statements without a `try`/`finally`', reason: RELEASED_ON_ERROR }],
  },
  query: `
(expression_statement
  (call
    function: (attribute object: (_) @lock attribute: (identifier) @method)
    arguments: (argument_list) @args)
  (#eq? @method "acquire")) @acquire`,
  calls: { names: ['acquire'], depth: 1 },
  // Only a file that spells the word `acquire` can match: elsewhere the engine skips the walk for calls this rule would
  // ask for (the only call-anchored rule of the default set besides the HTTP rules, which are gated on their libraries;
  // without a gate, CPU time on the standard library rose 17 % when the rule joined the default output). A word gate, as
  // the engine carries only those across keystrokes.
  requiresText: /\bacquire\b/,
  check(m, ctx) {
    const acquire = m.need('acquire');
    const lock = m.need('lock');
    if (m.need('args').namedChildren.some((c) => c && c.type !== 'comment')) return; // acquire(timeout=...) returns a flag
    if (lock.type !== 'identifier' && lock.type !== 'attribute') return;
    // The bracket first: it reads only the statements around the call, where the receiver's kind may ask the value layer
    // about the whole file.
    const plan = bracketFor(acquire, lock.text);
    if (!plan || !plainBody(plan.body, lock.text)) return;
    const kind = receiverKind(ctx.facts, lock);
    if (kind !== 'threading.Lock' && !(kind === null && LOCK_NAME.test(lock.text) && !declaredOtherType(lock))) return;
    // The try/finally form already releases on every path: shorter, not safer, so only a hint.
    const guarded = plan.safety === 'safe';
    // tomopy's GPU picker scans a list of flags between the two calls: nothing there calls out or returns, so the lock is
    // released in practice (review71: judged style only, noise, by both reviewers).
    const inert = !guarded && callsNothing(plan.body, ctx.facts);
    const message = guarded
      ? `\`${lock.text}.acquire()\` with \`try/finally\` is correct; \`with ${lock.text}:\` says the same in one line`
      : inert
        ? `Manual \`${lock.text}.acquire()\` / \`release()\` around statements that call nothing and never leave early; \`with ${lock.text}:\` is shorter, and stays safe when they change`
        : `Manual \`${lock.text}.acquire()\` / \`release()\`; \`with ${lock.text}:\` always releases it`;
    const severity = guarded || inert ? ('hint' as const) : undefined;
    const fix = plan.body.length > 0 ? edit(ctx, plan, lock.text) : null;
    if (!fix) {
      ctx.report({ node: acquire, message, severity });
      return;
    }
    ctx.report({
      node: acquire,
      message,
      severity,
      edits: [fix],
      ...(plan.safety === 'unsafe'
        ? {
            safety: 'unsafe' as FixSafety,
            reason: RELEASED_ON_ERROR,
          }
        : {}),
    });
  },
});

/** Statements and expressions that can leave the bracket before the release. */
const LEAVES_EARLY = new Set(['return_statement', 'raise_statement', 'yield', 'await', 'assert_statement']);
/** Builtins that raise only on a programming error, not on data or I/O. */
const INERT_BUILTINS = new Set(['len', 'range', 'enumerate', 'min', 'max', 'abs', 'zip']);

/**
 * The statements call only INERT_BUILTINS, index only by the variable of a `for` over `range(...)` among them (or by a
 * number), and hold no `return`, `raise`, `yield` or `await`: nothing leaves before the release. A key looked up
 * (`d["n"] += 1`) may raise KeyError.
 */
function callsNothing(body: readonly Node[], facts: FileFacts): boolean {
  const counters = new Set(
    body.flatMap((stmt) =>
      [stmt, ...findDescendants(stmt, (n) => n.type === 'for_statement')]
        .filter((n) => n.type === 'for_statement' && /^range\s*\(/.test(n.childForFieldName('right')?.text ?? ''))
        .map((loop) => loop.childForFieldName('left')?.text ?? ''),
    ),
  );
  return body.every(
    (stmt) =>
      ![stmt, ...findDescendants(stmt, (n) => LEAVES_EARLY.has(n.type))].some((n) => LEAVES_EARLY.has(n.type)) &&
      findDescendants(stmt, (n) => n.type === 'subscript').every((sub) => {
        const index = sub.childForFieldName('subscript');
        return index?.type === 'integer' || (index?.type === 'identifier' && counters.has(index.text));
      }) &&
      findDescendants(stmt, (n) => n.type === 'call').every((call) => {
        const fn = call.childForFieldName('function');
        return fn?.type === 'identifier' && INERT_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, call);
      }),
  );
}

/**
 * The lock is a parameter annotated with a type that is not a known lock (`lock_obj: BaseJournalFileLock`): a class
 * with `acquire()`/`release()` need not be a context manager, and `with` on it would raise.
 */
function declaredOtherType(lock: Node): boolean {
  const fn = lock.type === 'identifier' ? enclosingFunction(lock) : null;
  return fn !== null && parameterAnnotation(fn, lock.text) !== null;
}

interface Bracket {
  /** The statements from the acquire through the release (or the try statement). */
  start: number;
  end: number;
  /** The statements the `with` block keeps. */
  body: Node[];
  /** The body statements are one level deeper than the acquire (inside try) already. */
  alreadyIndented: boolean;
  safety: FixSafety;
}

/**
 * The bracketed code only uses the lock the way a `with` body does (notify / wait on a Condition):
 * no other acquire/release (a hand-over-hand protocol) and no inspection of the lock itself (lock tests).
 */
function plainBody(body: Node[], lock: string): boolean {
  for (const stmt of body) {
    if (/\.(acquire|release)\(/.test(stmt.text)) return false;
    let at = stmt.text.indexOf(lock);
    while (at >= 0) {
      const rest = stmt.text.slice(at + lock.length);
      const before = at > 0 ? stmt.text[at - 1] : ' ';
      if (!/[\w.]/.test(before) && !/^\w/.test(rest) && !/^\.(notify|notify_all|wait|wait_for)\(/.test(rest)) return false;
      at = stmt.text.indexOf(lock, at + lock.length);
    }
  }
  return true;
}

function isRelease(n: Node | null, lock: string): boolean {
  return n?.type === 'expression_statement' && n.text.replace(/\s+/g, '') === `${lock}.release()`;
}

/** `try: ... finally: <lock>.release()` with no except/else: its body block, or null. */
function releasingTry(n: Node | null, lock: string): Node | null {
  if (n?.type !== 'try_statement') return null;
  const clauses = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'block' && c.type !== 'comment');
  if (clauses.length !== 1 || clauses[0].type !== 'finally_clause') return null;
  const fin = clauses[0].namedChildren.find((c) => c?.type === 'block');
  const stmts = fin?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  if (stmts.length !== 1 || !isRelease(stmts[0], lock)) return null;
  return n.childForFieldName('body');
}

function statements(block: Node): Node[] {
  return block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function bracketFor(acquire: Node, lock: string): Bracket | null {
  // 1. acquire(); try: ... finally: release()
  let next = acquire.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  const tryBody = releasingTry(next, lock);
  if (tryBody) {
    const body = statements(tryBody);
    return { start: acquire.startIndex, end: next!.endIndex, body, alreadyIndented: true, safety: 'safe' };
  }
  // 2. try: acquire(); ... finally: release()
  const block = acquire.parent;
  const tryStmt = block?.parent;
  if (block?.type === 'block' && tryStmt && releasingTry(tryStmt, lock)?.equals(block) && statements(block)[0]?.equals(acquire)) {
    const body = statements(block).slice(1);
    return { start: tryStmt.startIndex, end: tryStmt.endIndex, body, alreadyIndented: true, safety: 'safe' };
  }
  // 3. acquire(); ...; release() in one suite
  const body: Node[] = [];
  for (let s = acquire.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (isRelease(s, lock)) {
      const stmts = body.filter((b) => b.type !== 'comment');
      if (stmts.length === 0) return null;
      // A nested acquire/release of the same lock in between: not a simple bracket.
      if (stmts.some((b) => b.text.includes(`${lock}.acquire(`) || b.text.includes(`${lock}.release(`))) return null;
      return { start: acquire.startIndex, end: s.endIndex, body: stmts, alreadyIndented: false, safety: 'unsafe' };
    }
    body.push(s);
  }
  return null;
}

function edit(ctx: RuleContext, plan: Bracket, lock: string): TextEdit | null {
  const text = ctx.text;
  const first = plan.body[0];
  const last = plan.body[plan.body.length - 1];
  const from = lineStartOf(text, first.startIndex);
  const to = lineEndOf(text, last.endIndex);
  const end = lineEndOf(text, plan.end);
  // The acquire must start its line, and the body must start on a later line.
  if (text.slice(lineStartOf(text, plan.start), plan.start).trim() !== '' || from <= plan.start) return null;
  // Comments outside the kept body lines would be lost.
  if (hasCommentBetween(ctx.facts, plan.start, from) || hasCommentBetween(ctx.facts, to, end)) return null;
  if (text.slice(plan.end, end).trim() !== '') return null;
  const bodyText = plan.alreadyIndented ? text.slice(from, to) : indentLines(text, from, to, fileIndentUnit(ctx.facts), stringInteriorLines(plan.body, text));
  return replaceRange(plan.start, end, `with ${lock}:${detectEol(text)}${bodyText}`);
}
