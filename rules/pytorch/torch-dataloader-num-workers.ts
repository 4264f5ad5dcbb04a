import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  DATALOADER_CALL_QUERY,
  DEVICE_TEXT,
  dataLoaderArgument,
  datasetInfo,
  type DatasetInfo,
  FileFacts,
  findDescendants,
  isNestedScope,
  contains,
  definitionsNamed,
  enclosingDef,
  enclosingLoop,
  fewBatchesPerPass,
  identifiersSpelledInFile,
  isJudgeableDataLoaderCall,
  isTestCode,
  isTestFile,
  occurrences,
  parameterNames,
  positionalArguments,
  smallImageDataset,
  notebookCollection,
  teachingMaterial,
  trainingLoopOf,
  trainingLoops,
  unwrapIterable,
  valuesAssignedTo,
  values,
  isNotebookFile,
} from '../../server/analysis';
import { appendArgument } from '../../server/fixes';

export default defineRule({
  id: 'torch-dataloader-num-workers',
  title: 'DataLoader has no num_workers, or num_workers=0',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-data-loading',
  // TorchFix's TOR401 (a flake8 plugin, read from `# noqa`) flags the same DataLoader.
  peers: { ruff: ['TOR401'] },
  requires: ['torch'],
  message: '`DataLoader` loads every batch in the main process (num_workers=0); set `num_workers` > 0 to load in parallel',
  docs: {
    why:
      'With the default `num_workers=0`, the training process itself reads, decodes and collates every batch, ' +
      'so the GPU sits idle while the next batch is prepared. Worker processes prepare batches in parallel ' +
      'and keep a queue ready (`prefetch_factor` batches per worker).',
    instead:
      'Pass `num_workers=N` (start near the number of CPU cores per GPU and measure), and `persistent_workers=True` ' +
      'to keep workers alive between epochs. Only datasets that read or decode per sample are flagged: in-memory data, ' +
      'IterableDatasets, tests, an explicit `num_workers=0` (a hint when a training loop reads images it decodes) and a loader that is never read, or only peeked at for one batch ' +
      '(`next(iter(loader))`, `for x in loader: break`), or whose one batch is the whole dataset (`batch_size=len(dataset)`: workers ' +
      'split the work by batch, so one worker would build it alone and copy it through shared memory), are left alone. Little loading ' +
      'ranks low (a hint): a pass of a few batches (a small `Subset`, a loop that breaks early), a notebook loader read in one ' +
      'or two passes after training (`evaluate(model, test_loader)`), a loader read in one pass before its name is bound to ' +
      'the loader that trains (a pass measuring the mean and std to normalise with), and MNIST, CIFAR or SVHN ' +
      'with conversion-only transforms unless a training loop of the file reads them on a GPU; so does every loader of a ' +
      'collection of standalone demo notebooks (a project of many notebooks and no package).',
    example: {
      before: 'ds = ImageFolder(root)\nloader = DataLoader(ds, batch_size=64, shuffle=True)\nfor x, y in loader:\n    ...',
      after:
        'ds = ImageFolder(root)\nloader = DataLoader(ds, batch_size=64, shuffle=True, num_workers=4, persistent_workers=True)\nfor x, y in loader:\n    ...',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Load batches in 4 worker processes (num_workers=4)',
    reason:
      'workers need a picklable dataset and, under the spawn start method, an `if __name__ == "__main__":` guard; ' +
      'an IterableDataset must shard its data per worker or batches repeat',
  },
  query: DATALOADER_CALL_QUERY,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (!isJudgeableDataLoaderCall(call, facts)) return;
    // Tests and a one-batch peek (`next(iter(DataLoader(...)))`) read too little for workers to pay off.
    if (isTestFile(ctx.filePath) || isTestCode(call) || isOneBatchPeek(call, facts) || isNeverRead(call, facts)) return;
    // Only a dataset that reads or decodes per sample gains from workers: in-memory data gains little, and an
    // IterableDataset (an environment, a policy, a stream) repeats itself in every worker unless it shards.
    const datasetArg = dataLoaderArgument(call, 'dataset');
    // `batch_size=len(dataset)`: the whole dataset is one batch, which one worker would build alone and then copy through
    // shared memory (PFLlib's dataset generators, review57: eight findings judged wrong by both reviewers).
    if (isWholeDatasetBatch(call, datasetArg)) return;
    const dataset = datasetInfo(datasetArg, facts);
    // A dataset that puts samples on the GPU cannot run in forked workers (torch-dataset-to-device says so).
    if (dataset.kind !== 'io' || dataset.onDevice) return;
    // Nor can a collate function that moves batches to the GPU or runs a model on them: CUDA fails in forked workers.
    if (collateRunsOnDevice(call, facts)) return;

    // Any explicit `num_workers`, 0 included, is a decision of the author's (a 0 is often there on purpose:
    // a dataset that is not picklable, a file handle that does not survive fork, debugging): respect it.
    const workers = dataLoaderArgument(call, 'num_workers');
    if (workers) {
      reportExplicitZero(call, workers, datasetArg, dataset, ctx);
      return;
    }
    const edit = appendArgument(ctx.text, call, 'num_workers=4');
    // A script that builds its loader at top level and trains on it (PyTorch-GAN's `for epoch ...: for imgs in
    // dataloader: ... loss.backward()`) pays for the loading on every step, not once at import: a blind review judged all
    // 20 such findings useful. The engine then ranks it by that loop, not by the one-time setup around the call.
    const line = trainingLineReading(call, facts);
    const option = line === null ? null : unusedWorkersOption(facts.text);
    // A collection of standalone demo notebooks trains each model once, over demo data: a blind review judged all 47 such
    // loaders in deeplearning-models' notebooks not worth a change, whatever they load.
    if (heldImagesGainLittle(datasetArg, line, ctx)) return;
    const lowImpact = smallData(call, datasetArg, line, ctx) ?? notebookCollection(ctx.filePath, { files: ctx.files, givenRoot: ctx.projectRoot }) ?? undefined;
    ctx.report({
      node: call.childForFieldName('function') ?? call,
      edits: edit ? [edit] : undefined,
      lowImpact,
      ...(line === null
        ? {}
        : {
            message:
              `\`DataLoader\` loads every batch in the main process (num_workers=0) while the training loop (line ${line}) waits for it; ` +
              `set \`num_workers\` > 0 to load in parallel` +
              (option ? ` (the script defines \`${option.flag}\` and never reads it: \`num_workers=${option.read}\`)` : ''),
            hotReason: `the training loop at line ${line} waits for every batch it loads`,
            hotDespiteSetup: true,
          }),
    });
  },
});

/**
 * `DataLoader(ImageFolder(root), num_workers=0)` read by a training loop of the same scope: every image of every batch is
 * decoded in the main process while the loop waits. The explicit 0 may be deliberate (a dataset that does not pickle,
 * debugging, a platform without fork), so this is a hint only, never shown by default, and offers no fix. Only a dataset
 * that decodes images (torchvision's ImageFolder, or a Dataset of this file whose `__getitem__` opens one), not other I/O.
 */
function reportExplicitZero(call: Node, workers: Node, datasetArg: Node | null, dataset: DatasetInfo, ctx: RuleContext): void {
  if (workers.type !== 'integer' || workers.text !== '0' || !decodesImages(datasetArg, dataset, ctx.facts)) return;
  const line = trainingLineReading(call, ctx.facts);
  if (line === null || smallData(call, datasetArg, line, ctx)) return;
  ctx.report({
    node: workers,
    lowImpact: '`num_workers=0` is written out, which may be deliberate (a dataset that does not pickle, debugging)',
    message:
      `\`DataLoader(..., num_workers=0)\` decodes every image in the main process while the training loop (line ${line}) waits for it; ` +
      'unless 0 is needed, set `num_workers` > 0 to decode in parallel',
  });
}

/** torchvision's image folder datasets, which open and decode one image file per sample. */
const IMAGE_FOLDER_DATASETS = /^torchvision\.datasets\.(?:folder\.)?(?:ImageFolder|ImageNet)$/;
/** A call that opens or decodes an image file, as written in a `__getitem__`. */
const IMAGE_DECODE = /\b(?:Image\.open|cv2\.imread|read_image|decode_image|decode_jpeg|imageio\.(?:v[23]\.)?imread|io\.imread)\s*\(/;

/** The dataset decodes an image per sample: an ImageFolder (directly or through a name), or a class whose `__getitem__` opens one. */
function decodesImages(datasetArg: Node | null, dataset: DatasetInfo, facts: FileFacts): boolean {
  if (dataset.kind !== 'io' || dataset.tinySamples) return false;
  if (dataset.cls) return IMAGE_DECODE.test(dataset.cls.methods.get('__getitem__')?.text ?? '');
  const built = datasetArg?.type === 'identifier' ? valuesAssignedTo(datasetArg.text, datasetArg, facts) : datasetArg ? [datasetArg] : [];
  return built.length > 0 && built.every((v) => v.type === 'call' && IMAGE_FOLDER_DATASETS.test(facts.calleeName(v) ?? ''));
}

/**
 * The loader's `collate_fn` is a function of this file (by name, through `functools.partial`, or a lambda calling one)
 * that puts tensors on a device (`.cuda()`, `.to(device)`) or calls a torch module: with workers it would run in forked
 * processes, where CUDA cannot be initialised, so `num_workers=0` is required there.
 */
function collateRunsOnDevice(call: Node, facts: FileFacts): boolean {
  let fn = dataLoaderArgument(call, 'collate_fn');
  if (fn?.type === 'call' && /(?:^|\.)partial$/.test(facts.calleeName(fn) ?? '')) fn = positionalArguments(fn)[0] ?? null;
  if (!fn) return false;
  const bodies: Node[] = [];
  if (fn.type === 'lambda') {
    bodies.push(fn);
    for (const inner of findDescendants(fn, (n) => n.type === 'call')) {
      const callee = inner.childForFieldName('function');
      if (callee?.type === 'identifier') bodies.push(...definitionsNamed(facts, 'function_definition', callee.text));
    }
  } else {
    const name = fn.type === 'identifier' ? fn.text : fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (name) bodies.push(...definitionsNamed(facts, 'function_definition', name));
  }
  const layer = values(facts);
  return bodies.some(
    (scope) =>
      DEVICE_TEXT.test(scope.text) ||
      findDescendants(
        scope.childForFieldName('body') ?? scope,
        (n) => n.type === 'call' && layer.calleeValue(n.childForFieldName('function'))?.kind === 'module',
        isNestedScope,
      ).length > 0,
  );
}

/**
 * Why there is little loading to spread over workers, when the code shows it, as a clause for the hover: a pass of a
 * few batches (a small `Subset`, a loop that breaks after a few) is over before workers repay their start-up, and so
 * are one-off passes. (Images held decoded in memory: heldImagesGainLittle.)
 */
function smallData(call: Node, dataset: Node | null, line: number | null, ctx: RuleContext): string | undefined {
  const facts = ctx.facts;
  const few = fewBatchesPerPass(call, facts, dataset, dataLoaderArgument(call, 'batch_size'));
  if (few) return `${few}: worker processes would cost about as much to start as they save`;
  const passes = line === null ? oneOffPasses(call, ctx.filePath, facts) : null;
  if (passes) return `${passes}: the notebook reads it once or twice, after training, where workers save little`;
  const replaced = line === null ? passBeforeReplacement(call, facts) : null;
  if (replaced) return `${replaced}: workers would speed up one pass, not every epoch`;
  return undefined;
}

/**
 * torchvision's MNIST, CIFAR or SVHN with conversion-only transforms (its images held decoded in memory, so a batch takes
 * little to prepare), read where workers would not pay: nothing in the file runs on a GPU, no training loop of the file
 * waits for the loader, or the file is teaching material. A blind review (review29) judged all 13 such loaders in
 * MorvanZhou's tutorials, NYU-DLSP20's and Dive-into-DL's notebooks noise, so they are not reported at all (they were
 * hints, which `--impact all` shows at full severity). Resizing or augmenting each image is per-sample work, and a GAN
 * script training on a GPU in a loop of its own (PyTorch-GAN, judged useful) keeps the finding.
 */
function heldImagesGainLittle(dataset: Node | null, line: number | null, ctx: RuleContext): boolean {
  const small = smallImageDataset(dataset, ctx.facts);
  if (!small?.conversionOnly) return false;
  if (!ACCELERATOR.test(ctx.facts.text) || line === null) return true;
  return teachingMaterial(ctx.filePath, { files: ctx.files }) !== null;
}

/** At most this many one-off passes make a loader's loading a small cost. */
const ONE_OFF_PASSES = 3;

/**
 * `test_iterator = DataLoader(...)` at the top level of a notebook that trains, then only read, after its first training
 * loop, by cells that each make one pass over it, in no def and no loop: `evaluate(model, test_iterator, ...)` and `get_predictions(model, test_iterator)` after
 * training, each a function of the file that walks its loader once (a `for` over the parameter in no other loop), or a
 * `for` over the loader itself. Described for the hover ("read in 2 one-off passes (`evaluate`, `get_predictions`)"),
 * or null. pytorch-image-classification's test loaders (review11, judged noise); its train loaders are read in the
 * epoch loop and keep their rank.
 */
function oneOffPasses(call: Node, filePath: string | undefined, facts: FileFacts): string | null {
  if (!filePath || !isNotebookFile(filePath)) return null;
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (target?.type !== 'identifier' || enclosingDef(assignment!) !== null) return null;
  // After training: the notebook trains (a torch training loop) before these reads. A notebook that only looks at its
  // data, or runs its own analysis over the loader, is not judged here.
  const trainStarts = trainingLoops(facts)
    .filter((loop) => loop.kind === 'train' && loop.framework === 'torch')
    .map((loop) => loop.node.startIndex);
  if (trainStarts.length === 0) return null;
  const trained = Math.min(...trainStarts);
  const readers: string[] = [];
  for (const id of identifiersSpelledInFile(facts, target.text)) {
    if (id.equals(target) || isLenArgument(id, facts) || isPeek(id, facts) || isIteratorPeek(id, facts) || isBreakPeek(id, facts)) continue;
    if (id.startIndex < Math.max(assignment!.endIndex, trained) || enclosingDef(id) !== null || enclosingLoop(id, true) !== null) return null;
    const reader = onePassReader(id, facts);
    if (!reader) return null;
    readers.push(reader);
  }
  if (readers.length === 0 || readers.length > ONE_OFF_PASSES) return null;
  return `read in ${readers.length} one-off pass${readers.length > 1 ? 'es' : ''} (${readers.map((r) => `\`${r}\``).join(', ')})`;
}

/**
 * What makes one pass over the loader `id` names: a `for` whose iterable it is (through `enumerate`/`tqdm`), or a call of a
 * function of the file (not a method) whose parameter receiving it is only walked by `for` loops in no other loop, once.
 */
function onePassReader(id: Node, facts: FileFacts): string | null {
  if (forOver(id, facts)) return 'for';
  const args = id.parent?.type === 'argument_list' ? id.parent : id.parent?.type === 'keyword_argument' ? id.parent.parent : null;
  const call = args?.parent;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  if (fn?.type !== 'identifier' || !args) return null;
  const defs = definitionsNamed(facts, 'function_definition', fn.text);
  const def = defs.filter((d) => d.startIndex < call!.startIndex).at(-1) ?? (defs.length === 1 ? defs[0] : null);
  const body = def?.childForFieldName('body');
  if (!def || !body) return null;
  const params = parameterNames(def);
  const keyword = id.parent?.type === 'keyword_argument' ? id.parent.childForFieldName('name')?.text : null;
  const index = positionalArguments(call!).findIndex((a) => a.equals(id));
  const param = keyword ?? (index >= 0 ? params[index] : undefined);
  if (!param || !params.includes(param)) return null;
  const uses = occurrences(body, param);
  const walks = uses.filter((use) => {
    const loop = forOver(use, facts);
    return loop !== null && enclosingLoop(loop) === null;
  });
  const rest = uses.filter((use) => !walks.some((w) => w.equals(use)) && !isLenArgument(use, facts));
  return walks.length === 1 && rest.length === 0 ? fn.text : null;
}

/** The `for` statement whose iterable is `id` (through `enumerate`/`tqdm`), or null. */
function forOver(id: Node, facts: FileFacts): Node | null {
  for (let n = id.parent; n; n = n.parent) {
    if (n.type === 'for_statement') {
      const right = n.childForFieldName('right');
      return right && unwrapIterable(right, facts).inner.equals(id) ? n : null;
    }
    if (n.type !== 'argument_list' && n.type !== 'call') return null;
  }
  return null;
}

/** Code that may run on an accelerator: CUDA, Apple's MPS, XLA/TPU, `torch.accelerator`. */
const ACCELERATOR = /\bcuda\b|\bmps\b|\bxla\b|\btpu\b|\baccelerator\b/i;

/**
 * `test_loader = DataLoader(...)` and the name is never read afterwards (or only measured with `len`, or peeked at
 * with `next(iter(test_loader))`): no more than one batch is loaded. A read counts when it comes after the
 * assignment, sits in a loop around it, or is in a function (which may run later, whatever its place in the file).
 */
function isNeverRead(call: Node, facts: FileFacts): boolean {
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (!assignment || target?.type !== 'identifier') return false;
  const loop = enclosingLoop(assignment);
  const home = enclosingDef(assignment);
  return identifiersSpelledInFile(facts, target.text).every((id) => {
    if (id.equals(target) || isLenArgument(id, facts) || isPeek(id, facts) || isIteratorPeek(id, facts) || isBreakPeek(id, facts)) return true;
    const readLater = id.startIndex > assignment.endIndex || (loop !== null && contains(loop, id));
    const inOtherFunction = enclosingDef(id) !== null && !enclosingDef(id)!.equals(home ?? id);
    return !readLater && !inOtherFunction;
  });
}

function isLenArgument(id: Node, facts: FileFacts): boolean {
  const call = id.parent?.type === 'argument_list' ? id.parent.parent : null;
  return call?.type === 'call' && call.childForFieldName('function')?.text === 'len' && facts.isBuiltin('len', call);
}

/** `next(iter(loader))`: the name read for one batch. */
function isPeek(id: Node, facts: FileFacts): boolean {
  const iterCall = id.parent?.type === 'argument_list' && id.parent.namedChildCount === 1 ? id.parent.parent : null;
  if (iterCall?.type !== 'call' || iterCall.childForFieldName('function')?.text !== 'iter' || !facts.isBuiltin('iter', iterCall)) return false;
  const nextCall = iterCall.parent?.type === 'argument_list' ? iterCall.parent.parent : null;
  return nextCall?.type === 'call' && nextCall.childForFieldName('function')?.text === 'next' && facts.isBuiltin('next', nextCall);
}

/**
 * `data_iter = iter(loader)`, then only `next(data_iter)` outside any loop (a notebook showing a batch): a batch or
 * two, by hand.
 */
function isIteratorPeek(id: Node, facts: FileFacts): boolean {
  const iterCall = id.parent?.type === 'argument_list' && id.parent.namedChildCount === 1 ? id.parent.parent : null;
  if (iterCall?.type !== 'call' || iterCall.childForFieldName('function')?.text !== 'iter' || !facts.isBuiltin('iter', iterCall)) return false;
  const assignment = iterCall.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(iterCall) ? assignment.childForFieldName('left') : null;
  if (name?.type !== 'identifier' || enclosingLoop(assignment!, true) !== null) return false;
  return identifiersSpelledInFile(facts, name.text).every((use) => {
    if (use.equals(name)) return true;
    const nextCall = use.parent?.type === 'argument_list' && use.parent.namedChildCount === 1 ? use.parent.parent : null;
    const isNext = nextCall?.type === 'call' && nextCall.childForFieldName('function')?.text === 'next' && facts.isBuiltin('next', nextCall);
    return isNext && enclosingLoop(use, true) === null;
  });
}

/** `next(iter(DataLoader(...)))` or `for x in DataLoader(...): break`: one batch, to look at it. */
/**
 * The loader's batch size is the length of its dataset (`len(dataset)`, `len(trainset.data)`): it yields one batch, the
 * whole dataset, and workers split the work by batch.
 */
function isWholeDatasetBatch(call: Node, datasetArg: Node | null): boolean {
  const size = dataLoaderArgument(call, 'batch_size');
  if (!datasetArg || size?.type !== 'call' || size.childForFieldName('function')?.text !== 'len') return false;
  const [measured] = positionalArguments(size);
  return measured !== undefined && (measured.text === datasetArg.text || measured.text.startsWith(`${datasetArg.text}.`));
}

function isOneBatchPeek(call: Node, facts: FileFacts): boolean {
  if (isBreakPeek(call, facts)) return true;
  const iterCall = call.parent?.type === 'argument_list' ? call.parent.parent : null;
  if (iterCall?.type !== 'call' || iterCall.childForFieldName('function')?.text !== 'iter' || !facts.isBuiltin('iter', iterCall)) return false;
  const nextCall = iterCall.parent?.type === 'argument_list' ? iterCall.parent.parent : null;
  return nextCall?.type === 'call' && nextCall.childForFieldName('function')?.text === 'next';
}

/**
 * The line of a torch training loop (backward or optimizer steps on each batch) that iterates this DataLoader, directly
 * or through `enumerate`/`tqdm`/`zip`: the call itself, or the name it is assigned to in the same scope, before the loop.
 */
function trainingLineReading(call: Node, facts: FileFacts): number | null {
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  const name = target?.type === 'identifier' ? target.text : null;
  const home = enclosingDef(call);
  for (const loop of trainingLoops(facts)) {
    if (loop.kind !== 'train' || loop.framework !== 'torch' || loop.node.type !== 'for_statement' || loop.node.startIndex < call.endIndex) continue;
    const right = loop.node.childForFieldName('right');
    if (!right) continue;
    const inner = unwrapIterable(right, facts).inner;
    const zipped = inner.type === 'call' && inner.childForFieldName('function')?.text === 'zip' && facts.isBuiltin('zip', inner);
    const sources = (zipped ? positionalArguments(inner) : [inner]).map((s) => unwrapIterable(s, facts).inner);
    const reads = sources.some((s) => s.equals(call) || (name !== null && s.type === 'identifier' && s.text === name && !reboundBetween(name, call, s, facts)));
    const sameScope = (enclosingDef(loop.node)?.id ?? -1) === (home?.id ?? -1);
    if (reads && sameScope) return loop.node.startPosition.row + 1;
  }
  return null;
}

/**
 * `name` is assigned again, in the scope of the loader's assignment, after it and before `use`: the use reads that
 * later loader (cnn-standardized's statistics loader, replaced by the training loaders before the epoch loop).
 */
function reboundBetween(name: string, call: Node, use: Node, facts: FileFacts): boolean {
  return valuesAssignedTo(name, call, facts).some((v) => v.startIndex > call.endIndex && v.endIndex < use.startIndex);
}

/**
 * `train_loader = DataLoader(train_dataset, shuffle=False)`, one `for` over it (outside any loop, not a training loop),
 * then the name is bound to another DataLoader: a one-off pass before training, typically to compute the dataset's mean
 * and standard deviation for normalisation, while training reads the loader that replaces it. Described for the hover,
 * or null. deeplearning-models' cnn-standardized and vgg16-cats-dogs notebooks (review13, judged wrong as shown).
 */
function passBeforeReplacement(call: Node, facts: FileFacts): string | null {
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (target?.type !== 'identifier' || enclosingLoop(assignment!, true) !== null) return null;
  const next = valuesAssignedTo(target.text, call, facts).find((v) => v.startIndex > assignment!.endIndex);
  if (next?.type !== 'call' || !isJudgeableDataLoaderCall(next, facts)) return null;
  const home = enclosingDef(assignment!);
  const passes: Node[] = [];
  for (const id of identifiersSpelledInFile(facts, target.text)) {
    // Reads from this assignment up to the one that rebinds the name (its own target included, which is no read).
    if (id.startIndex < assignment!.endIndex || id.startIndex >= next.parent!.startIndex) continue;
    if (isLenArgument(id, facts) || isPeek(id, facts) || isIteratorPeek(id, facts) || isBreakPeek(id, facts)) continue;
    // A read from another function may run at any time, with either loader.
    if ((enclosingDef(id)?.id ?? -1) !== (home?.id ?? -1)) return null;
    const loop = forOver(id, facts);
    if (!loop || enclosingLoop(loop) !== null || trainingLoopOf(loop, facts)) return null;
    passes.push(loop);
  }
  if (passes.length !== 1) return null;
  return `it is read in one pass (line ${passes[0].startPosition.row + 1}) before \`${target.text}\` is bound to another loader, which is the one training reads`;
}

/** `for x, y in loader: break`: the loop reads one batch to look at it. */
function isBreakPeek(id: Node, facts: FileFacts): boolean {
  const loop = forOver(id, facts);
  const first = loop?.childForFieldName('body')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  return first?.type === 'break_statement';
}

/** `parser.add_argument("--n_cpu", ...)` for loader workers, whose value the file never reads (`opt.n_cpu`). */
const WORKERS_OPTION = /add_argument\(\s*["'](--(?:n_cpu|n-cpu|n_workers|n-workers|num_workers|num-workers|workers|cpus))["']/;
const PARSED_ARGS = /^(\w+)\s*=\s*[\w.]+\.parse_args\(/m;

function unusedWorkersOption(text: string): { flag: string; read: string } | null {
  const flag = WORKERS_OPTION.exec(text)?.[1];
  if (!flag) return null;
  const dest = flag.replace(/^--/, '').replace(/-/g, '_');
  if (new RegExp(`\\.${dest}\\b|["']${dest}["']`).test(text)) return null;
  const args = PARSED_ARGS.exec(text)?.[1];
  return { flag, read: `${args ?? 'args'}.${dest}` };
}
