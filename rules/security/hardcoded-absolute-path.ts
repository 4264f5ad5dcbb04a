import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, isTestFile } from '../../server/analysis';

/** Calls that load (or save) data, by qualified name or prefix. */
const LOADERS = [
  /^pandas\.(read_\w+)$/,
  /^numpy\.(load|loadtxt|genfromtxt|fromfile|save|savez|savez_compressed|savetxt)$/,
  /^torch\.(load|save)$/,
  /^(PIL\.)?Image\.open$/,
  /^cv2\.imread$/,
  /^joblib\.(load|dump)$/,
  /^h5py\.File$/,
  /^datasets\.(load_from_disk|load_dataset)$/,
  /^(tensorflow|tf)\.keras\.models\.load_model$/,
  /^keras\.models\.load_model$/,
  /^scipy\.io\.(loadmat|savemat)$/,
  /^pyarrow\.parquet\.read_table$/,
  /^polars\.(read_\w+|scan_\w+)$/,
];
/** System locations that are the same on every machine of a platform: not user data. */
const SYSTEM_PREFIX = /^\/(dev|proc|sys|etc|usr|bin|sbin|lib|lib64|lib32|tmp|var|run|boot|snap|private|System|Library|Applications)(\/|$)/;

export default defineRule({
  id: 'hardcoded-absolute-path',
  title: 'Absolute filesystem path passed to a data-loading call',
  category: 'security',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'configuration-and-architecture',
  message: 'Hardcoded absolute data path; take it from configuration or a command-line argument',
  docs: {
    why:
      'A path such as `/home/alice/data/train.csv` or `C:\\Users\\bob\\model.pt` only exists on one machine: the ' +
      'code breaks for colleagues, in CI, in containers and on the training cluster, and changing datasets means ' +
      'editing code. Reported for absolute (or `~`) paths written directly into data-loading calls (pandas ' +
      '`read_*`, `np.load`, `torch.load`, `open`, `Image.open`, ...), outside tests; system locations such as ' +
      '`/etc` or `/tmp` are left alone.',
    instead:
      'Read data locations from configuration (a YAML file, Hydra/OmegaConf, a pydantic settings model, environment ' +
      'variables) or a command-line argument, or build them relative to the project (`Path(__file__).parent / "data"`).',
    example: {
      before: 'df = pd.read_csv("/home/alice/data/train.csv")',
      after: 'df = pd.read_csv(cfg.data.train_csv)  # e.g. from config.yaml or --train-csv',
    },
  },
  query: `
(call
  function: [(identifier) (attribute)] @fn
  arguments: (argument_list . (string) @path)) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const pathNode = m.need('path');
    if (isTestFile(ctx.filePath)) return;
    const loader = loaderName(ctx.facts, m.need('fn'), call);
    if (!loader) return;
    const literal = leadingText(pathNode);
    if (literal === null || !isAbsoluteUserPath(literal)) return;
    ctx.report({
      node: pathNode,
      message: `Hardcoded absolute path \`${pathNode.text.length > 60 ? `${pathNode.text.slice(0, 57)}...` : pathNode.text}\` in \`${loader}()\`; take it from configuration or a command-line argument`,
    });
  },
});

function loaderName(facts: FileFacts, fn: Node, call: Node): string | null {
  if (fn.type === 'identifier' && fn.text === 'open' && facts.isBuiltin('open', call)) return 'open';
  const q = facts.qualifiedName(fn);
  if (!q) return null;
  return LOADERS.some((re) => re.test(q)) ? fn.text : null;
}

/** The text a string literal starts with (up to its first interpolation), without prefix and quotes. */
function leadingText(str: Node): string | null {
  const content = str.namedChildren.find((c) => c?.type === 'string_content' || c?.type === 'interpolation');
  if (!content) return null;
  if (content.type === 'interpolation') return null;
  const raw = /^[a-zA-Z]*r/i.test(str.text.replace(/['"].*$/s, ''));
  return raw ? content.text : content.text.replace(/\\\\/g, '\\');
}

function isAbsoluteUserPath(p: string): boolean {
  if (p.startsWith('~/') || p.startsWith('~\\')) return true;
  if (/^[a-zA-Z]:[\\/]/.test(p)) return true; // C:\ or C:/
  if (p.startsWith('\\\\')) return true; // UNC share
  if (!p.startsWith('/') || p.startsWith('//')) return false;
  if (SYSTEM_PREFIX.test(p)) return false;
  return p.length > 1;
}
