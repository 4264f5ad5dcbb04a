import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  callsOf,
  decoratorCallee,
  decoratorsOf,
  definitionStatement,
  enclosingDef,
  FileFacts,
  isNotebookFile,
  isStandaloneScript,
  lintMemo,
  type FileProbe,
} from '../../server/analysis';
import { ensureImport, indentAt, insertAt, lineStartOf } from '../../server/fixes';

const FUNCTION_PARAM =
  /^(f|fn|fun|func|function|fxn|meth|method|wrapped|callback|cb|coro|handler|view|target|orig|original|.*_(func|fn|function|method|handler|callback))$/i;

/** Names used as decorators (`@name` or `@name(...)`, last dotted part) anywhere in the file. */
const decoratorNames = lintMemo((facts) => {
  const names = new Set<string>();
  for (const fn of facts.captures.functions) {
    for (const d of decoratorsOf(fn)) names.add(decoratorCallee(d).text.split('.').pop()!);
  }
  for (const cls of facts.root.descendantsOfType('class_definition')) {
    if (cls) for (const d of decoratorsOf(cls)) names.add(decoratorCallee(d).text.split('.').pop()!);
  }
  return names;
});
function usedAsDecorator(facts: FileFacts, name: string): boolean {
  return decoratorNames(facts).has(name);
}

/** Names of the functions defined in the file (any depth): what a call may hand on as a function. */
const definedNames = lintMemo((facts) => new Set(facts.captures.functions.map((fn) => fn.childForFieldName('name')?.text ?? '')));
function isDefinedFunction(facts: FileFacts, name: string): boolean {
  return definedNames(facts).has(name);
}

/**
 * A lambda, a name (or `obj.name`) of a def in this file, or a member of an imported module (`F.cross_entropy`): the
 * argument is known to be a function, unlike a parameter or a local variable holding some object.
 */
function isKnownFunction(arg: Node | undefined, facts: FileFacts): boolean {
  if (!arg) return false;
  if (arg.type === 'lambda') return true;
  if ((arg.type === 'attribute' || arg.type === 'identifier') && facts.qualifiedName(arg) !== null) return true;
  const name = arg.type === 'attribute' ? arg.childForFieldName('attribute')?.text : arg.type === 'identifier' ? arg.text : null;
  return name != null && isDefinedFunction(facts, name);
}

/**
 * The file calls the outer function directly, and never with a function: it adapts values (`_trafo_diag(kernel)`, an
 * estimator object), so copying their metadata onto the wrapper would mislabel it (wraps copies an object's `__dict__`).
 */
function adaptsValues(outer: Node, facts: FileFacts): boolean {
  const calls = callsOf(outer, facts);
  return (
    calls.length > 0 &&
    calls.every((c) => !isKnownFunction(c.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment') ?? undefined, facts))
  );
}

/** WSGI/ASGI middleware: wraps an application, which is an object as often as a function (wraps would copy its `__dict__`). */
const MIDDLEWARE = /middleware/i;

function looksLikeDecorator(outer: Node, param: string, facts: FileFacts, wrapper: Node): boolean {
  const name = outer.childForFieldName('name')?.text ?? '';
  if (MIDDLEWARE.test(name) || MIDDLEWARE.test(wrapper.childForFieldName('name')?.text ?? '')) return false;
  if (usedAsDecorator(facts, name)) return true;
  if (adaptsValues(outer, facts)) return false;
  if (FUNCTION_PARAM.test(param) || /decor|wrap/i.test(name)) return true;
  // A decorator factory returns this function: `def retry(n): def deco(fn): ...; return deco`.
  const factory = enclosingDef(outer);
  const returns = factory?.childForFieldName('body')?.namedChildren.filter((c) => c?.type === 'return_statement') ?? [];
  return returns.some((r) => r?.namedChild(0)?.text === name);
}

const NEVER_APPLIED = 'the file never applies, calls or names the decorator: unless another module applies it, no metadata is lost';
const ONLY_PROPERTIES =
  'the file applies it only under `@property` to functions without a docstring: a property is looked up by its attribute name, so only the ' +
  "getter's `__name__` changes";
/** Decorators whose object is looked up by the attribute name and documented by the getter's docstring alone. */
const PROPERTY_DECORATORS = new Set(['property', 'cached_property']);

/**
 * Decorators whose function's signature a framework reads to call it (a web route's parameters, a pytest fixture's
 * requests, a CLI command's options): under a wrapper without `wraps` the framework sees `*args, **kwargs` and breaks.
 */
const SIGNATURE_READERS = new Set(['get', 'post', 'put', 'patch', 'delete', 'route', 'api_route', 'websocket', 'fixture', 'command', 'group', 'callback']);
const UNDOCUMENTED =
  'no function this file applies it to has a docstring or a framework decorator that reads its signature: only `__name__` ' +
  'and the signature that `inspect` shows change (tracebacks and profiles name the wrapper), with no effect on speed or results';

/**
 * Why a decorator defined in a notebook loses nothing that is read: the functions it decorates are the notebook's own,
 * run in its cells, not an API that other modules import, `help()` is asked about or a documentation tool renders. A blind
 * review (review20) judged such a decorator in a notebook copy of alphalens noise; every finding judged useful was a
 * library's public decorator. A framework decorator that calls the function by its signature still counts.
 */
const IN_NOTEBOOK = "in a notebook: the functions it decorates are the notebook's own, run in its cells, and no other module imports or documents them";
/**
 * A decorator in a standalone script (outside any package, run through its `if __name__ == "__main__":` block) decorates
 * the script's own steps, which its command runs: no documentation tool or `help()` reads them. A blind review (review18)
 * judged yolov5's `try_export` in export.py noise, its documented export functions notwithstanding.
 */
const IN_SCRIPT = "in a standalone script: the functions it decorates are the script's own steps, run by its command, and no documentation reads them";

/**
 * Why the metadata the wrapper hides is never read, as far as the file shows: the decorator is not used in it at all
 * (pyfolio's `vectorize`), or only on properties without a docstring (QuantEcon's `annotate_nodes`), or only on functions
 * without a docstring whose signature no framework reads (x-transformers' `eval_decorator` on `generate`), or only in
 * other modules (qlib's `async_dec`, stable-baselines' `profile`). Blind reviews judged all of those cosmetic; the
 * metadata matters to `help()` and documentation tools, which read a docstring (lightly's `rank_zero_only` over
 * `print_rank_zero`, judged useful), and to frameworks that call a function by its signature. Null for those.
 */
function unusedMetadata(outer: Node, text: string, facts: FileFacts, filePath: string | undefined, files: FileProbe): string | null {
  const name = outer.childForFieldName('name')?.text ?? '';
  if (!/^\w+$/.test(name)) return null;
  const mentions = text.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
  if (mentions <= 1) return NEVER_APPLIED;
  const applied = facts.captures.functions.filter((fn) => decoratorsOf(fn).some((d) => decoratorCallee(d).text.split('.').pop() === name));
  if (applied.some((fn) => signatureRead(fn, name))) return null;
  if (isNotebookFile(filePath)) return IN_NOTEBOOK;
  if (isStandaloneScript(filePath, facts.root, files)) return IN_SCRIPT;
  if (applied.some(hasDocstring)) return null;
  return applied.length > 0 && applied.every((fn) => underProperty(fn, name)) ? ONLY_PROPERTIES : UNDOCUMENTED;
}

/** Another decorator of fn (a route, a fixture, a CLI command) calls it by its signature. */
function signatureRead(fn: Node, name: string): boolean {
  return decoratorsOf(fn).some((d) => {
    const callee = decoratorCallee(d).text.split('.').pop() ?? '';
    return callee !== name && SIGNATURE_READERS.has(callee);
  });
}

/** `@property` (or `@cached_property`) stands above the decorator `name` on fn, so it wraps what the decorator returns. */
function underProperty(fn: Node, name: string): boolean {
  const callees = decoratorsOf(fn).map((d) => decoratorCallee(d).text.split('.').pop());
  const at = callees.indexOf(name);
  return callees.slice(0, at).some((c) => c !== undefined && PROPERTY_DECORATORS.has(c));
}

function hasDocstring(fn: Node): boolean {
  const first = fn.childForFieldName('body')?.namedChildren.find((c) => c?.type !== 'comment');
  return first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string';
}

export default defineRule({
  id: 'decorator-missing-wraps',
  title: 'Decorator wrapper does not use functools.wraps',
  category: 'core-python',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'decorators',
  message: "Wrapper function hides the decorated function's name, docstring and signature; add @functools.wraps",
  docs: {
    why:
      'A decorator that returns a plain inner function replaces the original: `__name__`, `__qualname__`, ' +
      '`__doc__`, `__module__`, `__wrapped__` and the signature seen by `inspect`, debuggers, profilers, ' +
      'loggers and documentation tools all describe the wrapper instead. Stack traces and cProfile output ' +
      "then show `wrapper` everywhere. A decorator defined in a notebook decorates the notebook's own functions, which no " +
      'other module imports or documents: ranked low there, a hint; so is one in a standalone script (outside any package, ' +
      'with an `if __name__ == "__main__":` block), whose functions are steps of its own command.',
    instead: 'Decorate the inner function with `@functools.wraps(func)`, which copies the metadata and sets `__wrapped__`.',
    example: {
      before: 'def timed(func):\n    def wrapper(*args, **kwargs):\n        return func(*args, **kwargs)\n    return wrapper',
      after:
        'import functools\n\ndef timed(func):\n    @functools.wraps(func)\n    def wrapper(*args, **kwargs):\n        return func(*args, **kwargs)\n    return wrapper',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add @functools.wraps',
    reason:
      "The wrapper then answers to the wrapped function's `__name__`, docstring, `__dict__` and signature: code that " +
      'looks the wrapper up by its own name, or reads its signature (pytest fixtures), sees something else.',
  },
  // A one-parameter function that defines an undecorated inner function and returns it.
  query: `
(function_definition
  parameters: (parameters . [(identifier) @param (typed_parameter . (identifier) @param)] .)
  body: (block
    (function_definition name: (identifier) @inner) @wrapper
    (return_statement (identifier) @returned))) @outer`,
  check(m, ctx) {
    const param = m.need('param').text;
    const wrapper = m.need('wrapper');
    const outer = m.need('outer');
    if (m.need('inner').text !== m.need('returned').text) return;
    if (param === 'self' || param === 'cls') return;
    // The wrapper must call the decorated function, or it is a replacement, not a wrapper.
    const body = wrapper.childForFieldName('body');
    const calls = body?.descendantsOfType('call').filter((c) => c?.childForFieldName('function')?.text === param) ?? [];
    if (calls.length === 0) return;
    // Only a transparent wrapper gets the wrapped function's signature: one that passes its own
    // parameters on unchanged. Adapters and combinators (`uncurry(f)`, `F(x) = f(f(x))`, argument
    // reordering, injected or dropped arguments) would then report a signature they do not have,
    // and pytest, which reads it, would ask for fixtures that do not exist.
    if (calls.length > 1 || !forwardsItsArguments(wrapper, calls[0]!)) return;
    // `return fn(), None`: the wrapper packs the result with something else, so it returns another shape than the
    // function (gan's input_fn adapter, judged noise): copying the function's metadata would describe it wrongly.
    if (packsResult(calls[0]!)) return;
    // A wrapper that checks whether there is a function at all (`if func is not None:`): wraps(None)
    // makes inspect.signature() raise.
    const guard = new RegExp(`\\b${param}\\s+is\\s+(not\\s+)?None\\b|\\bif\\s+(not\\s+)?${param}\\s*:`);
    if (guard.test(body?.text ?? '')) return;
    // Metadata copied by hand (update_wrapper, __wrapped__, __name__ assignments) counts as handled,
    // and so does a helper called with both the wrapper and the function (`_wrap(wrapper, func)`).
    const outerBody = outer.childForFieldName('body')?.text ?? '';
    if (/update_wrapper|__wrapped__|__name__\s*=|__doc__\s*=/.test(outerBody)) return;
    const inner = m.need('inner').text;
    const copier = new RegExp(`\\(\\s*${inner}\\s*,\\s*${param}\\s*[,)]`);
    if (copier.test(outerBody)) return;
    // Only functions that act as decorators: applied with @ in this file, returned by a decorator
    // factory, or taking a parameter named like a function. `make_safe(parse_float)` style adapters
    // of callbacks are left alone.
    if (!looksLikeDecorator(outer, param, ctx.facts, wrapper)) return;

    const lowImpact = unusedMetadata(outer, ctx.text, ctx.facts, ctx.filePath, ctx.files);
    const wraps = ensureImport(ctx.facts, 'functools', 'wraps');
    const def = definitionStatement(wrapper);
    const at = lineStartOf(ctx.text, def.startIndex);
    const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
    ctx.report({
      node: wrapper.childForFieldName('name') ?? wrapper,
      message: `Wrapper \`${m.need('inner').text}\` hides the metadata of \`${param}\`; add @functools.wraps(${param})`,
      edits: [...wraps.edits, insertAt(at, `${indentAt(ctx.text, def.startIndex)}@${wraps.ref}(${param})${eol}`)],
      ...(lowImpact ? { lowImpact } : {}),
    });
  },
});

/** Displays that put a value beside others: the call's result becomes one element of what the wrapper returns. */
const PACKING = new Set(['expression_list', 'tuple', 'list', 'set', 'dictionary', 'pair']);

/** The call's result is returned as one element of a tuple, list, set or dict display (`return fn(), None`). */
function packsResult(call: Node): boolean {
  let n = call.parent;
  while (n?.type === 'parenthesized_expression') n = n.parent;
  if (!n || !PACKING.has(n.type)) return false;
  while (n && (PACKING.has(n.type) || n.type === 'parenthesized_expression')) n = n.parent;
  return n?.type === 'return_statement';
}

/** The parameters as a call that forwards them unchanged spells them: `x`, `*args`, `k=k`, `**kwargs`. */
function forwardedSpelling(fn: Node): string[] | null {
  const out: string[] = [];
  let keywordOnly = false;
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment' || p.type === 'positional_separator') continue;
    if (p.type === 'keyword_separator') {
      keywordOnly = true;
      continue;
    }
    const pattern = p.type === 'typed_parameter' ? p.namedChild(0) : p;
    if (pattern?.type === 'list_splat_pattern') {
      out.push(`*${pattern.namedChild(0)?.text}`);
      keywordOnly = true;
    } else if (pattern?.type === 'dictionary_splat_pattern') {
      out.push(`**${pattern.namedChild(0)?.text}`);
    } else {
      const name = p.type === 'identifier' ? p.text : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'))?.text;
      if (!name) return null;
      out.push(keywordOnly ? `${name}=${name}` : name);
    }
  }
  return out;
}

/** How a call argument spells what it passes, in forwardedSpelling's terms ('' for anything else). */
function argumentSpelling(arg: Node): string {
  if (arg.type === 'identifier') return arg.text;
  if (arg.type === 'list_splat' && arg.namedChild(0)?.type === 'identifier') return `*${arg.namedChild(0)!.text}`;
  if (arg.type === 'dictionary_splat' && arg.namedChild(0)?.type === 'identifier') return `**${arg.namedChild(0)!.text}`;
  if (arg.type === 'keyword_argument') return `${arg.childForFieldName('name')?.text}=${arg.childForFieldName('value')?.text}`;
  return '';
}

/** The call passes the wrapper's own parameters on unchanged: the positional ones in order, the keyword ones all. */
function forwardsItsArguments(wrapper: Node, call: Node): boolean {
  const expected = forwardedSpelling(wrapper);
  if (!expected) return false;
  const given = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment').map(argumentSpelling);
  if (given.includes('')) return false;
  const isKeyword = (s: string) => s.includes('=') || s.startsWith('**');
  const positional = (list: string[]) => list.filter((s) => !isKeyword(s)).join(',');
  const keywords = (list: string[]) => list.filter(isKeyword).sort().join(',');
  return positional(given) === positional(expected) && keywords(given) === keywords(expected);
}
