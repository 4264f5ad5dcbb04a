import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { callArguments, keywordArgument, positionalArguments } from '../../server/analysis';
import { appendArgument, ensureImport } from '../../server/fixes';

const THRESHOLD = 1_000_000;

/** Constructors that take `dtype` (its positional index), and how the shape is given. */
const WITH_DTYPE: Record<string, { shape: 'first' | 'square'; dtypeIndex: number }> = {
  'numpy.zeros': { shape: 'first', dtypeIndex: 1 },
  'numpy.ones': { shape: 'first', dtypeIndex: 1 },
  'numpy.empty': { shape: 'first', dtypeIndex: 1 },
  'numpy.eye': { shape: 'square', dtypeIndex: 3 },
  'numpy.identity': { shape: 'square', dtypeIndex: 1 },
};
/** Legacy random draws: float64 only, shape from the dimensions or `size`. */
const RANDOM: Record<string, { shape: 'dims' | 'size'; sizeIndex?: number }> = {
  'numpy.random.rand': { shape: 'dims' },
  'numpy.random.randn': { shape: 'dims' },
  'numpy.random.random': { shape: 'size', sizeIndex: 0 },
  'numpy.random.random_sample': { shape: 'size', sizeIndex: 0 },
  'numpy.random.standard_normal': { shape: 'size', sizeIndex: 0 },
  'numpy.random.uniform': { shape: 'size', sizeIndex: 2 },
  'numpy.random.normal': { shape: 'size', sizeIndex: 2 },
};

export default defineRule({
  id: 'numpy-float64-default',
  title: 'A large float array is created with the default float64 dtype',
  category: 'numpy',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'compact-dtypes',
  requires: ['numpy'],
  message: 'This array has at least a million float64 elements; float32 halves its memory if the precision suffices',
  docs: {
    why:
      'numpy creates float arrays as float64 (8 bytes per element) unless told otherwise. For large feature ' +
      'matrices, weights or buffers, float32 (4 bytes) halves memory and bandwidth, which is usually what ML code ' +
      'needs anyway (deep-learning frameworks default to float32).',
    instead:
      'Pass `dtype=np.float32` to the constructor. The legacy `np.random` functions only draw float64 (converting ' +
      'with `.astype` still allocates the float64 array first); draw float32 directly with ' +
      '`np.random.default_rng().random(shape, dtype=np.float32)` or `.standard_normal(...)`. Keep float64 where accuracy matters, e.g. ' +
      'for accumulations and ill-conditioned linear algebra.',
    example: { before: 'W = np.zeros((4096, 4096))', after: 'W = np.zeros((4096, 4096), dtype=np.float32)' },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use float32',
    reason: 'float32 keeps about 7 significant digits instead of 16, so results and the dtypes of everything computed from the array change',
  },
  query: `
(call
  function: [(attribute) (identifier)] @fn
  arguments: (argument_list)
  (#match? @fn "(^|[.])(zeros|ones|empty|eye|identity|rand|randn|random|random_sample|standard_normal|uniform|normal)$")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const q = ctx.facts.calleeName(call);
    if (!q) return;
    const constructor = WITH_DTYPE[q];
    const draw = RANDOM[q];
    if (!constructor && !draw) return;
    if (callArguments(call).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return;
    // Already converted right away.
    const parent = call.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'astype') return;
    const positional = positionalArguments(call);
    let count: number | null;
    if (constructor) {
      if (keywordArgument(call, 'dtype') || positional.length > constructor.dtypeIndex) return;
      if (constructor.shape === 'first') count = shapeCount(positional[0] ?? keywordArgument(call, 'shape')?.childForFieldName('value'));
      else {
        const n = literalInt(positional[0] ?? keywordArgument(call, 'N')?.childForFieldName('value') ?? keywordArgument(call, 'n')?.childForFieldName('value'));
        const mArg = q === 'numpy.eye' ? (positional[1] ?? keywordArgument(call, 'M')?.childForFieldName('value')) : undefined;
        const mm = mArg ? literalInt(mArg) : n;
        count = n !== null && mm !== null ? n * mm : null;
      }
    } else if (draw.shape === 'dims') {
      if (positional.length === 0 || positional.length !== callArguments(call).length) return;
      count = 1;
      for (const d of positional) {
        const v = literalInt(d);
        if (v === null) return;
        count *= v;
      }
    } else {
      const size = keywordArgument(call, 'size')?.childForFieldName('value') ?? positional[draw.sizeIndex!];
      count = size ? shapeCount(size) : null;
    }
    if (count === null || count < THRESHOLD) return;
    const size = `${formatCount(count)} float64 elements (${formatBytes(count * 8)})`;
    if (draw) {
      // No dtype parameter: `.astype(np.float32)` would still allocate the float64 draw first, so
      // there is no in-place fix; only the Generator API draws float32 directly.
      ctx.report({
        node: call,
        message: `\`${m.need('fn').text}(...)\` draws ${size} and has no dtype (\`.astype\` converts only after allocating them); if float32 suffices, draw it directly with ${FLOAT32_DRAW[q]}`,
      });
      return;
    }
    const np = ensureImport(ctx.facts, 'numpy');
    const e = appendArgument(ctx.text, call, `dtype=${np.ref}.float32`);
    if (!e) return;
    ctx.report({
      node: call,
      message: `\`${m.need('fn').text}(...)\` creates ${size}; float32 would halve that if the precision suffices`,
      edits: [...np.edits, e],
    });
  },
});

/** The Generator call that draws the same distribution in float32. */
const FLOAT32_DRAW: Record<string, string> = {
  'numpy.random.rand': '`np.random.default_rng().random(shape, dtype=np.float32)`',
  'numpy.random.random': '`np.random.default_rng().random(shape, dtype=np.float32)`',
  'numpy.random.random_sample': '`np.random.default_rng().random(shape, dtype=np.float32)`',
  'numpy.random.randn': '`np.random.default_rng().standard_normal(shape, dtype=np.float32)`',
  'numpy.random.standard_normal': '`np.random.default_rng().standard_normal(shape, dtype=np.float32)`',
  'numpy.random.uniform': 'a scaled `np.random.default_rng().random(shape, dtype=np.float32)`',
  'numpy.random.normal': 'a scaled `np.random.default_rng().standard_normal(shape, dtype=np.float32)`',
};

/** The value of an integer literal expression: `4096`, `1_000_000`, `1024 * 1024`, `2 ** 20`. */
function literalInt(n: Node | null | undefined): number | null {
  if (!n) return null;
  if (n.type === 'integer') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : null;
  }
  if (n.type === 'parenthesized_expression') return literalInt(n.namedChild(0));
  if (n.type === 'binary_operator') {
    const l = literalInt(n.childForFieldName('left'));
    const r = literalInt(n.childForFieldName('right'));
    if (l === null || r === null) return null;
    switch (n.childForFieldName('operator')?.type) {
      case '*':
        return l * r;
      case '**':
        return l ** r;
      case '+':
        return l + r;
      default:
        return null;
    }
  }
  return null;
}

/** Number of elements of a literal shape (`(4096, 4096)` or `1_000_000`), or null. */
function shapeCount(shape: Node | null | undefined): number | null {
  if (!shape) return null;
  if (shape.type === 'tuple' || shape.type === 'list') {
    let count = 1;
    for (const c of shape.namedChildren) {
      if (!c || c.type === 'comment') continue;
      const v = literalInt(c);
      if (v === null) return null;
      count *= v;
    }
    return count;
  }
  return literalInt(shape);
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} billion` : `${(n / 1e6).toFixed(1)} million`;
}

function formatBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.round(b / 2 ** 20)} MiB`;
}
