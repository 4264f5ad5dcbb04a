// Version-compatibility shims: code that calls an old API only where the new one is missing. Advice to move off a
// deprecated API is wrong there: the old spelling is the fallback for old versions, kept on purpose.
import type { Node } from '../syntax/parser';
import { ancestors, tryCatches } from './scopes';

/**
 * A condition that asks which version of a library runs: `is_torch_version(">=", "2.3")`, `torch.__version__ >= …`,
 * `hasattr(torch, "amp")`, or a flag named for a version comparison, as transformers' Trainer and the projects that copy it
 * spell them (`is_torch_greater_or_equal_than_1_10`, Lightning's `_TORCH_GREATER_EQUAL_1_12`, `TORCH_GE_2_0`).
 */
const VERSION_TEST = /version|__version__|\bhasattr\s*\(|\b\w*(?:greater|less|equal|_ge|_gt|_le|_lt|older|newer)_\w*?\d+(?:_\d+)+\b/i;
/** Exceptions a missing API raises: a `try` that catches them around the new spelling falls back to the old one. */
const MISSING_API = /\b(AttributeError|ImportError|ModuleNotFoundError)\b/;

/**
 * True when node runs only on some library versions: in a branch of an `if` (or a conditional expression) whose
 * condition tests a version or an attribute's presence, or in a `try` (or its handler) that catches the error a
 * missing API raises. Within the enclosing function.
 */
export function underVersionGuard(node: Node): boolean {
  let child = node;
  for (const n of ancestors(node)) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'module') return false;
    if ((n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'conditional_expression') && !inCondition(n, child)) {
      if (VERSION_TEST.test(conditionOf(n)?.text ?? '')) return true;
    }
    if (n.type === 'try_statement' && tryCatches(n, MISSING_API)) return true;
    child = n;
  }
  return false;
}

function conditionOf(n: Node): Node | null {
  // A conditional expression `a if cond else b` keeps its condition as the second named child.
  return n.type === 'conditional_expression' ? n.namedChild(1) : n.childForFieldName('condition');
}

function inCondition(n: Node, child: Node): boolean {
  const condition = conditionOf(n);
  return condition !== null && condition.startIndex <= child.startIndex && child.endIndex <= condition.endIndex;
}
