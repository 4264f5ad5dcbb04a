/**
 * Local callables that only build text or plain containers: `prompt_fn = lambda x: f"Q: {x['q']}"`, or one that asks
 * the eval wrapper for its prompt template (`lambda x: eval_model.get_imagenet_prompt(label=x["class_name"])`). Calling
 * one on a batch runs no model, so the training-loop analysis must not take that call for a forward (issue 24:
 * open_flamingo's `evaluate_classification`, whose only "forward" was `prompt_fn(...)`).
 */
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { findDescendants } from './scopes';
import { bindingOf, occurrences, scopeOf } from './names';

/** Methods that return a new string and exist on no tensor or module: calling one runs no model. */
const STRING_METHODS = new Set([
  'format',
  'format_map',
  'join',
  'strip',
  'lstrip',
  'rstrip',
  'lower',
  'upper',
  'capitalize',
  'title',
  'casefold',
  'replace',
  'removeprefix',
  'removesuffix',
  'zfill',
  'ljust',
  'rjust',
  'center',
]);

/** Builtins that convert, measure or pack values (never a forward), when the file does not rebind them. */
const PLAIN_BUILTINS = new Set(['str', 'repr', 'format', 'len', 'int', 'float', 'bool', 'list', 'tuple', 'dict', 'zip', 'enumerate', 'range', 'isinstance']);

/**
 * A function or method named for the text template it returns: `get_imagenet_prompt`, `build_prompt`,
 * `format_chat_template`. The verb matters: `encode_prompt` (diffusers) runs a text encoder.
 */
const PROMPT_BUILDER = /^_?(get|build|make|format|create|construct|render|compose)_(\w+_)?(prompt|template)s?$/;

/** Nodes a text-building body may not hold: they suspend, or define code whose effect is not visible here. */
const OPAQUE = new Set(['await', 'yield', 'function_definition', 'class_definition', 'decorated_definition', 'global_statement', 'nonlocal_statement']);

/**
 * True when the bare name `callee` (called at `at`) is bound, in the scope the call reads it from, only to lambdas and
 * undecorated defs whose bodies build strings or containers: no call but string methods, plain builtins and prompt
 * builders, no arithmetic but string concatenation and `%` formatting. Any other binding (a parameter, an import, a
 * value returned by a call) keeps the name unknown, and then false.
 */
export function buildsTextOnly(callee: Node, at: Node, facts: FileFacts): boolean {
  const bodies = callableBodies(callee.text, at);
  return bodies !== null && bodies.length > 0 && bodies.every((b) => bodyBuildsText(b, facts));
}

/**
 * The bodies of the lambdas and defs bound to `name` in the innermost scope around `at` that binds it (a def's, an
 * enclosing def's, the module's), or null when some binding there is of another kind or none binds it.
 */
function callableBodies(name: string, at: Node): Node[] | null {
  for (let scope: Node | null = scopeOf(at); scope; scope = scope.parent ? scopeOf(scope) : null) {
    const inScope = scope;
    const binders = occurrences(scope, name)
      .map((id) => ({ id, binder: bindingOf(id) }))
      .filter(({ id, binder }) => binder !== null && bindingScope(id, binder).equals(inScope));
    if (binders.length === 0) continue;
    const bodies = binders.map(({ id, binder }) => boundBody(id, binder!));
    return bodies.every((b) => b !== null) ? (bodies as Node[]) : null;
  }
  return null;
}

/** The scope a binding adds its name to: a def's name belongs to the scope around the def, not to the def. */
function bindingScope(id: Node, binder: Node): Node {
  return binder.type === 'function_definition' && binder.childForFieldName('name')?.equals(id) ? scopeOf(binder) : scopeOf(id);
}

/** `name = lambda ...: body` gives the lambda's body; `def name(...):` (undecorated) its block; anything else null. */
function boundBody(id: Node, binder: Node): Node | null {
  if (binder.type === 'assignment') {
    const right = binder.childForFieldName('right');
    return binder.childForFieldName('left')?.equals(id) && right?.type === 'lambda' ? right.childForFieldName('body') : null;
  }
  if (binder.type === 'function_definition' && binder.parent?.type !== 'decorated_definition') return binder.childForFieldName('body');
  return null;
}

/** Every call in the body (nested lambdas and comprehensions included) builds text, and every operator joins text. */
function bodyBuildsText(body: Node, facts: FileFacts): boolean {
  const watched = (n: Node) => OPAQUE.has(n.type) || n.type === 'call' || n.type === 'binary_operator' || n.type === 'augmented_assignment';
  const nodes = [...(watched(body) ? [body] : []), ...findDescendants(body, watched)];
  return nodes.every((n) => {
    if (OPAQUE.has(n.type)) return false;
    if (n.type === 'call') return isTextCall(n, facts);
    return joinsText(n);
  });
}

/** A call that builds text or a plain value: a string method, a builtin the file does not rebind, a prompt builder. */
function isTextCall(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return (PLAIN_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, call)) || PROMPT_BUILDER.test(fn.text);
  const attr = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  return !!attr && (STRING_METHODS.has(attr) || PROMPT_BUILDER.test(attr));
}

/** `"Q: " + x["q"]`, `s += "\n"`, `"%s" % x`: an operator with a string operand, which Python defines only on text. */
function joinsText(n: Node): boolean {
  const op = n.childForFieldName('operator')?.text;
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  if (n.type === 'augmented_assignment') return op === '+=' && isText(right);
  if (op === '+') return isText(left) || isText(right);
  return op === '%' && isText(left);
}

/** An expression whose value is a str by its form: a literal, an f-string, a join of one, a string method's result. */
function isText(n: Node | null): boolean {
  if (!n) return false;
  switch (n.type) {
    case 'string':
    case 'concatenated_string':
      return true;
    case 'parenthesized_expression':
      return isText(n.namedChild(0));
    case 'binary_operator':
      return joinsText(n);
    case 'call': {
      const fn = n.childForFieldName('function');
      const attr = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      return (!!attr && STRING_METHODS.has(attr)) || PROMPT_BUILDER.test(attr ?? fn?.text ?? '');
    }
    default:
      return false;
  }
}
