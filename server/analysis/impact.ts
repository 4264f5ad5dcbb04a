// How much a finding matters where it is, judged statically from facts already gathered (loops,
// training loops, tests, entry points): a slow construct inside a loop over data or in a training
// step costs every iteration; the same construct in a test, an example script, an
// `if __name__ == "__main__":` block or module-level setup costs once. Each answer walks only the
// node's ancestors (and, for "called from a loop", the spellings of one function name, memoised),
// never the whole tree.
import * as path from 'node:path';
import type { FileFacts } from './facts';
import { nodeMemo } from './nodeMemo';
import { inTestFunction, isNotebookFile, isTestFile, isTestNamedScript, NO_FILE_SYSTEM, type FileProbe } from './codeContext';
import { codeBoundedIterable, costlyWorkEachPass, doesCostlyWork, drawsFigure, isSmallLiteralLoop, SMALL_LOOP } from './loopInfo';
import { localTypes } from './localTypes';
import {
  ancestors,
  decoratorCallee,
  decoratorsOf,
  enclosingStatement,
  findDescendants,
  isUnderMainGuard,
  nextStatement,
  parameterAnnotation,
  parameterNames,
  withoutParentheses,
} from './scopes';
import { callersKey, callsOf, referencesTo } from './callsOf';
import { scopeOf, valueBoundOnce } from './names';
import { markedRootOf, rememberedFor, type ProbeMemo } from './projectRoot';
import { openedFileLines, SMALL_FILE_ROWS } from './dataFiles';
import { positionalArguments } from './callArgs';
import { enclosingTrainingLoop, enclosingTrainStep, isDataLoaderExpr, isTestCode, unwrapIterable } from './trainingLoop';
import { frameworkHookReason } from './frameworkHooks';
import { docstringNode } from './values/docstrings';
import { projectCodeFiles, referredToOnlyHere } from './projectWords';
import type { Node } from '../syntax/parser';
import type { Impact } from '../../common/types';

const LOOP_TYPES = new Set(['for_statement', 'while_statement']);
const COMPREHENSION_TYPES = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Folders whose code is read and run by hand, once: examples, tutorials, docs snippets, maintenance scripts. */
const EXAMPLE_FOLDERS = new Set([
  'examples',
  'example',
  'docs',
  'docs_src',
  'doc',
  'tutorial',
  'tutorials',
  'scripts',
  'script',
  'samples',
  // A package's sample application (openllmetry's packages/sample-app/sample_app/): a demo of the package, run by hand.
  'sample_app',
  'sample-app',
  'sample_apps',
  'sample-apps',
  'notebooks',
  'demo',
  'demos',
  'colab',
  'colabs',
]);
/**
 * Research code kept beside a project (gluonts' nursery/, diffusers' research_projects/, statsforecast's experiments/):
 * run by hand a few times and rarely maintained. Blind reviews judged every finding there not worth a change, training
 * loops included, so no place in it is hot.
 */
const EXPERIMENT_FOLDERS = new Set(['nursery', 'research_projects', 'experiments']);
const EXPERIMENT = 'in research code kept beside the project: run by hand, rarely maintained';
/**
 * Folders of code copied in from another project (mlxtend's externals/, seaborn's external/, pip's _vendor/): its
 * maintainers change it upstream, not here, so a finding there is not theirs to act on.
 */
const VENDORED_FOLDERS = new Set(['external', 'externals', 'extern', 'vendor', 'vendored', '_vendor', 'third_party', 'third-party', 'thirdparty', '3rdparty']);
/**
 * Folders where a project keeps code it no longer maintains (philtabor's DeepQLearning/archive/ beside the current
 * agents): findings there are not the project's to act on, nor in a folder named as old copies of something
 * (`old_notebooks/`, review48's reviewers judging a project's superseded notebooks there; session-rec's `backup/` of its
 * algorithms, review49). `old` alone and `legacy` are left out: projects keep code still in use under those names
 * (timm's legacy_train).
 */
const ARCHIVE_FOLDERS = /^(?:archive|archived|attic|deprecated|obsolete|retired(?:[_-]\w+)?|old[_-]\w+|backups?|temporary|scratch)$/i;
/** Folders that hold what runs produced (`results/`, `outputs/`), where a project may keep a copy of the code beside it. */
const RESULT_FOLDERS = /^(?:results?|outputs?|runs|logs|snapshots)$/i;
/** A folder named for the day of a run: `2019-06-26_loglogpq`, `20210105-ablation`. */
const DATED_FOLDER = /^(?:19|20)\d{2}[-_.]?[01]\d[-_.]?[0-3]\d(?:$|[-_.])/;
/**
 * A copy of the code kept with a run's results, in a folder named for its day (bayesProtQuant's
 * results/2019-06-26_loglogpq/, one of four dated copies of its scripts): it produced that result and is not run again.
 * review58's reviewers judged all eight findings in such copies not worth a change.
 */
function inDatedResultCopy(filePath: string | undefined, project: ProjectPlace): boolean {
  if (!filePath) return false;
  const { folders, rooted } = foldersInProject(filePath, project.files, project.givenRoot);
  const near = rooted ? folders : folders.slice(-3);
  return near.some((d, i) => i > 0 && DATED_FOLDER.test(d) && RESULT_FOLDERS.test(near[i - 1]));
}
/**
 * An example or script folder's `legacy/` (HOPP's examples/legacy/, whose scripts import modules that no longer exist):
 * examples the project has stopped running. review47's reviewers judged all five findings there not worth a change,
 * as they did mlcommons' retired_benchmarks/. A `legacy` folder of the package itself stays the project's code.
 */
function inLegacyExamples(filePath: string | undefined, project: ProjectPlace): boolean {
  if (!filePath) return false;
  const { folders, rooted } = foldersInProject(filePath, project.files, project.givenRoot);
  const near = rooted ? folders : folders.slice(-3);
  const legacy = near.findIndex((d) => d.toLowerCase() === 'legacy');
  return legacy > 0 && near.slice(0, legacy).some((d) => EXAMPLE_FOLDERS.has(d.toLowerCase()));
}
/**
 * Packages other projects copy in whole, under a folder of their own package: LAVIS ships OpenMMLab's mmcv and mmseg in
 * lavis/common/annotator/uniformer/. A folder of that name below the project's top package is such a copy; the project's
 * own top package of that name (mmcv's repository) is not.
 */
const COPIED_PACKAGES = new Set([
  'mmcv',
  'mmcv_custom',
  'mmseg',
  'mmdet',
  'mmdet3d',
  'mmengine',
  'mmpose',
  'mmocr',
  'mmcls',
  'mmaction',
  'detectron2',
  'timm',
  'taming',
  'basicsr',
  // LPIPS (the perceptual distance), which GAN and super-resolution projects copy beside their scripts.
  'lpips',
  // NVIDIA's dnnlib, copied with every StyleGAN generation into the projects built on them (review48 and review49: eleven
  // `open_url` copies, all noise), and LLaVA and ZoeDepth, copied whole into projects that use their models.
  'dnnlib',
  'llava',
  'zoedepth',
]);
/**
 * A folder named as a copy of another project's official code: genforce keeps NVIDIA's StyleGAN code in
 * converters/stylegan_official/, stylegan2_official/ and stylegan3_official/ to convert its weights (four findings there
 * judged noise in review49). Only the `<name>_official` form: a project's own `official/` (TensorFlow Model Garden's)
 * is its code.
 */
const OFFICIAL_COPY = /^\w+[_-]official$/i;
/** Python modules that make a file a Streamlit or Gradio app: an interactive demo, run and watched by hand. */
const DEMO_APP_MODULES = ['streamlit', 'gradio'];
const DEMO_APP = 'in a Streamlit or Gradio app: an interactive demo, run and watched by hand';
/**
 * Top folders of a repository's developer tooling (benchmarks/ for asv, ci/, dev/): scripts run by hand. Only directly
 * below the project's top folder (a package's own `benchmark` module is library code), and not `tools/`, which in
 * detectron2 holds the real training entry points.
 */
const DEV_TOP_FOLDERS = new Set([
  'benchmarks',
  'benchmark',
  'bench',
  'asv_bench',
  'ci',
  // CI's own folders (devpi's .ci/cleanup_devpi_indices.py): scripts a CI job runs under its own time limit (review52).
  '.ci',
  '.github',
  '.circleci',
  '.gitlab',
  'dev',
  // Contributed scripts at the top (deepchem's contrib/, sktime's _contrib/); a package's own contrib/ (tortoise.contrib,
  // its framework integrations) is library code.
  'contrib',
  '_contrib',
]);
/** Folders of notebooks: where data code is actually run, so the data-library rules do not count them as examples. */
const NOTEBOOK_FOLDERS = new Set(['notebooks', 'notebook']);
/** Example folders that hold demos, not a project's own notebooks: a notebook there is an example for every rule. */
const DEMO_FOLDERS: ReadonlySet<string> = new Set([...EXAMPLE_FOLDERS].filter((name) => !NOTEBOOK_FOLDERS.has(name)));
/**
 * Demo folders whose data is demo data: a scripts folder is left out, as it often holds the project's own data jobs
 * (qlib's scripts/data_collector/ downloads and converts whole markets).
 */
const DEMO_DATA_FOLDERS: ReadonlySet<string> = new Set([...DEMO_FOLDERS].filter((name) => name !== 'scripts' && name !== 'script'));
/** Methods that run a function once per item in worker processes or threads: pool.map, executor.submit, ... */
const POOL_METHODS = new Set(['map', 'imap', 'imap_unordered', 'starmap', 'map_async', 'starmap_async', 'apply_async', 'submit']);
/** Classes whose `target=` function is a worker's whole job. */
const WORKER_CLASS = /(^|\.)(Process|Thread)$/;

/** Iterables whose name says they stream data: rows, records, batches, files, lines, requests. */
const DATA_NAME =
  /(^|_)(df|data|dataset|datasets|loader|dataloader|batches|batch|rows|records|samples|examples|items|lines|files|paths|frames|images|tokens|docs|documents|requests|responses|results|stream|reader|tensors|arrays|chunks|urls)(_|$)|(data|loader|rows|records|samples|lines|files|batches)$/i;
/** Calls whose result streams data: DataFrame row iteration, file reads, directory walks. */
const DATA_CALL =
  /(^|\.)(iterrows|itertuples|iteritems|readlines|iter_lines|iter_content|walk|glob|rglob|iglob|iterdir|listdir|scandir|read_csv|imap|imap_unordered|as_completed)$/;
/** Decorators that make a function a web request handler: FastAPI/Starlette/Flask routes, Django views. */
const HANDLER_DECORATOR = /^(\w+\.)?(get|post|put|patch|delete|head|options|route|websocket|api_route|api_view|view_config)$/;

/**
 * Build and packaging scripts, run once per install or release: `setup.py`, versioneer's vendored `versioneer.py` and the
 * `_version.py` it generates, task runners.
 */
const BUILD_SCRIPTS = new Set(['setup.py', 'versioneer.py', '_version.py', 'noxfile.py', 'fabfile.py', 'tasks.py']);

/**
 * A loop over the lines of a small text file the project ships beside the code (`for line in fr.readlines()` with
 * `fr = open("horseColicTraining.txt")`, 299 lines): its passes are few, however the loop reads. A blind review judged
 * per-item advice inside such loops (a course's logistic regression parsing its 300-line data set) noise.
 */
function overSmallShippedFile(loop: Node, facts: FileFacts): boolean {
  if (loop.type !== 'for_statement') return false;
  let source: Node | null = loop.childForFieldName('right');
  // `f.readlines()`, `f.read().splitlines()`, `f.read().split("\n")`: the same lines.
  for (let i = 0; i < 3 && source?.type === 'call'; i++) {
    const fn = source.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (!method || !['readlines', 'splitlines', 'split', 'read'].includes(method)) break;
    source = fn!.childForFieldName('object');
  }
  if (source?.type === 'identifier') source = valueBoundOnce(source) ?? openedByWith(source);
  if (source?.type !== 'call') return false;
  const lines = openedFileLines(source, facts);
  return lines !== null && lines.rows <= SMALL_FILE_ROWS;
}

/** The `open(...)` call of the `with open(...) as f:` that binds `f` around its use, or null. */
function openedByWith(id: Node): Node | null {
  for (let n = id.parent; n && n.type !== 'function_definition' && n.type !== 'module'; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of findDescendants(n, (c) => c.type === 'as_pattern')) {
      const target = item.childForFieldName('alias')?.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      const value = item.namedChildren.find((c) => c?.type === 'call') ?? null;
      if (target?.text === id.text && value) return value;
    }
  }
  return null;
}

/**
 * The folders between the project's top folder and the file, nearest last. The top folder is the nearest one with a
 * project marker, else `givenRoot` (the path the CLI was given) when it holds the file; without either, the whole path.
 * A folder named `examples` or `tests` above the project (a checkout kept in ~/examples/) says nothing about the file.
 */
function foldersInProject(filePath: string, files: FileProbe = NO_FILE_SYSTEM, givenRoot?: string): ProjectFolders {
  // Remembered as the project's top folder is (a few seconds): ranking one finding asks this six to eight times for the
  // same path, and a keystroke on a 12k-line file ranks a dozen findings (about 6 % of their ranking).
  return rememberedFor(placeCaches, files, `${givenRoot ?? ''}\0${filePath}`, Date.now(), 10_000, () => readFolders(filePath, files, givenRoot));
}

/** Where a file sits in its project (foldersInProject); shared between callers, which only read it. */
interface ProjectFolders {
  readonly folders: readonly string[];
  readonly rooted: boolean;
  readonly root: string | null;
  /**
   * The folders between the path the CLI was given (the workspace folder) and a project marked deeper inside it: an
   * example app with a pyproject.toml of its own (trulens' examples/expositional/…/snowflake_tools/) or a scripts folder
   * with one (sanic's scripts/) is still in examples/ or scripts/. Empty when the marked project is the given folder.
   */
  readonly above: readonly string[];
}

const placeCaches: ProbeMemo<ProjectFolders> = new WeakMap();

function readFolders(filePath: string, files: FileProbe, givenRoot?: string): ProjectFolders {
  const dir = path.dirname(filePath);
  const inside = (root: string | null | undefined): root is string =>
    !!root && (dir === root || dir.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  const marked = markedRootOf(dir, files);
  const root = inside(marked) ? marked : inside(givenRoot) ? givenRoot : null;
  const below = root ? path.relative(root, dir) : dir;
  const nested =
    root && root === marked && givenRoot && root.startsWith(givenRoot.endsWith(path.sep) ? givenRoot : givenRoot + path.sep)
      ? path.relative(givenRoot, root)
      : '';
  const split = (rel: string) => rel.split(/[\\/]/).filter((d) => d !== '');
  return { folders: split(below), rooted: root !== null, root, above: split(nested) };
}

/**
 * A scripts folder named for what its scripts are for (`ts_scripts`, `dev_scripts`, `ci_scripts`): torchserve's
 * ts_scripts/ holds the sanity checks and build helpers its maintainers run by hand, as any `scripts/` folder does.
 */
const NAMED_SCRIPTS_FOLDER = /^[a-z0-9]+_scripts?$/i;

/**
 * True for a file in an examples / tutorial / docs / scripts folder: any folder below the project's top folder
 * (fairseq's examples/mms/lid_rerank/rerank/), or the nearest three when no top folder is known.
 */
export function isExampleFile(filePath: string | undefined, files?: FileProbe, givenRoot?: string): boolean {
  return (
    inFolderNamed(filePath, EXAMPLE_FOLDERS, files, givenRoot) ||
    inFolderNamed(filePath, NAMED_SCRIPTS_FOLDER, files, givenRoot) ||
    inDevTopFolder(filePath, files, givenRoot) ||
    outsideOwnPackage(filePath, files)
  );
}

/** Script folders: a project's own jobs, where examples/, docs/ or tutorials/ hold demos. */
const SCRIPT_FOLDERS: ReadonlySet<string> = new Set(['scripts', 'script']);

/**
 * node is in a training loop or step (not an evaluation loop) of a file in a scripts folder and in no demo folder (MONAI's
 * auto3dseg/algorithm_templates/dints/scripts/search.py): a script that trains runs over the project's real data, for
 * every step of every epoch, not over demo data, so advice that pays off at scale pays off there.
 */
function trainingStepOfScriptsFolder(node: Node, facts: FileFacts, filePath: string | undefined, project: ProjectPlace): boolean {
  const inScripts =
    inFolderNamed(filePath, SCRIPT_FOLDERS, project.files, project.givenRoot) ||
    inFolderNamed(filePath, NAMED_SCRIPTS_FOLDER, project.files, project.givenRoot);
  if (!inScripts || inFolderNamed(filePath, DEMO_DATA_FOLDERS, project.files, project.givenRoot)) return false;
  return enclosingTrainingLoop(node, facts) !== null || enclosingTrainStep(node, facts) !== null;
}

/**
 * Why the code is run by hand, with someone watching, or null: an example, tutorial or script (isExampleFile), a
 * notebook, or teaching material (a book's chapter folders: review48 judged all six requests without a timeout in
 * ml-system-in-actions' `chapter4_serving_patterns/` demos noise with both reviewers, its FastAPI demo routes included).
 */
export function runByHand(filePath: string | undefined, project: ProjectPlace): string | null {
  if (isExampleFile(filePath, project.files, project.givenRoot)) return RUN_BY_HAND;
  if (isNotebookFile(filePath) || inFolderNamed(filePath, NOTEBOOK_FOLDERS, project.files, project.givenRoot)) return RUN_BY_HAND;
  const teaching = teachingMaterial(filePath, project);
  return teaching ? `${teaching}, run by hand where someone watches it` : null;
}
const RUN_BY_HAND = 'in an example, script or notebook run by hand, where someone watches it';

/**
 * A file of a project that distributes one package (`src/diffusers/`, `sktime/`) but outside that package: the CI
 * helpers in diffusers' utils/, sktime's _contrib/, deepchem's contrib/. They are scripts and tools the maintainers run
 * by hand; what users run is the package. Unknown (false) when the packaging file's name has no package folder.
 */
function outsideOwnPackage(filePath: string | undefined, files: FileProbe = NO_FILE_SYSTEM): boolean {
  if (!filePath || isNotebookFile(filePath)) return false;
  const root = markedRootOf(path.dirname(filePath), files);
  const name = root ? distributionOf(root, files) : null;
  if (!root || !name) return false;
  // An organisation's prefix is not part of the package: salesforce-lavis ships `lavis`.
  const names = [name, name.replace(/^[a-z0-9]+_/, '')];
  const home = names.flatMap((n) => [path.join(root, n), path.join(root, 'src', n)]).find((dir) => files.exists(path.join(dir, '__init__.py')));
  if (!home) return false;
  // A top-level module beside the packaging file (a project's setup.py, conftest.py, or a single-module project) is not a script folder.
  if (path.dirname(filePath) === root) return false;
  return !filePath.startsWith(home + path.sep);
}

/**
 * Code copied in from another project: a vendored folder (third_party/, external/, _vendor/) or, below the project's
 * top package, a folder named as a package projects copy whole (COPIED_PACKAGES). Its maintainers change it upstream.
 */
export function isVendoredCopy(filePath: string | undefined, project: ProjectPlace = {}): boolean {
  if (!filePath) return false;
  if (inFolderNamed(filePath, VENDORED_FOLDERS, project.files, project.givenRoot)) return true;
  // Without a known top folder, `mmcv/ops/x.py` may be mmcv's own repository: only a rooted path tells.
  const { folders, rooted, root } = foldersInProject(filePath, project.files, project.givenRoot);
  if (folders.some((d) => OFFICIAL_COPY.test(d))) return true;
  const own = folders[0] === 'src' ? 2 : 1;
  if (!rooted || !root) return false;
  if (folders.slice(own).some((d) => COPIED_PACKAGES.has(d.toLowerCase()))) return true;
  // At the project's top, such a folder is a copy when the project is not that package: stylegan2-pytorch's lpips/ beside
  // its training scripts (a DataParallel in LPIPS's wrapper judged noise: "vendored LPIPS model"). Its own repository
  // names it in its packaging file, or in the folder it is kept in (a checkout of mmcv, BasicSR, taming-transformers).
  const top = folders[own - 1]?.toLowerCase();
  return !!top && COPIED_PACKAGES.has(top) && !publishes(root, top, project.files ?? NO_FILE_SYSTEM);
}

/** The project at `root` is the package `name`: its packaging file's distribution or its folder's name starts with it. */
function publishes(root: string, name: string, files: FileProbe): boolean {
  const distribution = distributionOf(root, files);
  const folder = path.basename(root).toLowerCase().replace(/[-. ]/g, '_');
  return (distribution !== null && distribution.startsWith(name)) || folder.startsWith(name);
}

/** Folders of a book's chapters or a course's lessons: `ch13`, `chapter_3`, `Chapter 3 - CNNs`, `lesson-2`, `week1`. */
const CHAPTER_FOLDER = /^(?:ch|chap|chapter|lesson|lecture|week)[-_ ]?\d+(?:$|[-_ .])/i;
/** Folders of a course's exercises and their solutions. */
const EXERCISE_FOLDERS = new Set(['exercise', 'exercises', 'solution', 'solutions', 'lessons', 'lectures']);
/** Words that make a notebook an exercise, its solution or a tutorial when they open or close its name. */
const TEACHING_NOTEBOOK_WORDS = new Set(['exercise', 'exercises', 'solution', 'solutions', 'tutorial', 'tutorials']);
/** Words in a project's own folder name that make the project a collection of examples, a book or a course. */
const TEACHING_PROJECT_WORDS = new Set(['example', 'examples', 'tutorial', 'tutorials', 'book', 'handbook', 'course', 'courses', 'lessons', 'lectures']);
/**
 * The last word of a CamelCase name (`PythonDataScienceHandbook`, a book's companion notebooks, whose demo-scale applies
 * a blind review (review18) judged noise; `PyTorchTutorials`), after an acronym too (NVIDIA's `GenerativeAIExamples`, whose
 * community demos' requests review50 judged noise). Only the last: a title ends with what it is, while a
 * leading word names a subject (`BookKeeper`, `ExampleSearch`).
 */
const CAMEL_LAST_WORD = /(?<=[A-Za-z])[A-Z][a-z]+$/;

/**
 * Why the file is teaching material, as the start of a hover reason, or null: a book's chapter or a course's lesson
 * folder (python-machine-learning-book's `ch13/`), an exercises or solutions folder, a notebook named as an exercise,
 * its solution or a tutorial (deep-learning-v2-pytorch's `cifar10_cnn_exercise.ipynb`, `Part 5 - Inference and
 * Validation (Solution).ipynb`), a project whose own folder says it collects examples or is a book or a course
 * (`optuna-examples`, `python-machine-learning-book-3rd-edition`), or a legacy folder kept beside the project
 * (pytorch-sentiment-analysis' `legacy/` tutorials, OpenAdapt's `legacy/` old version with its own setup.py). Such code runs over demo data a few times and is read more than
 * run. A project's own analysis notebooks carry none of these names.
 */
export function teachingMaterial(filePath: string | undefined, project: ProjectPlace = {}): string | null {
  if (!filePath) return null;
  const { folders, rooted, root, above } = foldersInProject(filePath, project.files, project.givenRoot);
  // Without a known top folder only the nearest folders say something about the file (as for example folders).
  const near = rooted ? folders : folders.slice(-3);
  // ...and a project kept in a legacy folder of the workspace, with its own packaging (OpenAdapt's legacy/setup.py beside
  // legacy/openadapt/, the frozen old version: review52 judged all five requests there noise).
  const legacy = [...near, ...above].find((d) => d.toLowerCase() === 'legacy');
  if (legacy) return `in a legacy folder (\`${legacy}/\`): old code kept for reference, rarely run`;
  const chapter = near.find((d) => CHAPTER_FOLDER.test(d) || EXERCISE_FOLDERS.has(d.toLowerCase()));
  if (chapter) return `in teaching material (\`${chapter}/\`): it runs over demo data, a few times`;
  const base = path.basename(filePath);
  if (isNotebookFile(base)) {
    const words = base
      .slice(0, -'.ipynb'.length)
      .split(/[\s_\-()]+/)
      .filter((w) => w !== '');
    const ends = [words[0], words[words.length - 1]].map((w) => (w ?? '').toLowerCase());
    if (ends.some((w) => TEACHING_NOTEBOOK_WORDS.has(w)))
      return `in an exercise, solution or tutorial notebook (\`${base}\`): it runs over demo data, a few times`;
    const readme = NUMBERED_NOTEBOOK.test(base) ? tutorialReadme(filePath, folders.length, rooted, project.files) : null;
    if (readme) return `in a numbered notebook (\`${base}\`) of tutorials, as \`${readme}\` presents them: it runs over demo data, a few times`;
  }
  const project_ = root ? path.basename(root) : '';
  const words = project_.split(/[-_. ]+/).flatMap((w) => [w, ...(w.match(CAMEL_LAST_WORD) ?? [])]);
  if (words.some((w) => TEACHING_PROJECT_WORDS.has(w.toLowerCase()))) {
    return `in a collection of examples, a book or a course (\`${project_}\`): it runs over demo data, a few times`;
  }
  return null;
}

/**
 * What a retired project says it is. "Semi-abandoned" (anime-downloader: "This project has been semi-abandoned, and it
 * is in a non-working state", five requests judged noise in review53), "defunct" and "not maintained anymore" count;
 * "not maintained by Google" (a disclaimer) does not.
 */
const RETIRED_STATE = String.raw`deprecated\b|archived\b|retired\b|unmaintained\b|discontinued\b|defunct\b|(?:(?:semi|mostly|largely)[- ]?)?abandoned\b|no\s+longer\s+(?:actively\s+)?(?:maintained|supported|developed|updated)\b|not\s+(?:actively\s+)?maintained\s+(?:any\s*more|any\s+longer)\b`;
/**
 * What a README opens with when the project is retired: "Note this repo is deprecated in favour of …" (Satip), "THIS IS
 * DEPRECATED IN FAVOUR OF …" (nowcasting_dataset), "ARCHIVE NOTICE: … will no longer be updated or maintained"
 * (botbuilder-python), "Maintenance-only mode … bug fixes will no longer be addressed" (CDAT's cdms). The project itself
 * must be the subject: "Python 2 support is deprecated" or "the `fit` function is deprecated in favour of …" is not one.
 */
const RETIRED_NOTICE = new RegExp(
  [
    String.raw`\b(?:this|the)\s+(?:(?:repo(?:sitory)?|project|package|library|codebase|tool|sdk|code)\s+)?(?:is|has\s+been|was)\s+(?:now\s+)?(?:officially\s+)?(?:${RETIRED_STATE})`,
    String.raw`\b(?:repo(?:sitory)?|project)\s+(?:is|has\s+been)\s+(?:now\s+)?(?:${RETIRED_STATE})`,
    String.raw`\barchive\s+notice\b`,
    // tda-api: "The old ``tda-api`` project is now defunct, and this repo is provided for archival purposes only."
    String.raw`\bfor\s+archival\s+purposes\b`,
    String.raw`\bmaintenance[- ]only\s+mode\b`,
    String.raw`\bwill\s+no\s+longer\s+be\s+(?:updated|maintained)\b`,
  ].join('|'),
  'i',
);
const retiredReadmes: ProbeMemo<string | null> = new WeakMap();

/**
 * The README (as "README.md", from the project's top) whose opening says the project is deprecated or archived, or null:
 * the README of the project around the file, or of the folder the linter was given (a monorepo's notice sits at its top,
 * above each library's own packaging file). review49's reviewers judged every finding in four such projects not worth a
 * change (the maintainers point users elsewhere and take no fixes).
 */
function retiredProject(filePath: string | undefined, project: ProjectPlace): string | null {
  if (!filePath || !project.files?.readText) return null;
  const { root } = foldersInProject(filePath, project.files, project.givenRoot);
  for (const dir of new Set([root, project.givenRoot])) {
    if (!dir) continue;
    const files = project.files;
    const found = rememberedFor(retiredReadmes, files, dir, Date.now(), 10_000, () => {
      const readme = readmeOpening(dir, files);
      return readme && RETIRED_NOTICE.test(readme.opening) ? readme.name : '';
    });
    if (found) return found;
  }
  return null;
}

/** A notebook numbered as a part of a series: `1_mlp.ipynb`, `4 - VGG.ipynb`, `02-training.ipynb`. */
const NUMBERED_NOTEBOOK = /^\d{1,2}[a-z]?(?:[\s_.-]|$)/i;
/** What a README calls a project made to teach. */
const TUTORIAL_WORDS = /\b(?:tutorials?|courses?|lessons?|lectures?)\b/i;
const README_NAMES = ['README.md', 'README.rst', 'README.txt', 'README', 'readme.md'];
/** The title and first paragraphs of a README, where a project says what it is (later sections link to anything). */
const README_OPENING = 1000;
const tutorialReadmes: ProbeMemo<string | null> = new WeakMap();

/**
 * The path (from the project's top) of the README nearest above a notebook, when its opening presents the project as
 * tutorials, a course or lessons: "This repo contains tutorials covering image classification using PyTorch"
 * (bentrevett's pytorch-image-classification and pytorch-sentiment-analysis, whose numbered notebooks a blind review
 * judged teaching material). Looked for from the notebook's folder up to the project's top, or one folder up when the
 * top is not known. Null without one, or without a way to read files (the browser).
 */
function tutorialReadme(filePath: string, depth: number, rooted: boolean, files: FileProbe = NO_FILE_SYSTEM): string | null {
  if (!files.readText) return null;
  let dir = path.dirname(filePath);
  for (let up = 0; up <= (rooted ? depth : Math.min(depth, 1)); up++, dir = path.dirname(dir)) {
    const found = rememberedFor(tutorialReadmes, files, dir, Date.now(), 1000, () => readmeOf(dir, files));
    if (found !== null) return found === '' ? null : path.join(...[...Array(up)].map(() => '..'), found);
  }
  return null;
}

/** In `dir`: the name of its README when it presents tutorials, '' for another README, null for none. */
function readmeOf(dir: string, files: FileProbe): string | null {
  const readme = readmeOpening(dir, files);
  return readme && (TUTORIAL_WORDS.test(readme.opening) ? readme.name : '');
}

/**
 * The first README in `dir` (README_NAMES order): its name and its opening, where a project says what it is, without
 * link addresses (an address may name a tutorial site; the words around it say what the project is). Null for none.
 */
function readmeOpening(dir: string, files: FileProbe): { name: string; opening: string } | null {
  for (const name of README_NAMES) {
    const text = files.readText?.(path.join(dir, name));
    if (text === null || text === undefined) continue;
    return { name, opening: text.slice(0, README_OPENING).replace(/\bhttps?:\/\/\S+/g, '') };
  }
  return null;
}

/** At most this many folders are looked at to tell what a project is made of; a larger project is not judged. */
const COLLECTION_SCAN_FOLDERS = 400;
const COLLECTION_SCAN_DEPTH = 6;
/** Folders that hold no project code of its own: caches, environments, installed packages. */
const NOT_PROJECT_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'build', 'dist']);
/** Files whose presence makes a project an importable package (with `__init__.py`). */
const PACKAGING_FILES = new Set(['setup.py', 'setup.cfg', 'pyproject.toml', '__init__.py']);
/** A README's opening that presents notebooks as a collection, tutorials or implementations. */
const COLLECTION_WORDS = /\b(?:collection|contains?|tutorials?|implementations?|examples|educational)\b/i;
const NOTEBOOKS_WORD = /\bnotebooks\b/i;

/** What a project's folders hold: its notebooks (and in how many folders), its Python modules, whether any is a package. */
interface ProjectMakeup {
  notebooks: number;
  notebookFolders: number;
  modules: number;
  packaged: boolean;
  /** The README's opening presents the notebooks as a collection, tutorials or implementations. */
  presented: boolean;
}
const makeups: ProbeMemo<ProjectMakeup | null> = new WeakMap();

/**
 * Why a notebook is one of a collection of standalone notebooks, or null: a project with no package at all (no
 * packaging file, no `__init__.py` in any folder) whose Python is notebooks, each a self-contained demo of one model
 * or technique, read more than run. rasbt's deeplearning-models (181 notebooks in topic folders, a few helper modules,
 * "A collection of various deep learning architectures … in Jupyter Notebooks"), dair-ai's ML-Notebooks. Either many
 * notebooks spread over several folders and few modules, or a few notebooks that the README's opening presents as a
 * collection, tutorials or implementations. A project that publishes a package keeps its own analysis notebooks' rank,
 * as does a lone notebook. Null without a way to list folders (the browser) or without a known top folder.
 */
export function notebookCollection(filePath: string | undefined, project: ProjectPlace = {}): string | null {
  const files = project.files ?? NO_FILE_SYSTEM;
  if (!filePath || !isNotebookFile(filePath) || !files.list) return null;
  const { rooted, root } = foldersInProject(filePath, files, project.givenRoot);
  if (!rooted || !root) return null;
  const makeup = rememberedFor(makeups, files, root, Date.now(), 100, () => makeupOf(root, files));
  if (!makeup || makeup.packaged) return null;
  const many = makeup.notebooks >= 12 && makeup.notebookFolders >= 3 && makeup.modules * 3 <= makeup.notebooks;
  const presented = makeup.presented && makeup.notebooks >= 3 && makeup.modules <= makeup.notebooks;
  if (!many && !presented) return null;
  return `in a collection of standalone notebooks (\`${path.basename(root)}\`: ${makeup.notebooks} notebooks, no package): each runs over demo data, a few times`;
}

/** The makeup of the project at `root`, from a bounded walk of its folders; null when it has too many to judge. */
function makeupOf(root: string, files: FileProbe): ProjectMakeup | null {
  const makeup: ProjectMakeup = { notebooks: 0, notebookFolders: 0, modules: 0, packaged: false, presented: false };
  let queue: string[] = [root];
  let seen = 0;
  for (let depth = 0; queue.length > 0 && depth <= COLLECTION_SCAN_DEPTH; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      if (++seen > COLLECTION_SCAN_FOLDERS) return null;
      const names = files.list!(dir) ?? [];
      let notebooksHere = 0;
      for (const name of names) {
        if (name.endsWith('/')) {
          const folder = name.slice(0, -1);
          if (!folder.startsWith('.') && !NOT_PROJECT_FOLDERS.has(folder.toLowerCase())) next.push(path.join(dir, folder));
          continue;
        }
        const lower = name.toLowerCase();
        if (PACKAGING_FILES.has(lower)) makeup.packaged = true;
        if (lower.endsWith('.ipynb')) notebooksHere++;
        else if (lower.endsWith('.py')) makeup.modules++;
      }
      makeup.notebooks += notebooksHere;
      if (notebooksHere > 0) makeup.notebookFolders++;
      if (makeup.packaged) return makeup;
    }
    queue = next;
  }
  // Folders below the walk's depth are not seen: the project may hold a package there.
  if (queue.length > 0) return null;
  makeup.presented = presentsNotebooks(root, files);
  return makeup;
}

/** The README at the project's top opens by presenting notebooks as a collection, tutorials or implementations. */
function presentsNotebooks(root: string, files: FileProbe): boolean {
  const opening = readmeOpening(root, files)?.opening ?? '';
  return NOTEBOOKS_WORD.test(opening) && COLLECTION_WORDS.test(opening);
}

function inDevTopFolder(filePath: string | undefined, files?: FileProbe, givenRoot?: string): boolean {
  if (!filePath) return false;
  const { folders, rooted, above } = foldersInProject(filePath, files, givenRoot);
  // The folder may hold a project file of its own (devpi's .ci/pyproject.toml, its linters' settings): then it is the
  // project found, directly below the folder the linter was given, and the first folder above it counts too.
  const tops = [folders[0], above[0]].filter((top): top is string => top !== undefined);
  return rooted && tops.some((top) => DEV_TOP_FOLDERS.has(top.toLowerCase()));
}

/** The file is in a folder of one of these names (lower case) or matching this pattern, within its project. */
export function inFolderNamed(filePath: string | undefined, names: ReadonlySet<string> | RegExp, files?: FileProbe, givenRoot?: string): boolean {
  if (!filePath) return false;
  const { folders, rooted, above } = foldersInProject(filePath, files, givenRoot);
  const named = names instanceof RegExp ? (d: string) => names.test(d) : (d: string) => names.has(d.toLowerCase());
  return (rooted ? folders : folders.slice(-3)).some(named) || above.some(named);
}

/** How to find the project's top folder: the file system to look for markers in, and the path the CLI was given. */
export interface ProjectPlace {
  files?: FileProbe;
  givenRoot?: string;
}

/**
 * The impact of a finding on `node`: high reasons win over low ones, except in test code. `overData`: the
 * flagged construct itself works row by row or element by element over a DataFrame or array (the pandas
 * and NumPy rules), so its cost grows with the data wherever it stands.
 *
 * `drawingOutweighs`: the advice saves work on arrays or frames (the pandas and NumPy rules), which a function drawing a
 * figure spends less of than on drawing it: there it is low impact (drawsFigure).
 *
 * `previous`: what an earlier lint ranked this finding (an incremental lint's carried finding). Where nothing can
 * make it low, high and normal give the same severity (unless `onlyAtScale`), so a `high` or `normal` already
 * known is kept instead of looking for hot reasons again: the callers of every def and the value inference of
 * every loop, half of a keystroke's lint on a 12k-line file. Only the reasons a hover shows can be out of date
 * then, until the idle-time full lint ranks everything afresh.
 */
export function impactOf(
  node: Node,
  facts: FileFacts,
  filePath: string | undefined,
  overData = false,
  dataLibrary = overData,
  project: ProjectPlace = {},
  onlyAtScale = false,
  previous?: Impact,
  savesPerItem = false,
  drawingOutweighs = false,
): Impact {
  const notOwn = notOwnCodeImpact(node, facts, filePath, project);
  if (notOwn) return notOwn;
  const dead = neverCalled(node, facts, filePath, project);
  if (dead) return { level: 'low', reasons: [dead] };
  if (isPythonTwo(facts)) return { level: 'low', reasons: [PYTHON_TWO] };
  if (inFolderNamed(filePath, EXPERIMENT_FOLDERS, project.files, project.givenRoot)) return { level: 'low', reasons: [EXPERIMENT] };
  if (dataLibrary && overSmallArrayLiteral(node)) return { level: 'low', reasons: ['over a small literal domain'] };
  const def = drawingOutweighs ? enclosingDefinition(node) : null;
  if (def && drawsFigure(def, facts)) return { level: 'low', reasons: [DRAWS_FIGURE] };
  const packageDemo = dataLibrary && demonstratesOwnPackage(filePath, facts, project.files);
  if (overData) {
    // In a library's examples, docs or tutorials the frame or array is demo data, loaded once, and the example is read
    // more than run (geopandas' gallery, mlxtend's user guide). A notebook of the project's own analyses stays high.
    if (packageDemo || inFolderNamed(filePath, DEMO_DATA_FOLDERS, project.files, project.givenRoot)) return { level: 'low', reasons: [DEMO_DATA] };
    // So in a book's chapter or a course's exercise: python-machine-learning-book's 3-row frame teaching `apply`.
    const teaching = teachingMaterial(filePath, project);
    if (teaching) return { level: 'low', reasons: [teaching] };
    return { level: 'high', reasons: ['works over a whole DataFrame or array'] };
  }
  if (overSmallLiteral(node)) return { level: 'low', reasons: ['over a small literal domain'] };
  if (isBuildScript(filePath)) return { level: 'low', reasons: ['in a build or packaging script'] };
  // A notebook is where data code runs, at top level: the data-library rules (torch, TensorFlow) do not count it as an example.
  const notebookData = dataLibrary && !packageDemo && isNotebook(filePath, project);
  const example = packageDemo || (!notebookData && isExampleFile(filePath, project.files, project.givenRoot));
  const reusable = previous && previous.level !== 'low' && !onlyAtScale ? previous : null;
  const definition = definitionHeaderOf(node);
  if (definition) return example ? { level: 'low', reasons: ['in an example or script folder'] } : (reusable ?? definitionImpact(definition, facts));
  // Advice that only pays off at scale (a per-iteration constant: a sync per step, a comprehension for an append loop)
  // does not pay off in an example: its loops run over demo data, a few times, and the example is read more than run.
  if (example && onlyAtScale && !trainingStepOfScriptsFolder(node, facts, filePath, project)) return { level: 'low', reasons: [EXAMPLE_AT_DEMO_SCALE] };
  // So in teaching material, a project's own notebooks aside: a blind review judged every such finding in a book's
  // chapters, a course's exercise notebooks or legacy tutorials (12 syncs, 13 pinned loaders) not worth a change, while
  // the same notebooks' findings whose advice holds at any scale (evaluation without no_grad) were worth it. So too in a
  // collection of standalone notebooks (21 pinned loaders in deeplearning-models' demos, judged noise).
  const teaching = onlyAtScale ? (teachingMaterial(filePath, project) ?? notebookCollection(filePath, project)) : null;
  if (teaching) return { level: 'low', reasons: [`${teaching}, and this advice pays off only at scale`] };
  // So with a command-line module: its loops format what one command prints (optuna's cli.py building table rows).
  if (onlyAtScale && isCommandModule(filePath)) return { level: 'low', reasons: [COMMAND_AT_SCALE] };
  const cold = coldReasons(node, facts, example, notebookData);
  if (reusable && cold.length === 0) return reusable;
  const discounted: string[] = [];
  const hot = hotReasons(node, facts, onlyAtScale, onlyAtScale && dataLibrary, savesPerItem ? discounted : null);
  if (hot.length > 0) return { level: 'high', reasons: hot };
  if (cold.length > 0) return { level: 'low', reasons: cold };
  return { level: 'normal', reasons: discounted };
}

/**
 * Low impact where a finding is not the project's own to act on, whatever it says: test code (its own tests keep a
 * breakpoint on purpose no more than a script does, but a test run is watched), vendored copies (fixed upstream),
 * generated files (fixed in the generator), and Streamlit or Gradio demo apps. Null elsewhere.
 */
export function notOwnCodeImpact(node: Node, facts: FileFacts, filePath: string | undefined, project: ProjectPlace = {}): Impact | null {
  if (isTestFile(filePath) && !isModelEvaluationScript(filePath, facts)) return { level: 'low', reasons: ['in a test file'] };
  // A function named like a test that is a training script's evaluation step is not one: `test_epoch` (qlib's models run
  // the whole validation set through it every epoch), a module-level `test(model, loader)` that the script itself calls.
  if (inTestFunction(node) && isTestCode(node, facts) && !namedLikeTestOnly(node, facts)) return { level: 'low', reasons: ['in a test'] };
  if (isVendoredCopy(filePath, project)) return { level: 'low', reasons: [VENDORED] };
  if (inFolderNamed(filePath, ARCHIVE_FOLDERS, project.files, project.givenRoot) || inLegacyExamples(filePath, project))
    return { level: 'low', reasons: [ARCHIVED] };
  if (inDatedResultCopy(filePath, project)) return { level: 'low', reasons: [DATED_COPY] };
  const retired = retiredProject(filePath, project);
  if (retired) return { level: 'low', reasons: [`in a project its ${retired} marks deprecated or archived: its maintainers no longer change it`] };
  if (isGeneratedFile(facts.text)) return { level: 'low', reasons: [GENERATED] };
  if (DEMO_APP_MODULES.some((m) => facts.importsModule(m))) return { level: 'low', reasons: [DEMO_APP] };
  return null;
}

/**
 * A program named like a test that runs a model (`u2net_test.py`, `test.py` importing torch, with a `__main__` block and
 * no tests in it, see isTestNamedScript): an evaluation or inference script its README tells users to run, ranked as the
 * project's own code. Other test-named programs (a `test_api.py` that calls a service by hand) stay test code.
 */
function isModelEvaluationScript(filePath: string | undefined, facts: FileFacts): boolean {
  return MODEL_FRAMEWORKS.some((m) => facts.importsModule(m)) && isTestNamedScript(filePath, facts);
}

const MODEL_FRAMEWORKS = ['torch', 'tensorflow', 'keras', 'jax', 'paddle'];

const GENERATED = 'in generated code: a change is lost when the file is generated again, and belongs in its generator';
/**
 * What a tool writes at the top of a file it generated: protoc's "DO NOT EDIT!", uniffi's "autogenerated by", "@generated",
 * or a comment that starts "Generated by" ("Code generated by", "This file was generated from"). A comment that only
 * mentions generated data ("reads files generated by the simulator") does not start so.
 */
const GENERATED_HEADER = /\bauto-?generated\b|\bdo not edit\b|@generated\b|^#+\s*(?:code |this (?:file|module) (?:was |is )?)?generated (?:by|from|with)\b/i;
/** The opening comment block is read up to here: a generator's notice comes first. */
const HEADER_LINES = 15;

/**
 * The file's opening comments (before any code, a shebang and a coding line included) say a tool wrote it: uniffi's
 * Rust bindings (`# This file was autogenerated by ... uniffi`, vendored into jesse's exchange drivers, where a blind
 * review judged four findings wrong: the generated buffer protocol is meant to work that way), protobuf and gRPC stubs,
 * Django migrations. A docstring or a later comment that mentions generated data does not count.
 */
export function isGeneratedFile(text: string): boolean {
  let start = 0;
  for (let line = 0; line < HEADER_LINES && start < text.length; line++) {
    const end = text.indexOf('\n', start);
    const content = text.slice(start, end === -1 ? text.length : end).trim();
    if (content !== '' && !content.startsWith('#')) return false;
    if (GENERATED_HEADER.test(content)) return true;
    if (end === -1) break;
    start = end + 1;
  }
  return false;
}

/**
 * The def or class whose header (name, parameters, decorators) holds node: a finding about a definition
 * (a decorator, a class without slots) is judged by how the definition is used, not where it stands.
 */
function definitionHeaderOf(node: Node): Node | null {
  let child = node;
  for (let n: Node | null = node; n; child = n, n = n.parent) {
    if (n.type === 'decorated_definition') return n.childForFieldName('definition');
    if (n.type === 'function_definition' || n.type === 'class_definition') return n.childForFieldName('body')?.equals(child) ? null : n;
    if (n.type === 'block' || n.type === 'module') return null;
  }
  return null;
}

const VENDORED = 'in vendored third-party code: a change belongs upstream';
const ARCHIVED = 'in an archive folder: code the project keeps but no longer runs or maintains';
const DATED_COPY = 'in a dated folder of results: a copy of the code kept with the run it produced, not run again';
const EXAMPLE_AT_DEMO_SCALE = 'in an example or script folder: its loops run over demo data, and this advice pays off only at scale';

const COMMAND_AT_SCALE = 'in a command-line module: it runs once per command, and this advice pays off only at scale';

/** Modules that are a program's command line: `python -m pkg` runs `__main__.py`; `cli.py` holds the commands. */
const COMMAND_MODULES = new Set(['__main__.py', 'cli.py', '_cli.py', 'command_line.py']);

function isCommandModule(filePath: string | undefined): boolean {
  return !!filePath && COMMAND_MODULES.has(path.basename(filePath).toLowerCase());
}

const DEMO_DATA = 'in an example, docs or tutorial folder: it works over demo data, once';

/** Where a project's packaging file names its distribution: pyproject's `name = "shap"`, setup.py's `name="clip"`. */
const DISTRIBUTION_NAME: ReadonlyArray<[string, RegExp]> = [
  ['pyproject.toml', /^\s*name\s*=\s*["']([^"']+)["']/m],
  ['setup.cfg', /^\s*name\s*=\s*([\w.-]+)/m],
  ['setup.py', /\bname\s*=\s*["']([^"']+)["']/],
];

const distributionCaches: ProbeMemo<string | null> = new WeakMap();

/** The distribution a project's packaging file names, spelled as a module (`x-transformers` → `x_transformers`), or null. */
function distributionOf(root: string, files: FileProbe, now = Date.now()): string | null {
  return rememberedFor(distributionCaches, files, root, now, 1000, () => {
    for (const [file, pattern] of DISTRIBUTION_NAME) {
      const found = pattern.exec(files.readText?.(path.join(root, file)) ?? '');
      if (found) return found[1].toLowerCase().replace(/[-.]/g, '_');
    }
    return null;
  });
}

/**
 * A notebook of a project that publishes a package, importing that very package (shap's notebooks/ import shap, CLIP's
 * import clip): a demo of the library, run on demo data, not the project's own analysis. A book's or an analysis
 * project's notebooks importing its helper packages (`utils`, `data`) are the work itself: the package must be the
 * one the packaging file names.
 */
function demonstratesOwnPackage(filePath: string | undefined, facts: FileFacts, files: FileProbe = NO_FILE_SYSTEM): boolean {
  if (!filePath || !isNotebookFile(filePath)) return false;
  const root = markedRootOf(path.dirname(filePath), files);
  const name = root ? distributionOf(root, files) : null;
  if (!root || !name || !facts.imports.some((b) => b.target.split('.')[0].toLowerCase() === name)) return false;
  return files.exists(path.join(root, name, '__init__.py')) || files.exists(path.join(root, 'src', name, '__init__.py'));
}

/** setup.py, versioneer.py and the like: code run once per build or install. */
export function isBuildScript(filePath: string | undefined): boolean {
  return !!filePath && BUILD_SCRIPTS.has(path.basename(filePath).toLowerCase());
}

const PYTHON_TWO = 'Python 2 code (a `print x` statement): advice written for Python 3 may not apply to it';

/** isPythonTwo's answers, by the family of facts (FileFacts.family: a lint and its ranking copies). */
const pythonTwoByFamily = new WeakMap<FileFacts, boolean>();

/**
 * A file written for Python 2: it has a `print x` statement (tree-sitter's print_statement; Python 3 has only the
 * function). A blind review judged three findings in such files wrong: `time.perf_counter` and `with Pool(...)` do not
 * exist there, nor generator expressions under the Jython 2.2 a Kaggle script ran on. Found from the word `print`, so an
 * edit elsewhere keeps the answer.
 */
function isPythonTwo(facts: FileFacts): boolean {
  // Every copy records that its ranking read the word (an edit that spells it ranks its findings again), but the tree is
  // asked once per lint: the editor's lint ranks each top-level statement's findings on a copy of its own.
  const spelled = facts.wordOffsets('print');
  let known = pythonTwoByFamily.get(facts.family);
  if (known === undefined) {
    // `print(` is Python 3's call (or Python 2 printing one value): only other spellings are looked up in the tree.
    known = spelled.some((at) => !/^\s*\(/.test(facts.text.slice(at + 5, at + 12)) && facts.root.descendantForIndex(at)?.parent?.type === 'print_statement');
    pythonTwoByFamily.set(facts.family, known);
  }
  return known;
}

/** A file name Python can import (`features.py`), unlike a script named `1-1. recursive_store_TRAIN.py`. */
const IMPORTABLE_MODULE = /^[A-Za-z_]\w*\.py$/;

/**
 * Why node's code never runs: it is in a module-level function that nothing names, in its notebook or script (which no
 * other file can import), or for an importable module in the whole project (its code, notebooks, packaging metadata,
 * configuration and shell scripts). A blind review judged a copied `make_lag()` that five M5 competition scripts and
 * notebooks define but never call (they call `make_lag_roll`) noise: rewriting dead code saves nothing. So too requests
 * in module functions no file of their project names (review50: pyspeckit's `retrieve_storey1995` and shodan's
 * `helpers.api_request`, five findings none of which both reviewers judged worth a change). A decorated function is
 * registered by its decorator, a file that reaches names through `globals()`, `getattr` or Fire's `Fire()` may call it,
 * and a name that frameworks look up by convention (`main`, `handler`, `pytest_*` hooks) is called from outside: all
 * left alone. Methods too: a base class or a framework may call them by name.
 */
function neverCalled(node: Node, facts: FileFacts, filePath: string | undefined, project: ProjectPlace): string | null {
  if (!filePath) return null;
  // The module-level statement around node, found by offset (one descent) rather than a walk up from node.
  const def = facts.root.firstNamedChildForIndex(node.startIndex);
  if (def?.type === 'class_definition') return unusedPrivateClass(def, node, facts, filePath, project);
  if (def?.type !== 'function_definition' || def.id === node.id) return null;
  if (DYNAMIC_LOOKUPS.some((word) => facts.wordOffsets(word).length > 0)) return null;
  const references = referencesTo(def, facts);
  if (references.length === 0) return uncalledDefinition(def, facts, filePath, project);
  return calledOnlyFromDeadCode(def, references, facts, filePath, project);
}

/**
 * Why the methods of a private module-level class never run, or null: nothing in the file names `_Loader` but its own
 * definition, and no other file of the project does. brightwind's `_LoadBWPlatform` holds requests nothing can reach
 * (review69: judged not worth a change, dead code). Only a `_`-named class, whose name says no other code should reach
 * it, and only code inside its methods: a class body's own statements run when the module is imported. A decorated
 * class is registered by its decorator (and is not a class_definition here); a file that asks a base class for its
 * `__subclasses__()` or reaches names through `globals()` or `getattr` may find it without its name.
 */
function unusedPrivateClass(cls: Node, node: Node, facts: FileFacts, filePath: string, project: ProjectPlace): string | null {
  const name = nameOf(cls);
  if (!name.startsWith('_') || name.startsWith('__')) return null;
  const method = enclosingDefinition(node);
  if (!method || method.startIndex < cls.startIndex) return null;
  // `metaclass=Registry` registers the class as it is defined.
  if (cls.childForFieldName('superclasses')?.namedChildren.some((base) => base?.type === 'keyword_argument')) return null;
  if ([...DYNAMIC_LOOKUPS, '__subclasses__'].some((word) => facts.wordOffsets(word).length > 0)) return null;
  if (referencesTo(cls, facts).length > 0) return null;
  return uncalledDefinition(cls, facts, filePath, project)?.replace('is never called', 'is never used') ?? null;
}

/** Why a module-level def that nothing in its file names never runs (see neverCalled), or null. */
function uncalledDefinition(def: Node, facts: FileFacts, filePath: string, project: ProjectPlace): string | null {
  const name = nameOf(def);
  if (isScriptFile(filePath))
    return `\`${name}\` is never called: nothing in this ${isNotebookFile(filePath) ? 'notebook' : 'script'} names it, and no other file can import it`;
  // Named again in this file, as a string too (`__all__ = ["get_lexile"]`, a registry keyed by name): it may be called.
  if (mentionsInCode(name, facts).length > 1) return null;
  return namedByNoOtherFile(name, filePath, project)
    ? `\`${name}\` is never called: no other file of the project names it, and this one only defines it`
    : null;
}

/**
 * Why a module-level def runs only from functions that never run, or null: every reference to it sits in another
 * module-level function of the file that nothing calls, and no other file names it. lightllm's `fetch_image` and
 * `fetch_video` are called only by `process_vision_info`, which nothing in the project calls (review50: both judged not
 * worth a change, dead code). One level only: a chain of callers is not followed further.
 */
function calledOnlyFromDeadCode(def: Node, references: Node[], facts: FileFacts, filePath: string, project: ProjectPlace): string | null {
  const name = nameOf(def);
  // Every spelling of the name is the def or one of these references (no string naming it, no `__all__` entry).
  if (mentionsInCode(name, facts).length !== references.length + 1) return null;
  const callers = new Map<number, Node>();
  for (const reference of references) {
    const caller = facts.root.firstNamedChildForIndex(reference.startIndex);
    if (caller?.type !== 'function_definition' || caller.id === def.id) return null;
    callers.set(caller.id, caller);
  }
  if ([...callers.values()].some((caller) => referencesTo(caller, facts).length > 0 || !uncalledDefinition(caller, facts, filePath, project))) return null;
  if (!isScriptFile(filePath) && !namedByNoOtherFile(name, filePath, project)) return null;
  const names = [...callers.values()].map((caller) => `\`${nameOf(caller)}\``).join(', ');
  return `\`${name}\` is only called from ${names}, which nothing calls`;
}

/**
 * Where the file spells name outside comments and docstrings. A commented-out call (`# get_pvgis_monthly_data()`) and a
 * module docstring's list of its functions call nothing: review55 judged a request in P2Bldg's
 * `get_pvgis_monthly_data`, named only so, not worth a change (dead code), where its file's mentions had kept it ranked.
 * A string elsewhere (`__all__ = ["name"]`, a registry keyed by name) still counts: it can reach the function.
 */
function mentionsInCode(name: string, facts: FileFacts): number[] {
  return facts.wordOffsets(name).filter((at) => {
    const node = facts.root.descendantForIndex(at);
    if (!node || node.type === 'comment') return false;
    const string = node.type === 'string' ? node : node.parent?.type === 'string' ? node.parent : null;
    return !(string && isDocstringNode(string));
  });
}

/** A string that is the docstring of the module, class or function whose body it opens. */
function isDocstringNode(string: Node): boolean {
  const body = string.parent?.parent;
  const owner = body?.type === 'module' ? body : body?.type === 'block' && /^(function|class)_definition$/.test(body.parent?.type ?? '') ? body.parent : null;
  return !!owner && docstringNode(owner)?.id === string.id;
}

/** A notebook, or a Python file no other file can import by its name (`1-1. recursive_store_TRAIN.py`). */
function isScriptFile(filePath: string): boolean {
  return isNotebookFile(filePath) || (path.extname(filePath) === '.py' && !IMPORTABLE_MODULE.test(path.basename(filePath)));
}

/**
 * No other file of an established project (its code, notebooks, packaging metadata, configuration and shell scripts)
 * spells `name`, and no framework finds it by that name.
 */
function namedByNoOtherFile(name: string, filePath: string, project: ProjectPlace): boolean {
  if (path.extname(filePath) !== '.py' || CALLED_BY_CONVENTION.test(name) || !project.files) return false;
  // A project of a few files is often one being written: what nothing calls yet may be about to be called.
  if ((projectCodeFiles(filePath, project.files, project.givenRoot) ?? 0) < ESTABLISHED_PROJECT_FILES) return false;
  return referredToOnlyHere(filePath, name, project.files, project.givenRoot) === true;
}

/** Code files a project has before a function no file names counts as dead rather than not yet called. */
const ESTABLISHED_PROJECT_FILES = 20;
/** Words that reach a module's functions by name at run time: `globals()[name]`, `getattr(module, name)`, `fire.Fire()`. */
const DYNAMIC_LOOKUPS = ['globals', 'getattr', 'Fire'];
/**
 * Module functions that frameworks find by name: entry points (`main`, `run`, `app`), serverless handlers, Sphinx and
 * IPython extension hooks, pytest and pluggy hooks.
 */
const CALLED_BY_CONVENTION =
  /^(?:main|run|app|application|create_app|handler|lambda_handler|setup|teardown|load_ipython_extension|unload_ipython_extension|_jupyter_\w+|pytest_\w+)$/;

/**
 * A notebook file, or a file in a notebooks folder, that is not a demo: a notebook in an examples, docs,
 * tutorials or colabs folder (a library's usage demos, simclr's colabs/) runs demo data, as a script there does.
 */
function isNotebook(filePath: string | undefined, project: ProjectPlace): boolean {
  if (inFolderNamed(filePath, DEMO_FOLDERS, project.files, project.givenRoot)) return false;
  if (isNotebookFile(filePath)) return true;
  return inFolderNamed(filePath, NOTEBOOK_FOLDERS, project.files, project.givenRoot);
}

/** The impact of a finding about a definition outside examples: high when the file calls it in a loop. */
function definitionImpact(definition: Node, facts: FileFacts): Impact {
  const name = nameOf(definition);
  if (calledFromLoop(definition, facts)) return { level: 'high', reasons: [`\`${name}\` is called in a loop in this file`] };
  return { level: 'normal', reasons: [] };
}

/**
 * Why node runs many times: a loop over data (nested or not), a training step, a request handler, a caller's loop over data.
 * `amortized`: the finding saves a constant amount of data-library time per run (a built-in reduction, a sync), so a
 * loop or function that also fits or loads a model on each run is not hot for it (see costlyWorkEachPass).
 * `discounted`, for advice that saves a constant per item (RuleDefinition.savesPerItem): where to say why a place
 * that would be hot for other advice is not for this one (nested loops with no data, a model call on every pass).
 */
function hotReasons(node: Node, facts: FileFacts, onlyAtScale = false, amortized = false, discounted: string[] | null = null): string[] {
  const reasons: string[] = [];
  // Advice about a loop's own shape (an append loop, a hand-written sum) saves a constant per item: one pass, even over
  // data, costs little; it pays off where the loop itself runs many times. So its own loop does not count, as a
  // comprehension's own loop does not.
  const loops = loopsAround(node, facts).filter((loop) => !(onlyAtScale && loop.startIndex === node.startIndex && LOOP_TYPES.has(loop.type)));
  if (discounted) {
    // A per-item saving is some tens of nanoseconds: next to a model call, a fit or a request made on every pass of the
    // same loop it is lost, however many passes there are (a training step always calls its model).
    const dataLoops = loops.filter((loop) => iteratesData(loop, facts) && !overSmallShippedFile(loop, facts));
    const light = dataLoops.filter((loop) => heavyCallEachPass(loop, facts) === null);
    if (light.length > 0) reasons.push('in a loop over data');
    else if (dataLoops.length > 0)
      discounted.push(`each pass of its loop over data calls \`${heavyCallEachPass(dataLoops[0], facts)}\`, far heavier than the per-item saving`);
    else if (enclosingTrainingLoop(node, facts, 'any') || enclosingTrainStep(node, facts))
      discounted.push('in a training step, whose model call outweighs the per-item saving');
    // Nested loops multiply passes only when some loop runs over data: two loops over a small grid stay small.
    else if (loops.length >= 2) discounted.push('in nested loops, none of them over data: the passes stay few');
  } else {
    if (enclosingTrainingLoop(node, facts, 'any') || enclosingTrainStep(node, facts)) reasons.push('in a training or evaluation step');
    else if (loops.some((loop) => iteratesData(loop, facts) && !overSmallShippedFile(loop, facts) && !(amortized && costlyWorkEachPass(loop, facts))))
      reasons.push('in a loop over data');
    // Nested loops alone say nothing about how many times they run: a blind review of 24 findings ranked high for that
    // reason alone found none worth changing (loops over a model's layers, a handful of classes, a small grid). They add
    // to a reason, not replace one.
    if (loops.length >= 2 && reasons.length > 0) reasons.push('in nested loops');
  }
  const def = enclosingDefinition(node);
  if (def && isRequestHandler(def)) reasons.push('in a request handler');
  if (!def || reasons.length > 0) return reasons;
  // A constant saved per call of a function that also fits or loads a model (causalml's per-row model search) is
  // nothing next to that work, however often the function runs.
  if (amortized && doesCostlyWork(def, facts)) return reasons;
  const repeated = calledFromLoop(def, facts)
    ? `in \`${nameOf(def)}\`, called from a loop in this file`
    : handedToWorkers(def, facts)
      ? `in \`${nameOf(def)}\`, run per item by a process or thread pool`
      : frameworkHookReason(def, facts);
  // Each run of a function that fits a model or fans work out to a pool costs far more than its items' per-item saving.
  const heavy = repeated && discounted ? heavyCallEachPass(def, facts) : null;
  // So when each pass of the callers' loops does such work beside the call (qlib's `get_index`, called once per training
  // step, judged noise): the function runs as often as the step, and the step's model call dwarfs its items' saving.
  const heavyCaller = !heavy && repeated && discounted && calledFromLoop(def, facts) ? heavyCallerLoop(def, facts) : null;
  if (heavy) discounted!.push(`\`${nameOf(def)}\` runs often, but each run calls \`${heavy}\`, far heavier than the per-item saving`);
  else if (heavyCaller)
    discounted!.push(`\`${nameOf(def)}\` runs once per pass of a loop that also calls \`${heavyCaller}\`, far heavier than the per-item saving`);
  else if (repeated) reasons.push(repeated);
  return reasons;
}

const DRAWS_FIGURE = 'in a function that draws a figure: its arrays are what one figure shows, and drawing costs more than this saving';

/** Why node runs once or rarely. */
const MAIN_GUARD = 'under `if __name__ == "__main__":`';
const MODULE_LEVEL = 'at module level: runs once, at import';
/** The reasons that make code low impact only because it runs once, as a script's or module's setup. */
export const ONCE_AT_SETUP: ReadonlySet<string> = new Set([MAIN_GUARD, MODULE_LEVEL]);

function coldReasons(node: Node, facts: FileFacts, example: boolean, notebookData: boolean): string[] {
  if (example) return ['in an example or script folder'];
  if (isUnderMainGuard(node)) return [MAIN_GUARD];
  const def = enclosingDefinition(node);
  // A comprehension is a loop of its own, but at module level it still runs once (a notebook's top level is its main code).
  if (!def && notebookData) return [];
  if (!def) return enclosingLoopNodes(node).some((loop) => LOOP_TYPES.has(loop.type)) ? [] : [MODULE_LEVEL];
  const allLoops = enclosingLoopNodes(node);
  if (allLoops.length > 0 && allLoops.every((loop) => isSmallLiteralLoop(loop, facts))) {
    const bounded = allLoops.map((loop) => codeBoundedIterable(loop, facts)).find((it) => it !== null);
    return [
      bounded
        ? `in a loop over \`${bounded.text.slice(0, 40)}\`, which holds a handful of items wherever this file fills it`
        : 'in a loop over a small literal domain',
    ];
  }
  return [];
}

/** The flagged comprehension iterates a short literal display: `any([n in k for n in ("a", "b")])`. */
function overSmallLiteral(node: Node): boolean {
  if (!COMPREHENSION_TYPES.has(node.type)) return false;
  const clauses = node.namedChildren.filter((c) => c?.type === 'for_in_clause');
  const it = clauses.length === 1 ? clauses[0]!.childForFieldName('right') : null;
  return (it?.type === 'tuple' || it?.type === 'list' || it?.type === 'set') && it.namedChildCount <= SMALL_LOOP;
}

/** Array constructors whose argument, when a short literal display, makes an array of a few known elements. */
const ARRAY_FROM_DISPLAY = /(^|\.)(array|asarray|asanyarray)$/;

/**
 * The flagged call works over an array built from a short literal display, compared or combined with something:
 * `any(np.array([pr1, pr2, pc1, pc2]) < 0)` checks four numbers, whatever the rule says about arrays in general.
 */
function overSmallArrayLiteral(node: Node): boolean {
  if (node.type !== 'call') return false;
  let arg = node.childForFieldName('arguments')?.namedChildren[0] ?? null;
  while (arg && (arg.type === 'parenthesized_expression' || arg.type === 'comparison_operator' || arg.type === 'binary_operator')) {
    arg = arg.namedChildren.find((c) => c?.type === 'call' || c?.type === 'parenthesized_expression') ?? null;
  }
  if (arg?.type !== 'call' || !ARRAY_FROM_DISPLAY.test(arg.childForFieldName('function')?.text ?? '')) return false;
  const args = arg.childForFieldName('arguments')?.namedChildren ?? [];
  const display = args[0];
  return (
    (display?.type === 'list' || display?.type === 'tuple') &&
    display.namedChildCount <= SMALL_LOOP &&
    !display.namedChildren.some((c) => c?.type === 'list_splat' || c?.type === 'list' || c?.type === 'tuple')
  );
}

/** Loops and comprehensions around node within its function, small literal ones left out. */
function loopsAround(node: Node, facts: FileFacts, headers = true): Node[] {
  return enclosingLoopNodes(node, headers).filter((loop) => !isSmallLiteralLoop(loop, facts));
}

/**
 * Every loop and comprehension that holds node (in its body or its header: a finding about the loop
 * itself counts its own loop), node itself when it is one, innermost first, up to the enclosing def.
 */
function enclosingLoopNodes(node: Node, headers = true): Node[] {
  const loops: Node[] = [];
  let child: Node | null = null;
  let grandchild: Node | null = null;
  for (const n of selfAndAncestors(node)) {
    if (STOP_TYPES.has(n.type)) break;
    const inBody = child !== null && n.childForFieldName('body')?.equals(child);
    // A `for` loop's iterable is evaluated once, before the loop: `for line in open(p):` opens one file.
    const inIterable = n.type === 'for_statement' && child !== null && n.childForFieldName('right')?.equals(child);
    if (LOOP_TYPES.has(n.type) && (headers || inBody) && !inIterable) loops.push(n);
    // A finding about a comprehension (a list passed to sum()) is not "in" it: its own loop does not count;
    // nor is its first iterable, evaluated once before the loop: `[x.strip() for x in open(p).readlines()]`.
    else if (COMPREHENSION_TYPES.has(n.type) && n !== node && !isFirstIterable(n, child, grandchild)) loops.push(n);
    grandchild = child;
    child = n;
  }
  return loops;
}

const STOP_TYPES = new Set(['function_definition', 'lambda', 'class_definition']);

function* selfAndAncestors(node: Node): Generator<Node> {
  yield node;
  yield* ancestors(node);
}

/** True when `part` (reached through `clause`) is the iterable of the comprehension's first `for` clause. */
function isFirstIterable(comprehension: Node, clause: Node | null, part: Node | null): boolean {
  if (clause?.type !== 'for_in_clause' || !part) return false;
  const first = comprehension.namedChildren.find((c) => c?.type === 'for_in_clause');
  return !!first?.equals(clause) && !!clause.childForFieldName('right')?.equals(part);
}

/** True when a loop iterates something that holds or streams data (a frame, an array, a loader, a file, rows). */
function iteratesData(loop: Node, facts: FileFacts): boolean {
  // The findings of one loop body ask about the same loops: each is judged once per lint.
  return iteratesDataMemo(facts, loop, () => readIteratesData(loop, facts));
}

const iteratesDataMemo = nodeMemo<boolean>();

function readIteratesData(loop: Node, facts: FileFacts): boolean {
  const iterable = iterableOf(loop);
  return iterable !== null && isDataIterable(iterable, facts);
}

/**
 * The expression streams data: rows, records, batches, files, lines, requests (by its name, the call producing it, or
 * its inferred type: a DataFrame, an array, a data loader). `enumerate` / `iter` / `tqdm` around it are looked through.
 */
export function isDataIterable(iterable: Node, facts: FileFacts): boolean {
  // What the text says first: the inference after it costs far more, and a keystroke ranks every finding of the file.
  return isDataExpression(unwrapIterable(iterable, facts).inner, facts);
}

/**
 * Calls whose one call costs far more than a per-item saving of a few tens of nanoseconds: a model's forward pass or
 * generation, an estimator's fit or prediction, a nearest-neighbour query, a pairwise distance matrix (quadratic in the
 * items an append loop builds: benchmarking-gnns' TSP preparation, judged noise), a figure rendered to a file, a network
 * request, a process, a whole file parsed or unpickled. Not `open()`: reading a file line by line is what
 * readlines-iteration is about.
 */
const HEAVY_METHOD =
  /^(forward|backward|fit_transform|fit_resample|partial_fit|predict_proba|predict_log_proba|decision_function|score_samples|kneighbors|radius_neighbors|cross_val_predict|cross_val_score|pdist|cdist|pairwise_distances|savefig|train_on_batch|test_on_batch|evaluate|run_until_complete|urlopen|read_csv|read_parquet|read_excel|read_json|check_output|check_call|communicate)$/;
/** A method named for generation, a fit or a prediction, also as part of its name: `self._model_multimodal_generate(...)`, `fit_one`. */
const HEAVY_WORD = /(^|_)(generate|fit|predict)(_|$)/;
/** Modules each of whose calls is a request, a file or a process: `requests.get`, `subprocess.run`, `pickle.load`. */
const HEAVY_MODULE = /^(requests|httpx|urllib\.request|subprocess|pickle|torch\.load|torch\.save|numpy\.(load|save|loadtxt|savetxt|genfromtxt))(\.|$)/;
/** A callee named as a model or network: `model(x)`, `self.model(x)`, `self.lm(x)`, `net(x)`, `encoder(x)`. */
const MODEL_NAME = /(^|\.|_)(model|net|lm|llm|encoder|decoder|generator|discriminator|classifier|regressor|estimator)$/i;

const heavyCallMemo = nodeMemo<string | null>();

/**
 * The callee of a call in the loop's (or function's) body, outside nested defs, that costs far more than a per-item
 * saving, or null. Asked only for findings of per-item advice in a loop over data or a function run often: a few per file.
 */
function heavyCallEachPass(loop: Node, facts: FileFacts): string | null {
  return heavyCallMemo(facts, loop, () => {
    const body = loop.childForFieldName('body') ?? loop;
    const heavy = body?.descendantsOfType('call').find((call) => call !== null && isHeavyCall(call, facts) && !insideNestedDefinition(call, loop));
    return heavy?.childForFieldName('function')?.text ?? null;
  });
}

function isHeavyCall(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  // Work handed to other processes or threads: `pool.map(f, xs)`, `executor.submit(f, x)`, joblib's `Parallel(...)`.
  if (fn.type === 'identifier' && fn.text === 'Parallel') return true;
  const method = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
  if (POOL_METHODS.has(method) && /(pool|executor)$/i.test(fn.childForFieldName('object')?.text ?? '')) return true;
  if (HEAVY_MODULE.test(facts.calleeName(call) ?? '')) return true;
  const last = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : fn.type === 'identifier' ? fn.text : '';
  return HEAVY_METHOD.test(last) || HEAVY_WORD.test(last) || MODEL_NAME.test(fn.type === 'attribute' || fn.type === 'identifier' ? fn.text : '');
}

function insideNestedDefinition(node: Node, boundary: Node): boolean {
  for (const n of ancestors(node)) {
    if (n.equals(boundary)) return false;
    if (STOP_TYPES.has(n.type)) return true;
  }
  return false;
}

/**
 * Names of the few things code loops over once each: class labels, features and columns, configuration entries, tasks,
 * models, folds, layers, an array's axes (`shape`, a figure's `axes`). A loop over one of them makes a few passes, however large the data behind each pass is.
 */
const FEW_NAME =
  /(^|_)(class|classes|label|labels|feature|features|col|cols|column|columns|key|keys|task|tasks|subtasks|group_names|param|params|parameters|hparams|config|configs|cfg|conf|settings|options|opts|kwargs|field|fields|models|estimators|layers|heads|metrics|trees|transforms|transformations|folds|splits|targets|categories|levels|modes|strategy|strategies|languages|langs|devices|gpus|workers|schema|spec|shape|axes)_?$/i;
/** Calls that return a few distinct values or a configuration's keys: `np.unique(y)`, `s.unique()`, `set(labels)`. */
const FEW_CALL = /(^|\.)(unique|keys|named_parameters|named_modules|named_children|parameters|modules|children)$/;
/** Generators of combinations, whose count grows as a product of their inputs' sizes. */
const COMBINATORIAL = /^itertools\.(product|combinations|combinations_with_replacement|permutations)$/;

/**
 * True when the loop's number of passes grows with the data the code handles: it iterates rows, batches, files, lines,
 * chunks, a stream or a dataset (as `iteratesData` judges), `range(len(data))`, a DataFrame's groups, a product of
 * value lists, or is a `while` loop (which runs until its input is used up or its computation converges). False for a
 * loop over a few things (class labels from `np.unique(y)`, feature or column names, configuration entries, tasks):
 * advice whose cost grows with the square of the pass count (a concatenation that copies all gathered so far) hardly
 * matters there.
 */
export function loopGrowsWithData(loop: Node, facts: FileFacts): boolean {
  if (loop.type === 'while_statement') return !shrinksGeometrically(loop);
  const iterable = iterableOf(loop);
  if (!iterable) return false;
  const { inner } = unwrapIterable(iterable, facts);
  // zip(a, b) makes as many passes as its shortest input: each must grow.
  const parts =
    inner.type === 'call' && inner.childForFieldName('function')?.text === 'zip' && facts.isBuiltin('zip', inner) ? positionalArguments(inner) : [inner];
  return parts.length > 0 && parts.every((part) => growsWithData(part, loop, facts, 0));
}

/**
 * True when the code shows that the loop makes few passes: over a short literal (`range(3)`, a tuple display) or a
 * collection the code bounds (loopInfo's isSmallLiteralLoop), over a few things by name or call (class labels from
 * `np.unique(y)`, `features`, a configuration's entries), over `range(k)` with `k` a small literal or the length of such
 * a thing, or a while loop whose passes grow with a value's logarithm. A loop that neither this nor loopGrowsWithData
 * judges (`for i in range(m)` with `m` computed or passed in, `for x in items`) makes a number of passes the code does
 * not show: that is no evidence of a small domain.
 */
export function loopRunsOverFewThings(loop: Node, facts: FileFacts): boolean {
  if (loop.type === 'while_statement') return shrinksGeometrically(loop);
  if (isSmallLiteralLoop(loop, facts)) return true;
  const iterable = iterableOf(loop);
  if (!iterable) return false;
  const { inner } = unwrapIterable(iterable, facts);
  // zip(a, b) makes as many passes as its shortest input: one few input is enough.
  const parts =
    inner.type === 'call' && inner.childForFieldName('function')?.text === 'zip' && facts.isBuiltin('zip', inner) ? positionalArguments(inner) : [inner];
  return parts.some((part) => fewThings(part, facts, 0));
}

function fewThings(expr: Node, facts: FileFacts, depth: number): boolean {
  expr = withoutParentheses(expr);
  if (namesFewThings(expr, facts)) return true;
  if (expr.type === 'tuple' || expr.type === 'list' || expr.type === 'set') return expr.namedChildCount <= SMALL_LOOP;
  // An object's attributes (`args.__dict__.items()`, `vars(args)`): as many as its class sets.
  if (/(^|\.)__dict__(\.(items|keys|values)\(\))?$/.test(expr.text) || /^vars\([^()]*\)(\.(items|keys|values)\(\))?$/.test(expr.text)) return true;
  if (expr.type === 'call' && expr.childForFieldName('function')?.text === 'range' && facts.isBuiltin('range', expr)) {
    const args = positionalArguments(expr);
    // The stop bound (`range(stop)`, `range(start, stop[, step])`) says how many passes there are at most.
    const stop = args.length === 1 ? args[0] : args[1];
    return stop !== undefined && fewCount(stop, facts, depth);
  }
  const bound = expr.type === 'identifier' && depth < 3 ? valueBoundOnce(expr) : null;
  return bound !== null && fewThings(bound, facts, depth + 1);
}

/** Passes a literal `range(...)` bound may fix and still count as few next to data that grows: a demo's 100 steps. */
const FIXED_COUNT = 1000;

/** A count the code shows to be small: an integer literal up to FIXED_COUNT, `len(x)` of a few things, or a name bound once to one. */
function fewCount(count: Node, facts: FileFacts, depth: number): boolean {
  count = withoutParentheses(count);
  // A literal count is fixed by the code, not by the data: a demo's `range(100)` stays as small as it was written.
  if (count.type === 'integer') return Number(count.text.replace(/_/g, '')) <= FIXED_COUNT;
  if (count.type === 'call' && count.childForFieldName('function')?.text === 'len' && facts.isBuiltin('len', count)) {
    const of = positionalArguments(count)[0];
    return of !== undefined && fewThings(of, facts, depth + 1);
  }
  const bound = count.type === 'identifier' && depth < 3 ? valueBoundOnce(count) : null;
  return bound !== null && fewCount(bound, facts, depth + 1);
}

/**
 * A while loop whose condition reads a name the body shifts or divides (`while value > 0x7F: ... value >>= 7`, a varint
 * encoder; `while n: ... n //= 10`, digits): its passes grow with the logarithm of the value, a handful at most.
 */
function shrinksGeometrically(loop: Node): boolean {
  const condition = loop.childForFieldName('condition');
  const body = loop.childForFieldName('body');
  if (!condition || !body) return false;
  const read = new Set(findDescendants(condition, (n) => n.type === 'identifier').map((id) => id.text));
  return body.namedChildren.some((statement) => {
    const update = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (update?.type !== 'augmented_assignment') return false;
    const operator = update.childForFieldName('operator')?.text ?? '';
    const target = update.childForFieldName('left');
    const by = update.childForFieldName('right');
    if (target?.type !== 'identifier' || !read.has(target.text) || by?.type !== 'integer') return false;
    return operator === '>>=' || ((operator === '//=' || operator === '/=') && Number(by.text) >= 2);
  });
}

function growsWithData(expr: Node, loop: Node, facts: FileFacts, depth: number): boolean {
  expr = withoutParentheses(expr);
  if (namesFewThings(expr, facts)) return false;
  if (expr.type === 'call') {
    const callee = facts.calleeName(expr) ?? expr.childForFieldName('function')?.text ?? '';
    if (COMBINATORIAL.test(callee) || /(^|\.)groupby$/.test(callee)) return true;
    if (callee === 'range' && facts.isBuiltin('range', expr))
      return positionalArguments(expr).some((arg) => sizeOfData(arg, loop, facts, depth) || isCountParameter(arg));
  }
  // A text taken character by character (`def preprocess(message: bytes)`, `for char in message`) makes a pass per character.
  if (expr.type === 'identifier' && isTextParameter(expr)) return true;
  // A local name is judged by what it was bound to (`data = self.config[v]` is a configuration entry), else by its spelling.
  const bound = expr.type === 'identifier' && depth < 3 ? valueBoundOnce(expr) : null;
  if (bound) return growsWithData(bound, loop, facts, depth + 1) || (!namesFewThings(bound, facts) && isDataExpression(expr, facts));
  return isDataExpression(expr, facts);
}

/** `len(x)`, `x.shape[0]`, `len(x.index)` or `x.size` of something that grows with the data, or a name bound to one. */
function sizeOfData(arg: Node, loop: Node, facts: FileFacts, depth: number): boolean {
  if (arg.type === 'identifier' && depth < 3) {
    const bound = valueBoundOnce(arg);
    return bound !== null && sizeOfData(bound, loop, facts, depth + 1);
  }
  if (arg.type === 'binary_operator') return ['left', 'right'].some((f) => sizeOfData(arg.childForFieldName(f)!, loop, facts, depth));
  let of: Node | null = null;
  if (arg.type === 'call' && arg.childForFieldName('function')?.text === 'len') of = positionalArguments(arg)[0] ?? null;
  else if (arg.type === 'subscript' && arg.childForFieldName('value')?.childForFieldName('attribute')?.text === 'shape') {
    of = arg.childForFieldName('value')!.childForFieldName('object');
  } else if (arg.type === 'attribute' && arg.childForFieldName('attribute')?.text === 'size') of = arg.childForFieldName('object');
  if (of?.type === 'attribute' && of.childForFieldName('attribute')?.text === 'index') of = of.childForFieldName('object');
  // `len(arrayshape)` with `arrayshape = array.shape`: judged by what the name holds (an array's axes are few).
  const held = of?.type === 'identifier' && depth < 3 ? valueBoundOnce(of) : null;
  return of !== null && !namesFewThings(of, facts) && !(held && namesFewThings(held, facts));
}

/** `n` in `def grow(n): for i in range(n)`: the caller sets the pass count, which then grows with what it asks for. */
function isCountParameter(arg: Node): boolean {
  if (arg.type !== 'identifier' || FEW_NAME.test(arg.text)) return false;
  const scope = scopeOf(arg);
  return scope.type === 'function_definition' && parameterNames(scope).includes(arg.text);
}

/** A parameter annotated as a str or bytes. */
function isTextParameter(id: Node): boolean {
  const scope = scopeOf(id);
  return scope.type === 'function_definition' && /^(str|bytes|bytearray)$/.test(parameterAnnotation(scope, id.text) ?? '');
}

/** The expression names a few things: `np.unique(y)`, `features`, `self.sampling_strategy_.items()`, `config["x"]`. */
function namesFewThings(expr: Node, facts: FileFacts): boolean {
  let n: Node | null = expr;
  // Through `x.items()` / `x.values()` / `sorted(x)` / `list(x)` / `x[k]` / `x.attr` to what they read from.
  for (let i = 0; n && i < 6; i++) {
    if (n.type === 'call') {
      const callee = facts.calleeName(n) ?? n.childForFieldName('function')?.text ?? '';
      if (FEW_CALL.test(callee)) return true;
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute' && /^(items|values|copy)$/.test(fn.childForFieldName('attribute')?.text ?? '')) n = fn.childForFieldName('object');
      else if (fn?.type === 'identifier' && /^(sorted|list|tuple|set|reversed)$/.test(fn.text)) n = positionalArguments(n)[0] ?? null;
      else return false;
    } else if (n.type === 'subscript') {
      n = n.childForFieldName('value');
    } else if (n.type === 'attribute') {
      if (FEW_NAME.test(n.childForFieldName('attribute')?.text ?? '')) return true;
      n = n.childForFieldName('object');
    } else {
      return n.type === 'identifier' && FEW_NAME.test(n.text);
    }
  }
  return false;
}

/** What iteratesData asks of a loop's iterable, asked of any expression. */
function isDataExpression(inner: Node, facts: FileFacts): boolean {
  const callee = inner.type === 'call' ? inner.childForFieldName('function') : null;
  if (callee && (DATA_CALL.test(callee.text) || callee.text === 'open')) return true;
  // `open(path).read().splitlines()`: the lines of a file, as much data as `for line in open(path)` walks.
  if (callee && readFromOpenedFile(callee)) return true;
  const name = callee ? '' : ((inner.type === 'attribute' ? inner.childForFieldName('attribute')?.text : inner.text) ?? '');
  if (inner.type !== 'call' && DATA_NAME.test(name)) return true;
  return localTypes(facts).typeOf(inner) !== null || isDataLoaderExpr(inner, facts);
}

/** A method chain that starts at a call of `open(...)` and reads its contents: `open(p).read().split...`. */
function readFromOpenedFile(callee: Node): boolean {
  let n: Node | null = callee;
  let read = false;
  for (let i = 0; n && i < 4; i++) {
    if (n.type === 'attribute') {
      read ||= /^(read|readlines)$/.test(n.childForFieldName('attribute')?.text ?? '');
      n = n.childForFieldName('object');
    } else if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'identifier') return read && fn.text === 'open';
      n = fn;
    } else return false;
  }
  return false;
}

function iterableOf(loop: Node): Node | null {
  if (loop.type === 'for_statement') return loop.childForFieldName('right');
  if (COMPREHENSION_TYPES.has(loop.type)) return loop.namedChildren.find((c) => c?.type === 'for_in_clause')?.childForFieldName('right') ?? null;
  return null;
}

function enclosingDefinition(node: Node): Node | null {
  for (const n of ancestors(node)) if (n.type === 'function_definition') return n;
  return null;
}

/**
 * The test-named defs around node (`test_*`, outside a `Test*` class) each hand back a value or take a parameter with a
 * default, in a file that imports neither pytest nor unittest: library functions that run a statistical or sanity test
 * (pypgx's public `test_cnv_caller(cnv_caller, copy_number, cnv_calls, confusion_matrix=None)`), not tests. pytest warns
 * on a test returning anything but None, and a parameter with a default is no fixture.
 */
function namedLikeTestOnly(node: Node, facts: FileFacts): boolean {
  if (facts.importsModule('pytest') || facts.importsModule('unittest')) return false;
  let named = false;
  for (const n of ancestors(node)) {
    if (n.type === 'class_definition') return false;
    if (n.type !== 'function_definition' || !/^test/.test(nameOf(n))) continue;
    if (!returnsValue(n) && !hasDefaultedParameter(n)) return false;
    named = true;
  }
  return named;
}

function hasDefaultedParameter(def: Node): boolean {
  const params = def.childForFieldName('parameters')?.namedChildren ?? [];
  return params.some((p) => p?.type === 'default_parameter' || p?.type === 'typed_default_parameter');
}

/** The def has a `return <value>` of its own (not None, not in a nested def or lambda). */
function returnsValue(def: Node): boolean {
  const body = def.childForFieldName('body');
  if (!body) return false;
  const nested = (n: Node) => STOP_TYPES.has(n.type);
  return findDescendants(body, (n) => n.type === 'return_statement', nested).some((r) => {
    const value = r.namedChildren.find((c) => c !== null && c.type !== 'comment');
    return value !== undefined && value !== null && value.type !== 'none';
  });
}

function nameOf(def: Node): string {
  return def.childForFieldName('name')?.text ?? '';
}

/** A def a web framework routes requests to, by its decorator: `@app.get(...)`, `@router.post(...)`, `@api_view`. */
export function isRequestHandler(def: Node): boolean {
  return decoratorsOf(def).some((d) => HANDLER_DECORATOR.test(decoratorCallee(d).text));
}

const calledFromLoopCache = new WeakMap<FileFacts, Map<string, boolean>>();

/**
 * The first calls of (or references to) a definition that the ranking looks at: each look walks up from the site, so
 * a name spelled thousands of times in deeply nested code (1,600 nested `f(` calls: 6 s) would cost the depth times
 * the count; a function called from a loop is almost always found among its first calls.
 */
const CALL_SITES_LOOKED_AT = 64;

/**
 * True when the def or class is called, in this file, inside a loop or comprehension that is not over a small literal
 * domain, or in a training loop: its body then runs per iteration. The calls are resolved (callsOf): a method through
 * `self.`, its class or a receiver known to be an instance of it; a function by its bare name where it is visible.
 */
function calledFromLoop(definition: Node, facts: FileFacts): boolean {
  let byDefinition = calledFromLoopCache.get(facts);
  if (!byDefinition) calledFromLoopCache.set(facts, (byDefinition = new Map()));
  const key = callersKey(definition);
  let known = byDefinition.get(key);
  if (known === undefined) {
    const name = nameOf(definition);
    // A call inside a function of the same name is recursion or delegation (`Data.is_sorted` asking each store's
    // `is_sorted`): the loop around it runs inside the function, not around its calls.
    known = callsOf(definition, facts)
      .slice(0, CALL_SITES_LOOKED_AT)
      // A caller's loop counts only when it runs over data (or trains): a function called once per class, per layer or
      // per config entry runs a handful of times (a blind review: 3 of 25 such findings worth changing).
      .some((call) => !insideDefinitionNamed(call, name) && repeatsWithLoop(call, facts, true));
    byDefinition.set(key, known);
  }
  return known;
}

/**
 * What each pass of every loop that repeats a call of the def also calls that is far heavier than a per-item
 * saving (a model, a fit, a backward pass, a request; or a training step's model), or null when some repeating call has a
 * light loop around it. Asked only for per-item advice in a def found called from a loop.
 */
function heavyCallerLoop(definition: Node, facts: FileFacts): string | null {
  const name = nameOf(definition);
  let heaviest: string | null = null;
  for (const call of callsOf(definition, facts).slice(0, CALL_SITES_LOOKED_AT)) {
    if (insideDefinitionNamed(call, name) || !repeatsWithLoop(call, facts, true)) continue;
    // The loop over data that repeats it, else (a training loop over zipped loaders) the innermost loop around it.
    const loops = loopsAround(call, facts, false);
    const loop = loops.find((l) => iteratesData(l, facts)) ?? loops[0];
    const heavy = loop ? heavyCallEachPass(loop, facts) : null;
    if (heavy === null) return null;
    heaviest ??= heavy;
  }
  return heaviest;
}

/**
 * The call runs once per iteration of a loop or comprehension around it (not over a small literal domain; with
 * `overData`, one that runs over data), or of a training loop.
 */
function repeatsWithLoop(call: Node, facts: FileFacts, overData = false): boolean {
  const leaving = returnAround(call);
  const loops = loopsAround(call, facts, false).filter((loop) => !overData || iteratesData(loop, facts));
  // `return f()` inside a loop runs once, as it leaves the loop: only loops inside the returned expression repeat it.
  if (leaving) return loops.some((loop) => leaving.startIndex <= loop.startIndex && loop.endIndex <= leaving.endIndex);
  return loops.length > 0 || enclosingTrainingLoop(call, facts, 'any') !== null;
}

/**
 * The uses of a def in this file that run it many times: calls inside a loop or comprehension (not over a small literal
 * domain), calls in code the ranking finds hot (a request handler, a training step, a function called from a loop or
 * run per item by workers), and the def handed to `map()` or to workers that run it per item. What a cache on the def
 * grows with (cache-unbounded); each use is a call, or the reference handed on.
 */
export function repeatedUses(definition: Node, facts: FileFacts): Node[] {
  const name = nameOf(definition);
  return referencesTo(definition, facts)
    .slice(0, CALL_SITES_LOOKED_AT)
    .flatMap((ref) => {
      if (insideDefinitionNamed(ref, name)) return [];
      const call = ref.parent;
      if (call?.type === 'call' && call.childForFieldName('function')?.equals(ref)) {
        return repeatsWithLoop(call, facts) || hotReasons(call, facts).length > 0 ? [call] : [];
      }
      return isWorkerFunctionArgument(ref) || isMappedFunction(ref, facts) ? [ref] : [];
    });
}

/** `map(f, items)`: the builtin calls f once per item. */
function isMappedFunction(ref: Node, facts: FileFacts): boolean {
  const holder = ref.parent;
  const callee = holder?.type === 'argument_list' && holder.namedChildren[0]?.equals(ref) ? holder.parent?.childForFieldName('function') : null;
  return callee?.type === 'identifier' && callee.text === 'map' && facts.isBuiltin('map', callee);
}

/** The `return` statement holding node within its function, or null. */
function returnAround(node: Node): Node | null {
  for (const n of ancestors(node)) {
    if (n.type === 'return_statement') return n;
    if (STOP_TYPES.has(n.type)) break;
  }
  return statementBeforeReturn(node);
}

/**
 * The statement holding node when the next statement of its block returns or raises: `self._save(results)` then
 * `return` inside a loop (LAVIS' VQA evaluation) runs once, as the function leaves the loop. Null otherwise.
 */
function statementBeforeReturn(node: Node): Node | null {
  const statement = enclosingStatement(node);
  const next = nextStatement(statement);
  return next?.type === 'return_statement' || next?.type === 'raise_statement' ? statement : null;
}

function insideDefinitionNamed(node: Node, name: string): boolean {
  for (const n of ancestors(node)) if (n.type === 'function_definition' && nameOf(n) === name) return true;
  return false;
}

const handedToWorkersCache = new WeakMap<FileFacts, Map<string, boolean>>();

/**
 * True when the function is handed, in this file, to workers that run it per item: `pool.map(f, xs)`,
 * `executor.submit(self.f, x)`, joblib's `delayed(f)(...)`, `Process(target=f)`. No loop spells the call, but
 * the body runs once per item all the same. The reference is resolved as a call is (referencesTo).
 */
function handedToWorkers(def: Node, facts: FileFacts): boolean {
  let byDefinition = handedToWorkersCache.get(facts);
  if (!byDefinition) handedToWorkersCache.set(facts, (byDefinition = new Map()));
  const key = callersKey(def);
  let known = byDefinition.get(key);
  if (known === undefined) {
    known = referencesTo(def, facts).slice(0, CALL_SITES_LOOKED_AT).some(isWorkerFunctionArgument);
    byDefinition.set(key, known);
  }
  return known;
}

function isWorkerFunctionArgument(ref: Node): boolean {
  const holder = ref.parent;
  if (holder?.type === 'keyword_argument') {
    const call = holder.parent?.parent;
    const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
    return holder.childForFieldName('name')?.text === 'target' && callee !== null && callee !== undefined && WORKER_CLASS.test(callee.text);
  }
  if (holder?.type !== 'argument_list' || !holder.namedChildren[0]?.equals(ref)) return false;
  const callee = holder.parent?.childForFieldName('function');
  if (!callee) return false;
  if (callee.text === 'delayed' || callee.text.endsWith('.delayed')) return true;
  return callee.type === 'attribute' && POOL_METHODS.has(callee.childForFieldName('attribute')?.text ?? '');
}

const runsOnceMemo = nodeMemo<string | null>();
/** How many callers up `runsOnce` follows a function run once by a function run once (`main()` calling `load()`). */
const ONCE_DEPTH = 3;

/**
 * Why the function runs once per run of its script, or null when it may run more often or its callers are unknown: this
 * file calls it, and only from its top-level code (module level, a notebook cell, `if __name__ == "__main__":`), outside
 * any loop or comprehension, or from a function that itself runs once so (a script's `main()` calling `prepare()`), and
 * never hands it on (a callback, a worker's target). A function no call in the file runs (a library's API) is unknown.
 * What such a function does over its data it does once, as a script's top-level code does: a blind review judged every
 * row loop in FinRL's fundamental-ratios `main()` and a book's once-called feature helper not worth a change.
 */
export function runsOnce(def: Node, facts: FileFacts, depth = 0): string | null {
  if (def.type !== 'function_definition' || depth > ONCE_DEPTH) return null;
  return runsOnceMemo(facts, def, () => {
    const refs = referencesTo(def, facts).slice(0, CALL_SITES_LOOKED_AT + 1);
    if (refs.length === 0 || refs.length > CALL_SITES_LOOKED_AT) return null;
    const name = nameOf(def);
    let via: string | null = null;
    for (const ref of refs) {
      const call = ref.parent;
      if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(ref)) return null;
      if (enclosingLoopNodes(call, false).length > 0) return null;
      for (const n of ancestors(call)) if (n.type === 'lambda' || n.type === 'class_definition') return null;
      const caller = enclosingDefinition(call);
      if (!caller) continue;
      if (insideDefinitionNamed(call, name) || !runsOnce(caller, facts, depth + 1)) return null;
      via = nameOf(caller);
    }
    return via
      ? `\`${name}\` runs once: only \`${via}\` calls it, once per run of the script`
      : `\`${name}\` runs once: only the script's top-level code calls it, outside any loop`;
  });
}
