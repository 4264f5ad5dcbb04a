import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  callArguments,
  decoratorsOf,
  FileFacts,
  insideExpectationBlock,
  isTestFile,
  keywordArgument,
  lintMemo,
  positionalArguments,
} from '../../server/analysis';
import { ensureImport, insertAfterImports, replaceNode, replaceRange } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/** Files that check for a GPU, pick one explicitly, or are GPU-only by design (NCCL, set_device). */
const DEVICE_AWARE =
  /is_available\s*\(|get_arch_list\s*\(|torch\.accelerator|device_count\s*\(|set_device\s*\(|current_device\s*\(|init_process_group|["']nccl["']|LOCAL_RANK|\.is_cuda\b|\.type\s*==\s*["']cuda|device_type/;

const deviceAware = lintMemo((facts) => DEVICE_AWARE.test(facts.text));

export default defineRule({
  id: 'torch-hardcoded-cuda',
  title: '.cuda() or the "cuda" device used with no availability check',
  category: 'pytorch',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message: 'The GPU is hard-coded and the file never checks `torch.cuda.is_available()`; pick the device once and use `.to(device)`',
  docs: {
    why:
      '`.cuda()` and `"cuda"` fail with a runtime error on machines without an NVIDIA GPU (laptops, CI, Apple ' +
      'silicon), so the script cannot even be smoke-tested there. Choosing the device once keeps the code ' +
      'device-agnostic and lets one line switch between CPU, CUDA or MPS.',
    instead:
      'Define `device = torch.device("cuda" if torch.cuda.is_available() else "cpu")` once and move models and ' +
      'tensors with `.to(device)`. Files that check availability, or are GPU-only by design (NCCL, `set_device`, ' +
      '`LOCAL_RANK`), test files, and code under an `if` on a GPU flag or a GPU-skip decorator are not flagged.',
    example: {
      before: 'model = Net().cuda()\nx = batch.to("cuda")',
      after: 'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")\nmodel = Net().to(device)\nx = batch.to(device)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use a device chosen once (.to(device))',
    reason: 'without a GPU the code then runs on the CPU instead of failing, which may hide a misconfigured machine',
  },
  query: `
(call
  function: (attribute attribute: (identifier) @m)
  arguments: (argument_list) @args
  (#eq? @m "cuda")) @cudaCall
(string) @str`,
  check(m, ctx) {
    const facts = ctx.facts;
    if (deviceAware(facts) || isTestFile(ctx.filePath)) return;
    const cudaCall = m.get('cudaCall');
    // Every string matches the query: look at its text before walking up its parents (a walk up costs
    // the depth squared, and a string at the bottom of a long `"a" + 1 + 1 + …` chain is very deep).
    if (!cudaCall && !CUDA_STRING.test(m.need('str').text)) return;
    if (deviceChosenAround(cudaCall ?? m.need('str'))) return;
    if (cudaCall) {
      // `.cuda(rank)` picks a GPU on purpose; `torch.cuda(...)` is not a method call on a tensor.
      if (callArguments(cudaCall).length > 0) return;
      const fn = cudaCall.childForFieldName('function')!;
      const obj = fn.childForFieldName('object');
      if (obj?.type === 'identifier' && facts.binding(obj.text)) return;
      ctx.report({
        start: m.need('m').startIndex,
        end: cudaCall.endIndex,
        message: '`.cuda()` fails on machines without a CUDA GPU and the file never checks for one; use `.to(device)`',
        edits: fixFor(facts, m.need('m'), cudaCall),
      });
      return;
    }
    const str = m.need('str');
    const parent = str.parent;
    if (parent?.type === 'conditional_expression') return; // "cuda" if ... else "cpu"
    let call: Node | null = null;
    if (parent?.type === 'argument_list') call = parent.parent;
    else if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.text === 'device') call = parent.parent?.parent ?? null;
    if (call?.type !== 'call') return;
    const fn = call.childForFieldName('function');
    const isTo = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'to';
    // `torch.device("cuda", index)` names a specific GPU on purpose (often in a comparison).
    const isDevice =
      facts.calleeName(call) === 'torch.device' && (call.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment').length ?? 0) === 1;
    const isKeyword = parent?.type === 'keyword_argument';
    if (!isTo && !isDevice && !isKeyword) return;
    if (isTo && !positionalArguments(call)[0]?.equals(str) && !keywordArgument(call, 'device')) return;
    ctx.report({
      node: str,
      message: `${str.text} fails on machines without a CUDA GPU and the file never checks for one; choose the device once with \`torch.cuda.is_available()\``,
      edits: isTo && !isKeyword ? fixFor(facts, str, null) : undefined,
    });
  },
});

const MENTIONS_GPU = /cuda|gpu|device/i;
/** A string literal naming the CUDA device: "cuda", 'cuda:1'. */
const CUDA_STRING = /^[rRuU]?(["'])cuda(:\d+)?\1$/;

/**
 * The code around node already decides on the GPU: an `if` on a cuda/gpu/device flag, a test
 * decorated to skip without a GPU (`@skip_if_lt_x_gpu(1)`, `@skipIfNoCuda`), or a block that
 * expects the call to fail (`with self.assertRaises(...)`).
 */
function deviceChosenAround(node: Node): boolean {
  if (insideExpectationBlock(node)) return true;
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'while_statement') {
      if (MENTIONS_GPU.test(n.childForFieldName('condition')?.text ?? '')) return true;
    } else if (n.type === 'function_definition' || n.type === 'class_definition') {
      // The decorator's name or arguments: `@skip_if_lt_x_gpu(1)`, `@skipIf(not TEST_CUDA, ...)`.
      if (decoratorsOf(n).some((d) => /cuda|gpu/i.test(d.text))) return true;
    }
  }
  return false;
}

/**
 * `.cuda()` → `.to(device)`, or `.to("cuda")` → `.to(device)`, plus a module-level
 * `device = torch.device(...)` after the imports (identical in every finding, so added once).
 * Only when the file does not already use the name `device`.
 */
function fixFor(facts: FileFacts, at: Node, cudaCall: Node | null): TextEdit[] | undefined {
  if (/\bdevice\b/.test(facts.text)) return undefined;
  const torch = ensureImport(facts, 'torch');
  const line = `device = ${torch.ref}.device("cuda" if ${torch.ref}.cuda.is_available() else "cpu")`;
  const edits: TextEdit[] = [...torch.edits, insertAfterImports(facts, line)];
  if (cudaCall) edits.push(replaceRange(at.startIndex, cudaCall.endIndex, 'to(device)'));
  else edits.push(replaceNode(at, 'device'));
  return edits;
}
