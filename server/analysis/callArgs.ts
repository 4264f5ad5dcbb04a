// Reading the arguments of a call: keyword lookup, positional arguments, splats.
// (Editing them, keeping comments and layout, is fixes/arguments.ts.)
import type { Node } from '../syntax/parser';

/** The argument_list of a call, or null for `f(x for x in y)` (a bare generator argument). */
export function argumentList(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  return args?.type === 'argument_list' ? args : null;
}

/**
 * The arguments of a call, in order, without comments or backslash line continuations: both are
 * named extras of the grammar, and a `\` read as an argument shifts every positional index after it.
 */
export function callArguments(call: Node): Node[] {
  const args = argumentList(call);
  if (!args) return [];
  return args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'line_continuation');
}

/**
 * `f(p)`: a call of a plain name handed exactly the name `name` (a lambda's body that only forwards its parameter,
 * `lambda row: compute(row)`). The callee, or null.
 */
export function calleeOfOnlyArgument(call: Node, name: string): Node | null {
  if (call.type !== 'call') return null;
  const fn = call.childForFieldName('function');
  const args = callArguments(call);
  return fn?.type === 'identifier' && args.length === 1 && args[0]!.type === 'identifier' && args[0]!.text === name ? fn : null;
}

/** Positional arguments (not keywords, not `*args` / `**kwargs`). */
export function positionalArguments(call: Node): Node[] {
  return callArguments(call).filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

/** The `name=value` argument node, if the call passes that keyword. */
export function keywordArgument(call: Node, name: string): Node | null {
  for (const a of callArguments(call)) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a;
  }
  return null;
}

/** The value of keyword `name`, if passed. */
export function keywordValue(call: Node, name: string): Node | null {
  return keywordArgument(call, name)?.childForFieldName('value') ?? null;
}

/** Every keyword passed, name → value, in call order (a name passed twice keeps its last value). */
export function keywordValues(call: Node): Map<string, Node> {
  const keywords = new Map<string, Node>();
  for (const a of callArguments(call)) {
    if (a.type !== 'keyword_argument') continue;
    const name = a.childForFieldName('name')?.text;
    const value = a.childForFieldName('value');
    if (name && value) keywords.set(name, value);
  }
  return keywords;
}

/** True when the call forwards `*args` or `**kwargs` (so any argument may be hidden in them). */
export function hasSplatArguments(call: Node): boolean {
  return callArguments(call).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
}

/**
 * What a call of a function passes for its parameter `name` (at `index` among its parameters): the keyword's value, else
 * the positional argument at that index; null when it passes neither (the default applies); undefined when the call
 * forwards `*args` or `**kwargs`, which may hold it.
 */
export function argumentFor(call: Node, name: string, index: number): Node | null | undefined {
  if (hasSplatArguments(call)) return undefined;
  return keywordValue(call, name) ?? positionalArguments(call)[index] ?? null;
}
