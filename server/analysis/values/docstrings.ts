// Parameter types a function's docstring states: the numpydoc `x : ndarray of shape (N, M)` of a
// Parameters section, Sphinx's `:type x: np.ndarray` and Google's `x (np.ndarray): ...`. Libraries
// written before annotations (numpy-ml, scikit-learn style code) document every array this way, and
// the documented contract is what callers pass; pyfolio-style libraries document `returns : pd.Series` alike. Only an
// ndarray, a DataFrame or a Series and nothing else is taken: "ndarray or list", "array_like", "pd.Series or
// pd.DataFrame" or "numeric" stay unknown, since a list or a scalar would be just as valid.
import type { Node } from '../../syntax/parser';
import { escapeRegExp } from '../../syntax/text';
import type { Value } from './kinds';

/** `ndarray`, `np.ndarray`, `numpy.ndarray` or numpydoc's cross-reference ``:py:class:`ndarray <numpy.ndarray>` ``. */
const NDARRAY_TYPE = /^(?::py:class:|:class:)?`?(?:ndarray|np\.ndarray|numpy\.ndarray)(?: <numpy\.ndarray>)?`?/;
/** What may follow the type without widening it: a shape, optional-ness, a default. */
const SHAPE = /^\s*(?:of shape\s*:?\s*`?\(([^)]*)\)`?)?/;
const NARROWING_TAIL = /^\s*(?:,?\s*(?:optional|or None|default[^,]*))*\s*\.?\s*$/;

/** The docstring of a def (the string of its first statement; comments are not statements), without quotes; null when it has none. */
export function docstringOf(def: Node): string | null {
  const str = docstringNode(def);
  return str ? str.text.replace(/^[rRuU]?("""|'''|"|')/, '').replace(/("""|'''|"|')$/, '') : null;
}

/** The string node of a def's, class's or module's docstring: its first statement when that is a string alone; else null. */
export function docstringNode(owner: Node): Node | null {
  const body = owner.type === 'module' ? owner : owner.childForFieldName('body');
  const first = body?.namedChildren.find((c) => c?.type !== 'comment');
  const str = first?.type === 'expression_statement' && first.namedChildCount === 1 ? first.namedChild(0) : null;
  return str?.type === 'string' ? str : null;
}

/** The type text the docstring gives `name`, in the first style that documents it. */
function documentedType(doc: string, name: string): string | null {
  const escaped = escapeRegExp(name);
  const sphinx = new RegExp(`^\\s*:type\\s+${escaped}\\s*:\\s*(.+)$`, 'm').exec(doc);
  if (sphinx) return sphinx[1].trim();
  const google = new RegExp(`^\\s*${escaped}\\s*\\(([^)]*)\\)\\s*:`, 'm').exec(doc);
  if (google) return google[1].trim();
  const section = parametersSection(doc);
  if (!section) return null;
  const numpydoc = new RegExp(`^\\s*${escaped}\\s*:\\s*(.+)$`, 'm').exec(section);
  return numpydoc ? numpydoc[1].trim() : null;
}

/** The numpydoc "Parameters" section: from its underlined heading to the next underlined heading. */
function parametersSection(doc: string): string | null {
  const lines = doc.split(/\r?\n/);
  const start = lines.findIndex((l, i) => /^\s*(Parameters|Arguments|Args)\s*$/.test(l) && /^\s*-{3,}\s*$/.test(lines[i + 1] ?? ''));
  if (start < 0) return null;
  let end = lines.length;
  for (let i = start + 2; i < lines.length - 1; i++) {
    if (/^\s*-{3,}\s*$/.test(lines[i + 1]) && lines[i].trim() !== '') {
      end = i;
      break;
    }
  }
  return lines.slice(start + 2, end).join('\n');
}

/**
 * `pd.DataFrame`, `pandas.Series`, a bare `DataFrame` or numpydoc's cross-reference: the pandas class, and the kind it
 * gives. pyfolio and empyrical document every frame and series they take this way (`returns : pd.Series`).
 */
const PANDAS_TYPE = /^(?::py:class:|:class:)?`?(?:pd\.|pandas\.)?(DataFrame|Series)(?: <pandas\.(?:DataFrame|Series)>)?`?/;

/** What the docstring of `def` says parameter `name` is, when it says "an ndarray", "a DataFrame" or "a Series" and nothing wider. */
export function documentedParameter(def: Node, name: string): Value | null {
  const doc = docstringOf(def);
  if (!doc || !doc.includes(name)) return null;
  const type = documentedType(doc, name);
  const frame = type ? PANDAS_TYPE.exec(type) : null;
  if (type && frame && NARROWING_TAIL.test(type.slice(frame[0].length))) {
    const kind = frame[1] === 'DataFrame' ? 'dataframe' : 'series';
    return { kind, why: `the docstring documents \`${name}\` as a ${frame[1]}` };
  }
  const head = type ? NDARRAY_TYPE.exec(type) : null;
  if (!type || !head) return null;
  const rest = type.slice(head[0].length);
  const shape = SHAPE.exec(rest)!;
  if (!NARROWING_TAIL.test(rest.slice(shape[0].length))) return null;
  const dims = shape[1]?.split(',').map((d) => d.trim());
  // `(N,)` has one dimension; `(n_ex, *)` or `(..., M)` an unknown number.
  const known = dims && dims.length > 0 && !dims.some((d) => d === '*' || d.includes('...'));
  const ndim = known ? dims.filter((d, i) => d !== '' || i < dims.length - 1).length : undefined;
  return { kind: 'ndarray', ...(ndim ? { ndim } : {}), why: `the docstring documents \`${name}\` as an ndarray` };
}
