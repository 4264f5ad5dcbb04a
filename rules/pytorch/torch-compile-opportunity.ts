import { defineRule } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import { FileFacts, findDescendants, isNestedScope, isTestCode, lintMemo, trainingLoopOf, valuesAssignedTo } from '../../server/analysis';
import { ensureImport, indentAt, insertAt, lineEndOf } from '../../server/fixes';

const MODEL_LIBRARIES = /^(torchvision\.models|timm|transformers|torch\.nn|torchaudio\.models|segmentation_models_pytorch)\b/;

/** `torch.compile` (any spelling) or `module.compile()` appears anywhere in the file. */
const compilesSomething = lintMemo(
  (facts) =>
    /\btorch\s*\.\s*compile\b|(?<!\bre)\.compile\s*\(|torch\._dynamo|torch\.jit\./.test(facts.text) ||
    facts.importsOf('torch.compile').some((b) => b.target === 'torch.compile'),
);

export default defineRule({
  id: 'torch-compile-opportunity',
  title: 'A training loop whose model is never torch.compile-d',
  category: 'pytorch',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'pytorch-amp-and-compile',
  requires: ['torch'],
  message: 'The model trained here is never compiled; `torch.compile(model)` (PyTorch 2.0+) often speeds training up with one line',
  docs: {
    why:
      '`torch.compile` captures the model into graphs and generates fused kernels (Triton kernels on GPUs, C++/OpenMP ' +
      'code on CPUs), removing much of the Python and kernel-launch overhead of eager mode. Speed-ups vary with ' +
      'the model; the first steps pay for compilation, and inputs whose shapes keep changing can trigger recompiles.',
    instead:
      'Add `model = torch.compile(model)` after building the model (before the optimizer loop) and measure ' +
      'steady-state step time. This is a review suggestion, off by default.',
    example: {
      before: 'model = Transformer().to(device)\nfor batch in loader:\n    loss = model(batch).loss\n    loss.backward()',
      after: 'model = Transformer().to(device)\nmodel = torch.compile(model)\nfor batch in loader:\n    loss = model(batch).loss\n    loss.backward()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Compile the model with torch.compile',
    reason: 'compilation adds start-up time, may recompile for changing shapes, and needs PyTorch 2.0+; measure before keeping it',
  },
  query: `
(for_statement) @loop
(while_statement) @loop`,
  check(m, ctx) {
    const facts = ctx.facts;
    if (compilesSomething(facts) || isTestCode(m.need('loop'))) return;
    const loop = trainingLoopOf(m.need('loop'), facts);
    if (!loop || loop.kind !== 'train' || loop.framework !== 'torch') return;
    const model = builtModel(loop.node, facts);
    if (!model) return;
    const torch = ensureImport(facts, 'torch');
    const stmt = model.assignment.parent!;
    const line = `${detectEol(ctx.text)}${indentAt(ctx.text, stmt.startIndex)}${model.name} = ${torch.ref}.compile(${model.name})`;
    ctx.report({
      node: model.assignment.childForFieldName('left')!,
      message: `\`${model.name}\` is trained in the loop below but never compiled; try \`${model.name} = torch.compile(${model.name})\` (PyTorch 2.0+)`,
      edits: [...torch.edits, insertAt(lineEndOf(ctx.text, stmt.endIndex), line)],
    });
  },
});

/**
 * The model the loop calls (`model(x)`), when this function builds it just before the loop:
 * `model = Net(...)`, `model = resnet50().to(device)`, `model = AutoModel.from_pretrained(...)`.
 */
function builtModel(loop: Node, facts: FileFacts): { name: string; assignment: Node } | null {
  const body = loop.childForFieldName('body');
  if (!body) return null;
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || facts.binding(fn.text)) continue;
    if (/loss|criterion|metric/i.test(fn.text)) continue; // `loss_fn(out, y)`: not the model
    const values = valuesAssignedTo(fn.text, loop, facts).filter((v) => v.endIndex < loop.startIndex);
    const last = values[values.length - 1];
    if (!last || !isModelConstruction(last, facts)) continue;
    const assignment = last.parent!;
    if (assignment.parent?.type !== 'expression_statement') continue;
    return { name: fn.text, assignment };
  }
  return null;
}

function isModelConstruction(value: Node, facts: FileFacts): boolean {
  let v: Node | null = value;
  // Strip `.to(device)`, `.cuda()`, `.train()` and similar chains.
  while (v?.type === 'call') {
    const fn: Node | null = v.childForFieldName('function');
    if (fn?.type === 'attribute' && ['to', 'cuda', 'train', 'float', 'half', 'bfloat16'].includes(fn.childForFieldName('attribute')?.text ?? '')) {
      v = fn.childForFieldName('object');
      continue;
    }
    break;
  }
  if (v?.type !== 'call') return false;
  const fn = v.childForFieldName('function');
  const q = facts.calleeName(v) ?? '';
  if (MODEL_LIBRARIES.test(q)) return true;
  if (/\.from_pretrained$/.test(fn?.text ?? '')) return true;
  const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  // A class defined or imported by name: `Net(...)`, `models.ResNet(...)`.
  return !!last && /^[A-Z]/.test(last) && !/^(DataLoader|Dataset|Tensor|Adam\w*|SGD)$|Loss$|Metric/.test(last);
}
