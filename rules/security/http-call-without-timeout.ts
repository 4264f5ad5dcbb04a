import * as path from 'node:path';
import { defineRule } from '../../server/engine/rule';
import { escapeRegExp, type Node } from '../../server/syntax';
import {
  bindersSpelling,
  callsBuiltinInput,
  callsOf,
  classOfMethod,
  decoratorsOf,
  enclosingDef,
  hasMainGuard,
  hasSplatArguments,
  isOutsideAnyPackage,
  inNamespaceSubpackage,
  isPackageModule,
  isShadowed,
  isTestFile,
  keywordArgument,
  receiverKind,
  rootName,
  setsDefaultSocketTimeout,
  spelledOnlyHere,
  type FileFacts,
} from '../../server/analysis';
import { appendArgument, replaceNode } from '../../server/fixes';

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const FUNCTIONS = new Set([...VERBS.map((v) => `requests.${v}`), ...VERBS.map((v) => `requests.api.${v}`), 'urllib.request.urlopen']);

export default defineRule({
  id: 'http-call-without-timeout',
  title: 'requests call without timeout=',
  category: 'security',
  severity: 'info',
  enabledByDefault: true,
  // A request that hangs in a notebook or an example is seen and interrupted; in a library or a service it blocks for good.
  unattendedOnly: true,
  confidence: 'high',
  guide: 'dynamic-code-and-security',
  // Ruff's and flake8-bandit's S113, Bandit's B113 and Pylint's missing-timeout flag the same call for the same reason.
  peers: { ruff: ['S113'], pylint: ['missing-timeout', 'W3101'], bandit: ['B113', 'request_without_timeout'] },
  message: 'HTTP call without `timeout=` can hang forever on an unresponsive server; pass a timeout',
  docs: {
    why:
      '`requests` (module functions and `Session` methods) and `urllib.request.urlopen` wait indefinitely by default: ' +
      'a server that accepts the connection and never answers blocks the calling thread forever, stalling a data ' +
      'loader worker, a thread pool or a whole pipeline with no error. httpx and aiohttp have default timeouts and ' +
      'are not reported, nor is `urlopen` where the program sets `socket.setdefaulttimeout(...)` (in the file or a module ' +
      'it imports from), a default urlopen inherits and requests does not. A request made only when a file is missing (under `if not os.path.exists(path):`, or in a ' +
      'function called only there) downloads it once per machine, a setup step someone watches: a hint. So is a request in a ' +
      "program's own top-level statements (a demo client's loop at the top of a script outside any package, or a module " +
      "whose top level parses its command line), one in a package's `cli/` or `bin/` commands, and one anywhere in a " +
      'standalone script (no package around it) that no web or task framework runs, one in a package module with a ' +
      '`__main__` block that no other file of the project imports (a program kept in the package), and one in a function that prompts ' +
      'at the terminal (`input()`, `getpass()`, `click.prompt()`): whoever started it at a terminal sees a hang and ' +
      'stops it. So is a request that tells a server to shut down, one in a click or typer command (its function, or a ' +
      "command module under `cli/` or `commands/`), and one in a package's `datasets` modules (example data fetched once), " +
      'unless its function takes or passes a timeout elsewhere.',
    instead:
      'Always pass `timeout=` (seconds, or a `(connect, read)` tuple such as `timeout=(3.05, 30)`), and handle ' +
      '`requests.Timeout` where a retry makes sense.',
    example: {
      before: 'r = requests.get(url)',
      after: 'r = requests.get(url, timeout=10)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add timeout=10',
    reason: 'a response slower than 10 seconds now raises a Timeout error instead of being waited for; adjust the value to the service',
  },
  // Every call it reports resolves through an import of requests or urllib (a function, or a requests.Session).
  requires: ['requests', 'urllib'],
  query: `
(call
  function: [(attribute attribute: (identifier) @name) (identifier) @name]
  arguments: (argument_list) @args
  (#any-of? @name "get" "post" "put" "patch" "delete" "head" "options" "request" "urlopen")) @call`,
  calls: { names: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'urlopen'] },
  check(m, ctx) {
    const call = m.need('call');
    const fn = call.childForFieldName('function')!;
    const what = httpCallee(ctx, fn, call);
    if (!what) return;
    if (hasSplatArguments(call)) return; // the timeout may be in **kwargs
    if (isTestFile(ctx.filePath)) return;
    // urlopen("data:...") / urlopen("file://...") never touch the network.
    const first = m.need('args').namedChildren.find((a) => a && a.type !== 'comment');
    if (first?.type === 'string' && /^[a-zA-Z]*['"](data:|file:)/.test(first.text)) return;
    if (first?.type === 'identifier' && (rejectsNetworkUrls(call, first.text) || onlyForLocalScheme(call, first.text))) return;
    const timeout = keywordArgument(call, 'timeout');
    const isUrlopen = what.endsWith('urlopen');
    if (isUrlopen && !timeout && positionalCount(m.need('args')) >= 3) return; // urlopen(url, data, timeout)
    // urlopen without a timeout inherits socket.setdefaulttimeout(...), which the program sets (here or in a module it imports).
    if (isUrlopen && !timeout && setsDefaultSocketTimeout(ctx.facts)) return;
    if (timeout && timeout.childForFieldName('value')?.type !== 'none') return;
    // A model generating text or images answers after minutes, not seconds: 10 s would fail every long answer.
    const generation = isGenerationCall(call, first);
    const value = generation ? (isUrlopen ? '600' : '(10, 600)') : '10';
    const advice = generation
      ? `; ${generation === 'model' ? 'a model call (generation or scoring)' : 'a streamed response'} can take minutes: pass \`timeout=${value}\` (${isUrlopen ? '' : '10 s to connect, '}10 minutes to answer) or what the service needs`
      : '';
    const reason = generation
      ? `an answer slower than 10 minutes now raises a timeout error instead of being waited for; adjust the value to the service`
      : undefined;
    const unattendedReason = behindProgressBar(call, ctx.facts);
    if (timeout) {
      ctx.report({
        node: call,
        message: `\`${fn.text}(..., timeout=None)\` waits forever on an unresponsive server; pass a number of seconds${advice}`,
        fixTitle: `Use timeout=${value}`,
        reason,
        unattendedReason,
        edits: [replaceNode(timeout.childForFieldName('value')!, value)],
        lowImpact: CHOSEN_NONE,
      });
      return;
    }
    const edit = appendArgument(ctx.text, call, `timeout=${value}`);
    const lowImpact = lowImpactReason(call, first, ctx.facts, ctx.filePath, ctx.files, ctx.text, ctx.projectRoot);
    ctx.report({
      node: call,
      message: `\`${fn.text}()\` without \`timeout=\` waits forever on an unresponsive server; pass \`timeout=\` (seconds)${advice}`,
      fixTitle: generation ? `Add timeout=${value}` : undefined,
      reason,
      unattendedReason,
      edits: edit ? [edit] : undefined,
      lowImpact,
      keptReason: lowImpact ? undefined : keptReason(ctx.facts, ctx.filePath, ctx.files),
    });
  },
});

type Files = Parameters<typeof isPackageModule>[1];

/** Why a request without a timeout costs little where it is (a hint, off the default output), or undefined. */
function lowImpactReason(
  call: Node,
  first: Node | undefined,
  facts: FileFacts,
  filePath: string | undefined,
  files: Files,
  text: string,
  projectRoot: string | undefined,
): string | undefined {
  if (onlyWhenMissing(call, facts)) return ONCE_WHEN_MISSING;
  if (underTimeoutTest(call)) return CHOSEN_BY_SETTING;
  if (inProgramTopLevel(call, facts, filePath, files)) return PROGRAM_TOP_LEVEL;
  if (inStandaloneScript(facts, filePath, files)) return STANDALONE_SCRIPT;
  if (inUnimportedProgram(facts, filePath, files, projectRoot)) return UNIMPORTED_PROGRAM;
  if (inCommandLineFolder(filePath)) return COMMAND_LINE_TOOL;
  if (asksPersonAtTerminal(call, facts)) return ASKS_AT_TERMINAL;
  if (inGoogleDriveDownload(call, text)) return GOOGLE_DRIVE_DOWNLOAD;
  if (isSetuptoolsBootstrap(filePath)) return SETUPTOOLS_BOOTSTRAP;
  if (asksServerToShutDown(call, first)) return SHUTDOWN_REQUEST;
  // A function that takes or passes a timeout elsewhere forgot it here: a slip worth fixing wherever it sits (AutoTS's
  // dataset loader passes its `timeout` parameter to every request but two, judged useful by both reviewers of review38).
  if (handlesTimeoutElsewhere(call)) return undefined;
  if (inDatasetsPackage(filePath, files) && !servesItems(call, facts)) return DATASET_DOWNLOAD;
  if (inCommandPackage(filePath, facts)) return COMMAND_LINE_TOOL;
  if (inClickCommand(call, facts)) return CLICK_COMMAND;
  return undefined;
}

/**
 * Why a request in a click or typer command's own function costs little: the command runs when someone types it, who
 * sees a hang and stops it. OctoPrint's `appkeys request` command (a POST, then a poll of the local server) was judged
 * noise twice in review37.
 */
const CLICK_COMMAND = 'in a command-line command (a click or typer command function), run by someone at a terminal who sees a hang';

/** A click or typer decorator: `@click.command()`, `@click.option(...)`, `@typer.Option`, `@cli.command("name")`. */
const COMMAND_DECORATOR = /^(?:(?:click|typer)\.\w+|\w+\.(?:command|group))\b/;

/** A def around the call (the call's own, or one it is nested in) is a click or typer command, in a module importing either. */
function inClickCommand(call: Node, facts: FileFacts): boolean {
  if (!facts.importsModule('click') && !facts.importsModule('typer')) return false;
  for (let def = enclosingDef(call); def; def = enclosingDef(def)) {
    if (decoratorsOf(def).some((d) => COMMAND_DECORATOR.test(d.text))) return true;
  }
  return false;
}

/**
 * Why a request that tells a server to shut down costs little: it is sent once, as the program (or its dashboard) stops,
 * to a server the code started itself. review36 and review37 judged all five such requests noise (dtale's and
 * explainerdashboard's shutdown URLs, MetaGPT's `/stop` of its Minecraft bridge), none worth a timeout.
 */
const SHUTDOWN_REQUEST = 'a request that tells a server to shut down, sent once as the program stops';

/**
 * A URL that asks a server to stop: `shutdown_url`, `build_shutdown_url(base)`, or a stop path right after the server's
 * own address (`f"{self.server}/stop"`); not a remote API's stop of one of its jobs (`f"{base}/jobs/{job_id}/stop"`).
 */
const SHUTDOWN_URL = /shutdown|\{(?:self\.)?\w*(?:server|base|host|url|address|endpoint)\w*\}\/(?:stop|kill|quit|exit|terminate)\b/i;

/** The URL the call requests (`url=` or its first argument) names a shutdown. */
function asksServerToShutDown(call: Node, first: Node | undefined): boolean {
  const url = keywordArgument(call, 'url')?.childForFieldName('value') ?? (first?.type === 'keyword_argument' ? undefined : first);
  return !!url && SHUTDOWN_URL.test(url.text);
}

/** A parameter or keyword that carries a timeout: `timeout`, `request_timeout=30`, `timeout_s`. */
const TIMEOUT_NAME = /timeout/i;

/**
 * The function around the call takes a timeout parameter, or passes `timeout=` to another call: the omission here is a
 * slip, not a choice about a one-time step.
 */
function handlesTimeoutElsewhere(call: Node): boolean {
  const def = enclosingDef(call);
  if (!def) return false;
  if (TIMEOUT_NAME.test(def.childForFieldName('parameters')?.text ?? '')) return true;
  const body = def.childForFieldName('body');
  return !!body && /\btimeout\s*=/.test(body.text);
}

/**
 * Why a request in a package's `datasets` modules costs little: they fetch a public dataset, a sample model or an index
 * once per machine and cache it (deepchecks' sample models, cesium's and tsfel's example data, splink's demo tables,
 * AIF360's law-school data), called by someone loading example data who sees a hang. review37-40 judged 18 such findings
 * noise and one useful (recordlinkage's UCI download, "a cheap fix in library code").
 */
const DATASET_DOWNLOAD = "in a package's `datasets` module: a public dataset or sample fetched once per machine by someone who watches it";

/**
 * A `datasets` folder among the three folders above the file, itself a subpackage of a package (its parent folder holds
 * an `__init__.py`): `deepchecks/tabular/datasets/`, `cesium/datasets/`. Not a distribution whose top package is
 * `datasets` (Hugging Face's `src/datasets/`, whose download code every load goes through), nor a user's folder further
 * up. Unknown (false) without a file system.
 */
function inDatasetsPackage(filePath: string | undefined, files: Files): boolean {
  if (!filePath) return false;
  const dirs: string[] = [];
  for (let dir = path.dirname(filePath), i = 0; i < 3; dir = path.dirname(dir), i++) dirs.push(dir);
  const datasets = dirs.find((d) => path.basename(d) === 'datasets');
  return !!datasets && files.exists(path.join(path.dirname(datasets), '__init__.py'));
}

/** Methods a data loader runs per item or per batch: a request there runs in a worker, unattended, many times. */
const PER_ITEM_METHODS = new Set(['__getitem__', '__iter__', '__next__', '__call__', '__len__']);

/** The call runs in a per-item method of a dataset class, directly or in a function (of this file) such a method calls. */
function servesItems(call: Node, facts: FileFacts): boolean {
  const def = enclosingDef(call);
  if (!def) return false;
  if (PER_ITEM_METHODS.has(def.childForFieldName('name')?.text ?? '')) return true;
  return callsOf(def, facts).some((c) => PER_ITEM_METHODS.has(enclosingDef(c)?.childForFieldName('name')?.text ?? ''));
}

/** Folders whose modules are a package's command-line commands, at any depth: `lenskit/cli/data/fetch.py`. */
const COMMAND_PACKAGES = new Set(['cli', 'commands']);

/** Command-line libraries whose import makes a module a command: its functions run when someone types the command. */
const COMMAND_LIBRARIES = ['click', 'typer', 'argparse'];

/**
 * The module sits under a `cli/` or `commands/` folder near it (not Django's `management/commands/`, which cron runs) and
 * imports a command-line library: lenskit's `cli/data/fetch.py` downloads a dataset for `lenskit data fetch`, guild's
 * `commands/init.py` asks PyPI for versions for shell completion (judged noise in review37/38).
 */
function inCommandPackage(filePath: string | undefined, facts: FileFacts): boolean {
  if (!filePath) return false;
  const folders = filePath.split(/[\\/]/).slice(-4, -1);
  if (!folders.some((d) => COMMAND_PACKAGES.has(d)) || folders.includes('management')) return false;
  return COMMAND_LIBRARIES.some((m) => facts.importsModule(m));
}

/**
 * Why a request that stays in the default output is worth a timeout there (the hover's ranking line): a module a web or
 * task framework runs, or a package module other code imports and calls. Undefined where the code shows neither.
 */
function keptReason(facts: FileFacts, filePath: string | undefined, files: Files): string | undefined {
  // aiohttp is as often the client of another service as a server: it says nothing of who runs this module.
  const framework = SERVICE_FRAMEWORKS.find((m) => m !== 'aiohttp' && facts.importsModule(m));
  if (framework)
    return `in a module that uses ${framework}, a web or task framework that runs its code unattended: a hang blocks a request or a worker for good`;
  if (isPackageModule(filePath, files)) return 'in a package module that other code imports and calls, unattended: a hang there blocks its caller for good';
  return undefined;
}

/** A scheme that never touches the network. */
const LOCAL_SCHEME = /^\s*not\s+([A-Za-z_][A-Za-z_0-9]*)\.startswith\(\s*[a-zA-Z]*['"](data|file):/;

/**
 * The function leaves before the call unless `url` is a `data:` or `file:` URL: `if not url.startswith("data:"): raise`
 * (hikari's data-URI decoder opens nothing else; judged wrong in review36). Only a guard that raises or returns, among the
 * statements of the call's function that come before the call's own statement.
 */
function rejectsNetworkUrls(call: Node, url: string): boolean {
  const def = enclosingDef(call);
  const body = def?.childForFieldName('body');
  if (!body) return false;
  for (const statement of body.namedChildren) {
    if (!statement || statement.startIndex >= call.startIndex) break;
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
    const guard = LOCAL_SCHEME.exec(statement.childForFieldName('condition')?.text ?? '');
    const last = statement.childForFieldName('consequence')?.lastNamedChild;
    if (guard?.[1] === url && (last?.type === 'raise_statement' || last?.type === 'return_statement')) return true;
  }
  return false;
}

/** A test that a URL's parsed scheme is local: `parsed.scheme == "data"`, `p.scheme in ("data", "file")`. */
const LOCAL_SCHEME_TEST =
  /^\s*([A-Za-z_][A-Za-z_0-9]*)\.scheme\s*(?:==\s*['"](?:data|file)['"]|in\s*[([{]\s*['"](?:data|file)['"](?:\s*,\s*['"](?:data|file)['"])*\s*,?\s*[)\]}])\s*$/;
/** A test that a URL string itself names a local scheme: `url.startswith("data:")`. */
const LOCAL_PREFIX_TEST = /^\s*([A-Za-z_][A-Za-z_0-9]*)\.startswith\(\s*[a-zA-Z]*['"](?:data|file):[^'"]*['"]\s*\)\s*$/;

/**
 * The call runs only in the branch of an `if` (or `elif`) that has found `url` to be a `data:` or `file:` URL:
 * `if url.startswith("data:"):`, or `if parsed.scheme == "data":` where `parsed = urlparse(url)`. cog's file types
 * decode inline data URIs with urlopen there (both reviewers of review37 judged the finding wrong: nothing to time out).
 */
function onlyForLocalScheme(call: Node, url: string): boolean {
  let child: Node = call;
  for (let p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    if (!p.childForFieldName('consequence')?.equals(child)) continue; // the else/elif branches are the other URLs
    if (testsLocalScheme(p.childForFieldName('condition')?.text ?? '', call, url)) return true;
  }
  return false;
}

function testsLocalScheme(condition: string, call: Node, url: string): boolean {
  if (LOCAL_PREFIX_TEST.exec(condition)?.[1] === url) return true;
  const parsed = LOCAL_SCHEME_TEST.exec(condition)?.[1];
  if (!parsed) return false;
  const parses = new RegExp(`\\burl(?:parse|split)\\(\\s*${escapeRegExp(url)}\\s*[,)]`);
  const values = localValues(call, parsed);
  return values.length > 0 && values.every((v) => parses.test(v.text));
}

/**
 * Why a request in a notebook or an example still needs a timeout: it runs in a loop behind a progress bar
 * (`for page in tqdm(range(num_pages))`), which its author expects to run long and leaves alone. A blind review
 * (review31) judged all four such requests in huggingface/notebooks worth a timeout (paged GitHub scraping with
 * hour-long rate-limit sleeps, a walk over hundreds of concept models), and the one in a plain loop over a few image
 * URLs noise.
 */
const BEHIND_PROGRESS_BAR = 'in a loop behind a progress bar, which runs long enough that nobody watches each request';

/** Progress bars: a loop over one of these is expected to run long. */
const PROGRESS_BARS = /^tqdm(\.(auto|notebook|std|rich|asyncio))?\.(tqdm|trange)$/;

/** BEHIND_PROGRESS_BAR when the call is inside a `for` loop (in its own function) over a progress bar, else undefined. */
function behindProgressBar(call: Node, facts: FileFacts): string | undefined {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return undefined;
    const iterable = p.type === 'for_statement' ? p.childForFieldName('right') : null;
    if (iterable?.type === 'call' && PROGRESS_BARS.test(facts.calleeName(iterable) ?? '')) return BEHIND_PROGRESS_BAR;
  }
  return undefined;
}

/**
 * Why a request that fetches a missing file costs little: a blind review judged facenet's Google Drive download (run
 * once for a missing model archive) and yolov7's release lookup for a missing weight file noise, while requests in
 * import loops, request handlers and update checks on every import were worth a timeout.
 */
const ONCE_WHEN_MISSING = 'made only when a file is missing: a download once per machine, a setup step someone watches';

/**
 * Why a request in a Google Drive download costs little: Drive serves files someone shared (a dataset archive, model
 * weights), which research code fetches once per machine, often with a copy of torchvision's
 * `download_file_from_google_drive` and its confirm-token second request. Blind reviews judged all ten such findings noise
 * (vissl in review37; mmf, CRSLab and ddim in review39), none worth a timeout.
 */
const GOOGLE_DRIVE_DOWNLOAD = 'in a Google Drive download: a shared dataset or weights file, fetched once per machine by someone who watches it';

/** Drive's file URLs (`drive.google.com/...`, `docs.google.com/uc?export=download`), not Docs or Sheets exports. */
const GOOGLE_DRIVE_URL = /\bdrive\.google\.com\b|\bdocs\.google\.com\/uc\b/;

/** The call is in a function that names Google Drive: its name (`download_from_google_drive`) or a Drive URL in its body. */
function inGoogleDriveDownload(call: Node, text: string): boolean {
  const def = enclosingDef(call);
  if (!def) return false;
  return /google_?drive|gdrive/i.test(def.childForFieldName('name')?.text ?? '') || GOOGLE_DRIVE_URL.test(text.slice(def.startIndex, def.endIndex));
}

/**
 * Why a request in `ez_setup.py` or `distribute_setup.py` costs little: setuptools' retired bootstrap scripts, still copied
 * in old projects, download setuptools once when it is missing, if ever (a modern pip installs it first). Both reviewers
 * judged both such findings noise (pybedtools, cgat-apps; review39).
 */
const SETUPTOOLS_BOOTSTRAP = "in setuptools' retired bootstrap script, which downloads setuptools once when it is missing, if ever";

function isSetuptoolsBootstrap(filePath: string | undefined): boolean {
  return !!filePath && /^(ez_setup|distribute_setup)\.py$/.test(path.basename(filePath));
}

/**
 * Why `timeout=None` written out is low impact: it is the author's choice, not an omission. A blind review judged the 29
 * such calls of a scraping library (pybaseball waits as long as the site takes, on purpose) noise: the hint stays in
 * the editor for anyone who wants a bound.
 */
const CHOSEN_NONE = "`timeout=None` is written out: waiting as long as the server takes is the code's stated choice";

/**
 * Why a request in a branch that tests the code's timeout setting is low impact: ScrapeGraphAI's fetch node calls
 * `requests.get(source)` under `if self.timeout is None:` and passes `timeout=self.timeout` otherwise. Waiting without
 * a bound there is what its user configured, and review35 judged the finding wrong.
 */
const CHOSEN_BY_SETTING = 'in a branch that tests the timeout setting: no timeout is what its user configured';

/** A test of a timeout setting: `self.timeout is None`, `if timeout:`, `request_timeout > 0`. */
const TIMEOUT_SETTING = /timeout/i;

/** The call is in a branch (within its function) of an `if` or `elif` whose condition reads a timeout setting. */
function underTimeoutTest(call: Node): boolean {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') return false;
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && TIMEOUT_SETTING.test(p.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/**
 * Why a request in a program's own top-level statements costs little: a blind review judged the demo clients of a
 * course (a loop of requests to a localhost server at the top of client.py) and a utility that parses its command line
 * at module level then fetches each run's metadata noise, while every request judged worth a timeout sat in a function
 * of a library, a driver or a service that other code calls.
 */
const PROGRAM_TOP_LEVEL = "in a program's top-level code, run by someone at a terminal who sees a hang and stops it";

/**
 * Why a request in a function of a standalone script (a file outside any package, that no service framework runs) costs
 * little: blind reviews judged every such finding noise (a tutorial's dataset download helper, a course's demo client,
 * a chapter script fetching its data), while all 60 judged useful sat in package modules, where other code calls them
 * unattended.
 */
const STANDALONE_SCRIPT = 'in a standalone script (no package around it), run by someone who sees a hang and stops it';

/**
 * Why a request in a package's `cli/` or `bin/` folder costs little: those modules are the commands a person types
 * (oggm's netrc set-up testing the credentials just typed, AutoTrader's demo-file download, luigi's grep of a local
 * scheduler), and blind reviews judged each such request noise: whoever typed the command sees a hang and stops it.
 */
const COMMAND_LINE_TOOL = "in a command-line tool's module (a `cli/` or `bin/` folder), run by someone at a terminal who sees a hang";

/** Folders that hold a package's command-line commands. */
const COMMAND_LINE_FOLDERS = new Set(['cli', 'bin']);

/** The file sits directly in a `cli/` or `bin/` folder. */
function inCommandLineFolder(filePath: string | undefined): boolean {
  return !!filePath && COMMAND_LINE_FOLDERS.has(path.basename(path.dirname(filePath)).toLowerCase());
}

/** Frameworks that run a module's functions as a service, unattended: a hang there blocks a request or a worker. */
const SERVICE_FRAMEWORKS = ['flask', 'fastapi', 'django', 'aiohttp', 'tornado', 'starlette', 'sanic', 'celery', 'falcon', 'bottle'];

/** Packaging files: a module beside one is the project's own distributed module (a single-module project), not a script. */
const PACKAGING_FILES = ['pyproject.toml', 'setup.py', 'setup.cfg'];

/**
 * The file is a script outside any package (no `__init__.py` beside it, no packaging file beside it) that no service
 * framework runs. Unknown (false) without a file system.
 */
function inStandaloneScript(facts: FileFacts, filePath: string | undefined, files: Parameters<typeof isPackageModule>[1]): boolean {
  if (!isOutsideAnyPackage(filePath, files) || PACKAGING_FILES.some((f) => files.exists(path.join(path.dirname(filePath), f)))) return false;
  // A module of a namespace subpackage is imported by the package's code like any other (khoj's image generation, called
  // from its web routes: judged useful in review36 and hidden as a script's).
  if (inNamespaceSubpackage(filePath, files)) return false;
  return !SERVICE_FRAMEWORKS.some((m) => facts.importsModule(m));
}

/**
 * Why a request in a package's module that nothing imports, run as a program, costs little: a module with a
 * `if __name__ == "__main__":` block that no other file of the project imports or names (no module, notebook, packaging
 * entry point or `bin/`/`scripts/` program spells its name) is a script kept inside the package, run by hand: LLaVA's
 * `eval/run_llava.py`, cognita's qdrant migration, openelections' FIPS mapping pull, jcvi's taxonomy lookup. Blind
 * reviews (review36-40) judged all 11 such findings noise and none useful; a worker that a web framework serves stays.
 */
const UNIMPORTED_PROGRAM =
  'in a program kept inside the package (it has a `__main__` block and no other file of the project imports it), run by hand by someone who sees a hang';

/** Files that are a package's own machinery, imported or run by tools, never "a program nobody imports". */
const PACKAGE_MACHINERY = new Set(['__init__.py', '__main__.py', 'setup.py', 'conftest.py']);

/**
 * The file is a `.py` module with a `__main__` block, no service framework runs it, and no other file of the project
 * spells its module name (a name with a dash cannot be imported at all). Unknown (false) without a file system, without a
 * project top, or in a project too large to read.
 */
function inUnimportedProgram(facts: FileFacts, filePath: string | undefined, files: Files, projectRoot: string | undefined): boolean {
  if (!filePath?.endsWith('.py') || PACKAGE_MACHINERY.has(path.basename(filePath))) return false;
  if (!hasMainGuard(facts.root) || SERVICE_FRAMEWORKS.some((m) => facts.importsModule(m))) return false;
  return spelledOnlyHere(filePath, path.basename(filePath, '.py'), files, projectRoot) === true;
}

/** A top-level statement that reads the program's command line: `args = parser.parse_args()`, `path = sys.argv[1]`. */
const READS_COMMAND_LINE = /\bparse_(known_)?args\s*\(|\bsys\.argv\b/;
const commandLineMemo = new WeakMap<FileFacts, boolean>();

/** The module's own statements (not its defs or classes) read the command line: importing it would parse sys.argv. */
function topLevelReadsCommandLine(facts: FileFacts): boolean {
  let known = commandLineMemo.get(facts);
  if (known === undefined) {
    known = facts.root.namedChildren.some(
      (stmt) =>
        stmt !== null &&
        stmt.type !== 'function_definition' &&
        stmt.type !== 'class_definition' &&
        stmt.type !== 'decorated_definition' &&
        READS_COMMAND_LINE.test(stmt.text),
    );
    commandLineMemo.set(facts, known);
  }
  return known;
}

/**
 * The request is a statement of a program's top-level code (outside any def, class or lambda; a loop at module level
 * too) in a file that runs as a program: a script outside any package, or a package's module whose top level parses
 * its own command line (cleanrl_utils' resume.py). A package module's top level without one runs at import, in
 * whatever imports it: a hang there is not watched, so it keeps its rank.
 */
function inProgramTopLevel(call: Node, facts: FileFacts, filePath: string | undefined, files: Parameters<typeof isPackageModule>[1]): boolean {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
  }
  if (!filePath?.endsWith('.py')) return false; // notebooks are run by hand already (the engine's unattendedOnly)
  return !isPackageModule(filePath, files) || topLevelReadsCommandLine(facts);
}

/**
 * Why a request in a function that prompts at the terminal costs little: the function already waits for a person
 * (`input()`, `getpass()`, `click.prompt()`), so whoever answered the prompt sees a hang and stops it. review36 judged
 * such requests noise with both reviewers (jirashell's OAuth dance, an assistant's one-time local-server setup).
 */
const ASKS_AT_TERMINAL = 'in a function that prompts at the terminal: the person answering it sees a hang and stops it';

/** Prompts of the terminal libraries, by module: `click.prompt(...)`, `getpass.getpass(...)`, `typer.confirm(...)`. */
const PROMPTS = /\b(?:click|typer|getpass)\.(?:prompt|confirm|getpass)\s*\(/;

/** The function around the call (not a nested one) prompts at the terminal: builtin `input()` or a library prompt. */
function asksPersonAtTerminal(call: Node, facts: FileFacts): boolean {
  const fn = enclosingDef(call);
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return false;
  if (callsBuiltinInput(fn, facts, enclosingDef)) return true;
  const prompt = PROMPTS.exec(body.text)?.[0];
  return !!prompt && facts.importsModule(prompt.slice(0, prompt.indexOf('.')));
}

/** Calls that ask whether a path exists: `os.path.exists(p)`, `os.path.isfile(p)`, `Path(p).exists()`, `p.is_file()`. */
const EXISTS_FUNCTIONS = new Set(['os.path.exists', 'os.path.isfile', 'os.path.isdir', 'os.path.lexists']);
const EXISTS_METHODS = new Set(['exists', 'is_file', 'is_dir']);

/** The path expression `expr` asks exists (`p` of `os.path.exists(p)` or `p.exists()`), or null when it asks nothing of the kind. */
function pathAskedToExist(expr: Node | null, facts: FileFacts): Node | null {
  let e = expr;
  while (e?.type === 'parenthesized_expression') e = e.namedChild(0);
  if (e?.type !== 'call') return null;
  const fn = e.childForFieldName('function');
  const name = facts.qualifiedName(fn);
  if (name) return EXISTS_FUNCTIONS.has(name) ? (e.childForFieldName('arguments')?.namedChild(0) ?? null) : null;
  if (fn?.type !== 'attribute' || !EXISTS_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return null;
  // `(assets_dir / name).exists()`: the branch spells the path without the parentheses (`np.save(assets_dir / name, a)`).
  let path = fn.childForFieldName('object');
  while (path?.type === 'parenthesized_expression') path = path.namedChild(0);
  return path;
}

/**
 * node runs only to fetch a missing file: in the body of `if not exists(p):` or the `else:` of `if exists(p):`, within its
 * function (or the module), where that branch names `p` again (it writes the file, or hands `p` to the download). A
 * branch that never names the path is no download (the standard library's saxutils opens a local file when one exists
 * and otherwise reads the URL, on every call).
 */
function underMissingGuard(node: Node, facts: FileFacts): boolean {
  let child = node;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
    if (p.type === 'if_statement') {
      const condition = p.childForFieldName('condition');
      const inBody = p.childForFieldName('consequence')?.equals(child) ?? false;
      const negated = condition?.type === 'not_operator' ? condition.childForFieldName('argument') : null;
      const otherwise = child.type === 'else_clause' || child.type === 'elif_clause';
      const path = inBody && negated ? pathAskedToExist(negated, facts) : otherwise ? pathAskedToExist(condition, facts) : null;
      if (path && namesAgain(child, path)) return true;
    }
    child = p;
  }
  return false;
}

/** The branch spells the path expression again, as a whole expression (`file_path`, `Path(root) / name`). */
function namesAgain(branch: Node, path: Node): boolean {
  const spelled = path.text;
  for (let at = branch.text.indexOf(spelled); at !== -1; at = branch.text.indexOf(spelled, at + 1)) {
    const before = branch.text[at - 1] ?? ' ';
    const after = branch.text[at + spelled.length] ?? ' ';
    if (!/[\w.]/.test(before) && !/[\w(]/.test(after)) return true;
  }
  return false;
}

/** The request runs only when a file is missing: under such a guard, or in a function every call of which in this file is. */
function onlyWhenMissing(call: Node, facts: FileFacts): boolean {
  if (underMissingGuard(call, facts)) return true;
  const def = enclosingDef(call);
  if (!def) return false;
  const callers = callsOf(def, facts);
  return callers.length > 0 && callers.every((c) => underMissingGuard(c, facts));
}

/**
 * Endpoints of text, image and speech generation and of model scoring (Ollama, OpenAI-style, inference servers). Not a
 * dotted method name after the word (Slack's `/api/chat.postMessage`).
 */
const GENERATION_URL = /\/(api\/)?(generate|chat|completions?|responses|messages|infer|inference|predict|score|\w*logprobs)\b(?!\.)/i;
/**
 * A mail or chat-message service, whose `/messages` endpoint sends a message and answers in seconds (review42: Masonite's
 * Mailgun driver, `f"{endpoint}/{domain}/messages"`, was told a model call can take minutes; review43: a Messenger bot's
 * send through `graph.facebook.com/.../messages`). Asked of the URL and of the
 * names of the function and class around the call, for `/messages` only: a chat bot's call of `/v1/chat/completions` is
 * still a model's.
 */
const MESSAGING = /mail|smtp|sms|twilio|slack|telegram|discord|whatsapp|webhook|messenger|graph\.facebook/i;

function messagingService(call: Node, url: Node | undefined): boolean {
  if (url && MESSAGING.test(url.text)) return true;
  const def = enclosingDef(call);
  const cls = def ? classOfMethod(def) : null;
  return [def, cls].some((n) => MESSAGING.test(n?.childForFieldName('name')?.text ?? ''));
}

const ASSIGNMENT = new Set(['assignment']);

/**
 * A call to a generation endpoint: its URL names one (written in the call, or in the local variable passed:
 * `url = f"{base}/generate/"`), or its JSON body carries a `prompt` or `messages` ('model'); or it posts and streams the
 * answer (`stream=True`; a streamed GET is a download: 'stream'). Such an answer can take minutes.
 */
function isGenerationCall(call: Node, first: Node | undefined): 'model' | 'stream' | null {
  const url = keywordArgument(call, 'url')?.childForFieldName('value') ?? first;
  const endpoint = (text: string) => {
    const m = GENERATION_URL.exec(text);
    if (m === null) return false;
    const word = m[2].toLowerCase();
    // `/v1/responses` creates a model response; a path that goes on (`/surveys/{id}/responses/data`, review43's Forsta
    // survey API) reads stored answers.
    if (word === 'responses' && text[m.index + m[0].length] === '/') return false;
    return !(word === 'messages' && (MESSAGING.test(text) || messagingService(call, url)));
  };
  if (url && endpoint(url.text)) return 'model';
  if (url?.type === 'identifier' && localValues(call, url.text).some((v) => endpoint(v.text))) return 'model';
  const body = keywordArgument(call, 'json')?.childForFieldName('value');
  if (body?.type === 'dictionary' && /["'](prompt|messages)["']\s*:/.test(body.text)) return 'model';
  // A streamed POST is not always a model's: aim's tracking client streams its query results. The long read timeout
  // fits both; the message says only what the code shows (review36 judged the "model call" wording wrong there).
  const method = call.childForFieldName('function')?.text.split('.').pop();
  return method === 'post' && keywordArgument(call, 'stream')?.childForFieldName('value')?.text === 'True' ? 'stream' : null;
}

function positionalCount(args: Node): number {
  return args.namedChildren.filter((a) => a && a.type !== 'comment' && a.type !== 'keyword_argument').length;
}

/** `requests.get`, `urlopen`, or a `requests.Session` method, as written; null otherwise. */
function httpCallee(ctx: Parameters<Parameters<typeof defineRule>[0]['check']>[1], fn: Node, call: Node): string | null {
  const q = ctx.facts.qualifiedName(fn);
  if (q) return FUNCTIONS.has(q) && !isShadowed(ctx.facts, rootName(fn), call) ? fn.text : null;
  if (fn.type !== 'attribute') return null;
  const method = fn.childForFieldName('attribute')!.text;
  if (!VERBS.includes(method)) return null;
  // A `requests.Session` receiver is always built from (or annotated with) an import of requests:
  // without one, `d.get(k)` and other method calls need no scope analysis.
  if (!ctx.facts.importsModule('requests')) return null;
  const receiver = fn.childForFieldName('object')!;
  if (receiverKind(ctx.facts, receiver) !== 'requests.Session') return null;
  return givenDefaultTimeout(receiver.text, ctx.text) ? null : fn.text;
}

/**
 * The code gives this session a timeout for every request: `session.request = partial(session.request, timeout=t)`
 * (instaloader; `get` and `post` go through `request`), or mounts an adapter built with one
 * (`session.mount("https://", TimeoutHTTPAdapter(timeout=t))`). Asked of the file's text, by the receiver's spelling.
 */
function givenDefaultTimeout(receiver: string, text: string): boolean {
  if (!text.includes('timeout')) return false;
  const r = `(?<![\\w.])${escapeRegExp(receiver)}`;
  const wrapped = new RegExp(`${r}\\.request\\s*=\\s*(?:functools\\.)?partial\\((?:[^()]|\\([^()]*\\))*\\btimeout\\s*=`);
  const mounted = new RegExp(`${r}\\.mount\\([^()]*\\([^()]*\\btimeout\\s*=`);
  return wrapped.test(text) || mounted.test(text);
}

/** The values assigned to a local variable in the function around the call. */
function localValues(call: Node, name: string): Node[] {
  const body = enclosingDef(call)?.childForFieldName('body');
  if (!body) return [];
  return bindersSpelling(body, name, ASSIGNMENT)
    .map((a) => a.childForFieldName('right'))
    .filter((v): v is Node => v !== null);
}
