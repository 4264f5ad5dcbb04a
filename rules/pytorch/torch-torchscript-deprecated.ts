import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { isTestFile, occurrences, scopeOf } from '../../server/analysis';

const TORCHSCRIPT = new Map([
  ['torch.jit.script', 'torch.jit.script'],
  ['torch.jit.trace', 'torch.jit.trace'],
  ['torch.jit.trace_module', 'torch.jit.trace_module'],
  ['torch.jit.script_method', 'torch.jit.script_method'],
]);

export default defineRule({
  id: 'torch-torchscript-deprecated',
  title: 'TorchScript (torch.jit.script / torch.jit.trace)',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'pytorch-amp-and-compile',
  requires: ['torch'],
  message: 'TorchScript is in maintenance mode; use `torch.compile` for speed and `torch.export` for deployment',
  docs: {
    why:
      'TorchScript no longer receives new features: the PyTorch documentation points new code to `torch.compile` ' +
      'for faster training and inference in Python, and to `torch.export` (with AOTInductor or ExecuTorch) for ' +
      'ahead-of-time deployment without Python. Scripting also restricts the Python you can write, and tracing ' +
      'silently freezes data-dependent control flow.',
    instead:
      'For speed: `model = torch.compile(model)`. For a serialisable, Python-free artefact: ' +
      '`torch.export.export(model, example_args)`. Keep TorchScript only where a consumer still requires it (e.g. an existing C++ runtime).',
    example: {
      before: 'scripted = torch.jit.script(model)\nscripted.save("model.pt")',
      after:
        'compiled = torch.compile(model)  # speed\nexported = torch.export.export(model, (example_x,))  # deployment\ntorch.export.save(exported, "model.pt2")',
    },
  },
  query: `
(call
  function: (attribute attribute: (identifier) @fn) @callee
  arguments: (argument_list)
  (#any-of? @fn "script" "trace" "trace_module" "script_method")) @site
(call
  function: (identifier) @callee
  arguments: (argument_list)) @site
(decorator [(attribute attribute: (identifier) @fn) (identifier) @fn] @callee
  (#any-of? @fn "script" "script_method")) @site`,
  check(m, ctx) {
    const callee = m.need('callee');
    // Bare names only when imported (any alias, e.g. `from torch.jit import trace as jit_trace`): a map lookup.
    if (callee.type === 'identifier' && !ctx.facts.binding(callee.text)) return;
    const name = TORCHSCRIPT.get(ctx.facts.qualifiedName(callee) ?? '');
    if (!name) return;
    const site = m.need('site');
    if (isTestFile(ctx.filePath) || inJitPackage(ctx.filePath)) return;
    if (site.type === 'decorator' ? decoratesClass(site) : readsTorchScriptIr(site)) return;
    ctx.report({
      node: site.type === 'decorator' ? site : callee,
      message: `\`${name}\` (TorchScript) is in maintenance mode; use \`torch.compile\` for speed or \`torch.export\` to deploy`,
    });
  },
});

/** TorchScript's own implementation (`torch/jit/...`, a project's `jit` package). */
function inJitPackage(filePath: string | undefined): boolean {
  return !!filePath && filePath.split(/[\\/]/).slice(0, -1).includes('jit');
}

/** `@torch.jit.script class ...`: a TorchScript class, usable only from TorchScript code. */
function decoratesClass(decorator: Node): boolean {
  return decorator.parent?.type === 'decorated_definition' && decorator.parent.childForFieldName('definition')?.type === 'class_definition';
}

const IR_ATTRIBUTES = /^(graph|inlined_graph|code|code_with_constants)$/;

/**
 * The result's TorchScript IR is read (`script(fn).graph`, `traced = trace(...); traced.graph`) in the
 * same function: code that consumes the IR (decomposition tables, exporters, graph viewers) has no
 * torch.compile / torch.export equivalent to switch to.
 */
function readsTorchScriptIr(call: Node): boolean {
  const readsIr = (n: Node) => {
    const p = n.parent;
    return p?.type === 'attribute' && p.childForFieldName('object')?.equals(n) && IR_ATTRIBUTES.test(p.childForFieldName('attribute')?.text ?? '');
  };
  if (readsIr(call)) return true;
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (target?.type !== 'identifier') return false;
  return occurrences(scopeOf(call), target.text).some(readsIr);
}
