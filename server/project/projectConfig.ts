// Project configuration: `[tool.perflens]` in pyproject.toml, or a perflens.toml, found by walking
// up from each file, so nested projects in a monorepo each get their own. Read by the CLI and the
// language server alike.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { parse as parseToml } from 'smol-toml';
import type { LintOptions } from '../engine/options';
import type { SeverityOverride } from '../../common/types';

export interface ProjectConfig {
  /** The file the settings came from. */
  file: string;
  options: LintOptions;
  /** Glob (relative to the config's folder) → rule ids or categories ignored in matching files. */
  perFileIgnores: Record<string, string[]>;
  /** Globs of files and folders to skip (relative to the config's folder). */
  exclude: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    /** 0-based line of the problem in the file, when known. */
    public line = 0,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** The 0-based line where a key is set, to point a config error at it. */
function lineOfKey(source: string, key: string): number {
  const lines = source.split(/\r\n|\r|\n/);
  const bare = key.replace(/^.*\./, '').replace(/"/g, '');
  const at = lines.findIndex((l) => new RegExp(`^\\s*"?${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*=`).test(l));
  return at >= 0 ? at : 0;
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

function stringList(value: unknown, key: string, file: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigError(file, `\`${key}\` must be a list of strings`);
  }
  return value as string[];
}

/** Validates a `[tool.perflens]` table. Unknown keys are errors: a typo must not pass silently. */
export function parseConfigTable(table: Record<string, unknown>, file: string): ProjectConfig {
  const known = new Set(['select', 'extend-select', 'ignore', 'severity', 'per-file-ignores', 'target-version', 'max-file-size', 'exclude']);
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
    options.severity = severity as Record<string, SeverityOverride>;
  }
  const target = table['target-version'];
  if (target !== undefined) {
    if (typeof target !== 'string' || !/^(py)?3\.?\d+$/.test(target)) {
      throw new ConfigError(file, '`target-version` must look like "py39" or "3.9"');
    }
    options.targetVersion = target;
  }
  const maxSize = table['max-file-size'];
  if (maxSize !== undefined) {
    if (typeof maxSize !== 'number' || maxSize <= 0) throw new ConfigError(file, '`max-file-size` must be a positive number');
    options.maxFileSize = maxSize;
  }
  const perFileIgnores: Record<string, string[]> = {};
  const pfi = table['per-file-ignores'];
  if (pfi !== undefined) {
    if (typeof pfi !== 'object' || pfi === null || Array.isArray(pfi)) {
      throw new ConfigError(file, '`per-file-ignores` must be a table of "glob" = [rules]');
    }
    for (const [glob, rules] of Object.entries(pfi)) perFileIgnores[glob] = stringList(rules, `per-file-ignores."${glob}"`, file)!;
  }
  return { file, options, perFileIgnores, exclude: stringList(table['exclude'], 'exclude', file) ?? [] };
}

/** Reads one config file. Returns null for a pyproject.toml without a [tool.perflens] table. */
export function readConfigFile(file: string): ProjectConfig | null {
  const source = readFileSync(file, 'utf8');
  try {
    return readConfigSource(source, file);
  } catch (error) {
    if (error instanceof ConfigError && error.line === 0 && !/invalid TOML/.test(error.detail)) {
      const key = /`([^`]+)`/.exec(error.detail)?.[1];
      if (key) error.line = lineOfKey(source, key);
    }
    throw error;
  }
}

function readConfigSource(source: string, file: string): ProjectConfig | null {
  let data: Record<string, unknown>;
  try {
    data = parseToml(source) as Record<string, unknown>;
  } catch (error) {
    const line = typeof (error as { line?: unknown }).line === 'number' ? (error as { line: number }).line - 1 : 0;
    throw new ConfigError(file, `invalid TOML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, Math.max(0, line));
  }
  if (path.basename(file) === 'pyproject.toml') {
    const tool = data['tool'] as Record<string, unknown> | undefined;
    const table = tool?.['perflens'];
    if (table === undefined) return null;
    if (typeof table !== 'object' || table === null) throw new ConfigError(file, '[tool.perflens] must be a table');
    return parseConfigTable(table as Record<string, unknown>, file);
  }
  return parseConfigTable(data, file);
}

/**
 * Finds the nearest config for a file: in each folder from the file's up to the root, a
 * perflens.toml wins over a pyproject.toml with [tool.perflens]. Results are cached per folder.
 */
export class ConfigResolver {
  private readonly cache = new Map<string, ProjectConfig | null>();

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
        found = readConfigFile(candidate);
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

  clear(): void {
    this.cache.clear();
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
    if (config.exclude.some((g) => picomatch.isMatch(prefix, g, { dot: true }))) return true;
  }
  return false;
}
