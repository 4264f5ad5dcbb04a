// Lint options, shared by the language server (from VS Code settings and project config) and the
// CLI (from flags and project config), and the one function that turns them into active rules.
import type { PythonVersion, RuleDefinition } from './rule';
import { CATEGORIES, type Severity, type SeverityOverride } from '../../common/types';

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
  /** Absolute path of the file being linted, when it has one (passed on to rules as ctx.filePath). */
  filePath?: string;
}

export const DEFAULT_TARGET: PythonVersion = { major: 3, minor: 9 };
export const DEFAULT_MAX_FILE_SIZE = 2_000_000;

export function parsePythonVersion(value: string | undefined): PythonVersion | undefined {
  if (!value) return undefined;
  const m = /^(?:py)?(\d)\.?(\d+)$/.exec(value.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function matchesSelector(rule: RuleDefinition, selector: string): boolean {
  return selector === 'ALL' || selector === rule.id || selector === rule.category || CATEGORIES[rule.category] === selector;
}

/** The rules that run, with their effective severity. */
export function activeRules(rules: readonly RuleDefinition[], options: LintOptions): Map<string, Severity> {
  const active = new Map<string, Severity>();
  for (const rule of rules) {
    const selected = options.select
      ? options.select.some((s) => matchesSelector(rule, s))
      : rule.enabledByDefault;
    const extended = options.extendSelect?.some((s) => matchesSelector(rule, s)) ?? false;
    const ignored = options.ignore?.some((s) => matchesSelector(rule, s)) ?? false;
    if (!(selected || extended) || ignored) continue;
    const override = options.severity?.[rule.id] ?? options.severity?.[rule.category];
    if (override === 'off') continue;
    active.set(rule.id, override ?? rule.severity);
  }
  return active;
}

/** Selectors that name no rule and no category: reported to the user instead of silently ignored. */
export function unknownSelectors(rules: readonly RuleDefinition[], options: LintOptions): string[] {
  const all = [...(options.select ?? []), ...(options.extendSelect ?? []), ...(options.ignore ?? []), ...Object.keys(options.severity ?? {})];
  return all.filter((s) => !rules.some((r) => matchesSelector(r, s)));
}

/**
 * One layer of options over another, the same way wherever layers meet (project config under editor
 * settings in the server, under command-line flags in the CLI): `select` replaces the lower list when
 * the upper layer gives one; `extendSelect` and `ignore` add to the lower lists; `severity` merges rule
 * by rule; single values (target version, file size limit, file path) replace when given.
 */
export function layerOptions(lower: LintOptions, upper: LintOptions): LintOptions {
  const out: LintOptions = { ...lower };
  if (upper.select !== undefined) out.select = upper.select;
  out.extendSelect = [...(lower.extendSelect ?? []), ...(upper.extendSelect ?? [])];
  out.ignore = [...(lower.ignore ?? []), ...(upper.ignore ?? [])];
  out.severity = { ...(lower.severity ?? {}), ...(upper.severity ?? {}) };
  if (upper.targetVersion !== undefined) out.targetVersion = upper.targetVersion;
  if (upper.maxFileSize !== undefined) out.maxFileSize = upper.maxFileSize;
  if (upper.filePath !== undefined) out.filePath = upper.filePath;
  return out;
}
