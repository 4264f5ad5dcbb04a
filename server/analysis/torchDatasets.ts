// What a PyTorch dataset does per sample, so DataLoader rules judge the data and not the call alone:
// worker processes pay off when `__getitem__` reads files or decodes images, not when it indexes
// tensors already in memory; pinning memory raises when samples already live on the GPU; an
// IterableDataset that runs an environment or a policy in-process must not be split over workers.
//
// A dataset expression is classified from its class in this file (its own methods and the methods of
// its same-file bases, plus the helpers its sample methods call on `self`), or from a table of
// library datasets. Anything else is 'unknown': rules stay silent or cautious there.
import type { FileFacts } from './facts';
import { nodeMemo } from './nodeMemo';
import type { Node } from '../syntax/parser';
import { classIndex, type ClassInfo } from './classIndex';
import { DEVICE_TEXT, indexesFileDataset, IO_TEXT, sampleCodeOf } from './datasetSamples';
import { keywordValue, positionalArguments } from './callArgs';
import { SMALL_LOOP } from './loopInfo';
import { loopsOverLoader } from './torchDevice';
import { bindingOf, occurrences, scopeOf } from './names';
import { foldInteger } from './numeric';
import { parameterNames } from './scopes';
import { valuesAssignedTo } from './trainingLoop';
import { values } from './values';

/**
 * - 'io': each sample is read or decoded (open, PIL/cv2 imread, torchvision decode, np.load, json...)
 * - 'memory': map-style, samples indexed from data already in memory
 * - 'iterable': an IterableDataset (a stream: its own code decides what workers would do)
 * - 'unknown': not defined in this file and not a known library dataset
 */
export type DatasetKind = 'io' | 'memory' | 'iterable' | 'unknown';

export interface DatasetInfo {
  kind: DatasetKind;
  /** Samples are put on an accelerator inside the dataset (`.cuda()`, `.to(device)` in `__getitem__`). */
  onDevice: boolean;
  /** The class of this file that builds the dataset, when there is one. */
  cls: ClassInfo | null;
  /** A library dataset of tiny samples (28x28 digits): a batch is a few hundred kilobytes at most. */
  tinySamples?: boolean;
}

const UNKNOWN: DatasetInfo = { kind: 'unknown', onDevice: false, cls: null };

/** Library datasets that hold tensors in memory. */
const IN_MEMORY_DATASETS = new Set(['torch.utils.data.TensorDataset', 'torch.utils.data.dataset.TensorDataset']);
/** Library datasets that read a file or decode an image per sample (torchvision's folder and file datasets). */
const IO_DATASET_PREFIXES = ['torchvision.datasets.'];
/** Dataset wrappers whose samples are those of their first argument. */
const WRAPPERS = new Set(['torch.utils.data.Subset', 'torch.utils.data.dataset.Subset', 'torch.utils.data.random_split']);

/** torchvision datasets of 28x28 single-channel images: pinning their batches saves microseconds. */
const TINY_SAMPLE_DATASETS = /^torchvision\.datasets\.(?:mnist\.)?(?:MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST)$/;

const ITERABLE_BASES = /(?:^|\.)IterableDataset$/;

const datasetMemo = nodeMemo<DatasetInfo>();

/** What the dataset expression (a DataLoader's first argument) yields per sample. */
export function datasetInfo(dataset: Node | null | undefined, facts: FileFacts): DatasetInfo {
  if (!dataset) return UNKNOWN;
  return datasetMemo(facts, dataset, () => {
    const info = classify(dataset, facts, 0);
    return info.kind === 'unknown' && !info.cls ? fromValueLayer(dataset, facts) : info;
  });
}

const STYLE_KIND: Record<string, DatasetKind> = { 'in-memory': 'memory', io: 'io', iterable: 'iterable' };

/**
 * What the value layer knows: a dataset built by a helper, a class of another module of the workspace,
 * `self.dataset` set in `__init__`, a torchvision dataset.
 */
function fromValueLayer(dataset: Node, facts: FileFacts): DatasetInfo {
  const value = values(facts).valueOf(dataset);
  if (value?.kind !== 'dataset' || !value.style) return UNKNOWN;
  return { kind: STYLE_KIND[value.style] ?? 'unknown', onDevice: value.device !== undefined && value.device !== 'cpu', cls: null };
}

function classify(expr: Node, facts: FileFacts, depth: number): DatasetInfo {
  if (depth > 3) return UNKNOWN;
  if (expr.type === 'identifier') {
    const values = valuesAssignedTo(expr.text, expr, facts);
    // One consistent answer over every assignment, or unknown.
    const infos = values.map((v) => classify(v, facts, depth + 1));
    if (infos.length === 0) return UNKNOWN;
    return infos.every((i) => i.kind === infos[0].kind && i.onDevice === infos[0].onDevice && i.tinySamples === infos[0].tinySamples) ? infos[0] : UNKNOWN;
  }
  if (expr.type === 'subscript') {
    // `random_split(ds, ...)[0]`
    const value = expr.childForFieldName('value');
    return value ? classify(value, facts, depth + 1) : UNKNOWN;
  }
  if (expr.type !== 'call') return UNKNOWN;
  const name = facts.calleeName(expr) ?? '';
  if (IN_MEMORY_DATASETS.has(name)) return { kind: 'memory', onDevice: false, cls: null };
  if (WRAPPERS.has(name)) {
    const first = expr.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument');
    return first ? classify(first, facts, depth + 1) : UNKNOWN;
  }
  if (IO_DATASET_PREFIXES.some((p) => name.startsWith(p))) return { kind: 'io', onDevice: false, cls: null, tinySamples: TINY_SAMPLE_DATASETS.test(name) };
  const fn = expr.childForFieldName('function');
  const cls = fn?.type === 'identifier' ? classIndex(facts).byClassName(fn.text) : null;
  return cls ? classInfoOf(cls, facts) : UNKNOWN;
}

/** A dataset class of this file, judged from the methods that make its samples. */
export function classInfoOf(cls: ClassInfo, facts: FileFacts): DatasetInfo {
  const index = classIndex(facts);
  const lineage = index.knownLineage(cls) ?? [cls, ...cls.bases.map((b) => index.resolve(b)).filter((c): c is ClassInfo => c !== null)];
  const iterable = lineage.some((c) => c.bases.some((b) => ITERABLE_BASES.test(facts.qualifiedName(b) ?? b.text)));
  const bodies = sampleCode(lineage);
  if (bodies.length === 0) return { kind: 'unknown', onDevice: false, cls };
  const text = bodies.map((b) => b.text).join('\n');
  const onDevice = DEVICE_TEXT.test(text);
  if (iterable || (!bodies.some((b) => isMethodNamed(b, '__getitem__')) && bodies.some((b) => isMethodNamed(b, '__iter__')))) {
    return { kind: 'iterable', onDevice, cls };
  }
  const init = lineage.map((c) => c.methods.get('__init__')?.text ?? '').join('\n');
  return { kind: IO_TEXT.test(text) || indexesFileDataset(init, text) ? 'io' : 'memory', onDevice, cls };
}

/** The sample methods of the lineage, with the methods they call on `self` (one level down). */
function sampleCode(lineage: ClassInfo[]): Node[] {
  const methods = new Map<string, Node>();
  for (const c of [...lineage].reverse()) for (const [k, v] of c.methods) methods.set(k, v);
  return sampleCodeOf(methods);
}

function isMethodNamed(def: Node, name: string): boolean {
  return def.childForFieldName('name')?.text === name;
}

/**
 * torchvision datasets that hold every image decoded in memory, as one array, and hand out 28x28 digits or 32x32
 * photos (`torchvision.datasets.MNIST`, or `torchvision.datasets.mnist.FashionMNIST` imported from its module).
 */
const SMALL_IMAGE_DATASETS = /^torchvision\.datasets\.(?:(?:mnist|cifar|svhn)\.)?(MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|CIFAR10|CIFAR100|SVHN)$/;
/** Transforms that only convert or normalise an image: no per-image resampling or augmentation. */
const CONVERSIONS = new Set(['ToTensor', 'PILToTensor', 'ToImage', 'ToImageTensor', 'ToDtype', 'ConvertImageDtype', 'ToPureTensor', 'Normalize', 'Grayscale']);
/** Transforms that keep a small image small (flips, crops to its own size, colour changes): its batches stay small. */
const SIZE_KEEPING = new Set([
  ...CONVERSIONS,
  'RandomHorizontalFlip',
  'RandomVerticalFlip',
  'RandomCrop',
  'RandomRotation',
  'RandomAffine',
  'ColorJitter',
  'RandomGrayscale',
  'RandomErasing',
  'AutoAugment',
  'RandAugment',
  'TrivialAugmentWide',
  'AugMix',
]);
const SUBSET = /^torch\.utils\.data(?:\.dataset)?\.Subset$/;

/** A torchvision dataset of small images held in memory (SMALL_IMAGE_DATASETS), as a DataLoader reads it. */
export interface SmallImageDataset {
  /** The class, as torchvision names it: `FashionMNIST`. */
  name: string;
  /** Its transform only converts and normalises each image (or there is none): a sample takes microseconds. */
  conversionOnly: boolean;
  /** Its transform keeps each image its small size: a batch is a few megabytes at most. */
  staysSmall: boolean;
}

/**
 * The torchvision dataset of small in-memory images the DataLoader's dataset argument is built from, through names
 * bound once, `Subset` and `random_split(...)[i]`; null for any other dataset or one the code does not show.
 */
export function smallImageDataset(dataset: Node | null | undefined, facts: FileFacts): SmallImageDataset | null {
  const call = dataset ? libraryDatasetCall(dataset, facts, 0) : null;
  const found = call ? SMALL_IMAGE_DATASETS.exec(facts.calleeName(call) ?? '') : null;
  if (!call || !found) return null;
  const transform = keywordValue(call, 'transform');
  const steps = transform ? transformSteps(transform, facts) : [];
  return {
    name: found[1],
    conversionOnly: steps !== null && steps.every((step) => CONVERSIONS.has(step)),
    staysSmall: steps !== null && steps.every((step) => SIZE_KEEPING.has(step)),
  };
}

/** The dataset constructor call under names bound once and dataset wrappers, or null. */
function libraryDatasetCall(expr: Node, facts: FileFacts, depth: number): Node | null {
  if (depth > 4) return null;
  if (expr.type === 'identifier') {
    const bound = boundOnce(expr, facts);
    return bound ? libraryDatasetCall(bound, facts, depth + 1) : null;
  }
  if (expr.type === 'subscript') {
    const value = expr.childForFieldName('value');
    return value ? libraryDatasetCall(value, facts, depth + 1) : null;
  }
  if (expr.type !== 'call') return null;
  if (WRAPPERS.has(facts.calleeName(expr) ?? '')) {
    const first = positionalArguments(expr)[0];
    return first ? libraryDatasetCall(first, facts, depth + 1) : null;
  }
  return expr;
}

/** The one value a name is bound to in its scope or, for a name its functions only read (`BATCHSIZE`), at module level. */
function boundOnce(id: Node, facts: FileFacts): Node | null {
  const local = valuesAssignedTo(id.text, id, facts);
  if (local.length > 0) return local.length === 1 ? local[0] : null;
  for (let scope = scopeOf(id); scope.type === 'function_definition' || scope.type === 'lambda'; scope = scopeOf(scope)) {
    if (parameterNames(scope).includes(id.text) || occurrences(scope, id.text).some((o) => bindingOf(o) !== null)) return null;
  }
  // Looked up from a statement of the module: the root has no scope of its own to index (assignmentScope).
  const moduleNode = facts.root.namedChild(0);
  const global = moduleNode ? valuesAssignedTo(id.text, moduleNode, facts) : [];
  return global.length === 1 ? global[0] : null;
}

/** The class names of a transform's steps (`Compose([ToTensor(), Normalize(...)])` gives both), or null when not all are known. */
function transformSteps(transform: Node, facts: FileFacts, depth = 0): string[] | null {
  if (depth > 3) return null;
  if (transform.type === 'identifier') {
    const bound = boundOnce(transform, facts);
    return bound ? transformSteps(bound, facts, depth + 1) : null;
  }
  if (transform.type !== 'call') return null;
  const name = calleeClass(transform, facts);
  if (name !== 'Compose') return [name];
  const list = positionalArguments(transform)[0];
  if (list?.type !== 'list' && list?.type !== 'tuple') return null;
  const steps: string[] = [];
  for (const step of list.namedChildren) {
    if (!step || step.type === 'comment') continue;
    if (step.type !== 'call') return null;
    steps.push(calleeClass(step, facts));
  }
  return steps;
}

/** The last segment of a call's callee: `transforms.ToTensor()` gives `ToTensor`. */
function calleeClass(call: Node, facts: FileFacts): string {
  const name = facts.calleeName(call) ?? call.childForFieldName('function')?.text ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

/**
 * Why each pass over this DataLoader reads a few batches (at most SMALL_LOOP), as a clause for the hover, or null:
 * its dataset is a `Subset` of a few literal indices (`Subset(ds, range(640))` at `batch_size=64`), or every loop of
 * this file over it breaks once its `enumerate` index reaches a small constant (`if i == 3: break`,
 * `if batch_idx * BATCHSIZE >= N_VALID_EXAMPLES: break`). Such a pass is over before loader workers repay their start.
 */
export function fewBatchesPerPass(call: Node, facts: FileFacts, dataset: Node | null, batchSize: Node | null): string | null {
  // DataLoader's default batch_size is 1.
  const size = batchSize ? integerValueOf(batchSize, facts) : 1;
  const subset = dataset ? subsetSize(dataset, facts, 0) : null;
  if (subset !== null && size !== null && size > 0 && Math.ceil(subset / size) <= SMALL_LOOP) {
    return `it reads a subset of ${subset} samples, ${Math.ceil(subset / size)} batches a pass`;
  }
  const loops = loopsOverLoader(call, facts);
  if (loops.length === 0) return null;
  const stops = loops.map((loop) => batchesBeforeBreak(loop, facts));
  if (stops.some((n) => n === null || n > SMALL_LOOP)) return null;
  return `its loop stops after ${Math.max(...(stops as number[]))} batches`;
}

/** The number of samples of `Subset(ds, range(n))`, `Subset(ds, list(range(a, b)))` or `Subset(ds, idx[:n])`, when known. */
function subsetSize(expr: Node, facts: FileFacts, depth: number): number | null {
  if (depth > 3) return null;
  if (expr.type === 'identifier') {
    const bound = boundOnce(expr, facts);
    return bound ? subsetSize(bound, facts, depth + 1) : null;
  }
  if (expr.type !== 'call' || !SUBSET.test(facts.calleeName(expr) ?? '')) return null;
  const indices = positionalArguments(expr)[1] ?? keywordValue(expr, 'indices');
  return indices ? indexCount(indices, facts) : null;
}

function indexCount(indices: Node, facts: FileFacts): number | null {
  if (indices.type === 'call') {
    const fn = indices.childForFieldName('function')?.text;
    const args = positionalArguments(indices);
    if (fn === 'list' && args.length === 1 && facts.isBuiltin('list', indices)) return indexCount(args[0], facts);
    if (fn !== 'range' || !facts.isBuiltin('range', indices) || args.length < 1 || args.length > 2) return null;
    const bounds = args.map((a) => integerValueOf(a, facts));
    if (bounds[0] === null || (args.length === 2 && bounds[1] === null)) return null;
    return args.length === 1 ? bounds[0] : Math.max(0, bounds[1]! - bounds[0]);
  }
  // `indices[:n]`: at most n.
  if (indices.type === 'subscript') {
    const slice = indices.childForFieldName('subscript');
    if (slice?.type !== 'slice' || slice.namedChildCount !== 1 || !slice.text.trim().startsWith(':')) return null;
    return integerValueOf(slice.namedChild(0)!, facts);
  }
  return null;
}

/**
 * The most batches a loop over a loader reads before a `break` stops it: a statement of its body `if i == k: break`
 * or `if i * size >= n: break` on its `enumerate` index, counted from the enumerate start; null when no such break is seen.
 */
function batchesBeforeBreak(loop: Node, facts: FileFacts): number | null {
  const right = loop.childForFieldName('right');
  const left = loop.childForFieldName('left');
  const body = loop.childForFieldName('body');
  if (!right || !left || !body) return null;
  const enumerateCall = enumerateOf(right, facts);
  const index = left.type === 'pattern_list' || left.type === 'tuple_pattern' ? left.namedChild(0) : null;
  if (!enumerateCall || index?.type !== 'identifier') return null;
  const startArg = positionalArguments(enumerateCall)[1] ?? keywordValue(enumerateCall, 'start');
  const start = startArg ? integerValueOf(startArg, facts) : 0;
  if (start === null) return null;
  let fewest: number | null = null;
  for (const statement of body.namedChildren) {
    if (statement?.type !== 'if_statement' || !breaksAtOnce(statement)) continue;
    const first = firstIndexThatBreaks(statement.childForFieldName('condition'), index.text, facts);
    // Batches start..first-1 are read in full; the one at `first` is fetched before the check: count it.
    if (first !== null) fewest = Math.min(fewest ?? Infinity, Math.max(1, first - start + 1));
  }
  return fewest;
}

/** The `enumerate(...)` call of a loop's iterable, through `tqdm(...)` and the like, or null. */
function enumerateOf(expr: Node, facts: FileFacts): Node | null {
  let n: Node | null = expr;
  for (let depth = 0; n?.type === 'call' && depth < 4; depth++) {
    if (n.childForFieldName('function')?.text === 'enumerate' && facts.isBuiltin('enumerate', n)) return n;
    n = positionalArguments(n)[0] ?? null;
  }
  return null;
}

/** `if ...: break` with no elif or else: the break is the whole consequence. */
function breaksAtOnce(statement: Node): boolean {
  const parts = statement.childForFieldName('consequence')?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
  return parts.length === 1 && parts[0]?.type === 'break_statement' && statement.childForFieldName('alternative') === null;
}

/**
 * The first index for which `index OP k` (or `index * size OP k`) holds, for `==`, `>=` and `>`, written either way
 * round; null for any other condition.
 */
function firstIndexThatBreaks(condition: Node | null, index: string, facts: FileFacts): number | null {
  if (condition?.type !== 'comparison_operator' || condition.namedChildCount !== 2) return null;
  const operator = condition.children.find((c) => c !== null && !c.isNamed)?.text ?? '';
  let side = condition.namedChild(0)!;
  let bound = condition.namedChild(1)!;
  let op = operator;
  if (!mentions(side, index)) {
    [side, bound] = [bound, side];
    op = ({ '==': '==', '<=': '>=', '<': '>' } as Record<string, string>)[operator] ?? '';
  }
  const limit = integerValueOf(bound, facts);
  const step = indexStep(side, index, facts);
  if (limit === null || step === null || step <= 0 || limit < 0) return null;
  if (op === '==') return limit % step === 0 ? limit / step : null;
  if (op === '>=') return Math.ceil(limit / step);
  if (op === '>') return Math.floor(limit / step) + 1;
  return null;
}

function mentions(expr: Node, name: string): boolean {
  return expr.type === 'identifier' ? expr.text === name : expr.namedChildren.some((c) => c !== null && mentions(c, name));
}

/** `i` gives 1; `i * size` or `size * i`, with a size the code spells as a constant, gives that size. */
function indexStep(expr: Node, index: string, facts: FileFacts): number | null {
  if (expr.type === 'identifier') return expr.text === index ? 1 : null;
  if (expr.type !== 'binary_operator' || expr.childForFieldName('operator')?.text !== '*') return null;
  const left = expr.childForFieldName('left')!;
  const right = expr.childForFieldName('right')!;
  if (left.type === 'identifier' && left.text === index) return integerValueOf(right, facts);
  if (right.type === 'identifier' && right.text === index) return integerValueOf(left, facts);
  return null;
}

/** An integer the code spells with literals and names bound once to them (`BATCHSIZE * 30`), or null. */
export function integerValueOf(expr: Node, facts: FileFacts): number | null {
  return foldInteger(expr, (id, fold) => {
    const bound = boundOnce(id, facts);
    return bound ? fold(bound) : null;
  });
}
