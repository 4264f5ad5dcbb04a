import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, findDescendants, isNestedScope, isTestCode, isTestFile, trainingLoops } from '../../server/analysis';
import { ensureImport, indentAt, insertAt, lineStartOf } from '../../server/fixes';

/** Names of functions that evaluate or infer: `evaluate`, `validate_epoch`, `run_inference`, `predict`... */
const EVAL_NAME = /(^|_)(eval|evaluate|evaluation|validate|validation|val|valid|predict|prediction|predictions|infer|inference)(_|$)/i;
/** A `with` item or decorator that switches gradient recording off (or decides it explicitly). */
const GRAD_CONTEXT = /(no_grad|inference_mode|set_grad_enabled|enable_grad)\b/;
/** Code that needs gradients, or has already frozen the parameters. */
const NEEDS_OR_FREEZES_GRAD =
  /\.backward\s*\(|\bautograd\.grad\s*\(|\.step\s*\(|requires_grad_\(\s*False\s*\)|\.requires_grad\s*=\s*False|\bset_grad_enabled\b/;

export default defineRule({
  id: 'torch-eval-without-no-grad',
  title: 'Evaluation or inference loop without torch.no_grad() / inference_mode()',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency#evaluation-without-autograd',
  requires: ['torch'],
  message: 'This evaluation loop runs the model with autograd on; wrap it in `torch.no_grad()` or `torch.inference_mode()`',
  docs: {
    why:
      'Outside `torch.no_grad()`, every forward pass records an autograd graph and keeps the intermediate activations ' +
      'it would need for a backward pass that evaluation never runs. That costs time per batch and memory that grows ' +
      'with the batch (large eval batches then run out of GPU memory). `model.eval()` does not turn this off: it only ' +
      'switches dropout and batch-norm to inference behaviour.',
    instead:
      'Decorate the evaluation function with `@torch.no_grad()` (or `@torch.inference_mode()`, faster still when the ' +
      'outputs are never used in autograd later), or wrap its loop in `with torch.no_grad():`.',
    example: {
      before: 'def evaluate(model, loader):\n    model.eval()\n    for x, y in loader:\n        correct += (model(x).argmax(1) == y).sum()',
      after: '@torch.no_grad()\ndef evaluate(model, loader):\n    model.eval()\n    for x, y in loader:\n        correct += (model(x).argmax(1) == y).sum()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Decorate the function with @torch.no_grad()',
    reason: 'outputs of the function no longer carry gradients: a caller that differentiates through them (saliency maps, meta-learning) would break',
  },
  query: `(function_definition name: (identifier) @name body: (block) @body) @def`,
  check(m, ctx) {
    const def = m.need('def');
    const facts = ctx.facts;
    if (isTestFile(ctx.filePath) || isTestCode(m.need('body'))) return;
    const loop = evaluationLoop(def, facts);
    if (!loop) return;
    const name = m.need('name').text;
    // Evaluation by name, or the model switched to eval mode in the function.
    if (!EVAL_NAME.test(name) && !callsEval(def)) return;
    // Gradients needed, parameters frozen, or a gradient context somewhere in the function (around the model call).
    const body = m.need('body').text;
    if (NEEDS_OR_FREEZES_GRAD.test(body) || GRAD_CONTEXT.test(body)) return;
    if (gradDecided(loop) || calledUnderGradContext(name, facts)) return;
    const right = loop.childForFieldName('right');
    ctx.report({
      start: loop.startIndex,
      end: right?.endIndex ?? loop.startIndex + 3,
      message: `\`${name}\` runs the model on every batch with autograd recording; decorate it with \`@torch.no_grad()\` or use \`torch.inference_mode()\``,
      edits: decoratorEdit(def, facts),
    });
  },
});

/** The first forward loop (a loop over a DataLoader calling the model, no backward) directly in def's body. */
function evaluationLoop(def: Node, facts: FileFacts): Node | null {
  for (const loop of trainingLoops(facts)) {
    if (loop.kind !== 'forward' || loop.framework !== 'torch') continue;
    if (enclosingDef(loop.node)?.equals(def)) return loop.node;
  }
  return null;
}

function callsEval(def: Node): boolean {
  return (
    findDescendants(
      def.childForFieldName('body')!,
      (n) =>
        n.type === 'call' &&
        n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'eval' &&
        n.childForFieldName('arguments')?.namedChildCount === 0,
      isNestedScope,
    ).length > 0
  );
}

/** A `with torch.no_grad()` (or inference_mode / set_grad_enabled) around the loop, or such a decorator on an enclosing function. */
function gradDecided(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'with_statement' && GRAD_CONTEXT.test(n.namedChildren.find((c) => c?.type === 'with_clause')?.text ?? '')) return true;
    if (n.type === 'decorated_definition' && n.namedChildren.some((c) => c?.type === 'decorator' && GRAD_CONTEXT.test(c.text))) return true;
  }
  return false;
}

/** The function is called somewhere in this file under a gradient context: the caller already decided. */
function calledUnderGradContext(name: string, facts: FileFacts): boolean {
  if (!new RegExp(`\\b${name}\\s*\\(`).test(facts.text)) return false;
  const calls = findDescendants(facts.root, (n) => {
    if (n.type !== 'call') return false;
    const fn = n.childForFieldName('function');
    return (fn?.type === 'identifier' && fn.text === name) || (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === name);
  });
  return calls.some(gradDecided);
}

function enclosingDef(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return null;
}

/** `@torch.no_grad()` on its own line right above `def` (after any other decorators), with the import when missing. */
function decoratorEdit(def: Node, facts: FileFacts) {
  const { ref, edits } = ensureImport(facts, 'torch');
  const at = lineStartOf(facts.text, def.startIndex);
  // `async def`, or a def that shares its line with something else: leave it to the author.
  if (def.text.startsWith('async') || facts.text.slice(at, def.startIndex).trim() !== '') return undefined;
  const eol = facts.text.includes('\r\n') ? '\r\n' : '\n';
  return [...edits, insertAt(at, `${indentAt(facts.text, def.startIndex)}@${ref}.no_grad()${eol}`)];
}
