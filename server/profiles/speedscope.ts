// speedscope JSON (py-spy `record --format speedscope`, and other samplers): shared.frames hold
// {name, file, line}; each profile is "sampled" (stacks of frame indices, root first, with weights) or
// "evented" (open/close events in time). A frame's line is the line executing in it, so line shares are real.
import { isInlineCode, lineNumber, ProfileBuilder, weight } from './builder';
import { isUserPath } from './match';
import { ProfileError, type ProfileIndex } from './types';

interface Frame {
  file?: string;
  line?: number;
  /** The function's name, without py-spy's " (file.py:12)" suffix. */
  name: string;
}

export function isSpeedscope(json: unknown): boolean {
  const j = json as { $schema?: unknown; shared?: { frames?: unknown }; profiles?: unknown };
  return (
    typeof j === 'object' &&
    j !== null &&
    ((typeof j.$schema === 'string' && j.$schema.includes('speedscope')) || (Array.isArray(j.shared?.frames) && Array.isArray(j.profiles)))
  );
}

export function readSpeedscope(json: unknown): ProfileIndex {
  const j = json as { shared?: { frames?: unknown[] }; profiles?: unknown[]; exporter?: unknown };
  if (!Array.isArray(j.shared?.frames) || !Array.isArray(j.profiles)) throw new ProfileError('not a speedscope file: no shared.frames or profiles');
  const frames: Frame[] = j.shared.frames.map((f) => {
    const frame = (f ?? {}) as { name?: unknown; file?: unknown; line?: unknown };
    const name = typeof frame.name === 'string' ? frame.name.replace(/ \([^()]*:\d+\)$/, '') : '?';
    return { name, file: typeof frame.file === 'string' ? frame.file : undefined, line: lineNumber(frame.line) };
  });
  const builder = new ProfileBuilder();
  let whole = 0;
  const addStack = (stack: readonly number[], w: number) => {
    if (w <= 0 || stack.length === 0) return;
    whole += w;
    const seenLines = new Set<string>();
    const seenFunctions = new Set<string>();
    // From the leaf up: a function's own share is the samples with no other user function below it.
    let userBelow: string | undefined;
    for (let depth = stack.length - 1; depth >= 0; depth--) {
      const frame = frames[stack[depth]];
      if (!frame?.file) continue;
      const leaf = depth === stack.length - 1 ? w : 0;
      // A recursive function appears several times in one stack: its total counts the sample once.
      const lineKey = `${frame.file}\0${frame.line}`;
      if (frame.line !== undefined) builder.addLine(frame.file, frame.line, leaf, seenLines.has(lineKey) ? 0 : w);
      seenLines.add(lineKey);
      const functionKey = `${frame.file}\0${frame.name}`;
      const first = !seenFunctions.has(functionKey);
      builder.addFunction(frame.file, frame.name, undefined, leaf, first ? w : 0, first && (userBelow === undefined || userBelow === functionKey) ? w : 0);
      seenFunctions.add(functionKey);
      if (isUserPath(frame.file) && !isInlineCode(frame.name)) userBelow ??= functionKey;
    }
  };
  for (const p of j.profiles) {
    const profile = (p ?? {}) as { type?: unknown; samples?: unknown; weights?: unknown; events?: unknown };
    if (profile.type === 'sampled' && Array.isArray(profile.samples)) {
      const weights = Array.isArray(profile.weights) ? profile.weights : [];
      profile.samples.forEach((stack, i) => {
        if (Array.isArray(stack))
          addStack(
            stack.filter((x): x is number => typeof x === 'number'),
            weights.length ? weight(weights[i]) : 1,
          );
      });
    } else if (profile.type === 'evented' && Array.isArray(profile.events)) {
      readEvents(profile.events, addStack);
    }
  }
  if (whole === 0) throw new ProfileError('the speedscope file has no samples');
  return builder.build('py-spy', 'samples', whole);
}

/** Evented profiles: the time between two events belongs to the stack open at that moment. */
function readEvents(events: unknown[], addStack: (stack: readonly number[], w: number) => void): void {
  const stack: number[] = [];
  let last: number | undefined;
  for (const e of events) {
    const event = (e ?? {}) as { type?: unknown; at?: unknown; frame?: unknown };
    if (typeof event.at !== 'number' || typeof event.frame !== 'number') continue;
    if (last !== undefined && event.at > last) addStack(stack, event.at - last);
    last = event.at;
    if (event.type === 'O') stack.push(event.frame);
    else if (event.type === 'C') {
      const at = stack.lastIndexOf(event.frame);
      if (at >= 0) stack.length = at;
    }
  }
}
