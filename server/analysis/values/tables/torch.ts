// PyTorch's return table. The torch/tf rules' helper fills in the details (dataset styles, devices);
// the entries here are the ones that are true whatever the arguments.
import type { Value } from '../kinds';
import { all, type CallView, type LibraryTable } from './table';

const TENSOR_FACTORIES = [
  'tensor',
  'as_tensor',
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
  'stack',
  'cat',
  'concat',
];

/** A factory's tensor, on the device its `device=` names when that is a plain literal. */
function tensorOn(call: CallView): Value {
  const device = call.keywords.get('device');
  if (!device) return { kind: 'tensor', device: call.node.text.includes('_like(') ? undefined : 'cpu' };
  const m = /^['"](cuda|cpu|mps)(:\d+)?['"]$/.exec(device.text);
  return m ? { kind: 'tensor', device: m[1] as 'cuda' | 'cpu' | 'mps' } : { kind: 'tensor' };
}

export const TORCH_TABLE: LibraryTable = {
  calls: {
    ...all(TENSOR_FACTORIES, tensorOn, 'torch.'),
    'torch.device': 'device',
    'torch.utils.data.DataLoader': 'dataloader',
    'torch.utils.data.dataloader.DataLoader': 'dataloader',
    'torch.utils.data.TensorDataset': { kind: 'dataset', style: 'in-memory' },
  },
  methods: {
    tensor: {
      ...all(['float', 'double', 'half', 'long', 'int', 'bool', 'detach', 'clone', 'contiguous', 'view', 'reshape', 'squeeze', 'unsqueeze', 'permute'], 'same'),
      cuda: { kind: 'tensor', device: 'cuda' },
      cpu: { kind: 'tensor', device: 'cpu' },
      numpy: 'ndarray',
    },
    module: all(['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'half', 'double'], 'module'),
  },
  bases: {
    'torch.nn.Module': { kind: 'module' },
    'torch.utils.data.Dataset': { kind: 'dataset' },
    'torch.utils.data.IterableDataset': { kind: 'dataset', style: 'iterable' },
    'torch.utils.data.DataLoader': { kind: 'dataloader' },
  },
};
