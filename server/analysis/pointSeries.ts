// Nests of range loops that visit every point of a grid and hand each point's series (`sst[i, j]`, `data[:, i, j]`)
// to a numpy or scipy function: one Python call per point, where the function takes the whole array along the
// series' axis (`np.mean(data, axis=0)`, `signal.detrend(sst, axis=-1)`), or a short formula does (a covariance with
// one index series is a centred dot product; `np.polyfit` fits the columns of a 2-D y at once). Climate and imaging
// scripts write these maps point by point (review58's ORCA1 covariance maps: tens of thousands of `np.cov` calls).
// The recogniser reads only the nest's own statements and returns null on anything else: another call, a series
// picked by a per-point mask (`temp[iok]`, whose length varies), an index that is not a loop's own.
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';
import { callArguments, keywordArgument, positionalArguments } from './callArgs';
import { AXIS_REDUCERS, mentions, OWN_AXIS_FUNCTIONS, statementsOf } from './indexLoops';
import { shapeBindings } from './names';
import { findDescendants, scopeBody } from './scopes';
import { values } from './values';

/** Functions of a series that return a series of the same axis, and take `axis=` themselves. */
const SERIES_TRANSFORMS = new Set(['scipy.signal.detrend', 'numpy.diff', 'numpy.cumsum', 'numpy.gradient']);
const COVARIANCES = new Set(['numpy.cov', 'numpy.corrcoef']);

export interface PointSeriesLoop {
  /** The outermost loop of the nest, where the finding goes. */
  outer: Node;
  message: string;
}

/** The point series of one pass: the array, and the axis the slice leaves (-1 when the loop indices lead). */
interface Series {
  array: string;
  axis: number;
  /** The whole-array form of what the pass computes on the series so far (`sig.detrend(data, axis=3)`). */
  whole: string;
}

/** The whole-array code for one per-point value, with what a reader needs around it. */
interface WholeForm {
  code: string;
  /** A name the code reads, bound first (`d = sig.detrend(data, axis=3)`). */
  binding?: string;
  note?: string;
}

interface Nest {
  loops: Node[];
  indices: string[];
}

/** `i` of `for i in range(n)` (builtin range, bounds free of the outer indices: a triangle is not a grid). */
function rangeIndex(loop: Node, facts: FileFacts, outer: readonly string[]): string | null {
  if (loop.type !== 'for_statement') return null;
  const target = loop.childForFieldName('left');
  const it = loop.childForFieldName('right');
  if (target?.type !== 'identifier' || it?.type !== 'call') return null;
  const fn = it.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== 'range' || !facts.isBuiltin('range', it)) return null;
  if (outer.some((i) => mentions(it, i))) return null;
  return target.text;
}

/** The lone loop a range loop's body holds, which continues the nest. */
function loneInnerLoop(loop: Node): Node | null {
  const body = statementsOf(loop.childForFieldName('body'));
  return body.length === 1 && body[0].type === 'for_statement' ? body[0] : null;
}

/** The outermost range loop of the perfect nest `loop` belongs to. */
function outermost(loop: Node, facts: FileFacts): Node {
  let outer = loop;
  for (let p = outer.parent?.parent; p && rangeIndex(p, facts, []) && loneInnerLoop(p)?.equals(outer); p = outer.parent?.parent) outer = p;
  return outer;
}

function nestFrom(outer: Node, facts: FileFacts): Nest {
  const loops: Node[] = [];
  const indices: string[] = [];
  for (let l: Node | null = outer; l; l = loneInnerLoop(l)) {
    const i = rangeIndex(l, facts, indices);
    if (!i || indices.includes(i)) break;
    loops.push(l);
    indices.push(i);
  }
  return { loops, indices };
}

/**
 * How many axes `array` has: the value layer's answer, else the names an unpacking of its shape binds in the scope
 * (`nx, ny, nt = sst.shape`). Undefined when neither says.
 */
function ndimOf(array: Node, facts: FileFacts): number | undefined {
  const v = values(facts).valueOf(array);
  if (v?.kind === 'ndarray' && v.ndim !== undefined) return v.ndim;
  const counts = new Set(
    shapeBindings(array.text, scopeBody(array))
      .filter((b) => b.unpacked)
      .map((b) => b.names.length),
  );
  return counts.size === 1 ? [...counts][0] : undefined;
}

/**
 * `a[i, j]`, `a[:, i, j]`: every loop index once, as a key of its own, and at most one whole-axis slice, leaving exactly
 * one axis of `a` (its number of axes known): the series. A slice that leaves two axes would be reduced whole by
 * `np.mean(a[i])`, which one `axis=` does not say.
 */
function pointSlice(n: Node, indices: readonly string[], facts: FileFacts): Series | null {
  if (n.type !== 'subscript') return null;
  const array = n.childForFieldName('value');
  if (!array || (array.type !== 'identifier' && array.type !== 'attribute')) return null;
  const keys = n.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  let axis = -1;
  const seen = new Set<string>();
  for (const [position, k] of keys.entries()) {
    if (k.type === 'identifier' && indices.includes(k.text) && !seen.has(k.text)) seen.add(k.text);
    else if (k.type === 'slice' && k.namedChildCount === 0 && axis === -1) axis = position;
    else return null;
  }
  // `a[i, j]` with the indices leading: the series is the trailing axis.
  if (seen.size !== indices.length || (axis === -1 && keys.length !== indices.length)) return null;
  const ndim = ndimOf(array, facts);
  if (ndim !== indices.length + 1) return null;
  return { array: array.text, axis, whole: array.text };
}

/** The keyword arguments as written (`ddof=1`): their text goes into the whole-array form. */
function keywordArguments(call: Node): Node[] {
  return callArguments(call).filter((a) => a.type === 'keyword_argument');
}

/** `, ddof=1` for the keyword arguments a call passes beside its series, kept in its whole-array form. */
function extraKeywords(call: Node): string {
  return keywordArguments(call)
    .map((k) => `, ${k.text}`)
    .join('');
}

/** What one pass reads and computes: the body's series names, and the whole-array forms of the calls seen. */
class PassReading {
  readonly names = new Map<string, Series>();
  readonly forms: WholeForm[] = [];
  readonly called = new Set<string>();
  /** Whether a test skips points (`if np.isnan(a[i, j, 0]): continue`, `if mask[i, j]:`). */
  skips = false;
  constructor(
    readonly indices: readonly string[],
    readonly facts: FileFacts,
    readonly np: string,
  ) {}

  /** The series an expression is: a point slice, a name bound to one, or a transform of one along its axis. */
  series(n: Node): Series | null {
    if (n.type === 'identifier') return this.names.get(n.text) ?? null;
    if (n.type === 'subscript') return pointSlice(n, this.indices, this.facts);
    if (n.type !== 'call') return null;
    const q = this.facts.calleeName(n);
    const args = positionalArguments(n);
    if (!q || !SERIES_TRANSFORMS.has(q) || args.length !== 1 || keywordArgument(n, 'axis') !== null) return null;
    const inner = this.series(args[0]);
    if (!inner) return null;
    this.called.add(n.childForFieldName('function')!.text);
    return { ...inner, whole: `${n.childForFieldName('function')!.text}(${inner.whole}, axis=${inner.axis}${extraKeywords(n)})` };
  }

  /** Free of the loop indices: the same for every point. */
  invariant(n: Node): boolean {
    return !this.indices.some((i) => mentions(n, i));
  }

  /** One value per point computed from its series, in a form the whole array computes at once; its whole-array form. */
  pointValue(n: Node): WholeForm | null {
    const transformed = this.series(n);
    if (transformed && n.type === 'call') return { code: transformed.whole };
    if (n.type === 'subscript') return this.covariance(n);
    if (n.type !== 'call') return null;
    const fn = n.childForFieldName('function');
    const args = positionalArguments(n);
    if (keywordArgument(n, 'axis') !== null || !fn) return null;
    // `temp.mean()`: a reduction method of the series.
    if (fn.type === 'attribute' && args.length === 0 && AXIS_REDUCERS.has(fn.childForFieldName('attribute')?.text ?? '')) {
      const s = this.series(fn.childForFieldName('object')!);
      if (!s) return null;
      const m = fn.childForFieldName('attribute')!.text;
      this.called.add(`.${m}()`);
      return { code: `${s.whole}.${m}(axis=${s.axis}${extraKeywords(n)})` };
    }
    const q = this.facts.calleeName(n);
    if (q?.startsWith('numpy.') && OWN_AXIS_FUNCTIONS.has(q.slice('numpy.'.length)) && args.length === 1) {
      const s = this.series(args[0]);
      if (!s) return null;
      this.called.add(fn.text);
      return { code: `${fn.text}(${s.whole}, axis=${s.axis}${extraKeywords(n)})` };
    }
    // `np.polyfit(t, series, deg)`: a 2-D y is one fit per column.
    if (q === 'numpy.polyfit' && args.length === 3 && keywordArguments(n).length === 0 && this.invariant(args[0]) && this.invariant(args[2])) {
      const s = this.series(args[1]);
      if (!s) return null;
      this.called.add(fn.text);
      const columns = s.axis === 0 ? s.whole : `${this.np}.moveaxis(${s.whole}, ${s.axis}, 0)`;
      return {
        code: `${fn.text}(${args[0].text}, ${columns}.reshape(len(${args[0].text}), -1), ${args[2].text})`,
        note: 'one fit per column',
      };
    }
    return null;
  }

  /** `np.cov(series, y)[0, 1]` (or `np.corrcoef`) with `y` the same for every point: a centred dot product along the axis. */
  covariance(n: Node): WholeForm | null {
    const call = n.childForFieldName('value');
    const keys = n.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    if (call?.type !== 'call' || keys.length !== 2 || !/^(0, 1|1, 0)$/.test(keys.map((k) => k.text).join(', '))) return null;
    const q = this.facts.calleeName(call);
    const args = positionalArguments(call);
    if (!q || !COVARIANCES.has(q) || args.length !== 2) return null;
    // The sample covariance (ddof 1) is np.cov's default; other normalisations are left alone.
    if (keywordArguments(call).some((k) => k.text.replace(/\s/g, '') !== 'ddof=1')) return null;
    const s = this.series(args[0]);
    const y = args[1];
    if (!s || !this.invariant(y) || (y.type !== 'identifier' && y.type !== 'attribute')) return null;
    this.called.add(call.childForFieldName('function')!.text);
    const np = this.np;
    const a = s.whole === s.array ? s.array : 'd';
    const binding = a === 'd' ? `d = ${s.whole}` : undefined;
    const cov = `${np}.tensordot(${a} - ${a}.mean(axis=${s.axis}, keepdims=True), ${y.text} - ${y.text}.mean(), axes=(${s.axis}, 0)) / (${a}.shape[${s.axis}] - 1)`;
    if (q === 'numpy.cov') return { code: cov, binding };
    return { code: `${cov} / (${a}.std(axis=${s.axis}, ddof=1) * ${y.text}.std(ddof=1))`, binding };
  }

  /**
   * Reads the pass's statements: temporaries bound to series, stores of per-point values at the point's own
   * position, and guards that skip a point (`if np.isnan(a[i, j, 0]): continue`). False on anything else.
   */
  read(statements: readonly Node[]): boolean {
    for (const st of statements) {
      if (st.type === 'if_statement') {
        if (!this.guard(st)) return false;
        continue;
      }
      const a = st.type === 'expression_statement' && st.namedChildCount === 1 ? st.namedChild(0) : null;
      if (a?.type !== 'assignment') return false;
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (!left || !right) return false;
      if (left.type === 'identifier') {
        const s = this.series(right);
        if (s) {
          this.names.set(left.text, s);
          continue;
        }
        return false;
      }
      if (!this.store(left, right)) return false;
    }
    return true;
  }

  /** `out[i, j] = <per-point value>`, at the point's own position (a whole-axis slice allowed). */
  private store(left: Node, right: Node): boolean {
    if (left.type !== 'subscript') return false;
    const target = left.childForFieldName('value');
    if (!target || (target.type !== 'identifier' && target.type !== 'attribute')) return false;
    const keys = left.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    const positions = keys.filter((k) => k.type === 'identifier' && this.indices.includes(k.text)).map((k) => k.text);
    if (
      new Set(positions).size !== this.indices.length ||
      keys.some((k) => !(k.type === 'identifier' && this.indices.includes(k.text)) && !(k.type === 'slice' && k.namedChildCount === 0))
    )
      return false;
    const form = this.pointValue(right);
    if (!form) return false;
    this.forms.push(form);
    return true;
  }

  /** `if <test of the point>: continue`, or `if <test>:` around stores (no else): masked points, skipped. */
  private guard(st: Node): boolean {
    if (st.childForFieldName('alternative') || st.namedChildren.some((c) => c?.type === 'elif_clause' || c?.type === 'else_clause')) return false;
    const test = st.childForFieldName('condition');
    if (!test || findDescendants(test, (d) => d.type === 'call').some((c) => !this.facts.calleeName(c)?.startsWith('numpy.'))) return false;
    const body = statementsOf(st.childForFieldName('consequence'));
    this.skips = true;
    if (body.length === 1 && body[0].type === 'continue_statement') return true;
    return this.read(body);
  }
}

/**
 * The advice for a nest of range loops over grid points whose every pass computes, from each point's series, values a
 * numpy or scipy call computes for the whole array along the series' axis; null for any other loop. `loop` may be any
 * loop of the nest: the advice is the outermost loop's (check `outer`).
 */
export function pointSeriesLoop(loop: Node, facts: FileFacts, np: string): PointSeriesLoop | null {
  const outer = outermost(loop, facts);
  const nest = nestFrom(outer, facts);
  if (nest.loops.length === 0) return null;
  const innermost = nest.loops[nest.loops.length - 1];
  const reading = new PassReading(nest.indices, facts, np);
  if (!reading.read(statementsOf(innermost.childForFieldName('body'))) || reading.forms.length === 0) return null;
  const called = [...reading.called].map((c) => `\`${c}\``).join(' and ');
  const points = nest.indices.map((i) => `\`${i}\``).join(' × ');
  const verb = reading.called.size > 1 ? 'run' : 'runs';
  return {
    outer,
    message:
      `${called} ${verb} from Python once per point (${points}), each time on one point's series; ` +
      `along the series' axis one call does every point: ${reading.forms.map(spelled).join('; ')}` +
      (reading.skips ? ' (then keep the old values where the loop skips a point, with `np.where`)' : ''),
  };
}

function spelled(form: WholeForm): string {
  const bound = form.binding ? `with \`${form.binding}\`, ` : '';
  return `${bound}\`${form.code}\`${form.note ? ` (${form.note})` : ''}`;
}
