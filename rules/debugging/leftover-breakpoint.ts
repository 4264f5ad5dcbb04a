import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { contains, FileFacts, identifiersSpelledInFile, isPackageModule, isShadowed, isUnderMainGuard, rootName } from '../../server/analysis';
import { lineEndOf, lineStartOf, replaceRange } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/** Debugger entry points, by qualified name. */
const DEBUGGERS = new Set([
  'pdb.set_trace',
  'ipdb.set_trace',
  'pudb.set_trace',
  'pdbr.set_trace',
  'wdb.set_trace',
  'IPython.embed',
  'IPython.terminal.embed.embed',
  'celery.contrib.rdb.set_trace',
  'ptvsd.break_into_debugger',
  'debugpy.breakpoint',
  'pydevd.settrace',
  'pydevd_pycharm.settrace',
]);

/**
 * Why removing a branch's only breakpoint is not safe: EnergyPATHWAYS' unit converter stops on NaN results in its `if`
 * branch (review71 judged the `pass` left there wrong: the failure would go on as a silent `None`).
 */
const EMPTIED_BRANCH = 'the branch is left holding only `pass`: the case the author stopped on (a failure, often) then goes on silently';

export default defineRule({
  id: 'leftover-breakpoint',
  title: 'breakpoint(), pdb.set_trace() or ipdb.set_trace() left in source',
  category: 'debugging',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'logging-and-debugging',
  // Ruff's T100 (flake8-debugger's code; Ruff has no other T10x) and Pylint's forgotten-debug-statement flag the same breakpoint.
  peers: { ruff: ['T100'], pylint: ['forgotten-debug-statement', 'W1515'] },
  message: 'Debugger breakpoint left in the code; remove it before committing',
  docs: {
    why:
      'A leftover `breakpoint()` or `pdb.set_trace()` stops the program and waits for a debugger command: a ' +
      'training job, a data pipeline or a service worker hangs silently on it (or fails when stdin is closed). ' +
      '`pdb.set_trace()` also ignores `PYTHONBREAKPOINT=0`, so it cannot be switched off from outside. It halts an ' +
      'example or a one-off script as surely as a service, so it keeps its severity there; in an `except` handler it ' +
      'stops only on failure, a post-mortem hook often kept on purpose, and is a hint.',
    instead:
      'Delete it. While debugging, prefer `breakpoint()` over `import pdb; pdb.set_trace()`: it honours ' +
      '`PYTHONBREAKPOINT` (set it to 0 to disable all breakpoints, or to `ipdb.set_trace` to pick a debugger).',
    example: {
      before: 'def train(X, y):\n    breakpoint()\n    model.fit(X, y)',
      after: 'def train(X, y):\n    model.fit(X, y)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Remove the breakpoint',
    forms: [{ safety: 'unsafe', when: 'when the breakpoint is the only statement of a branch or an `except` handler', reason: EMPTIED_BRANCH }],
  },
  // A breakpoint halts an example or a one-off script as surely as a service: where it stands does not make it small.
  mattersAnywhere: true,
  query: `
(expression_statement
  (call function: [(identifier) @name (attribute attribute: (identifier) @name)]) @call
  (#any-of? @name "breakpoint" "set_trace" "embed" "break_into_debugger" "settrace")) @statement`,
  calls: { names: ['breakpoint', 'set_trace', 'embed', 'break_into_debugger', 'settrace'], depth: 1 },
  check(m, ctx) {
    const call = m.need('call');
    const statement = m.need('statement');
    const what = debuggerCall(ctx.facts, call);
    if (!what) return;
    if (isDeliberate(ctx, statement) || amidNotes(statement)) return;
    const edits = removalEdits(ctx, statement);
    const handler = inExceptHandler(statement);
    const demo = !handler && inPackageDemoBlock(ctx, statement);
    const onlyStatement = soleStatementOfBranch(statement);
    const message = handler
      ? `\`${what}()\` in an \`except\` handler stops the program when the \`try\` fails; remove it unless the post-mortem stop is meant`
      : `\`${what}()\` left in the code: it stops the program and waits for a debugger; remove it`;
    ctx.report({
      node: call,
      message: onlyStatement
        ? `${message} (it is the ${handler ? 'handler' : 'branch'}'s only statement: the case it stops on may deserve a \`raise\` rather than \`pass\`)`
        : message,
      edits: edits ?? undefined,
      ...(onlyStatement ? { safety: 'unsafe' as const, reason: EMPTIED_BRANCH } : {}),
      // A stop only on failure, to inspect it, is how a one-off script is debugged on purpose (`except: set_trace()`).
      ...(handler ? { lowImpact: 'in an `except` handler: a post-mortem stop on failure, often kept on purpose' } : {}),
      // A package module's `__main__` block is its author's hand-run demo (tensorpack's dataset modules open a shell on
      // the loaded samples): importing the module never reaches it, and whoever runs it asked for the shell.
      ...(demo ? { lowImpact: 'in the `if __name__ == "__main__":` block of a package module: a hand-run demo that importing never reaches' } : {}),
    });
  },
});

function debuggerCall(facts: FileFacts, call: Node): string | null {
  const fn = call.childForFieldName('function')!;
  if (fn.type === 'identifier' && fn.text === 'breakpoint' && facts.isBuiltin('breakpoint', call)) return 'breakpoint';
  const q = facts.qualifiedName(fn);
  if (!q || !DEBUGGERS.has(q) || isShadowed(facts, rootName(fn), call)) return null;
  return fn.text;
}

/**
 * The breakpoint stands among lines that are not Python: inside code that does not parse, or right before a statement
 * that does not (comments aside). Such lines are notes written as code, a cheat-sheet of debugger commands (`b 16`,
 * `python -m pdb script.py`) in a notebook cell or a text file; they never run, so nothing stops.
 */
function amidNotes(statement: Node): boolean {
  for (let n: Node | null = statement; n; n = n.parent) if (n.type === 'ERROR') return true;
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return next !== null && (next.type === 'ERROR' || next.hasError);
}

/** True inside an `except` clause of the statement's own function (or module). */
function inExceptHandler(statement: Node): boolean {
  for (let n = statement.parent; n && n.type !== 'function_definition' && n.type !== 'lambda'; n = n.parent) {
    if (n.type === 'except_clause' || n.type === 'except_group_clause') return true;
  }
  return false;
}

/**
 * Inside the `__main__` block of a module that sits in a package, outside any function. A standalone script's main
 * block is the program itself, and a function body runs for every caller: both keep their rank.
 */
function inPackageDemoBlock(ctx: RuleContext, statement: Node): boolean {
  for (let n = statement.parent; n; n = n.parent) if (n.type === 'function_definition' || n.type === 'lambda') return false;
  return isUnderMainGuard(statement) && isPackageModule(ctx.filePath, ctx.files);
}

/**
 * The branch condition names a debugging or shell option (`if args.debug:`, `if args.shell:`,
 * `elif self._shell == 'pdb':`): the stop is a feature someone turns on. A data condition (`if loss > 10:`) is not.
 */
const DEBUG_OPTION = /debug|pdb|breakpoint|interactive|shell|ipython/i;

/**
 * Kept on purpose: gated by a debug or shell option, or marked `# pragma: no cover` on its line. A `# noqa` (bare, or naming
 * Ruff's T100, the peer declared above) is the engine's to honour, as for every rule.
 */
function isDeliberate(ctx: RuleContext, statement: Node): boolean {
  const line = ctx.text.slice(statement.startIndex, lineEndOf(ctx.text, statement.endIndex));
  if (/#\s*pragma:\s*no\s*cover/i.test(line)) return true;
  // "# this call to pdb.set_trace() is intentional" on the line above.
  const lineStart = lineStartOf(ctx.text, statement.startIndex);
  const previous = ctx.text.slice(lineStartOf(ctx.text, Math.max(0, lineStart - 1)), lineStart);
  if (/#.*\b(intentional|deliberate|on purpose)/i.test(previous)) return true;
  // A comment above that names the stop itself ("# set a breakpoint with set_trace", abu's book chapter on pdb): the
  // author is showing the debugger, not leaving it behind (blind review33: both such findings judged wrong).
  if (/#.*(\bset_trace\b|\bbreakpoint\b|\bpdb\b|断点)/i.test(previous)) return true;
  for (let n = statement.parent; n; n = n.parent) {
    // An `elif` clause carries its own condition (it is not an if_statement node).
    if ((n.type === 'if_statement' || n.type === 'elif_clause') && DEBUG_OPTION.test(n.childForFieldName('condition')?.text ?? '')) return true;
    if (n.type === 'function_definition') {
      // A debugging helper (`set_break`, `debug_here`...) stops on purpose.
      // So is a helper named for the debugger or a shell (DomainBed's `misc.pdb()` restores stdout, then stops).
      if (/break|debug|trace|pdb|shell/i.test(n.childForFieldName('name')?.text ?? '')) return true;
      // A signal handler stops only when someone sends that signal: a debug hook (`kill -USR2 pid`) kept on purpose.
      if (isSignalHandler(ctx.facts, n)) return true;
      // Code that tests the debugger hooks themselves: it patches pdb or sets sys.breakpointhook.
      const body = n.childForFieldName('body')?.text ?? '';
      // `embed()` with `code.interact()` as its fallback: the function opens a shell on purpose (alpaca's
      // `python -m alpaca_trade_api` is that shell).
      if (/\bcode\.interact\(|\binteract\(/.test(body)) return true;
      return /\bpatch(\.object)?\(|\bMock\b|MagicMock|breakpointhook|PYTHONBREAKPOINT/.test(body);
    }
  }
  return false;
}

/** True when the function's name is handed to `signal.signal(signum, name)` in the scope that defines it. */
function isSignalHandler(facts: FileFacts, def: Node): boolean {
  const name = def.childForFieldName('name')?.text;
  const scope = def.parent && enclosingScope(def.parent);
  return !!name && !!scope && registeredHandlers(facts).has(`${scope.startIndex}:${name}`);
}

/** Per file text: `scopeStart:name` for each `signal.signal(signum, name)` call, keyed by the scope the call sits in. */
const handlerMemo = new WeakMap<FileFacts, { text: string; keys: Set<string> }>();

/**
 * The handlers the file registers, found once per text from the places it spells `signal` (a dense file with
 * thousands of breakpoints asked for every one of them: reading the scope per breakpoint made the rule quadratic).
 */
function registeredHandlers(facts: FileFacts): Set<string> {
  const memo = handlerMemo.get(facts);
  if (memo && memo.text === facts.text) return memo.keys;
  const keys = new Set<string>();
  for (const offset of facts.wordOffsets('signal')) {
    // `signal.signal(...)` (either word of it), or `signal(...)` after `from signal import signal`.
    const word = facts.root.descendantForIndex(offset);
    const callee = word?.parent?.type === 'attribute' ? word.parent : word;
    const call = callee?.parent;
    if (!callee || call?.type !== 'call' || !call.childForFieldName('function')?.equals(callee)) continue;
    if (facts.qualifiedName(callee) !== 'signal.signal') continue;
    const handler = call.childForFieldName('arguments')?.namedChildren[1];
    const scope = enclosingScope(call);
    if (handler?.type === 'identifier' && scope) keys.add(`${scope.startIndex}:${handler.text}`);
  }
  handlerMemo.set(facts, { text: facts.text, keys });
  return keys;
}

/** The function, class, lambda or module whose names `node` reads. */
function enclosingScope(node: Node): Node | null {
  let n: Node | null = node;
  while (n && !['function_definition', 'class_definition', 'lambda', 'module'].includes(n.type)) n = n.parent;
  return n;
}

/** The statement is all its `if` / `elif` / `else` / `except` block holds (comments aside). */
function soleStatementOfBranch(statement: Node): boolean {
  const block = statement.parent;
  if (block?.type !== 'block' || !['if_statement', 'elif_clause', 'else_clause', 'except_clause'].includes(block.parent?.type ?? '')) return false;
  // `if "\t" in field: import pdb; pdb.set_trace()` (mt-dnn's TSV writers, review75): the debugger's own import goes
  // with the breakpoint, so the branch is emptied all the same.
  return block.namedChildren.filter((c) => c && c.type !== 'comment' && !importsOnlyDebugger(c)).length === 1;
}

/** `import pdb`, `import ipdb as d`, `from pdb import set_trace`: a statement that binds a debugger module and nothing else. */
function importsOnlyDebugger(statement: Node): boolean {
  if (statement.type === 'import_from_statement') return DEBUGGER_MODULES.has(statement.childForFieldName('module_name')?.text ?? '');
  if (statement.type !== 'import_statement') return false;
  const modules = statement.namedChildren.map((c) => (c?.type === 'aliased_import' ? c.childForFieldName('name') : c)?.text ?? '');
  return modules.length > 0 && modules.every((m) => DEBUGGER_MODULES.has(m));
}

/** The modules the debugger entry points live in: `pdb` of `pdb.set_trace`, `IPython` of `IPython.embed`. */
const DEBUGGER_MODULES = new Set([...DEBUGGERS].map((q) => q.slice(0, q.lastIndexOf('.'))));

/**
 * Deletes the statement (its whole line when nothing else is on it), or turns it into `pass` when it is
 * its block's only statement. `import pdb` goes too when every use of `pdb` is such a breakpoint.
 */
function removalEdits(ctx: RuleContext, statement: Node): TextEdit[] | null {
  const edits: TextEdit[] = [];
  const importStmt = unusedImportAfterRemoval(ctx, statement);
  const targets = importStmt ? [statement, importStmt] : [statement];
  // Statements sharing a line (`import pdb; pdb.set_trace()`) are removed together with the line.
  const lines = new Map<number, Node[]>();
  for (const t of targets) {
    const start = lineStartOf(ctx.text, t.startIndex);
    const list = lines.get(start);
    if (list) list.push(t);
    else lines.set(start, [t]);
  }
  for (const [lineStart, group] of lines) {
    const first = group.reduce((a, b) => (a.startIndex < b.startIndex ? a : b));
    const last = group.reduce((a, b) => (a.endIndex > b.endIndex ? a : b));
    const lineEnd = lineEndOf(ctx.text, last.endIndex);
    const before = ctx.text.slice(lineStart, first.startIndex);
    const after = ctx.text.slice(last.endIndex, lineEnd);
    const middle = ctx.text.slice(first.startIndex, last.endIndex);
    // Anything else on the line (another statement, a comment) must stay: give up.
    const leftover = group.reduce((text, g) => text.replace(g.text, ''), middle);
    if (before.trim() !== '' || after.trim() !== '' || leftover.replace(/[;\s]/g, '') !== '') return null;
    const block = first.parent;
    const siblings = block ? block.namedChildren.filter((c) => c && c.type !== 'comment') : [];
    const removedHere = siblings.filter((s) => targets.some((t) => t.equals(s!)));
    // The block would be empty: keep it valid with one `pass`, where the breakpoint was (its `import pdb` line above it
    // in the same block just goes).
    const passGoesElsewhere = !group.some((g) => g.equals(statement)) && siblings.some((s) => s!.equals(statement));
    if (block?.type === 'block' && removedHere.length === siblings.length && !passGoesElsewhere) {
      edits.push(replaceRange(first.startIndex, last.endIndex, 'pass'));
      continue;
    }
    let end = lineEnd;
    if (ctx.text[end] === '\r') end++;
    if (ctx.text[end] === '\n') end++;
    edits.push(replaceRange(lineStart, end, ''));
  }
  return edits;
}

/**
 * The answer of unusedImportAfterRemoval per file and name. It depends on the name only (every use in the
 * file is looked at), and a file with thousands of breakpoints walked the whole tree for each of them.
 */
const removableImports = new WeakMap<FileFacts, Map<string, Node | null>>();

/** The `import pdb` / `from pdb import set_trace` statement binding only the debugger, if nothing but breakpoints uses it. */
function unusedImportAfterRemoval(ctx: RuleContext, statement: Node): Node | null {
  const call = statement.namedChild(0)!;
  const name = rootName(call.childForFieldName('function')!);
  if (!name) return null;
  let perFile = removableImports.get(ctx.facts);
  if (!perFile) {
    perFile = new Map();
    removableImports.set(ctx.facts, perFile);
  }
  if (!perFile.has(name)) perFile.set(name, removableImport(ctx, name));
  return perFile.get(name)!;
}

function removableImport(ctx: RuleContext, name: string): Node | null {
  const binding = ctx.facts.binding(name);
  if (!binding) return null;
  const imp = binding.statement;
  const names = imp.childrenForFieldName('name').filter((n) => n !== null);
  if (names.length !== 1) return null;
  // Where the file spells the name (its word index), not a walk of the whole tree (0.1 s per name over a 5,000-line file).
  for (const id of identifiersSpelledInFile(ctx.facts, name)) {
    if (contains(imp, id)) continue;
    // Every other use must be the root of a statement-level debugger call.
    let fn: Node = id;
    while (fn.parent?.type === 'attribute' && fn.parent.childForFieldName('object')?.equals(fn)) fn = fn.parent;
    const c = fn.parent;
    if (c?.type !== 'call' || !c.childForFieldName('function')?.equals(fn) || c.parent?.type !== 'expression_statement') return null;
    if (!debuggerCall(ctx.facts, c) || isDeliberate(ctx, c.parent)) return null;
    // ...whose own fix deletes it: alone on its line (or sharing it only with this import).
    const stmt = c.parent;
    const lineText = ctx.text.slice(lineStartOf(ctx.text, stmt.startIndex), lineEndOf(ctx.text, stmt.endIndex));
    const rest = lineText.replace(stmt.text, '').replace(imp.text, '').replace(/[;\s]/g, '');
    if (rest !== '') return null;
  }
  return imp;
}
