import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, jitDecorator } from '../../server/analysis';
import { ensureImport, removeArgument, replaceNode } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const TYPING_ERROR_NOW = 'on Numba before 0.59 a function that only compiled in object mode now raises a typing error instead of running slowly';

export default defineRule({
  id: 'numba-object-mode',
  title: 'Numba JIT that permits object mode',
  category: 'numba',
  severity: 'warning',
  severityForms: [{ severity: 'hint', when: 'for a bare `@jit` or `@jit(nopython=True)`, which Numba 0.59+ already compiles in nopython mode' }],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'numba',
  requires: ['numba'],
  message: 'This numba decorator allows object mode, which runs at Python speed; use `@njit`',
  docs: {
    why:
      'In object mode numba compiles little more than the interpreter would run, so `forceobj=True` or ' +
      '`nopython=False` gives no speed-up while still paying compile time. Since Numba 0.59 a bare `@jit` compiles ' +
      'in nopython mode and no longer falls back silently; older versions fell back to object mode with only a ' +
      'warning, so `@njit` is the explicit, version-independent spelling.',
    instead: 'Use `@numba.njit` (or `@jit(nopython=True)`) and keep pandas, I/O and arbitrary Python objects outside the compiled function.',
    example: { before: '@numba.jit(nopython=False)\ndef f(a): ...', after: '@numba.njit\ndef f(a): ...' },
  },
  fix: {
    safety: 'safe',
    title: 'Use @njit',
    forms: [{ safety: 'unsafe', when: 'for a bare `@jit`', reason: TYPING_ERROR_NOW }],
  },
  query: `
(decorated_definition
  (decorator) @decorator
  definition: (function_definition) @def)`,
  check(m, ctx) {
    const def = m.need('def');
    const jit = jitDecorator(ctx.facts, def);
    if (!jit || jit.decorator.parent?.id !== m.need('decorator').id) return;
    if (jit.name !== 'numba.jit' && jit.name !== 'numba.core.decorators.jit') return;
    const name = def.childForFieldName('name')?.text ?? 'function';
    // Mode options computed at run time (`forceobj=_forceobj`): cannot tell.
    for (const k of ['forceobj', 'nopython', 'looplift']) {
      const v = jit.keywords.get(k);
      if (v && v.type !== 'true' && v.type !== 'false') return;
    }
    if (jit.call?.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'dictionary_splat')) return;
    const objectMode = jit.keywords.get('forceobj')?.text === 'True' || jit.keywords.get('nopython')?.text === 'False';
    if (objectMode) {
      const opt = jit.keywords.get('forceobj')?.text === 'True' ? 'forceobj=True' : 'nopython=False';
      ctx.report({
        node: jit.decorator,
        message: `\`${name}\` is compiled with \`${opt}\` (object mode), which runs at Python speed; use \`@njit\` and keep Python objects out of it`,
      });
      return;
    }
    const nopython = jit.keywords.get('nopython');
    if (nopython && nopython.text !== 'True') return;
    // Rewrite `jit` → `njit`, dropping `nopython=True`.
    const callee = jit.call ? jit.call.childForFieldName('function')! : jit.decorator;
    const njit = njitReference(ctx.facts, callee);
    const edits: TextEdit[] = [...(njit?.edits ?? [])];
    const args = jit.call?.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    if (!njit) {
      // No module-level numba binding to reuse: leave the edit to the user.
    } else if (nopython && jit.call && args.length === 1) {
      edits.push(replaceNode(jit.call, njit.ref));
    } else if (nopython && jit.call) {
      edits.push(replaceNode(callee, njit.ref));
      const remove = removeArgument(ctx.text, jit.call, nopython.parent!);
      if (!remove) return;
      edits.push(remove);
    } else {
      edits.push(replaceNode(callee, njit.ref));
    }
    const bare = !nopython;
    ctx.report({
      node: jit.decorator,
      severity: 'hint',
      message: bare
        ? `\`@jit\` on \`${name}\`: numba before 0.59 could fall back to slow object mode; \`@njit\` states nopython mode explicitly`
        : `\`@jit(nopython=True)\` on \`${name}\` is spelled \`@njit\``,
      edits: njit ? edits : undefined,
      safety: bare ? 'unsafe' : 'safe',
      reason: bare ? TYPING_ERROR_NOW : undefined,
    });
  },
});

/**
 * How to spell `njit` where `callee` (the `jit` decorator) is: `numba.jit` becomes `numba.njit` through
 * the same binding (a local or conditional `import numba` included); a bare `jit` needs `njit`
 * imported, which is added only beside an unconditional module-level numba import, since numba is
 * often an optional dependency imported inside the functions that need it. Null: no safe spelling.
 */
function njitReference(facts: FileFacts, callee: Node): { ref: string; edits: TextEdit[] } | null {
  if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'jit') {
    return { ref: `${callee.childForFieldName('object')!.text}.njit`, edits: [] };
  }
  if (!facts.importsOf('numba').some((b) => b.unconditional)) return null;
  return ensureImport(facts, 'numba', 'njit');
}
