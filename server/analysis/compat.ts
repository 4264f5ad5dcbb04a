// Version-compatibility shims: code that calls an old API only where the new one is missing. Advice to move off a
// deprecated API is wrong there: the old spelling is the fallback for old versions, kept on purpose.
import type { Node } from '../syntax/parser';
import { ancestors, tryCatches } from './scopes';

/** A condition that asks which version of a library runs: `is_torch_version(">=", "2.3")`, `torch.__version__ >= …`, `hasattr(torch, "amp")`. */
const VERSION_TEST = /version|__version__|\bhasattr\s*\(/i;
/**
 * A flag named for a version comparison, alone or negated, as transformers' Trainer and the projects that copy it spell
 * them (`is_torch_greater_or_equal_than_1_10`, Lightning's `_TORCH_GREATER_EQUAL_1_12`, `TORCH_GE_2_0`, `is_torch_less_than_1_11`):
 * its name says which branch runs on the older versions, so only that branch is the fallback. LMFlow's Trainer copy calls
 * the deprecated autocast in both branches: review38 judged the newer branch's worth changing, the older one's wrong.
 */
const VERSION_FLAG = /^(not\s+)?(?:[\w.]*\.)?(\w*?(greater|less|equal|_ge|_gt|_le|_lt|older|newer)_\w*?\d+(?:_\d+)+)$/i;
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
      const condition = conditionOf(n)?.text ?? '';
      if (VERSION_TEST.test(condition) || olderVersionsBranch(condition, n, child)) return true;
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

/** `child` is the branch of `n` that a version flag in `condition` sends the older versions to. */
function olderVersionsBranch(condition: string, n: Node, child: Node): boolean {
  const flag = VERSION_FLAG.exec(condition.trim());
  if (!flag) return false;
  const newerWhenTrue = /greater|_ge|_gt|newer/i.test(flag[3]) !== (flag[1] !== undefined);
  const inThen = n.type === 'conditional_expression' ? n.namedChild(0)?.equals(child) === true : n.childForFieldName('consequence')?.equals(child) === true;
  return inThen !== newerWhenTrue;
}
