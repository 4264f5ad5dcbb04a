import { defineRule } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  definitionOf,
  FileFacts,
  findDescendants,
  isNestedScope,
  isPackageModule,
  isNotebookFile,
  isTestFile,
  keywordValue,
  statementStartingBefore,
  targetNames,
} from '../../server/analysis';
import { fileIndentUnit, indentLines, lineEndOf, lineStartOf, stringInteriorLines } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/** Calls that start processes as soon as they run. */
const SPAWNS_ON_CALL = new Set([
  'multiprocessing.Pool',
  'multiprocessing.pool.Pool',
  'multiprocessing.Manager',
  'multiprocessing.spawn',
  'multiprocessing.start_processes',
]);
const EXECUTORS = new Set(['concurrent.futures.ProcessPoolExecutor', 'concurrent.futures.process.ProcessPoolExecutor']);
const PROCESS = 'multiprocessing.Process';
const DATALOADER = 'torch.utils.data.DataLoader';
const CONTEXT_METHODS = new Set(['Pool', 'Manager', 'Process']);

interface Trigger {
  /** The module-level statement that starts processes. */
  statement: Node;
  /** What to highlight. */
  node: Node;
  /** The call the rule's query matched for this trigger (the constructor, or the same-file function call). */
  source: Node;
  message: string;
}

interface Plan {
  triggers: Trigger[];
  /** The triggers by the id of their source call: the check looks its match up here (a file can have thousands of calls). */
  bySource: Map<number, Trigger[]>;
  edits: TextEdit[] | null;
}

const plans = new WeakMap<FileFacts, Plan>();

/**
 * Run as a script (`python train.py`, `python -m pkg.train`), the guarded code runs exactly as before.
 * A module of a package, or a test module, is imported instead: there the wrapped code stops running
 * on import, and the names it binds stop being module attributes.
 */
const IMPORTED_MODULE =
  'this file is imported (a module of a package, or a test module): the wrapped code no longer runs on import, and ' +
  'names it binds are no longer attributes of the module';

export default defineRule({
  id: 'multiprocessing-main-guard',
  title: 'Processes started at module level without if __name__ == "__main__"',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'multiprocessing',
  requires: ['multiprocessing', 'concurrent.futures', 'torch'],
  message: 'Processes are started at module level; put this code under `if __name__ == "__main__":`',
  docs: {
    why:
      'With the `spawn` and `forkserver` start methods, every worker process starts a fresh interpreter and imports ' +
      'your main module again. Module-level code that creates a `Pool`, a `ProcessPoolExecutor`, a `Process`, a ' +
      '`Manager` or a `DataLoader` with workers then runs again in each child, which raises "An attempt has been made ' +
      'to start a new process before the current process has finished its bootstrapping phase". `spawn` is the ' +
      'default on Windows and macOS, and Python 3.14 changed the Linux default from `fork` to `forkserver`, so the ' +
      'guard now matters on every platform. Notebooks are not flagged: a kernel runs every cell as `__main__`, so the ' +
      'guard changes nothing there (functions for spawned workers must live in an importable module instead).',
    instead:
      'Keep imports, functions and classes at module level (workers need them) and put the code that starts ' +
      'processes under `if __name__ == "__main__":`, or inside a `main()` function called from there.',
    example: {
      before: 'from multiprocessing import Pool\n\ndef work(x):\n    return x * x\n\nwith Pool(4) as pool:\n    print(pool.map(work, range(10)))',
      after:
        'from multiprocessing import Pool\n\ndef work(x):\n    return x * x\n\nif __name__ == "__main__":\n    with Pool(4) as pool:\n        print(pool.map(work, range(10)))',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Wrap in if __name__ == "__main__":',
    forms: [{ safety: 'unsafe', when: 'in a module of a package (its folder has an `__init__.py`) or a test module', reason: IMPORTED_MODULE }],
  },
  query: `
(call
  function: (attribute attribute: (identifier) @name)
  (#any-of? @name "Pool" "Manager" "ProcessPoolExecutor" "Process" "spawn" "start_processes" "DataLoader")) @call
(call function: (identifier) @name) @call`,
  check(m, ctx) {
    // In a Jupyter kernel `__name__` is always "__main__" and no child imports the notebook, so the guard is a no-op.
    if (isNotebookFile(ctx.filePath)) return;
    const call = m.need('call');
    if (m.pattern === 1) {
      const name = m.need('name').text;
      if (!ctx.facts.binding(name) && !ctx.facts.moduleBindings.has(name)) return;
    }
    const plan = planFor(ctx.facts);
    const imported = isTestFile(ctx.filePath) || isPackageModule(ctx.filePath, ctx.files);
    for (const t of plan.bySource.get(call.id) ?? []) {
      ctx.report({
        node: t.node,
        message: t.message,
        edits: plan.edits ?? undefined,
        ...(imported ? { safety: 'unsafe' as const, reason: IMPORTED_MODULE } : {}),
      });
    }
  },
});

// ---------------------------------------------------------------------------------------------

function planFor(facts: FileFacts): Plan {
  let plan = plans.get(facts);
  if (!plan) {
    plan = buildPlan(facts);
    plans.set(facts, plan);
  }
  return plan;
}

function isMainGuard(n: Node): boolean {
  if (n.type !== 'if_statement') return false;
  const cond = n.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '';
  return /^__name__==(['"])__main__\1$/.test(cond) || /^(['"])__main__\1==__name__$/.test(cond);
}

/** Qualified name of a callee, with torch.multiprocessing folded onto multiprocessing. */
function calleeOf(facts: FileFacts, call: Node): string | null {
  const q = facts.calleeName(call);
  return q?.startsWith('torch.multiprocessing.') ? q.slice('torch.'.length) : q;
}

function firstStringArg(call: Node): string | null {
  const args = call.childForFieldName('arguments');
  const first = args?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  if (first?.type !== 'string') {
    const method = args ? keywordValue(call, 'method') : null;
    return method?.type === 'string' ? method.text.slice(1, -1) : null;
  }
  return first.text.replace(/^[a-zA-Z]*(['"])|(['"])$/g, '');
}

/** `num_workers=` of a DataLoader call is a positive literal (or a call such as os.cpu_count()). */
function hasWorkers(call: Node): boolean {
  const v = keywordValue(call, 'num_workers');
  if (!v) return false;
  if (v.type === 'integer') return Number(v.text.replace(/_/g, '')) > 0;
  return v.type === 'call';
}

function buildPlan(facts: FileFacts): Plan {
  const code = moduleCode(facts);
  // A module that explicitly selects `fork` keeps today's behaviour on purpose.
  if (selectsFork(code)) return { triggers: [], bySource: new Map(), edits: null };
  const triggers = triggersOf(code);
  const bySource = new Map<number, Trigger[]>();
  for (const t of triggers) {
    const list = bySource.get(t.source.id);
    if (list) list.push(t);
    else bySource.set(t.source.id, [t]);
  }
  if (triggers.length === 0) return { triggers, bySource, edits: null };
  return { triggers, bySource, edits: wrapEdits(facts, triggers) };
}

/** A file's module-level code: outside defs, classes and existing `if __name__ == "__main__":` guards. */
interface ModuleCode {
  facts: FileFacts;
  /** Where a walk of module-level code stops (a nested scope, a main guard). */
  stopAt: (n: Node) => boolean;
  /** Every call of module-level code. */
  calls: Node[];
  /** The values assigned to each plain name in module-level code. */
  assignments: Map<string, Node[]>;
  /** Module-level defs by name; null for a name defined more than once (see moduleFunction). */
  defs: Map<string, Node | null>;
  /** functionStartsProcesses per def id (a def is looked at once, however often it is called). */
  starts: Map<number, boolean>;
  /** Names that `.submit(...)` or `.map(...)` is called on in module-level code (see executorUsed). */
  submittedTo: Set<string>;
  /** Module-level `for` loops and comprehension clauses, found on the first worker DataLoader. */
  loops: Node[] | null;
  /** The module's top-level statements, in order (see moduleStatement). */
  statements: Node[];
}

function moduleCode(facts: FileFacts): ModuleCode {
  const root = facts.root;
  const stopAt = (n: Node) => isNestedScope(n) || isMainGuard(n);
  const calls = findDescendants(root, (n) => n.type === 'call', stopAt);
  const assignments = new Map<string, Node[]>();
  for (const a of findDescendants(root, (n) => n.type === 'assignment', stopAt)) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right) {
      const list = assignments.get(left.text);
      if (list) list.push(right);
      else assignments.set(left.text, [right]);
    }
  }
  const defs = new Map<string, Node | null>();
  for (const stmt of root.namedChildren) {
    const def = stmt && definitionOf(stmt);
    const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
    if (def && name !== undefined) defs.set(name, defs.has(name) ? null : def);
  }
  const submittedTo = new Set<string>();
  for (const c of calls) {
    const fn = c.childForFieldName('function');
    if (fn?.type === 'attribute' && /^(submit|map)$/.test(fn.childForFieldName('attribute')?.text ?? '')) {
      const object = fn.childForFieldName('object');
      if (object) submittedTo.add(object.text);
    }
  }
  const statements = root.namedChildren.filter((c): c is Node => c !== null);
  return { facts, stopAt, calls, assignments, defs, starts: new Map(), submittedTo, loops: null, statements };
}

/** The value of a name assigned once in module-level code (else null: which value reaches a use is unknown). */
function soleValue(code: ModuleCode, name: string): Node | null {
  const values = code.assignments.get(name);
  return values && values.length === 1 ? values[0] : null;
}

/** `multiprocessing.set_start_method("fork")` in module-level code. */
function selectsFork(code: ModuleCode): boolean {
  return code.calls.some((c) => calleeOf(code.facts, c) === 'multiprocessing.set_start_method' && firstStringArg(c) === 'fork');
}

/** What a call creates: `multiprocessing.Pool` for `ctx.Pool(...)` (see contextMethod), else its qualified callee. */
function kindOf(code: ModuleCode, call: Node): string | null {
  return contextMethod(code, call) ?? calleeOf(code.facts, call);
}

/** `ctx.Pool(...)` where ctx = multiprocessing.get_context(...) (not "fork"). */
function contextMethod(code: ModuleCode, call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return null;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  if (!CONTEXT_METHODS.has(method)) return null;
  let obj = fn.childForFieldName('object');
  if (obj?.type === 'identifier') obj = soleValue(code, obj.text);
  if (obj?.type !== 'call' || calleeOf(code.facts, obj) !== 'multiprocessing.get_context') return null;
  if (firstStringArg(obj) === 'fork') return null;
  return `multiprocessing.${method}`;
}

const PUT_UNDER_GUARD = 'put it under `if __name__ == "__main__":`';

/**
 * The module-level code that starts processes: a pool, a manager or a spawn call; a Process when
 * something is `.start()`ed; an executor that is used; a worker DataLoader that is iterated; a call
 * of a same-file function that does one of these.
 */
function triggersOf(code: ModuleCode): Trigger[] {
  const { calls } = code;
  const hasStart = calls.some((c) => {
    const fn = c.childForFieldName('function');
    return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'start';
  });
  const triggers: Trigger[] = [];
  for (const call of calls) {
    const kind = kindOf(code, call) ?? '';
    const statement = moduleStatement(code, call);
    if (SPAWNS_ON_CALL.has(kind) || (kind === PROCESS && hasStart) || (EXECUTORS.has(kind) && executorUsed(code, call))) {
      triggers.push({
        statement,
        node: call,
        source: call,
        message: `${short(call)} at module level starts processes on import, and again in every spawned child; ${PUT_UNDER_GUARD}`,
      });
    } else if (kind === DATALOADER && hasWorkers(call)) {
      addLoaderTriggers(code, call, triggers);
    } else if (call.childForFieldName('function')?.type === 'identifier') {
      const def = moduleFunction(code, call.childForFieldName('function')!.text);
      if (def && startsProcesses(code, def)) {
        const name = call.childForFieldName('function')!.text;
        triggers.push({
          statement,
          node: call,
          source: call,
          message: `\`${name}()\` starts processes and is called at module level, so every spawned child runs it again; ${PUT_UNDER_GUARD}`,
        });
      }
    }
  }
  return triggers;
}

/** Iterating a loader with workers at module level starts its worker processes: one trigger per loop over it. */
function addLoaderTriggers(code: ModuleCode, call: Node, triggers: Trigger[]): void {
  const p = call.parent;
  const boundTo = p?.type === 'assignment' && p.childForFieldName('left')?.type === 'identifier' ? p.childForFieldName('left')!.text : null;
  code.loops ??= findDescendants(code.facts.root, (n) => n.type === 'for_statement' || n.type === 'for_in_clause', code.stopAt);
  for (const loop of code.loops) {
    const right = loop.childForFieldName('right');
    if (!right) continue;
    const iterated =
      right.equals(call) || (boundTo !== null && right.type === 'identifier' && right.text === boundTo && soleValue(code, boundTo)?.equals(call));
    if (iterated) {
      triggers.push({
        statement: moduleStatement(code, loop),
        node: right,
        source: call,
        message: `Iterating a \`DataLoader\` with \`num_workers > 0\` at module level starts worker processes on import; ${PUT_UNDER_GUARD}`,
      });
    }
  }
}

/**
 * The top-level statement around n (a node of module-level code), by its offset: not by walking up
 * `.parent`, which tree-sitter finds by descending from the root, so a walk up is quadratic in the depth
 * and cubic over the calls of a deeply nested expression (1,000 nested calls took minutes; issue 23).
 */
function moduleStatement(code: ModuleCode, n: Node): Node {
  return statementStartingBefore(code.statements, n.startIndex)!;
}

/** An executor starts its workers when used: a method called on it, a `with`, or `submit`/`map` on the name it is assigned to. */
function executorUsed(code: ModuleCode, call: Node): boolean {
  const p = call.parent;
  if (p?.type === 'attribute') return true; // ProcessPoolExecutor().map(...)
  if (p?.type === 'as_pattern' || p?.type === 'with_item') return true; // with ProcessPoolExecutor() as ex:
  if (p?.type === 'assignment' && p.childForFieldName('left')?.type === 'identifier') {
    return code.submittedTo.has(p.childForFieldName('left')!.text);
  }
  return false;
}

/** `Pool(...)`, or `Pool()` without arguments: the call as a message quotes it. */
function short(call: Node): string {
  const fn = call.childForFieldName('function')?.text ?? 'call';
  return `\`${fn}(${(call.childForFieldName('arguments')?.text.length ?? 2) > 2 ? '...' : ''})\``;
}

/** The module-level def bound to name, when it is the name's only binding. */
function moduleFunction(code: ModuleCode, name: string): Node | null {
  if (code.facts.binding(name)) return null;
  return code.defs.get(name) ?? null;
}

function startsProcesses(code: ModuleCode, def: Node): boolean {
  let known = code.starts.get(def.id);
  if (known === undefined) {
    known = functionStartsProcesses(code.facts, def);
    code.starts.set(def.id, known);
  }
  return known;
}

/** True when a function body directly creates a pool, executor, process or worker DataLoader. */
function functionStartsProcesses(facts: FileFacts, def: Node): boolean {
  const body = def.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'call', isNestedScope).some((c) => {
    const q = calleeOf(facts, c);
    if (!q) return false;
    return SPAWNS_ON_CALL.has(q) || EXECUTORS.has(q) || q === PROCESS || (q === DATALOADER && hasWorkers(c));
  });
}

/**
 * One `if __name__ == "__main__":` per run of plain module statements that either starts processes
 * (from the first trigger on) or reads a name bound in an earlier wrapped run. Definitions, classes and
 * imports stay where they are: spawned children need them. Null when the wrap could change what the
 * children see (a def or class would move under the guard, or a function reads a name the guard binds).
 */
function wrapEdits(facts: FileFacts, triggers: Trigger[]): TextEdit[] | null {
  const text = facts.text;
  const children = facts.root.namedChildren.filter((c): c is Node => c !== null);
  const triggerStatements = new Set(triggers.map((t) => t.statement.id));
  const isBarrier = (n: Node) =>
    n.type === 'function_definition' ||
    n.type === 'class_definition' ||
    n.type === 'decorated_definition' ||
    n.type === 'import_statement' ||
    n.type === 'import_from_statement' ||
    n.type === 'future_import_statement' ||
    isMainGuard(n);

  const ranges: Node[][] = [];
  const bound = new Set<string>();
  let current: Node[] | null = null;
  let started = false;
  for (const child of children) {
    if (isBarrier(child)) {
      if (triggerStatements.has(child.id)) return null;
      current = null;
      continue;
    }
    if (child.type === 'comment') {
      if (current) current.push(child);
      continue;
    }
    const reads = !current && started && readsAny(child, bound);
    if (!current && (triggerStatements.has(child.id) || reads)) {
      current = [];
      ranges.push(current);
      started = true;
    }
    if (current) {
      current.push(child);
      for (const name of boundNames(child)) bound.add(name);
    }
  }
  // Trailing comments after the last statement of a run stay outside the guard.
  for (const r of ranges) while (r.length && r[r.length - 1].type === 'comment') r.pop();

  // Definitions under the guard, or functions reading names only the guard binds, would break the children.
  for (const r of ranges) {
    for (const s of r) {
      if (findDescendants(s, (n) => n.type === 'function_definition' || n.type === 'class_definition').length > 0) return null;
    }
  }
  if (bound.size > 0) {
    for (const child of children) {
      const def = definitionOf(child);
      if (def?.type !== 'function_definition' && def?.type !== 'class_definition') continue;
      if (readsAny(child, bound)) return null;
    }
  }

  const unit = fileIndentUnit(facts);
  const eol = detectEol(text);
  return ranges.map((r) => {
    const start = lineStartOf(text, r[0].startIndex);
    const end = lineEndOf(text, r[r.length - 1].endIndex);
    const body = indentLines(text, start, end, unit, stringInteriorLines(r, text));
    return { start, end, newText: `if __name__ == "__main__":${eol}${body}` };
  });
}

/** Names bound by a module-level statement (assignment, for, with, walrus, import targets). */
function boundNames(stmt: Node): string[] {
  const names: string[] = [];
  for (const n of findDescendants(
    stmt,
    (x) => ['assignment', 'augmented_assignment', 'for_statement', 'as_pattern_target', 'named_expression'].includes(x.type),
    isNestedScope,
  )) {
    if (n.type === 'as_pattern_target') names.push(...targetNames(n));
    else if (n.type === 'named_expression') {
      const name = n.childForFieldName('name');
      if (name) names.push(name.text);
    } else {
      const left = n.childForFieldName('left');
      if (left) names.push(...targetNames(left));
    }
  }
  return names;
}

function readsAny(node: Node, names: Set<string>): boolean {
  if (names.size === 0) return false;
  return findDescendants(node, (n) => n.type === 'identifier' && names.has(n.text)).some((id) => {
    const p = id.parent;
    return (
      !(p?.type === 'attribute' && p.childForFieldName('attribute')?.equals(id)) && !(p?.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id))
    );
  });
}
