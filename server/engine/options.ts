// Lint options, shared by the language server (from VS Code settings and project config) and the
// CLI (from flags and project config), and the one function that turns them into active rules.
import type { PythonVersion, RuleDefinition } from './rule';
import { CATEGORIES, IMPACT_MODES, type Category, type ImpactMode, type Severity, type SeverityOverride } from '../../common/types';

export interface LintOptions {
  /** Rule ids, categories or "ALL". Replaces the default rule set when given. */
  select?: string[];
  /** Added to the selected set. */
  extendSelect?: string[];
  /** Rule ids or categories to turn off (wins over select). */
  ignore?: string[];
  /** Per-rule (or per-category) severity overrides; 'off' disables. */
  severity?: Record<string, SeverityOverride>;
  /** Lowest supported Python, "3.9" or "py39". */
  targetVersion?: string;
  /** Files larger than this many characters are skipped with a notice. */
  maxFileSize?: number;
  /** Longest line a fix may write, in characters (Ruff's or Black's `line-length`; 88 when unset). */
  lineLength?: number;
  /** Absolute path of the file being linted, when it has one (passed on to rules as ctx.filePath). */
  filePath?: string;
  /**
   * The path the CLI was given that holds the file: the project's top folder when no pyproject.toml, setup.cfg or .git
   * marks one. Impact ranking judges folder names (examples/, scripts/) below that folder only.
   */
  projectRoot?: string;
  /**
   * `auto`: low-impact findings drop to hint; `all` (the engine's default, for callers that rank nothing): every
   * finding at full severity. The CLI and the server default to `auto` (DEFAULT_SETTINGS.impact).
   */
  impact?: ImpactMode;
  /**
   * With `impact = "auto"`, keep the library rules' hints that auto mode does not report, marked `impact.ifHot`: a
   * loaded profile (`--profile`, Load Profile…) may show their code hot and raise them; the host then drops the rest
   * (profiles' `reportedWithProfile`).
   */
  keepHints?: boolean;
  /**
   * With `impact = "auto"`: `false` (the hosts' default, DEFAULT_SETTINGS.preview) makes the findings of rules still in
   * preview (no proven record in blind reviews: engine/trackRecord.ts) hints, kept visible in the editor; `true`, or
   * unset (the engine's default, for callers that rank nothing), ranks every rule's findings alike.
   */
  preview?: boolean;
  /**
   * The caller shows no hint and counts none (the CLI's JSON and SARIF output in auto mode). With `impact = "auto"` and
   * `preview = false` every finding of a rule in preview is a hint, so those rules are not run (engine.ts
   * withoutUnseenRules): the findings shown are the same. The text output counts the hints it leaves out, so it runs them.
   */
  hintsUnseen?: boolean;
}

export const DEFAULT_TARGET: PythonVersion = { major: 3, minor: 9 };
export const DEFAULT_MAX_FILE_SIZE = 2_000_000;

export function parsePythonVersion(value: string | undefined): PythonVersion | undefined {
  if (!value) return undefined;
  const m = /^(?:py)?(\d)\.?(\d+)$/.exec(value.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** The Python 3 minor versions a target version may name: Ruff's oldest to the one in development. */
const TARGET_MINORS = { oldest: 7, newest: 15 };
/** A file larger than this many characters would not fit a JavaScript string anyway. */
export const MAX_FILE_SIZE_LIMIT = 100_000_000;

/** What is wrong with a target version from a config file or flag, or undefined when it is fine. */
export function targetVersionProblem(value: unknown): string | undefined {
  const version = typeof value === 'string' ? parsePythonVersion(value) : undefined;
  if (version && version.major === 3 && version.minor >= TARGET_MINORS.oldest && version.minor <= TARGET_MINORS.newest) return undefined;
  return `must be a Python 3 version from py3${TARGET_MINORS.oldest} to py3${TARGET_MINORS.newest}, like "py39" or "3.9" (got ${shown(value)})`;
}

/** What is wrong with a line length, or undefined when it is fine (Ruff accepts 1 to 320). */
export function lineLengthProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LINE_LENGTH) return undefined;
  return `must be a whole number of characters from 1 to ${MAX_LINE_LENGTH} (got ${shown(value)})`;
}

/** Ruff's upper bound for `line-length`. */
const MAX_LINE_LENGTH = 320;

/** What is wrong with an impact mode from a config file, setting or flag, or undefined when it is fine. */
export function impactModeProblem(value: unknown): string | undefined {
  return IMPACT_MODES.includes(value as ImpactMode) ? undefined : `must be one of ${IMPACT_MODES.map((m) => `"${m}"`).join(', ')} (got ${shown(value)})`;
}

/** What is wrong with a file size limit, or undefined when it is fine (NaN, 0.5 or 0 would skip every file). */
export function maxFileSizeProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_FILE_SIZE_LIMIT) return undefined;
  return `must be a whole number of characters from 1 to ${MAX_FILE_SIZE_LIMIT} (got ${shown(value)})`;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function matchesSelector(rule: RuleDefinition, selector: string): boolean {
  return selector === 'ALL' || selector === rule.id || selector === rule.category || CATEGORIES[rule.category] === selector;
}

/**
 * The rules that run, with their effective severity: shared, one map per selection (select, extend-select, ignore,
 * severity: all it reads), since the server asks on every pull with options built afresh (its status and its log line,
 * besides the engine), and the answer, a test of every rule against every selector, cost 20-50 µs each time.
 */
export function activeRules(rules: readonly RuleDefinition[], options: LintOptions): ReadonlyMap<string, Severity> {
  let bySelection = activeSets.get(rules);
  if (!bySelection) activeSets.set(rules, (bySelection = new Map()));
  const key = JSON.stringify([options.select, options.extendSelect, options.ignore, options.severity]);
  let active = bySelection.get(key);
  if (!active) {
    // Few selections come and go (settings edited, per-folder configs): drop the oldest past a handful.
    if (bySelection.size >= MAX_ACTIVE_SETS) bySelection.delete(bySelection.keys().next().value!);
    bySelection.set(key, (active = selectedRules(rules, options)));
  }
  return active;
}

/** activeRules' answers per rule list and selection. */
const activeSets = new WeakMap<readonly RuleDefinition[], Map<string, ReadonlyMap<string, Severity>>>();
const MAX_ACTIVE_SETS = 16;

function selectedRules(rules: readonly RuleDefinition[], options: LintOptions): Map<string, Severity> {
  const active = new Map<string, Severity>();
  for (const rule of rules) {
    const selected = options.select ? options.select.some((s) => matchesSelector(rule, s)) : rule.enabledByDefault;
    const extended = options.extendSelect?.some((s) => matchesSelector(rule, s)) ?? false;
    const ignored = options.ignore?.some((s) => matchesSelector(rule, s)) ?? false;
    if (!(selected || extended) || ignored) continue;
    const override = severityOverride(rule, options);
    if (override === 'off') continue;
    active.set(rule.id, override ?? rule.severity);
  }
  return active;
}

/** The user's severity for the rule (set for it or its category), or undefined where the rule's own applies. */
export function severityOverride(rule: RuleDefinition, options: LintOptions): SeverityOverride | undefined {
  return options.severity?.[rule.id] ?? options.severity?.[rule.category];
}

/** Selectors that name no rule and no category: reported to the user instead of silently ignored. */
export function unknownSelectors(rules: readonly RuleDefinition[], options: LintOptions): string[] {
  const selectors = [...(options.select ?? []), ...(options.extendSelect ?? []), ...(options.ignore ?? [])];
  return [...selectors.filter((s) => !isSelector(rules, s)), ...Object.keys(options.severity ?? {}).filter((s) => !isSeverityKey(rules, s))];
}

/** A rule id, a category (key or name) or "ALL": what select, extend-select and ignore accept. */
export function isSelector(rules: readonly RuleDefinition[], selector: string): boolean {
  return rules.some((r) => matchesSelector(r, selector));
}

/** A rule id or a category key: what a severity override is looked up by (activeRules). */
export function isSeverityKey(rules: readonly RuleDefinition[], key: string): boolean {
  return rules.some((r) => r.id === key || r.category === key);
}

/**
 * "unknown rule or category `x` (did you mean `y`?)" for one unknown name: the nearest valid one by
 * edit distance (or one that contains it), when there is one close enough to be a likely typo.
 */
export function describeUnknownSelector(rules: readonly RuleDefinition[], name: string, forSeverity = false): string {
  const categories = Object.keys(CATEGORIES) as Category[];
  const valid = [...rules.map((r) => r.id), ...categories, ...(forSeverity ? [] : [...categories.map((c) => CATEGORIES[c]), 'ALL'])];
  // A category's display name where only its key works (severity): the key.
  const near = categories.find((c) => CATEGORIES[c] === name) ?? nearestName(name, valid);
  return `unknown rule or category \`${name}\`${near ? ` (did you mean \`${near}\`?)` : ''}`;
}

function nearestName(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(lower, name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  // A fragment of an id ("iterrows" for pandas-iterrows): the shortest id holding it.
  if (lower.length < 4) return undefined;
  return names.filter((n) => n.toLowerCase().includes(lower)).sort((a, b) => a.length - b.length)[0];
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * One layer of options over another, the same way wherever layers meet (project config under editor
 * settings in the server, under command-line flags in the CLI): `select` replaces the lower list when
 * the upper layer gives one; `extendSelect` and `ignore` add to the lower lists; `severity` merges rule
 * by rule; single values (target version, file size limit, line length, file path) replace when given.
 */
export function layerOptions(lower: LintOptions, upper: LintOptions): LintOptions {
  const out: LintOptions = { ...lower };
  if (upper.select !== undefined) out.select = upper.select;
  out.extendSelect = [...(lower.extendSelect ?? []), ...(upper.extendSelect ?? [])];
  out.ignore = [...(lower.ignore ?? []), ...(upper.ignore ?? [])];
  out.severity = { ...(lower.severity ?? {}), ...(upper.severity ?? {}) };
  if (upper.targetVersion !== undefined) out.targetVersion = upper.targetVersion;
  if (upper.maxFileSize !== undefined) out.maxFileSize = upper.maxFileSize;
  if (upper.lineLength !== undefined) out.lineLength = upper.lineLength;
  if (upper.filePath !== undefined) out.filePath = upper.filePath;
  if (upper.impact !== undefined) out.impact = upper.impact;
  if (upper.preview !== undefined) out.preview = upper.preview;
  return out;
}
