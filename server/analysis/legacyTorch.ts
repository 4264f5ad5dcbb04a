import type { FileFacts } from './facts';

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
