// The fix-safety harness (`npm run fix-safety`): applies perflens's fixes to real code that has its own
// tests and runs those tests before and after. A safe fix must never turn a passing test into a failing
// one; unsafe fixes are run too (with --unsafe) and the rules that break tests are listed, which is
// expected: it is why they are unsafe.
//
// Corpora:
//   (default)        a copy of CPython's standard library (/usr/lib/python3.11, with Debian's
//                    libpython3.11-testsuite for Lib/test), run by /usr/bin/python3 with PYTHONHOME
//                    pointed at the copy, so even modules imported at start-up are the fixed ones.
//                    Each module with fixes is fixed alone and the tests that cover it are run.
//   --doctests DIR   every .py file under DIR with fixes: its doctests (doctest.testmod) before and after.
// Options: --testsuite DIR (CPython's tests from an unpacked libpython3.11-testsuite, laid out like
//          /usr/lib/python3.11, when the package is not installed: `apt-get download` + `dpkg-deb -x`
//          leave the machine's own standard library as it is), --quick (a few modules, for CI), --unsafe (also try each rule's unsafe fixes, rule by rule, and
//          list the tests each one breaks), --modules a.py,b/c.py, --json FILE (write the results).
// Exit 1 when a safe fix broke a test that passed before. Tests broken by unsafe fixes are listed only:
// that is what "unsafe" declares.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.dirname(path.dirname(new URL(import.meta.url).pathname));
// PERFLENS_CLI: another build's cli.js (a snapshot of dist/, so a long run is not disturbed by rebuilds).
const CLI = process.env.PERFLENS_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';
const STDLIB = '/usr/lib/python3.11';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const QUICK = flag('--quick');
const UNSAFE = flag('--unsafe');

/**
 * Modules whose tests are not named test_<module>, or that need hardware, a display or minutes of
 * run time (null: skipped, with the reason in the report).
 */
const TESTS_FOR = [
  [/^xml\/dom\/(minidom|expatbuilder)\.py$/, ['test_minidom']],
  [/^xml\/dom\/xmlbuilder\.py$/, ['test_xml_dom_minicompat', 'test_minidom']],
  [/^xml\/sax\//, ['test_sax']],
  [/^http\/cookiejar\.py$/, ['test_http_cookiejar']],
  [/^urllib\/parse\.py$/, ['test_urlparse']],
  [/^urllib\/robotparser\.py$/, ['test_robotparser']],
  [/^unittest\//, ['test_unittest']],
  [/^encodings\//, ['test_codecs']],
  [/^email\//, ['test_email']],
  [/^distutils\//, ['test_distutils']],
  [/^ctypes\//, ['test_ctypes']],
  [/^re\//, ['test_re']],
  [/^sqlite3\//, ['test_sqlite3']],
  [/^wsgiref\//, ['test_wsgiref']],
  [/^asyncio\//, ['test_asyncio']],
  [/^multiprocessing\//, null, 'the multiprocessing suites take many minutes'],
  [/^(tkinter|turtle|idlelib|curses)\b/, null, 'needs a display or a terminal'],
  [/^(lib2to3|test)\//, null, 'test code itself'],
  [/^_distutils_system_mod\.py$|^_bootsubprocess\.py$/, null, 'no test suite of its own'],
];
/** Modules most of the stdlib imports: their fixes are also run against a broad sample of suites. */
const CORE = new Set(['functools.py', 'inspect.py', 'enum.py', 'subprocess.py', 'typing.py', 'sysconfig.py', 'tempfile.py', 'threading.py', 'warnings.py']);
const BROAD = [
  'test_functools',
  'test_inspect',
  'test_enum',
  'test_subprocess',
  'test_typing',
  'test_tempfile',
  'test_threading',
  'test_warnings',
  'test_sysconfig',
];
/** --quick: modules whose fixes cover the most-used safe fixes and whose suites run in seconds. */
const QUICK_MODULES = ['argparse.py', 'optparse.py', 'gettext.py', 'netrc.py', 'py_compile.py', 'tempfile.py', 'operator.py', 'pstats.py', 'xdrlib.py'];

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, ...options });
}

/** perflens's findings with fixes for these files (JSON, Ruff's shape). */
function fixableFindings(paths, unsafe) {
  // `--impact all`: a hint's safe fix is as much a part of fix-all as a warning's, and must be as safe.
  const r = run(process.execPath, [
    CLI,
    'check',
    '--select',
    'ALL',
    '--impact',
    'all',
    '--no-config',
    '--no-respect-gitignore',
    '--format',
    'json',
    '--exit-zero',
    ...paths,
  ]);
  if (r.status !== 0) throw new Error(`perflens check failed: ${r.stderr}`);
  return JSON.parse(r.stdout).filter((d) => d.fix && (d.fix.applicability === 'safe' || (unsafe && d.fix.applicability === 'unsafe')));
}

/**
 * The fix passes to try on one file: its safe fixes (every rule at once, the verdict), and with
 * --unsafe one pass per rule that has an unsafe fix there (that rule alone, its unsafe fixes
 * included), so each broken test is pinned to one rule.
 */
function fixPasses(findings) {
  const safe = findings.filter((d) => d.fix.applicability === 'safe');
  const passes = [];
  if (safe.length) passes.push({ kind: 'safe', rule: null, fixes: summarizeFixes(safe), args: ['--select', 'ALL'] });
  if (UNSAFE) {
    const unsafeRules = [...new Set(findings.filter((d) => d.fix.applicability === 'unsafe').map((d) => d.code))].sort();
    for (const rule of unsafeRules) {
      const fixes = summarizeFixes(findings.filter((d) => d.code === rule));
      passes.push({ kind: 'unsafe', rule, fixes, args: ['--select', rule, '--unsafe-fixes'] });
    }
  }
  return passes;
}

function applyFixes(file, args) {
  const r = run(process.execPath, [CLI, 'check', ...args, '--impact', 'all', '--no-config', '--exit-zero', '--fix', file]);
  if (r.status !== 0) throw new Error(`perflens --fix failed on ${file}: ${r.stderr}`);
}

/**
 * One trial: applies a pass's fixes to the file, re-runs its tests, restores the file, and
 * compares with the tests' results before. `crashAll` counts every test that passed before as broken
 * when the run crashes (a doctest module that no longer imports reports no results at all).
 */
function trial(entry, file, pass, before, runTests, crashAll = false) {
  const original = readFileSync(file);
  const result = { kind: pass.kind, rule: pass.rule, fixes: pass.fixes, broken: [], crashed: null };
  try {
    applyFixes(file, pass.args);
    const after = runTests();
    result.crashed = after.crashed && !before.crashed ? after.crashed : null;
    result.broken = brokenTests(before.results, after.results);
    if (crashAll && result.crashed && result.broken.length === 0) result.broken = passing(before.results);
  } finally {
    writeFileSync(file, original);
  }
  entry.passedBefore = passing(before.results).length;
  entry.trials.push(result);
  log(entry, result);
}

function passing(results) {
  return [...results].filter(([, s]) => s === 'pass').map(([n]) => n);
}

// ---------------------------------------------------------------------------------------------
// The standard library and its test suite.

function testsFor(rel, testDir) {
  for (const [re, tests, why] of TESTS_FOR)
    if (re.test(rel))
      return tests ? { tests: tests.filter((t) => existsSync(path.join(testDir, t)) || existsSync(path.join(testDir, `${t}.py`))) } : { skip: why };
  const base = rel
    .replace(/\.py$/, '')
    .replace(/\/__init__$/, '')
    .split('/')[0];
  const name = `test_${base}`;
  const found = existsSync(path.join(testDir, `${name}.py`)) || existsSync(path.join(testDir, name));
  return found ? { tests: [name] } : { skip: 'no test_<module> suite found' };
}

/** Per test case: 'pass' | 'fail' | 'skip', from regrtest's JUnit XML. A crashed suite counts every case it had as failed. */
function runSuites(home, tests) {
  const xml = path.join(home, 'junit.xml');
  rmSync(xml, { force: true });
  const r = run(PYTHON, ['-m', 'test', '--timeout', '600', '--junit-xml', xml, ...tests], {
    env: { ...process.env, PYTHONHOME: home, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '' },
    cwd: home,
    timeout: 30 * 60_000,
  });
  const results = new Map();
  if (!existsSync(xml)) return { results, crashed: `${r.status}: ${(r.stderr || r.stdout).slice(-400)}` };
  const text = readFileSync(xml, 'utf8');
  for (const m of text.matchAll(/<testcase name="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[3] ?? '';
    results.set(m[1], /<(failure|error)\b/.test(body) ? 'fail' : /<skipped\b/.test(body) ? 'skip' : 'pass');
  }
  return { results, crashed: null };
}

function stdlibHarness() {
  const suiteRoot = value('--testsuite') ? path.resolve(value('--testsuite'), 'usr/lib/python3.11') : STDLIB;
  if (!existsSync(path.join(suiteRoot, 'test', 'test_argparse.py'))) {
    console.error("fix-safety: CPython's test suite is missing: apt-get install libpython3.11-testsuite (or unpack it and pass --testsuite DIR)");
    process.exit(2);
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'perflens-fix-safety-'));
  const lib = path.join(home, 'lib', 'python3.11');
  const notCache = (src) => path.basename(src) !== '__pycache__';
  cpSync(STDLIB, lib, { recursive: true, verbatimSymlinks: true, filter: notCache });
  if (suiteRoot !== STDLIB) cpSync(suiteRoot, lib, { recursive: true, verbatimSymlinks: true, filter: notCache });
  try {
    const only = value('--modules')?.split(',');
    const findings = fixableFindings([lib], UNSAFE);
    const byFile = groupBy(findings, (d) => path.relative(lib, d.filename));
    // The suites themselves, and the 2to3 and IDLE trees, are not library code under test.
    let modules = [...byFile.keys()].filter((m) => !/^(test|lib2to3|idlelib)\/|\/tests?\//.test(m)).sort();
    if (only) modules = modules.filter((m) => only.includes(m));
    else if (QUICK) modules = modules.filter((m) => QUICK_MODULES.includes(m));
    const baselines = new Map();
    const report = [];
    for (const rel of modules) {
      const plan = testsFor(rel, path.join(lib, 'test'));
      const entry = { target: rel, tests: plan.tests ?? [], skipped: plan.skip ?? null, trials: [] };
      report.push(entry);
      if (!plan.tests || plan.tests.length === 0) continue;
      const suites = CORE.has(rel) && !QUICK ? [...new Set([...plan.tests, ...BROAD])] : plan.tests;
      entry.tests = suites;
      const key = suites.join(' ');
      if (!baselines.has(key)) baselines.set(key, runSuites(home, suites));
      const before = baselines.get(key);
      for (const pass of fixPasses(byFile.get(rel))) trial(entry, path.join(lib, rel), pass, before, () => runSuites(home, suites));
    }
    return report;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Doctests of a collection of programs.

const DOCTEST_RUNNER = `
import doctest, importlib.util, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
sys.modules["m"] = m
spec.loader.exec_module(m)
finder = doctest.DocTestFinder()
runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS)
for test in finder.find(m, "m"):
    r = runner.run(test, out=lambda s: None)
    print("%s %s" % ("fail" if r.failed else "pass", test.name))
`;

function doctestResults(file) {
  const r = run(PYTHON, ['-c', DOCTEST_RUNNER, file], { cwd: path.dirname(file), timeout: 60_000, input: '' });
  const results = new Map();
  for (const line of r.stdout?.split('\n') ?? []) {
    const m = /^(pass|fail) (.+)$/.exec(line);
    if (m) results.set(m[2], m[1]);
  }
  return { results, crashed: r.status === 0 ? null : `${r.status ?? r.signal}: ${(r.stderr ?? '').slice(-300)}` };
}

function doctestHarness(dir) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'perflens-doctests-'));
  cpSync(dir, work, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
  try {
    const byFile = groupBy(fixableFindings([work], UNSAFE), (d) => path.relative(work, d.filename));
    const report = [];
    for (const rel of [...byFile.keys()].sort()) {
      const file = path.join(work, rel);
      const before = doctestResults(file);
      const entry = { target: rel, tests: ['doctests'], skipped: null, trials: [] };
      report.push(entry);
      if (before.results.size === 0) {
        entry.skipped = before.crashed ? `does not run as it is (${before.crashed.split('\n')[0]})` : 'no doctests';
        continue;
      }
      for (const pass of fixPasses(byFile.get(rel))) trial(entry, file, pass, before, () => doctestResults(file), true);
    }
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

function groupBy(items, key) {
  const out = new Map();
  for (const item of items) {
    const k = key(item);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(item);
  }
  return out;
}

function summarizeFixes(findings) {
  const counts = {};
  for (const d of findings) {
    const k = `${d.code} (${d.fix.applicability})`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Tests that passed before and did not pass after (failed, or vanished because their suite crashed). */
function brokenTests(before, after) {
  return passing(before).filter((name) => after.get(name) !== 'pass' && after.get(name) !== 'skip');
}

function log(entry, result) {
  const verdict = result.crashed ? `CRASHED (${result.crashed.split('\n')[0]})` : result.broken.length ? `${result.broken.length} BROKEN` : 'ok';
  const fixes = Object.entries(result.fixes)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');
  console.log(`  ${entry.target} [${result.rule ?? 'safe fixes'}]: ${fixes} → ${entry.tests.join(' ')}: ${entry.passedBefore} passing before, ${verdict}`);
  for (const t of result.broken.slice(0, 5)) console.log(`      broke ${t}`);
}

/** Totals over the trials of one kind ('safe' or 'unsafe'); returns the trials that broke tests. */
function summarizeKind(name, report, kind) {
  const trials = report.flatMap((e) => e.trials.filter((t) => t.kind === kind).map((t) => ({ entry: e, t })));
  const files = new Set(trials.map(({ entry }) => entry.target));
  const fixes = trials.reduce((n, { t }) => n + Object.entries(t.fixes).reduce((a, [k, c]) => a + (k.endsWith(`(${kind})`) ? c : 0), 0), 0);
  const tests = trials.reduce((n, { entry }) => n + entry.passedBefore, 0);
  const broken = trials.filter(({ t }) => t.broken.length > 0 || t.crashed);
  const label = kind === 'safe' ? 'safe fixes' : 'unsafe fixes (one rule at a time)';
  console.log(`${name}, ${label}: ${files.size} files, ${fixes} fixes applied, ${tests} passing tests re-run, ${broken.length} runs with tests broken`);
  for (const { entry, t } of broken) {
    const what = t.crashed ? 'crashed the run' : `broke ${t.broken.length}: ${t.broken.slice(0, 3).join(', ')}${t.broken.length > 3 ? ', …' : ''}`;
    console.log(`  ${t.rule ?? Object.keys(t.fixes).join(' + ')} in ${entry.target} ${what}`);
  }
  return broken;
}

function summarize(name, report) {
  const broken = summarizeKind(name, report, 'safe');
  if (UNSAFE) {
    const unsafeBroken = summarizeKind(name, report, 'unsafe');
    const rules = [...new Set(unsafeBroken.map(({ t }) => t.rule))].sort();
    console.log(`  rules whose unsafe fixes broke tests (expected: it is why they are unsafe): ${rules.join(', ') || 'none'}`);
  }
  for (const e of report.filter((x) => x.skipped)) console.log(`  skipped ${e.target}: ${e.skipped}`);
  return broken;
}

if (!existsSync(CLI) || !statSync(CLI).isFile()) {
  console.error('fix-safety: build first (node esbuild.mjs)');
  process.exit(2);
}
const doctestDir = value('--doctests');
console.log(
  `perflens fix-safety: applying safe fixes (--select ALL)${UNSAFE ? ', then each rule with unsafe fixes alone,' : ''} and re-running the code's own tests`,
);
const report = doctestDir ? doctestHarness(path.resolve(doctestDir)) : stdlibHarness();
const broken = summarize(doctestDir ? `doctests of ${doctestDir}` : 'CPython standard library', report);
const out = value('--json');
if (out) writeFileSync(out, JSON.stringify(report, null, 2));
// Broken tests are the expected outcome of unsafe fixes; for safe fixes they are a defect. A run that applied no safe
// fix at all tested nothing (a rule change that hides the modules' findings once emptied the --quick run): a failure too.
const applied = report.some((e) => e.trials.some((t) => t.kind === 'safe'));
if (!applied) console.error('fix-safety: no safe fix was applied to any module, so nothing was tested');
process.exit(broken.length > 0 || !applied ? 1 : 0);
