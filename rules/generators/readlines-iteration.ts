import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  contains,
  enclosingLoop,
  enclosingStatement,
  findDescendants,
  isNestedScope,
  localOccurrences,
  occurrences,
  readsAfter,
  scopeOf,
} from '../../server/analysis';
import { freshName, replaceNode } from '../../server/fixes';

/** Callees whose result is a file object that iterates line by line. */
const FILE_OPENERS = new Set(['io.open', 'codecs.open', 'gzip.open', 'bz2.open', 'lzma.open', 'tempfile.TemporaryFile', 'tempfile.NamedTemporaryFile']);

/** True when `name`, at node, is a file opened in this scope (`with open(p) as f`, `f = open(p)`) or sys.stdin. */
function isKnownFile(receiver: Node, ctx: RuleContext): boolean {
  if (ctx.facts.qualifiedName(receiver) === 'sys.stdin') return true;
  if (receiver.type !== 'identifier') return false;
  const scope = scopeOf(receiver);
  const binds = localOccurrences(scope, receiver.text).filter((id) => bindingOf(id) !== null);
  if (binds.length !== 1) return false;
  const b = bindingOf(binds[0])!;
  let value: Node | null = null;
  if (b.type === 'assignment' && b.childForFieldName('left')?.equals(binds[0])) value = b.childForFieldName('right');
  else if (b.type === 'as_pattern' && b.parent?.type === 'with_item') value = b.namedChild(0);
  if (value?.type !== 'call') return false;
  const fn = value.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'open') return ctx.facts.isBuiltin('open', value);
  const name = ctx.facts.qualifiedName(fn);
  return name !== null && FILE_OPENERS.has(name);
}

/**
 * The loop may stop before the end of the file: its own `break`, a `return`, `raise` or `yield` in
 * its body, or a generator expression (its consumer may stop early).
 */
function mayStopEarly(loop: Node): boolean {
  if (loop.type === 'for_in_clause') return loop.parent?.type === 'generator_expression';
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const exits = findDescendants(
    body,
    (n) => ['return_statement', 'raise_statement', 'yield'].includes(n.type) || (n.type === 'break_statement' && enclosingLoop(n)?.equals(loop) === true),
    isNestedScope,
  );
  return exits.length > 0;
}

/**
 * After `readlines()` the file is at its end; after a loop over the file that stopped early it is
 * not. True when that difference can be seen: the loop may stop early and the file is used after it
 * (other than closed), or it is not a local name (`sys.stdin`, which any code may read later).
 */
function positionMatters(file: Node, loop: Node): boolean {
  if (!mayStopEarly(loop)) return false;
  if (file.type !== 'identifier') return true;
  const region = loop.type === 'for_statement' ? loop : enclosingStatement(loop);
  return readsAfter(region, file.text).some((id) => {
    const attr = id.parent?.type === 'attribute' && id.parent.childForFieldName('object')?.equals(id) ? id.parent : null;
    return !(attr?.childForFieldName('attribute')?.text === 'close' && attr.parent?.type === 'call');
  });
}

const SPLITLINES_SPLITS_MORE = '`splitlines()` also splits on characters such as \\x0b, \\x0c and \\u2028, which file iteration does not';

export default defineRule({
  id: 'readlines-iteration',
  title: 'Iterating `f.readlines()` / `f.read().splitlines()` instead of the file',
  category: 'generators',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'streaming-large-data',
  // Ruff's FURB129 flags the same loop over `readlines()`.
  peers: { ruff: ['FURB129'] },
  // Reading the lines into a list costs memory once per call; where the read runs once (a config or version file read
  // at start-up, a build script) that is rarely worth a change. Shown where the read repeats (analysis/impact.ts).
  quietOutsideHotCode: true,
  savesPerItem: true,
  message: 'The whole file is read into a list before the loop starts; iterate over the file object to stream it line by line',
  docs: {
    why:
      '`f.readlines()` and `f.read().splitlines()` load the entire file, then build a list holding every line, ' +
      'before the first iteration runs: memory grows with the file size and nothing is processed until all of it ' +
      'has been read. A file object is itself an iterator over its lines, reading through a small buffer.',
    instead: 'Loop over the file directly: `for line in f:`. Lines keep their trailing newline, exactly as `readlines()` returns them.',
    example: {
      before: 'with open(path) as f:\n    for line in f.readlines():\n        handle(line)',
      after: 'with open(path) as f:\n    for line in f:\n        handle(line)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Iterate over the file object',
    forms: [
      {
        safety: 'unsafe',
        when: 'when the loop also uses the file, the file may not be a file object, or the loop can stop early with the file read afterwards',
        reason:
          'iterating reads the file lazily (calls on it inside the loop, or reads after an early exit, see another position), and an object that is not a file may not iterate by line',
      },
      { safety: 'unsafe', when: 'for `f.read().splitlines()`', reason: SPLITLINES_SPLITS_MORE },
    ],
  },
  query: `
[
  (for_statement
    right: (call
      function: (attribute object: (_) @file attribute: (identifier) @method)
      arguments: (argument_list) @args) @iter) @loop
  (for_in_clause
    right: (call
      function: (attribute object: (_) @file attribute: (identifier) @method)
      arguments: (argument_list) @args) @iter) @loop
]`,
  check(m, ctx) {
    const method = m.need('method').text;
    const iter = m.need('iter');
    const loop = m.need('loop');
    let file = m.need('file');
    if (m.need('args').namedChildCount !== 0) return; // readlines(hint) reads a bounded chunk
    if (method === 'readlines') {
      if (file.type === 'call') return; // open(p).readlines(): open-without-with's territory
      const known = isKnownFile(file, ctx);
      // Inside the loop, other calls on the file (`f.readline()`, `f.tell()`) behave differently
      // while the file is being iterated, so only a loop that leaves the file alone is rewritten as is.
      const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop.parent;
      const touched = body !== null && file.type === 'identifier' && occurrences(body, file.text).some((id) => !contains(iter, id));
      const reason = touched
        ? `the loop also uses \`${file.text}\`, which behaves differently while the file is being iterated`
        : !known
          ? `\`${file.text}\` may not be a file object that iterates by line`
          : positionMatters(file, loop)
            ? `the loop can stop early and \`${file.text}\` is read afterwards: \`readlines()\` left it at the end of the file, iteration leaves the rest unread`
            : undefined;
      ctx.report({
        node: iter,
        message: `\`${file.text}.readlines()\` reads the whole file into a list first; iterate over \`${file.text}\` directly`,
        edits: [replaceNode(iter, file.text)],
        safety: reason ? 'unsafe' : 'safe',
        reason,
      });
      return;
    }
    if (method !== 'splitlines') return;
    // f.read().splitlines()
    if (file.type !== 'call') return;
    const inner = file.childForFieldName('function');
    const innerArgs = file.childForFieldName('arguments');
    if (inner?.type !== 'attribute' || inner.childForFieldName('attribute')?.text !== 'read' || innerArgs?.namedChildCount !== 0) return;
    file = inner.childForFieldName('object')!;
    if (file.type === 'call' || !isKnownFile(file, ctx)) return;
    const v = freshName(ctx.facts, 'line');
    ctx.report({
      node: iter,
      message: `\`${file.text}.read().splitlines()\` reads the whole file into memory first; iterate over \`${file.text}\` directly`,
      edits: [replaceNode(iter, `(${v}.rstrip("\\r\\n") for ${v} in ${file.text})`)],
      fixTitle: 'Iterate over the file, stripping line endings',
      safety: 'unsafe',
      reason: SPLITLINES_SPLITS_MORE,
    });
  },
});
