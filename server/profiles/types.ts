// The common shape every profile reader produces: per profiled file, the share of the run spent on
// each line and in each function. Shares are fractions of the whole profile (0..1), so a finding can
// say "38 % of samples" whatever the profiler counted (samples, seconds, CPU percent).

/** The profilers perflens reads, as users know them. */
export type ProfileFormat = 'cProfile' | 'py-spy' | 'Scalene' | 'torch.profiler';

/** Time spent here itself (self) and here or in what it called (total), as fractions of the run. */
export interface Share {
  self: number;
  total: number;
  /**
   * Functions only: the total less the time in other functions of the user's code it called, so a `main` that
   * calls everything is not "100 %": the time this function's own code and the libraries it calls cost.
   */
  own?: number;
}

export interface ProfiledFunction {
  name: string;
  /**
   * A 1-based line of the function: its `def` line for cProfile and torch.profiler (which record where a function
   * starts), undefined when the profile only knows the name.
   */
  defLine?: number;
  share: Share;
}

export interface ProfiledFile {
  /** Per 1-based line; empty when the profiler records only functions (cProfile, torch.profiler). */
  lines: Map<number, Share>;
  functions: ProfiledFunction[];
}

export interface ProfileIndex {
  format: ProfileFormat;
  /** What a share counts, for messages: "38 % of samples", "38 % of time". */
  unit: 'samples' | 'time' | 'CPU time';
  /** Keyed by the path as the profile spells it (absolute from another machine, relative, `<string>`…). */
  files: Map<string, ProfiledFile>;
}

/** A profile that cannot be read: the message says why, for the user. */
export class ProfileError extends Error {}

/** Profiles larger than this are refused before parsing (a real py-spy or torch trace of a long run stays far below). */
export const MAX_PROFILE_BYTES = 200 * 1024 * 1024;
