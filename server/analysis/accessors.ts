import type { Node } from '../syntax';
import type { FileFacts } from './facts';
import { isStdlibModule } from './stdlib';

/** The libraries whose own objects the pandas rules act on: an attribute of theirs is not a third-party accessor. */
const PANDAS_FAMILY = new Set(['pandas', 'numpy']);

/**
 * The third-party accessor a receiver chain goes through, or null: `df.swifter.apply(f, axis=1)`,
 * `df.swifter.set_npartitions(4).rolling(1).apply(f)`. A package registers such an accessor on pandas objects when it
 * is imported (`import swifter`), so an attribute named after a package the file imports (not the standard library,
 * where `df.time` is a column) is that accessor, and the `apply` at the end of the chain is the package's, not pandas'.
 */
export function importedAccessorIn(facts: FileFacts, receiver: Node): string | null {
  for (let n: Node | null = receiver; n;) {
    if (n.type === 'attribute') {
      const name = n.childForFieldName('attribute')?.text ?? '';
      if (!PANDAS_FAMILY.has(name) && !isStdlibModule(name) && facts.importsModule(name)) return name;
      n = n.childForFieldName('object');
    } else if (n.type === 'call') n = n.childForFieldName('function');
    else if (n.type === 'subscript') n = n.childForFieldName('value');
    else if (n.type === 'parenthesized_expression') n = n.namedChild(0);
    else return null;
  }
  return null;
}
