import { defineRule, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  contains,
  enclosingDef,
  fileFunctionDef,
  findDescendants,
  jitDecorator,
  parameterNames,
  positionalArguments,
  valuesAssignedTo,
} from '../../server/analysis';
import { indentAt, lineStartOf } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

export default defineRule({
  id: 'numba-cuda-missing-bounds-check',
  title: 'A CUDA kernel indexes with its thread id and no bounds guard',
  category: 'numba',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'numba',
  requires: ['numba'],
  message: 'The kernel indexes arrays with its thread index without checking it against the array size',
  docs: {
    why:
      'A launch starts whole blocks, so the grid is rounded up and usually has more threads than elements. ' +
      'Without a guard, the extra threads read and write past the end of the arrays: corrupted memory, wrong ' +
      'results or an illegal-address error, depending on what lies there. The rule stays silent when every launch of ' +
      'the kernel in the file starts exactly one thread per element (the grid is the size divided down by the block ' +
      'size, or the arrays are sized as blocks × threads, one block of `out.size` threads for an array `out` the launch passes, ' +
      'or a launch through a timing helper of the file that is handed the kernel, its grid and its block), and for a cooperative kernel that syncs its whole grid ' +
      '(`cuda.cg.this_grid().sync()`), where an early exit would leave the other threads waiting forever.',
    instead: 'Guard the body: `i = cuda.grid(1)` then `if i < out.shape[0]:` (or return early with `if i >= out.shape[0]: return`).',
    example: {
      before: '@cuda.jit\ndef add(x, y, out):\n    i = cuda.grid(1)\n    out[i] = x[i] + y[i]',
      after: '@cuda.jit\ndef add(x, y, out):\n    i = cuda.grid(1)\n    if i < out.shape[0]:\n        out[i] = x[i] + y[i]',
    },
  },
  fix: { safety: 'safe', title: 'Guard the kernel body with a bounds check' },
  query: `
(decorated_definition
  definition: (function_definition body: (block) @body) @def)`,
  check(m, ctx) {
    const jit = jitDecorator(ctx.facts, m.need('def'));
    if (!jit || jit.name !== 'numba.cuda.jit' || jit.keywords.get('device')?.text === 'True') return;
    const body = m.need('body');
    const statements = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const at = statements.findIndex((s) => threadIndex(s, ctx) !== null);
    if (at < 0) return;
    const names = threadIndex(statements[at], ctx)!;
    const rest = statements.slice(at + 1);
    let unguarded: Node | null = null;
    for (const stmt of rest) {
      if (isEarlyExitGuard(stmt, names)) return;
      const uses = findDescendants(stmt, (n) => n.type === 'subscript' && usesIndex(n, names));
      const open = uses.find((u) => !guardedWithin(u, stmt, names));
      if (open) {
        unguarded = open;
        break;
      }
    }
    if (!unguarded) return;
    // A cooperative kernel (`g = cuda.cg.this_grid()` ... `g.sync()`) must not let a thread leave early: every thread
    // of the grid has to reach the barrier, so its launch is sized to the data instead.
    if (findDescendants(body, (n) => n.type === 'call' && ctx.facts.calleeName(n) === 'numba.cuda.cg.this_grid').length > 0) return;
    const kernel = m.need('def').childForFieldName('name')?.text ?? 'kernel';
    if (launchesFitExactly(kernel, m.need('def'), ctx)) return;
    ctx.report({
      node: unguarded,
      message: `\`${kernel}\` indexes \`${unguarded.text}\` with the thread index without a bounds check; extra threads of the last block go out of range`,
      edits: names.length === 1 ? (guardFix(ctx, body, rest, names[0]) ?? undefined) : undefined,
    });
  },
});

/** `i = cuda.grid(1)`, `x, y = cuda.grid(2)`, or `i = cuda.threadIdx.x + cuda.blockIdx.x * cuda.blockDim.x` → the names. */
function threadIndex(stmt: Node, ctx: RuleContext): string[] | null {
  const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  if (assign?.type !== 'assignment') return null;
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (!left || !right) return null;
  const fromGrid = right.type === 'call' && /^numba\.cuda\.grid$/.test(ctx.facts.calleeName(right) ?? '');
  const manual =
    !fromGrid &&
    findDescendants(right, (n) => n.type === 'attribute').some((a) => /^numba\.cuda\.(threadIdx|blockIdx)\.[xyz]$/.test(ctx.facts.qualifiedName(a) ?? ''));
  if (!fromGrid && !manual) return null;
  if (left.type === 'identifier') return [left.text];
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
    const ids = left.namedChildren.filter((c): c is Node => c !== null && c.type === 'identifier');
    return ids.length > 0 ? ids.map((i) => i.text) : null;
  }
  return null;
}

function mentions(n: Node, names: string[]): boolean {
  return (n.type === 'identifier' && names.includes(n.text)) || n.descendantsOfType('identifier').some((id) => id !== null && names.includes(id.text));
}

function usesIndex(sub: Node, names: string[]): boolean {
  return sub.childrenForFieldName('subscript').some((k) => k !== null && k.type !== 'comment' && mentions(k, names));
}

/** `if i >= n: return` (or `if i < n: ... else: return`-free forms): the rest of the body is guarded. */
function isEarlyExitGuard(stmt: Node, names: string[]): boolean {
  if (stmt.type !== 'if_statement') return false;
  const cond = stmt.childForFieldName('condition');
  const body = stmt.childForFieldName('consequence');
  const only = body?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  return !!cond && comparesIndex(cond, names) && only.length === 1 && only[0]!.type === 'return_statement';
}

/** The use sits inside an `if`/`while` (within stmt) whose condition compares the thread index. */
function guardedWithin(use: Node, stmt: Node, names: string[]): boolean {
  for (let n: Node | null = use; n; n = n.parent) {
    if ((n.type === 'if_statement' || n.type === 'while_statement' || n.type === 'elif_clause') && n.childForFieldName('condition')) {
      const cond = n.childForFieldName('condition')!;
      if (!cond.equals(use) && !contains(cond, use) && comparesIndex(cond, names)) return true;
      if (contains(cond, use) && guardedByShortCircuit(use, cond, names)) return true;
    }
    if (n.equals(stmt)) break;
  }
  return false;
}

function comparesIndex(n: Node, names: string[]): boolean {
  return mentions(n, names) && /[<>]/.test(n.text);
}

/**
 * `if i < n and j < m and not mask[i, j]:` — the use is the right operand of an `and` whose left operand compares the
 * thread index, so Python's short-circuit never evaluates it out of range (datashader's masked_clip_2d_kernel).
 */
function guardedByShortCircuit(use: Node, cond: Node, names: string[]): boolean {
  for (let n: Node | null = use; n && !n.equals(cond); n = n.parent) {
    const parent: Node | null = n.parent;
    if (parent?.type !== 'boolean_operator' || parent.childForFieldName('operator')?.type !== 'and') continue;
    const left = parent.childForFieldName('left');
    if (left && !left.equals(n) && comparesIndex(left, names)) return true;
  }
  return false;
}

/** Wraps the statements after the thread-index line in `if i < out.shape[0]:`, re-indented one level. */
function guardFix(ctx: RuleContext, body: Node, rest: Node[], index: string): TextEdit[] | null {
  if (rest.length === 0) return null;
  // A barrier inside a divergent branch deadlocks: such kernels need a different guard.
  if (rest.some((s) => /syncthreads|cuda\.shared|cuda\.local|cuda\.const/.test(s.text))) return null;
  const written = rest
    .flatMap((s) => findDescendants(s, (n) => n.type === 'assignment' || n.type === 'augmented_assignment'))
    .map((a) => a.childForFieldName('left'))
    .find((l) => l?.type === 'subscript' && l.childrenForFieldName('subscript')[0]?.text === index);
  const array = written?.childForFieldName('value');
  if (!array || (array.type !== 'identifier' && array.type !== 'attribute')) return null;
  const text = ctx.text;
  const start = lineStartOf(text, rest[0].startIndex);
  const end = body.endIndex;
  const region = text.slice(start, end);
  // Multi-line strings would change if re-indented.
  if (findDescendants(body, (n) => n.type === 'string' && /[\r\n]/.test(n.text)).length > 0) return null;
  const indent = indentAt(text, rest[0].startIndex);
  const unit = indent.includes('\t') ? '\t' : '    ';
  const eol = detectEol(text);
  const reindented = region
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 && part.trim().length > 0 ? unit + part : part))
    .join('');
  return [{ start, end, newText: `${indent}if ${index} < ${array.text}.shape[0]:${eol}${reindented}` }];
}

/**
 * Every launch of the kernel in this file (`kernel[blocks, threads](...)`, `kernel.configure(blocks, threads)`) starts
 * no thread past the data: the grid is the data size divided down by the block size (`blocks = n // threads`,
 * `griddim = (rows // bd[0], cols // bd[1])`), or the data is sized as their product (`n = blocks * threads`,
 * `N = griddim[0] * blockdim[0]`). Examples and benchmarks size their arrays this way; a guard there checks nothing.
 * False when the file launches the kernel in no such way, or uses its name for anything but a launch.
 */
function launchesFitExactly(kernel: string, def: Node, ctx: RuleContext): boolean {
  let launches = 0;
  for (const offset of ctx.facts.wordOffsets(kernel)) {
    const id = ctx.facts.root.descendantForIndex(offset, offset + kernel.length);
    if (id?.type !== 'identifier' || contains(def, id) || id.equals(def.childForFieldName('name')!)) continue;
    if (readsAttribute(id)) continue;
    const configs = launchConfigs(id);
    if (configs.length === 0 || !configs.every(([grid, block]) => fitsExactly(grid, block, ctx))) return false;
    launches += configs.length;
  }
  return launches > 0;
}

/** `foo.ptx`, `kernel.signatures`: the kernel's attribute read, not called, launches nothing. */
function readsAttribute(id: Node): boolean {
  const parent = id.parent;
  if (parent?.type !== 'attribute' || !parent.childForFieldName('object')?.equals(id)) return false;
  const above = parent.parent;
  return !(above?.type === 'call' && above.childForFieldName('function')?.equals(parent)) && above?.type !== 'attribute';
}

/**
 * The grid and block expressions of the launches `id` starts: its own (`kernel[g, b](...)`), or, when it is handed to a
 * def of this file that launches that parameter with two others of its parameters (`time_this(vec_add, gridsz, blksz,
 * args)` with `kernel[gridsz, blocksz](*args)` inside, numbapro's ILP benchmark, review58), the arguments the call
 * passes for them. Empty when `id` is used any other way.
 */
function launchConfigs(id: Node): [Node, Node][] {
  const own = launchConfig(id);
  if (own) return [own];
  const call = id.parent?.type === 'argument_list' ? id.parent.parent : null;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  const callee = fn?.type === 'identifier' ? fileFunctionDef(fn, call!) : null;
  if (!call || !callee) return [];
  const args = positionalArguments(call);
  const params = parameterNames(callee);
  const param = params[args.findIndex((a) => a.equals(id))];
  if (!param || args.length !== call.childForFieldName('arguments')!.namedChildren.filter((c) => c && c.type !== 'comment').length) return [];
  const argumentFor = (n: Node): Node | null => (n.type === 'identifier' && params.includes(n.text) ? (args[params.indexOf(n.text)] ?? null) : null);
  const configs: [Node, Node][] = [];
  for (const use of findDescendants(callee, (n) => n.type === 'identifier' && n.text === param)) {
    if (use.parent?.type === 'parameters') continue;
    const inner = launchConfig(use);
    const grid = inner && argumentFor(inner[0]);
    const block = inner && argumentFor(inner[1]);
    if (!grid || !block) return [];
    configs.push([grid, block]);
  }
  return configs;
}

/** The grid and block expressions of the launch `id` starts, or null when `id` is used otherwise. */
function launchConfig(id: Node): [Node, Node] | null {
  const parent = id.parent;
  if (parent?.type === 'subscript' && parent.childForFieldName('value')?.equals(id)) {
    const keys = parent.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    const call = parent.parent;
    if (keys.length < 2 || call?.type !== 'call' || !call.childForFieldName('function')?.equals(parent)) return null;
    return [keys[0], keys[1]];
  }
  const call = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'configure' ? parent.parent : null;
  if (call?.type !== 'call') return null;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  return args.length >= 2 && args[0].type !== 'keyword_argument' && args[1].type !== 'keyword_argument' ? [args[0], args[1]] : null;
}

/** `x` or `x[0]`: the name the component of a launch configuration is read from. */
function configName(n: Node | null | undefined): string | null {
  if (n?.type === 'identifier') return n.text;
  if (n?.type === 'subscript' && n.childForFieldName('value')?.type === 'identifier') return n.childForFieldName('value')!.text;
  return null;
}

function fitsExactly(grid: Node, block: Node, ctx: RuleContext): boolean {
  // `gridsz // 2`: fewer blocks than a grid that fits exactly start fewer threads still (the ILP kernels stride the rest).
  if (grid.type === 'binary_operator' && grid.childForFieldName('operator')?.type === '//' && grid.childForFieldName('right')?.type === 'integer') {
    return fitsExactly(grid.childForFieldName('left')!, block, ctx);
  }
  // `foo[1, out.size](inp, out)`: one block of one thread per element of a launched array.
  if (isOne(grid) && sizeOfLaunchedArray(block)) return true;
  const blockName = configName(block);
  if (!blockName) return false;
  // `n // threads` in every component of the grid, written in the launch or as the grid name's only value.
  const dividedDown = (g: Node): boolean => {
    if (g.type === 'parenthesized_expression' && g.namedChildCount === 1) return dividedDown(g.namedChild(0)!);
    if (g.type === 'tuple') {
      const parts = g.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      return parts.length > 0 && parts.every(dividedDown);
    }
    if (g.type !== 'binary_operator' || g.childForFieldName('operator')?.type !== '//' || configName(g.childForFieldName('right')) !== blockName) return false;
    // `(n + threads - 1) // threads` rounds up: the last block runs past n.
    return !new RegExp(`\\b${blockName}\\b`).test(g.childForFieldName('left')?.text ?? '');
  };
  if (dividedDown(grid)) return true;
  if (grid.type !== 'identifier') return false;
  const bound = valuesAssignedTo(grid.text, grid, ctx.facts);
  if (bound.length === 1 && dividedDown(bound[0])) return true;
  // `n = blocks * threads`, `np.arange(BLOCKSIZE * BLOCKCOUNT)` in the launch's scope (its def, or the module): the data
  // is sized to the grid.
  const scope = enclosingDef(grid) ?? ctx.facts.root;
  return findDescendants(scope, (n) => n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '*').some((product) => {
    const names = [configName(product.childForFieldName('left')), configName(product.childForFieldName('right'))];
    return names.includes(grid.text) && names.includes(blockName);
  });
}

function isOne(n: Node): boolean {
  return n.type === 'integer' && n.text === '1';
}

/** `out.size`, `len(out)` or `out.shape[0]` where `out` is an argument of the launch the expression configures. */
function sizeOfLaunchedArray(n: Node): boolean {
  let array: Node | null = null;
  if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'size') array = n.childForFieldName('object');
  else if (n.type === 'call' && n.childForFieldName('function')?.text === 'len') array = positionalArguments(n)[0] ?? null;
  else if (n.type === 'subscript' && n.childForFieldName('value')?.type === 'attribute' && /\.shape$/.test(n.childForFieldName('value')!.text)) {
    if (n.childrenForFieldName('subscript')[0]?.text === '0') array = n.childForFieldName('value')!.childForFieldName('object');
  }
  if (array?.type !== 'identifier') return false;
  let launch: Node | null = n.parent;
  while (launch && launch.type !== 'call') launch = launch.parent;
  return !!launch && positionalArguments(launch).some((a) => a.text === array!.text);
}
