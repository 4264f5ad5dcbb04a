import { defineRule } from '../../server/engine/rule';
import { callTakingArgument, fateOfBinding, localBinding, withEnclosingParentheses } from '../../server/analysis';

const SESSIONS: Record<string, string> = {
  'aiohttp.ClientSession': 'close',
  'httpx.AsyncClient': 'aclose',
};

export default defineRule({
  id: 'async-session-without-async-with',
  title: 'aiohttp.ClientSession() / httpx.AsyncClient() not used with async with',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'async-context-managers-and-generators',
  requires: ['aiohttp', 'httpx'],
  message: 'This async HTTP client is created without `async with`; its connection pool is never closed',
  docs: {
    why:
      'An `aiohttp.ClientSession` or `httpx.AsyncClient` owns a connection pool (sockets, and for aiohttp a ' +
      'connector). If it is not closed, connections leak, aiohttp logs "Unclosed client session" warnings, and ' +
      'creating one session per request also throws away connection reuse. Closing needs an `await`, so only ' +
      '`async with` (or `await session.close()` in a `finally`) does it reliably.',
    instead: 'Create it with `async with aiohttp.ClientSession() as session:` (or `async with httpx.AsyncClient() as client:`) and reuse it for many requests.',
    example: {
      before: 'async def fetch(url):\n    session = aiohttp.ClientSession()\n    resp = await session.get(url)\n    return await resp.text()',
      after:
        'async def fetch(url):\n    async with aiohttp.ClientSession() as session:\n        resp = await session.get(url)\n        return await resp.text()',
    },
  },
  query: `
(call
  function: [(identifier) @name (attribute attribute: (identifier) @name)]
  (#any-of? @name "ClientSession" "AsyncClient")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const name = ctx.facts.calleeName(call);
    const closer = name ? SESSIONS[name] : undefined;
    if (!closer) return;
    const outer = withEnclosingParentheses(call);
    const parent = outer.parent!;
    const label = m.need('name').text;
    if (parent.type === 'with_item' || parent.type === 'as_pattern') {
      // `with aiohttp.ClientSession()` without async is a TypeError; `async with` is right.
      const withStmt = parent.type === 'with_item' ? parent.parent?.parent : parent.parent?.parent?.parent;
      if (withStmt?.type === 'with_statement' && withStmt.child(0)?.type !== 'async') {
        ctx.report({ node: call, message: `\`${label}\` must be entered with \`async with\`, not \`with\`` });
      }
      return;
    }
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(outer)) {
      ctx.report({ node: call, message: `\`${label}()\` is used for one call and never closed; use \`async with ${label}() as session:\`` });
      return;
    }
    if (callTakingArgument(outer)) return; // handed on
    const binding = localBinding(outer);
    if (!binding) return;
    const { stmt, left, scope } = binding;
    const fate = fateOfBinding(stmt, left.text, scope, {
      closeMethods: ['close', 'aclose'],
      borrowers: /\.(get|post|put|patch|delete|head|request|ws_connect|stream|send)$/,
    });
    if (fate.kind !== 'local') return;
    ctx.report({
      node: call,
      message: fate.release
        ? `\`${left.text}\` is closed by hand, which an exception can skip; use \`async with ${label}() as ${left.text}:\``
        : `\`${left.text} = ${label}()\` is never closed; use \`async with ${label}() as ${left.text}:\``,
    });
  },
});
