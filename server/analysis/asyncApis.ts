// What the concurrency rules know about calls: which callees are coroutine functions (same-file
// `async def`s and a curated list of well-known async APIs), which calls block the thread they run
// on (HTTP, subprocess, socket, database, console and file I/O), and a small receiver inference
// that tells `session.get(...)` on an `aiohttp.ClientSession` from `session.get(...)` on a
// `requests.Session`. Syntax only and conservative: when a name has several bindings that disagree,
// or is a parameter, its kind is unknown and the rules stay silent.
//
// Cost: nothing until a rule asks, and most calls are answered from their callee's name alone
// (coroutineNames). Then the file's scopes come from one query pass (scopeMap.ts), each scope's
// bindings are indexed on the first question about a name in it; all memoised per FileFacts.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { lintMemo } from './nodeMemo';
import { scopeMap, type ScopeMap } from './scopeMap';
import { decoratorsOf, findDescendants, parameterNames } from './scopes';

// ---------------------------------------------------------------------------------------------
// Receiver kinds

/** Objects whose methods the rules know: clients, connections, cursors, sockets, asyncio primitives. */
export type ReceiverKind =
  | 'requests.Session'
  | 'httpx.Client'
  | 'httpx.AsyncClient'
  | 'aiohttp.ClientSession'
  | 'aiohttp.ClientResponse'
  | 'asyncpg.Connection'
  | 'asyncpg.Pool'
  | 'sqlite3.Connection'
  | 'sqlite3.Cursor'
  | 'psycopg2.Connection'
  | 'psycopg2.Cursor'
  | 'socket.socket'
  | 'subprocess.Popen'
  | 'asyncio.Queue'
  | 'asyncio.Lock'
  | 'asyncio.Semaphore'
  | 'asyncio.Event'
  | 'asyncio.Condition'
  | 'asyncio.StreamReader'
  | 'asyncio.StreamWriter'
  | 'asyncio.Process'
  | 'asyncio.EventLoop'
  | 'asyncio.TaskGroup'
  | 'concurrent.futures.ThreadPoolExecutor'
  | 'concurrent.futures.ProcessPoolExecutor'
  | 'multiprocessing.Pool'
  | 'multiprocessing.ThreadPool'
  | 'threading.Lock';

/** Classes whose instances are a known receiver: calling one constructs it, and an annotation naming one declares it. */
const RECEIVER_CLASSES: Record<string, ReceiverKind> = {
  'requests.Session': 'requests.Session',
  'requests.sessions.Session': 'requests.Session',
  'httpx.Client': 'httpx.Client',
  'httpx.AsyncClient': 'httpx.AsyncClient',
  'aiohttp.ClientSession': 'aiohttp.ClientSession',
  'aiohttp.client.ClientSession': 'aiohttp.ClientSession',
  'socket.socket': 'socket.socket',
  'subprocess.Popen': 'subprocess.Popen',
  'asyncio.Queue': 'asyncio.Queue',
  'asyncio.PriorityQueue': 'asyncio.Queue',
  'asyncio.LifoQueue': 'asyncio.Queue',
  'asyncio.Lock': 'asyncio.Lock',
  'asyncio.Semaphore': 'asyncio.Semaphore',
  'asyncio.BoundedSemaphore': 'asyncio.Semaphore',
  'asyncio.Event': 'asyncio.Event',
  'asyncio.Condition': 'asyncio.Condition',
  'asyncio.TaskGroup': 'asyncio.TaskGroup',
  ...Object.fromEntries(['threading.Lock', 'threading.RLock', 'threading.Semaphore', 'threading.Condition'].map((q) => [q, 'threading.Lock' as ReceiverKind])),
};

/** Calls (by qualified name) that construct a known receiver. `awaited` kinds need `await`/`async with`. */
const CONSTRUCTORS: Record<string, ReceiverKind> = {
  ...RECEIVER_CLASSES,
  'requests.session': 'requests.Session',
  'sqlite3.connect': 'sqlite3.Connection',
  'psycopg2.connect': 'psycopg2.Connection',
  'socket.create_connection': 'socket.socket',
  'asyncio.get_running_loop': 'asyncio.EventLoop',
  'asyncio.get_event_loop': 'asyncio.EventLoop',
  'asyncio.new_event_loop': 'asyncio.EventLoop',
  'concurrent.futures.ThreadPoolExecutor': 'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.thread.ThreadPoolExecutor': 'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.ProcessPoolExecutor': 'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.process.ProcessPoolExecutor': 'concurrent.futures.ProcessPoolExecutor',
  'multiprocessing.Pool': 'multiprocessing.Pool',
  'multiprocessing.pool.Pool': 'multiprocessing.Pool',
  'torch.multiprocessing.Pool': 'multiprocessing.Pool',
  'multiprocessing.pool.ThreadPool': 'multiprocessing.ThreadPool',
  'multiprocessing.dummy.Pool': 'multiprocessing.ThreadPool',
  ...Object.fromEntries(
    ['threading.BoundedSemaphore', 'multiprocessing.Lock', 'multiprocessing.RLock', 'multiprocessing.Semaphore', 'multiprocessing.BoundedSemaphore'].map(
      (q) => [q, 'threading.Lock' as ReceiverKind],
    ),
  ),
};

/** Constructors that return an awaitable: the kind applies to the `await`ed / `async with` value. */
const AWAITED_CONSTRUCTORS: Record<string, ReceiverKind> = {
  'asyncpg.connect': 'asyncpg.Connection',
  'asyncpg.create_pool': 'asyncpg.Pool',
  'asyncio.create_subprocess_exec': 'asyncio.Process',
  'asyncio.create_subprocess_shell': 'asyncio.Process',
};

/** Awaited calls that return a tuple of receivers: `reader, writer = await asyncio.open_connection(...)`. */
const AWAITED_TUPLE_CONSTRUCTORS: ReadonlyMap<string, readonly ReceiverKind[]> = new Map([
  ['asyncio.open_connection', ['asyncio.StreamReader', 'asyncio.StreamWriter']],
  ['asyncio.open_unix_connection', ['asyncio.StreamReader', 'asyncio.StreamWriter']],
]);

/** Methods returning another known receiver: `conn.cursor()` → cursor. `awaited` ones need await/async with. */
const DERIVED: Partial<Record<ReceiverKind, Record<string, { kind: ReceiverKind; awaited: boolean }>>> = {
  'sqlite3.Connection': { cursor: { kind: 'sqlite3.Cursor', awaited: false }, execute: { kind: 'sqlite3.Cursor', awaited: false } },
  'sqlite3.Cursor': { execute: { kind: 'sqlite3.Cursor', awaited: false } },
  'psycopg2.Connection': { cursor: { kind: 'psycopg2.Cursor', awaited: false } },
  'asyncpg.Pool': { acquire: { kind: 'asyncpg.Connection', awaited: true } },
  'aiohttp.ClientSession': Object.fromEntries(
    ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'].map((m) => [m, { kind: 'aiohttp.ClientResponse' as ReceiverKind, awaited: true }]),
  ),
};

// ---------------------------------------------------------------------------------------------
// Coroutine knowledge

/** Module-level coroutine functions (and functions returning awaitables that do nothing unless awaited). */
const KNOWN_COROUTINE_FUNCTIONS = new Set([
  'asyncio.sleep',
  'asyncio.wait_for',
  'asyncio.wait',
  'asyncio.gather',
  'asyncio.open_connection',
  'asyncio.open_unix_connection',
  'asyncio.start_server',
  'asyncio.start_unix_server',
  'asyncio.create_subprocess_exec',
  'asyncio.create_subprocess_shell',
  'asyncio.to_thread',
  'asyncpg.connect',
  'asyncpg.create_pool',
  'aiofiles.open',
  'aiofiles.os.remove',
  'aiofiles.os.rename',
  'aiofiles.os.replace',
  'aiofiles.os.makedirs',
  'aiofiles.os.mkdir',
  'aiofiles.os.rmdir',
  'aiofiles.os.stat',
  'aiofiles.os.listdir',
  'aiofiles.os.unlink',
  'aiofiles.os.path.exists',
  'aiofiles.os.path.isfile',
  'aiofiles.os.path.isdir',
  'aiosqlite.connect',
]);

/** Coroutine functions whose awaitables already run without an await (gather wraps its arguments in tasks). */
const SCHEDULES_EAGERLY = new Set(['asyncio.gather']);

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];

/** Coroutine methods of known receivers. */
const COROUTINE_METHODS: Partial<Record<ReceiverKind, Set<string>>> = {
  'aiohttp.ClientSession': new Set([...HTTP_VERBS, 'ws_connect', 'close']),
  'aiohttp.ClientResponse': new Set(['json', 'text', 'read']),
  'httpx.AsyncClient': new Set([...HTTP_VERBS, 'send', 'aclose']),
  'asyncpg.Connection': new Set(['execute', 'executemany', 'fetch', 'fetchrow', 'fetchval', 'close', 'prepare', 'copy_records_to_table']),
  'asyncpg.Pool': new Set(['execute', 'executemany', 'fetch', 'fetchrow', 'fetchval', 'close', 'release']),
  'asyncio.Queue': new Set(['put', 'get', 'join']),
  'asyncio.Lock': new Set(['acquire']),
  'asyncio.Semaphore': new Set(['acquire']),
  'asyncio.Event': new Set(['wait']),
  'asyncio.Condition': new Set(['acquire', 'wait', 'wait_for']),
  'asyncio.StreamReader': new Set(['read', 'readline', 'readexactly', 'readuntil']),
  'asyncio.StreamWriter': new Set(['drain', 'wait_closed']),
  'asyncio.Process': new Set(['wait', 'communicate']),
};

/** Decorators that leave an `async def` a coroutine function. Anything else may wrap it into a sync callable. */
const TRANSPARENT_DECORATORS = new Set([
  'staticmethod',
  'classmethod',
  'abstractmethod',
  'abc.abstractmethod',
  'override',
  'typing.override',
  'typing_extensions.override',
  'functools.wraps',
]);

export interface CoroutineCallee {
  /** How to name the callee in a message: `fetch`, `self.save`, `asyncio.sleep`, `session.get`. */
  display: string;
  /** Where the knowledge comes from. */
  source: 'same-file' | 'library';
  /** The callee already schedules its work without an await (asyncio.gather). */
  schedulesEagerly: boolean;
}

// ---------------------------------------------------------------------------------------------
// Blocking calls

export type BlockingKind = 'http' | 'subprocess' | 'socket' | 'dns' | 'db' | 'input' | 'file';

export interface BlockingCall {
  /** The callee as written: `requests.get`, `session.get`, `cur.execute`. */
  display: string;
  kind: BlockingKind;
  /** Whether `asyncio.to_thread(...)` can run it (sqlite3 objects refuse other threads; `open` returns a file whose reads still block). */
  offloadable: boolean;
}

const BLOCKING_FUNCTIONS: Record<string, BlockingKind> = {
  ...Object.fromEntries(HTTP_VERBS.map((v) => [`requests.${v}`, 'http'])),
  ...Object.fromEntries(HTTP_VERBS.map((v) => [`requests.api.${v}`, 'http'])),
  ...Object.fromEntries(HTTP_VERBS.map((v) => [`httpx.${v}`, 'http'])),
  'httpx.stream': 'http',
  'urllib.request.urlopen': 'http',
  'urllib.request.urlretrieve': 'http',
  'subprocess.run': 'subprocess',
  'subprocess.call': 'subprocess',
  'subprocess.check_call': 'subprocess',
  'subprocess.check_output': 'subprocess',
  'subprocess.getoutput': 'subprocess',
  'subprocess.getstatusoutput': 'subprocess',
  'os.system': 'subprocess',
  'os.waitpid': 'subprocess',
  'socket.create_connection': 'socket',
  'socket.getaddrinfo': 'dns',
  'socket.gethostbyname': 'dns',
  'socket.gethostbyname_ex': 'dns',
  'socket.gethostbyaddr': 'dns',
  'psycopg2.connect': 'db',
  'pymysql.connect': 'db',
  'mysql.connector.connect': 'db',
};

const BLOCKING_METHODS: Partial<Record<ReceiverKind, Record<string, BlockingKind>>> = {
  'requests.Session': Object.fromEntries([...HTTP_VERBS, 'send'].map((m) => [m, 'http'])),
  'httpx.Client': Object.fromEntries([...HTTP_VERBS, 'send', 'stream'].map((m) => [m, 'http'])),
  'sqlite3.Connection': Object.fromEntries(['execute', 'executemany', 'executescript', 'commit'].map((m) => [m, 'db'])),
  'sqlite3.Cursor': Object.fromEntries(['execute', 'executemany', 'executescript', 'fetchone', 'fetchall', 'fetchmany'].map((m) => [m, 'db'])),
  'psycopg2.Connection': Object.fromEntries(['commit', 'rollback'].map((m) => [m, 'db'])),
  'psycopg2.Cursor': Object.fromEntries(['execute', 'executemany', 'callproc', 'fetchone', 'fetchall', 'fetchmany'].map((m) => [m, 'db'])),
  'socket.socket': Object.fromEntries(
    ['recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall', 'sendto', 'accept', 'connect'].map((m) => [m, 'socket']),
  ),
  'subprocess.Popen': { wait: 'subprocess', communicate: 'subprocess' },
};

/** What to use instead, per kind (Markdown, for messages). */
export const BLOCKING_ALTERNATIVE: Record<BlockingKind, string> = {
  http: 'an async client (`httpx.AsyncClient`, `aiohttp`) or `await asyncio.to_thread(...)`',
  subprocess: '`asyncio.create_subprocess_exec()` or `await asyncio.to_thread(...)`',
  socket: 'asyncio streams (`asyncio.open_connection()`) or `await asyncio.to_thread(...)`',
  dns: '`await asyncio.get_running_loop().getaddrinfo(...)`',
  db: 'an async driver (aiosqlite, asyncpg, psycopg 3 `AsyncConnection`) or `await asyncio.to_thread(...)`',
  input: '`await asyncio.to_thread(input, ...)`',
  file: '`aiofiles` or `await asyncio.to_thread(...)` for large files',
};

const BLOCKING_WHAT: Record<BlockingKind, string> = {
  http: 'a blocking HTTP request',
  subprocess: 'waits for a subprocess',
  socket: 'blocking socket I/O',
  dns: 'a blocking DNS lookup',
  db: 'a blocking database call',
  input: 'waits for console input',
  file: 'blocking file I/O',
};

/** A short phrase for messages: "is a blocking HTTP request", "waits for a subprocess". */
export function blockingWhat(kind: BlockingKind): string {
  const w = BLOCKING_WHAT[kind];
  return w.startsWith('wait') ? w : `is ${w}`;
}

// ---------------------------------------------------------------------------------------------
// The per-file index

interface ScopeIndex {
  /** Right-hand sides (or `with` values) bound to each name; 'opaque' = bound by something we cannot read. */
  values: Map<string, Array<ValueSource | 'opaque'>>;
  /** Names bound by import statements inside a def (not counted as shadowing an import of the same name). */
  imported: Set<string>;
}

interface ValueSource {
  /** The expression whose value ends up in the name. */
  value: Node;
  /** Bound through `async with value as name` / `with`: the context manager's result, not the value itself. */
  viaWith: 'sync' | 'async' | null;
  /** Index into a tuple result (`reader, writer = await open_connection()`). */
  tupleIndex?: number;
}

const NESTED = new Set(['function_definition', 'class_definition', 'lambda']);

class AsyncIndex {
  private readonly scopes = new Map<number, ScopeIndex>();
  private readonly classAttrs = new Map<number, Map<string, Array<{ source: ValueSource; method: Node | null }>>>();
  private readonly defsByScope = new Map<number, Map<string, Node[]>>();
  private readonly coroutineDefs = new Map<number, boolean>();

  constructor(private readonly facts: FileFacts) {}

  private get map(): ScopeMap {
    return scopeMap(this.facts);
  }

  // ---- receivers ----

  receiverKind(expr: Node | null | undefined, depth = 0): ReceiverKind | null {
    if (!expr || depth > 8) return null;
    if (expr.type === 'parenthesized_expression') return this.receiverKind(expr.namedChild(0), depth + 1);
    if (expr.type === 'identifier') return this.nameKind(expr.text, expr, depth);
    if (expr.type === 'attribute') {
      const obj = expr.childForFieldName('object');
      const attr = expr.childForFieldName('attribute')?.text;
      if (obj?.type === 'identifier' && (obj.text === 'self' || obj.text === 'cls') && attr) return this.selfAttrKind(attr, expr, depth);
      return null;
    }
    if (expr.type === 'call') return this.valueKind({ value: expr, viaWith: null }, depth);
    return null;
  }

  private nameKind(name: string, at: Node, depth: number): ReceiverKind | null {
    for (let fn = this.map.enclosingDef(at); fn; fn = this.map.enclosingDef(fn)) {
      if (!fn.childForFieldName('body')) return null;
      if (this.scope(fn).imported.has(name)) return null;
      const sources = this.scope(fn).values.get(name);
      if (parameterNames(fn).includes(name)) {
        // A parameter is known only through its annotation (`session: aiohttp.ClientSession`).
        const kind = this.parameterKind(fn, name);
        if (!kind || (sources && this.agree(sources, depth) !== kind)) return null;
        return kind;
      }
      if (sources) return this.agree(sources, depth);
    }
    if (this.facts.binding(name)) return null;
    const sources = this.scope(this.facts.root).values.get(name);
    return sources ? this.agree(sources, depth) : null;
  }

  private parameterKind(fn: Node, name: string): ReceiverKind | null {
    const params = fn.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      if (!p || (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter')) continue;
      const pname = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier');
      if (pname?.text !== name) continue;
      return annotationKind(this.facts, p.childForFieldName('type'));
    }
    return null;
  }

  private selfAttrKind(attr: string, at: Node, depth: number): ReceiverKind | null {
    const method = this.map.enclosingDef(at);
    const cls = method ? this.map.enclosingClass(method) : null;
    if (!cls) return null;
    const sources = this.classAttributes(cls).get(attr);
    if (!sources || sources.length === 0) return null;
    return this.agree(
      sources.map((s) => s.source),
      depth,
    );
  }

  private agree(sources: Array<ValueSource | 'opaque'>, depth: number): ReceiverKind | null {
    let kind: ReceiverKind | null = null;
    for (const s of sources) {
      if (s === 'opaque') return null;
      const k = this.valueKind(s, depth + 1);
      if (!k || (kind && k !== kind)) return null;
      kind = k;
    }
    return kind;
  }

  private valueKind(source: ValueSource, depth: number): ReceiverKind | null {
    let value: Node | null = source.value;
    let awaited = source.viaWith === 'async';
    while (value && (value.type === 'await' || value.type === 'parenthesized_expression')) {
      if (value.type === 'await') awaited = true;
      value = value.namedChild(0);
    }
    if (value && value.type === 'identifier' && !awaited && source.viaWith === null && source.tupleIndex === undefined) {
      return this.receiverKind(value, depth + 1); // `self.session = session` (an annotated parameter)
    }
    if (!value || value.type !== 'call') return null;
    const fn = value.childForFieldName('function');
    const q = this.facts.qualifiedName(fn);
    if (source.tupleIndex !== undefined) {
      const parts = awaited && q ? AWAITED_TUPLE_CONSTRUCTORS.get(q) : undefined;
      return parts?.[source.tupleIndex] ?? null;
    }
    if (q) {
      if (CONSTRUCTORS[q]) return CONSTRUCTORS[q];
      if (AWAITED_CONSTRUCTORS[q]) return awaited ? AWAITED_CONSTRUCTORS[q] : null;
      return null;
    }
    if (fn?.type !== 'attribute') return null;
    const method = fn.childForFieldName('attribute')?.text;
    const base = this.receiverKind(fn.childForFieldName('object'), depth + 1);
    const derived = base && method ? DERIVED[base]?.[method] : undefined;
    if (!derived) return null;
    return derived.awaited && !awaited ? null : derived.kind;
  }

  /** True when the def's body (or the module, for the root) binds name itself. */
  bindsLocally(scope: Node, name: string): boolean {
    return this.scope(scope).values.has(name);
  }

  /** The bindings directly in a def's body, or in the module for the root. */
  private scope(scope: Node): ScopeIndex {
    let index = this.scopes.get(scope.id);
    if (index) return index;
    index = { values: new Map(), imported: new Set() };
    const add = (name: string, v: ValueSource | 'opaque') => {
      const list = index!.values.get(name);
      if (list) list.push(v);
      else index!.values.set(name, [v]);
    };
    const isModule = scope.type === 'module';
    for (const n of this.map.binders(scope)) {
      switch (n.type) {
        case 'assignment': {
          const left = n.childForFieldName('left');
          const right = n.childForFieldName('right');
          if (!left) break;
          if (left.type === 'identifier') add(left.text, right ? { value: right, viaWith: null } : 'opaque');
          else if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
            const parts = left.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
            parts.forEach((p, i) => {
              if (p.type === 'identifier') add(p.text, right ? { value: right, viaWith: null, tupleIndex: i } : 'opaque');
              else for (const id of p.descendantsOfType('identifier')) if (id) add(id.text, 'opaque');
            });
          } else if (left.type !== 'attribute' && left.type !== 'subscript') {
            for (const id of left.descendantsOfType('identifier')) if (id) add(id.text, 'opaque');
          }
          break;
        }
        case 'augmented_assignment': {
          const left = n.childForFieldName('left');
          if (left?.type === 'identifier') add(left.text, 'opaque');
          break;
        }
        case 'named_expression': {
          const name = n.childForFieldName('name');
          const value = n.childForFieldName('value');
          if (name && value) add(name.text, { value, viaWith: null });
          break;
        }
        case 'with_item': {
          const v = n.childForFieldName('value');
          if (v?.type !== 'as_pattern') break;
          const alias = v.childForFieldName('alias');
          const target = alias?.namedChild(0);
          const value = v.namedChild(0);
          const withStmt = n.parent?.parent;
          const isAsync = withStmt?.type === 'with_statement' && withStmt.child(0)?.type === 'async';
          if (target?.type === 'identifier' && value) add(target.text, { value, viaWith: isAsync ? 'async' : 'sync' });
          else if (target) for (const id of target.descendantsOfType('identifier')) if (id) add(id.text, 'opaque');
          break;
        }
        case 'for_statement': {
          const left = n.childForFieldName('left');
          if (left) for (const id of [left, ...left.descendantsOfType('identifier')]) if (id?.type === 'identifier') add(id.text, 'opaque');
          break;
        }
        case 'global_statement':
        case 'nonlocal_statement':
          for (const id of n.namedChildren) if (id?.type === 'identifier') add(id.text, 'opaque');
          break;
        case 'except_clause': {
          const asPattern = n.namedChildren.find((c) => c?.type === 'as_pattern');
          const t = asPattern?.childForFieldName('alias')?.namedChild(0);
          if (t?.type === 'identifier') add(t.text, 'opaque');
          break;
        }
        case 'import_statement':
        case 'import_from_statement':
          if (!isModule) for (const name of importedNames(n)) index.imported.add(name);
          break;
        case 'function_definition':
        case 'class_definition': {
          const name = n.childForFieldName('name');
          if (name) add(name.text, 'opaque');
          break;
        }
      }
    }
    this.scopes.set(scope.id, index);
    return index;
  }

  private classAttributes(cls: Node): Map<string, Array<{ source: ValueSource; method: Node | null }>> {
    let map = this.classAttrs.get(cls.id);
    if (map) return map;
    map = new Map();
    const add = (attr: string, source: ValueSource, method: Node | null) => {
      const list = map!.get(attr);
      if (list) list.push({ source, method });
      else map!.set(attr, [{ source, method }]);
    };
    // Class-level names count only for a class outside any def; `self.x`/`cls.x` stores count in its methods.
    const assignments: { n: Node; method: Node | null }[] = [];
    const classLevel = this.map.binders(cls);
    const isAssignment = (n: Node) => n.type === 'assignment' || n.type === 'augmented_assignment';
    if (!this.map.enclosingDef(cls)) for (const n of classLevel) if (isAssignment(n)) assignments.push({ n, method: null });
    for (const method of classLevel) {
      if (method.type !== 'function_definition') continue;
      for (const n of this.map.binders(method)) if (isAssignment(n)) assignments.push({ n, method });
    }
    assignments.sort((a, b) => a.n.startIndex - b.n.startIndex);
    for (const { n, method } of assignments) {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left) continue;
      if (left.type === 'attribute') {
        const obj = left.childForFieldName('object');
        const attr = left.childForFieldName('attribute')?.text;
        if (obj?.type === 'identifier' && (obj.text === 'self' || obj.text === 'cls') && attr && method) {
          if (n.type === 'assignment' && right) add(attr, { value: right, viaWith: null }, method);
          else add(attr, { value: left, viaWith: null }, method); // augmented: unknown value
        }
      } else if (left.type === 'identifier' && !method && n.type === 'assignment' && right) {
        add(left.text, { value: right, viaWith: null }, null);
      }
    }
    this.classAttrs.set(cls.id, map);
    return map;
  }

  // ---- same-file coroutine functions ----

  /** Defs and classes directly in a def's or class's body (or the module), through if/try/with, by name. */
  private definitions(scope: Node): Map<string, Node[]> {
    let map = this.defsByScope.get(scope.id);
    if (map) return map;
    map = new Map();
    for (const n of this.map.binders(scope)) {
      if (n.type !== 'function_definition' && n.type !== 'class_definition') continue;
      const name = n.childForFieldName('name')?.text;
      if (!name) continue;
      const list = map.get(name);
      if (list) list.push(n);
      else map.set(name, [n]);
    }
    this.defsByScope.set(scope.id, map);
    return map;
  }

  /** The `async def` that a bare name refers to at `at`, if every binding of it in its scope is that one coroutine function. */
  asyncDefFor(name: string, at: Node): Node | null {
    const def = this.functionFor(name, at);
    return def && this.isCoroutine(def) ? def : null;
  }

  /** isCoroutineFunction, memoised per def: it walks the body looking for `yield`. */
  isCoroutine(def: Node): boolean {
    let known = this.coroutineDefs.get(def.id);
    if (known === undefined) {
      known = coroutineFunction(this.facts, def);
      this.coroutineDefs.set(def.id, known);
    }
    return known;
  }

  /** The def (sync or async) a bare name refers to at `at`, when that def is the name's only binding in its scope. */
  functionFor(name: string, at: Node): Node | null {
    for (let fn = this.map.enclosingDef(at); fn; fn = this.map.enclosingDef(fn)) {
      if (parameterNames(fn).includes(name)) return null;
      if (!fn.childForFieldName('body')) return null;
      const found = this.soleDef(fn, name);
      if (found !== undefined) return found;
    }
    if (this.facts.binding(name)) return null;
    const found = this.soleDef(this.facts.root, name);
    return found ?? null;
  }

  /** undefined: the scope does not bind name; null: it does, but not (only) as one def. */
  private soleDef(scope: Node, name: string): Node | null | undefined {
    const defs = this.definitions(scope).get(name) ?? [];
    const others = this.scope(scope).values.get(name) ?? [];
    if (this.scope(scope).imported.has(name)) return null;
    // scope() counts each def/class as one 'opaque' binding: anything beyond them is another binding.
    if (defs.length === 0 && others.length === 0) return undefined;
    if (defs.length !== 1 || others.length !== 1 || defs[0].type !== 'function_definition') return null;
    return defs[0];
  }

  /** The `async def` a `self.name(...)` call refers to, when the enclosing class defines it (and nothing else by that name). */
  asyncMethodFor(attr: string, at: Node): Node | null {
    const method = this.map.enclosingDef(at);
    const cls = method ? this.map.enclosingClass(method) : null;
    if (!cls?.childForFieldName('body')) return null;
    const defs = this.definitions(cls).get(attr) ?? [];
    if (defs.length !== 1 || !this.isCoroutine(defs[0])) return null;
    // A class attribute or instance attribute with the same name would shadow or replace it.
    if (this.classAttributes(cls!).has(attr)) return null;
    return defs[0];
  }
}

/** The local names an import statement binds: `import a.b` → a, `import a as b` → b, `from m import x as y` → y. */
function importedNames(stmt: Node): string[] {
  const out: string[] = [];
  for (const name of stmt.childrenForFieldName('name')) {
    if (!name) continue;
    if (name.type === 'aliased_import') {
      const alias = name.childForFieldName('alias');
      if (alias) out.push(alias.text);
    } else {
      out.push(name.text.split('.')[0].trim());
    }
  }
  return out;
}

/** Classes that annotations may name, by qualified name: the receiver classes, and types a library hands out but that are not constructed directly. */
const ANNOTATION_KINDS: Record<string, ReceiverKind> = {
  ...RECEIVER_CLASSES,
  'aiohttp.ClientResponse': 'aiohttp.ClientResponse',
  'aiohttp.client_reqrep.ClientResponse': 'aiohttp.ClientResponse',
  'asyncpg.Connection': 'asyncpg.Connection',
  'asyncpg.connection.Connection': 'asyncpg.Connection',
  'asyncpg.Pool': 'asyncpg.Pool',
  'asyncpg.pool.Pool': 'asyncpg.Pool',
  'sqlite3.Connection': 'sqlite3.Connection',
  'sqlite3.Cursor': 'sqlite3.Cursor',
  'psycopg2.extensions.connection': 'psycopg2.Connection',
  'psycopg2.extensions.cursor': 'psycopg2.Cursor',
  'asyncio.StreamReader': 'asyncio.StreamReader',
  'asyncio.StreamWriter': 'asyncio.StreamWriter',
  'asyncio.subprocess.Process': 'asyncio.Process',
  'asyncio.AbstractEventLoop': 'asyncio.EventLoop',
  'asyncio.BaseEventLoop': 'asyncio.EventLoop',
};

/** The receiver kind an annotation names: `aiohttp.ClientSession`, `"httpx.AsyncClient"`, `Session | None`. */
export function annotationKind(facts: FileFacts, annotation: Node | null | undefined): ReceiverKind | null {
  let node = annotation ?? null;
  if (node?.type === 'type') node = node.namedChild(0);
  if (!node) return null;
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.type === '|') {
    const parts = [node.childForFieldName('left'), node.childForFieldName('right')].filter((p) => p && p.type !== 'none');
    return parts.length === 1 ? annotationKind(facts, parts[0]) : null;
  }
  if (node.type === 'string') {
    const text = node.text.replace(/^[a-zA-Z]*['"]+|['"]+$/g, '').trim();
    if (!/^[A-Za-z_][\w.]*$/.test(text)) return null;
    const parts = text.split('.');
    const binding = facts.binding(parts[0]);
    return binding ? (ANNOTATION_KINDS[[binding.target, ...parts.slice(1)].join('.')] ?? null) : null;
  }
  const q = facts.qualifiedName(node);
  return q ? (ANNOTATION_KINDS[q] ?? null) : null;
}

// ---------------------------------------------------------------------------------------------
// Which callee names can be coroutine functions in a file: a cheap first filter for
// coroutineCallee, which most calls of most files fail (no async def, no async library imported).

/** The first part of a dotted name: `asyncio` of `asyncio.sleep`. */
function topModule(qualified: string): string {
  return qualified.split('.')[0];
}

/**
 * For each receiver kind, the top-level modules an import of which can produce it: every way
 * receiverKind knows an object starts at a constructor or an annotation of a library (or a method
 * of such an object, DERIVED), so a file that imports none of them never holds that kind.
 */
const KIND_MODULES: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  const add = (kind: string, module: string): boolean => {
    const modules = map.get(kind) ?? new Set<string>();
    map.set(kind, modules);
    const added = !modules.has(module);
    modules.add(module);
    return added;
  };
  for (const table of [CONSTRUCTORS, AWAITED_CONSTRUCTORS, ANNOTATION_KINDS]) {
    for (const [q, kind] of Object.entries(table)) add(kind, topModule(q));
  }
  for (const [q, kinds] of AWAITED_TUPLE_CONSTRUCTORS) for (const kind of kinds) add(kind, topModule(q));
  for (let grew = true; grew;) {
    grew = false;
    for (const [from, methods] of Object.entries(DERIVED)) {
      for (const derived of Object.values(methods ?? {})) {
        for (const module of map.get(from) ?? []) if (add(derived.kind, module)) grew = true;
      }
    }
  }
  return map;
})();

interface CoroutineNames {
  /** Bare callee names that may be coroutine functions: same-file `async def`s, imported library coroutines. */
  bare: ReadonlySet<string>;
  /** Attribute names `x.attr(...)` that may be: `self.<async method>`, and the library's when one is imported. */
  attrs: ReadonlySet<string>;
}

/**
 * Top-level modules one of which a file must import for a call to reach a library coroutine
 * (the modules of COROUTINE_ATTRS_BY_MODULE, which covers every known coroutine function): with
 * none of them and no `async def`, coroutineCallee finds nothing in the file.
 */
export function coroutineModules(): string[] {
  return [...COROUTINE_ATTRS_BY_MODULE.keys()];
}

/**
 * The attribute names that may call a coroutine, by the top-level module whose import makes them
 * possible: the last part of each known coroutine function, and the coroutine methods of each
 * receiver kind under every module that can produce it. Built once, so that coroutineNames only
 * asks the file about each module.
 */
const COROUTINE_ATTRS_BY_MODULE: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  const add = (module: string, name: string) => {
    const list = map.get(module);
    if (list) list.push(name);
    else map.set(module, [name]);
  };
  for (const q of KNOWN_COROUTINE_FUNCTIONS) add(topModule(q), q.slice(q.lastIndexOf('.') + 1));
  for (const [kind, methods] of Object.entries(COROUTINE_METHODS)) {
    for (const module of KIND_MODULES.get(kind) ?? []) for (const method of methods ?? []) add(module, method);
  }
  return map;
})();

/** The top-level modules of KNOWN_COROUTINE_FUNCTIONS (the imports coroutineNames looks through). */
const KNOWN_COROUTINE_MODULES = [...new Set([...KNOWN_COROUTINE_FUNCTIONS].map(topModule))];

const coroutineNames = lintMemo((facts): CoroutineNames => {
  const asyncNames = facts.asyncFunctionNames;
  const bare = new Set(asyncNames);
  for (const module of KNOWN_COROUTINE_MODULES) for (const b of facts.importsOf(module)) if (KNOWN_COROUTINE_FUNCTIONS.has(b.target)) bare.add(b.local);
  const attrs = new Set(asyncNames);
  for (const [module, names] of COROUTINE_ATTRS_BY_MODULE) {
    if (facts.importsModule(module)) for (const name of names) attrs.add(name);
  }
  return { bare, attrs };
});

/**
 * Every callee name coroutineCallee can answer for in this file (a bare name or the last part of a dotted one): the
 * file's `async def` names, the local names of the coroutine functions it imports, and the coroutine methods of the
 * async libraries it imports. A call of any other name is never a coroutine call here (see mayBeCoroutine), so
 * async-missing-await is anchored on these calls alone (rule.calls.namesIn) instead of matching every call statement.
 */
export const coroutineCalleeNames = lintMemo((facts): ReadonlySet<string> => {
  const names = coroutineNames(facts);
  return new Set([...names.bare, ...names.attrs]);
});

/** False when the callee's name rules out every route of coroutineCallee (the name alone decides). */
function mayBeCoroutine(names: CoroutineNames, fn: Node): boolean {
  if (fn.type === 'identifier') return names.bare.has(fn.text);
  if (fn.type !== 'attribute') return false;
  const attr = fn.childForFieldName('attribute');
  return attr !== null && names.attrs.has(attr.text);
}

const index = lintMemo((facts) => new AsyncIndex(facts));

// ---------------------------------------------------------------------------------------------
// Public API

/** True when a def is `async def` and none of its decorators could turn it into something else. */
export function isCoroutineFunction(facts: FileFacts, def: Node): boolean {
  return index(facts).isCoroutine(def);
}

function coroutineFunction(facts: FileFacts, def: Node): boolean {
  if (def.type !== 'function_definition' || def.child(0)?.type !== 'async') return false;
  const body = def.childForFieldName('body') ?? def;
  // An async generator: calling it gives an async iterator, not a coroutine. (Most bodies never spell `yield`.)
  if (
    body.text.includes('yield') &&
    findDescendants(
      body,
      (n) => n.type === 'yield',
      (n) => NESTED.has(n.type),
    ).length > 0
  )
    return false;
  for (const d of decoratorsOf(def)) {
    const callee = d.type === 'call' ? d.childForFieldName('function') : d;
    const name = facts.qualifiedName(callee) ?? callee?.text ?? '';
    if (!TRANSPARENT_DECORATORS.has(name)) return false;
  }
  return true;
}

/** The kind of object an expression holds, when the file makes it plain (`s = requests.Session()`, `async with aiohttp.ClientSession() as s`). */
export function receiverKind(facts: FileFacts, expr: Node | null | undefined): ReceiverKind | null {
  return index(facts).receiverKind(expr);
}

/** The function definition a bare name refers to at `at` (its only binding in the scope it resolves to), or null. */
export function functionDefinition(facts: FileFacts, name: string, at: Node): Node | null {
  return index(facts).functionFor(name, at);
}

/** The coroutine function a call invokes, when known; null when the callee is not known to be a coroutine function. */
export function coroutineCallee(facts: FileFacts, call: Node): CoroutineCallee | null {
  const names = coroutineNames(facts);
  if (names.bare.size === 0 && names.attrs.size === 0) return null;
  const fn = call.childForFieldName('function');
  if (!fn || !mayBeCoroutine(names, fn)) return null;
  const q = facts.qualifiedName(fn);
  if (q) {
    if (KNOWN_COROUTINE_FUNCTIONS.has(q) && !isShadowed(facts, rootName(fn), call)) {
      return { display: fn.text, source: 'library', schedulesEagerly: SCHEDULES_EAGERLY.has(q) };
    }
    return null;
  }
  if (fn.type === 'identifier') {
    const def = index(facts).asyncDefFor(fn.text, call);
    return def ? { display: fn.text, source: 'same-file', schedulesEagerly: false } : null;
  }
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const attr = fn.childForFieldName('attribute')?.text;
    if (!obj || !attr) return null;
    if (obj.type === 'identifier' && obj.text === 'self') {
      const def = index(facts).asyncMethodFor(attr, call);
      if (def) return { display: fn.text, source: 'same-file', schedulesEagerly: false };
      // fall through: `self.session.get` is handled below via the receiver
    }
    const kind = index(facts).receiverKind(obj);
    if (kind && COROUTINE_METHODS[kind]?.has(attr)) return { display: fn.text, source: 'library', schedulesEagerly: false };
  }
  return null;
}

/** The blocking API a call invokes, when it is one the rules know. Builtins `input` and `open` included. */
export function blockingCall(facts: FileFacts, call: Node): BlockingCall | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier' && (fn.text === 'input' || fn.text === 'open') && facts.isBuiltin(fn.text, call)) {
    return { display: fn.text, kind: fn.text === 'input' ? 'input' : 'file', offloadable: fn.text === 'input' };
  }
  const q = facts.qualifiedName(fn);
  if (q) {
    const kind = BLOCKING_FUNCTIONS[q];
    if (!kind || isShadowed(facts, rootName(fn), call)) return null;
    return { display: fn.text, kind, offloadable: true };
  }
  if (fn.type !== 'attribute') return null;
  const attr = fn.childForFieldName('attribute')?.text;
  const receiver = index(facts).receiverKind(fn.childForFieldName('object'));
  const kind = receiver && attr ? BLOCKING_METHODS[receiver]?.[attr] : undefined;
  if (!kind) return null;
  return { display: fn.text, kind, offloadable: !receiver!.startsWith('sqlite3.') };
}

/** The leftmost identifier of a dotted expression: `np` for `np.linalg.norm`. */
export function rootName(expr: Node): string {
  let n: Node | null = expr;
  while (n && n.type === 'attribute') n = n.childForFieldName('object');
  return n?.type === 'identifier' ? n.text : '';
}

/**
 * True when `name` (an imported name) is rebound by an enclosing function at `at`: a parameter or a
 * local assignment, def or import of the same name. Module-level rebinding is not checked.
 */
export function isShadowed(facts: FileFacts, name: string, at: Node): boolean {
  if (!name) return false;
  const idx = index(facts);
  const map = scopeMap(facts);
  for (let fn = map.enclosingDef(at); fn; fn = map.enclosingDef(fn)) {
    if (parameterNames(fn).includes(name)) return true;
    if (fn.childForFieldName('body') && idx.bindsLocally(fn, name)) return true;
  }
  return false;
}

/** The async framework a file's coroutines run on, judged from its imports; 'mixed' when several are imported. */
export type AsyncFramework = 'asyncio' | 'trio' | 'anyio' | 'mixed' | 'unknown';

/** 'unknown' when the file imports no async framework at all (its coroutines may run on any of them). */
export function asyncFramework(facts: FileFacts): AsyncFramework {
  const found = (['trio', 'anyio', 'curio'] as const).filter((m) => facts.importsModule(m));
  if (found.length === 0) return facts.importsModule('asyncio') ? 'asyncio' : 'unknown';
  if (found.length > 1 || facts.importsModule('asyncio')) return 'mixed';
  return found[0] === 'curio' ? 'mixed' : found[0];
}
