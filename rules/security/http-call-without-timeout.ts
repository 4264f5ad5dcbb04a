import * as path from 'node:path';
import { defineRule, type RuleContext } from '../../server/engine/rule';
import { escapeRegExp, type Node } from '../../server/syntax';
import {
  ASSIGNMENT,
  bindersSpelling,
  bindingOf,
  callsBuiltinInput,
  callsOf,
  classAround,
  classOfMethod,
  decoratorCallee,
  decoratorsOf,
  enclosingDef,
  findDescendants,
  hasMainGuard,
  hasSplatArguments,
  identifiersSpelled,
  identifiersSpelledInFile,
  inNamespaceSubpackage,
  isOutsideAnyPackage,
  isPackageModule,
  isRequestHandler,
  isShadowed,
  isTestFile,
  isUnreachable,
  isVariable,
  keywordArgument,
  keywordValue,
  lintMemo,
  occurrences,
  parameterNames,
  positionalArguments,
  receiverKind,
  rootName,
  scopeOf,
  setsDefaultSocketTimeout,
  someProjectFile,
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
      'it imports from), a default urlopen inherits and requests does not. A request made only when a file is missing (under `if not os.path.exists(path):`, or `... or overwrite:`, or in a ' +
      'function called only there) downloads it once per machine, a setup step someone watches: a hint. So is a request in a ' +
      "program's own top-level statements (a demo client's loop at the top of a script outside any package, or a module " +
      "whose top level parses its command line), one in a package's `cli/` or `bin/` commands, and one anywhere in a " +
      'standalone script (no package around it) that no web or task framework runs, one in a package module with a ' +
      '`__main__` block that no other file of the project imports (a program kept in the package), one in a download function ' +
      '(`download_pretrained`, `download_file`: files fetched once, for someone watching), and one in a function that prompts ' +
      'at the terminal (`input()`, `getpass()`, `click.prompt()`) or is a command of an interactive `cmd.Cmd` shell (`do_import`): ' +
      'whoever started it at a terminal sees a hang and ' +
      'stops it. So is a request that tells a server to shut down, one in a click or typer command (its function, or a ' +
      "command module under `cli/` or `commands/`), and one in a package's `datasets` modules (example data fetched once), " +
      'unless its function takes or passes a timeout elsewhere, catches the timeout error or is retried by a decorator (both ' +
      'need a timeout to ever run), or its class or module keeps a timeout the call leaves out.',
    instead:
      'Always pass `timeout=` (seconds, or a `(connect, read)` tuple such as `timeout=(3.05, 30)`): the one the code already ' +
      "has where it shows one (the module's `TIMEOUT` its other requests pass, the class's `self.timeout`, the function's own " +
      '`timeout`), as the fix does. Then `except requests.Timeout` and retry decorators around the call can run. A ' +
      "client's one transport (a function taking the HTTP method as a parameter, which every API call goes through) " +
      'carries its slowest calls too: no edit is offered there; give the client a timeout setting and pass it.',
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
    if (isUnreachable(call)) return; // leftover sample code after a `return` never runs
    // urlopen("data:...") / urlopen("file://...") never touch the network.
    const first = m.need('args').namedChildren.find((a) => a && a.type !== 'comment');
    if (first?.type === 'string' && /^[a-zA-Z]*['"](data:|file:)/.test(first.text)) return;
    if (first?.type === 'identifier' && (rejectsNetworkUrls(call, first.text) || onlyForLocalScheme(call, first.text))) return;
    const timeout = keywordArgument(call, 'timeout');
    const isUrlopen = what.endsWith('urlopen');
    if (isUrlopen && !timeout && positionalCount(m.need('args')) >= 3) return; // urlopen(url, data, timeout)
    // urlopen without a timeout inherits socket.setdefaulttimeout(...), which the program sets (here or in a module it imports).
    if (isUrlopen && !timeout && setsDefaultSocketTimeout(ctx.facts)) return;
    // requests' calls, where the project replaces `Session.request` with its own that fills in a default timeout.
    if (!isUrlopen && !timeout && patchesSessionRequest(ctx)) return;
    if (timeout && timeout.childForFieldName('value')?.type !== 'none') return;
    // A model generating text or images answers after minutes, not seconds: 10 s would fail every long answer.
    const generation = isGenerationCall(call, first, ctx.facts) ?? (runsAnAudit(call, first) ? 'audit' : holdsRequestOpen(call) ? 'long-poll' : null);
    const answerSeconds = generation === 'audit' ? 120 : 600;
    const value = generation ? (isUrlopen ? `${answerSeconds}` : `(10, ${answerSeconds})`) : '10';
    const minutes = `${answerSeconds / 60} minutes`;
    const advice = generation
      ? `; ${SLOW_ANSWER[generation]}: pass \`timeout=${value}\` (${isUrlopen ? '' : '10 s to connect, '}${minutes} to answer) or what the service needs`
      : '';
    const reason = generation
      ? `an answer slower than ${minutes} now raises a timeout error instead of being waited for; adjust the value to the service`
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
    // The project's own timeout, when the code shows one for this call: the fix passes it rather than a made-up 10.
    const known = knownTimeout(call, ctx.facts, isUrlopen, generation !== null);
    const handler = timeoutHandler(call, ctx.facts, isUrlopen);
    // A client's one transport carries its slow calls too: no single number suits them all, so advice without an edit.
    const transport = !known && !generation && isClientTransport(call);
    const edit = transport ? null : appendArgument(ctx.text, call, `timeout=${known?.name ?? value}`);
    const lowImpact = lowImpactReason(call, first, ctx.facts, ctx.filePath, ctx.files, ctx.text, ctx.projectRoot, !!known || !!handler);
    const pass = known ? `${known.says}: pass \`timeout=${known.name}\`` : transport ? TRANSPORT_ADVICE : `pass \`timeout=\` (seconds)${advice}`;
    ctx.report({
      node: call,
      message: `\`${fn.text}()\` without \`timeout=\` waits forever on an unresponsive server; ${pass}${handler ? `; ${handler}` : ''}`,
      fixTitle: known ? `Add timeout=${known.name}` : generation ? `Add timeout=${value}` : undefined,
      reason: known
        ? `a response slower than \`${known.name}\` now raises a timeout error instead of being waited for; check that the value suits this call`
        : reason,
      unattendedReason,
      edits: edit ? [edit] : undefined,
      lowImpact,
      keptReason: lowImpact ? undefined : keptReason(ctx.facts, ctx.filePath, ctx.files),
    });
  },
});

type Files = Parameters<typeof isPackageModule>[1];

/** An assignment that replaces requests' `Session.request` (`Session.request = session_request`), not a comparison. */
const SESSION_REQUEST_REPLACED = /\bSession\.request\s*=(?!=)/;
/** Code that gives a missing timeout a value: `timeout or conf.timeout`, `if timeout is None:`, `kw.setdefault("timeout", 10)`. */
const FILLS_IN_TIMEOUT = /\btimeout\s+(?:or\b|is\s+None\b)|setdefault\(\s*['"]timeout['"]/;

/**
 * The project replaces `requests.Session.request`, in a file that fills in a missing timeout: every requests call (`get`
 * and `post` go through it) gets the default the replacement gives it. pocsuite3's patch_all() sets `timeout or
 * conf.timeout` (10 s) at start-up, in a module the calling files never import: review50's reviewers judged all four
 * findings there wrong. Searched in this file, then in the project's other code files (someProjectFile, kept a minute).
 */
function patchesSessionRequest(ctx: RuleContext): boolean {
  const patches = (text: string) => SESSION_REQUEST_REPLACED.test(text) && FILLS_IN_TIMEOUT.test(text);
  if (patches(ctx.text)) return true;
  return someProjectFile(ctx.filePath, 'replaces requests.Session.request', patches, ctx.files, ctx.projectRoot) === true;
}

/** Why a request without a timeout costs little where it is (a hint, off the default output), or undefined. */
function lowImpactReason(
  call: Node,
  first: Node | undefined,
  facts: FileFacts,
  filePath: string | undefined,
  files: Files,
  text: string,
  projectRoot: string | undefined,
  slip: boolean,
): string | undefined {
  if (onlyWhenMissing(call, facts)) return ONCE_WHEN_MISSING;
  if (underTimeoutTest(call)) return CHOSEN_BY_SETTING;
  if (inProgramTopLevel(call, facts, filePath, files)) return PROGRAM_TOP_LEVEL;
  if (inStandaloneScript(facts, filePath, files)) return STANDALONE_SCRIPT;
  if (inUnimportedProgram(facts, filePath, files, projectRoot)) return UNIMPORTED_PROGRAM;
  if (inCommandLineFolder(filePath)) return COMMAND_LINE_TOOL;
  if (asksPersonAtTerminal(call, facts)) return ASKS_AT_TERMINAL;
  if (inShellCommand(call, facts)) return SHELL_COMMAND;
  if (inGoogleDriveDownload(call, text)) return GOOGLE_DRIVE_DOWNLOAD;
  if (isSetuptoolsBootstrap(filePath)) return SETUPTOOLS_BOOTSTRAP;
  if (asksServerToShutDown(call, first)) return SHUTDOWN_REQUEST;
  // A function that takes or passes a timeout elsewhere forgot it here: a slip worth fixing wherever it sits (AutoTS's
  // dataset loader passes its `timeout` parameter to every request but two, judged useful by both reviewers of review38).
  // So is a request whose project timeout is in sight (a constant, `self.timeout`) or whose timeout handler or retry it
  // defeats (`slip`): reviewers of held-out code judged those worth fixing wherever they sat (issue 26).
  if (slip || handlesTimeoutElsewhere(call)) return undefined;
  if (callsThisMachine(call) && !inRequestHandler(call)) return LOOPBACK_SERVER;
  if (inDownloadFunction(call) && !inRequestHandler(call)) return FILE_DOWNLOAD;
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

/**
 * Why a request to a server on this machine costs little: the code talks to its own or a local helper server (a
 * dashboard calling its own API on 127.0.0.1, a readiness poll of a container it started, a local routing server), whose
 * hang is the local server's own and is seen at once by whoever runs both. Blind reviewers judged all fourteen such
 * requests of review45 and review46 noise (and torchserve's registrations with its local management API, five times in
 * earlier reviews); the loopback requests judged useful in review41 and review43 only had localhost as a parameter's or
 * a setting's default, or nowhere in the URL, which this does not match, and review36's were web routes (kept).
 */
const LOOPBACK_SERVER = 'a request to a server on this machine (a loopback address), whose hang is seen at once by whoever runs both';

/**
 * A def around the call is a web route (`@router.get(...)`): a stuck local sidecar ties up a worker per request. frigate's
 * FastAPI routes asking go2rtc at 127.0.0.1 were judged worth a timeout by both reviewers of review36.
 */
function inRequestHandler(call: Node): boolean {
  for (let def = enclosingDef(call); def; def = enclosingDef(def)) if (isRequestHandler(def)) return true;
  return false;
}

/** An http(s) URL, as the code spells it, whose host is this machine: `"http://localhost:9200/..."`, `f"http://127.0.0.1:{port}"`. */
const LOOPBACK_URL = /^[rRbBuUfF]*['"]https?:\/\/(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?=[:/'"{])/;

/**
 * The call's URL is spelled out with a loopback host: the first argument or `url=`, or a local bound once in the same
 * function to such a string, to `"...".format(...)` of one, or to `Request("...")`.
 */
function callsThisMachine(call: Node): boolean {
  const positional = positionalArguments(call);
  // `requests.request("POST", url)`: the method comes first.
  const named = call.childForFieldName('function')?.text.endsWith('request') ? positional[1] : positional[0];
  let url: Node | undefined = keywordArgument(call, 'url')?.childForFieldName('value') ?? named;
  const def = enclosingDef(call);
  if (url?.type === 'identifier' && def) {
    const bound = localAssignments(def, url.text);
    if (bound.length !== 1 || bound[0].endIndex > call.startIndex) return false;
    url = bound[0].childForFieldName('right') ?? undefined;
  }
  return !!url && LOOPBACK_URL.test(spelledUrl(url)?.text ?? '');
}

/** The string a URL expression starts from: itself, the receiver of `.format(...)`, or a `Request(...)`'s first argument. */
function spelledUrl(node: Node): Node | null {
  if (node.type === 'string' || node.type === 'concatenated_string') return node;
  if (node.type !== 'call') return null;
  const fn = node.childForFieldName('function');
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format') return fn.childForFieldName('object');
  if (fn && /(?:^|\.)Request$/.test(fn.text)) {
    const arg = positionalArguments(node)[0];
    return arg ? spelledUrl(arg) : null;
  }
  return null;
}

/** What the code already has for this call's timeout: the expression to pass and what the message says of it. */
interface KnownTimeout {
  name: string;
  says: string;
}

/**
 * Names that clearly hold a request timeout: `timeout`, `TIMEOUT`, `_TIMEOUT`, `REQUEST_TIMEOUT`, `http_timeout`,
 * `DEFAULT_TIMEOUT`, `api_timeout_s`; all lower or all upper case. Not another wait (`LOCK_TIMEOUT`, `idle_timeout`,
 * `SESSION_TIMEOUT_MINUTES`, `timeout_ms`), nor a class (`Timeout`) or a connect-only bound.
 */
const TIMEOUT_NAMES = [
  /^_*(?:(?:default|request|requests|req|http|https|api|connection)_)*timeout(?:_(?:s|sec|secs|seconds))?$/,
  /^_*(?:(?:DEFAULT|REQUEST|REQUESTS|REQ|HTTP|HTTPS|API|CONNECTION)_)*TIMEOUT(?:_(?:S|SEC|SECS|SECONDS))?$/,
];
/** Of those, the names that say HTTP by themselves: passed nowhere yet, they still are the request timeout. */
const REQUEST_TIMEOUT_NAME = /^_*(?:req|requests?|https?|api)_/i;

const isTimeoutName = (name: string) => TIMEOUT_NAMES.some((r) => r.test(name));

/** The last name of a call's callee: `get` of `self.session.get(...)`, `urlopen` of `urlopen(...)`. */
function calleeWord(call: Node): string {
  const fn = call.childForFieldName('function');
  return (fn?.type === 'attribute' ? fn.childForFieldName('attribute') : fn)?.text ?? '';
}

/**
 * `expr` is passed whole as another request's timeout: the value of `timeout=` in a call of an HTTP verb or `urlopen`
 * (`requests.get(url, timeout=TIMEOUT)`, `self.session.post(u, timeout=self.timeout)`), or the default of a timeout
 * parameter (`def fetch(url, timeout=TIMEOUT)`).
 */
function passedAsRequestTimeout(expr: Node): boolean {
  const holder = expr.parent;
  if (holder?.type === 'default_parameter' || holder?.type === 'typed_default_parameter') {
    return holder.childForFieldName('value')?.equals(expr) === true && isTimeoutName(holder.childForFieldName('name')?.text ?? '');
  }
  if (holder?.type !== 'keyword_argument' || holder.childForFieldName('name')?.text !== 'timeout') return false;
  if (holder.childForFieldName('value')?.equals(expr) !== true) return false;
  const call = holder.parent?.parent;
  return call?.type === 'call' && (VERBS.includes(calleeWord(call)) || calleeWord(call) === 'urlopen');
}

/** Modules whose attributes are sentinels or classes, never a number of seconds (`socket._GLOBAL_DEFAULT_TIMEOUT`). */
const LIBRARY_MODULES = /^(?:socket|urllib|urllib3|requests|httpx|aiohttp|http)(?:\.|$)/;
/** Environment reads: their value is a string, which no request takes as a timeout. */
const ENVIRONMENT_READ = /^os\.(?:environ\b|getenv\b)/;
/** Methods that read a setting: `config.getint("http", "timeout")`, `settings.get("timeout", 30)`. */
const SETTING_GETTERS = /^(?:get|getint|getfloat|get_int|get_float)$/;

/** Where a timeout name was found, which decides the values it may hold. */
type Level = 'function' | 'class' | 'module';

/**
 * `v` holds a number of seconds a request takes as its timeout: a number or arithmetic of numbers, a `(connect, read)`
 * pair of numbers (not for `urlopen`, which takes one number), `int(...)`/`float(...)`, a setting read (an attribute, a
 * subscript; in a function, a `.get(...)` of its settings too), a parameter of `def` that may not be None, `x or <one
 * of those>`. Never None, an environment string, or a deadline (`time.time() + 30`).
 */
function holdsSeconds(v: Node | null, level: Level, urlopen: boolean, def: Node | null, facts: FileFacts): boolean {
  if (!v) return false;
  switch (v.type) {
    case 'integer':
    case 'float':
      return true;
    case 'parenthesized_expression':
      return holdsSeconds(v.namedChild(0), level, urlopen, def, facts);
    case 'binary_operator':
      return isNumberArithmetic(v);
    case 'tuple': {
      const parts = v.namedChildren.filter((c) => c && c.type !== 'comment');
      return !urlopen && parts.length === 2 && parts.every((c) => c?.type === 'integer' || c?.type === 'float');
    }
    case 'boolean_operator':
      return v.child(1)?.type === 'or' && holdsSeconds(v.childForFieldName('right'), level, urlopen, def, facts);
    case 'call': {
      const fn = v.childForFieldName('function');
      if (fn?.type === 'identifier') return (fn.text === 'int' || fn.text === 'float') && facts.isBuiltin(fn.text, v);
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (level === 'module' || !method || !SETTING_GETTERS.test(method) || !isSettingRead(fn!.childForFieldName('object'), facts)) return false;
      // `settings.get("timeout")` is None when the setting is missing: kept by a class only with a default. A function that
      // reads one into its own `timeout` (a feed's `feed-timeout`) read it for its request.
      const args = v.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
      return method !== 'get' || level === 'function' || (args.length >= 2 && args.at(-1)?.type !== 'none' && args.at(-1)?.type !== 'keyword_argument');
    }
    case 'attribute':
    case 'subscript':
      return isSettingRead(v, facts);
    case 'identifier':
      return level !== 'module' && !!def && isUsableParameter(def, v.text);
    default:
      return false;
  }
}

/** Arithmetic of number literals only: `60 * 5`. */
function isNumberArithmetic(v: Node | null): boolean {
  if (v?.type === 'integer' || v?.type === 'float') return true;
  if (v?.type === 'parenthesized_expression') return isNumberArithmetic(v.namedChild(0));
  return v?.type === 'binary_operator' && isNumberArithmetic(v.childForFieldName('left')) && isNumberArithmetic(v.childForFieldName('right'));
}

/** A read of the program's settings (`settings.HTTP_TIMEOUT`, `config["timeout"]`), not of a library's constant or the environment. */
function isSettingRead(v: Node | null, facts: FileFacts): boolean {
  if (!v || ENVIRONMENT_READ.test(v.text)) return false;
  let root: Node | null = v;
  while (root?.type === 'attribute' || root?.type === 'subscript') root = root.childForFieldName(root.type === 'attribute' ? 'object' : 'value');
  if (root?.type !== 'identifier') return root?.type === 'call' && root.text.length < 80; // `get_config()["timeout"]`
  return !LIBRARY_MODULES.test(facts.binding(root.text)?.target ?? '');
}

/** `def` has a parameter `name` that is a plain one (not `*args`) whose default, if any, is not None. */
function isUsableParameter(def: Node, name: string): boolean {
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const id = p.type === 'identifier' ? p : p.type === 'typed_parameter' ? p.namedChild(0) : p.childForFieldName('name');
    if (id?.type !== 'identifier' || id.text !== name) continue;
    if (p.type === 'identifier' || p.type === 'typed_parameter') return true;
    if (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') return false;
    return p.childForFieldName('value')?.type !== 'none';
  }
  return false;
}

/** Words of `text` that are timeout names, each once. */
function timeoutWords(text: string): string[] {
  return [...new Set(text.match(/\w*timeout\w*/gi) ?? [])].filter(isTimeoutName);
}

/**
 * The timeout the code already has for this call, where the name is visible there and its every use is a request's
 * timeout: the enclosing function's own parameter or local, then (not for a generation endpoint, whose answer takes
 * longer than the project's other requests) `self.<name>` of the method's class, then a module constant of this file or
 * one it imports. Null when there is none, or when the nearest one cannot be passed as it is.
 */
function knownTimeout(call: Node, facts: FileFacts, urlopen: boolean, generation: boolean): KnownTimeout | null {
  const def = enclosingDef(call);
  if (def) {
    const own = functionTimeout(call, def, facts, urlopen);
    if (own !== undefined) return own;
  }
  if (generation) return null;
  const cls = def ? classOfMethod(def) : null;
  if (def && cls && parameterNames(def)[0] === 'self' && !decoratorsOf(def).some((d) => /^(?:staticmethod|classmethod)$/.test(d.text))) {
    const attribute = classTimeout(cls, facts, urlopen);
    if (attribute !== undefined) return attribute;
  }
  return moduleTimeout(call, facts, urlopen);
}

/**
 * A timeout parameter or local of the call's own function (`def fetch(url, timeout=30)`, `timeout = cfg.getint(...)`),
 * bound before the call, never None, and read only as other requests' timeout: undefined when the function has no
 * timeout name, null when it has one that is not plainly the request's (bound to None, read in a deadline, passed to a
 * subprocess) or several.
 */
function functionTimeout(call: Node, def: Node, facts: FileFacts, urlopen: boolean): KnownTimeout | null | undefined {
  const body = def.childForFieldName('body');
  if (!body) return undefined;
  const params = parameterNames(def).filter(isTimeoutName);
  // A name the function assigns itself (`timeout = ...`; not `self._TIMEOUT = ...`, an attribute that names no local).
  const locals = timeoutWords(body.text).filter((n) => !params.includes(n) && localAssignments(def, n).length > 0);
  const names = [...params, ...locals];
  if (names.length === 0) return undefined;
  if (names.length > 1) return null;
  const name = names[0];
  let passed = 0;
  for (const id of occurrences(def, name)) {
    const binding = bindingOf(id);
    if (binding?.type === 'parameters' || binding?.type.endsWith('parameter')) {
      // The function's own parameter, not a nested def's of the same name.
      const owner = binding.type === 'parameters' ? binding.parent : binding.parent?.parent;
      if (!owner?.equals(def) || !isUsableParameter(def, name)) return null;
    } else if (binding) {
      if (binding.type !== 'assignment' || binding.endIndex > call.startIndex) return null;
      if (!holdsSeconds(binding.childForFieldName('right'), 'function', urlopen, def, facts)) return null;
    } else if (passedAsRequestTimeout(id)) passed++;
    else return null;
  }
  // A local must be bound on every path to the call: by a statement of the function's own body.
  if (!params.includes(name) && !localAssignments(def, name).some((a) => a.parent?.parent?.equals(body))) return null;
  return {
    name,
    says: passed > 0 ? `this function passes \`${name}\` to its other requests but not to this one` : `this function's \`${name}\` is never passed`,
  };
}

/** The plain assignments `name = ...` of def's own scope (nested defs and lambdas left out) to the variable `name`. */
function localAssignments(def: Node, name: string): Node[] {
  const out: Node[] = [];
  for (const id of occurrences(def, name)) {
    const binding = bindingOf(id);
    if (binding?.type === 'assignment' && binding.childForFieldName('left')?.equals(id) && scopeOf(binding).equals(def)) out.push(binding);
  }
  return out;
}

/**
 * A timeout the method's class keeps (`self.timeout = 130` in `__init__`, a `timeout = 30` class attribute) and reads
 * only as its requests' timeout: undefined when the class has none, null when it is not plainly the request's or when
 * there are several.
 */
function classTimeout(cls: Node, facts: FileFacts, urlopen: boolean): KnownTimeout | null | undefined {
  const body = cls.childForFieldName('body');
  if (!body) return undefined;
  const names = timeoutWords(body.text).filter((n) => new RegExp(`\\bself\\.${n}\\b`).test(body.text) || classAttribute(body, n) !== null);
  if (names.length === 0) return undefined;
  if (names.length > 1) return null;
  const name = names[0];
  let bound = classAttribute(body, name) !== null;
  if (bound && !holdsSeconds(classAttribute(body, name)!.childForFieldName('right'), 'class', urlopen, null, facts)) return null;
  let passed = 0;
  for (const id of identifiersSpelled(body, name)) {
    // A nested class's `self.timeout` belongs to that class's objects (ChuanhuChatGPT's `FetchDataPack` task deadline).
    if (!classAround(id)?.equals(cls)) continue;
    const ref = id.parent;
    if (ref?.type !== 'attribute' || !ref.childForFieldName('attribute')?.equals(id)) continue;
    if (ref.childForFieldName('object')?.text !== 'self') continue;
    const assign = ref.parent;
    if (assign?.type === 'assignment' && assign.childForFieldName('left')?.equals(ref)) {
      if (!holdsSeconds(assign.childForFieldName('right'), 'class', urlopen, enclosingDef(assign), facts)) return null;
      bound = true;
    } else if (passedAsRequestTimeout(ref)) passed++;
    else return null; // `self.timeout -= 1`, `time.time() + self.timeout`, `if self.timeout is None`
  }
  if (!bound) return null; // set by a base class elsewhere: its value is not in sight
  const attribute = `self.${name}`;
  const says =
    passed > 0 ? `the class passes \`${attribute}\` to its other requests but not to this one` : `the class sets \`${attribute}\` but never passes it`;
  return { name: attribute, says };
}

/** The class body's own `name = <value>` statement (a class attribute), or null. */
function classAttribute(body: Node, name: string): Node | null {
  for (const stmt of body.namedChildren) {
    const assign = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assign?.type === 'assignment' && assign.childForFieldName('left')?.type === 'identifier' && assign.childForFieldName('left')?.text === name)
      return assign;
  }
  return null;
}

/**
 * A module-level timeout constant of this file (`TIMEOUT = 20`, `_TIMEOUT = (60, 60)`) or one it imports by name
 * (`from .config import REQUEST_TIMEOUT`), not rebound in any function, read only as requests' timeouts, and read so at
 * least once unless its name says HTTP by itself (an imported one always: its value is not in sight).
 */
function moduleTimeout(call: Node, facts: FileFacts, urlopen: boolean): KnownTimeout | null {
  const found: { name: string; passed: number; imported: boolean }[] = [];
  for (const name of moduleTimeoutWords(facts)) {
    if (isShadowed(facts, name, call)) continue;
    const imported = facts.importsName(name);
    let bound = false;
    let passed = 0;
    let plain = true;
    for (const id of identifiersSpelledInFile(facts, name)) {
      // The import that binds it (`from .config import TIMEOUT`: a dotted name in the statement).
      if (!isVariable(id) || id.parent?.type === 'dotted_name' || id.parent?.type === 'aliased_import') continue;
      const binding = bindingOf(id);
      if (binding?.type.startsWith('import')) continue;
      if (binding) {
        const value = binding.type === 'assignment' ? binding.childForFieldName('right') : null;
        plain = plain && !imported && scopeOf(binding).type === 'module' && binding.parent?.parent?.type === 'module';
        plain = plain && holdsSeconds(value, 'module', urlopen, null, facts);
        bound = true;
      } else if (passedAsRequestTimeout(id)) passed++;
      else plain = false;
    }
    if (!plain || (!bound && !imported) || (imported && /[a-z]/.test(name))) continue;
    if (passed === 0 && (imported || !REQUEST_TIMEOUT_NAME.test(name))) continue;
    found.push({ name, passed, imported });
  }
  if (found.length !== 1) return null; // none, or several the code does not choose between
  const { name, passed, imported } = found[0];
  const has = imported ? `the module imports \`${name}\`` : `the module defines \`${name}\``;
  return { name, says: passed > 0 ? `${has}, which its other requests pass` : has };
}

/** The timeout names spelled in the file's module-level statements (assignments and imports), once per lint. */
const moduleTimeoutWords = lintMemo((facts) =>
  timeoutWords(
    facts.root.namedChildren
      .filter((s) => s?.type === 'expression_statement' || s?.type === 'import_from_statement')
      .map((s) => s!.text)
      .join('\n'),
  ),
);

/**
 * Exceptions a request's timeout raises, by qualified name: requests' for requests and sessions, the socket's for
 * urlopen (a read that stalls past it raises `socket.timeout`, `TimeoutError` since Python 3.10).
 */
const REQUESTS_TIMEOUTS = /^requests(?:\.exceptions)?\.(?:Timeout|ReadTimeout|ConnectTimeout)$/;
const SOCKET_TIMEOUTS = /^socket\.timeout$/;

/**
 * What the call defeats by having no timeout: a `try` around it (in its function) whose handler names the timeout error,
 * or a retry decorator on its function. Without a timeout a stalled server never raises, so neither ever runs.
 */
function timeoutHandler(call: Node, facts: FileFacts, urlopen: boolean): string | null {
  let child = call;
  for (let p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda' || p.type === 'class_definition') break;
    if (p.type !== 'try_statement' || !p.childForFieldName('body')?.equals(child)) continue;
    for (const clause of p.namedChildren) {
      if (clause?.type !== 'except_clause') continue;
      const caught = findDescendants(clause, (n) => n.type === 'attribute' || n.type === 'identifier').find(
        (n) =>
          n.parent?.type !== 'attribute' &&
          n.startIndex < (clause.namedChildren.find((c) => c?.type === 'block')?.startIndex ?? 0) &&
          catchesTimeout(n, facts, urlopen),
      );
      if (caught) return `the \`except ${caught.text}\` below never runs: without a timeout a stalled server never raises`;
    }
  }
  const def = enclosingDef(call);
  const retry = def ? decoratorsOf(def).find((d) => RETRY_DECORATOR.test(decoratorCallee(d).text)) : undefined;
  return retry ? `the \`@${decoratorCallee(retry).text}\` on this function never retries a stalled server: without a timeout it never raises` : null;
}

/**
 * A decorator that retries on errors: `@retry(...)`, `@tenacity.retry`, `@backoff.on_exception(...)`, `@retry_on_failure`,
 * `@with_retries`. Not ratelimit's `@sleep_and_retry`, which retries only its own rate-limit exception, nor backoff's
 * `@on_predicate`, which retries on return values: a timeout would not make either retry (FinRobot's SEC fetchers,
 * review69, where the claim misled a reviewer).
 */
const RETRY_DECORATOR = /^(?:\w+\.)*(?!sleep_and_retry$)(?:retry\w*|\w*_retr(?:y|ies)|on_exception)$/;

/** The exception expression `n` of an except header names the timeout error this call raises. */
function catchesTimeout(n: Node, facts: FileFacts, urlopen: boolean): boolean {
  if (urlopen && n.type === 'identifier' && n.text === 'TimeoutError') return facts.isBuiltin('TimeoutError', n);
  const qualified = facts.qualifiedName(n) ?? '';
  return urlopen ? SOCKET_TIMEOUTS.test(qualified) : REQUESTS_TIMEOUTS.test(qualified);
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

/**
 * Why a request in a download function costs little: `download_pretrained`, `download_sample_data_files`, `download_file`
 * fetch weights, sample data or assets once, for someone who starts it and watches its progress. review48's reviewers
 * judged 14 of 15 such findings not worth a change (open_clip's and Amphion's `download_pretrained`, pcmdi_metrics',
 * elephant's and computervision-recipes' data helpers, speech_recognition's `download_vosk_model`); a request handler
 * that downloads stays.
 */
const FILE_DOWNLOAD = 'in a download function: it fetches files once, for someone who starts it and watches it';

function inDownloadFunction(call: Node): boolean {
  const name = enclosingDef(call)?.childForFieldName('name')?.text ?? '';
  return /download/i.test(name);
}

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
/** The module's own statements (not its defs or classes) read the command line: importing it would parse sys.argv. */
const topLevelReadsCommandLine = lintMemo((facts) =>
  facts.root.namedChildren.some(
    (stmt) =>
      stmt !== null &&
      stmt.type !== 'function_definition' &&
      stmt.type !== 'class_definition' &&
      stmt.type !== 'decorated_definition' &&
      READS_COMMAND_LINE.test(stmt.text),
  ),
);

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

/**
 * Why a request in an interactive shell's command costs little: a `do_*` method of a `cmd.Cmd` (or cmd2) shell runs when
 * someone types the command at its prompt, and sees a hang. review48 judged NetExec's `nxcdb` shell command `import
 * empire` (two requests to the operator's own server) noise with both reviewers.
 */
const SHELL_COMMAND = "in an interactive shell's command (a `do_*` method of a `cmd.Cmd` shell), run by someone at its prompt who sees a hang";

/** A base class that is the standard library's or cmd2's interactive shell: `cmd.Cmd`, `Cmd`, `cmd2.Cmd`. */
const SHELL_BASE = /^(?:cmd2?\.)?Cmd$/;

/**
 * The def around the call is a command of an interactive shell: a `do_*` (or `default`) method of a class deriving from
 * `cmd.Cmd`, directly or through another class of the file, in a module that imports cmd or cmd2.
 */
function inShellCommand(call: Node, facts: FileFacts): boolean {
  if (!facts.importsModule('cmd') && !facts.importsModule('cmd2')) return false;
  const def = enclosingDef(call);
  const name = def?.childForFieldName('name')?.text ?? '';
  if (!def || !(/^do_\w+$/.test(name) || name === 'default')) return false;
  // The file's classes by name, for bases defined in the file: one walk, made only for a request in a `do_*` method of a
  // module importing cmd, which few files have.
  const classes = new Map<string, Node>();
  for (const cls of facts.tree.rootNode.descendantsOfType('class_definition')) {
    const own = cls?.childForFieldName('name')?.text;
    if (cls && own) classes.set(own, cls);
  }
  const seen = new Set<string>();
  const derivesFromShell = (cls: Node | null): boolean => {
    for (const base of cls?.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base) continue;
      if (SHELL_BASE.test(base.text)) return true;
      if (base.type === 'identifier' && !seen.has(base.text)) {
        seen.add(base.text);
        if (derivesFromShell(classes.get(base.text) ?? null)) return true;
      }
    }
    return false;
  };
  return derivesFromShell(classOfMethod(def));
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
      const negated = missingFileTest(condition);
      const otherwise = child.type === 'else_clause' || child.type === 'elif_clause';
      const path = inBody && negated ? pathAskedToExist(negated, facts) : otherwise ? pathAskedToExist(condition, facts) : null;
      if (path && namesAgain(child, path)) return true;
    }
    child = p;
  }
  return false;
}

/**
 * What `if <condition>:` asks not to exist: the `p` test of `not exists(p)`, or of `not exists(p) or overwrite`, a
 * download repeated only when a flag asks for it (reegis' OPSD and ENTSO-E files, `if not os.path.isfile(f) or overwrite:`;
 * review57 judged all six such requests noise). The flag must be a plain name or attribute, not another condition.
 */
function missingFileTest(condition: Node | null): Node | null {
  if (condition?.type === 'not_operator') return condition.childForFieldName('argument');
  if (condition?.type !== 'boolean_operator' || condition.childForFieldName('operator')?.type !== 'or') return null;
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  const flag = (n: Node | null) => n?.type === 'identifier' || n?.type === 'attribute';
  if (left?.type === 'not_operator' && flag(right)) return left.childForFieldName('argument');
  if (right?.type === 'not_operator' && flag(left)) return right.childForFieldName('argument');
  return null;
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
 * Generation endpoints spelled as a method of a model or as an image task: Gemini's REST `models/{m}:generateContent`
 * (and its streamed twin), Stable Diffusion WebUI's `/sdapi/v1/txt2img` and `img2img`. review47: kirara-ai's calls of
 * both were offered `timeout=10`, which would cut off every normal answer (judged wrong by both reviewers).
 */
const GENERATION_METHOD_URL = /:(?:stream)?generateContent\b|\/(?:txt2img|img2img)\b/i;
/** A JSON body that asks a model: a `prompt` or `messages` key. */
const PROMPT_KEY = /["'](prompt|messages)["']\s*:/;

/** What makes the answer slow, for the message. */
const TRANSPORT_ADVICE =
  'every call of this client goes through here, its slow ones too, so no fixed number suits them all: give the client a ' +
  'timeout setting (a `(connect, read)` pair, the read part long enough for its slowest call) and pass it here';

/**
 * The call is its client's one transport: the HTTP method arrives as a parameter of the function around it
 * (`def _perform_http(self, method, path, ...): return self._session.request(method, ...)`), so every API call of the
 * client, minutes-long ones included, goes through it. review48 judged `timeout=10` there wrong four times (Dataiku's
 * `_perform_http`, which carries LLM completions; Appwrite's `Client.call`, which carries synchronous function runs).
 */
function isClientTransport(call: Node): boolean {
  if (calleeWord(call) !== 'request') return false;
  const method = keywordValue(call, 'method') ?? positionalArguments(call)[0];
  if (method?.type !== 'identifier') return false;
  const def = enclosingDef(call);
  return def !== null && parameterNames(def).includes(method.text);
}

const SLOW_ANSWER = {
  model: 'a model call (generation or scoring) can take minutes',
  stream: 'a streamed response can take minutes',
  'long-poll': 'the server holds this request open until it has an answer (the code waits for its 408 reply), so a short read timeout fails first',
  audit: 'PageSpeed Insights runs a Lighthouse audit of the page for each request, which often takes more than 10 seconds',
} as const;

/** PageSpeed Insights' API, which loads and audits the page it is given before it answers. */
const AUDIT_URL = /pagespeedonline|runPagespeed/i;

/**
 * The request asks PageSpeed Insights to audit a page: its URL (in the call, in the local it passes, or the local a
 * `.format(...)` of it reads) names the API. review57: ecommercetools' Core Web Vitals query was offered `timeout=10`,
 * where the audit often takes longer and the code exits on any error (judged wrong).
 */
function runsAnAudit(call: Node, first: Node | undefined): boolean {
  const url = keywordArgument(call, 'url')?.childForFieldName('value') ?? first;
  if (!url) return false;
  const fn = url.type === 'call' ? url.childForFieldName('function') : null;
  const formatted = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format' ? fn.childForFieldName('object') : null;
  const named = url.type === 'identifier' ? url : formatted?.type === 'identifier' ? formatted : null;
  return AUDIT_URL.test(url.text) || (named !== null && valuesOfName(call, named.text).some((v) => AUDIT_URL.test(v.text)));
}

/** What `name` is assigned where the call reads it: in the call's function, or else at the module's top level (`API = "..."`). */
function valuesOfName(call: Node, name: string): Node[] {
  const local = localValues(call, name);
  if (local.length > 0) return local;
  return bindersSpelling(call.tree.rootNode, name, ASSIGNMENT)
    .map((a) => a.childForFieldName('right'))
    .filter((v): v is Node => v !== null);
}

/**
 * The function retries the request on HTTP 408 (`if response.status_code != 408: break`): a long poll, where the server
 * holds the request for its own wait (review47: adaptdl's `/discover`, held up to 30 s, judged wrong with `timeout=10`).
 */
function holdsRequestOpen(call: Node): boolean {
  const def = enclosingDef(call);
  return def !== null && /\bstatus_code\s*[!=]=\s*408\b|\b408\s*[!=]=\s*\w+\.status_code\b/.test(def.text);
}

/**
 * What the callers in this file pass for the parameter `name` of the def around the call: a helper such as
 * `_post_with_retry(self, url, ...)` is as slow as the slowest endpoint its callers send it to (review47: kirara-ai's
 * Gemini adapter sends `...:generateContent` through it). An identifier passed is read through its local assignments.
 */
function callersPass(call: Node, name: string, facts: FileFacts): Node[] {
  const def = enclosingDef(call);
  if (!def) return [];
  const params = parameterNames(def);
  const at = params.indexOf(name);
  if (at < 0) return [];
  // A method called as `self.m(...)` / `obj.m(...)` is passed its receiver as the first parameter.
  const isMethod = classOfMethod(def) !== null && (params[0] === 'self' || params[0] === 'cls');
  const values: Node[] = [];
  for (const caller of callsOf(def, facts)) {
    const positional = positionalArguments(caller);
    const offset = isMethod && caller.childForFieldName('function')?.type === 'attribute' ? 1 : 0;
    const arg = keywordValue(caller, name) ?? positional[at - offset];
    if (!arg) continue;
    values.push(arg);
    if (arg.type === 'identifier') values.push(...localValues(caller, arg.text));
  }
  return values;
}
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

/**
 * A call to a generation endpoint: its URL names one (written in the call, or in the local variable passed:
 * `url = f"{base}/generate/"`), or its JSON body carries a `prompt` or `messages` ('model'); or it posts and streams the
 * answer (`stream=True`; a streamed GET is a download: 'stream'). Such an answer can take minutes.
 */
function isGenerationCall(call: Node, first: Node | undefined, facts: FileFacts): 'model' | 'stream' | null {
  const url = keywordArgument(call, 'url')?.childForFieldName('value') ?? first;
  const endpoint = (text: string) => {
    if (GENERATION_METHOD_URL.test(text)) return true;
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
  if (url?.type === 'identifier' && callersPass(call, url.text, facts).some((v) => endpoint(v.text))) return 'model';
  // The body asks a model: JSON, or a form beside an uploaded file (review51: pyvideotrans posts a whole audio file with
  // `data={"model": ..., "prompt": ...}` for transcription, which takes minutes; judged wrong with 10 s).
  for (const field of ['json', 'data']) {
    const body = keywordArgument(call, field)?.childForFieldName('value');
    const bodies = body?.type === 'identifier' ? localValues(call, body.text) : body ? [body] : [];
    if (bodies.some((b) => b.type === 'dictionary' && PROMPT_KEY.test(b.text))) return 'model';
  }
  // A request object built from the conversation: `req = self._make_api_request([summary_prompt], stream=False)` then
  // `urlopen(req)` (ramalama's chat summary to the model server it started, judged wrong with 10 s in review51).
  if (url?.type === 'identifier' && localValues(call, url.text).some(builtFromPrompt)) return 'model';
  // A streamed POST is not always a model's: aim's tracking client streams its query results. The long read timeout
  // fits both; the message says only what the code shows (review36 judged the "model call" wording wrong there).
  const method = call.childForFieldName('function')?.text.split('.').pop();
  return method === 'post' && keywordArgument(call, 'stream')?.childForFieldName('value')?.text === 'True' ? 'stream' : null;
}

/** A call building a request from a prompt or a conversation: an argument names one (`[summary_prompt]`, `messages`). */
function builtFromPrompt(value: Node): boolean {
  if (value.type !== 'call') return false;
  const args = value.childForFieldName('arguments');
  return !!args && args.namedChildren.some((a) => a !== null && a.type !== 'keyword_argument' && PROMPT_ARGUMENT.test(a.text));
}

/** An argument that holds a prompt or messages: `prompt`, `[summary_prompt]`, `self.messages`, `chat_messages`. */
const PROMPT_ARGUMENT = /^\[?(?:[\w.]*[._])?(?:prompts?|messages|conversation)\]?$/i;

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
