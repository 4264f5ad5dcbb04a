import { defineRule, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  definitionOf,
  enclosingClass,
  enclosingDef,
  FileFacts,
  findDescendants,
  functionDefinition,
  isNestedScope,
  keywordValue,
  nextStatement,
  parameterNames,
  receiverKind,
} from '../../server/analysis';
import { indentAt, insertAt, lineStartOf } from '../../server/fixes';

const LOCK_FACTORIES = new Set(['threading.Lock', 'threading.RLock']);
const LOCKISH = /lock|mutex|sem|cond|guard/i;

export default defineRule({
  id: 'thread-shared-state-without-lock',
  title: 'Thread target mutates shared state without a lock',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'threading',
  message: 'Read-modify-write of shared state in code run by several threads, without a lock: updates can be lost',
  docs: {
    why:
      '`counter += 1` is a read, an add and a write: another thread can run between them, so two threads both read ' +
      'the same old value and one update is lost. The GIL does not prevent this (it only makes single bytecodes ' +
      'atomic), and free-threaded builds make it more likely. Flagged when a function given to several threads ' +
      "(`Thread(target=...)` created in a loop, or a thread pool's `map`/`submit`) does an augmented assignment to a " +
      'global, a `self.` attribute or an item of a module-level container, outside any `with <lock>:` block. A thread ' +
      'joined by the statement right after its `start()` runs alone and is not counted.',
    instead:
      'Guard the update with a `threading.Lock` (`with lock: counter += 1`), or let each thread accumulate locally ' +
      'and combine the results afterwards (return values from `executor.map`, or a `queue.Queue`).',
    example: {
      before:
        'counter = 0\n\ndef worker():\n    global counter\n    for _ in range(100_000):\n        counter += 1\n\nthreads = [threading.Thread(target=worker) for _ in range(4)]',
      after:
        'counter = 0\nlock = threading.Lock()\n\ndef worker():\n    global counter\n    for _ in range(100_000):\n        with lock:\n            counter += 1\n\nthreads = [threading.Thread(target=worker) for _ in range(4)]',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Guard the update with the existing lock',
    reason: 'if the lock is already held by the same thread when this runs (a non-reentrant Lock), the thread deadlocks',
  },
  query: `
(call
  function: (attribute object: (_) @pool attribute: (identifier) @method)
  arguments: (argument_list (identifier) @fn)
  (#any-of? @method "map" "submit")) @call
(call
  function: [(identifier) @thread (attribute attribute: (identifier) @thread)]
  arguments: (argument_list (keyword_argument name: (identifier) @kw value: [(identifier) (attribute)] @fn))
  (#eq? @thread "Thread")
  (#eq? @kw "target")) @call`,
  calls: { names: ['map', 'submit', 'Thread'] },
  check(m, ctx) {
    const call = m.need('call');
    const fnExpr = m.need('fn');
    if (m.pattern === 0) {
      const first = call.childForFieldName('arguments')!.namedChildren.find((a) => a && a.type !== 'comment');
      if (!first?.equals(fnExpr)) return;
      const kind = receiverKind(ctx.facts, m.need('pool'));
      if (kind !== 'concurrent.futures.ThreadPoolExecutor' && kind !== 'multiprocessing.ThreadPool') return;
    } else {
      if (ctx.facts.calleeName(call) !== 'threading.Thread' || keywordValue(call, 'target')?.id !== fnExpr.id) return;
      // One thread alone cannot race with itself: require several (created in a loop or comprehension).
      if (!createdRepeatedly(call)) return;
      // Started and joined at once (`t.start()` then `t.join()`): each thread ends before the next begins,
      // so the target never runs concurrently with itself, however often the loop creates one.
      if (joinedRightAfterStart(call)) return;
    }
    const def = targetDefinition(ctx.facts, fnExpr, call);
    if (!def) return;
    // The verdict reads the target's body (its `global` statements and updates): an edit there re-runs this match.
    ctx.restsOn(def);
    for (const update of unguardedUpdates(ctx.facts, def)) {
      const left = update.childForFieldName('left')!;
      const name = def.childForFieldName('name')!.text;
      const lock = existingLock(ctx.facts, def, update);
      ctx.report({
        node: update,
        message: `\`${update.text}\` updates shared \`${left.text}\` in \`${name}\`, which several threads run, without a lock: updates can be lost; wrap it in \`with ${lock ?? 'lock'}:\``,
        edits: lock ? wrapEdits(ctx, update, lock) : undefined,
      });
    }
  },
});

function createdRepeatedly(call: Node): boolean {
  for (let n = call.parent; n && n.type !== 'function_definition' && n.type !== 'module'; n = n.parent) {
    if (/^(for_statement|while_statement|list_comprehension|generator_expression|set_comprehension|dictionary_comprehension)$/.test(n.type)) return true;
  }
  return false;
}

/**
 * `t = Thread(...)` whose next use of `t` in the same block (setting its attributes aside, `t.daemon = True`) is
 * `t.start()` with `t.join()` as the very next statement. A thread starts only once, so this one has finished before
 * anything after the join runs. Anything else (appended to a list, joined later, started elsewhere) is not.
 */
function joinedRightAfterStart(call: Node): boolean {
  const assignment = call.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  const statement = assignment?.parent;
  if (name?.type !== 'identifier' || statement?.type !== 'expression_statement') return false;
  const isCallOf = (st: Node | null, method: string) => {
    const c = st?.type === 'expression_statement' && st.namedChildCount === 1 ? st.namedChild(0) : null;
    const fn = c?.type === 'call' ? c.childForFieldName('function') : null;
    return (
      fn?.type === 'attribute' &&
      fn.childForFieldName('object')?.text === name.text &&
      fn.childForFieldName('attribute')?.text === method &&
      (c!.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment').length ?? 0) === 0
    );
  };
  for (let st = nextStatement(statement); st; st = nextStatement(st)) {
    if (isCallOf(st, 'start')) return isCallOf(nextStatement(st), 'join');
    const uses = findDescendants(st, (n) => n.type === 'identifier' && n.text === name.text);
    const setsAttribute = (n: Node) =>
      n.parent?.type === 'attribute' && n.parent.parent?.type === 'assignment' && n.parent.parent.childForFieldName('left')?.equals(n.parent);
    if (uses.some((n) => !setsAttribute(n))) return false;
  }
  return false;
}

/** The def a `target=`/map argument names: a function of this file, or `self.method` of the enclosing class. */
function targetDefinition(facts: FileFacts, expr: Node, at: Node): Node | null {
  if (expr.type === 'identifier') return functionDefinition(facts, expr.text, at);
  if (expr.type !== 'attribute' || expr.childForFieldName('object')?.text !== 'self') return null;
  const method = enclosingDef(at);
  const cls = method ? enclosingClass(method) : null;
  const attr = expr.childForFieldName('attribute')?.text;
  const body = cls?.childForFieldName('body');
  if (!body || !attr) return null;
  const defs = body.namedChildren
    .map((c) => c && definitionOf(c))
    .filter((c): c is Node => c?.type === 'function_definition' && c.childForFieldName('name')?.text === attr);
  return defs.length === 1 ? defs[0] : null;
}

/** Augmented assignments to shared state in def's own body that no lock guards. */
function unguardedUpdates(facts: FileFacts, def: Node): Node[] {
  const body = def.childForFieldName('body');
  if (!body) return [];
  // Manual acquire()/release() anywhere: too hard to follow, stay silent.
  if (body.text.includes('.acquire(')) return [];
  const globals = new Set<string>();
  for (const g of findDescendants(body, (n) => n.type === 'global_statement' || n.type === 'nonlocal_statement', isNestedScope)) {
    for (const id of g.namedChildren) if (id?.type === 'identifier') globals.add(id.text);
  }
  const selfName = parameterNames(def)[0];
  const isMethod = enclosingClass(def) !== null && selfName === 'self';
  const locals = localNames(body);
  const out: Node[] = [];
  for (const update of findDescendants(body, (n) => n.type === 'augmented_assignment', isNestedScope)) {
    const left = update.childForFieldName('left');
    if (!left || guardedByLock(update, def, facts)) continue;
    let shared = false;
    if (left.type === 'identifier') shared = globals.has(left.text);
    else if (left.type === 'attribute') shared = isMethod && left.childForFieldName('object')?.text === 'self';
    else if (left.type === 'subscript') {
      const base = left.childForFieldName('value');
      shared = base?.type === 'identifier' && !locals.has(base.text) && !parameterNames(def).includes(base.text) && facts.moduleBindings.has(base.text);
    }
    if (shared) out.push(update);
  }
  return out;
}

function localNames(body: Node): Set<string> {
  const names = new Set<string>();
  for (const a of findDescendants(body, (n) => n.type === 'assignment' || n.type === 'for_statement', isNestedScope)) {
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') names.add(left.text);
  }
  return names;
}

/**
 * Inside a `with` whose context manager looks like a lock: by name, or a module-level name bound to `threading.Lock()`
 * (the lock the fix itself writes, whatever it is called).
 */
function guardedByLock(node: Node, def: Node, facts: FileFacts): boolean {
  for (let n = node.parent; n && !n.equals(def); n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of n.descendantsOfType('with_item')) {
      const value = item?.childForFieldName('value');
      const expr = value?.type === 'as_pattern' ? value.namedChild(0) : value;
      if (expr && (LOCKISH.test(expr.text) || (expr.type === 'identifier' && moduleLocks(facts).includes(expr.text)))) return true;
    }
  }
  return false;
}

/** A lock the file already has: `self._lock` of the class, or a module-level `lock = threading.Lock()`. */
function existingLock(facts: FileFacts, def: Node, update: Node): string | null {
  const cls = enclosingClass(def);
  const left = update.childForFieldName('left')!;
  if (cls && left.type === 'attribute') {
    for (const a of findDescendants(cls, (n) => n.type === 'assignment')) {
      const target = a.childForFieldName('left');
      const value = a.childForFieldName('right');
      if (
        target?.type === 'attribute' &&
        target.childForFieldName('object')?.text === 'self' &&
        value?.type === 'call' &&
        LOCK_FACTORIES.has(facts.calleeName(value) ?? '')
      ) {
        return target.text;
      }
    }
    return null;
  }
  const candidates = moduleLocks(facts);
  return candidates.length === 1 && !parameterNames(def).includes(candidates[0]) ? candidates[0] : null;
}

/** Module-level names assigned a `threading.Lock()` or `RLock()`. */
function moduleLocks(facts: FileFacts): string[] {
  const names: string[] = [];
  for (const stmt of facts.root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const target = a.childForFieldName('left');
    const value = a.childForFieldName('right');
    if (target?.type === 'identifier' && value?.type === 'call' && LOCK_FACTORIES.has(facts.calleeName(value) ?? '')) names.push(target.text);
  }
  return names;
}

function wrapEdits(ctx: RuleContext, update: Node, lock: string) {
  const stmt = update.parent;
  if (stmt?.type !== 'expression_statement') return undefined;
  // Only a statement alone on its line(s) can be wrapped by indenting it.
  const lineStart = lineStartOf(ctx.text, stmt.startIndex);
  if (ctx.text.slice(lineStart, stmt.startIndex).trim() !== '') return undefined;
  if (stmt.startPosition.row !== stmt.endPosition.row) return undefined;
  const indent = indentAt(ctx.text, stmt.startIndex);
  const unit = indent.includes('\t') ? '\t' : '    ';
  const eol = detectEol(ctx.text);
  return [insertAt(lineStart, `${indent}with ${lock}:${eol}${unit}`)];
}
