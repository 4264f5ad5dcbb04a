import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  callTakingArgument,
  enclosingLoop,
  fateOfBinding,
  localBinding,
  occurrences,
  plainAssignments,
  scopeOf,
  withEnclosingParentheses,
} from '../../server/analysis';

interface Kind {
  what: string;
  suggestion: string;
  /** `with x:` does not release it (sqlite3 only commits or rolls back). */
  withReleases?: boolean;
}

const RESOURCES: Record<string, Kind> = {
  'socket.socket': { what: 'socket', suggestion: '`with socket.socket(...) as s:`' },
  'socket.create_connection': { what: 'socket', suggestion: '`with socket.create_connection(...) as s:`' },
  'socket.create_server': { what: 'socket', suggestion: '`with socket.create_server(...) as s:`' },
  'sqlite3.connect': { what: 'database connection', suggestion: '`with contextlib.closing(sqlite3.connect(...)) as conn:`', withReleases: false },
  'tempfile.NamedTemporaryFile': { what: 'temporary file', suggestion: '`with tempfile.NamedTemporaryFile(...) as tmp:`' },
  'tempfile.TemporaryFile': { what: 'temporary file', suggestion: '`with tempfile.TemporaryFile(...) as tmp:`' },
  'tempfile.SpooledTemporaryFile': { what: 'temporary file', suggestion: '`with tempfile.SpooledTemporaryFile(...) as tmp:`' },
  'tempfile.TemporaryDirectory': { what: 'temporary directory', suggestion: '`with tempfile.TemporaryDirectory() as d:`' },
  'zipfile.ZipFile': { what: 'zip archive', suggestion: '`with zipfile.ZipFile(...) as z:`' },
  'tarfile.open': { what: 'tar archive', suggestion: '`with tarfile.open(...) as tar:`' },
  'tarfile.TarFile': { what: 'tar archive', suggestion: '`with tarfile.TarFile(...) as tar:`' },
  'urllib.request.urlopen': { what: 'HTTP response', suggestion: '`with urllib.request.urlopen(...) as resp:`' },
  'ftplib.FTP': { what: 'FTP connection', suggestion: '`with ftplib.FTP(...) as ftp:`' },
  'smtplib.SMTP': { what: 'SMTP connection', suggestion: '`with smtplib.SMTP(...) as smtp:`' },
  'smtplib.SMTP_SSL': { what: 'SMTP connection', suggestion: '`with smtplib.SMTP_SSL(...) as smtp:`' },
  'shelve.open': { what: 'shelf', suggestion: '`with shelve.open(...) as db:`' },
  'dbm.open': { what: 'database', suggestion: '`with dbm.open(...) as db:`' },
  'psycopg2.connect': { what: 'database connection', suggestion: '`with contextlib.closing(psycopg2.connect(...)) as conn:`', withReleases: false },
  'pymysql.connect': { what: 'database connection', suggestion: '`with pymysql.connect(...) as conn:`' },
  'h5py.File': { what: 'HDF5 file', suggestion: '`with h5py.File(...) as f:`' },
};

/** Library code that uses the resource without taking it over. */
const BORROWERS = /^(pickle|json|csv|shutil|select|selectors)\.|\.(sendall|send|recv|execute|executemany|extractall|extract|read|write)$/;

export default defineRule({
  id: 'resource-without-with',
  title: 'Socket, database connection, temp file or archive opened without a context manager',
  category: 'resources',
  severity: 'warning',
  severityForms: [
    {
      severity: 'hint',
      when: 'for a temporary used inline (`urlopen(u).read()`), which CPython closes as the statement ends, in a loop as anywhere',
    },
  ],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'context-managers',
  // Ruff's SIM115 (temp files, archives, io/codecs/gzip opens) and Pylint's consider-using-with (the same, Popen, urlopen) ask for the same `with`.
  peers: { ruff: ['SIM115'], pylint: ['consider-using-with', 'R1732'] },
  message: 'This resource is opened without `with`; an exception (or a forgotten `close()`) leaks it',
  docs: {
    why:
      'Sockets, database connections, temporary files and archives hold OS handles, locks or disk space. Without a ' +
      '`with` block they are released only by an explicit `close()` that an exception can skip, or whenever ' +
      'garbage collection gets to them. Note that `with sqlite3.connect(...)` only commits or rolls back: it does not close the connection. ' +
      "In CPython a resource only a function's local holds is closed by reference counting when the function returns, and " +
      'a temporary (`urlopen(u).read()`) as its statement ends: outside hot code (a request handler, a loop over data) ' +
      'and outside loops those findings are hints.',
    instead:
      'Open it in a `with` statement (`with socket.socket() as s:`, `with zipfile.ZipFile(p) as z:`), or wrap objects ' +
      'whose `with` does not close them in `contextlib.closing(...)`.',
    example: {
      before: 'def load_features(q):\n    conn = sqlite3.connect("feat.db")\n    return conn.execute(q).fetchall()',
      after: 'def load_features(q):\n    with contextlib.closing(sqlite3.connect("feat.db")) as conn:\n        return conn.execute(q).fetchall()',
    },
  },
  // Calls named like one of the constructors (module aliases such as `import sqlite3 as sq` still match).
  query: `
(call
  function: [(identifier) @name (attribute attribute: (identifier) @name)] @fn
  (#match? @name "^(socket|create_connection|create_server|connect|NamedTemporaryFile|TemporaryFile|SpooledTemporaryFile|TemporaryDirectory|ZipFile|open|TarFile|urlopen|FTP|SMTP|SMTP_SSL|File)$")) @call`,
  calls: {
    names: [
      'socket',
      'create_connection',
      'create_server',
      'connect',
      'NamedTemporaryFile',
      'TemporaryFile',
      'SpooledTemporaryFile',
      'TemporaryDirectory',
      'ZipFile',
      'open',
      'TarFile',
      'urlopen',
      'FTP',
      'SMTP',
      'SMTP_SSL',
      'File',
    ],
  },
  check(m, ctx) {
    const call = m.need('call');
    const name = ctx.facts.calleeName(call);
    const kind = name ? RESOURCES[name] : undefined;
    if (!kind) return;
    const outer = withEnclosingParentheses(call);
    const parent = outer.parent;
    if (!parent) return;
    const label = m.need('fn').text;
    if (opensInMemory(call)) return;
    // `with sqlite3.connect(p) as conn:` commits but never closes.
    if (parent.type === 'with_item' || (parent.type === 'as_pattern' && parent.parent?.type === 'with_item')) {
      if (kind.withReleases === false) {
        // Unclosed all the same, it goes with the function's locals (below): quiet outside hot code unless a loop opens one per pass.
        const perPass = enclosingLoop(call, true) !== null;
        ctx.report({
          node: call,
          message: `\`with ${label}(...)\` only commits or rolls back; the ${kind.what} is never closed${perPass ? '' : LOCAL_FREED}: use ${kind.suggestion}`,
          ...(perPass ? {} : { quietOutsideHotCode: true }),
        });
      }
      return;
    }
    // Handed to closing()/enter_context(), returned or passed on: someone else owns it.
    if (callTakingArgument(outer)) return;
    // Inline use: `urlopen(url).read()`, `zipfile.ZipFile(p).namelist()`. Nothing keeps the object, so CPython releases it
    // as the statement ends (as with `open(p).read()`): it matters where the statement runs often.
    // So a temporary never piles up, even in a loop: a hint wherever it stands, quiet in low-impact code.
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(outer)) {
      if (parent.childForFieldName('attribute')?.text === 'close') return;
      const message = `\`${label}(...)\` is used without being closed; CPython closes the temporary as the statement ends (other interpreters when the collector runs): use ${kind.suggestion}`;
      ctx.report({ node: call, message, severity: 'hint', quietOutsideHotCode: true });
      return;
    }
    const binding = localBinding(outer); // null for long-lived module resources
    if (!binding) return;
    const { stmt, left, scope } = binding;
    const fate = fateOfBinding(stmt, left.text, scope, { closeMethods: ['close', 'cleanup', 'quit'], withReleases: kind.withReleases, borrowers: BORROWERS });
    if (fate.kind !== 'local') return;
    // Opened and closed by the very next statement: nothing can fail in between.
    let next = stmt.nextNamedSibling;
    while (next?.type === 'comment') next = next.nextNamedSibling;
    if (fate.release && next && closesAtOnce(fate.release, next)) return;
    // A resource only a local holds goes with the function's locals: CPython's reference counting closes it as the function
    // returns (after an exception, as its traceback is dropped), as `open(p).read()` goes with its statement. It matters
    // where the function repeats (per request, per item: impact ranking's hot code) or where a loop in the function opens
    // one per pass; a one-shot download or extract elsewhere is a hint (yellowbrick's dataset download).
    const perPass = enclosingLoop(call, true) !== null;
    // A response read in full and dropped (`resp = urlopen(u)` then only `resp.read()`) is released at once even so.
    const readOnce = !fate.release && kind.what === 'HTTP response' && onlyReadInFull(left.text, scope, left);
    const quiet = !perPass || readOnce;
    const freed = quiet ? LOCAL_FREED : '';
    const message = fate.release
      ? `${kind.what} \`${left.text}\` is closed by hand, which an exception can skip${freed}; use ${kind.suggestion}`
      : `${kind.what} \`${left.text}\` is never closed${freed}; use ${kind.suggestion}`;
    // A TemporaryDirectory left to itself is removed when the object is collected (its weakref finalizer), for a local as
    // the function returns: it matters where that repeats (composer's checkpoint loaders).
    if (!fate.release && kind.what === 'temporary directory') {
      const collected = `${kind.what} \`${left.text}\` is removed only when the object is garbage-collected (with a ResourceWarning); use ${kind.suggestion}`;
      ctx.report({ node: call, message: collected, quietOutsideHotCode: true });
      return;
    }
    ctx.report({ node: call, message, ...(quiet ? { quietOutsideHotCode: true } : {}) });
  },
});

/** Why a resource only a function's locals hold is quiet outside hot code. */
const LOCAL_FREED = ' (CPython closes it as the function returns: this matters where the function runs per request or per item)';

/**
 * The release (`f.close()`) is the statement right after the binding, or the first statement of
 * the `try` right after it (`f = ...; try: f.close(); ... finally: ...`): nothing runs in between.
 */
function closesAtOnce(release: Node, next: Node): boolean {
  const releaseStmt = release.parent;
  if (!releaseStmt) return false;
  if (releaseStmt.equals(next)) return true;
  if (next.type !== 'try_statement') return false;
  const first = next.childForFieldName('body')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  return first?.equals(releaseStmt) ?? false;
}

/** Archives opened over an in-memory buffer (`ZipFile(BytesIO(data))`, `tarfile.open(fileobj=io.BytesIO(b))`) hold no OS handle. */
function opensInMemory(call: Node): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const source = args.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'fileobj')?.childForFieldName('value') ?? args[0];
  if (!source || source.type === 'keyword_argument') return false;
  if (isBytesIO(source)) return true;
  if (source.type !== 'identifier') return false;
  const scope = scopeOf(call);
  const values = plainAssignments(scope, source.text);
  return values.length > 0 && values.every(({ value }) => isBytesIO(value));
}

function isBytesIO(n: Node): boolean {
  return n.type === 'call' && /(^|\.)BytesIO$/.test(n.childForFieldName('function')?.text ?? '');
}

/** The only use of `name` in scope, other than its binding, is one `name.read()` of the whole body (not chunks in a loop). */
function onlyReadInFull(name: string, scope: Node, binding: Node): boolean {
  const uses = occurrences(scope, name).filter((id) => !id.equals(binding));
  if (uses.length !== 1) return false;
  const attribute = uses[0].parent;
  const call = attribute?.parent;
  return (
    attribute?.type === 'attribute' &&
    attribute.childForFieldName('attribute')?.text === 'read' &&
    call?.type === 'call' &&
    call.childForFieldName('arguments')?.namedChildCount === 0
  );
}
