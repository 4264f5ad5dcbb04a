// What a Dataset class's sample methods do, read from the class's own code (no FileFacts): whether
// `__getitem__` reads or decodes data, only indexes memory, or streams (`__iter__`), and whether it puts
// samples on an accelerator. Shared by the DataLoader rules' dataset analysis (torchDatasets.ts) and the
// value layer's torch table, which sees class nodes of any module of the workspace.
import type { Node } from '../syntax/parser';
import { findDescendants } from './scopes';

/** Calls and spellings that read or decode data: files, images, audio, arrays on disk, the network. */
export const IO_TEXT =
  /\bopen\s*\(|\bImage\.open\b|\bimread\b|\bimdecode\b|\bread_image\b|\bdecode_(?:image|jpeg|png)\b|\bnp\.load\b|\bnumpy\.load\b|\btorch\.load\b|\bjson\.loads?\b|\bpickle\.loads?\b|\bpd\.read_\w+|\btorchaudio\.load\b|\blibrosa\.load\b|\bsoundfile\b|\bsf\.read\b|\bh5py\b|\burlopen\b|\brequests\.get\b|\bload_image\b|\bload_audio\b|\bdefault_loader\b|\bpil_loader\b|\.read\(\s*\)|\bread_text\b|\bread_bytes\b|\bImage\.fromarray\b|\bloader\s*\(/;
/** A sample put on an accelerator: `.cuda()`, `.to(device)`, `.to("cuda")`, `device=` at creation. */
export const DEVICE_TEXT = /\.cuda\s*\(|\.to\(\s*(?:self\.)?(?:device|dev)\b|\.to\(\s*["'](?:cuda|mps|xpu)|\bdevice\s*=\s*(?:self\.)?(?:device|["']cuda)/;
export const SAMPLE_METHODS = ['__getitem__', '__getitems__', '__iter__', '__next__'];

/**
 * How a Dataset class (any module of the workspace) makes its samples, read from its own methods:
 * for the value layer's torch table, which sees the class node only. Null when it has no sample method.
 */
export function datasetStyleOfClass(cls: Node, iterableBase: boolean): { style: 'io' | 'in-memory' | 'iterable'; onDevice: boolean } | null {
  const methods = new Map<string, Node>();
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = stmt?.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
    if (def && name) methods.set(name, def);
  }
  const bodies = sampleCodeOf(methods);
  if (bodies.length === 0) return null;
  const text = bodies.map((b) => b.text).join('\n');
  const onDevice = DEVICE_TEXT.test(text);
  if (iterableBase || !methods.has('__getitem__')) return { style: 'iterable', onDevice };
  const io = IO_TEXT.test(text) || indexesFileDataset(methods.get('__init__')?.text ?? '', text);
  return { style: io ? 'io' : 'in-memory', onDevice };
}

/** `self.ds = torchaudio.datasets.LIBRISPEECH(...)` in `__init__`, then `self.ds[i]` per sample: the wrapped dataset reads files. */
export function indexesFileDataset(initText: string, sampleText: string): boolean {
  for (const m of initText.matchAll(
    /self\.(\w+)\s*=\s*(?:torchaudio\.|torchvision\.|tv\.)?datasets\.\w+\s*\(|self\.(\w+)\s*=\s*(?:ImageFolder|DatasetFolder)\s*\(/g,
  )) {
    if (new RegExp(`self\\.${m[1] ?? m[2]}\\s*\\[`).test(sampleText)) return true;
  }
  return false;
}

export function sampleCodeOf(methods: ReadonlyMap<string, Node>): Node[] {
  const out: Node[] = [];
  for (const name of SAMPLE_METHODS) {
    const m = methods.get(name);
    if (!m) continue;
    out.push(m);
    for (const call of findDescendants(m, (n) => n.type === 'call')) {
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== 'self') continue;
      const helper = methods.get(fn.childForFieldName('attribute')?.text ?? '');
      if (helper && !out.includes(helper)) out.push(helper);
    }
  }
  return out;
}
