// Scalene's JSON (`scalene --json`): files → {lines: [{lineno, n_cpu_percent_python, n_cpu_percent_c,
// n_sys_percent, ...}], functions: [...]}, percentages of the whole run's CPU time. Scalene charges a sample to the
// line of the profiled code that was running, so a line's share is its own; functions carry their name
// (fn_name, or `line` in later versions) and, in later versions, their first line.
import { lineNumber, ProfileBuilder, weight } from './builder';
import { ProfileError, type ProfileIndex } from './types';

type ScaleneLine = { lineno?: unknown; line?: unknown; fn_name?: unknown; n_cpu_percent_python?: unknown; n_cpu_percent_c?: unknown; n_sys_percent?: unknown };

export function isScalene(json: unknown): boolean {
  const j = json as { files?: unknown; elapsed_time_sec?: unknown };
  return typeof j === 'object' && j !== null && typeof j.files === 'object' && j.files !== null && !Array.isArray(j.files) && 'elapsed_time_sec' in j;
}

const cpuPercent = (l: ScaleneLine) => weight(l.n_cpu_percent_python) + weight(l.n_cpu_percent_c) + weight(l.n_sys_percent);

export function readScalene(json: unknown): ProfileIndex {
  const files = (json as { files?: Record<string, unknown> }).files;
  if (!files || typeof files !== 'object') throw new ProfileError('not a Scalene file: no files');
  const builder = new ProfileBuilder();
  for (const [path, value] of Object.entries(files)) {
    const file = (value ?? {}) as { lines?: unknown; functions?: unknown };
    for (const l of Array.isArray(file.lines) ? (file.lines as ScaleneLine[]) : []) {
      const line = lineNumber(l?.lineno);
      const share = cpuPercent(l ?? {});
      if (line !== undefined) builder.addLine(path, line, share, share);
    }
    for (const f of Array.isArray(file.functions) ? (file.functions as ScaleneLine[]) : []) {
      const name = typeof f?.fn_name === 'string' ? f.fn_name : typeof f?.line === 'string' ? f.line : undefined;
      if (!name) continue;
      const share = cpuPercent(f);
      // Scalene qualifies names (`Class.method`); the file's def says only `method`.
      builder.addFunction(path, name.split('.').pop()!, lineNumber(f.lineno), share, share);
    }
  }
  return builder.build('Scalene', 'CPU time', 100);
}
