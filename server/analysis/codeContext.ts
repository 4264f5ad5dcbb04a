// Where a piece of code lives, for rules whose advice depends on it: test code (files, functions,
// `pytest.raises` blocks), package (library) code versus scripts, and `__main__` / CLI entry points.
// File facts come from the path the caller gave the engine (LintOptions.filePath); without one,
// nothing is known and the answers are the conservative ones documented on each function.
// The disk is reached only through the FileProbe the host passes in (the engine itself does no I/O).
import * as path from 'node:path';
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';
import { callsOfNameIn } from './names';
import { enclosingFunction } from './scopes';

/**
 * What a rule may learn about the disk: the host's capability (Engine.files), so that the engine stays
 * pure and the browser build, which has no file system, simply knows nothing.
 */
export interface FileProbe {
  /** True when something exists at this absolute path. */
  exists(absolutePath: string): boolean;
  /** Size in bytes of the regular file at this absolute path, or null (missing, not a file, unreadable). */
  fileSize(absolutePath: string): number | null;
  /**
   * When the regular file at this absolute path last changed (ms since the epoch), or null: how the row count of a data
   * file a frame is read from is kept from one lint to the next (analysis/dataFiles.ts).
   */
  modifiedMs?(absolutePath: string): number | null;
  /**
   * The text of the file at this absolute path, or null (missing, unreadable, not text): how the value
   * layer reads the workspace modules a file imports. The editor answers with an open document's text.
   */
  readText?(absolutePath: string): string | null;
  /**
   * The names in the folder at this absolute path, each folder's with a trailing `/`, or null (missing, unreadable,
   * not a folder): how impact ranking sees what a project is made of (analysis/impact.ts `notebookCollection`).
   */
  list?(absolutePath: string): string[] | null;
}

/** The probe of a host without a file system: nothing exists, no size is known. */
export const NO_FILE_SYSTEM: FileProbe = { exists: () => false, fileSize: () => null };

const EXPECTATION = /(?:^|\.)(assertRaises|assertRaisesRegex|assertWarns|assertWarnsRegex|raises|warns|check_warnings|deprecated_call|catch_warnings)$/;

/** True inside `with pytest.raises(...)`, `with self.assertWarns(...)` and friends, within the same function. */
export function insideExpectationBlock(node: Node): boolean {
  for (let n = node.parent; n && n.type !== 'function_definition' && n.type !== 'lambda'; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of n.descendantsOfType('with_item')) {
      const value = item?.childForFieldName('value');
      const call = value?.type === 'as_pattern' ? value.namedChild(0) : value;
      if (call?.type === 'call' && EXPECTATION.test(call.childForFieldName('function')?.text ?? '')) return true;
    }
  }
  return false;
}

/** Test-support packages: code only tests run, nesting its helpers a few folders deep (captum/testing/helpers/influence/). */
const TEST_SUPPORT_FOLDERS = new Set(['testing', 'testutil', 'testutils', 'test_utils']);

/**
 * Test files by pytest/unittest conventions: `test_*.py`, `*_test.py`, `conftest.py`, test-utility modules
 * (`test_utils.py`, `testutil.py`), a file whose folder (or the folder above it: `tests/unit/helpers.py`) is named
 * `test`, a `tests` folder or a test suite's (`e2e-tests`, `<package>_test`) up to three levels up, or a test-support
 * package (`testing`, `testutil`...) up to four.
 */
export function isTestFile(filePath: string | undefined): boolean {
  if (!filePath) return false;
  // Rules ask once per match (slots-candidate once per class): the answer depends on the path alone.
  if (filePath === lastTestFileQuestion.path) return lastTestFileQuestion.answer;
  const answer = testFilePath(filePath);
  lastTestFileQuestion = { path: filePath, answer };
  return answer;
}

/**
 * A file named like a test (`test.py`, `u2net_test.py`, `test_model.py`) that is a program, not a test module: no test
 * folder around it, an `if __name__ == "__main__":` block, no pytest or unittest import, no `test_*` function and no
 * `Test*` class. ML repositories name their evaluation and inference scripts so: U-2-Net's `u2net_test.py` runs the model
 * over a folder of images, where review55's hunt found evaluation loops without `no_grad` that a test file's exemption hid.
 */
export function isTestNamedScript(filePath: string | undefined, facts: FileFacts): boolean {
  if (!filePath || !isTestFile(filePath) || isTestFile(path.join(path.dirname(filePath), 'module.py'))) return false;
  // The answer rests on the whole text (its `__main__` block, imports, test definitions): a ranking that asks it cannot be
  // carried across an edit (markCarriedImpacts).
  facts.words.reads.wholeFile = true;
  if (!hasMainGuard(facts.root) || TEST_FRAMEWORKS.some((m) => facts.importsModule(m))) return false;
  return !TEST_DEFINITION.test(facts.text);
}

/** Test runners a test module imports (absl's `absltest`, TensorFlow's `tf.test` reach unittest through these). */
const TEST_FRAMEWORKS = ['pytest', 'unittest', 'absl.testing', 'nose', 'hypothesis'];
/**
 * What a test module defines or runs: `def test_x` / `def testX` (not an evaluation script's `def test(model, loader)`),
 * a `Test*` / `*Test` / `*TestCase` class, a `TestCase` base (`tf.test.TestCase`), or a runner (`tf.test.main()`).
 */
const TEST_DEFINITION =
  /^[ \t]*(?:async[ \t]+)?def[ \t]+test(?:_|[A-Z])|^[ \t]*class[ \t]+(?:Test\w*|\w*Tests?|\w*TestCase)\b|\bTestCase\b|\btf\.test\.main\(/m;

/**
 * A Jupyter notebook: the CLI lints `.ipynb` files under their own path, and the language server lints a notebook's
 * cells as one module under the notebook's path. Its code runs in a kernel, as `__main__`, cell by cell.
 */
export function isNotebookFile(filePath: string | undefined): boolean {
  return filePath?.toLowerCase().endsWith('.ipynb') === true;
}

/** The last path isTestFile answered for (a lint asks about one file many times in a row). */
let lastTestFileQuestion = { path: '', answer: false };

function testFilePath(filePath: string): boolean {
  const base = path.basename(filePath);
  // A pytest plugin of fixtures (pulpcore's pytest_plugin.py, judged noise three times in review52) runs under pytest too.
  if (/^test_.*\.py$|_test\.py$|^tests?\.py$|^conftest\.py$|^test_?utils?\.py$|^testing_utils\.py$|^pytest_plugins?\.py$/.test(base)) return true;
  // Only the folders near the file: a `test` folder further up (a repository's top-level test/) says
  // nothing. A package's `tests` suite nests helpers deeper (pandas/tests/extension/arrow/arrays.py).
  // Test-support packages (gluonts' testutil/ starting a local server to test against) run only under the tests too.
  const dirs = filePath.split(/[\\/]/).slice(0, -1);
  return (
    dirs.slice(-2).includes('test') ||
    dirs.slice(-3).some((d) => d === 'tests' || TEST_SUITE_FOLDER.test(d)) ||
    dirs.slice(-4).some((d) => TEST_SUPPORT_FOLDERS.has(d))
  );
}

/**
 * A folder named for a kind of test suite (`e2e-tests`, `integration_tests`, `e2e`) or for the tests of a package
 * (`pandas_ml_common_test/`, beside `pandas_ml_common/`). review51's reviewers judged all nine requests in presidio's
 * `e2e-tests/common/methods.py` and pandas-ml-quant's `pandas_ml_common_test/link_checker.py` not worth a change: test
 * tooling, run against local services or by hand. Not an A/B test's analysis (`ab_test/`).
 */
const TEST_SUITE_FOLDER = /^(?:e2e|end2end|(?:e2e|end2end|integration|functional|system|acceptance|smoke)[-_]?tests?|(?!ab[-_]|a[-_]b[-_])\w+[-_]tests?)$/i;

/** True when node is inside a `test_*` function or a `Test*` class (pytest / unittest naming). */
export function inTestFunction(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition' && /^test/.test(n.childForFieldName('name')?.text ?? '')) return true;
    if (n.type === 'class_definition' && /^Test|Tests?$/.test(n.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}

/**
 * True inside a test function (see inTestFunction) whose own name mentions `word`: `test_map` for
 * `map`, `test_dataframe_iterrows` for `iterrows`. Such a test exercises that very API, so advice to
 * replace it would defeat the test.
 */
export function inTestOf(node: Node, word: string): boolean {
  if (!inTestFunction(node)) return false;
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition' && (n.childForFieldName('name')?.text ?? '').toLowerCase().includes(word.toLowerCase())) return true;
  }
  return false;
}

/** Per probe, folder → has `__init__.py`, re-checked after a few seconds (the editor may add the file meanwhile). */
const packageCaches = new WeakMap<FileProbe, Map<string, { value: boolean; at: number }>>();

/**
 * True when the file is a module of a regular package: its folder has an `__init__.py`. Scripts,
 * notebooks exports, `__main__.py`, `setup.py`, test files and unknown paths are not package code.
 */
export function isPackageModule(filePath: string | undefined, files: FileProbe): boolean {
  if (!filePath || !filePath.endsWith('.py')) return false;
  const base = path.basename(filePath);
  if (base === '__main__.py' || base === 'setup.py' || base === 'conftest.py' || isTestFile(filePath)) return false;
  return isRegularPackage(path.dirname(filePath), files);
}

/** The folder holds an `__init__.py` (asked once per folder every few seconds: packageCaches). */
function isRegularPackage(dir: string, files: FileProbe): boolean {
  const now = Date.now();
  let packageCache = packageCaches.get(files);
  if (!packageCache) packageCaches.set(files, (packageCache = new Map()));
  const cached = packageCache.get(dir);
  if (cached && now - cached.at < 5000) return cached.value;
  const value = files.exists(path.join(dir, '__init__.py'));
  if (packageCache.size > 10_000) packageCache.clear();
  packageCache.set(dir, { value, at: now });
  return value;
}

/**
 * True for a private or vendored module: a file or package whose name starts with `_` (not a dunder
 * file such as `__init__.py`), or a folder named `internal` / `_internal` / `_vendor` / `vendor`.
 */
export function isPrivateModule(filePath: string | undefined): boolean {
  if (!filePath) return false;
  const parts = filePath.split(/[\\/]/);
  const file = parts[parts.length - 1];
  if (/^_[^_]/.test(file)) return true;
  // Only the package folders near the file: a leading underscore further up (a user's home) says nothing.
  return parts.slice(-4, -1).some((d) => /^_[^_]/.test(d) || d === 'internal' || d === 'internals' || d === 'vendor' || d === 'vendored');
}

const MAIN_GUARD = /^__name__==(['"])__main__\1$|^(['"])__main__\2==__name__$/;

/** A module-level `if __name__ == "__main__":` statement. */
function isMainGuard(stmt: Node | null): boolean {
  return stmt?.type === 'if_statement' && MAIN_GUARD.test(stmt.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '');
}

/** The module's top level has an `if __name__ == "__main__":` block: the file is meant to be run as a program. */
export function hasMainGuard(root: Node): boolean {
  return root.namedChildren.some(isMainGuard);
}

/**
 * The node sits directly in the module's `if __name__ == "__main__":` block (not in a def it calls): code that runs only
 * when the file is run as a program. Found by offset among the module's statements, not by walking up from the node.
 */
export function inMainGuardBlock(node: Node, root: Node): boolean {
  return root.namedChildren.some((stmt) => isMainGuard(stmt) && stmt!.startIndex <= node.startIndex && node.endIndex <= stmt!.endIndex);
}

/**
 * A `.py` file outside any package: no `__init__.py` beside it, not a test file. False when that cannot be known: without
 * a file system, or for a folder it cannot see (an unsaved buffer), where isPackageModule is false too.
 */
export function isOutsideAnyPackage(filePath: string | undefined, files: FileProbe): filePath is string {
  if (!filePath?.endsWith('.py') || isTestFile(filePath) || isPackageModule(filePath, files)) return false;
  return files !== NO_FILE_SYSTEM && files.exists(path.dirname(filePath));
}

/**
 * True when the file's folder has no `__init__.py` but the folder above it does: a namespace subpackage of a regular
 * package, imported like its other modules (khoj's `khoj/processor/image/generate.py`, imported by the server's routers as
 * `khoj.processor.image.generate`), not a script beside the package.
 */
export function inNamespaceSubpackage(filePath: string | undefined, files: FileProbe): boolean {
  if (!filePath?.endsWith('.py') || files === NO_FILE_SYSTEM) return false;
  const dir = path.dirname(filePath);
  return !isRegularPackage(dir, files) && isRegularPackage(path.dirname(dir), files);
}

/**
 * A standalone script: a `.py` file outside any package (no `__init__.py` beside it, not a test) whose module level
 * has an `if __name__ == "__main__":` guard. It runs once per command (ddsp's update_gin_config.py migrating a config
 * file), so advice that saves a constant per item pays off once. False without a file system, or for a notebook.
 */
export function isStandaloneScript(filePath: string | undefined, root: Node, files: FileProbe): boolean {
  if (!isOutsideAnyPackage(filePath, files)) return false;
  return hasMainGuard(root);
}

/**
 * `fn` itself calls the built-in `input()`: it waits for a person at the terminal. `owner` names the function a call
 * belongs to, so that a call in a function nested in `fn` is not `fn`'s (enclosingFunction; enclosingDef counts a
 * lambda's call as its def's).
 */
export function callsBuiltinInput(fn: Node, facts: FileFacts, owner: (node: Node) => Node | null = enclosingFunction): boolean {
  const body = fn.childForFieldName('body');
  return !!body && callsOfNameIn(body, 'input').some((c) => owner(c)?.equals(fn) && facts.isBuiltin('input', c));
}

/** Statements after which the rest of their block never runs. */
const LEAVING_STATEMENTS = new Set(['return_statement', 'raise_statement', 'continue_statement', 'break_statement']);

/** A context manager that may swallow the exception its body raises, so that the code after the `with` runs. */
const SWALLOWING_CONTEXT = /(?:suppress|raises|Raises|catch|ignor|expect|Expect)/;

/**
 * True when node sits after a statement that always leaves its block, in the same block or one around it (within the
 * function): a `return`, `raise`, `continue` or `break`, or a `with` whose body ends in one (MaxKB's leftover sample
 * request after `with ...: return response.read()`). Such code never runs, so a finding there is not worth a change.
 * A `with` over something that may swallow the body's exception (`suppress(...)`, `pytest.raises(...)`) does not count.
 */
export function isUnreachable(node: Node): boolean {
  for (let stmt: Node = node; stmt.parent; stmt = stmt.parent) {
    if (stmt.type === 'function_definition' || stmt.type === 'class_definition' || stmt.type === 'lambda') return false;
    if (stmt.parent.type !== 'block' && stmt.parent.type !== 'module') continue;
    for (let prev = stmt.previousNamedSibling; prev; prev = prev.previousNamedSibling) if (alwaysLeaves(prev)) return true;
  }
  return false;
}

function alwaysLeaves(stmt: Node): boolean {
  if (LEAVING_STATEMENTS.has(stmt.type)) return true;
  if (stmt.type !== 'with_statement') return false;
  const clause = stmt.namedChildren.find((c) => c?.type === 'with_clause');
  if (!clause || SWALLOWING_CONTEXT.test(clause.text)) return false;
  const body = stmt.childForFieldName('body');
  const last = body?.namedChildren.filter((c) => c && c.type !== 'comment').at(-1);
  return !!last && alwaysLeaves(last);
}
