import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  asyncFramework,
  bindingOf,
  coroutineCallee,
  findDescendants,
  functionDefinition,
  isInsideAsyncDef,
  parameterNames,
  readsAfter,
  receiverKind,
  targetNames,
} from '../../server/analysis';
import { ensureImport, hasCommentBetween, replaceNode } from '../../server/fixes';

const ASYNC_HTTP = new Set(['httpx.AsyncClient', 'aiohttp.ClientSession']);
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);
/**
 * Objects that serve one operation at a time: a database connection or cursor (asyncpg raises "another operation is in
 * progress"), a transaction, a socket or stream (reads would interleave). Calls sharing one must stay in sequence.
 */
const STATEFUL_KINDS = new Set([
  'asyncpg.Connection',
  'sqlite3.Connection',
  'sqlite3.Cursor',
  'psycopg2.Connection',
  'psycopg2.Cursor',
  'socket.socket',
  'subprocess.Popen',
  'asyncio.StreamReader',
  'asyncio.StreamWriter',
  'asyncio.Process',
]);
/**
 * Names of such objects when the file does not show their kind (`conn`, `db_cursor`, `self._ws`). Not `session`: an HTTP
 * client session (aiohttp) is shared by concurrent requests as often as an ORM session is not.
 */
const STATEFUL_NAME = /(^|_)(conn|connection|cursor|cur|db|tx|txn|transaction|ws|websocket|sock|socket|reader|writer|stream|channel|pipeline)$/i;
/** Callees that deliver something somewhere: `send_message`, `reply`, `post_file`, `publish`, `notify_user`. */
const DELIVERY_CALLEE = /^_?(send|reply|respond|post|publish|emit|notify|announce|broadcast|forward|upload|write)(_|$)/i;
/** Arguments that name where the delivery goes: a chat room, a channel, a conversation, a recipient. */
const DESTINATION_NAME =
  /(^|_)(rooms?|room_ids?|chats?|chat_ids?|channels?|channel_ids?|conversations?|threads?|peers?|dest|destinations?|recipients?|targets?|webhooks?|topics?|queues?)$/i;

export default defineRule({
  id: 'async-sequential-awaits',
  title: 'Independent awaits run one after another',
  category: 'concurrency',
  severity: 'info',
  severityForms: [{ severity: 'hint', when: 'for two back-to-back awaited HTTP requests that do not depend on each other' }],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'asyncio-fundamentals',
  message: 'Awaiting independent calls one by one runs them sequentially; `asyncio.gather(...)` runs them concurrently',
  docs: {
    why:
      'An `await` inside a loop waits for each call to finish before starting the next, so N requests take the sum ' +
      'of their latencies instead of roughly the slowest one. Flagged when each iteration awaits an `async def` of ' +
      'this file or an HTTP call on an async client with the loop variable, and does nothing else; and (as a hint) ' +
      'when two back-to-back `await client.get(...)` calls do not depend on each other. Calls sharing one stateful ' +
      'client (a database connection or cursor, a transaction, a stream) stay silent: that client serves one operation at a time. ' +
      'So do deliveries of each item to one destination (`await send_file(client, room, f)` for each file): the recipient ' +
      'must get them in order.',
    instead:
      'Start the calls together: `results = await asyncio.gather(*(fetch(u) for u in urls))` keeps the results in ' +
      'input order. Bound the concurrency with an `asyncio.Semaphore` for large inputs or rate-limited services, ' +
      'and keep the loop when the calls must happen in order.',
    example: {
      before:
        'async def fetch(session, url): ...\n\nasync def crawl(session, urls):\n    pages = []\n    for u in urls:\n        pages.append(await fetch(session, u))\n    return pages',
      after: 'async def fetch(session, url): ...\n\nasync def crawl(session, urls):\n    return await asyncio.gather(*(fetch(session, u) for u in urls))',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Run the calls concurrently with asyncio.gather()',
    reason: 'the calls then overlap: their side effects may happen in any order, and all of them start at once (no rate limit)',
  },
  requiresText: /\b(async|await)\b/,
  insideAsyncDef: true,
  query: `
(for_statement
  left: (_) @target
  right: (_) @iter
  body: (block . (expression_statement (await (call) @call)) @stmt .)) @loop
(for_statement
  left: (_) @target
  right: (_) @iter
  body: (block .
    (expression_statement
      (call
        function: (attribute object: (identifier) @list attribute: (identifier) @append)
        arguments: (argument_list . (await (call) @call) .))) @stmt .)
  (#eq? @append "append")) @loop
(block
  (expression_statement (assignment left: (identifier) @first right: (await (call function: (attribute object: (_) @r1 attribute: (identifier) @m1)) @c1)))
  .
  (expression_statement (assignment right: (await (call function: (attribute object: (_) @r2 attribute: (identifier) @m2)) @c2))) @second
  (#any-of? @m1 "get" "head")
  (#any-of? @m2 "get" "head"))`,
  check(m, ctx) {
    if (m.pattern === 2) {
      checkBackToBack(m.need('first'), m.need('c1'), m.need('c2'), m.need('second'), m.need('r1'), m.need('r2'), ctx);
      return;
    }
    const loop = m.need('loop');
    const call = m.need('call');
    if (loop.child(0)?.type === 'async' || loop.childForFieldName('alternative')) return;
    if (!isInsideAsyncDef(loop)) return;
    const target = m.need('target');
    const vars = targetNames(target);
    if (vars.length === 0) return;
    // The awaited call must be one that is independent per item: a coroutine function of this file or
    // an async HTTP request, taking the loop variable.
    const callee = independentCallee(call, ctx);
    if (!callee) return;
    const args = call.childForFieldName('arguments');
    const usesVar = args !== null && findDescendants(args, (n) => n.type === 'identifier' && vars.includes(n.text)).length > 0;
    if (!usesVar) return;
    const list = m.get('list');
    if (list && call.text.includes(list.text)) return; // the call reads the list it fills
    if (sharesStatefulClient(call, vars, ctx)) return;
    if (deliversInOrder(call, callee, vars)) return;
    const headerEnd = loop.children.find((c) => c?.type === ':')?.endIndex ?? loop.childForFieldName('body')!.startIndex;
    const message = `Awaiting \`${callee}()\` once per item runs the calls one after another; \`asyncio.gather(...)\` runs them concurrently`;

    const framework = asyncFramework(ctx.facts);
    const noFix =
      framework !== 'asyncio' ||
      hasCommentBetween(ctx.facts, loop.startIndex, loop.endIndex) ||
      vars.some((v) => readsAfter(loop, v).length > 0) ||
      findDescendants(loop.childForFieldName('body')!, (n) => n.type === 'await').length !== 1;
    if (noFix) {
      ctx.report({ start: loop.startIndex, end: headerEnd, message });
      return;
    }
    const gather = ensureImport(ctx.facts, 'asyncio', 'gather');
    const iter = m.need('iter');
    const gen = `*(${call.text} for ${target.text} in ${iter.text})`;
    const replacement = list ? `${list.text}.extend(await ${gather.ref}(${gen}))` : `await ${gather.ref}(${gen})`;
    ctx.report({
      start: loop.startIndex,
      end: headerEnd,
      message,
      edits: [...gather.edits, replaceNode(loop, replacement)],
    });
  },
});

type Ctx = Parameters<Parameters<typeof defineRule>[0]['check']>[1];

/** True when expr holds an object that serves one operation at a time: by its known kind, else by its name. */
function isStatefulClient(expr: Node, ctx: Ctx): boolean {
  const kind = receiverKind(ctx.facts, expr);
  if (kind) return STATEFUL_KINDS.has(kind);
  const last = expr.type === 'attribute' ? expr.childForFieldName('attribute') : expr;
  return (last?.type === 'identifier' && STATEFUL_NAME.test(last.text)) || false;
}

/**
 * True when every awaited call shares one stateful client: an argument that does not depend on the loop variable
 * (`await save(conn, row)`), or a connection the coroutine itself awaits on without receiving it (a module-level `db`).
 * Gathering such calls runs them at once on one connection or stream, which it refuses or interleaves.
 */
function sharesStatefulClient(call: Node, vars: readonly string[], ctx: Ctx): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  for (const arg of args) {
    const value = arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
    if (!value || (value.type !== 'identifier' && value.type !== 'attribute')) continue;
    if (vars.some((v) => value.text === v || value.text.startsWith(`${v}.`))) continue;
    if (isStatefulClient(value, ctx)) return true;
  }
  const fn = call.childForFieldName('function');
  const def = fn?.type === 'identifier' ? functionDefinition(ctx.facts, fn.text, call) : null;
  const body = def?.childForFieldName('body');
  if (!def || !body) return false;
  // The verdict reads that coroutine's body (does it open its own connection?): an edit there re-runs this match.
  ctx.restsOn(def);
  // Its parameters and the names it binds itself (`conn = await asyncpg.connect()`: one connection per call).
  const own = new Set([...parameterNames(def), ...findDescendants(body, (n) => n.type === 'identifier' && bindingOf(n) !== null).map((n) => n.text)]);
  const shared = (expr: Node): boolean => {
    let root: Node = expr;
    while (root.type === 'attribute') root = root.childForFieldName('object')!;
    return !(root.type === 'identifier' && own.has(root.text) && root.text !== 'self') && isStatefulClient(expr, ctx);
  };
  return findDescendants(body, (n) => n.type === 'await').some((aw) => {
    const awaited = aw.namedChild(0)?.type === 'call' ? aw.namedChild(0)! : null;
    const callee = awaited?.childForFieldName('function');
    const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
    if (receiver && shared(receiver)) return true;
    // Or handed on to the coroutine it awaits: `await measure(loop, writer, body)` with `writer` from the enclosing scope.
    const passed = awaited?.childForFieldName('arguments')?.namedChildren ?? [];
    return passed.some((a) => a !== null && (a.type === 'identifier' || a.type === 'attribute') && shared(a));
  });
}

/** How to name the awaited callee when it is safe to assume one call per item is independent. */
function independentCallee(call: Node, ctx: Parameters<Parameters<typeof defineRule>[0]['check']>[1]): string | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier') {
    const c = coroutineCallee(ctx.facts, call);
    return c?.source === 'same-file' ? fn.text : null;
  }
  if (fn.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    if (HTTP_METHODS.has(method) && ASYNC_HTTP.has(receiverKind(ctx.facts, fn.childForFieldName('object')) ?? '')) return fn.text;
  }
  return null;
}

function checkBackToBack(
  first: Node,
  c1: Node,
  c2: Node,
  second: Node,
  r1: Node,
  r2: Node,
  ctx: Parameters<Parameters<typeof defineRule>[0]['check']>[1],
): void {
  if (!isInsideAsyncDef(c1)) return;
  const k1 = receiverKind(ctx.facts, r1);
  const k2 = receiverKind(ctx.facts, r2);
  if (!k1 || !ASYNC_HTTP.has(k1) || !k2 || !ASYNC_HTTP.has(k2)) return;
  // The second request must not use the first one's result.
  if (findDescendants(c2, (n) => n.type === 'identifier' && n.text === first.text).length > 0) return;
  ctx.report({
    node: second,
    message: `\`${c2.childForFieldName('function')!.text}()\` does not use \`${first.text}\` but waits for it; start both requests with \`asyncio.gather(...)\``,
    severity: 'hint',
  });
}

/**
 * Each item is delivered to one place the loop does not change (matrix-commander's `await send_file(client, rooms, file)`
 * for each file, then each message): the recipient sees them in the order they are sent, which `gather` would shuffle.
 * Judged wrong three times in review53. Delivering one item to each of many recipients (the loop variable is the
 * destination) stays reported.
 */
function deliversInOrder(call: Node, callee: string, vars: readonly string[]): boolean {
  const last = callee.split('.').pop() ?? callee;
  if (!DELIVERY_CALLEE.test(last)) return false;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.some((arg) => {
    const value = arg?.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
    const named = arg?.type === 'keyword_argument' ? arg.childForFieldName('name') : value;
    if (!value || !named || findDescendants(value, (n) => n.type === 'identifier' && vars.includes(n.text)).length > 0 || vars.includes(value.text))
      return false;
    const leaf = named.type === 'attribute' ? named.childForFieldName('attribute') : named;
    return leaf?.type === 'identifier' && DESTINATION_NAME.test(leaf.text);
  });
}
