// Reading profile.js's text output back (the bench compares this build's profile with another
// build's, whose profile.js may be older: only its first two lines and rule rows are relied on).

/** One build's profile (profile.js): milliseconds per phase, single thread, every 4th stdlib file. */
export interface PhaseProfile {
  files: number;
  cpuMs: number;
  parseMs: number;
  queryMs: number;
  passes: number;
  checksMs: number;
  factsMs: number;
  /** The value-inference layer's time, when that build's profile reports it. */
  inferenceMs?: number;
  /** The impact ranking's time (engine.finish, after the checks), when that build's profile reports it. */
  rankingMs?: number;
  /** The five costliest rule checks of this build (ms). */
  top: [string, number][];
}

/** Reads profile.js's text. */
export function parseProfile(stdout: string): PhaseProfile {
  const number = (re: RegExp) => {
    const m = re.exec(stdout);
    return m ? Number(m[1]) : NaN;
  };
  const inference = number(/\binference (\d+) ms/);
  const ranking = number(/\bimpact ranking (\d+) ms/);
  const top = [...stdout.matchAll(/^ {2}([a-z0-9-]+) +(\d+) ms +\d+ matches$/gm)].slice(0, 5).map((m): [string, number] => [m[1], Number(m[2])]);
  return {
    files: number(/^(\d+) files/m),
    cpuMs: number(/\bcpu (\d+) ms/),
    parseMs: number(/\bparse (\d+) ms/),
    queryMs: number(/\bquery (\d+) ms/),
    passes: number(/\((\d+) passes/),
    checksMs: number(/\bchecks (\d+) ms/),
    factsMs: number(/\bfacts (\d+) ms/),
    inferenceMs: Number.isNaN(inference) ? undefined : inference,
    rankingMs: Number.isNaN(ranking) ? undefined : ranking,
    top,
  };
}
