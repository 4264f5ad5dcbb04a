import { defineRule } from '../../server/engine/rule';
import { detectEol, escapeRegExp, type Node, Query } from '../../server/syntax';
import { FileFacts, findDescendants, isOptimizerExpr, keywordValue, positionalArguments } from '../../server/analysis';
import { indentAt, insertAt, lineEndOf, replaceNode } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const SCALERS = new Set([
  'torch.amp.GradScaler',
  'torch.amp.grad_scaler.GradScaler',
  'torch.GradScaler',
  'torch.cuda.amp.GradScaler',
  'torch.cuda.amp.grad_scaler.GradScaler',
  'torch.cpu.amp.GradScaler',
]);

const USES = `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @method)
  (#any-of? @method "scale" "step" "update" "backward" "unscale_")) @call`;
const queries = new WeakMap<object, Query>();

interface Use {
  call: Node;
  recv: Node;
  method: string;
}

function usesIn(scope: Node, facts: FileFacts): Use[] {
  const language = facts.tree.language;
  let q = queries.get(language);
  if (!q) {
    q = new Query(language, USES);
    queries.set(language, q);
  }
  const out: Use[] = [];
  for (const match of q.matches(scope)) {
    const get = (n: string) => match.captures.find((c) => c.name === n)!.node;
    out.push({ call: get('call'), recv: get('recv'), method: get('method').text });
  }
  return out;
}

export default defineRule({
  id: 'torch-gradscaler-misuse',
  title: 'A GradScaler exists but the training step bypasses it',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-amp-and-compile',
  requires: ['torch'],
  message: 'The GradScaler is bypassed: use `scaler.scale(loss).backward()`, `scaler.step(optimizer)` and `scaler.update()` together',
  docs: {
    why:
      'With float16 autocast, small gradients underflow to zero unless the loss is scaled up before `backward()`. ' +
      '`GradScaler` only works when all three calls are used: `scale(loss).backward()` scales the gradients, ' +
      '`step(optimizer)` unscales them and skips steps with inf/NaN, and `update()` adjusts the scale. Calling ' +
      '`optimizer.step()` after a scaled backward applies gradients that are still multiplied by the scale; never ' +
      'calling `update()` freezes the scale.',
    instead:
      '`scaler.scale(loss).backward()`, then (after `scaler.unscale_(optimizer)` if you clip gradients) ' +
      '`scaler.step(optimizer)` and `scaler.update()` once per step.',
    example: {
      before: 'scaler = torch.amp.GradScaler("cuda")\n...\nloss.backward()\noptimizer.step()',
      after: 'scaler = torch.amp.GradScaler("cuda")\n...\nscaler.scale(loss).backward()\nscaler.step(optimizer)\nscaler.update()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Route the step through the GradScaler',
    reason: 'the scaler then skips steps whose gradients overflow and changes the gradient magnitudes seen between backward and step',
  },
  query: `
(assignment
  left: [(identifier) (attribute object: (identifier) @self)] @target
  right: (call
    function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
    (#match? @fn "Scaler$")) @ctor)`,
  check(m, ctx) {
    const ctor = m.need('ctor');
    const facts = ctx.facts;
    if (!SCALERS.has(facts.calleeName(ctor) ?? '')) return;
    if (keywordValue(ctor, 'enabled')?.type === 'false') return;
    const target = m.need('target');
    const self = m.get('self');
    if (self && self.text !== 'self') return;
    const scope = self ? enclosingClassBody(target) : enclosingScope(target);
    if (!scope) return;
    const S = target.text;

    const uses = usesIn(scope, facts);
    const scaled = uses.filter((u) => u.method === 'scale' && u.recv.text === S);
    const esc = escapeRegExp(S);
    const scalerSteps = uses.filter((u) => u.method === 'step' && u.recv.text === S);
    const updates = uses.filter((u) => u.method === 'update' && u.recv.text === S);
    const hasUnscale = uses.some((u) => u.method === 'unscale_' && u.recv.text === S);
    // allennlp's `if self._scaler is not None: <scaled backward elsewhere> else: loss.backward()`: a backward in a branch of a
    // test of the scaler itself is the path without one.
    // A backward of any `<scaler>.scale(loss)` is already scaled (MONAI's `grad_scaler.scale(loss).backward()` on the
    // parameter its caller passes `self.grad_scaler` as): scaling it again would scale the gradients twice.
    const backwards = uses.filter(
      (u) => u.method === 'backward' && positionalArguments(u.call).length === 0 && !isScaledLoss(u.recv) && !branchesOnScaler(u.call, esc, scope),
    );
    const optSteps = uses.filter((u) => u.method === 'step' && u.recv.text !== S && positionalArguments(u.call).length === 0 && isOptimizerExpr(u.recv, facts));

    // Handed to a helper (`train_one_epoch(..., scaler)`, `loss_scaler(loss, opt)`): it may be used there.
    if (new RegExp(`[(,]\\s*(\\w+\\s*=\\s*)?${esc}\\s*[,)]`).test(scope.text)) return;
    // Or given another name first (`grad_scaler = self.grad_scaler`), under which it is used and passed on.
    if (aliased(scope, S)) return;

    if (scaled.length === 0 && backwards.length > 0) {
      // (a) Created, never used.
      const fix =
        backwards.length === 1 && optSteps.length === 1 && updates.length === 0 && !hasUnscale ? wholeFix(ctx.text, S, backwards[0], optSteps[0]) : null;
      for (const b of backwards) {
        ctx.report({
          node: b.call,
          message: `GradScaler \`${S}\` is never used: \`${b.call.text}\` backpropagates an unscaled loss; use \`${S}.scale(${b.recv.text}).backward()\``,
          edits: fix ?? undefined,
        });
      }
      return;
    }
    if (scaled.length > 0 && scalerSteps.length === 0) {
      // (b) Scaled backward, but the optimizer steps on its own. nerfacc's `GradScaler(1)` scales by one: nothing to undo.
      if (scalesByOne(ctor)) return;
      for (const o of optSteps) {
        // nerfacc's fixed `GradScaler(2**10)` with Adam ("do not unscale it because we are using Adam"): a scale that never
        // changes (no update()) cancels out of Adam's step, so stepping through the scaler would only change training.
        // Clipping reads the scaled norm, so it keeps the finding.
        if (updates.length === 0 && !hasUnscale && !/clip_grad/.test(scope.text) && scaleInvariantOptimizer(o.recv, scope, facts)) continue;
        const edits: TextEdit[] = [replaceNode(o.call, `${S}.step(${o.recv.text})`)];
        if (updates.length === 0) {
          const upd = updateAfter(ctx.text, S, o.call);
          if (upd) edits.push(upd);
        }
        ctx.report({
          node: o.call,
          message: `\`${o.call.text}\` applies gradients still multiplied by \`${S}\`'s loss scale; use \`${S}.step(${o.recv.text})\` and \`${S}.update()\``,
          edits: optSteps.length === 1 && isStatement(o.call) ? edits : undefined,
        });
      }
      return;
    }
    if (scalerSteps.length > 0 && updates.length === 0) {
      // (c) No update(): the scale never adapts.
      for (const s of scalerSteps) {
        const upd = isStatement(s.call) ? updateAfter(ctx.text, S, s.call) : null;
        ctx.report({
          node: s.call,
          message: `\`${S}.update()\` is never called, so the loss scale never adapts; call it after \`${s.call.text}\``,
          edits: upd ? [upd] : undefined,
        });
      }
    }
  },
});

/** The scaler's initial scale is the constant 1 (`GradScaler(1)`, `GradScaler("cuda", init_scale=1.0)`): its scaling changes nothing. */
function scalesByOne(ctor: Node): boolean {
  const positional = positionalArguments(ctor);
  // torch.amp.GradScaler takes the device first; torch.cuda.amp.GradScaler starts with init_scale.
  const scale = keywordValue(ctor, 'init_scale') ?? (positional[0]?.type === 'string' ? positional[1] : positional[0]);
  return !!scale && /^(1|1\.0*|2\s*\*\*\s*0)$/.test(scale.text);
}

/** Adam-family optimizers: a constant factor on every gradient cancels out of their step (eps aside). */
const SCALE_INVARIANT = /^torch\.optim\.(Adam|AdamW|Adamax|NAdam|RAdam)$/;

/**
 * The optimizer `recv` is built in scope as an Adam-family optimizer whose step a constant gradient scale does not change:
 * no `weight_decay` (added to the gradient before normalising) unless AdamW, whose decay is decoupled.
 */
function scaleInvariantOptimizer(recv: Node, scope: Node, facts: FileFacts): boolean {
  const built = findDescendants(scope, (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === recv.text).map((a) =>
    a.childForFieldName('right'),
  );
  if (built.length !== 1 || built[0]?.type !== 'call') return false;
  const name = facts.calleeName(built[0]) ?? '';
  if (!SCALE_INVARIANT.test(name)) return false;
  return name === 'torch.optim.AdamW' || !keywordValue(built[0], 'weight_decay');
}

/** `X.scale(loss)`: a loss a scaler has already scaled, whatever name the scaler goes by. */
function isScaledLoss(recv: Node): boolean {
  const fn = recv.type === 'call' ? recv.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'scale';
}

/** A plain assignment in scope copies the scaler to another name (`grad_scaler = self.grad_scaler`). */
function aliased(scope: Node, S: string): boolean {
  return findDescendants(scope, (n) => n.type === 'assignment' && n.childForFieldName('right')?.text === S).length > 0;
}

/** call sits in a branch of an `if` whose condition reads the scaler (`esc`: its escaped spelling): `if S is not None: ... else: loss.backward()`. */
function branchesOnScaler(call: Node, esc: string, scope: Node): boolean {
  const spelled = new RegExp(`(^|[^\\w.])${esc}(?!\\w)`);
  for (let n = call.parent; n && !n.equals(scope); n = n.parent) {
    if (n.type === 'if_statement' && spelled.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

function isStatement(call: Node): boolean {
  return call.parent?.type === 'expression_statement';
}

/** `S.update()` on its own line after the statement holding `call`. */
function updateAfter(text: string, S: string, call: Node): TextEdit | null {
  if (!isStatement(call)) return null;
  const stmt = call.parent!;
  return insertAt(lineEndOf(text, stmt.endIndex), `${detectEol(text)}${indentAt(text, stmt.startIndex)}${S}.update()`);
}

/** (a)'s fix: scale the one backward, step through the scaler, then update. */
function wholeFix(text: string, S: string, backward: Use, step: Use): TextEdit[] | null {
  if (!isStatement(backward.call) || !isStatement(step.call)) return null;
  if (backward.call.startIndex > step.call.startIndex) return null;
  // Clipping or reading gradients in between would need `unscale_` first.
  if (/clip_grad|\.grad\b|grad_norm/.test(text.slice(backward.call.endIndex, step.call.startIndex))) return null;
  const upd = updateAfter(text, S, step.call);
  if (!upd) return null;
  return [replaceNode(backward.recv, `${S}.scale(${backward.recv.text})`), replaceNode(step.call, `${S}.step(${step.recv.text})`), upd];
}

function enclosingScope(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n.childForFieldName('body');
    if (n.type === 'module') return n;
  }
  return null;
}

function enclosingClassBody(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'class_definition') return n.childForFieldName('body');
  }
  return null;
}
