import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  argumentFor,
  callsOf,
  classIndex,
  classOfMethod,
  datasetClassInfo,
  datasetStyleOfClass,
  deviceTypes,
  enclosingDef,
  FileFacts,
  findDescendants,
  isNestedScope,
  keywordValue,
  lastBindingOnPath,
  parameterNames,
  positionalArguments,
  ifBranchesAround,
} from '../../server/analysis';

/** The methods that make a dataset's samples (run in DataLoader workers). */
const SAMPLE_METHODS = new Set(['__getitem__', '__getitems__', '__iter__']);
const DATASET_BASE = /^torch\.utils\.data\.(dataset\.)?(Dataset|IterableDataset)$/;
/** A device spelled by name: `device`, `self.device`, `args.device`, `dev`. */
const DEVICE_NAME = /^(?:[\w.]+\.)?(?:device|dev|_device)$/;

export default defineRule({
  id: 'torch-dataset-to-device',
  title: 'Dataset __getitem__ moves samples to the GPU',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-data-loading#samples-stay-on-the-cpu',
  requires: ['torch'],
  severityForms: [
    {
      severity: 'hint',
      when: 'when the dataset indexes data already in memory (a tensor or array sliced per sample): workers would not speed it up, so only one small copy per sample is lost',
    },
    {
      severity: 'hint',
      when: 'when the method goes on to transform the moved sample (`mel = log_mel_spectrogram(audio)` after `audio = audio.to(device)`): it runs that step on the GPU on purpose',
    },
  ],
  message: '`__getitem__` moves each sample to the GPU: DataLoader workers and `pin_memory` cannot be used; move the batch in the loop instead',
  docs: {
    why:
      'A dataset runs in DataLoader worker processes when `num_workers > 0`, and CUDA cannot be initialised in a ' +
      'forked worker, so a sample moved to the GPU there raises. `pin_memory=True` raises on GPU tensors too. So the ' +
      'dataset locks the loader into loading in the main process, and pays one small host-to-GPU copy per sample ' +
      'instead of one per batch. Moves made by the methods `__getitem__` calls for each sample (`self.get_graph(...)`, up to three ' +
      'calls deep, when nothing else in the class calls them) count as its own: one finding for them all.',
    instead: 'Return CPU tensors from `__getitem__` and move the whole batch in the training loop: `x = x.to(device, non_blocking=True)`.',
    example: {
      before: 'class Frames(Dataset):\n    def __getitem__(self, i):\n        return read_image(self.paths[i]).to(self.device)',
      after:
        'class Frames(Dataset):\n    def __getitem__(self, i):\n        return read_image(self.paths[i])\n\nfor x in loader:\n    x = x.to(device, non_blocking=True)',
    },
  },
  query: `
(call
  function: (attribute attribute: (identifier) @method)
  (#any-of? @method "to" "cuda")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    const method = sampleMethod(call) ?? sampleHelper(call, facts);
    if (!method || !isTorchDataset(method.cls, facts)) return;
    if (!movesToAccelerator(call, m.need('method').text, facts)) return;
    // One finding per sample method (the first move, with the count): the fix is one change there, however many tensors it
    // moves. The helpers a sample method calls make one finding between them, at their first move, when it moves nothing itself.
    const moves = method.helpers ? method.helpers.flatMap((h) => movesIn(h, facts)) : movesIn(method.def, facts);
    if (!moves[0]?.equals(call)) return;
    // The tensors indexed were moved to the device before (in `__init__`, or by the notebook cell that built them and
    // handed them to the dataset): `.to(self.device)` returns them as they are, and there is no copy per sample.
    if (moves.every((move) => movesPlacedData(move, method.cls, facts))) return;
    // `if self.gpu_transform: data[k] = v.cuda(...)` (TAdaConv's optional GPU augmentation, judged wrong by review64): a move
    // the user switches on to run the sample's transforms on the GPU, off by default; the choice is theirs to make.
    if (moves.every((move) => underGpuSwitch(move, method.def))) return;
    const count = moves.length > 1 ? ` (${moves.length} moves in ${method.helpers ? 'these helpers' : 'this method'})` : '';
    // Slicing a tensor already in memory is what the main process does fastest: workers would not help such a dataset
    // (torch-dataloader-num-workers stays silent on it), so the cost left is one small copy per sample, not per batch.
    if (inMemory(method.cls, facts)) {
      ctx.report({
        node: call,
        severity: 'hint',
        message: `${who(method)} copies each sample of an in-memory dataset to the GPU on its own${count}: one small copy per sample instead of one per batch; return CPU tensors and move the batch in the loop`,
      });
      return;
    }
    // `audio = pad(audio).to(device)` then `mel = log_mel_spectrogram(audio)` (whisper's LibriSpeech notebook): the move is
    // there to run that step on the GPU, so returning CPU tensors would move the work, not only the copy.
    const step = transformOfMoved(call, method.def);
    if (step) {
      ctx.report({
        node: call,
        severity: 'hint',
        message:
          `${who(method)} moves each sample to the GPU to run \`${step}\` there${count}: DataLoader workers and \`pin_memory\` cannot be used; ` +
          'batched, that step could run on the GPU in the loop instead',
      });
      return;
    }
    ctx.report({
      node: call,
      message: `${who(method)} moves each sample to the GPU${count}: DataLoader workers and \`pin_memory\` cannot be used; return CPU tensors and move the batch in the loop`,
    });
  },
});

/** A switch for work on the GPU, as a plain or attribute name: `self.gpu_transform`, `cfg.AUGMENTATION.USE_GPU`, `use_cuda`. */
const GPU_SWITCH = /^[\w.]*(gpu|cuda)\w*$/i;

/** The move runs only in the body of an `if` (in `def`) whose condition is a GPU switch, read as it is. */
function underGpuSwitch(move: Node, def: Node): boolean {
  for (const { condition } of ifBranchesAround(move, (ancestor) => ancestor.equals(def))) if (GPU_SWITCH.test(condition.text)) return true;
  return false;
}

/** The sample method (`__getitem__`...) of a class that the call sits in, directly (not in a nested def). */
function sampleMethod(call: Node): SampleWork | null {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'lambda') return null;
    if (n.type !== 'function_definition') continue;
    const name = n.childForFieldName('name')?.text ?? '';
    if (!SAMPLE_METHODS.has(name)) return null;
    const owner = n.parent?.type === 'decorated_definition' ? n.parent.parent : n.parent;
    const cls = owner?.type === 'block' ? owner.parent : null;
    return cls?.type === 'class_definition' ? { name, cls, def: n } : null;
  }
  return null;
}

interface SampleWork {
  /** The sample method (`__getitem__`) that runs the move per sample. */
  name: string;
  cls: Node;
  /** The method the move is in. */
  def: Node;
  /** For a move in a helper: every helper the sample method reaches, in document order. */
  helpers?: Node[];
}

/** Who moves the sample, for the message: the sample method, or its helper. */
function who(work: SampleWork): string {
  if (!work.helpers) return `\`${work.name}\``;
  return `\`${work.def.childForFieldName('name')?.text ?? 'a helper'}\`, which \`${work.name}\` calls for each sample,`;
}

/** The names of the class's methods that `def` calls as `self.name(...)`, outside nested defs. */
function selfCallsIn(def: Node, methods: Map<string, Node>): string[] {
  return findDescendants(
    def.childForFieldName('body') ?? def,
    (n) => {
      const fn = n.type === 'call' ? n.childForFieldName('function') : null;
      return fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self' && methods.has(fn.childForFieldName('attribute')?.text ?? '');
    },
    isNestedScope,
  ).map((c) => c.childForFieldName('function')!.childForFieldName('attribute')!.text);
}

/**
 * A move in a method that a sample method reaches through `self.helper(...)` calls, at most three deep (3DInfomax's
 * `__getitem__` → `data_by_type` → `get_graph`, which moves each molecule's graph to `self.device`; review57's recall hunt),
 * when every call of that method in the class comes from the sample method or the helpers it reaches (a helper also
 * called from `__init__` runs once, not per sample), and the sample method moves nothing itself (it has its own finding).
 */
function sampleHelper(call: Node, facts: FileFacts): SampleWork | null {
  const def = enclosingDef(call);
  const owner = def ? classOfMethod(def) : null;
  if (!def || !owner) return null;
  const methods = classIndex(facts).info(owner)!.methods;
  const samples = [...methods].filter(([name]) => SAMPLE_METHODS.has(name));
  for (const [name, sample] of samples) {
    const reached = new Map<string, Node>();
    let frontier = [sample];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
      const next: Node[] = [];
      for (const f of frontier)
        for (const callee of selfCallsIn(f, methods)) {
          const helper = methods.get(callee)!;
          if (SAMPLE_METHODS.has(callee) || reached.has(callee)) continue;
          reached.set(callee, helper);
          next.push(helper);
        }
      frontier = next;
    }
    if (![...reached.values()].some((h) => h.equals(def))) continue;
    // Every caller of each reached helper is the sample method or another reached helper.
    const perSample = new Set([name, ...reached.keys()]);
    const calledElsewhere = [...methods].some(([caller, d]) => !perSample.has(caller) && selfCallsIn(d, methods).some((c) => reached.has(c)));
    if (calledElsewhere || movesIn(sample, facts).length > 0) continue;
    const helpers = [...reached.values()].sort((a, b) => a.startIndex - b.startIndex);
    return { name, cls: owner, def, helpers };
  }
  return null;
}

/** The `.to(<device>)` / `.cuda()` calls of a sample method (nested defs aside), in document order. */
function movesIn(def: Node, facts: FileFacts): Node[] {
  return findDescendants(
    def.childForFieldName('body') ?? def,
    (n) => {
      const fn = n.type === 'call' ? n.childForFieldName('function') : null;
      const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      return (name === 'to' || name === 'cuda') && movesToAccelerator(n, name, facts);
    },
    isNestedScope,
  );
}

/** A subclass of torch's Dataset or IterableDataset, directly or through classes of this file. */
function isTorchDataset(cls: Node, facts: FileFacts, depth = 0): boolean {
  if (depth > 5) return false;
  const index = classIndex(facts);
  const info = index.byClassName(cls.childForFieldName('name')?.text ?? '');
  const bases = info?.bases ?? cls.childForFieldName('superclasses')?.namedChildren.filter((b): b is Node => b !== null) ?? [];
  return bases.some((b) => {
    if (DATASET_BASE.test(facts.qualifiedName(b) ?? '')) return true;
    const local = index.resolve(b);
    return local !== null && isTorchDataset(local.node, facts, depth + 1);
  });
}

/** `.cuda()`, or `.to(x)` / `.to(device=x)` where x names a non-CPU device (a `dtype` argument alone is not a move). */
function movesToAccelerator(call: Node, method: string, facts: FileFacts): boolean {
  if (method === 'cuda') return true;
  const target = keywordValue(call, 'device') ?? positionalArguments(call)[0];
  if (!target) return false;
  const types = deviceTypes(target, facts);
  if (types) return [...types].some((t) => t !== 'cpu');
  return DEVICE_NAME.test(target.text);
}

/** The dataset's samples are indexed from data already in memory (no file read or decode per sample). */
function inMemory(cls: Node, facts: FileFacts): boolean {
  const info = classIndex(facts).byClassName(cls.childForFieldName('name')?.text ?? '');
  if (info) return datasetClassInfo(info, facts).kind === 'memory';
  // A class defined inside a function (x-transformers' `train()` defines its TextSamplerDataset): read its own methods.
  const iterable = /IterableDataset/.test(cls.childForFieldName('superclasses')?.text ?? '');
  return datasetStyleOfClass(cls, iterable)?.style === 'in-memory';
}

/**
 * `x = <...>.to(device)` followed, in the same method, by a call that takes `x` as an argument (`log_mel_spectrogram(x)`):
 * the callee's name, or null. Tensor methods of x (`x.float()`) and further moves do not count: they only carry the sample.
 */
function transformOfMoved(move: Node, def: Node): string | null {
  const assignment = move.parent?.type === 'assignment' && move.parent.childForFieldName('right')?.equals(move) ? move.parent : null;
  const target = assignment?.childForFieldName('left');
  if (target?.type !== 'identifier') return null;
  const later = findDescendants(
    def.childForFieldName('body') ?? def,
    (n) => n.type === 'identifier' && n.text === target.text && n.startIndex > assignment!.endIndex && n.parent?.type === 'argument_list',
    isNestedScope,
  );
  for (const use of later) {
    const fn = use.parent?.parent?.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (fn && name && name !== 'to' && name !== 'cuda') return fn.text.length <= 40 ? fn.text : name;
  }
  return null;
}

/** Tensor methods whose result lives where their receiver does: casts, views, copies on the same device. */
const KEEPS_PLACE = new Set(
  'double float half bfloat16 long int short bool clone detach contiguous view view_as reshape squeeze unsqueeze flatten permute transpose t narrow expand expand_as'.split(
    ' ',
  ),
);

/** How far placedOnAccelerator follows names, attributes and parameters. */
const MAX_PLACEMENT_DEPTH = 8;

/** The move's receiver is data already on an accelerator (so the move copies nothing). */
function movesPlacedData(move: Node, cls: Node, facts: FileFacts): boolean {
  const fn = move.childForFieldName('function');
  const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  return !!receiver && placedOnAccelerator(receiver, move, cls, facts, 0);
}

/**
 * True when `expr` (read at `at`) is shown to hold a tensor moved to an accelerator: the result of a `.to(device)` /
 * `.cuda()`, a slice, cast or view of one, an attribute of the dataset class every assignment of which is one, or a
 * parameter every call in the file passes one for (`WindowDataset(train_ts)` after `train_ts = train_ts.to(device)`).
 * False whenever a step is not shown: a tensor of unknown origin may be host data.
 */
function placedOnAccelerator(expr: Node, at: Node, cls: Node, facts: FileFacts, depth: number): boolean {
  if (depth > MAX_PLACEMENT_DEPTH) return false;
  switch (expr.type) {
    case 'parenthesized_expression': {
      const inner = expr.namedChild(0);
      return !!inner && placedOnAccelerator(inner, at, cls, facts, depth + 1);
    }
    case 'subscript': {
      const value = expr.childForFieldName('value');
      return !!value && placedOnAccelerator(value, at, cls, facts, depth + 1);
    }
    case 'call': {
      const fn = expr.childForFieldName('function');
      const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (!name) return false;
      if ((name === 'to' || name === 'cuda') && movesToAccelerator(expr, name, facts)) return true;
      const receiver = fn!.childForFieldName('object');
      return KEEPS_PLACE.has(name) && !!receiver && placedOnAccelerator(receiver, at, cls, facts, depth + 1);
    }
    case 'attribute': {
      // `self.x`: every assignment of it in the dataset class.
      if (expr.childForFieldName('object')?.text !== 'self') return false;
      const assigned = findDescendants(
        cls,
        (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === expr.text && n.childForFieldName('right') !== null,
      );
      return (
        assigned.length > 0 &&
        assigned.every((a) => {
          const right = a.childForFieldName('right')!;
          return placedOnAccelerator(right, right, cls, facts, depth + 1);
        })
      );
    }
    case 'identifier':
      return nameOnAccelerator(expr, at, cls, facts, depth);
    default:
      return false;
  }
}

/** A name: a parameter (followed to what the file's calls pass), or its last assignment before `at`. */
function nameOnAccelerator(id: Node, at: Node, cls: Node, facts: FileFacts, depth: number): boolean {
  const def = enclosingDef(at);
  const params = def ? parameterNames(def) : [];
  const index = params.indexOf(id.text);
  if (def && index >= 0) {
    // `__init__(self, y)` is called by constructing its class; a function of the module, by name. Methods are left alone.
    const owner = def.parent?.type === 'block' ? def.parent.parent : null;
    const isInit = owner?.type === 'class_definition' && def.childForFieldName('name')?.text === '__init__';
    if (owner?.type === 'class_definition' && !isInit) return false;
    const calls = callsOf(isInit ? owner! : def, facts);
    const position = isInit ? index - 1 : index;
    return (
      calls.length > 0 &&
      calls.every((call) => {
        const arg = argumentFor(call, id.text, position);
        return !!arg && placedOnAccelerator(arg, call, cls, facts, depth + 1);
      })
    );
  }
  const binding = lastBindingOnPath(id.text, at, facts);
  return !!binding && !binding.path && placedOnAccelerator(binding.value, binding.value, cls, facts, depth + 1);
}
