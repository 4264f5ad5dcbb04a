// Plain data shared by the engine, the language server, the CLI and the client.
// Offsets are UTF-16 code units into the document text: the unit tree-sitter (web build),
// JavaScript strings and LSP's default position encoding all share.

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeverityOverride = Severity | 'off';

/** Ruff's vocabulary: safe fixes keep behaviour; unsafe ones may not; display-only are never applied. */
export type FixSafety = 'safe' | 'unsafe' | 'display-only';

export type Confidence = 'high' | 'medium' | 'low';

/** Rule categories, keyed by the folder name under rules/. Values are the catalog's labels. */
export const CATEGORIES = {
  'core-python': 'core-python',
  loops: 'loops/comprehensions',
  generators: 'generators',
  memory: 'memory',
  classes: 'classes/slots',
  caching: 'caching',
  resources: 'resources/context-managers',
  concurrency: 'concurrency/asyncio',
  numpy: 'numpy',
  pandas: 'pandas',
  numba: 'numba/jit',
  pytorch: 'pytorch',
  tensorflow: 'tensorflow',
  debugging: 'logging/debugging',
  security: 'security/robustness',
  'design-patterns': 'design-patterns',
} as const;
export type Category = keyof typeof CATEGORIES;

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** Imperative, shown as the quick-fix title: "Use a list comprehension". */
  title: string;
  safety: FixSafety;
  edits: TextEdit[];
  /** Why an unsafe or display-only fix is not safe; shown next to the title. */
  reason?: string;
}

export interface Finding {
  ruleId: string;
  start: number;
  end: number;
  message: string;
  severity: Severity;
  fix?: Fix;
  /** What a loaded profile measured where the finding is (only with `--profile` / Load Profile…). */
  profile?: FindingProfile;
  /** How much the finding matters where it is (loop over data, test file, …), with the reasons shown in the hover. */
  impact?: Impact;
}

/**
 * A finding's place in a real profile: `hot` (at least HOT_SHARE of the run), `warm` (reached, less than that),
 * `cold` (the profile covers the file but never reached this code), `unmatched` (the file is not in the profile).
 */
export interface FindingProfile {
  heat: 'hot' | 'warm' | 'cold' | 'unmatched';
  /** The share of the run (0..1) that ranks the finding: its lines' where the profiler records lines, else its function's. */
  share?: number;
  /** The finding's lines' share, where the profiler records lines (py-spy, Scalene). */
  lines?: number;
  /** The innermost enclosing function (`<module>` at top level) and its share, calls included. */
  function?: { name: string; share: number };
  /** What a share counts: samples, time, CPU time. */
  unit: string;
  /** Which profile: "py-spy, profile.json, 2026-11-23". */
  source: string;
}

export type ImpactLevel = 'high' | 'normal' | 'low';

export interface Impact {
  level: ImpactLevel;
  /** Short clauses, e.g. "in a test file", "in a loop over data". */
  reasons: string[];
  /** The severity before impact ranking lowered it to hint (`auto` mode): what a hot profile gives back. */
  demotedFrom?: Severity;
  /**
   * A library rule's hint, which `auto` mode reports only where a loaded profile shows the code hot (kept for the
   * profile by LintOptions.keepHints; without a profile it is not reported at all).
   */
  ifHot?: true;
  /** A finding of a rule in preview (no proven record in blind reviews), made a hint in `auto` mode: why, for the hover. */
  preview?: string;
}

/**
 * `auto` (the default): low-impact findings drop to hint, hidden from the Problems panel and the CLI's
 * default output, and rules that only matter in hot code stay quiet elsewhere; a library rule's (pandas,
 * NumPy, PyTorch, TensorFlow, Numba) finding that would be a hint is not reported at all. `all`: every finding at
 * its full severity. Settings `perflens.impact`, `impact` in [tool.perflens], CLI `--impact`.
 */
export type ImpactMode = 'auto' | 'all';
export const IMPACT_MODES: readonly ImpactMode[] = ['auto', 'all'];

/** A rule that threw while checking a file: it is disabled for that file and reported once. */
export interface RuleFailure {
  ruleId: string;
  error: string;
}

export interface LintResult {
  findings: Finding[];
  failures: RuleFailure[];
  /** The file did not parse cleanly; findings inside ERROR regions are dropped. */
  hasSyntaxErrors: boolean;
  /** Set when the file was not linted at all (too large, binary…), with the reason. */
  skipped?: string;
  /**
   * Absolute paths of the other files whose text the lint read (workspace modules it imports): a change
   * to one of them can change these findings. Absent when it read none.
   */
  dependencies?: string[];
}
