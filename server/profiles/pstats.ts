// cProfile / pstats files: a marshalled dict {(file, line, function): (cc, nc, tt, ct, callers)}, where tt is the
// time inside the function itself and ct the time including what it called. There is no line-level data: each
// entry's line is the function's `def` line, which the mapping step turns into the function's range.
import { isInlineCode, ProfileBuilder } from './builder';
import { isUserPath } from './match';
import { isDict, readMarshal, type MarshalValue } from './marshal';
import { ProfileError, type ProfileIndex } from './types';

export function readPstats(bytes: Uint8Array): ProfileIndex {
  const root = readMarshal(bytes);
  if (!isDict(root)) throw new ProfileError('not a pstats file: it holds no dict of functions');
  const entries: PstatsEntry[] = [];
  for (const [key, value] of root.dict) {
    const entry = pstatsEntry(key, value);
    if (!entry) throw new ProfileError('not a pstats file: its dict does not map (file, line, function) to timings');
    entries.push(entry);
  }
  // The run's length is the sum of every function's own time (built-ins included): each moment is counted once.
  const whole = entries.reduce((sum, e) => sum + e.tt, 0);
  // Time each function spent in other user functions it called (each callee lists its callers with the time they got).
  const inUserCalls = new Map<string, number>();
  for (const callee of entries) {
    if (!isUserPath(callee.file) || isInlineCode(callee.name)) continue;
    for (const [caller, ct] of callee.callers) if (caller !== callee.key) inUserCalls.set(caller, (inUserCalls.get(caller) ?? 0) + ct);
  }
  const builder = new ProfileBuilder();
  for (const e of entries) {
    // `~` is cProfile's file for built-ins (`<built-in method ...>`): no source to map to.
    if (e.file === '~') continue;
    builder.addFunction(e.file, e.name, e.line > 0 ? e.line : undefined, e.tt, e.ct, Math.max(e.tt, e.ct - (inUserCalls.get(e.key) ?? 0)));
  }
  return builder.build('cProfile', 'time', whole);
}

interface PstatsEntry {
  key: string;
  file: string;
  line: number;
  name: string;
  tt: number;
  ct: number;
  /** Each caller's key with the cumulative time this function took when it called. */
  callers: [string, number][];
}

const keyOf = (file: string, line: number, name: string) => `${file}\0${line}\0${name}`;

function pstatsEntry(key: MarshalValue, value: MarshalValue): PstatsEntry | null {
  if (!Array.isArray(key) || key.length !== 3 || !Array.isArray(value) || value.length < 4) return null;
  const [file, line, name] = key;
  const [, , tt, ct, callers] = value;
  if (typeof file !== 'string' || typeof line !== 'number' || typeof name !== 'string' || typeof tt !== 'number' || typeof ct !== 'number') return null;
  const calls: [string, number][] = [];
  for (const [k, v] of isDict(callers) ? callers.dict : []) {
    if (Array.isArray(k) && k.length === 3 && Array.isArray(v) && typeof v[3] === 'number')
      calls.push([keyOf(String(k[0]), Number(k[1]), String(k[2])), Math.max(0, v[3])]);
  }
  return { key: keyOf(file, line, name), file, line, name, tt: Math.max(0, tt), ct: Math.max(0, ct), callers: calls };
}
