import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  asyncFramework,
  BLOCKING_ALTERNATIVE,
  blockingCall,
  blockingWhat,
  enclosingFunction,
  isInsideAsyncDef,
  isRequestHandler,
  parameterAnnotation,
  parameterNames,
} from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

/** Last names of every blocking API asyncApis knows (the query's pre-filter for attribute calls). */
const METHOD_NAMES = [
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'request',
  'send',
  'stream',
  'urlopen',
  'urlretrieve',
  'run',
  'call',
  'check_call',
  'check_output',
  'getoutput',
  'getstatusoutput',
  'system',
  'waitpid',
  'wait',
  'communicate',
  'create_connection',
  'getaddrinfo',
  'gethostbyname',
  'gethostbyname_ex',
  'gethostbyaddr',
  'connect',
  'execute',
  'executemany',
  'executescript',
  'commit',
  'rollback',
  'callproc',
  'fetchone',
  'fetchall',
  'fetchmany',
  'recv',
  'recv_into',
  'recvfrom',
  'recvfrom_into',
  'sendall',
  'sendto',
  'accept',
];

/** Parents under which `await …` needs no parentheses. */
const BARE_PARENTS = new Set(['expression_statement', 'assignment', 'augmented_assignment', 'return_statement', 'argument_list', 'keyword_argument']);

export default defineRule({
  id: 'async-blocking-call',
  title: 'Blocking network, subprocess or DB call inside async def',
  category: 'concurrency',
  severity: 'warning',
  severityForms: [
    {
      severity: 'info',
      when: 'for file I/O in a request handler (a route, or a coroutine taking the request), which blocks only briefly on a local disk',
    },
    {
      severity: 'hint',
      when: "for file I/O elsewhere (a download writing its files, a batch job): the loop's other tasks are the job's own, and the I/O takes as long either way",
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-pitfalls',
  // Ruff's ASYNC210/212 (HTTP) and ASYNC220-222 (subprocess) flag the same blocking calls in an `async def`.
  peers: { ruff: ['ASYNC210', 'ASYNC212', 'ASYNC220', 'ASYNC221', 'ASYNC222'] },
  message: 'Blocking call inside `async def` stalls the event loop; use an async API or `await asyncio.to_thread(...)`',
  docs: {
    why:
      'Every coroutine of an event loop shares one thread. A synchronous HTTP request, `subprocess.run`, socket read, ' +
      'database query or `input()` holds that thread until it returns, so all other tasks, timeouts and connections ' +
      'freeze meanwhile: one slow request makes the whole service slow. Plain `open()` file I/O blocks only briefly on a ' +
      "local disk: it is reported at info level in a request handler, where every client's request waits, and as a hint " +
      "elsewhere (a download script writing its files, whose other tasks are the job's own).",
    instead:
      'Use the async counterpart (`httpx.AsyncClient` or `aiohttp` for HTTP, `asyncio.create_subprocess_exec` for ' +
      'processes, asyncio streams for sockets, asyncpg / aiosqlite / psycopg 3 for databases, aiofiles for files), or ' +
      'push the blocking call to a worker thread with `await asyncio.to_thread(fn, *args, **kwargs)`.',
    example: {
      before: 'async def fetch(url):\n    return requests.get(url, timeout=10).json()',
      after: 'async def fetch(client: httpx.AsyncClient, url):\n    response = await client.get(url, timeout=10)\n    return response.json()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Run it via await asyncio.to_thread()',
    reason:
      'the call then runs on another thread, concurrently with other tasks: objects it touches must be thread-safe, ' +
      'and other coroutines can now interleave at this point',
  },
  requiresText: /\b(async|await)\b/,
  insideAsyncDef: true,
  query: `
(call
  function: (attribute attribute: (identifier) @name)
  (#any-of? @name ${METHOD_NAMES.map((n) => `"${n}"`).join(' ')})) @call
(call function: (identifier) @name) @call`,
  check(m, ctx) {
    const call = m.need('call');
    if (m.pattern === 1 && !isCandidateName(m.need('name').text, ctx.facts)) return;
    if (!isInsideAsyncDef(call)) return;
    if (call.parent?.type === 'await') return; // `await sync_fn()` is a different (type) error
    const api = blockingCall(ctx.facts, call);
    if (!api) return;
    // Numeric-only lookups (AI_NUMERICHOST) never touch the network.
    if (api.kind === 'dns' && /NUMERIC/.test(call.childForFieldName('arguments')?.text ?? '')) return;
    const framework = asyncFramework(ctx.facts);
    const name = `\`${api.display}()\``;
    const instead =
      framework === 'asyncio' || framework === 'unknown'
        ? BLOCKING_ALTERNATIVE[api.kind]
        : `the async framework's API or a worker thread (${framework === 'mixed' ? '`trio.to_thread.run_sync` / `anyio.to_thread.run_sync`' : `\`${framework}.to_thread.run_sync\``})`;
    // Local file I/O is brief next to a network wait. It delays other people's work only where the loop serves requests;
    // in a client or batch job (lm-evaluation-harness downloading essays and writing each to disk, per item) the loop's
    // other tasks are the job's own and the I/O takes as long either way: a hint there, quiet in low-impact code.
    const file = api.kind === 'file';
    const serving = file && servesRequests(enclosingFunction(call));
    const severity = file ? (serving ? 'info' : 'hint') : undefined;
    const quiet = file && !serving ? { quietOutsideHotCode: true } : {};
    const note = file && !serving ? ' (local file I/O is brief: this matters in a request handler, where every client waits)' : '';
    const message = `${name} ${blockingWhat(api.kind)} inside \`async def\` and stalls the event loop${note}; use ${instead}`;
    const target = ctx.settings.targetVersion;
    const toThreadAvailable = target.major > 3 || (target.major === 3 && target.minor >= 9);
    const args = call.childForFieldName('arguments');
    if ((framework !== 'asyncio' && framework !== 'unknown') || !api.offloadable || !toThreadAvailable || !args || inGeneratorExpression(call)) {
      ctx.report({ node: call, message, severity, ...quiet });
      return;
    }
    const fn = call.childForFieldName('function')!;
    const toThread = ensureImport(ctx.facts, 'asyncio', 'to_thread');
    let inner = args.type === 'argument_list' ? ctx.text.slice(args.startIndex + 1, args.endIndex - 1) : args.text;
    if (inner.trim() === '') inner = '';
    else {
      // Keep a multi-line call's layout: `run(\n    [...],` stays on its own line after the function.
      const lead = /^\s*/.exec(inner)![0];
      inner = `,${/[\r\n]/.test(lead) ? lead : ' '}${inner.slice(lead.length)}`;
    }
    const awaited = `await ${toThread.ref}(${fn.text}${inner})`;
    const bare = call.parent !== null && BARE_PARENTS.has(call.parent.type);
    ctx.report({
      node: call,
      message,
      severity,
      ...quiet,
      edits: [...toThread.edits, replaceNode(call, bare ? awaited : `(${awaited})`)],
    });
  },
});

/** Parameters through which a framework hands a coroutine the request it serves (aiohttp, Starlette, Sanic, Quart). */
const REQUEST_PARAM = /^(request|req|websocket|ws)$/;
const REQUEST_TYPE = /(^|\.)(Request|BaseRequest|WebSocket)$/;

/** A coroutine that serves a request: a routed handler, or one taking the request (`async def handle(request)`). */
function servesRequests(fn: Node | null): boolean {
  if (!fn) return false;
  if (isRequestHandler(fn)) return true;
  return parameterNames(fn).some((name) => REQUEST_PARAM.test(name) || REQUEST_TYPE.test(parameterAnnotation(fn, name) ?? ''));
}

/** Identifier callees worth resolving: the builtins and anything imported (possibly under an alias). */
function isCandidateName(name: string, facts: { binding(local: string): unknown }): boolean {
  return name === 'input' || name === 'open' || facts.binding(name) !== undefined;
}

/**
 * `await` inside a generator expression turns it into an async generator, which breaks `sum(...)`,
 * `list(...)` and friends: no fix there.
 */
function inGeneratorExpression(call: Node): boolean {
  const fn = enclosingFunction(call);
  for (let n = call.parent; n && !n.equals(fn!); n = n.parent) {
    if (n.type === 'generator_expression') return true;
  }
  return false;
}
