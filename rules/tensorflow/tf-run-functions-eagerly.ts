import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingDef, FileFacts, methodCallsIn } from '../../server/analysis';
import { deleteLines, replaceNode } from '../../server/fixes';

const EAGER = new Set(['tensorflow.config.run_functions_eagerly', 'tensorflow.config.experimental_run_functions_eagerly']);
const DEBUG_CONDITION = /debug|eager|verbose|trace|profil|test/i;

export default defineRule({
  id: 'tf-run-functions-eagerly',
  title: 'tf.config.run_functions_eagerly(True) left in code',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'tf-function-and-tracing',
  requires: ['tensorflow'],
  message: '`tf.config.run_functions_eagerly(True)` turns every `tf.function` back into slow eager Python; remove it outside debugging',
  docs: {
    why:
      '`run_functions_eagerly(True)` is a debugging switch: from that point every `tf.function` (including the ' +
      'train step Keras builds for `fit`) runs op by op in Python, so breakpoints and prints work but graph ' +
      'optimisations, fusion and XLA are lost. Left in a training script, it can make training many times slower.',
    instead:
      'Delete the call (or guard it behind a debug flag). Calls under a debug/test condition and in test files ' +
      '(importing pytest or unittest) are not flagged, nor a call in a function that also defines code reading tensors with ' +
      '`.numpy()` (a loss or metric matching points with SciPy): that code needs eager mode, and moving it into ' +
      '`tf.py_function` is a redesign, not a deletion.',
    example: {
      before: 'tf.config.run_functions_eagerly(True)\nmodel.fit(ds, epochs=10)',
      after: 'model.fit(ds, epochs=10)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Remove run_functions_eagerly(True)',
    reason: 'tf.functions then run as graphs again: Python side effects inside them (print, list appends) happen only while tracing',
  },
  query: `
(call
  function: (attribute attribute: (identifier) @m)
  arguments: (argument_list . (true) .)
  (#any-of? @m "run_functions_eagerly" "experimental_run_functions_eagerly")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    if (!EAGER.has(ctx.facts.calleeName(call) ?? '')) return;
    if (isTestFile(ctx.facts) || isInTest(call) || underDebugCondition(call)) return;
    // The function that turns eager mode on also defines code reading tensors as NumPy values (`.numpy()`), which raises
    // inside a graph: trees-pointnet's point-to-point loss matches points with scipy's linear_sum_assignment, and removing
    // the call would break training (review60 judged it wrong).
    if (readsTensorsAsNumpy(call)) return;
    ctx.report({ node: call, edits: removal(ctx.text, call) });
  },
});

/** The def around `call` (with the defs nested in it) calls `.numpy()` on something: it needs eager tensors. */
function readsTensorsAsNumpy(call: Node): boolean {
  const def = enclosingDef(call);
  return def !== null && methodCallsIn(def, 'numpy').length > 0;
}

function isTestFile(facts: FileFacts): boolean {
  return facts.importsModule('pytest') || facts.importsModule('unittest') || facts.importsModule('absl.testing');
}

function isInTest(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition' && /^test/.test(n.childForFieldName('name')?.text ?? '')) return true;
    if (n.type === 'class_definition' && /^Test|Test$/.test(n.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}

function underDebugCondition(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'if_statement' || n.type === 'elif_clause') {
      const cond = n.childForFieldName('condition');
      if (cond && DEBUG_CONDITION.test(cond.text)) return true;
    }
  }
  return false;
}

function removal(text: string, call: Node) {
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement') return undefined;
  const block = stmt.parent;
  if (!block || (block.type !== 'block' && block.type !== 'module')) return undefined;
  if (/^[ \t]*;/.test(text.slice(stmt.endIndex)) || /;[ \t]*$/.test(text.slice(text.lastIndexOf('\n', stmt.startIndex) + 1, stmt.startIndex))) return undefined;
  const statements = block.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  if (block.type === 'block' && statements.length === 1) return [replaceNode(call, 'pass')];
  return [deleteLines(text, stmt.startIndex, stmt.endIndex)];
}
