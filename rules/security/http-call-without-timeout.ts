import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { hasSplatArguments, isShadowed, isTestFile, keywordArgument, receiverKind, rootName } from '../../server/analysis';
import { appendArgument, replaceNode } from '../../server/fixes';

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const FUNCTIONS = new Set([...VERBS.map((v) => `requests.${v}`), ...VERBS.map((v) => `requests.api.${v}`), 'urllib.request.urlopen']);

export default defineRule({
  id: 'http-call-without-timeout',
  title: 'requests call without timeout=',
  category: 'security',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'dynamic-code-and-security',
  message: 'HTTP call without `timeout=` can hang forever on an unresponsive server; pass a timeout',
  docs: {
    why:
      '`requests` (module functions and `Session` methods) and `urllib.request.urlopen` wait indefinitely by default: ' +
      'a server that accepts the connection and never answers blocks the calling thread forever, stalling a data ' +
      'loader worker, a thread pool or a whole pipeline with no error. httpx and aiohttp have default timeouts and ' +
      'are not reported.',
    instead:
      'Always pass `timeout=` (seconds, or a `(connect, read)` tuple such as `timeout=(3.05, 30)`), and handle ' +
      '`requests.Timeout` where a retry makes sense.',
    example: {
      before: 'r = requests.get(url)',
      after: 'r = requests.get(url, timeout=10)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add timeout=10',
    reason: 'a response slower than 10 seconds now raises a Timeout error instead of being waited for; adjust the value to the service',
  },
  // Every call it reports resolves through an import of requests or urllib (a function, or a requests.Session).
  requires: ['requests', 'urllib'],
  query: `
(call
  function: [(attribute attribute: (identifier) @name) (identifier) @name]
  arguments: (argument_list) @args
  (#any-of? @name "get" "post" "put" "patch" "delete" "head" "options" "request" "urlopen")) @call`,
  calls: { names: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'urlopen'] },
  check(m, ctx) {
    const call = m.need('call');
    const fn = call.childForFieldName('function')!;
    const what = httpCallee(ctx, fn, call);
    if (!what) return;
    if (hasSplatArguments(call)) return; // the timeout may be in **kwargs
    if (isTestFile(ctx.filePath)) return;
    // urlopen("data:...") / urlopen("file://...") never touch the network.
    const first = m.need('args').namedChildren.find((a) => a && a.type !== 'comment');
    if (first?.type === 'string' && /^[a-zA-Z]*['"](data:|file:)/.test(first.text)) return;
    const timeout = keywordArgument(call, 'timeout');
    const isUrlopen = what.endsWith('urlopen');
    if (isUrlopen && !timeout && positionalCount(m.need('args')) >= 3) return; // urlopen(url, data, timeout)
    if (timeout && timeout.childForFieldName('value')?.type !== 'none') return;
    if (timeout) {
      ctx.report({
        node: call,
        message: `\`${fn.text}(..., timeout=None)\` waits forever on an unresponsive server; pass a number of seconds`,
        fixTitle: 'Use timeout=10',
        edits: [replaceNode(timeout.childForFieldName('value')!, '10')],
      });
      return;
    }
    const edit = appendArgument(ctx.text, call, 'timeout=10');
    ctx.report({
      node: call,
      message: `\`${fn.text}()\` without \`timeout=\` waits forever on an unresponsive server; pass \`timeout=\` (seconds)`,
      edits: edit ? [edit] : undefined,
    });
  },
});

function positionalCount(args: Node): number {
  return args.namedChildren.filter((a) => a && a.type !== 'comment' && a.type !== 'keyword_argument').length;
}

/** `requests.get`, `urlopen`, or a `requests.Session` method, as written; null otherwise. */
function httpCallee(ctx: Parameters<Parameters<typeof defineRule>[0]['check']>[1], fn: Node, call: Node): string | null {
  const q = ctx.facts.qualifiedName(fn);
  if (q) return FUNCTIONS.has(q) && !isShadowed(ctx.facts, rootName(fn), call) ? fn.text : null;
  if (fn.type !== 'attribute') return null;
  const method = fn.childForFieldName('attribute')!.text;
  if (!VERBS.includes(method)) return null;
  // A `requests.Session` receiver is always built from (or annotated with) an import of requests:
  // without one, `d.get(k)` and other method calls need no scope analysis.
  if (!ctx.facts.importsModule('requests')) return null;
  return receiverKind(ctx.facts, fn.childForFieldName('object')) === 'requests.Session' ? fn.text : null;
}
