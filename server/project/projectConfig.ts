// Project configuration: `[tool.perflens]` in pyproject.toml, or a perflens.toml, found by walking
// up from each file, so nested projects in a monorepo each get their own. Read by the CLI and the
// language server alike. The line length fixes wrap at also comes from the project's formatter
// settings (Ruff's or Black's `line-length`), so that a fix writes lines the formatter would keep.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { parse as parseToml } from 'smol-toml';
import {
  describeUnknownSelector,
  impactModeProblem,
  isSelector,
  isSeverityKey,
  lineLengthProblem,
  maxFileSizeProblem,
  targetVersionProblem,
  type LintOptions,
} from '../engine/options';
import type { RuleDefinition } from '../engine/rule';
import type { ImpactMode, SeverityOverride } from '../../common/types';

export interface ProjectConfig {
  /** The file the settings came from. */
  file: string;
  options: LintOptions;
  /** Glob (relative to the config's folder) → rule ids or categories ignored in matching files. */
  perFileIgnores: Record<string, string[]>;
  /** Globs of files and folders to skip (relative to the config's folder; a glob without a slash matches any file or folder name). */
  exclude: string[];
  /** Globs of more files for folder walks to check as Python, beside *.py and *.ipynb (Ruff's `extend-include`). */
  extendInclude: string[];
}

/** Where in a config file a problem is: the key that sets it and, for a list, the bad item. */
export interface ConfigSpot {
  key: string;
  value?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    /** 0-based line of the problem in the file, when known. */
    public line = 0,
    /** Finds `line` once the file's text is at hand (readConfigFile). */
    readonly spot?: ConfigSpot,
  ) {
    super(`${file}: ${detail}`);
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The 0-based line where a key is set (or, given a value, the line of that item after it), to point a config error at it. */
function lineOfSpot(source: string, spot: ConfigSpot): number {
  const lines = source.split(/\r\n|\r|\n/);
  const key = new RegExp(`^\\s*["']?${escapeRegExp(spot.key)}["']?\\s*=`);
  const keyLine = Math.max(
    0,
    lines.findIndex((l) => key.test(l)),
  );
  if (spot.value === undefined) return keyLine;
  const item = new RegExp(`["']${escapeRegExp(spot.value)}["']`);
  const valueLine = lines.findIndex((l, i) => i >= keyLine && item.test(l));
  return valueLine >= 0 ? valueLine : keyLine;
}

/** The spot named by the first `key` in an error's detail (errors raised without a spot). */
function spotInDetail(detail: string): ConfigSpot | undefined {
  const key = /`([^`]+)`/.exec(detail)?.[1];
  return key ? { key: key.replace(/^.*\./, '').replace(/"/g, '') } : undefined;
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

function stringList(value: unknown, key: string, file: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigError(file, `\`${key}\` must be a list of strings`);
  }
  return value as string[];
}

/**
 * Rule ids and categories that name nothing are errors (a typo would otherwise turn a rule off, or
 * select nothing, in silence), each with the nearest valid name.
 */
function checkSelectors(
  rules: readonly RuleDefinition[],
  file: string,
  key: string,
  names: readonly string[] | undefined,
  spot: (name: string) => ConfigSpot,
): void {
  const unknown = (names ?? []).filter((n) => !isSelector(rules, n));
  if (unknown.length) throw new ConfigError(file, `\`${key}\`: ${unknown.map((n) => describeUnknownSelector(rules, n)).join('; ')}`, 0, spot(unknown[0]));
}

function checkSeverityKeys(rules: readonly RuleDefinition[], file: string, severity: Record<string, unknown>): void {
  const unknown = Object.keys(severity).filter((n) => !isSeverityKey(rules, n));
  if (unknown.length)
    throw new ConfigError(file, `\`severity\`: ${unknown.map((n) => describeUnknownSelector(rules, n, true)).join('; ')}`, 0, { key: unknown[0] });
}

/**
 * Validates a `[tool.perflens]` table. Unknown keys are errors: a typo must not pass silently. Given
 * the rules, so are unknown rule ids and categories.
 */
export function parseConfigTable(table: Record<string, unknown>, file: string, rules?: readonly RuleDefinition[]): ProjectConfig {
  const known = new Set([
    'select',
    'extend-select',
    'ignore',
    'severity',
    'per-file-ignores',
    'target-version',
    'max-file-size',
    'line-length',
    'impact',
    'preview',
    'exclude',
    'extend-include',
  ]);
  for (const key of Object.keys(table)) {
    if (!known.has(key)) throw new ConfigError(file, `unknown setting \`${key}\` (known: ${[...known].join(', ')})`);
  }
  const options: LintOptions = {
    select: stringList(table['select'], 'select', file),
    extendSelect: stringList(table['extend-select'], 'extend-select', file),
    ignore: stringList(table['ignore'], 'ignore', file),
  };
  const severity = table['severity'];
  if (severity !== undefined) {
    if (typeof severity !== 'object' || severity === null || Array.isArray(severity)) {
      throw new ConfigError(file, '`severity` must be a table of rule = "error|warning|info|hint|off"');
    }
    for (const [rule, level] of Object.entries(severity)) {
      if (typeof level !== 'string' || !SEVERITIES.has(level)) {
        throw new ConfigError(file, `severity of \`${rule}\` must be one of error, warning, info, hint, off`);
      }
    }
    if (rules) checkSeverityKeys(rules, file, severity as Record<string, unknown>);
    options.severity = severity as Record<string, SeverityOverride>;
  }
  const target = table['target-version'];
  if (target !== undefined) {
    const problem = targetVersionProblem(target);
    if (problem) throw new ConfigError(file, `\`target-version\` ${problem}`);
    options.targetVersion = target as string;
  }
  const maxSize = table['max-file-size'];
  if (maxSize !== undefined) {
    const problem = maxFileSizeProblem(maxSize);
    if (problem) throw new ConfigError(file, `\`max-file-size\` ${problem}`);
    options.maxFileSize = maxSize as number;
  }
  const lineLength = table['line-length'];
  if (lineLength !== undefined) {
    const problem = lineLengthProblem(lineLength);
    if (problem) throw new ConfigError(file, `\`line-length\` ${problem}`);
    options.lineLength = lineLength as number;
  }
  const impact = table['impact'];
  if (impact !== undefined) {
    const problem = impactModeProblem(impact);
    if (problem) throw new ConfigError(file, `\`impact\` ${problem}`);
    options.impact = impact as ImpactMode;
  }
  const preview = table['preview'];
  if (preview !== undefined) {
    if (typeof preview !== 'boolean') throw new ConfigError(file, `\`preview\` must be true or false (got ${JSON.stringify(preview)})`);
    options.preview = preview;
  }
  const perFileIgnores: Record<string, string[]> = {};
  const pfi = table['per-file-ignores'];
  if (pfi !== undefined) {
    if (typeof pfi !== 'object' || pfi === null || Array.isArray(pfi)) {
      throw new ConfigError(file, '`per-file-ignores` must be a table of "glob" = [rules]');
    }
    for (const [glob, ids] of Object.entries(pfi)) perFileIgnores[glob] = stringList(ids, `per-file-ignores."${glob}"`, file)!;
  }
  if (rules) {
    for (const key of ['select', 'extend-select', 'ignore'] as const) {
      checkSelectors(rules, file, key, table[key] as string[] | undefined, (value) => ({ key, value }));
    }
    for (const [glob, ids] of Object.entries(perFileIgnores)) checkSelectors(rules, file, `per-file-ignores."${glob}"`, ids, (value) => ({ key: glob, value }));
  }
  return { file, options, perFileIgnores, exclude: globList(table, 'exclude', file), extendInclude: globList(table, 'extend-include', file) };
}

/** A list of glob patterns; an empty pattern would match nothing (or, by accident, everything). */
function globList(table: Record<string, unknown>, key: string, file: string): string[] {
  const globs = stringList(table[key], key, file) ?? [];
  if (globs.some((g) => g.trim() === '')) throw new ConfigError(file, `\`${key}\` patterns must not be empty`, 0, { key, value: '' });
  return globs;
}

/**
 * Reads one config file. Returns null for a pyproject.toml without a [tool.perflens] table. Given the
 * rules, unknown rule ids and categories are errors too.
 */
export function readConfigFile(file: string, rules?: readonly RuleDefinition[]): ProjectConfig | null {
  const source = readFileSync(file, 'utf8');
  try {
    return readConfigSource(source, file, rules);
  } catch (error) {
    if (error instanceof ConfigError && error.line === 0 && !/invalid TOML/.test(error.detail)) {
      const spot = error.spot ?? spotInDetail(error.detail);
      if (spot) error.line = lineOfSpot(source, spot);
    }
    throw error;
  }
}

function readConfigSource(source: string, file: string, rules: readonly RuleDefinition[] | undefined): ProjectConfig | null {
  let data: Record<string, unknown>;
  try {
    data = parseToml(source) as Record<string, unknown>;
  } catch (error) {
    // A pyproject.toml belongs to every tool of the project: a broken one that holds no perflens
    // settings is another tool's to report (a sub-package's duplicated `[tool.hatch.build]` stopped
    // `perflens check` on a whole monorepo). The next config up the folders applies there instead.
    if (path.basename(file) === 'pyproject.toml' && !spellsPerflensTable(source)) return null;
    const line = typeof (error as { line?: unknown }).line === 'number' ? (error as { line: number }).line - 1 : 0;
    throw new ConfigError(file, `invalid TOML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, Math.max(0, line));
  }
  if (path.basename(file) === 'pyproject.toml') {
    const tool = data['tool'] as Record<string, unknown> | undefined;
    const table = tool?.['perflens'];
    if (table === undefined) return null;
    if (typeof table !== 'object' || table === null) throw new ConfigError(file, '[tool.perflens] must be a table');
    return parseConfigTable(table as Record<string, unknown>, file, rules);
  }
  return parseConfigTable(data, file, rules);
}

/**
 * Whether a TOML text that did not parse still names perflens's table, as a header (`[tool.perflens]`,
 * `[tool.perflens.severity]`) or a dotted key (`tool.perflens.select = …`, `perflens = { … }` under
 * `[tool]`): then its errors are the user's perflens settings, and are reported.
 */
function spellsPerflensTable(source: string): boolean {
  return /^\s*\[\s*tool\s*\.\s*["']?perflens\b|^\s*tool\s*\.\s*["']?perflens\b|^\s*["']?perflens["']?\s*(=|\.)/m.test(source);
}

/**
 * The `line-length` a formatter's config file in `dir` sets, in Ruff's order of precedence
 * (`.ruff.toml`, `ruff.toml`, then `[tool.ruff]` in pyproject.toml), then Black's `[tool.black]`.
 * null when no such file is there; undefined when one is there but sets no line length (Ruff then
 * uses its default, and so does perflens). These files belong to other tools: a broken one is not
 * perflens's to report, and is read as setting nothing.
 */
function formatterLineLength(dir: string): number | undefined | null {
  for (const name of ['.ruff.toml', 'ruff.toml', 'pyproject.toml']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    let data: Record<string, unknown>;
    try {
      data = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      if (name === 'pyproject.toml') continue;
      return undefined;
    }
    if (name !== 'pyproject.toml') return validLineLength(data['line-length']);
    const tool = (data['tool'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    if (tool.ruff) return validLineLength(tool.ruff['line-length']);
    if (tool.black) return validLineLength(tool.black['line-length']);
  }
  return null;
}

function validLineLength(value: unknown): number | undefined {
  return lineLengthProblem(value) === undefined ? (value as number) : undefined;
}

/**
 * Finds the nearest config for a file: in each folder from the file's up to the root, a
 * perflens.toml wins over a pyproject.toml with [tool.perflens]. Results are cached per folder.
 */
export class ConfigResolver {
  private readonly cache = new Map<string, ProjectConfig | null>();
  private readonly lineLengths = new Map<string, number | undefined>();

  /** With the rules, config files naming unknown rules or categories are errors (the CLI and the server pass them). */
  constructor(private readonly rules?: readonly RuleDefinition[]) {}

  /** Config errors are thrown; callers decide how to surface them (diagnostic, message, exit 2). */
  forFile(filePath: string): ProjectConfig | null {
    return this.forDirectory(path.dirname(path.resolve(filePath)));
  }

  forDirectory(dir: string): ProjectConfig | null {
    const cached = this.cache.get(dir);
    if (cached !== undefined) return cached;
    let found: ProjectConfig | null = null;
    for (const name of ['perflens.toml', 'pyproject.toml']) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) {
        found = readConfigFile(candidate, this.rules);
        if (found) break;
      }
    }
    if (!found) {
      const parent = path.dirname(dir);
      found = parent !== dir ? this.forDirectory(parent) : null;
    }
    this.cache.set(dir, found);
    return found;
  }

  /** The line length from the nearest formatter config (Ruff's or Black's) at or above `dir`, if one sets it. */
  formatterLineLength(dir: string): number | undefined {
    if (this.lineLengths.has(dir)) return this.lineLengths.get(dir);
    let found = formatterLineLength(dir);
    if (found === null) {
      const parent = path.dirname(dir);
      found = parent !== dir ? this.formatterLineLength(parent) : undefined;
    }
    this.lineLengths.set(dir, found);
    return found;
  }

  /**
   * The lint options the project gives one file: its perflens config (with per-file ignores), and the
   * line length from that config or else from the project's formatter config. `perflensConfig: false`
   * (the CLI's --no-config) reads no config file at all.
   */
  optionsFor(filePath: string, perflensConfig = true): LintOptions {
    if (!perflensConfig) return {};
    const options = optionsForFile(this.forFile(filePath), filePath);
    if (options.lineLength !== undefined) return options;
    const lineLength = this.formatterLineLength(path.dirname(path.resolve(filePath)));
    return lineLength === undefined ? options : { ...options, lineLength };
  }

  clear(): void {
    this.cache.clear();
    this.lineLengths.clear();
  }
}

/** Lint options for one file: the config's options plus its matching per-file ignores. */
export function optionsForFile(config: ProjectConfig | null, filePath: string): LintOptions {
  if (!config) return {};
  const relative = path.relative(path.dirname(config.file), path.resolve(filePath)).split(path.sep).join('/');
  const extraIgnores: string[] = [];
  for (const [glob, rules] of Object.entries(config.perFileIgnores)) {
    if (picomatch.isMatch(relative, glob, { dot: true }) || picomatch.isMatch(path.basename(filePath), glob, { dot: true })) {
      extraIgnores.push(...rules);
    }
  }
  if (extraIgnores.length === 0) return config.options;
  return { ...config.options, ignore: [...(config.options.ignore ?? []), ...extraIgnores] };
}

/** True when the file (or a folder above it, up to the config's folder) matches an `exclude` glob. */
export function isExcluded(config: ProjectConfig | null, filePath: string): boolean {
  if (!config || config.exclude.length === 0) return false;
  const relative = path.relative(path.dirname(config.file), path.resolve(filePath)).split(path.sep).join('/');
  if (relative.startsWith('..')) return false;
  const parts = relative.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (config.exclude.some((g) => picomatch.isMatch(prefix, g, { dot: true }) || (!g.includes('/') && picomatch.isMatch(parts[i - 1], g, { dot: true }))))
      return true;
  }
  return false;
}

/** True when the config's `extend-include` adds the file to what folder walks check (matched like per-file ignores). */
export function isExtraIncluded(config: ProjectConfig | null, filePath: string): boolean {
  if (!config || config.extendInclude.length === 0) return false;
  const relative = path.relative(path.dirname(config.file), path.resolve(filePath)).split(path.sep).join('/');
  return config.extendInclude.some((g) => picomatch.isMatch(relative, g, { dot: true }) || picomatch.isMatch(path.basename(filePath), g, { dot: true }));
}
