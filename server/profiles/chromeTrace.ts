// torch.profiler traces (`prof.export_chrome_trace(...)`, TensorBoard's trace files): Chrome trace JSON whose
// complete events ("ph": "X") for Python code, recorded with `with_stack=True`, are named
// "path/to/file.py(123): function" with line 123 the function's first line. Events nest in time per thread:
// an event's own time is its duration less its children's.
import { isInlineCode, ProfileBuilder } from './builder';
import { isUserPath } from './match';
import { ProfileError, type ProfileIndex } from './types';

const PYTHON_EVENT = /^(.+\.py)\((\d+)\): (.+)$/;

interface PythonEvent {
  file: string;
  line: number;
  name: string;
  start: number;
  end: number;
  thread: string;
  children: number;
  /** Time in child events that are other user functions (what `own` leaves out). */
  userChildren: number;
}

export function isChromeTrace(json: unknown): boolean {
  return Array.isArray(json) || (typeof json === 'object' && json !== null && Array.isArray((json as { traceEvents?: unknown }).traceEvents));
}

export function readChromeTrace(json: unknown): ProfileIndex {
  const raw = Array.isArray(json) ? json : (json as { traceEvents: unknown[] }).traceEvents;
  const events: PythonEvent[] = [];
  for (const e of raw) {
    const event = (e ?? {}) as { ph?: unknown; name?: unknown; ts?: unknown; dur?: unknown; pid?: unknown; tid?: unknown };
    if (event.ph !== 'X' || typeof event.name !== 'string' || typeof event.ts !== 'number' || typeof event.dur !== 'number' || !(event.dur >= 0)) continue;
    const m = PYTHON_EVENT.exec(event.name);
    if (!m) continue;
    events.push({
      file: m[1],
      line: Number(m[2]),
      name: m[3],
      start: event.ts,
      end: event.ts + event.dur,
      thread: `${event.pid}/${event.tid}`,
      children: 0,
      userChildren: 0,
    });
  }
  if (events.length === 0) {
    throw new ProfileError('the trace has no Python function events (record it with torch.profiler.profile(with_stack=True))');
  }
  // Per thread, by start (the longer first when two start together): a stack of open events gives each its parent.
  events.sort((a, b) => a.thread.localeCompare(b.thread) || a.start - b.start || b.end - a.end);
  const builder = new ProfileBuilder();
  let whole = 0;
  let open: PythonEvent[] = [];
  let thread = '';
  for (const e of events) {
    if (e.thread !== thread) [open, thread] = [[], e.thread];
    while (open.length && open[open.length - 1].end <= e.start) open.pop();
    const parent = open[open.length - 1];
    if (parent && e.end <= parent.end) {
      parent.children += e.end - e.start;
      if (isUserPath(e.file) && !isInlineCode(e.name)) parent.userChildren += e.end - e.start;
    } else whole += e.end - e.start;
    // A function already open below (recursion) has this time in its total already.
    const recursive = open.some((o) => o.file === e.file && o.line === e.line && o.name === e.name);
    builder.addFunction(e.file, e.name, e.line, 0, recursive ? 0 : e.end - e.start, 0);
    open.push(e);
  }
  for (const e of events) {
    // A recursive call is a user child too: each level keeps only its own part, so nothing counts twice.
    const own = Math.max(0, e.end - e.start - e.userChildren);
    builder.addFunction(e.file, e.name, e.line, Math.max(0, e.end - e.start - e.children), 0, own);
  }
  return builder.build('torch.profiler', 'time', whole);
}
