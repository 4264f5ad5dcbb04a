// What a PyTorch dataset does per sample, so DataLoader rules judge the data and not the call alone:
// worker processes pay off when `__getitem__` reads files or decodes images, not when it indexes
// tensors already in memory; pinning memory raises when samples already live on the GPU; an
// IterableDataset that runs an environment or a policy in-process must not be split over workers.
//
// A dataset expression is classified from its class in this file (its own methods and the methods of
// its same-file bases, plus the helpers its sample methods call on `self`), or from a table of
// library datasets. Anything else is 'unknown': rules stay silent or cautious there.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { classIndex, type ClassInfo } from './classIndex';
import { DEVICE_TEXT, indexesFileDataset, IO_TEXT, sampleCodeOf } from './datasetSamples';
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
const TINY_SAMPLE_DATASETS = /^torchvision\.datasets\.(?:MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST)$/;

const ITERABLE_BASES = /(?:^|\.)IterableDataset$/;

const cache = new WeakMap<FileFacts, Map<number, DatasetInfo>>();

/** What the dataset expression (a DataLoader's first argument) yields per sample. */
export function datasetInfo(dataset: Node | null | undefined, facts: FileFacts): DatasetInfo {
  if (!dataset) return UNKNOWN;
  let memo = cache.get(facts);
  if (!memo) cache.set(facts, (memo = new Map()));
  let info = memo.get(dataset.id);
  if (!info) {
    info = classify(dataset, facts, 0);
    if (info.kind === 'unknown' && !info.cls) info = fromValueLayer(dataset, facts);
    memo.set(dataset.id, info);
  }
  return info;
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
