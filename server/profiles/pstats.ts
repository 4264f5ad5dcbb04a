// cProfile / pstats files: a marshalled dict {(file, line, function): (cc, nc, tt, ct, callers)}, where tt is the
// time inside the function itself and ct the time including what it called. There is no line-level data: each
// entry's line is the function's `def` line, which the mapping step turns into the function's range.
import { ProfileBuilder } from './builder';
import { isDict, readMarshal, type MarshalValue } from './marshal';
import { ProfileError, type ProfileIndex } from './types';

export function readPstats(bytes: Uint8Array): ProfileIndex {
  const root = readMarshal(bytes);
  if (!isDict(root)) throw new ProfileError('not a pstats file: it holds no dict of functions');
  const entries: { file: string; line: number; name: string; tt: number; ct: number }[] = [];
  for (const [key, value] of root.dict) {
    const entry = pstatsEntry(key, value);
    if (!entry) throw new ProfileError('not a pstats file: its dict does not map (file, line, function) to timings');
    entries.push(entry);
  }
  // The run's length is the sum of every function's own time (built-ins included): each moment is counted once.
  const whole = entries.reduce((sum, e) => sum + e.tt, 0);
  const builder = new ProfileBuilder();
  for (const e of entries) {
    // `~` is cProfile's file for built-ins (`<built-in method ...>`): no source to map to.
    if (e.file === '~') continue;
    builder.addFunction(e.file, e.name, e.line > 0 ? e.line : undefined, e.tt, e.ct);
  }
  return builder.build('cProfile', 'time', whole);
}

function pstatsEntry(key: MarshalValue, value: MarshalValue): { file: string; line: number; name: string; tt: number; ct: number } | null {
  if (!Array.isArray(key) || key.length !== 3 || !Array.isArray(value) || value.length < 4) return null;
  const [file, line, name] = key;
  const [, , tt, ct] = value;
  if (typeof file !== 'string' || typeof line !== 'number' || typeof name !== 'string' || typeof tt !== 'number' || typeof ct !== 'number') return null;
  return { file, line, name, tt: Math.max(0, tt), ct: Math.max(0, ct) };
}
