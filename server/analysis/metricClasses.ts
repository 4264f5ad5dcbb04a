// Metric classes (torchmetrics' and AllenNLP's `Metric`, Keras-style `update_state`): the API calls their update
// method on every batch they measure, in training and in evaluation alike, so code there runs per batch.
import type { Node } from '../syntax/parser';
import { classOfMethod, findDescendants, isNestedScope } from './scopes';
import { enclosingFunctionDef } from './trainingLoop';

/** Methods through which a metric receives each batch. */
const METRIC_UPDATES = new Set(['update', '__call__', 'forward', 'update_state']);

/**
 * The per-batch method of a metric class around node, with the name a message shows (`Accuracy.__call__`): its update
 * method (`class Accuracy(Metric): def __call__(self, predictions, gold):`), or a method of the same class that the
 * update calls as `self.<name>(...)` (`self._update_losses(losses)`). The class must name a base spelled `...Metric`.
 * Null elsewhere.
 */
export function metricUpdateOf(node: Node): { fn: Node; name: string } | null {
  const fn = enclosingFunctionDef(node);
  const method = fn?.childForFieldName('name')?.text ?? '';
  const cls = fn ? classOfMethod(fn) : null;
  if (!fn || !cls) return null;
  const bases = cls.childForFieldName('superclasses')?.namedChildren ?? [];
  if (!bases.some((b) => b !== null && (b.type === 'identifier' || b.type === 'attribute') && /(?:^|\.)\w*Metric$/.test(b.text))) return null;
  const label = `${cls.childForFieldName('name')?.text ?? 'Metric'}.${method}`;
  if (METRIC_UPDATES.has(method)) return { fn, name: label };
  if (!method.startsWith('_') || method.startsWith('__')) return null;
  // A private helper the update method calls on self.
  const calledFromUpdate = methodsOf(cls).some(
    (m) =>
      METRIC_UPDATES.has(m.childForFieldName('name')?.text ?? '') &&
      findDescendants(
        m,
        (n) =>
          n.type === 'call' &&
          n.childForFieldName('function')?.type === 'attribute' &&
          n.childForFieldName('function')?.childForFieldName('object')?.text === 'self' &&
          n.childForFieldName('function')?.childForFieldName('attribute')?.text === method,
        isNestedScope,
      ).length > 0,
  );
  return calledFromUpdate ? { fn, name: label } : null;
}

function methodsOf(cls: Node): Node[] {
  const body = cls.childForFieldName('body');
  return (body?.namedChildren ?? [])
    .map((c) => (c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c))
    .filter((c): c is Node => c?.type === 'function_definition');
}
