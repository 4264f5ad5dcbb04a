// The versions of a package a project lets itself run with, read from its requirement files: the highest it allows (a
// rule whose advice needs a newer release stays silent where the project pins an older one) and the lowest it declares
// support for (`torch>=1.13`: advice that needs a newer release would break the older versions the project supports).
import * as path from 'node:path';
import type { FileProbe } from './codeContext';
import { markedRootOf, rememberedFor, type ProbeMemo } from './projectRoot';

/** A version as [major, minor]. */
export type Version = readonly [number, number];

/** Per project root and package: whether its requirement files name the package (null when it has none). */
const declared: ProbeMemo<boolean | null> = new WeakMap();

/**
 * Whether the project of `filePath` declares `pkg` among what it installs: true when a requirement file names it (a
 * pin, a bare name, an extra such as `numba; extra == "fast"`), false when the project has requirement files and none
 * names it (ta's `install_requires=["numpy", "pandas"]`: advice to compile with numba adds a dependency), null when
 * nothing is known (no project, no requirement file, no disk).
 */
export function declaresPackage(pkg: string, filePath: string | undefined, files: FileProbe): boolean | null {
  const dirs = filePath && files.readText ? requirementFolders(filePath, files) : null;
  if (!dirs) return null;
  const name = new RegExp(`(?:^|[\\s"',:\\[])${pkg.replace(/[.\\-]/g, (c) => `\\${c}`)}(?![\\w.-])`, 'im');
  return rememberedFor(declared, files, `${pkg}\n${dirs.join('\n')}`, Date.now(), 1000, () => {
    let seen = false;
    for (const dir of dirs) {
      for (const file of requirementFilesIn(dir, files)) {
        const text = requirementText(files, dir, file);
        if (text === null) continue;
        seen = true;
        if (name.test(text)) return true;
      }
    }
    return seen ? false : null;
  });
}

/**
 * A requirement file's text, less a conda environment's `channels:` list: `channels: [pytorch, nvidia]` names where
 * packages come from, not a package (MiniGPT-4's environment.yml lists the `pytorch` channel above `torch==2.0.0`).
 */
function requirementText(files: FileProbe, dir: string, file: string): string | null {
  const text = files.readText!(path.join(dir, file));
  if (text === null || !/\.ya?ml$/.test(file)) return text;
  return text.replace(/^channels:[ \t]*(?:\[[^\]\n]*\][ \t]*)?\n(?:[ \t]*-[^\n]*\n|[ \t]+[^\n]*\n|[ \t]*(?:#[^\n]*)?\n)*/m, '');
}

/** Where projects declare what they install: pip requirements, packaging metadata, conda environments. */
// conda reads an environment file under either YAML extension (`conda env create` finds environment.yml or
// environment.yaml): ControlNet pins `pytorch=1.12.1` in environment.yaml.
// Open Power System Data's time_series names its conda environment requirements.yml (`python=3.8`, then `pandas`).
const CONDA_FILES = ['environment.yml', 'environment.yaml', 'conda.yaml', 'conda.yml', 'requirements.yml', 'requirements.yaml'];
// Pipenv's Pipfile lists packages in TOML as Poetry does (`pandas = "==2.0.2"`): NOAA's inundation-mapping pins its
// pandas there only, and review45's reviewers read that pin (no Copy-on-Write yet) where perflens did not.
const REQUIREMENT_FILES = ['requirements.txt', 'Pipfile', 'pyproject.toml', 'setup.cfg', 'setup.py', ...CONDA_FILES];

/** A conda environment file: a top-level `dependencies:` list, and the `name:` or `channels:` conda writes beside it. */
const CONDA_ENVIRONMENT = /^dependencies:[ \t]*$/m;
const CONDA_HEADER = /^(?:name|channels):/m;
/** Bigger YAML files in a project folder are data or configuration, not an environment. */
const CONDA_FILE_LIMIT = 64 * 1024;
const otherCondaFiles: ProbeMemo<readonly string[]> = new WeakMap();

/**
 * The requirement files to read in `dir`: the usual names, and YAML files of any other name that are conda environments
 * (travel-model-one pins `pandas==1.4.3` in tm15-python310.yml, which `conda env create -f` reads as readily as
 * environment.yml; both review56 judges went by that pin).
 */
function requirementFilesIn(dir: string, files: FileProbe): readonly string[] {
  const other = rememberedFor(otherCondaFiles, files, dir, Date.now(), 10_000, () =>
    (files.list?.(dir) ?? []).filter((name) => {
      if (!/\.ya?ml$/.test(name) || CONDA_FILES.includes(name)) return false;
      const size = files.fileSize(path.join(dir, name));
      if (size === null || size > CONDA_FILE_LIMIT) return false;
      const text = files.readText?.(path.join(dir, name)) ?? '';
      return CONDA_ENVIRONMENT.test(text) && CONDA_HEADER.test(text);
    }),
  );
  return other.length === 0 ? REQUIREMENT_FILES : [...REQUIREMENT_FILES, ...other];
}

const ceilings: ProbeMemo<Version | null> = new WeakMap();
const floors: ProbeMemo<Version | null> = new WeakMap();

/**
 * The highest `package` version the project of `filePath` allows: `torch==2.0.0` and `torch<=2.0` give 2.0, and
 * `torch<2.1` gives 2.0 too (below 2.1); conda's `pytorch=2.0.0` counts for torch. Null when no requirement caps it
 * (or the file has no project). The lowest cap over the files wins.
 */
export function pinnedCeiling(pkg: string, filePath: string | undefined, files: FileProbe, layers: Layers = 'nearest'): Version | null {
  return lowestOver(ceilings, pkg, filePath, files, (text) => capsIn(text, pkg), layers);
}

/**
 * Which sub-project folders between a file and its project folder speak for it: the nearest one that holds a requirement
 * file (the default), or every one of them (`'all'`): a package vendored into another (model_maker's
 * third_party/efficientdet, whose own requirements cap nothing, under model_maker's requirements that pin
 * `tf-models-official==2.3.0`) is installed with the enclosing one's requirements too. For a rule that stays silent
 * where any layer caps a version, so that the project's oldest pin wins.
 */
export type Layers = 'nearest' | 'all';

/**
 * The lowest `package` version the project of `filePath` declares it supports: `torch>=1.13`, `torch>1.13`,
 * `torch~=1.13` and a pin `torch==1.13` give 1.13. Null when no requirement names a lower bound (a bare `torch`
 * says nothing about old versions). The lowest bound over the files wins: the project claims to run there.
 */
export function declaredFloor(pkg: string, filePath: string | undefined, files: FileProbe): Version | null {
  return lowestOver(floors, pkg, filePath, files, (text) => floorsIn(text, pkg));
}

const newest: ProbeMemo<Version | null> = new WeakMap();

/**
 * The newest `pkg` version the project of `filePath` lets its users install: the highest cap over the requirement files
 * that name the package, or null when one of them names it without a cap (GroundingDINO's requirements.txt says `torch`
 * while its environment.yaml, a conda export of the authors' machine, pins `pytorch=2.0.1`: pip users get the newest
 * torch) or none names it. Unlike `pinnedCeiling` (the lowest cap anywhere: advice needing a newer release would break
 * that install), this asks what the newest install can meet (a deprecation that warns only from a later release).
 */
export function newestAllowed(pkg: string, filePath: string | undefined, files: FileProbe): Version | null {
  const dirs = filePath && files.readText ? requirementFolders(filePath, files) : null;
  if (!dirs) return null;
  return rememberedFor(newest, files, `${pkg}\n${dirs.join('\n')}`, Date.now(), 1000, () => {
    let highest: Version | null = null;
    for (const dir of dirs) {
      for (const file of requirementFilesIn(dir, files)) {
        for (const cap of capsOfEachMention(requirementText(files, dir, file) ?? '', pkg)) {
          if (cap === null) return null;
          if (!highest || below(highest, cap)) highest = cap;
        }
      }
    }
    return highest;
  });
}

/**
 * For each place a requirement text names `pkg` (at a line's start, as a requirements or conda file lists it, or opening
 * a quoted string, as setup.py and pyproject list it; not `import torch` in a setup.py, nor an extra's name, `"torch": [...]`
 * in setup.py or `torch = [...]` in pyproject), its cap, or null when it has none.
 */
function capsOfEachMention(text: string, pkg: string): (Version | null)[] {
  if (text === '') return [];
  const names = pkg === 'torch' ? '(?:py)?torch' : pkg.replace(/[.\\-]/g, (c) => `\\${c}`);
  const mention = new RegExp(
    `(?:^[ \\t]*(?:-[ \\t]*)?|["'])(?:\\w+::)?${names}(?![\\w.-])[ \\t]*((?:(?:==|<=|>=|!=|~=|<|>|=)[ \\t]*\\d+(?:\\.[\\w*]+)*[ \\t]*,?[ \\t]*)*)(?!["'][ \\t]*:|[ \\t]*=[ \\t]*\\[)`,
    'gmi',
  );
  return [...text.matchAll(mention)].map((m) => {
    const caps = capsIn(m[0].replace(/^[\s"'-]*(?:\w+::)?/, ' '), pkg);
    return caps.length === 0 ? null : caps.reduce((low, cap) => (below(cap, low) ? cap : low));
  });
}

/** Where a project tells people what to install: its top folder's README and install notes. */
const INSTALL_NOTES = ['README.md', 'README.rst', 'README.txt', 'README', 'INSTALL.md'];
/** Enough of a README to reach its install section; the rest is results tables and citations. */
const NOTES_READ = 60_000;
const documentedFloors: ProbeMemo<Version | null> = new WeakMap();

/**
 * The lowest `pkg` version the README (or INSTALL.md) of the project of `filePath` names as one it runs on: "developed
 * with python version 3.6, PyTorch version 1.7.1" (DINO), "to work with PyTorch 1.8.1+" (MAE), `pip install torch==1.8.1`,
 * `torch>=1.8`. For projects whose requirement files do not name the package: their prose is the only statement of
 * what they support. Null when no such statement is found (or the file has no project).
 */
export function documentedFloor(pkg: string, filePath: string | undefined, files: FileProbe): Version | null {
  const root = filePath ? projectFolderOf(path.dirname(filePath), files) : null;
  if (!root || !files.readText) return null;
  return rememberedFor(documentedFloors, files, `${pkg}\n${root}`, Date.now(), 1000, () => {
    let lowest: Version | null = null;
    const notes = INSTALL_NOTES.map((file) => (files.readText!(path.join(root, file)) ?? '').slice(0, NOTES_READ));
    const images = DOCKER_FILES.map((file) => withBuildVariables(files.readText!(path.join(root, file)) ?? ''));
    for (const text of [...notes, ...images]) {
      for (const version of versionsNamedIn(text, pkg)) {
        if (!lowest || below(version, lowest)) lowest = version;
      }
    }
    return lowest;
  });
}

/**
 * The image a project ships to run it: vidar has no requirements file, and its docker/Dockerfile installs
 * `torch==${PYTORCH_VERSION}` with `ENV PYTORCH_VERSION=1.12.1+cu113` (review67 judged the autocast rename wrong there).
 */
const DOCKER_FILES = ['Dockerfile', 'docker/Dockerfile'];

/** A Dockerfile's text with its `ARG` / `ENV` values written in where `${NAME}` or `$NAME` reads them. */
function withBuildVariables(text: string): string {
  if (text === '') return text;
  const values = new Map<string, string>();
  for (const m of text.matchAll(/^[ \t]*(?:ARG|ENV)[ \t]+(\w+)(?:=|[ \t]+)"?([^\s"\\]+)/gim)) values.set(m[1], m[2]);
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => values.get(braced ?? bare!) ?? whole);
}

/**
 * The versions prose gives for `pkg`: its name (any case, `PyTorch` for torch), an optional word "version", then an
 * optional `==`, `>=`, `~=`, `=` or `:` and X.Y. Not a cap (`torch<2.0`), nor another package that starts with the name
 * (`torchvision 0.8.2`, `pytorch-lightning 1.9`, `libtorch 1.8`), nor a name without a number (`torch.hub`).
 */
function versionsNamedIn(text: string, pkg: string): Version[] {
  if (text === '') return [];
  const names = pkg === 'torch' ? '(?:py)?torch' : pkg.replace(/[.\\-]/g, (c) => `\\${c}`);
  const statement = new RegExp(`(?<![\\w.-])${names}(?:\\s+version)?\\s*(?:==|>=|~=|=|:)?\\s*v?(\\d+)\\.(\\d+)`, 'gi');
  // A shields.io badge states it in its address: `badge/PyTorch-%3E%3D1.7-brightgreen` is "PyTorch >=1.7" (FullSubNet).
  const badge = new RegExp(`/badge/${names}-(?:%3E%3D|%3D%3D|v)?(\\d+)\\.(\\d+)`, 'gi');
  return [...text.matchAll(statement), ...text.matchAll(badge)].map((m) => [Number(m[1]), Number(m[2])] as Version);
}

/** Where a project configures its warning filters: pytest's `filterwarnings` in pyproject, setup.cfg, pytest.ini, tox.ini. */
const WARNING_FILTER_FILES = ['pyproject.toml', 'setup.cfg', 'pytest.ini', 'tox.ini'];
const warningFilters: ProbeMemo<string[]> = new WeakMap();

/**
 * True when the project of `filePath` tells its tests to ignore a warning whose text matches `message`
 * (`"ignore:\`torch.cuda.amp.GradScaler"` in flair's pyproject, kept "to be backwards compatible"): it has seen the
 * deprecation and chosen to keep the old spelling.
 */
export function ignoresWarning(message: RegExp, filePath: string | undefined, files: FileProbe): boolean {
  const root = filePath ? projectFolderOf(path.dirname(filePath), files) : null;
  if (!root || !files.readText) return false;
  // Each filter's text from its `ignore:` on, per project.
  const ignored = rememberedFor(warningFilters, files, root, Date.now(), 1000, () =>
    WARNING_FILTER_FILES.flatMap((file) => (files.readText!(path.join(root, file)) ?? '').split('\n'))
      .filter((line) => /\bignore:/.test(line))
      .map((line) => line.slice(line.indexOf('ignore:'))),
  );
  return ignored.some((filter) => message.test(filter));
}

/** The lowest of the versions `read` finds in the requirement files of the project of `filePath` (memoised a second). */
function lowestOver(
  memo: ProbeMemo<Version | null>,
  pkg: string,
  filePath: string | undefined,
  files: FileProbe,
  read: (text: string) => Version[],
  layers: Layers = 'nearest',
) {
  const dirs = filePath && files.readText ? requirementFolders(filePath, files, layers) : null;
  if (!dirs) return null;
  return rememberedFor(memo, files, `${pkg}\n${dirs.join('\n')}`, Date.now(), 1000, () => {
    let lowest: Version | null = null;
    for (const dir of dirs) {
      for (const file of requirementFilesIn(dir, files)) {
        for (const version of read(requirementText(files, dir, file) ?? '')) {
          if (!lowest || below(version, lowest)) lowest = version;
        }
      }
    }
    return lowest;
  });
}

/**
 * The folders whose requirement files speak for `filePath`, nearest first: the nearest folder between the file and its
 * project folder that holds a requirement file of its own (a sub-project of a repository, automl's
 * efficientdet/requirements.txt pinning `tensorflow<2.16` under a top folder that pins nothing), then the project folder
 * and those above it (a package nested in a repository, an extension's own setup.py, is installed with the
 * repository's requirements). Null when the file has no project.
 */
function requirementFolders(filePath: string, files: FileProbe, layers: Layers = 'nearest'): string[] | null {
  const root = projectFolderOf(path.dirname(filePath), files);
  if (!root) return null;
  const nested: string[] = [];
  for (let dir = nearestRequirementFolder(path.dirname(filePath), root, files); dir;) {
    nested.push(dir);
    dir = layers === 'all' ? nearestRequirementFolder(path.dirname(dir), root, files) : null;
  }
  return [...nested, ...projectRoots(root, files)];
}

/**
 * The project folder of `dir`: the marked one (markedRootOf), or, in a checkout without any marker (a repository
 * downloaded as an archive, with no `.git`), the nearest folder up that holds a requirement file: Nonstationary
 * Transformers' environment.yml pins `torch==1.9.0` beside its code, which speaks for it with or without `.git`.
 */
function projectFolderOf(dir: string, files: FileProbe): string | null {
  return markedRootOf(dir, files) ?? rememberedFor(unmarkedProjects, files, dir, Date.now(), 10_000, () => nearestRequirementFolderUp(dir, files));
}
const unmarkedProjects: ProbeMemo<string | null> = new WeakMap();

function nearestRequirementFolderUp(dir: string, files: FileProbe): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (SUB_PROJECT_REQUIREMENTS.some((file) => files.exists(path.join(d, file)))) return d;
    if (path.dirname(d) === d) return null;
  }
}

/**
 * Files that declare requirements without marking a project: a folder holding one of them below the project folder is
 * a sub-project (a marker file, pyproject.toml or setup.py, would have made it the project folder itself).
 */
const SUB_PROJECT_REQUIREMENTS = ['requirements.txt', 'Pipfile', ...CONDA_FILES];
const subProjects: ProbeMemo<string | null> = new WeakMap();

/** The nearest folder from `dir` up to (not including) the project folder `root` that holds a requirement file, or null. */
function nearestRequirementFolder(dir: string, root: string, files: FileProbe): string | null {
  if (dir === root || !dir.startsWith(root + path.sep)) return null;
  return rememberedFor(subProjects, files, dir, Date.now(), 10_000, () =>
    SUB_PROJECT_REQUIREMENTS.some((file) => files.exists(path.join(dir, file))) ? dir : nearestRequirementFolder(path.dirname(dir), root, files),
  );
}

/** The marked project folder and those above it up to the repository's top (`.git`), a few at most, nearest first. */
function projectRoots(root: string, files: FileProbe): string[] {
  const roots = [root];
  while (roots.length < 4 && !files.exists(path.join(roots[roots.length - 1], '.git'))) {
    const parent = path.dirname(roots[roots.length - 1]);
    const above = parent === roots[roots.length - 1] ? null : markedRootOf(parent, files);
    if (!above) break;
    roots.push(above);
  }
  return roots;
}

/** True when `a` is an older major.minor than `b`. */
export function below(a: Version, b: Version): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * The caps a requirement text puts on `pkg` (`pkg==X.Y`, `pkg<=X.Y`, `pkg<X.Y`, conda's `pkg=X.Y`), its name in any case
 * (pip compares names case-insensitively: `PyYAML==5.3.1` pins pyyaml).
 */
function capsIn(text: string, pkg: string): Version[] {
  return requirementsIn(text, pkg, '==|<=|<|~=|=|\\^').map(({ op, version, patch }) => {
    // `<2.1` allows 2.0.x at most: one minor lower (a `<2.0` cap is read as 1.x, any minor).
    if (op === '<') return version[1] > 0 ? [version[0], version[1] - 1] : [version[0] - 1, Number.MAX_SAFE_INTEGER];
    // Poetry's caret: `^2.1` allows anything below 3.0 (`^0.24` below 0.25).
    if (op === '^') return version[0] > 0 ? [version[0], Number.MAX_SAFE_INTEGER] : version;
    // A compatible release caps the next-to-last part it names: `~=1.12.1` is 1.12.x (deep_sort_pytorch's torch), `~=1.12` 1.x.
    if (op === '~=') return patch ? version : [version[0], Number.MAX_SAFE_INTEGER];
    return version;
  });
}

/** The lower bounds a requirement text puts on `pkg` (`pkg>=X.Y`, `pkg>X.Y`, `pkg~=X.Y`, a pin `pkg==X.Y` or conda's `pkg=X.Y`). */
function floorsIn(text: string, pkg: string): Version[] {
  return requirementsIn(text, pkg, '>=|>|~=|==|=|\\^').map(({ version }) => version);
}

/**
 * Each `pkg <op> X.Y` of the text whose operator is one of `ops` (a regex alternation, longest first), every clause of a
 * specifier list included: `torch>=2.1,<2.3` gives `>=` 2.1 and `<` 2.3.
 */
function requirementsIn(text: string, pkg: string, ops: string): { op: string; version: Version; patch: boolean }[] {
  const names = pkg === 'torch' ? '(?:py)?torch' : pkg.replace(/[.\\-]/g, (c) => `\\${c}`);
  // pip compares names case-insensitively: `PyYAML==5.3.1` pins pyyaml.
  // Poetry's tables quote the specifier: `pandas = ">=2.0.0,<3.0.0"`, `torch = { version = "^2.1", source = "cu121" }`.
  const poetry = `(?:=\\s*(?:\\{[^}\\n]*?version\\s*=\\s*)?["'])?`;
  const requirement = new RegExp(
    `(?:^|[\\s"',:\\[])(?:\\w+::)?${names}\\s*${poetry}((?:(?:==|<=|>=|!=|~=|<|>|=|\\^)\\s*\\d+(?:\\.[\\w*]+)*\\s*,?\\s*)+)`,
    'gmi',
  );
  // A major alone (`keras<3`, `torch>=2`) is X.0; `2.*` names no minor and is left out.
  const clause = new RegExp(`^(${ops})\\s*(\\d+)(?:\\.(\\d+)(\\.\\d+)?|(?![\\d.]))`);
  // Poetry reads a quoted version with no operator as an exact pin: `tensorflow = "2.2.3"` (Keras-FewShotLearning,
  // review75) is `==2.2.3`. The quote must close right after it, so `">=2.0"` is left to the pattern above.
  const poetryExact = new RegExp(`(?:^|[\\s"',:\\[])${names}\\s*=\\s*(?:\\{[^}\\n]*?version\\s*=\\s*)?["'](\\d+(?:\\.\\d+)*)["']`, 'gmi');
  const exact = [...text.matchAll(poetryExact)].map((m) => `==${m[1]}`);
  return [...[...text.matchAll(requirement)].map((m) => m[1]), ...exact].flatMap((specifiers) =>
    specifiers
      .split(',')
      .map((part) => clause.exec(part.trim()))
      .filter((c): c is RegExpExecArray => c !== null)
      .map((c) => ({ op: c[1], version: [Number(c[2]), Number(c[3] ?? 0)] as Version, patch: c[4] !== undefined })),
  );
}
