// PyTorch's return table. The torch/tf rules' helper fills in the details (dataset styles, devices);
// the entries here are the ones that are true whatever the arguments.
import type { Value } from '../kinds';
import type { Node } from '../../../syntax/parser';
import { datasetStyleOfClass } from '../../datasetSamples';
import { all, type CallView, type LibraryTable } from './table';

const TENSOR_FACTORIES = [
  'from_numpy',
  'zeros',
  'ones',
  'empty',
  'full',
  'zeros_like',
  'ones_like',
  'empty_like',
  'full_like',
  'rand',
  'randn',
  'randint',
  'randperm',
  'arange',
  'linspace',
  'eye',
];

/** Factories that, given no `device=`, put the result where the tensors they are given live: `torch.stack(gpu_losses)`. */
const COPYING_FACTORIES = ['as_tensor', 'stack', 'cat', 'concat'];

/** `torch.tensor(0.5)`, `torch.tensor([1, 2])`: data spelled out in the call, no tensor in it. */
const LITERAL_DATA = new Set(['integer', 'float', 'true', 'false', 'list', 'tuple', 'unary_operator']);

/** A factory's tensor, on the device its `device=` names when that is a plain literal. */
function tensorOn(call: CallView): Value {
  const device = call.keywords.get('device');
  if (!device) return { kind: 'tensor', device: call.node.text.includes('_like(') ? undefined : 'cpu' };
  return onNamedDevice(device);
}

/**
 * `torch.stack(xs)`, `torch.tensor(t)`: with no `device=`, on the device of the tensors given (unknown here), except
 * `torch.tensor` of literal numbers, which is made in host memory.
 */
function copiedTensorOn(call: CallView, literalOnHost = false): Value {
  const device = call.keywords.get('device');
  if (device) return onNamedDevice(device);
  const data = call.positional[0];
  const literal = data !== undefined && LITERAL_DATA.has(data.type) && !/[\w\]]\s*\(/.test(data.text);
  if (literal && literalOnHost) return { kind: 'tensor', device: 'cpu' };
  // `torch.tensor(arr)` of a NumPy array is made in host memory; `F.pad(t)`, `torch.where(t > 0, ...)` stay where `t` is.
  const given = data !== undefined && !literal ? call.valueOf(data) : null;
  if (given?.kind === 'ndarray') return { kind: 'tensor', device: 'cpu' };
  return { kind: 'tensor', device: given?.kind === 'tensor' ? given.device : undefined };
}

/** Tensor methods whose result is a tensor on the receiver's device (not `max`/`min`/`sort`, which can return pairs). */
const SAME_DEVICE_METHODS = [
  'clip',
  'clamp',
  'abs',
  'neg',
  'exp',
  'log',
  'sqrt',
  'sum',
  'mean',
  'prod',
  'argmax',
  'argmin',
  'round',
  'floor',
  'ceil',
  'sigmoid',
  'tanh',
  'relu',
  'softmax',
  'log_softmax',
  'flatten',
  't',
  'transpose',
  'norm',
];

function onNamedDevice(device: Node): Value {
  const m = /^['"](cuda|cpu|mps)(:\d+)?['"]$/.exec(device.text);
  return m ? { kind: 'tensor', device: m[1] as 'cuda' | 'cpu' | 'mps' } : { kind: 'tensor' };
}

const TORCHVISION_DATASETS = [
  'ImageFolder',
  'DatasetFolder',
  'ImageNet',
  'MNIST',
  'FashionMNIST',
  'KMNIST',
  'EMNIST',
  'CIFAR10',
  'CIFAR100',
  'SVHN',
  'STL10',
  'CelebA',
  'CocoDetection',
  'CocoCaptions',
  'VOCDetection',
  'VOCSegmentation',
  'Cityscapes',
  'Places365',
  'Flowers102',
  'Food101',
];

/** A Dataset subclass: `style` from its sample methods; `device` set when they put samples on an accelerator. */
function datasetValue(cls: Node, iterable: boolean): Value {
  const read = datasetStyleOfClass(cls, iterable);
  if (!read) return iterable ? { kind: 'dataset', style: 'iterable' } : { kind: 'dataset' };
  return read.onDevice ? { kind: 'dataset', style: read.style, device: 'unknown' } : { kind: 'dataset', style: read.style };
}

/**
 * torch.nn's containers and the layers a network is commonly made of: `nn.Sequential(...)` built in a helper
 * (spinningup's `mlp(sizes)` returns one) is a module like an instance of an `nn.Module` subclass.
 */
const NN_MODULES = [
  'Sequential',
  'Linear',
  'Bilinear',
  'Conv1d',
  'Conv2d',
  'Conv3d',
  'ConvTranspose1d',
  'ConvTranspose2d',
  'ConvTranspose3d',
  'RNN',
  'LSTM',
  'GRU',
  'Embedding',
  'EmbeddingBag',
  'Transformer',
  'TransformerEncoder',
  'TransformerDecoder',
  'MultiheadAttention',
];

export const TORCH_TABLE: LibraryTable = {
  calls: {
    ...all(TENSOR_FACTORIES, tensorOn, 'torch.'),
    ...all(COPYING_FACTORIES, (call) => copiedTensorOn(call), 'torch.'),
    'torch.tensor': (call) => copiedTensorOn(call, true),
    'torch.where': (call) => copiedTensorOn(call),
    'torch.nn.functional.pad': (call) => copiedTensorOn(call),
    'torch.device': 'device',
    ...all(NN_MODULES, 'module', 'torch.nn.'),
    'torch.utils.data.DataLoader': 'dataloader',
    'torch.utils.data.dataloader.DataLoader': 'dataloader',
    'torch.utils.data.TensorDataset': { kind: 'dataset', style: 'in-memory' },
    'torch.utils.data.dataset.TensorDataset': { kind: 'dataset', style: 'in-memory' },
    // torchvision's datasets read an image file, or decode stored bytes to a PIL image, per sample.
    ...all(TORCHVISION_DATASETS, { kind: 'dataset', style: 'io' }, 'torchvision.datasets.'),
  },
  methods: {
    tensor: {
      ...all(['float', 'double', 'half', 'long', 'int', 'bool', 'detach', 'clone', 'contiguous', 'view', 'reshape', 'squeeze', 'unsqueeze', 'permute'], 'same'),
      // Element-wise maths and reductions to a tensor keep the device (shape and dtype may change): a host tensor's
      // `.clip(-2, 2).item()` waits for no GPU (ElegantRL's `th.randn(size=(1,)).clip(-2, +2).item()`, judged wrong in review33).
      ...all(SAME_DEVICE_METHODS, (call: CallView): Value => (call.receiver?.device ? { kind: 'tensor', device: call.receiver.device } : { kind: 'tensor' })),
      cuda: { kind: 'tensor', device: 'cuda' },
      cpu: { kind: 'tensor', device: 'cpu' },
      numpy: 'ndarray',
    },
    module: all(['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'half', 'double'], 'module'),
  },
  bases: {
    'torch.nn.Module': { kind: 'module' },
    // A Dataset subclass: its style (and whether samples go to a GPU, as `device`) read from its sample methods.
    'torch.utils.data.Dataset': (cls) => datasetValue(cls, false),
    'torch.utils.data.dataset.Dataset': (cls) => datasetValue(cls, false),
    'torch.utils.data.IterableDataset': (cls) => datasetValue(cls, true),
    'torch.utils.data.dataset.IterableDataset': (cls) => datasetValue(cls, true),
    'torch.utils.data.DataLoader': { kind: 'dataloader' },
  },
};
