import type { FileProbe } from './codeContext';
import type { FileFacts } from './facts';
import { below, documentedFloor, pinnedCeiling } from './projectPins';

/** `Variable(x, volatile=True)`: PyTorch <= 0.3's way to turn autograd off, ignored (with a warning) since 0.4. */
export const VOLATILE_INPUT = /\bvolatile\s*=\s*True\b/;

/**
 * Spellings that only PyTorch 0.3 and older honour: `Variable(x, volatile=True)` (ignored since 0.4) and
 * `.cuda(async=True)` (`async` became a Python keyword in 3.7, and `non_blocking` replaced it in 0.4).
 */
const LEGACY_TORCH = new RegExp(`${VOLATILE_INPUT.source}|\\.(?:cuda|to)\\s*\\([^)]*\\basync\\s*=\\s*True\\b`);

/** The first PyTorch <= 0.3 spelling in the file (`volatile=True`), or null: a text test, no tree walk. */
export function legacyTorchSpelling(facts: FileFacts): string | null {
  const m = LEGACY_TORCH.exec(facts.text);
  if (!m) return null;
  return /volatile/.test(m[0]) ? 'volatile=True' : 'async=True';
}

/** `loss.data[0]`, PyTorch <= 0.3's read of a loss's value: from 0.5 on a loss is a 0-dim tensor, and indexing it raises. */
const LEGACY_LOSS_READ = /\b(?:\w+_)?loss\.data\[0\]/;

/**
 * The file runs only on PyTorch 0.3 or older, where `torch.no_grad` does not exist yet: it reads a loss by `loss.data[0]`,
 * or it spells autograd the old way (`volatile=True`) in a project whose requirements or README name torch below 0.4
 * (rethinking-network-pruning: "Our experiment environment is Python 3.6 & PyTorch 0.3.1").
 */
export function runsOnlyOnLegacyTorch(facts: FileFacts, filePath: string | undefined, files: FileProbe): boolean {
  // Asked once per match of the rule (every def and `if` of the file): answered once per lint. Searched anew per match,
  // the legacy-spelling expression alone took 0.4 s of a 5,000-line file that spells `async`.
  let answer = legacyOnly.get(facts);
  if (answer === undefined) legacyOnly.set(facts, (answer = readsAsLegacyTorch(facts, filePath, files)));
  return answer;
}
const legacyOnly = new WeakMap<FileFacts, boolean>();

function readsAsLegacyTorch(facts: FileFacts, filePath: string | undefined, files: FileProbe): boolean {
  // A plain search first: the loss-read expression scans at every word boundary (0.8 ms over a 3,500-line file).
  const text = facts.text;
  if (text.includes('.data[0]') && LEGACY_LOSS_READ.test(text)) return true;
  if (!text.includes('volatile') && !text.includes('async')) return false;
  if (!legacyTorchSpelling(facts)) return false;
  const stated = pinnedCeiling('torch', filePath, files) ?? documentedFloor('torch', filePath, files);
  return stated !== null && below(stated, [0, 4]);
}
