import { defineRule, type Report, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  callTakingArgument,
  contains,
  enclosingClass,
  enclosingLoops,
  type FileFacts,
  fateOfBinding,
  findDescendants,
  inTestFunction,
  isDeclaredNonLocal,
  isTestFile,
  keywordValue,
  occurrences,
  scopeOf,
  withEnclosingParentheses,
} from '../../server/analysis';
import {
  deleteLines,
  eolOf,
  hasMultilineString,
  indentAt,
  indentLines,
  lineEndOf,
  lineStartOf,
  lineStyle,
  ownsLines,
  replaceNode,
  replaceRange,
  wrapLine,
} from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/** Functions that return a file object (qualified names), besides the builtin `open`. */
// The query keeps calls whose name contains "open", so aliases such as `from io import open as io_open` match too.
const OPENERS = new Set(['io.open', 'codecs.open', 'gzip.open', 'bz2.open', 'lzma.open']);
/** Calls that read or write the whole file before returning and keep no reference to it. */
const FULL_CONSUMERS = new Set([
  'json.load',
  'json.dump',
  'pickle.load',
  'pickle.dump',
  'marshal.load',
  'marshal.dump',
  'tomllib.load',
  'tomli.load',
  'plistlib.load',
  'plistlib.dump',
  'yaml.safe_load',
  'yaml.load',
  'yaml.full_load',
  'yaml.unsafe_load',
  'yaml.dump',
  'yaml.safe_dump',
  'shutil.copyfileobj',
  'hashlib.file_digest',
]);
const FULL_BUILTINS = new Set(['list', 'tuple', 'set', 'frozenset', 'sorted', 'sum', 'min', 'max', 'any', 'all', 'dict']);
/** Calls that wrap the file lazily: the file must stay open while their result is used. */
const LAZY_CONSUMERS = new Set([
  'csv.reader',
  'csv.writer',
  'csv.DictReader',
  'csv.DictWriter',
  'itertools.islice',
  'itertools.chain',
  'io.TextIOWrapper',
  'io.BufferedReader',
  'io.BufferedWriter',
]);
const LAZY_BUILTINS = new Set(['enumerate', 'zip', 'map', 'filter', 'iter']);
/** Method calls on the file that finish their work within the statement. */
const COMPLETE_METHODS = new Set(['read', 'readlines', 'readline', 'write', 'writelines']);
/** Calls that take over closing the file. */
const MANAGERS = new Set(['contextlib.closing', 'closing']);
const SCOPES = new Set(['function_definition', 'lambda', 'class_definition']);

type Consumer = 'full' | 'lazy' | 'manager' | null;

const MOVES_EARLIER_CALLS = 'code before the `open()` call in the statement now runs after it';
const MAY_BE_PATCHED =
  'in tests `open` may be patched: a MagicMock standing in for it returns a different mock from `__enter__`, so ' +
  'assertions on the mock `open()` returned no longer see the reads and writes';

/** Test code, or a file that patches `open`: `with open(...) as f` may then bind a different mock than `open()` returned. */
function mayBePatched(ctx: RuleContext, call: Node): boolean {
  return isTestFile(ctx.filePath) || inTestFunction(call) || /\bmock_open\b|patch[\w.]*\(\s*["'][\w.]*\bopen["']/.test(ctx.text);
}

/** The rule's report for a fix: unsafe where `open` may be patched (the reason a caller gives wins). */
function reportFix(ctx: RuleContext, call: Node, message: string, edits: TextEdit[], reason?: string, lowImpact?: string): void {
  const why = reason ?? (mayBePatched(ctx, call) ? MAY_BE_PATCHED : undefined);
  report(ctx, { node: call, message, edits, safety: why ? 'unsafe' : 'safe', reason: why, lowImpact });
}

/**
 * A finding that matters only in hot code. Blind reviews of review6 to review12 judged all 17 findings the rule showed
 * outside loops not worth a change: a handle left open once costs one descriptor for a while (Ruff's SIM115 flags the
 * style everywhere). Where the open repeats per item, per request or per step, handles pile up: there it keeps its
 * severity. A finding with its own reason it costs little stays a hint wherever it stands (quiet would drop it from
 * the editor altogether). A write handle never closed is the exception (see reportAssigned): it can lose data.
 */
function report(ctx: RuleContext, finding: Report): void {
  ctx.report(finding.lowImpact ? finding : { ...finding, quietOutsideHotCode: true });
}

/**
 * Why a handle that nothing holds for long costs little wherever it stands: CPython closes a file as its last reference
 * goes. A blind review judged every such finding noise, in loops over annotation files too (LAVIS' `json.load(open(p))`
 * per dataset file, sentence-transformers' evaluators appending one CSV row and closing it by hand).
 */
const CLOSED_AT_ONCE = 'read or written whole within one statement: CPython closes the file as the statement ends';
const CLOSED_AFTER_FEW = 'closed by hand with no loop in between: an exception there leaves it open only until the traceback goes';
const READ_UNTIL_RETURN = 'read only, through its reader: CPython closes it with the reader, and no written data can be lost';

function consumerKind(call: Node, ctx: RuleContext): Consumer {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier' && ctx.facts.isBuiltin(fn.text, call)) {
    if (FULL_BUILTINS.has(fn.text)) return 'full';
    if (LAZY_BUILTINS.has(fn.text)) return 'lazy';
  }
  if (fn.type === 'attribute') {
    const attr = fn.childForFieldName('attribute')?.text;
    if (attr === 'enter_context' || attr === 'callback') return 'manager';
    const obj = fn.childForFieldName('object');
    if (attr === 'join' && (obj?.type === 'string' || obj?.type === 'concatenated_string')) return 'full';
  }
  const name = ctx.facts.qualifiedName(fn);
  if (name && MANAGERS.has(name)) return 'manager';
  if (name && FULL_CONSUMERS.has(name)) return 'full';
  if (name && LAZY_CONSUMERS.has(name)) return 'lazy';
  return null;
}

function isOpener(call: Node, ctx: RuleContext): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'open') return ctx.facts.isBuiltin('open', call);
  const name = ctx.facts.qualifiedName(fn);
  return name !== null && OPENERS.has(name);
}

/** The handle name for a rewrite: the first of a few usual names that the scope does not use. */
function handleName(scope: Node): string | null {
  for (const name of ['f', 'fh', 'fp', 'file', 'stream', 'handle']) {
    if (occurrences(scope, name).length === 0) return name;
  }
  return null;
}

function indentStep(text: string, at: number): string {
  return indentAt(text, at).includes('\t') ? '\t' : '    ';
}

export default defineRule({
  id: 'open-without-with',
  title: 'File opened without a with block',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'context-managers',
  // Ruff's SIM115 and Pylint's consider-using-with ask for the same `with` around the same `open()`.
  peers: { ruff: ['SIM115'], pylint: ['consider-using-with', 'R1732'] },
  message: 'File opened without `with`; it stays open (and unflushed) if an exception interrupts, and until garbage collection',
  docs: {
    why:
      'A file object owns an OS handle and, for writes, a buffer. Without `with`, it is closed only by an explicit ' +
      '`close()` that an exception can skip, or whenever the garbage collector gets to it: other interpreters ' +
      '(PyPy) and reference cycles delay that, leaking handles in long-running jobs and leaving written data unflushed. ' +
      'Python also emits a `ResourceWarning` for files that were never closed. Where nothing holds the file for long (read ' +
      'or written whole in one statement, iterated by its loop alone, closed by hand with no loop using it in between or ' +
      'with no handler in its function to catch an exception before the close, read through a csv reader, held in a name ' +
      'read whole once) CPython closes it promptly, and a log the run keeps open and ' +
      'flushes after every write loses nothing at exit, so those findings are hints. Elsewhere a handle left open once ' +
      'costs one descriptor for a while; it runs out only where the open repeats (a loop over files or records, a request ' +
      'handler, a training step), so outside such hot code these findings are hints, except a file opened for writing ' +
      'and never closed: its buffered data may be missing when the file is read again, wherever that code runs.',
    instead: 'Open files in a `with` statement: `with open(path) as f: data = f.read()`. The file is closed when the block ends, even on error.',
    example: {
      before: 'text = open(path).read()\n\nf = open(out, "w")\nf.write(text)\nf.close()',
      after: 'with open(path) as f:\n    text = f.read()\n\nwith open(out, "w") as f:\n    f.write(text)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Use a with statement',
    forms: [
      { safety: 'unsafe', when: 'in test code, or in a file that patches `open`', reason: MAY_BE_PATCHED },
      { safety: 'unsafe', when: 'when the statement calls something before the `open()`', reason: MOVES_EARLIER_CALLS },
    ],
  },
  query: `
(call
  function: [(identifier) @name (attribute attribute: (identifier) @name)]
  (#match? @name "open")) @call`,
  calls: { pattern: /open/ },
  check(m, ctx) {
    const call = m.need('call');
    if (!isOpener(call, ctx)) return;
    const opened = call.childForFieldName('function')!.text;
    const message = `\`${opened}()\` without \`with\`: the file is not closed if an exception interrupts, or until garbage collection`;

    // Climb through lazy wrappers (`csv.reader(open(p))`, `enumerate(open(p))`).
    let outer = withEnclosingParentheses(call);
    let wrapped = false;
    for (;;) {
      const taker = callTakingArgument(outer);
      if (!taker) break;
      const kind = consumerKind(taker, ctx);
      if (kind === 'manager') return;
      if (kind !== 'lazy') break;
      outer = withEnclosingParentheses(taker);
      wrapped = true;
    }
    const parent = outer.parent;
    if (!parent) return;

    // `with open(...)` (possibly `with csv.reader(open(...))`… which still leaks: only the direct form is managed).
    if (parent.type === 'with_item' || (parent.type === 'as_pattern' && parent.parent?.type === 'with_item')) {
      if (!wrapped) return;
      report(ctx, { node: call, message });
      return;
    }
    // Inline: `open(p).read()`, `json.load(open(p))`, `[l for l in open(p)]`.
    const taker = callTakingArgument(outer);
    if (taker && consumerKind(taker, ctx) === 'full') {
      reportInline(ctx, call, message);
      return;
    }
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(outer) && parent.parent?.type === 'call') {
      const method = parent.childForFieldName('attribute')!.text;
      if (method === 'close') return; // `open(p, "w").close()`: truncate/touch, closed at once
      if (COMPLETE_METHODS.has(method) && !wrapped) reportInline(ctx, call, message);
      else report(ctx, { node: call, message });
      return;
    }
    if (parent.type === 'for_in_clause' && parent.childForFieldName('right')?.equals(outer)) {
      const comp = parent.parent!;
      const first = comp.namedChildren.find((c) => c?.type === 'for_in_clause');
      if ((comp.type !== 'generator_expression' || consumedAtOnce(comp, ctx)) && first?.equals(parent)) reportInline(ctx, call, message);
      else report(ctx, { node: call, message });
      return;
    }
    if (parent.type === 'for_statement' && parent.childForFieldName('right')?.equals(outer)) {
      reportForLoop(ctx, call, parent, message);
      return;
    }
    if (parent.type === 'assignment' && parent.childForFieldName('right')?.equals(outer)) {
      const left = parent.childForFieldName('left');
      if (left?.type === 'attribute' && !wrapped && isStandardStream(left, ctx) && scopeOf(parent).type !== 'module') {
        // A function that points `sys.stdout` at a file leaves it there, open, after it returns; unless it restores or closes it itself.
        const stream = left.text;
        // A context manager class redirects in `__enter__` and restores in `__exit__`: search the whole class.
        const scope = scopeOf(parent);
        const owner = (scope.type === 'function_definition' && enclosingClass(scope)) || scope;
        if (handlesStreamByHand(owner, stream, parent)) return;
        // `def block_print(): sys.stdout = open(os.devnull, "w")` beside `def enable_print(saved): sys.stdout = saved`: the
        // module pairs the redirect with a restore its callers make (automl's COCO evaluation), and the restore drops the file.
        if (restoredInModule(ctx.text, ctx.facts.root, stream)) return;
        const how = `\`with ${opened}(...) as f, contextlib.redirect_${stream.endsWith('stderr') ? 'stderr' : 'stdout'}(f):\``;
        report(ctx, { node: call, message: `\`${stream} = ${opened}(...)\` is never closed nor restored; use ${how}` });
        return;
      }
      if (left?.type !== 'identifier' || parent.parent?.type !== 'expression_statement') return;
      reportAssigned(ctx, call, left, parent.parent, wrapped, message);
    }
    // Anything else (returned, stored in a container, passed to an unknown call…) hands the file on.
  },
});

/** Builtins that exhaust (or stop early in) a generator handed to them, within the statement. */
const CONSUMERS = new Set(['any', 'all', 'sum', 'min', 'max', 'list', 'set', 'tuple', 'sorted', 'frozenset', 'dict']);

/**
 * A generator expression that is the sole argument of a consuming builtin (`any("docker" in l for l in open(p))`):
 * it dies with the statement, and the file its iterator holds closes then, as with a list comprehension.
 */
function consumedAtOnce(generator: Node, ctx: RuleContext): boolean {
  const clause = generator.parent;
  if (clause?.type === 'for_in_clause' && clause.childForFieldName('right')?.equals(generator)) {
    // `{t: r for t, r in (l.split() for l in open(p))}` (whisper's vocabulary): the first iterable of a comprehension is
    // exhausted by it within the statement, so the file closes then too.
    const comp = clause.parent!;
    const first = comp.namedChildren.find((c) => c?.type === 'for_in_clause');
    return !!first?.equals(clause) && (comp.type !== 'generator_expression' || consumedAtOnce(comp, ctx));
  }
  const call = generator.parent;
  const fn = call?.type === 'call' && call.childForFieldName('arguments')?.equals(generator) ? call.childForFieldName('function') : null;
  return fn?.type === 'identifier' && CONSUMERS.has(fn.text) && ctx.facts.isBuiltin(fn.text, call!);
}

/**
 * `text = open(p).read()` → `with open(p) as f:` + the statement using `f`. A one-liner that reads the whole
 * file: CPython closes it as the statement ends (reference counting), so it only matters where it runs often.
 */
function reportInline(ctx: RuleContext, call: Node, message: string): void {
  const edits = inlineEdits(ctx, call);
  if (!edits) {
    report(ctx, { node: call, message, lowImpact: CLOSED_AT_ONCE });
    return;
  }
  reportFix(ctx, call, message, edits.edits, edits.safe ? undefined : MOVES_EARLIER_CALLS, CLOSED_AT_ONCE);
}

function inlineEdits(ctx: RuleContext, call: Node): { edits: TextEdit[]; safe: boolean } | null {
  // The statement holding the call; the call must not sit in a nested lambda, def or lazy scope.
  let stmt: Node = call;
  let child: Node = call;
  for (let p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'lambda' || SCOPES.has(p.type)) return null;
    // `open(p).read() if flag else p`, `flag and open(p).read()`: the open happens only on one path;
    // `with open(p)` around the statement would open the file on every path.
    if (p.type === 'conditional_expression' && !p.namedChild(1)?.equals(child)) return null;
    if (p.type === 'boolean_operator' && p.childForFieldName('right')?.equals(child)) return null;
    if (p.type === 'generator_expression') return null;
    if (p.type === 'list_comprehension' || p.type === 'set_comprehension' || p.type === 'dictionary_comprehension') {
      // Only the first iterable is evaluated outside the comprehension.
      const first = p.namedChildren.find((c) => c?.type === 'for_in_clause');
      const right = first?.childForFieldName('right');
      if (!right || !(call.startIndex >= right.startIndex && call.endIndex <= right.endIndex)) return null;
    }
    if (p.parent?.type === 'block' || p.parent?.type === 'module') {
      stmt = p;
      break;
    }
  }
  if (stmt.type !== 'expression_statement' && stmt.type !== 'return_statement') return null;
  if (!ownsLines(ctx.text, stmt) || hasMultilineString(stmt)) return null;
  const scope = scopeOf(stmt);
  const name = handleName(scope);
  if (!name) return null;
  if (isDeclaredNonLocal(scope, name)) return null;
  const indent = indentAt(ctx.text, stmt.startIndex);
  const step = indentStep(ctx.text, stmt.startIndex);
  const eol = eolOf(ctx.text);
  // Calls wholly before the open() in the statement ran before it; now they run after it.
  const earlier = findDescendants(stmt, (n) => n.type === 'call' && n.endIndex <= call.startIndex).length > 0;
  const body = ctx.text.slice(stmt.startIndex, call.startIndex) + name + ctx.text.slice(call.endIndex, stmt.endIndex);
  const bodyIndented = body
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i === 0 ? part : i % 2 === 0 && part.trim() !== '' ? step + part : part))
    .join('');
  // Both lines wrapped at the line length: the statement is one level deeper than it was.
  const style = lineStyle(ctx.facts, ctx.settings.lineLength);
  const header = wrapLine(`with ${call.text} as ${name}:`, indent, style);
  const replacement = `${header}${eol}${indent}${step}${wrapLine(bodyIndented, indent + step, style)}`;
  return { edits: [replaceNode(stmt, replacement)], safe: !earlier };
}

/**
 * `for line in open(p):` → `with open(p) as f:` + the loop over `f`, one level deeper. Like the one-liner, CPython
 * closes the file as the loop ends (its iterator held the last reference), so it only matters where it runs often.
 */
function reportForLoop(ctx: RuleContext, call: Node, loop: Node, message: string): void {
  const scope = scopeOf(loop);
  const name = handleName(scope);
  if (!name || !ownsLines(ctx.text, loop) || hasMultilineString(loop) || !(loop.parent?.type === 'block' || loop.parent?.type === 'module')) {
    report(ctx, { node: call, message, lowImpact: LOOP_CLOSES });
    return;
  }
  const indent = indentAt(ctx.text, loop.startIndex);
  const step = indentStep(ctx.text, loop.startIndex);
  const eol = eolOf(ctx.text);
  const start = lineStartOf(ctx.text, loop.startIndex);
  const end = lineEndOf(ctx.text, loop.endIndex);
  const rewritten = ctx.text.slice(start, call.startIndex) + name + ctx.text.slice(call.endIndex, end);
  const shifted = rewritten
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 && part.trim() !== '' ? step + part : part))
    .join('');
  reportFix(ctx, call, message, [replaceRange(start, end, `${indent}with ${call.text} as ${name}:${eol}${shifted}`)], undefined, LOOP_CLOSES);
}

const LOOP_CLOSES = 'iterated by its loop alone: CPython closes the file as the loop ends';

/** Reading and writing helpers that use a file without keeping it. */
const FILE_BORROWERS = /^(json|pickle|marshal|yaml|tomllib|tomli|plistlib|csv|shutil)\./;

/** `f = open(p)`: flagged unless a with/finally manages it, or it is handed on (returned, stored, passed). */
function reportAssigned(ctx: RuleContext, call: Node, left: Node, stmt: Node, wrapped: boolean, message: string): void {
  const name = left.text;
  const scope = scopeOf(stmt);
  if (stmt.parent?.parent?.type === 'class_definition') return;
  if (isDeclaredNonLocal(scope, name)) return;
  const fate = fateOfBinding(stmt, name, scope, { closeMethods: ['close'], borrowers: FILE_BORROWERS });
  if (fate.kind !== 'local') return;
  const closes = fate.release;
  // Module-level handles with no close are usually meant to live as long as the program.
  if (!closes && scope.type === 'module') return;
  // `f = open(p, "w")` directly followed by `f.close()` creates or truncates a file: nothing can fail
  // between. Also when the open ends a `try` body and the close starts its `else:` clause.
  if (closes && closes.parent?.type === 'expression_statement' && nextOnSuccess(stmt)?.equals(closes.parent)) return;
  if (!closes || wrapped) {
    // Never closed, only read, and reachable only through its reader (`csv.reader(open(p))` in sentence-transformers'
    // legacy readers): CPython closes it with the reader, at the latest when the function returns.
    const readOnly = !closes && wrapped && readOnlyMode(call);
    const inFunction = scope.type === 'function_definition';
    // Never closed, yet nothing is lost: read whole once and dropped (YOLOv3's model cfg), or a log the run keeps open
    // and flushes after every write (stylegan2-ada's stats.jsonl, barlowtwins' line-buffered stats.txt): a blind review
    // judged each noise; the process's exit closes them.
    const cheap =
      readOnly && inFunction
        ? READ_UNTIL_RETURN
        : !closes && inFunction && readOnlyMode(call) && readWholeOnce(name, stmt, scope, ctx.facts)
          ? READ_ONCE
          : !closes && inFunction && !readOnlyMode(call) && flushedLog(call, name, scope)
            ? FLUSHED_LOG
            : undefined;
    const finding: Report = {
      node: call,
      message: closes ? message : `\`${opened(call)}()\` result \`${name}\` is never closed; use \`with\``,
      ...(cheap ? { lowImpact: cheap } : {}),
    };
    // Opened for writing and never closed: what it buffered reaches the disk only when the file object is collected, so a
    // read of the same file later in the run can miss it (benchmarking-gnns' fold indexes, written through csv.writer and
    // read back in the same function: a blind review judged them useful). Data lost, not a descriptor held for a while:
    // it keeps its severity wherever it stands.
    if (!closes && !cheap && !readOnlyMode(call)) ctx.report(finding);
    else report(ctx, finding);
    return;
  }
  const edits = closeEdits(ctx, call, stmt, closes, name, scope, fate.rebound);
  const handMessage = `\`${name}\` is closed by hand, which an exception can skip; open it with \`with\``;
  // Only an exception between the open and the close leaks the file, and then one handle, until the traceback goes: it
  // matters where that code runs per item (report() keeps every finding of the rule to hot code).
  // Held across no loop (sentence-transformers' evaluators appending one CSV row, then closing): an exception between
  // leaves one handle open until the traceback goes, and CPython then closes and flushes it.
  // Held across a loop that uses it, yet no handler of its function catches what the loop raises (clovaai's demo writing
  // one log per batch, facenet's funnel lists per class, judged noise): an exception leaves the function and ends the
  // loop that repeats the open, and the file goes with the traceback. A handler that lets the loop go on keeps it.
  const low = !loopBetween(stmt, closes, name) ? CLOSED_AFTER_FEW : !caughtInFunction(stmt, scope) ? UNCAUGHT : undefined;
  if (edits) reportFix(ctx, call, handMessage, edits, undefined, low);
  else report(ctx, { node: call, message: handMessage, lowImpact: low });
}

const UNCAUGHT =
  'closed by hand, and no handler in its function catches an exception before the close: the exception leaves the function, and CPython closes the file as the traceback goes';

/** The open sits in the body of a `try` of its function that has an `except` clause: an error there may be caught and the work go on. */
function caughtInFunction(open: Node, scope: Node): boolean {
  let child = open;
  for (let p = open.parent; p && !p.equals(scope); child = p, p = p.parent) {
    if (
      p.type === 'try_statement' &&
      p.childForFieldName('body')?.equals(child) &&
      p.namedChildren.some((c) => c?.type === 'except_clause' || c?.type === 'except_group_clause')
    )
      return true;
  }
  return false;
}

/**
 * A loop that uses the file runs between the open and its close: among the statements of the close's block from the one holding the open
 * up to the close (a file parsed or written line by line). Unknown shapes (the close in a nested block) count as one.
 */
function loopBetween(open: Node, close: Node, name: string): boolean {
  const closeStmt = close.parent;
  const block = closeStmt?.parent;
  let first: Node | null = open;
  while (first && !first.parent?.equals(block!)) first = first.parent;
  if (!closeStmt || !first) return true;
  const isLoop = (n: Node) => n.type === 'for_statement' || n.type === 'while_statement';
  // Only a loop that uses the file: one building the row to write (sentence-transformers' evaluators) is over by then.
  const usesFile = (loop: Node) => occurrences(loop, name).length > 0;
  for (let s: Node | null = first; s && !s.equals(closeStmt); s = s.nextNamedSibling) {
    if (isLoop(s) && usesFile(s)) return true;
    if (
      findDescendants(
        s,
        (n) => isLoop(n) && usesFile(n),
        (n) => SCOPES.has(n.type),
      ).length > 0
    )
      return true;
  }
  return false;
}

/** The call opens for reading only: no mode, or a literal mode without `w`, `a`, `x` or `+`. */
function readOnlyMode(call: Node): boolean {
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');
  const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'mode');
  const mode = keyword ? keyword.childForFieldName('value') : args[1]?.type === 'keyword_argument' ? undefined : args[1];
  if (!mode) return true;
  return mode.type === 'string' && !/[wax+]/.test(mode.text.replace(/^[a-zA-Z]*['"]/, ''));
}

const READ_ONCE = 'read whole once and not handed on: CPython closes it as the function returns, and no written data can be lost';
const FLUSHED_LOG = 'a log held open for the run and flushed after every write: nothing written is lost when the process ends';

/** Of FULL_CONSUMERS, the calls that read a file whole (a parser's `load`). */
const WHOLE_READERS = /^(json|pickle|marshal|tomllib|tomli|plistlib)\.load$|^yaml\.(safe_|full_|unsafe_)?load$/;

/**
 * The handle's only use after its binding is one whole read (`text = f.read()`, `f.readlines()`, `json.load(f)`), in no
 * loop that does not also repeat the open: a handle opened and parsed once per pass of a loop (spinningup's plot.py
 * reading each run's config.json, judged noise) is dropped when the name is bound again on the next pass.
 */
function readWholeOnce(name: string, stmt: Node, scope: Node, facts: FileFacts): boolean {
  const uses = occurrences(scope, name).filter((id) => id.startIndex >= stmt.endIndex);
  if (uses.length !== 1) return false;
  const use = uses[0];
  const method = use.parent;
  const read = method?.type === 'attribute' && method.childForFieldName('object')?.equals(use) ? method.childForFieldName('attribute')?.text : null;
  const args = method?.type === 'argument_list' ? method.namedChildren.filter((a) => a !== null && a.type !== 'comment') : [];
  const parsed = args.length === 1 && method!.parent?.type === 'call' && WHOLE_READERS.test(facts.calleeName(method!.parent) ?? '');
  const readsWhole = ((read === 'read' || read === 'readlines') && method!.parent?.type === 'call') || parsed;
  return readsWhole && enclosingLoops(use).every((loop) => contains(loop, stmt));
}

/**
 * A file opened for writing that the function writes in a loop and flushes (`f.flush()`) or opened line-buffered
 * (`buffering=1`): a log kept open for the run, whose every record reaches the disk as it is written.
 */
function flushedLog(call: Node, name: string, scope: Node): boolean {
  const lineBuffered = keywordValue(call, 'buffering')?.text === '1';
  const uses = occurrences(scope, name);
  const method = (id: Node) => {
    const p = id.parent;
    return p?.type === 'attribute' && p.childForFieldName('object')?.equals(id) && p.parent?.type === 'call' ? p.childForFieldName('attribute')?.text : null;
  };
  const flushed = lineBuffered || uses.some((id) => method(id) === 'flush');
  const printsTo = (id: Node) => id.parent?.type === 'keyword_argument' && id.parent.childForFieldName('name')?.text === 'file';
  return flushed && uses.some((id) => (method(id) === 'write' || printsTo(id)) && enclosingLoops(id).length > 0);
}

function nextStatement(stmt: Node): Node | null {
  let s = stmt.nextNamedSibling;
  while (s?.type === 'comment') s = s.nextNamedSibling;
  return s;
}

/**
 * The statement that runs next when stmt completes normally: its next sibling, or, for the last
 * statement of a `try` body, the first statement of the `else:` clause (`except` clauses run only
 * when something raised, so they are skipped).
 */
function nextOnSuccess(stmt: Node): Node | null {
  const next = nextStatement(stmt);
  if (next) return next;
  const block = stmt.parent;
  const tryStmt = block?.parent;
  if (block?.type !== 'block' || tryStmt?.type !== 'try_statement' || !tryStmt.childForFieldName('body')?.equals(block)) return null;
  const elseClause = tryStmt.namedChildren.find((c) => c?.type === 'else_clause');
  const body = elseClause?.childForFieldName('body');
  let first = body?.namedChild(0) ?? null;
  while (first?.type === 'comment') first = first.nextNamedSibling;
  return first;
}

/** The scope assigns the stream again (restoring it) or closes it: `sys.stdout = saved`, `sys.stdout.close()`. */
function handlesStreamByHand(scope: Node, stream: string, assignment: Node): boolean {
  return (
    findDescendants(
      scope,
      (n) =>
        (n.type === 'assignment' && !n.equals(assignment) && n.childForFieldName('left')?.text === stream) ||
        (n.type === 'call' && n.childForFieldName('function')?.text === `${stream}.close`),
      (n) => !n.equals(scope) && n.type !== 'function_definition' && SCOPES.has(n.type),
    ).length > 0
  );
}

/**
 * Some function of the module points the stream back at a saved value or at `sys.__stdout__` (`sys.stdout = saved`): a
 * name or an attribute, not another file. Asked only for a redirect found inside a function, which is rare.
 */
function restoredInModule(text: string, root: Node, stream: string): boolean {
  // Most files assign the stream once: the text says so without a walk.
  if (text.split(stream).length < 3) return false;
  return (
    findDescendants(root, (n) => {
      if (n.type !== 'assignment' || n.childForFieldName('left')?.text !== stream) return false;
      const right = n.childForFieldName('right');
      return right?.type === 'identifier' || right?.type === 'attribute';
    }).length > 0
  );
}

/** `sys.stdout` / `sys.stderr` (through `import sys` or an alias). */
function isStandardStream(target: Node, ctx: RuleContext): boolean {
  const name = ctx.facts.qualifiedName(target);
  return name === 'sys.stdout' || name === 'sys.stderr';
}

function opened(call: Node): string {
  return call.childForFieldName('function')!.text;
}

/** `f = open(p)` … `f.close()` in one block → `with open(p) as f:` over the statements between. */
function closeEdits(ctx: RuleContext, call: Node, stmt: Node, closeCall: Node, name: string, scope: Node, rebound: Node | null): TextEdit[] | null {
  const closeStmt = closeCall.parent;
  if (closeStmt?.type !== 'expression_statement' || !closeStmt.parent?.equals(stmt.parent!)) return null;
  if (!ownsLines(ctx.text, stmt) || !ownsLines(ctx.text, closeStmt)) return null;
  if (ctx.text.slice(closeStmt.endIndex, lineEndOf(ctx.text, closeStmt.endIndex)).trim() !== '') return null; // keep its comment
  const between: Node[] = [];
  const stmtLineEnd = lineEndOf(ctx.text, stmt.endIndex);
  for (let s = stmt.nextNamedSibling; s && !s.equals(closeStmt); s = s.nextNamedSibling) {
    if (s.startIndex >= stmtLineEnd) between.push(s); // a trailing comment stays on the `with` line
  }
  if (between.filter((s) => s.type !== 'comment').length === 0) return null;
  for (const s of between) {
    if (hasMultilineString(s)) return null;
    if (
      findDescendants(
        s,
        (n) => n.type === 'return_statement' || n.type === 'yield' || n.type === 'break_statement' || n.type === 'continue_statement',
        (n) => SCOPES.has(n.type),
      ).length > 0
    )
      return null;
  }
  // No other use of the name, except from a later rebinding on (`f = open(other)`).
  const until = rebound ? rebound.startIndex : Infinity;
  if (occurrences(scope, name).some((id) => id.startIndex >= closeStmt.endIndex && id.startIndex < until)) return null;
  const step = indentStep(ctx.text, stmt.startIndex);
  const bodyStart = lineStartOf(ctx.text, between[0].startIndex);
  const bodyEnd = lineEndOf(ctx.text, between[between.length - 1].endIndex);
  const assign = stmt.namedChild(0)!;
  return [
    replaceNode(assign, wrapLine(`with ${call.text} as ${name}:`, indentAt(ctx.text, stmt.startIndex), lineStyle(ctx.facts, ctx.settings.lineLength))),
    replaceRange(bodyStart, bodyEnd, indentLines(ctx.text, bodyStart, bodyEnd, step)),
    deleteLines(ctx.text, closeStmt.startIndex, closeStmt.endIndex),
  ];
}
