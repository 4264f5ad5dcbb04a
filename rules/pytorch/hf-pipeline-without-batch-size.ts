import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  enclosingDef,
  enclosingLoops,
  hasSplatArguments,
  keywordArgument,
  keywordValue,
  parameterNames,
  positionalArguments,
  valuesAssignedTo,
  type FileFacts,
} from '../../server/analysis';

export default defineRule({
  id: 'hf-pipeline-without-batch-size',
  title: 'A Hugging Face pipeline is handed slices of inputs but runs them one at a time',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-gpu-efficiency',
  requires: ['transformers'],
  message: 'This pipeline gets a slice of inputs per call but has no `batch_size`, so it runs the model on them one at a time; pass `batch_size=`',
  docs: {
    why:
      'A `transformers` pipeline given a list runs its model on the items one by one unless it was built or called ' +
      'with `batch_size`: slicing the inputs into chunks by hand does not batch them. On a GPU each single-item ' +
      'forward pass leaves the device mostly idle, so a chunk of 32 texts costs about 32 small launches instead of one.',
    instead:
      'Pass `batch_size=` to `pipeline(...)` (or to the call) and hand it the whole list, or keep the chunks and pass ' +
      '`batch_size=len(chunk)`. Batching pays most on a GPU; Hugging Face advises measuring on the CPU. Pipelines ' +
      'called on one item per iteration, or built with arguments the file cannot see (`**kwargs`), are not flagged.',
    example: {
      before:
        'from transformers import pipeline\n\nclf = pipeline("sentiment-analysis", device=0)\n\ndef score(texts, size=32):\n    out = []\n    for i in range(0, len(texts), size):\n        out.extend(clf(texts[i : i + size]))\n    return out',
      after: 'from transformers import pipeline\n\nclf = pipeline("sentiment-analysis", device=0, batch_size=32)\n\ndef score(texts):\n    return clf(texts)',
    },
  },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list . [(subscript) (identifier)] @input)) @call`,
  check(m, ctx) {
    const facts = ctx.facts;
    const call = m.need('call');
    if (enclosingLoops(call).length === 0) return;
    if (keywordArgument(call, 'batch_size') || hasSplatArguments(call)) return;
    const input = m.need('input');
    if (!positionalArguments(call)[0]?.equals(input)) return;
    const chunk = sliceOf(input, call, facts);
    if (!chunk) return;
    const fn = m.need('fn').text;
    if (!builtAsPipelineWithoutBatchSize(fn, call, facts)) return;
    ctx.report({
      node: call,
      message: `\`${fn}\` is handed a slice of inputs (\`${chunk}\`) on each iteration, but without \`batch_size\` the pipeline runs its model on them one at a time; build it with \`batch_size=\` (or pass \`batch_size=\` here)`,
    });
  },
});

/** The slice text when the input is `xs[i : i + n]`, or a name whose every assignment in scope is such a slice. */
function sliceOf(input: Node, call: Node, facts: FileFacts): string | null {
  const starts = chunkStarts(call, facts);
  if (starts.size === 0) return null;
  if (input.type === 'subscript') return isChunk(input, starts) ? input.text : null;
  const def = enclosingDef(call);
  if (def && parameterNames(def).includes(input.text)) return null;
  const values = valuesAssignedTo(input.text, call, facts);
  if (values.length === 0 || !values.every((v) => isChunk(v, starts))) return null;
  return values[0]!.text;
}

/**
 * The targets of the loops around the call that step through a sequence in strides (`for i in range(0, len(xs), n)`):
 * the starts of hand-made chunks. A slice that starts elsewhere (`text[:512]`, truncating one text) is one item.
 */
function chunkStarts(call: Node, facts: FileFacts): Set<string> {
  const out = new Set<string>();
  for (const loop of enclosingLoops(call)) {
    if (loop.type !== 'for_statement') continue;
    const left = loop.childForFieldName('left');
    const right = loop.childForFieldName('right');
    if (left?.type !== 'identifier' || right?.type !== 'call') continue;
    if (right.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', right)) continue;
    if (positionalArguments(right).length === 3) out.add(left.text);
  }
  return out;
}

/** `xs[i : i + n]` with `i` a chunk start and an upper bound: a chunk of a sequence, not one item. */
function isChunk(n: Node, starts: Set<string>): boolean {
  if (n.type !== 'subscript') return false;
  const index = n.childForFieldName('subscript');
  if (index?.type !== 'slice') return false;
  const bounds = index.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return bounds.length === 2 && bounds[0]!.type === 'identifier' && starts.has(bounds[0]!.text);
}

/**
 * Every assignment of the name, in the call's function or else at module level, is `transformers.pipeline(...)` with
 * no `batch_size` and nothing the file cannot see (`**kwargs`). A parameter of the function is someone else's object.
 */
function builtAsPipelineWithoutBatchSize(fn: string, call: Node, facts: FileFacts): boolean {
  const def = enclosingDef(call);
  if (def && parameterNames(def).includes(fn)) return false;
  let values = valuesAssignedTo(fn, call, facts);
  // Not bound in the function: the scope around it (the module, or an enclosing function).
  if (values.length === 0 && def) values = valuesAssignedTo(fn, def, facts);
  return (
    values.length > 0 &&
    values.every(
      (v) =>
        v.type === 'call' &&
        facts.calleeName(v) === 'transformers.pipeline' &&
        !keywordArgument(v, 'batch_size') &&
        !hasSplatArguments(v) &&
        !AUDIO_TASK.test(taskOf(v) ?? ''),
    )
  );
}

/**
 * Audio tasks take a waveform, an array of samples, as one input: a slice of it (`audio[start : start + 30 * sr]`,
 * buzz's 30-second windows) is one clip, not a list of inputs to batch (review69, judged wrong).
 */
const AUDIO_TASK = /^['"](?:automatic-speech-recognition|audio-classification|zero-shot-audio-classification)['"]$/;

/** The task string the pipeline is built for: its first positional argument or `task=`. */
function taskOf(build: Node): string | null {
  return (keywordValue(build, 'task') ?? positionalArguments(build)[0])?.text ?? null;
}
