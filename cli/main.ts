// perflens CLI: `perflens check [PATH…]`, `perflens rule <id>`, `perflens rules`.
// Exit codes: 0 clean, 1 problems found (or files that could not be read or fixed), 2 usage,
// configuration or internal error, or nothing could be checked at all.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../rules';
import { describeUnknownSelector, isSelector, layerOptions, lineLengthProblem, targetVersionProblem, type LintOptions } from '../server/engine/options';
import { ConfigError, ConfigResolver, isExcluded, isExtraIncluded, type ProjectConfig } from '../server/project/projectConfig';
import { renderRuleDoc } from '../server/docs/render';
import { SNIPPET_FOR_RULE } from '../server/docs/snippetLinks';
import { withoutHints, type CheckOptions, type FileKind, type FileReport } from './check';
import { checkFiles, isCheckWorker, runCheckWorker, startWorkers, threadCount, type CheckJob, type StartedWorkers } from './pool';
import { discoverFiles, isDefaultIncluded } from '../server/project/discovery';
import { GitIgnore } from '../server/project/gitignore';
import { failureLine, toJson, toSarif, toText } from './formats';
import { applyProfiles, loadProfiles, type LoadedProfile } from './profile';
import { IMPACT_MODES, type ImpactMode } from '../common/types';
import { DEFAULT_SETTINGS } from '../common/protocol';
import { isProven, recordOf } from '../server/engine/trackRecord';
import { version } from '../package.json';

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** More workers than this is a typo, not a machine. */
const MAX_THREADS = 256;

function threadsFlag(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n <= MAX_THREADS)) throw new InvalidArgumentError(`must be a whole number from 0 (automatic) to ${MAX_THREADS}.`);
  return n;
}

function lineLengthFlag(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : value;
  const problem = lineLengthProblem(n);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return n as number;
}

function targetVersionFlag(value: string): string {
  const problem = targetVersionProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

/** "--select: unknown rule or category `x` (did you mean `y`?)" for each unknown name in the flags. */
function unknownInFlags(flags: CheckFlags): string[] {
  const given: [string, string[] | undefined][] = [
    ['--select', flags.select],
    ['--extend-select', flags.extendSelect],
    ['--ignore', flags.ignore],
  ];
  return given.flatMap(([flag, names]) =>
    (names ?? []).filter((n) => !isSelector(ALL_RULES, n)).map((n) => `${flag}: ${describeUnknownSelector(ALL_RULES, n)}`),
  );
}

interface CheckFlags {
  format: 'text' | 'json' | 'sarif';
  select?: string[];
  extendSelect?: string[];
  ignore?: string[];
  targetVersion?: string;
  lineLength?: number;
  impact?: ImpactMode;
  preview?: boolean;
  fix: boolean;
  unsafeFixes: boolean;
  exitZero: boolean;
  config: boolean;
  color: boolean;
  respectGitignore: boolean;
  threads: number;
  /** Profiles whose measurements rank the findings (--profile, repeatable). */
  profile?: string[];
}

async function runCheck(paths: string[], flags: CheckFlags): Promise<number> {
  const cliOptions: LintOptions = {
    select: flags.select,
    extendSelect: flags.extendSelect,
    ignore: flags.ignore,
    targetVersion: flags.targetVersion,
    lineLength: flags.lineLength,
    impact: flags.impact,
    preview: flags.preview,
  };
  const unknown = unknownInFlags(flags);
  if (unknown.length) {
    for (const problem of unknown) process.stderr.write(`perflens: ${problem}\n`);
    process.stderr.write('perflens: see `perflens rules` for the rule ids and categories\n');
    return 2;
  }
  // A profile that cannot be read is a usage error, said before any file is checked.
  const profiles = loadProfiles(flags.profile ?? []);
  if (typeof profiles === 'string') {
    process.stderr.write(`perflens: --profile ${profiles}\n`);
    return 2;
  }
  // Given the rules, config files naming unknown rules are errors too (exit 2), as flags are.
  const resolver = new ConfigResolver(ALL_RULES);
  const roots = paths.length ? paths : ['.'];
  const keepHints = profiles.length > 0; // a hot hint is raised by the profile, so hints are left out after it
  // With no profile to raise a hint, the rules whose findings could only be hints left out need not run (a third of a
  // whole-stdlib check's CPU): JSON and SARIF have no place for them, and the text summary says the rules in preview did
  // not run instead of counting their hints, as Ruff runs no preview rule without --preview (CheckOptions.hintsUnseen).
  const hintsUnseen = !keepHints;
  const check = { fix: flags.fix, unsafeFixes: flags.unsafeFixes, keepHints, hintsUnseen };
  // A folder to walk: the check workers start now, their start-up alongside the walk (pool.ts startWorkers).
  const most = threadCount(Infinity, flags.threads);
  const started = most > 1 && roots.some(isFolder) ? startWorkers(most, check, __filename) : null;
  try {
    return await checkAll(roots, flags, profiles, cliOptions, resolver, check, started);
  } finally {
    await started?.stop();
  }
}

/** runCheck after the flags are read: finds the files, checks them (on `started` workers when given), prints the reports. */
async function checkAll(
  roots: string[],
  flags: CheckFlags,
  profiles: LoadedProfile[],
  cliOptions: LintOptions,
  resolver: ConfigResolver,
  check: CheckOptions,
  started: StartedWorkers | null,
): Promise<number> {
  const configFor = (file: string) => (flags.config ? resolver.forFile(file) : null);
  // Like Ruff, respect .gitignore files found below each path given (--no-respect-gitignore to turn off).
  const gitignores = new Map(roots.map((r) => [path.resolve(r), new GitIgnore(path.resolve(r))]));
  const ignoredByGit = (file: string, isDirectory: boolean) => flags.respectGitignore && [...gitignores.values()].some((g) => g.ignores(file, isDirectory));
  const discovery = discoverFiles(
    roots,
    (file, isDirectory) => ignoredByGit(file, isDirectory) || isExcluded(configFor(file), file),
    (file) => isDefaultIncluded(file) || isExtraIncluded(configFor(file), file),
  );
  // The deepest path given that holds the file: impact ranking's top folder when no project marker is found.
  const givenRoots = roots.map((r) => path.resolve(r)).sort((a, b) => b.length - a.length);
  const givenRootOf = (file: string) => {
    const abs = path.resolve(file);
    const root = givenRoots.find((r) => abs === r || abs.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    return root === abs ? path.dirname(abs) : root;
  };
  for (const e of discovery.errors) process.stderr.write(`perflens: ${e.path}: ${e.message}\n`);
  const jobs: CheckJob[] = discovery.files.map((file) => {
    const config = configFor(file);
    // Flags over the project's config, layered as the editor layers its settings: --select replaces,
    // --extend-select and --ignore add to the project's lists.
    return {
      file,
      options: {
        impact: DEFAULT_SETTINGS.impact,
        preview: DEFAULT_SETTINGS.preview,
        ...layerOptions(resolver.optionsFor(file, flags.config), cliOptions),
        projectRoot: givenRootOf(file),
      },
      kind: fileKind(file, config),
      explicit: discovery.named.has(file),
    };
  });
  // Files are checked on every core (worker threads, each with its own engine).
  const threads = threadCount(jobs.length, flags.threads);
  let reports: FileReport[] = await checkFiles(jobs, check, threads, __filename, started);
  if (profiles.length > 0) {
    const profiled = await applyProfiles(reports, profiles);
    reports = profiled.reports;
    // On stderr, so JSON and SARIF output stay one document.
    for (const note of profiled.notes) process.stderr.write(`perflens: profile ${note}\n`);
  }
  reports = reports.map(withoutHints);
  const rulesById = new Map(ALL_RULES.map((r) => [r.id, r]));

  const display = reports.map((r) => ({ ...r, file: path.relative(process.cwd(), r.file) || r.file }));
  if (flags.format === 'json') process.stdout.write(JSON.stringify(toJson(display, rulesById), null, 2) + '\n');
  else if (flags.format === 'sarif') process.stdout.write(JSON.stringify(toSarif(display, ALL_RULES, version), null, 2) + '\n');
  else process.stdout.write(toText(display, { color: flags.color }, flags.fix, discovery.errors.length) + '\n');
  // JSON and SARIF have no place for a file that could not be read or a rule that failed on a file (its findings there
  // are missing): say so on stderr, so a CI log shows why the run exited non-zero with no findings.
  if (flags.format !== 'text') {
    for (const r of display) {
      if (r.error) process.stderr.write(`perflens: ${r.file}: error: ${r.error}\n`);
      for (const failure of r.failures) process.stderr.write(`perflens: ${failureLine(r.file, failure)}\n`);
    }
  }
  return exitCode(reports, discovery.errors.length, flags);
}

/** The path names a folder (the files to check are found by walking it). */
function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false; // discovery reports it
  }
}

/** Notebooks by extension; Python by extension or the project's `extend-include`; anything else is looked at (a #! line) when named. */
function fileKind(file: string, config: ProjectConfig | null): FileKind {
  if (file.endsWith('.ipynb')) return 'notebook';
  if (/\.py[iw]?$/.test(file) || isExtraIncluded(config, file)) return 'python';
  return 'other';
}

/**
 * 2 when a rule failed, a file named explicitly is not what it claims to be (not Python, not decodable, a malformed
 * notebook) or nothing could be checked at all (every path unreadable: --exit-zero does not hide that, it is about
 * findings); else 1 for findings, unreadable files found in a folder (a malformed notebook among them) or fixes --fix
 * could not write, and 0 for those under --exit-zero.
 */
function exitCode(reports: readonly FileReport[], unreadablePaths: number, flags: CheckFlags): number {
  if (reports.some((r) => r.failures.length > 0 || r.invalid)) return 2;
  const unreadable = reports.filter((r) => r.error).length + unreadablePaths;
  if (unreadable > 0 && unreadable === reports.length + unreadablePaths) return 2;
  const problems = unreadable > 0 || reports.some((r) => r.findings.length > 0 || (flags.fix && r.unfixable));
  return problems && !flags.exitZero ? 1 : 0;
}

function program(): Command {
  const cli = new Command('perflens').description('Performance linter for Python AI/ML and data code').version(version).exitOverride().showHelpAfterError();

  cli
    .command('check')
    .description('Check Python files and folders (default: the current folder)')
    .argument('[paths...]', 'files or folders to check')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--select <rules>', 'only these rules or categories, comma-separated ("ALL" for every rule)', list)
    .option('--extend-select <rules>', 'add rules or categories to the selection', list)
    .option('--ignore <rules>', 'turn off rules or categories', list)
    .option('--target-version <version>', 'lowest Python version the code supports, e.g. py39', targetVersionFlag)
    .option('--line-length <n>', "longest line a fix writes (default: the project's Ruff or Black line-length, else 88)", lineLengthFlag)
    .addOption(
      new Option(
        '--impact <mode>',
        "auto: low-impact findings (tests, examples, one-time setup) are hints, left out here (library rules' hints are not reported at all); all: every finding at full severity",
      ).choices(IMPACT_MODES),
    )
    .option('--preview', 'also list the findings of rules in preview (not yet proven in blind reviews), which are hints otherwise')
    .option('--fix', 'apply safe fixes in place', false)
    .option('--unsafe-fixes', 'with --fix, also apply unsafe fixes', false)
    .option('--exit-zero', 'exit 0 even when problems are found', false)
    .option(
      '--profile <file>',
      'rank findings by a profile: cProfile/pstats, py-spy speedscope JSON, Scalene JSON, torch.profiler trace (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--no-config', 'ignore pyproject.toml and perflens.toml')
    .option('--no-respect-gitignore', 'also check files that .gitignore excludes')
    .option('--no-color', 'plain text output')
    .addOption(new Option('--threads <n>', 'worker threads (default: one per core for large runs)').argParser(threadsFlag).default(0))
    .action(async (paths: string[], flags: CheckFlags) => {
      flags.color = flags.color && process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.exitCode = await runCheck(paths, flags);
    });

  cli
    .command('rule')
    .description('Explain a rule')
    .argument('<id>', 'rule id')
    .action((id: string) => {
      const rule = ALL_RULES.find((r) => r.id === id);
      if (!rule) {
        process.stderr.write(`perflens: no rule named ${id} (see \`perflens rules\`)\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(renderRuleDoc(rule) + '\n');
    });

  cli
    .command('rules')
    .description('List every rule')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { format: string }) => {
      if (flags.format === 'json') {
        const data = ALL_RULES.map(({ check: _check, query: _query, ...meta }) => ({
          ...meta,
          requiresText: meta.requiresText?.source,
          snippet: SNIPPET_FOR_RULE[meta.id],
          // In preview until blind reviews prove the rule (engine/trackRecord.ts): its findings are hints by default.
          preview: !isProven(meta.id),
          reviewed: recordOf(meta.id),
        }));
        process.stdout.write(JSON.stringify(data, null, 2) + '\n');
        return;
      }
      for (const r of [...ALL_RULES].sort((a, b) => a.id.localeCompare(b.id))) {
        const stage = isProven(r.id) ? 'proven ' : 'preview';
        process.stdout.write(`${r.id.padEnd(44)} ${r.enabledByDefault ? 'on ' : 'off'}  ${stage}  ${r.severity.padEnd(7)} ${r.title}\n`);
      }
    });
  return cli;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`perflens: invalid configuration: ${error.message}\n`);
    } else {
      process.stderr.write(`perflens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 2;
  }
}

/**
 * A reader that stops early (`perflens check . | head`) closes the pipe: stop quietly, as other command-line tools
 * do, instead of an unhandled EPIPE stack trace. The exit status is the one the output had reached.
 */
function stopQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

if (isCheckWorker()) void runCheckWorker();
else {
  stopQuietlyOnClosedPipe();
  void main();
}
