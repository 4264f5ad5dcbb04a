import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { bindersSpelling, FileFacts, identifiersSpelled, scopeOf } from '../../server/analysis';
import { addImportStatement, replaceNode } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

export default defineRule({
  id: 'timing-with-time-time',
  title: 'Elapsed time measured with time.time()',
  category: 'debugging',
  severity: 'hint',
  quietOutsideHotCode: true,
  enabledByDefault: true,
  confidence: 'high',
  guide: 'timing-and-benchmarks',
  message: 'Elapsed time measured with `time.time()`; use `time.perf_counter()` for durations',
  docs: {
    why:
      '`time.time()` is the wall clock: it can jump backwards or forwards when the system clock is adjusted (NTP ' +
      'corrections, a manual change), and its resolution is coarse on some platforms, so short durations come ' +
      'out as 0 or negative. `time.perf_counter()` is monotonic and has the highest available resolution. ' +
      '`time.time()` remains the right call for timestamps (logging, TTLs stored across processes).',
    instead: 'Take both readings with `time.perf_counter()` (or `time.perf_counter_ns()`); for micro-benchmarks use `timeit`.',
    example: {
      before: 't0 = time.time()\nrun()\nprint(time.time() - t0)',
      after: 't0 = time.perf_counter()\nrun()\nprint(time.perf_counter() - t0)',
    },
  },
  fix: { safety: 'safe', title: 'Use time.perf_counter()' },
  query: `
(binary_operator
  left: [(call) (identifier)] @end
  operator: "-"
  right: (identifier) @start) @elapsed`,
  check(m, ctx) {
    // Both readings are `time.time()` calls: without an import of `time` there are none. (Checked
    // here rather than with `requires`, which would cost files that import time a query pass of their own.)
    if (!ctx.facts.importsModule('time')) return;
    const elapsed = m.need('elapsed');
    const start = m.need('start');
    const end = m.need('end');
    const endCall = isTimeTime(ctx.facts, end) ? end : null;
    const scope = scopeOf(elapsed);
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
    if (!body) return;
    const startTimer = timerVariable(ctx.facts, body, start.text);
    if (!startTimer) return;
    const endTimer = endCall ? null : end.type === 'identifier' ? timerVariable(ctx.facts, body, end.text) : null;
    if (!endCall && !endTimer) return;
    // Safe to switch clocks when the readings are only ever subtracted from each other, and when this one
    // fix switches every reading they are subtracted from: applied alone (a quick fix in the editor), a
    // fix that left `t_pause - t0` with `t_pause` from time.time() would mix the two clocks.
    // (An `end` call is among the readings: it is subtracted from `start`.)
    const readings = connectedReadings(ctx.facts, body, [start.text, ...(endTimer ? [end.text] : [])]);
    const edits = readings ? perfCounterEdits(ctx, readings) : null;
    ctx.report({
      node: elapsed,
      message: `Elapsed time \`${elapsed.text}\` from \`time.time()\` readings; use \`time.perf_counter()\` (monotonic, high resolution) for durations`,
      edits: edits ?? undefined,
    });
  },
});

function isTimeTime(facts: FileFacts, n: Node | null | undefined): boolean {
  if (n?.type !== 'call') return false;
  const args = n.childForFieldName('arguments');
  return facts.calleeName(n) === 'time.time' && (args?.namedChildCount ?? 0) === 0;
}

interface Timer {
  /** The `time.time()` call assigned to the variable. */
  call: Node;
  /** Every read of the variable is an operand of `-` against another time.time() reading. */
  readsOnlySubtracted: boolean;
  /** The other operands of those subtractions: `time.time()` calls and timer variable names. */
  subtractedFrom: Node[];
}

/** A variable bound exactly once in the scope, to `time.time()`. */
function timerVariable(facts: FileFacts, body: Node, name: string): Timer | null {
  const bindings = bindersOf(body, name);
  if (bindings.length !== 1 || bindings[0].type !== 'assignment') return null;
  const right = bindings[0].childForFieldName('right');
  if (!isTimeTime(facts, right)) return null;
  let only = true;
  const subtractedFrom: Node[] = [];
  for (const id of identifiersSpelled(body, name)) {
    if (id.parent?.equals(bindings[0])) continue;
    const p = id.parent;
    if (p?.type !== 'binary_operator' || p.childForFieldName('operator')?.type !== '-') {
      only = false;
      break;
    }
    const other = p.childForFieldName('left')?.equals(id) ? p.childForFieldName('right') : p.childForFieldName('left');
    const otherIsReading = isTimeTime(facts, other) || (other?.type === 'identifier' && other.text !== name && isTimerName(facts, body, other.text));
    if (!otherIsReading) {
      only = false;
      break;
    }
    subtractedFrom.push(other!);
  }
  return { call: right!, readsOnlySubtracted: only, subtractedFrom };
}

/**
 * Every `time.time()` reading connected to the given timer variables by subtraction: their own
 * assignments, the calls subtracted from them, and, through other timer variables they meet, those
 * variables' readings too. Null when one of the timers is used other than in such a subtraction.
 */
function connectedReadings(facts: FileFacts, body: Node, names: string[]): Node[] | null {
  const seen = new Set<string>();
  const calls = new Map<number, Node>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const timer = timerVariable(facts, body, name);
    if (!timer?.readsOnlySubtracted) return null;
    calls.set(timer.call.id, timer.call);
    for (const other of timer.subtractedFrom) {
      if (other.type === 'identifier') pending.push(other.text);
      else calls.set(other.id, other);
    }
  }
  return [...calls.values()].sort((a, b) => a.startIndex - b.startIndex);
}

function isTimerName(facts: FileFacts, body: Node, name: string): boolean {
  const bindings = bindersOf(body, name).filter((n) => n.type === 'assignment');
  return bindings.length === 1 && isTimeTime(facts, bindings[0].childForFieldName('right'));
}

/** Constructs that bind a timer name (any binding other than one assignment disqualifies it). */
const BINDERS = new Set(['assignment', 'augmented_assignment', 'for_statement', 'named_expression']);

/** The bindings of name in body's own scope (what a walk of the body stopping at nested scopes finds). */
function bindersOf(body: Node, name: string): Node[] {
  return bindersSpelling(body, name, BINDERS);
}

/** Edits turning each `time.time()` into `time.perf_counter()`, reusing the file's import style. */
function perfCounterEdits(ctx: RuleContext, calls: Node[]): TextEdit[] | null {
  const module = ctx.facts.importsOf('time').find((b) => b.unconditional && b.target === 'time' && !b.local.startsWith('\0'));
  const direct = ctx.facts.importsOf('time').find((b) => b.unconditional && b.target === 'time.perf_counter');
  let ref: string;
  const edits: TextEdit[] = [];
  if (module) ref = `${module.local}.perf_counter`;
  else if (direct) ref = direct.local;
  else {
    if (ctx.facts.moduleBindings.has('perf_counter') || ctx.facts.binding('perf_counter')) return null;
    ref = 'perf_counter';
    edits.push(...addImportStatement(ctx.facts, 'from time import perf_counter'));
  }
  for (const c of calls) edits.push(replaceNode(c.childForFieldName('function')!, ref));
  return edits;
}
