// Shared test plumbing: one engine per test process, fixture paths, and running Python.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { Engine } from '../../server/engine/engine';
import { NODE_FILES } from '../../server/project/fileProbe';
import { discoverFiles } from '../../server/project/discovery';
import type { Finding } from '../../common/types';
import type { LintOptions } from '../../server/engine/options';

/** The repository root and the build output, baked in by esbuild.mjs --tests. */
export const ROOT = process.env.PERFLENS_ROOT ?? path.resolve(__dirname, '../../..');
export const DIST = process.env.PERFLENS_DIST ?? path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

let engine: Promise<Engine> | undefined;
export function getEngine(): Promise<Engine> {
  engine ??= Engine.create(ALL_RULES, DIST).then((e) => {
    e.files = NODE_FILES; // as the CLI and the Node server do
    return e;
  });
  return engine;
}

/**
 * A module of the system Python's standard library (Debian's /usr/lib/python3.11, which CI installs with python3-numpy),
 * as real code to check an analysis against; the test is skipped where that Python is absent.
 */
export function stdlibSourceOrSkip(test: Mocha.Context, module: string): string {
  try {
    return readFileSync(path.join('/usr/lib/python3.11', module), 'utf8');
  } catch {
    test.skip();
  }
}

/**
 * A git checkout in a temporary folder holding `files` (by relative path), for what a rule reads beside the file: the
 * project's requirement files, README, config. Returns its top folder; the caller removes it.
 */
export function tempRepository(files: Record<string, string>, prefix = 'perflens-repo-'): string {
  const top = mkdtempSync(path.join(os.tmpdir(), prefix));
  mkdirSync(path.join(top, '.git'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
    writeFileSync(path.join(top, rel), text);
  }
  return top;
}

/**
 * One rule's findings on `source` saved as `rel` in a new temporary repository (tempRepository) holding `project` too,
 * ranked as the default output ranks them (impact "auto"), optionally linted from the repository's top. keepHints: the library hints auto mode leaves out stay, so
 * the ranking a profile can undo is tested. The repository is removed afterwards.
 */
export async function rankedInRepository(
  ruleId: string,
  source: string,
  project: Record<string, string>,
  rel: string,
  prefix: string,
  fromTop = false,
): Promise<Finding[]> {
  const top = tempRepository({ ...project, [rel]: source }, prefix);
  try {
    const linter = await getEngine();
    // fromTop: linted as the CLI's `check .` from the repository's top folder (the project root it is given).
    const projectRoot = fromTop ? top : undefined;
    return linter
      .lintText(source, { select: [ruleId], filePath: path.join(top, rel), projectRoot, impact: 'auto', keepHints: true })
      .findings.filter((f) => f.ruleId === ruleId);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

/** One rule's messages on `rel` of a new temporary repository (tempRepository) holding `files`, linted from its top, every impact level shown. */
export async function messagesInRepository(ruleId: string, files: Record<string, string>, rel: string, prefix = 'perflens-repo-'): Promise<string[]> {
  const top = tempRepository(files, prefix);
  try {
    const engine = await getEngine();
    return engine.lintText(files[rel], { select: [ruleId], filePath: path.join(top, rel), projectRoot: top, impact: 'all' }).findings.map((f) => f.message);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

/**
 * The path of `pkg/<module>` in a new temporary repository (tempRepository) holding `files`; its top folder is added to
 * `made`, for the test to remove. For rules that read the project's requirement files.
 */
export function moduleInRepository(files: Record<string, string>, module: string, made: string[]): string {
  const top = tempRepository(files);
  made.push(top);
  return path.join(top, 'pkg', module);
}

/** One rule's findings on a source text, with only that rule selected. */
export async function ruleFindings(ruleId: string, source: string, filePath?: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath }).findings.filter((f) => f.ruleId === ruleId);
}

/** A library module's options: the file `pkg/stats.py` of a project at /proj (no disk read). */
const LIBRARY_MODULE: LintOptions = { filePath: '/proj/pkg/stats.py', projectRoot: '/proj' };

/** The rule's findings in a library module as the CLI shows them with --preview (impact auto): hints dropped. */
export async function libraryFindingsShown(ruleId: string, source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  const lint: LintOptions = { select: [ruleId], ...LIBRARY_MODULE, impact: 'auto', preview: true, ...options };
  return engine.lintText(source, lint).findings.filter((f) => f.ruleId === ruleId);
}

/** Every finding of the rule in a library module, hints included, with its impact (impact all). */
export async function libraryFindingsAll(ruleId: string, source: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], ...LIBRARY_MODULE, impact: 'all' }).findings.filter((f) => f.ruleId === ruleId);
}

/** The rule reports the source once in a library module, as a hint, which `--preview` leaves out. */
export async function assertOneHiddenHint(ruleId: string, source: string) {
  const found = await libraryFindingsAll(ruleId, source);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0].severity, 'hint');
  assert.deepEqual(await libraryFindingsShown(ruleId, source), []);
}

/** The rule reports the source once in a library module, and `--preview` shows it (not a hint). */
export async function assertOneShown(ruleId: string, source: string) {
  const found = await libraryFindingsShown(ruleId, source);
  assert.equal(found.length, 1, JSON.stringify(await libraryFindingsAll(ruleId, source)));
  assert.notEqual(found[0].severity, 'hint');
}

/**
 * A rule's fixture files (test/fixtures/rules/<id>/), as paths relative to that folder: its own files, and those of a
 * project folder in it (`old_torch/` with a setup.py declaring the versions the project supports), one level down.
 */
export function ruleFixtureNames(ruleId: string): string[] {
  const dir = path.join(FIXTURES, 'rules', ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? readdirSync(path.join(dir, e.name)).map((name) => `${e.name}/${name}`) : [e.name],
  );
}

/** The rule's findings on each of its fixture files whose name (without its project folder) `wanted` accepts, with only that rule selected. */
export async function fixtureFindings(ruleId: string, wanted: (name: string) => boolean): Promise<{ name: string; findings: Finding[] }[]> {
  const engine = await getEngine();
  const dir = path.join(FIXTURES, 'rules', ruleId);
  return ruleFixtureNames(ruleId)
    .filter((name) => wanted(path.basename(name)))
    .map((name) => {
      const file = path.join(dir, name);
      const { findings } = engine.lintText(readFileSync(file, 'utf8'), { select: [ruleId], filePath: file });
      return { name, findings: findings.filter((f) => f.ruleId === ruleId) };
    });
}

/** Debian's interpreter has numpy and pandas; the default python3 on PATH may not. */
export function pythonFor(source: string): string {
  return /^\s*(import|from)\s+(numpy|pandas|torch)\b/m.test(source) ? '/usr/bin/python3' : 'python3';
}

export interface PythonRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runPython(source: string, interpreter = pythonFor(source), timeoutMs = 60000): PythonRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-py-'));
  const file = path.join(dir, 'program.py');
  writeFileSync(file, source);
  const r = spawnSync(interpreter, [file], { encoding: 'utf8', timeout: timeoutMs, cwd: dir, env: { ...process.env, PYTHONHASHSEED: '0' } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export function compilePython(source: string, interpreter = 'python3'): PythonRun {
  const r = spawnSync(interpreter, ['-c', 'import sys; compile(sys.stdin.read(), "<fixed>", "exec")'], { input: source, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** One rule's findings, ranked as the default output ranks them (impact "auto"). */
export async function rankedFindings(ruleId: string, source: string, filePath: string, options: LintOptions = {}): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

/**
 * A temporary project: `files` maps relative paths to their text; `run` gets its top folder, with the engine reading
 * the disk (NODE_FILES), and the folder is removed afterwards.
 */
export async function inTempProject(files: Record<string, string>, run: (top: string) => Promise<void>, prefix = 'perflens-project-'): Promise<void> {
  const engine = await getEngine();
  const top = mkdtempSync(path.join(os.tmpdir(), prefix));
  const saved = engine.files;
  try {
    engine.files = NODE_FILES;
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
      writeFileSync(path.join(top, rel), text);
    }
    await run(top);
  } finally {
    engine.files = saved;
    rmSync(top, { recursive: true, force: true });
  }
}

/** Every `.py` file under dir, recursively. */
export function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return pythonFiles(full);
    return name.endsWith('.py') ? [full] : [];
  });
}

/** Every nth file of this machine's Python standard library (none if python3 cannot say where). */
export function stdlibSlice(n: number): string[] {
  const r = spawnSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_path("stdlib"))'], { encoding: 'utf8' });
  const dir = r.stdout?.trim();
  if (r.status !== 0 || !dir) return [];
  return discoverFiles([dir]).files.filter((_, i) => i % n === 0);
}
