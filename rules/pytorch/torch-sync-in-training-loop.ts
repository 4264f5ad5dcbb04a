import { defineRule, GENERIC_LOOP_RULES, type RuleContext } from '../../server/engine/rule';
import { escapeRegExp, type Node } from '../../server/syntax';
import {
  argumentFor,
  callArguments,
  callsOf,
  chainRoot,
  contains,
  dataLoaderArgument,
  decidesControlFlow,
  definitionsNamed,
  deviceTypes,
  enclosingFunctionDef,
  enclosingLoop,
  enclosingLoops,
  enclosingStatement,
  enclosingTrainingLoop,
  enclosingTrainStep,
  FileFacts,
  findDescendants,
  hasSplatArguments,
  identifiersSpelledInFile,
  ifBranchesAround,
  inOtherBranches,
  isDataLoaderCall,
  isDisplayCall,
  isLoggingGuardCondition,
  isNameChain,
  isNestedScope,
  isNotebookFile,
  isTestCode,
  isTestFile,
  isUnderLoggingGuard,
  keywordValue,
  lintMemo,
  metricUpdateOf,
  nodeMemo,
  occurrences,
  oneLineText,
  parameterAnnotation,
  parameterDefault,
  parameterNames,
  positionalArguments,
  stepWaitsForHost,
  targetNames,
  tensorPlacement,
  trainingLoopOf,
  trainingLoops,
  trainSteps,
  type TrainingLoop,
  type TrainStep,
  unwrapIterable,
  usesAccelerator,
  values,
  valuesAssignedTo,
} from '../../server/analysis';

const SYNC_METHODS = new Set(['item', 'cpu', 'numpy', 'tolist']);

const WHAT: Record<string, string> = {
  item: 'copies a scalar to the host and waits for the GPU',
  cpu: 'copies to the host and waits for the GPU',
  numpy: 'copies to the host and waits for the GPU',
  tolist: 'copies to the host and waits for the GPU',
};

/** Why syncs summed into running totals that are only logged or returned rank low (see loggedTotals in check). */
const RUNNING_TOTALS =
  'its numbers are summed into running totals that are only logged or returned, the usual per-step bookkeeping: one short wait per step beside the model step';

/** Why the other per-step syncs rank low (see wastedOrComputedTotals in check). */
const PER_STEP_SYNC =
  'one wait per step for numbers the step logs, shows or keeps beside the model step: worth a change only when the number is thrown away or computed with';

export default defineRule({
  id: 'torch-sync-in-training-loop',
  title: '.item(), .cpu(), .numpy() or .tolist() on every step of a training loop',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  // A loop that syncs per step is about the sync, not about a comprehension or sum() over the same steps.
  supersedes: GENERIC_LOOP_RULES,
  severityForms: [
    {
      severity: 'hint',
      when: "for `.item()` on each element of a tensor walked once per call (not inside another loop, not a flattened tensor's every element)",
    },
  ],
  // One sync per step costs a constant share of each step: it pays off to remove in training that runs at scale, not
  // in an example or tutorial whose loop trains on demo data and is read more than run (analysis/impact.ts).
  quietOutsideHotCode: true,
  message: 'A host sync (`.item()`/`.cpu()`) on every training step stalls the GPU queue; accumulate on the device and sync every N steps',
  docs: {
    why:
      'CUDA kernels run asynchronously: the Python loop normally queues the next step while the GPU is still busy. ' +
      '`.item()`, `.cpu()`, `.numpy()` and `.tolist()` on a GPU tensor must wait until every queued kernel has ' +
      'finished and then copy the value back, so calling one on every step drains the queue and the GPU idles ' +
      'while Python catches up.',
    instead:
      'Accumulate on the device (`running_loss += loss.detach()`) and call `.item()` once per epoch, or inside a ' +
      'logging guard such as `if step % 100 == 0:`. Calls under such guards are not flagged, nor loops that synchronise on purpose ' +
      '(`torch.cuda.synchronize()`, directly or in a helper of the file), steps that already wait for a number they need on the ' +
      'host (a NaN check, `if torch.isnan(loss): raise`, or a gradient-clipping helper that tests the norm it reads with `.item()`, ' +
      'in the file or a module of the workspace), loops whose function only ever puts tensors on the CPU, code the file keeps on the ' +
      'host beside code that moves to a device (a function naming no device beside ones that do, the CPU branch of an `if`), ' +
      'code that does not parse before the call (a guard may be lost in the error), one stall per step a blind review judged not worth a ' +
      "change next to a real model step (the step's only sync whose number it uses: logged, returned, kept or summed into a returned " +
      "total; an evaluation loop's metrics summed per batch; numbers only shown or logged; syncs after one the step needs anyway), " +
      'a file that never moves a tensor to a device (on the CPU a sync waits for no queued work), a step function whose returned number ' +
      'its caller tests on the same step (an LR finder stopping once the loss diverges), a copy the step hands to code on the ' +
      'host that needs it now (actions passed to `envs.step`, a Python index, `range(n)`), and numbers the step shows on every ' +
      'step in a progress bar or a print (a running total in `set_postfix`): the host needs those on the step by design. ' +
      'Any other sync once per step ranks low (out of the default output, shown with `--impact all`; blind reviews judged 1 of 27 ' +
      'useful): a loss or accuracy handed to a logger, a metrics object or a history. It keeps its warning when the number is thrown ' +
      'away (a total nothing reads, a value overwritten on every step and only the last one read), when the code decides with it ' +
      '(`if epoch_loss < best:`, an early stop), when the step syncs several losses before its backward pass with device work ' +
      'between them (each regulariser logged as soon as it is computed: every sync drains the queue again, and the backward is ' +
      'queued only after the last), or when the sync runs once per row of a tensor inside the step. When the host needs ' +
      'every row on the step (a reward function, a decoder), convert the whole tensor once: `t.tolist()` gives what ' +
      '`[t[i].tolist() for i in range(len(t))]` gives, with one copy and one sync. The same holds for a sampling or decoding ' +
      'loop that walks a device tensor element by element (`for sigma in sigmas: ... sigma.item()`): `sigmas.tolist()` once before the loop. ' +
      "A sync in a loop over the model's parameters on every step (a non-finite check per tensor, `for p in params: n += " +
      "(~torch.isfinite(p.grad)).sum().item()`, or a clipping helper that reads each gradient's norm back with `.item()`) waits once per " +
      'parameter tensor, hundreds of times a step, whatever the number decides: keep the per-tensor values as tensors, combine them ' +
      'on the device (`torch.stack(norms).norm()`, `torch.stack(flags).all()`) and read one number. ' +
      'Any loop or comprehension that calls `.item()` on each element of a tensor (`[vocab[t.item()] for t in ids]`) is flagged too, ' +
      'on the CPU as well: each element is a 0-d tensor and each `.item()` a call into torch, where `ids.tolist()` makes one call. ' +
      'So are elements taken by a range index (`for g in range(n): topk(cost[g], k=ks[g].item())`: `ks.tolist()` before the loop), ' +
      'including the rows of a batch the loop has just moved to the device (`y = y.to(device)` then `for i in range(len(y)): y[i].item()` ' +
      'or `for yy in y: yy.item()`, ' +
      'in evaluation loops too: one wait per row, where `y.tolist()` gives the same Python numbers with one), ' +
      'and the unpacked rows of a `.nonzero()` index tensor (`for src, dst in edges: g.add_edges(src.item(), dst.item())`). ' +
      "A metric's `update` or `__call__` runs on every batch too: keep its running counts as tensors and call `.item()` in `compute`. " +
      'In a loop over the rows of a batch, `torch.multinomial(w[b], 1).item()` and a row count kept as a 0-d tensor and used to slice ' +
      '(`n = mask[i].sum()` ... `ids[i][:n]`) wait for the device once per row: `torch.multinomial(w, 1).squeeze(1)` samples every row ' +
      'at once, and `mask.sum(1).tolist()` before the loop gives every count.',
    example: {
      before:
        'running_loss = 0.0\nfor x, y in loader:\n    loss = loss_fn(model(x.to(device)), y.to(device))\n    loss.backward()\n    optimizer.step()\n    running_loss += loss.item()',
      after:
        'running_loss = torch.zeros((), device=device)\nfor x, y in loader:\n    loss = loss_fn(model(x.to(device)), y.to(device))\n    loss.backward()\n    optimizer.step()\n    running_loss += loss.detach()\nprint(running_loss.item())',
    },
  },
  query: `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method "item" "cpu" "numpy" "tolist" "sum")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (isTestFile(ctx.filePath)) return;
    if (m.need('method').text === 'sum') {
      reportRowCountSlice(call, ctx);
      return;
    }
    if (reportRowSampling(call, ctx)) return;
    if (reportPerParameterSync(call, m.need('method'), ctx)) return;
    const site = usesAccelerator(facts) ? syncSite(call, facts) : null;
    if (!site) {
      reportElementWalk(call, m.need('method'), ctx);
      return;
    }
    // One finding per block (loop, step function or per-step helper): the first sync, with the count. A sync whose number
    // the step shows on every step (a progress bar's postfix of running totals, a print) is the step's design, not a stall
    // to remove: it is left out, and the others find the GPU idle after it (below).
    const syncs = syncsOf(site.block, facts);
    const displays = displaysOf(site.block, facts);
    const all = syncs.filter((c, i) => displays[i] === null && !forHostComputation(c));
    const display = displays.find((d) => d !== null) ?? null;
    if (!all[0]?.equals(call)) return;
    const recv = call.childForFieldName('function')!.childForFieldName('object')!;
    const method = m.need('method').text;
    const shown = recv.text.length > 40 ? `${recv.text.slice(0, 37)}...` : recv.text;
    const more = all.length > 1 ? ` (${all.length} syncs in this ${site.unit})` : '';
    if (site.advice) {
      ctx.report({
        start: m.need('method').startIndex,
        end: call.endIndex,
        construct: site.block,
        // Several values copied on every step of the walk (a sampler's sigma, next sigma and gamma): the loop is the repetition.
        ...(site.hotReason ? { hotReason: site.hotReason } : {}),
        message: `\`${shown}.${method}()\` ${WHAT[method]} ${site.where}${more}; ${site.advice}`,
      });
      return;
    }
    // `[ids[i].tolist() for i in range(ids.shape[0])]`: the host needs the values on this step (a reward function, a
    // decoder), but one conversion of the whole tensor copies them with one sync instead of one per row.
    const whole = wholeTensorOf(call, method);
    // Issue 24 (review43): the step waits for the device elsewhere on every step too (RecBole's `self._check_nan(loss)`,
    // Swin-Unet's `writer.add_scalar(tag, loss, step)` with the loss tensor), so removing these syncs alone saves no wait.
    const otherWait = whole ? null : otherStepWait(site.block, all);
    const advice = whole
      ? `, once per row; \`${whole}.tolist()\` gives the same lists with one copy and one sync`
      : otherWait
        ? `${more}; the step also waits for the device at \`${otherWait}\` each step, so removing these alone saves no wait: sync every N steps there too, or leave them`
        : `${more}; keep it on the device and sync every N steps`;
    // One sync a step whose value the step uses (a loss logged or returned each step, or summed into a returned total) is the
    // usual training loop: one stall per step. Several syncs per step, or a value nothing reads, are worth a change.
    const single = syncs.length === 1 && !whole;
    // An evaluation loop's one metric summed per batch (`correct += (...).sum().item()`) is one stall a batch next to the
    // batch's collation and forward: blind reviews judged sentence-transformers' LabelAccuracyEvaluator noise.
    // In an evaluation loop every sync that reaches here is a metric summed per batch; several of them (a loss and an
    // accuracy, deep-learning-v2-pytorch's Part 8) add little to the first one's wait.
    const evalTotal = !whole && site.loop?.kind === 'forward';
    // A step function whose synced values are what it returns (`losses["critic_loss"] = loss_critic.item()` ... `return
    // losses`): its callers get numbers by contract (alibi's RL update, judged noise).
    // Only per call of a step function: a loop that keeps each step's numbers in a list it returns could keep tensors.
    const returned = !whole && site.block.type === 'function_definition' && all.every((c) => returnedAsNumber(c, site.block) && !inOwnLoop(c, site.block));
    // Several syncs whose numbers are only shown, logged or kept in a history (`hist.append(loss_d.item())`, an accuracy
    // computed from `.cpu()` copies for the progress print): the first waits, the others find the queue empty. Blind
    // reviews judged 31 of 32 such findings noise (PyTorch-GAN's scripts, pyod's GAN detectors).
    const logged = !whole && all.every((c) => onlyRecorded(c, site.block));
    // ...and those beside a whole tensor copied into NumPy on every step for the host to compute with (pyod's MO-GAAL scores
    // all of X each step for `np.percentile`): the step waits there anyway, and the recorded numbers add nothing (judged noise).
    const arrayCopy = !whole && !logged ? hostArrayCopyBeside(all, site.block) : null;
    // pyod's DeepSVDD builds its tensors from NumPy and never moves them: on the CPU there is no queue to wait for (judged wrong).
    const cpuOnly = neverMovesToDevice(facts);
    // ...and a notebook has no callers to hand it GPU tensors: there the sync waits for nothing at all (review29's
    // machine-translation notebook, whose `device` is defined and never used; judged wrong when shown as a stall).
    if (cpuOnly && isNotebookFile(ctx.filePath)) return;
    // Several running totals summed side by side and returned after the loop (`epoch_loss += loss.item()` then
    // `epoch_acc += acc.item()` ... `return epoch_loss / n, epoch_acc / n`): as for one such total, the callers get
    // numbers; and the second sync finds the GPU idle. pytorch-image-classification's train loops, judged noise 6 times.
    const totals = !whole && !single && !evalTotal && returnedTotalsSideBySide(all, site.block);
    // The step turns a synced number into text (or hands it to a progress bar or logger) on every step, unguarded: the host
    // needs that number each step by design, so the step waits for the GPU there anyway and the other syncs find it idle.
    // pytorch-cifar's progress bar of running totals, x-transformers' per-step tqdm postfix and printed loss breakdown:
    // blind reviews judged all of them noise when shown.
    // ...and when a sync left out above is shown so, the others are judged the same way beside it.
    const shownEachStep = whole ? null : display ? textEachStep(syncs, site.block, facts) : !single && !logged ? textEachStep(all, site.block, facts) : null;
    // The step already waits for a value it needs on the host (`loss_val = loss.item()` then `if loss_val < best:`), unguarded
    // and before these syncs: they find the GPU idle (machine-learning-for-trading's best-state copy, judged noise).
    const neededBefore = !whole && !logged && !shownEachStep ? neededSyncBefore(all, site.block, site.loop, facts) : null;
    // The loop runs inside an iteration that already waits for the device every pass for a number the host needs (an RL
    // rollout: `envs.step(action.cpu().numpy())` on each environment step, then the update's minibatch loop): one more
    // logged number per minibatch adds little to that. cleanrl's PPO `clipfracs += [....item()]`, judged noise 11 times.
    const iterationWait = !whole && site.loop ? requiredSyncAround(site.loop.node, facts) : null;
    // Every sync summed into a running total of a loss or metric that is only logged (every N steps, after the loop) or
    // returned: the usual per-step bookkeeping; the first sync waits and the others, side by side, find the GPU idle.
    // Ranked low (not reported in auto mode; a profile showing the step hot restores it). Blind reviews of review39-40
    // judged all such findings still shown noise (torch-rechub's and pytorch-ssd's trainers, openrl's loss dicts, rsl_rl's
    // distillation). A total nothing reads stays (AutoTS' `epoch_loss`, judged useful: a sync for nothing), and so does one
    // the code computes with (pyod's epoch loss compared with the best so far, judged useful).
    const loggedTotals = !whole && totalsOnlyLogged(all, site.block);
    // Issue 24, round 67: every other per-step sync reaching here is ranked low too, unless one is summed into a running
    // total nothing reads (a sync for nothing: AutoTS' `epoch_loss`, judged useful) or one the code computes with (pyod's
    // epoch loss compared with the best so far, judged useful). Of the per-step findings review36-40 still showed, blind
    // reviews judged 1 useful (AutoTS), 23 noise and 3 wrong: a loss or accuracy read for a logger, a progress line or a
    // metrics object (GraphGym's logger, CRSLab's AverageMetric, openrl's loss dicts), one wait per step that the step's
    // other host reads (a GradScaler step, an env step, a host-side mask) often make anyway. A profile showing the step
    // hot restores the warning. Per-row and per-element syncs (above, and reportElementWalk) keep their rank.
    // A sync per row of a tensor or per parameter inside the step (`[r.item() for r in loss]`) is one wait per row, not per
    // step: it keeps its rank. A loop over a handful of things (RWKV's `for gg in range(NUM_GPUS)`, once-for-all's two metrics) does not count.
    const perStep = !whole && !loggedTotals && !all.some((c) => perRowOfTensor(c, site.block)) && !wastedOrComputedTotals(all, site.block);
    const routine =
      (single && usedOnEachStep(call, site.block)) ||
      evalTotal ||
      returned ||
      logged ||
      totals ||
      arrayCopy !== null ||
      cpuOnly ||
      shownEachStep !== null ||
      neededBefore !== null ||
      iterationWait !== null;
    // Each of these is one short stall per step, or none (on the CPU), beside a real model step: issue 24's blind reviews of
    // review27-review32 judged 76 of the 78 such findings base57 still showed (as hints) noise and 1 wrong (a helper whose
    // `.item()` the loop never reaches), 1 useful (SentEval's never-read `all_costs`). A finding nobody acts on costs more
    // than it saves, so they are not reported at all; the syncs worth a change (per row, per element, several a step that
    // nothing reads) are warnings above and below.
    // Issue 24 (review47's recall hunt): several syncs of the forward's losses before the step's backward pass, with device
    // work queued between them (TensoRF's regularisers, each logged with `.item()` as soon as it is computed): each drains
    // the queue again, and the backward cannot be queued while the forward still runs. Not the routine bookkeeping above,
    // where the numbers are read once the step's work is queued and the later syncs find the GPU idle.
    const beforeBackward = whole || cpuOnly ? null : syncsBeforeBackward(all, site.block);
    if (routine && !beforeBackward) return;
    if (beforeBackward) {
      ctx.report({
        start: m.need('method').startIndex,
        end: call.endIndex,
        construct: site.loop?.node,
        message:
          `\`${shown}.${method}()\` ${WHAT[method]} ${site.where}, before \`${beforeBackward.backward}\` is queued ` +
          `(${beforeBackward.count} syncs between pieces of the forward): each drains the GPU queue; log the detached tensors and sync every N steps`,
      });
      return;
    }
    ctx.report({
      start: m.need('method').startIndex,
      end: call.endIndex,
      construct: site.loop?.node,
      message: `\`${shown}.${method}()\` ${WHAT[method]} ${site.where}${advice}`,
      ...(otherWait ? { lowImpact: OTHER_WAIT } : loggedTotals ? { lowImpact: RUNNING_TOTALS } : perStep ? { lowImpact: PER_STEP_SYNC } : {}),
    });
  },
});

/** `loss.backward(...)`, `scaler.scale(loss).backward()`: the step's backward pass. */
function isBackwardCall(n: Node): boolean {
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'backward';
}

/** The first backward call directly in the step (not under an `if`, a handler or a loop of its own), or null. */
function stepBackward(block: Node): Node | null {
  const body = block.childForFieldName('body') ?? block;
  return findDescendants(body, isBackwardCall, isNestedScope).find((c) => !guardedWithin(c, body)) ?? null;
}

/**
 * Two or more syncs of the step run before its backward pass (the first backward call directly in the step), and
 * between two of them the step computes a piece of the loss it backpropagates (`loss_reg_L1 = tensorf.density_L1()`,
 * then `total_loss += w * loss_reg_L1`; a metric computed beside the loss does not count: pudae's kaggle-hpa): the host
 * waits for the forward in pieces and queues the backward only after the last wait. The backward call's text and the
 * number of those syncs, or null.
 * Syncs whose statements sit under an `if` still count (TensoRF logs each regulariser in the `if weight > 0:` that adds it).
 */
function syncsBeforeBackward(syncs: readonly Node[], block: Node): { backward: string; count: number } | null {
  const backward = stepBackward(block);
  if (!backward) return null;
  const before = syncs.filter((c) => c.endIndex <= backward.startIndex);
  if (before.length < 2) return null;
  const body = block.childForFieldName('body') ?? block;
  const receiver = backward.childForFieldName('function')!.childForFieldName('object')!;
  if (receiver.type !== 'identifier') return null;
  // What the backward pass differentiates is built up by the step: `total_loss += w * loss_reg_l1`, `loss = loss + t`.
  const updates = findDescendants(
    body,
    (n) =>
      (n.type === 'assignment' || n.type === 'augmented_assignment') &&
      n.childForFieldName('left')?.text === receiver.text &&
      n.endIndex <= backward.startIndex,
    isNestedScope,
  );
  const addsToLoss = (name: string, after: Node) =>
    updates.some((u) => u.startIndex > after.endIndex && new RegExp(`(?<![\\w.])${name}(?!\\w)`).test(u.childForFieldName('right')?.text ?? ''));
  // A piece of the forward computed between two of the syncs and added to that loss (not a metric read beside it), where
  // the three can run on one pass: MotionBERT logs its 3D losses in `if has_3d:` and computes the 2D loss in the `else:`,
  // which never runs between them (review57: judged noise by both reviewers).
  const samePass = (a: Node, b: Node) => !inOtherBranches(a, b);
  const between = (n: Node) =>
    before.some((a) => a.endIndex < n.startIndex && samePass(a, n) && before.some((b) => b.startIndex > n.endIndex && samePass(n, b) && samePass(a, b)));
  const computed = findDescendants(
    body,
    (n) =>
      n.type === 'assignment' &&
      n.childForFieldName('left')?.type === 'identifier' &&
      n.childForFieldName('right')?.type === 'call' &&
      !before.some((c) => contains(n, c)) &&
      between(n) &&
      addsToLoss(n.childForFieldName('left')!.text, n),
    isNestedScope,
  );
  if (computed.length === 0) return null;
  return { backward: receiver.text.length > 30 ? 'the backward pass' : `${receiver.text}.backward()`, count: before.length };
}

/** Why a sync beside another per-step wait ranks low (otherStepWait). */
const OTHER_WAIT = 'the step waits for the device elsewhere on every step as well, so these syncs alone cost no extra wait';

/** A helper named for checking a tensor for NaN or infinity (`self._check_nan(loss)`, `check_finite(x)`): it reads the value on the host. */
const CHECKS_VALUE = /(^|_)(check_(nan|inf|finite|numerics)|assert_finite)$/i;
/** Logger calls that turn a tensor argument into a Python number (TensorBoard's SummaryWriter). */
const LOGS_SCALAR = /^add_scalars?$/;

/**
 * Another unguarded statement of the step, beside the syncs found, that waits for the device on every step: a NaN check
 * of a tensor, or a TensorBoard `add_scalar` handed a tensor the step backpropagates or syncs (`loss`, `loss_ce`). Its
 * text, or null.
 */
function otherStepWait(block: Node, syncs: Node[]): string | null {
  const body = block.childForFieldName('body') ?? block;
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    if (syncs.some((s) => contains(s, call) || contains(call, s))) continue;
    const fn = call.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : undefined;
    if (!name) continue;
    const value = LOGS_SCALAR.test(name) ? call.childForFieldName('arguments')?.namedChildren[1] : null;
    // `writer.add_scalar("loss", loss, step)` beside `total += loss.detach().cpu()`, under the same test or none (slt's
    // training loop, review66 judged the sync's "wait" wrong): the logger has read that tensor on the host already.
    if (value?.type === 'identifier' && syncs.some((s) => chainRoot(s, { throughCalls: true })?.text === value.text && sameBlock(s, call)))
      return shortText(call);
    if (guardedWithin(call, body)) continue;
    if (CHECKS_VALUE.test(name) && (call.childForFieldName('arguments')?.namedChildCount ?? 0) > 0) return shortText(call);
    if (value?.type === 'identifier' && new RegExp(`(?<![\\w.])${value.text}\\.(backward|item)\\s*\\(`).test(body.text)) return shortText(call);
  }
  return null;
}

/** A reshape that leaves rows of one number: `.view(-1, 1)`, `.reshape(n, 1)`, `.unsqueeze(1)`, `[:, None]`. */
const ROWS_OF_ONE = /\.(?:view|reshape)\((?:[^()]|\([^()]*\))*,\s*1\s*\)$|\.unsqueeze\(\s*(?:dim\s*=\s*)?-?1\s*\)$|\[\s*:\s*,\s*None\s*\]$/;

/** The walked tensor is, or every binding of its name before `at` is, such a reshape. */
function rowsOfOne(tensor: string, at: Node, facts: FileFacts): boolean {
  if (!/^[A-Za-z_]\w*$/.test(tensor)) return ROWS_OF_ONE.test(tensor);
  const bound = valuesAssignedTo(tensor, at, facts);
  return bound.length > 0 && bound.every((v) => ROWS_OF_ONE.test(v.text));
}

/** The innermost block around each node is the same: both run, or neither, on a pass. */
function sameBlock(a: Node, b: Node): boolean {
  const [x, y] = [enclosingStatement(a).parent, enclosingStatement(b).parent];
  return !!x && !!y && x.equals(y);
}

/** Call text for a message, cut at 50 characters. */
function shortText(call: Node): string {
  const text = call.text.replace(/\s+/g, ' ').replace(/\(\s/g, '(');
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

/**
 * Call sits under an `if`, `try` handler or loop of its own inside body: it may not run on every step. The parts such a
 * statement evaluates each time it is reached are not guarded by it: an `if`'s or `while`'s condition (`if
 * self._check_nan(loss):`, MMRec's trainer, review68), a `for`'s iterable, a test's first operand or condition.
 */
function guardedWithin(call: Node, body: Node): boolean {
  let child: Node = call;
  for (let n = call.parent; n && !n.equals(body); child = n, n = n.parent) {
    if (!/^(if_statement|elif_clause|else_clause|except_clause|for_statement|while_statement|conditional_expression|boolean_operator)$/.test(n.type)) continue;
    if (!evaluatedWhenReached(n, child)) return true;
  }
  return false;
}

/** `child` of `statement` runs whenever the statement is reached: its condition, iterable or first operand. */
function evaluatedWhenReached(statement: Node, child: Node): boolean {
  const field =
    statement.type === 'if_statement' || statement.type === 'while_statement'
      ? statement.childForFieldName('condition')
      : statement.type === 'for_statement'
        ? statement.childForFieldName('right')
        : statement.type === 'boolean_operator'
          ? statement.childForFieldName('left')
          : statement.type === 'conditional_expression'
            ? statement.namedChildren[1]
            : null;
  return !!field && field.equals(child);
}

/**
 * `.item()` on each element a loop or comprehension takes from a tensor, outside the per-step cases above (on the CPU
 * too: the cost is a torch call per element before any device wait). One finding per walk, at its first such call.
 */
function reportElementWalk(call: Node, method: Node, ctx: RuleContext): void {
  const walk = elementWalkOf(call, ctx.facts);
  if (!walk) return;
  const all = walkSyncs(walk.loop, ctx.facts);
  if (!all[0]?.equals(call)) return;
  const recv = call.childForFieldName('function')!.childForFieldName('object')!.text;
  const shown = walk.tensor.length > 40 ? `${walk.tensor.slice(0, 37)}...` : walk.tensor;
  const more = all.length > 1 ? ` (${all.length} calls per element)` : '';
  const flat = FLATTENED.test(walk.tensor);
  const written = walk.loop.type === 'for_statement' || walk.loop.type === 'while_statement' ? writesFileEachPass(walk.loop, ctx.facts) : null;
  // `gold = t.view(-1, 1)` read as `gold[j].item()`: its `.tolist()` is a list of one-element lists, so `[j]` of it would be
  // `[v]`, never equal to a number (TencentPretrain's NER scorer, review66 judged the plain advice wrong).
  const flatten = walk.indexed && rowsOfOne(walk.tensor, call, ctx.facts) ? '.flatten()' : '';
  const advice = walk.reached
    ? `convert the part the loop reads once with \`${walk.reached}${flatten}.tolist()\` before the loop and index the list`
    : walk.indexed
      ? `convert once with \`${shown}${flatten}.tolist()\` before the loop and index the list`
      : `convert once with \`${shown}.tolist()\`${flat ? '' : ' (flattened first when it is not 1-D)'} and loop over the numbers`;
  // A tensor in host memory (kraken's `enumerate(torch.randint(...))`, mmaction's `torch.unique(x.cpu())`): no device wait,
  // only a torch call per element, which matters for long walks alone.
  const host = !!walk.iterable && hostIterable(walk.iterable, walk.loop, ctx.facts, 0);
  const cost = host
    ? 'each is a separate torch call (the tensor is in host memory, so no device wait)'
    : 'each is a separate torch call, and on a GPU a wait for the device';
  ctx.report({
    start: method.startIndex,
    end: call.endIndex,
    construct: walk.loop,
    message: `\`${recv}.item()\` runs once per element of \`${shown}\`${more}: ${cost}; ${advice}`,
    ...(walk.hot ? {} : { severity: 'hint' as const }),
    ...(written
      ? { lowImpact: `each pass also writes a file (\`${written}(...)\`), which costs far more than a torch call per element` }
      : host && !walk.hot
        ? { lowImpact: `\`${shown}\` is in host memory: each \`.item()\` costs a torch call, not a wait for a device` }
        : {}),
  });
}

/** Calls that encode and write a file: an image, an array, a checkpoint. */
const WRITES_FILE =
  /^(imageio\.(v\d\.)?(imwrite|imsave|mimwrite|mimsave|volwrite)|cv2\.imwrite|skimage\.io\.imsave|matplotlib\.pyplot\.(imsave|savefig)|torchvision\.utils\.save_image|numpy\.(save|savez|savez_compressed|savetxt)|torch\.save|soundfile\.write|scipy\.io\.wavfile\.write)$/;

/**
 * pixel-nerf's eval loops read `novel_view_idxs[i].item()` only to name the PNG or EXR file each pass writes with imageio
 * (review48 judged both findings noise, B028 and B029): the write, not the element read, is the cost of the pass. The
 * callee of the first such write in the loop body (one under an `if` counts: the reads name its file), or null.
 */
function writesFileEachPass(loop: Node, facts: FileFacts): string | null {
  const body = loop.childForFieldName('body');
  if (!body) return null;
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    const callee = facts.calleeName(call) ?? '';
    if (WRITES_FILE.test(callee)) return call.childForFieldName('function')!.text;
  }
  return null;
}

/** `model.parameters()`, `self.net.named_parameters()`: the tensors an optimizer steps. */
const PARAMETERS_CALL = /\.(?:named_)?parameters\s*\(\s*\)/;

/** A loop or comprehension that runs a sync once per parameter tensor, and the names it binds per pass. */
interface ParameterLoop {
  loop: Node;
  /** The training loop around it, or null for a gradient helper (a loop reading each parameter's `.grad`). */
  trainingLoop: TrainingLoop | null;
}

/**
 * The loop (or comprehension) over a model's parameters that `call`, a sync, runs in once per parameter, on every step:
 * inside a training loop's step (meshrcnn's `for p in params: n += (torch.isfinite(p.grad) == 0).sum().item()`, a
 * generator over the gradients in `all(...)`), or in a helper that reads each parameter's gradient (VITS'
 * `clip_grad_value_`: `param_norm = p.grad.data.norm(2); total += param_norm.item() ** 2`), which runs once per optimizer
 * step. Null otherwise: a loop over a handful of losses, weights logged once per epoch, a check under a logging guard.
 */
function parameterLoopOf(call: Node, facts: FileFacts): ParameterLoop | null {
  const recv = call.childForFieldName('function')?.childForFieldName('object');
  if (!recv) return null;
  let child: Node = call;
  for (let n = call.parent; n && !isNestedScope(n); child = n, n = n.parent) {
    const loop = n;
    const pass = walkClauses(loop, child)
      .map((c) => ({ iterable: c.childForFieldName('right'), left: c.childForFieldName('left') }))
      .filter((c): c is { iterable: Node; left: Node } => !!c.iterable && !!c.left && !contains(c.iterable, call))
      .map((c) => ({ iterable: c.iterable, readsGradient: readsGradientOf(recv, targetNames(c.left), loop, facts) }))
      .find((c) => c.readsGradient || iteratesParameters(c.iterable, loop, facts));
    if (!pass) continue;
    const trainingLoop = enclosingTrainingLoop(n, facts, 'any');
    if (trainingLoop) {
      if (trainingLoop.framework !== 'torch' || trainingLoop.perEpoch || isUnderLoggingGuard(call, trainingLoop.node) || runsOnce(call, trainingLoop.node))
        return null;
      return { loop: n, trainingLoop };
    }
    // Outside a training loop only a loop that reads the gradients runs once per optimizer step; weights read outside a
    // step (a summary, a checkpoint's statistics) run once.
    const gradients = pass.readsGradient || gradientsIn(pass.iterable, n, facts);
    const helper = enclosingFunctionDef(n);
    return gradients && helper && !calledOnlyToReport(helper, facts) ? { loop: n, trainingLoop: null } : null;
  }
  return null;
}

/** A name saying its tensor lives in host memory: `ratios_cpu`, `mb.dones_cpu`. */
const HOST_NAME = /(^|_)cpu$/i;

/**
 * A copy the step makes for work it does on the host on purpose: kept under a name saying so (`ratios_cpu = ratio.cpu()`,
 * then a V-trace loop on the CPU) or combined there with such a tensor (`torch.logical_or(mb.dones_cpu, ~valids.cpu())`
 * for a packed sequence built on the host): sample-factory's learner, judged wrong as a sync to remove.
 */
function forHostComputation(sync: Node): boolean {
  const assign = sync.parent?.type === 'assignment' ? sync.parent : null;
  const target = assign?.childForFieldName('right')?.equals(sync) ? assign.childForFieldName('left') : null;
  if (target?.type === 'identifier' && HOST_NAME.test(target.text)) return true;
  for (let n = sync.parent; n && n.type !== 'expression_statement' && n.type !== 'block'; n = n.parent) {
    if (n.type !== 'call') continue;
    const beside = callArguments(n).filter((a) => !contains(a, sync));
    if (beside.some((a) => (a.type === 'identifier' || a.type === 'attribute') && HOST_NAME.test(a.text.split('.').pop() ?? ''))) return true;
  }
  return false;
}

/** A flag whose name says the branch records or reports something: `should_record_summaries`, `log_now`, `verbose`. */
const REPORTING_FLAG = /(summar|log|record|report|print|display|verbose)/i;

/**
 * Every call of the helper in this file sits under a test that picks reporting steps: `if should_record_summaries:
 * stats = self._record_summaries(...)` (sample-factory's learner records its gradient norm only when a summary is due,
 * every few seconds), or a period (isLoggingGuardCondition). Such a helper runs on a few steps, not on every one.
 */
function calledOnlyToReport(helper: Node, facts: FileFacts): boolean {
  const calls = callsOf(helper, facts);
  return (
    calls.length > 0 &&
    calls.every((call) => {
      for (const { condition } of ifBranchesAround(call, (n) => n.type === 'function_definition')) {
        if ((condition.type === 'identifier' && REPORTING_FLAG.test(condition.text)) || isLoggingGuardCondition(condition)) return true;
      }
      return false;
    })
  );
}

/** `model.parameters()` (in `list(...)`, `filter(...)`), or a name holding it or a comprehension over it. */
function iteratesParameters(iterable: Node, at: Node, facts: FileFacts): boolean {
  if (PARAMETERS_CALL.test(iterable.text)) return true;
  return iterable.type === 'identifier' && valuesAssignedTo(iterable.text, at, facts).some((v) => PARAMETERS_CALL.test(v.text));
}

/** A name holding a list of the gradients (`grads = [p.grad for p in model.parameters()]`). */
function gradientsIn(iterable: Node, at: Node, facts: FileFacts): boolean {
  return iterable.type === 'identifier' && valuesAssignedTo(iterable.text, at, facts).some((v) => /\.grad\b/.test(v.text) && PARAMETERS_CALL.test(v.text));
}

/**
 * The synced tensor is computed from a loop variable's gradient: `p.grad.norm()`, `named_params[i][1].grad`, or a
 * name the loop assigns from one (`param_norm = p.grad.data.norm(2)` then `param_norm.item()`).
 */
function readsGradientOf(recv: Node, names: readonly string[], loop: Node, facts: FileFacts): boolean {
  const fromLoopGradient = (expr: Node) =>
    /\.grad\b/.test(expr.text) && findDescendants(expr, (n) => n.type === 'identifier' && names.includes(n.text)).length > 0;
  if (fromLoopGradient(recv)) return true;
  const root = chainRoot(recv, { throughCalls: true });
  if (root?.type !== 'identifier') return false;
  return valuesAssignedTo(root.text, loop, facts).some((v) => contains(loop, v) && fromLoopGradient(v));
}

/** The syncs (`.item()`, `.cpu()`, `.tolist()` without arguments) a parameter loop runs per pass, in document order. */
const parameterSyncsMemo = nodeMemo<Node[]>();
function parameterSyncs(loop: Node, facts: FileFacts): Node[] {
  return parameterSyncsMemo(facts, loop, () =>
    findDescendants(loop, (n) => isArgumentlessSync(n) && parameterLoopOf(n, facts)?.loop.equals(loop) === true, isNestedScope),
  );
}

function isArgumentlessSync(n: Node): boolean {
  if (n.type !== 'call') return false;
  const method = n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '';
  return SYNC_METHODS.has(method) && method !== 'numpy' && n.childForFieldName('arguments')?.type === 'argument_list' && callArguments(n).length === 0;
}

/**
 * A sync once per parameter tensor on every step: hundreds of waits for the device a step (a model has a weight and often a
 * bias per layer), where combining the per-parameter values on the device and reading one number waits once. Reported
 * once per loop, at its first sync, whatever the value decides (a NaN check needs one number, not one per tensor).
 * True when it reported (or the loop's first sync will).
 */
function reportPerParameterSync(call: Node, method: Node, ctx: RuleContext): boolean {
  if (!isArgumentlessSync(call) || !usesAccelerator(ctx.facts) || isTestCode(call, ctx.facts)) return false;
  const found = parameterLoopOf(call, ctx.facts);
  if (!found) return false;
  const syncs = parameterSyncs(found.loop, ctx.facts);
  if (!syncs[0]?.equals(call)) return true;
  const recv = call.childForFieldName('function')!.childForFieldName('object')!;
  const shown = recv.text.length > 40 ? `${recv.text.slice(0, 37)}...` : recv.text;
  // A helper's callers may call it every step or every N steps for a log line (unitable's compute_grad_norm, review69):
  // the message says what the helper costs per call, not how often it runs.
  const when = found.trainingLoop ? 'on every training step' : 'each time this gradient helper runs';
  const more = syncs.length > 1 ? ` (${syncs.length} syncs per parameter)` : '';
  const test = tensorTestPerParameter(found.loop, recv);
  // DINO's clip_gradients: `if clip_coef < 1:` on a tensor made from the norm waits once per parameter as well, so the
  // usual advice would remove no wait (review64 and review69 reviewers, noise three times): the test must move to the
  // device too.
  const advice = test
    ? `; \`if ${test}:\` waits once per parameter as well: scale on the device without the test (\`torch.clamp(..., max=1)\`), keep the values as tensors and read one number`
    : '; keep the per-parameter values as tensors, combine them on the device (`torch.stack(values).sum()`, `.all()`) and read one number';
  ctx.report({
    start: method.startIndex,
    end: call.endIndex,
    construct: found.loop,
    hotReason: 'once per parameter tensor',
    message:
      `\`${shown}.${method.text}()\` waits for the GPU once per parameter tensor${more}, ${when}: a model has a weight and often a bias per layer, ` +
      `so hundreds of waits ${found.trainingLoop ? 'a step' : 'a call'}${advice}`,
  });
  return true;
}

/**
 * The condition of an `if` in the parameter loop that compares a tensor computed from the synced one (`clip_coef = clip /
 * (param_norm + 1e-6)` then `if clip_coef < 1:`): Python's `if` reads the comparison's tensor back, one wait per pass.
 * Its text (cut at 30 characters), or null.
 */
function tensorTestPerParameter(loop: Node, synced: Node): string | null {
  if (synced.type !== 'identifier') return null;
  const body = loop.childForFieldName('body') ?? loop;
  const fromSynced = new Set([synced.text]);
  for (const a of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right && !/\.(item|tolist)\s*\(/.test(right.text) && occurrences(right, synced.text).length > 0)
      fromSynced.add(left.text);
  }
  for (const statement of findDescendants(body, (n) => n.type === 'if_statement', isNestedScope)) {
    const condition = statement.childForFieldName('condition');
    if (condition?.type !== 'comparison_operator' || /\.(item|tolist)\s*\(/.test(condition.text)) continue;
    if ([...fromSynced].some((name) => occurrences(condition, name).length > 0))
      return condition.text.length > 30 ? `${condition.text.slice(0, 27)}...` : condition.text;
  }
  return null;
}

/**
 * `for b in range(bs): idx = torch.multinomial(weights[b], 1).item()` (hard-negative mining in ALBEF/BLIP): one sampling
 * kernel and one wait for the device per row, where `torch.multinomial(weights, 1)` samples every row of the 2-D tensor in
 * one call (same distribution per row). Reported once per loop, as a warning: it runs on every forward of the model.
 * True when it reported (or the loop's first such call will).
 */
function reportRowSampling(call: Node, ctx: RuleContext): boolean {
  const row = rowSamplingOf(call, ctx.facts);
  if (!row) return false;
  const first = findDescendants(row.loop, (n) => n.type === 'call').find((c) => rowSamplingOf(c, ctx.facts) !== null);
  if (!first?.equals(call)) return true;
  const sampler = call.childForFieldName('function')!.childForFieldName('object')!;
  const shown = sampler.text.length > 50 ? `${sampler.text.slice(0, 47)}...` : sampler.text;
  ctx.report({
    start: sampler.startIndex,
    end: call.endIndex,
    construct: row.loop,
    hotReason: `once per row of \`${row.tensor}\``,
    message:
      `\`${shown}.item()\` launches a sampling kernel and waits for the device once per row of \`${row.tensor}\`; ` +
      `\`torch.multinomial(${row.tensor}, ${row.samples})${row.samples === '1' ? '.squeeze(1)' : ''}\` samples every row in one call: index with that tensor, or \`.tolist()\` it once`,
  });
  return true;
}

/**
 * `torch.multinomial(t[i], n).item()` (or `t[i].multinomial(n).item()`) in a `for i in range(...)` loop, `t` a 2-D tensor
 * the function made with torch before the loop (`weights = F.softmax(sim, dim=1)`) and the loop leaves alone. Null otherwise.
 */
function rowSamplingOf(call: Node, facts: FileFacts): { loop: Node; tensor: string; samples: string } | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'item' || positionalArguments(call).length > 0) return null;
  const sampler = fn.childForFieldName('object');
  if (sampler?.type !== 'call') return null;
  const samplerFn = sampler.childForFieldName('function');
  const args = positionalArguments(sampler);
  let rowExpr: Node | undefined;
  let samples: Node | undefined;
  if (facts.calleeName(sampler) === 'torch.multinomial') [rowExpr, samples] = args;
  else if (samplerFn?.type === 'attribute' && samplerFn.childForFieldName('attribute')?.text === 'multinomial') {
    rowExpr = samplerFn.childForFieldName('object') ?? undefined;
    samples = args[0];
  }
  if (!rowExpr || !samples || rowExpr.type !== 'subscript') return null;
  const keys = rowExpr.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  const tensor = rowExpr.childForFieldName('value');
  if (!tensor || !isNameChain(tensor) || keys.length !== 1 || keys[0]!.type !== 'identifier') return null;
  const loop = enclosingLoop(call);
  const range = loop?.type === 'for_statement' ? loop.childForFieldName('right') : null;
  if (!loop || loop.childForFieldName('left')?.text !== keys[0]!.text) return null;
  if (range?.type !== 'call' || range.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', range)) return null;
  if (isTestCode(call, facts) || !madeByTorchBefore(tensor, loop, facts)) return null;
  // The weights change inside the loop (`weights[b] = 0` after each draw: sampling without replacement across rows).
  if (occurrences(loop, tensor.text).some((id) => id.parent?.type === 'subscript' && isWrittenTo(id.parent))) return null;
  if (valuesAssignedTo(tensor.text, loop, facts).some((v) => v.startIndex > loop.startIndex && v.startIndex < loop.endIndex)) return null;
  return { loop, tensor: tensor.text, samples: samples.text };
}

/** `t[b] = ...` or `t[b] += ...`: the subscript is written. */
function isWrittenTo(sub: Node): boolean {
  const parent = sub.parent;
  return (parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.equals(sub) === true;
}

/** The last assignment of `tensor` before `loop` in its function is a torch call (`F.softmax(...)`, `torch.cat(...)`) or a known tensor. */
function madeByTorchBefore(tensor: Node, loop: Node, facts: FileFacts): boolean {
  const before = valuesAssignedTo(tensor.text, loop, facts)
    .filter((v) => v.endIndex <= loop.startIndex)
    .sort((a, b) => a.startIndex - b.startIndex);
  const last = before.at(-1);
  return !!last && torchMade(last, loop, facts);
}

/** `F.softmax(sim, dim=1)`, `F.softmax(sim, dim=1) + 1e-4`: a torch call, or arithmetic on one. */
function torchMade(value: Node, loop: Node, facts: FileFacts): boolean {
  if (value.type === 'call' && (facts.calleeName(value) ?? '').startsWith('torch.')) return true;
  if (value.type === 'binary_operator') {
    const left = value.childForFieldName('left');
    const right = value.childForFieldName('right');
    return (!!left && left.type === 'call' && torchMade(left, loop, facts)) || (!!right && right.type === 'call' && torchMade(right, loop, facts));
  }
  return isTensor(value, loop, facts, 0);
}

/**
 * `for i in range(ids.size(0)): n = atts[i].sum()` then `ids[i][:n]`: a row's count kept as a 0-d tensor and used as a
 * slice bound, which converts it to an int on the host (a wait for the device) once per row, where `atts.sum(1).tolist()`
 * before the loop gives every row's count with one (LAVIS's concat_text_input_output, on every training step).
 */
function reportRowCountSlice(call: Node, ctx: RuleContext): void {
  const facts = ctx.facts;
  const fn = call.childForFieldName('function');
  const row = fn?.childForFieldName('object');
  const args = call.childForFieldName('arguments');
  if (row?.type !== 'subscript' || (args && args.namedChildren.some((a) => a !== null && a.type !== 'comment'))) return;
  const tensor = row.childForFieldName('value');
  const keys = row.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (!tensor || !isNameChain(tensor) || keys.length !== 1 || keys[0]!.type !== 'identifier') return;
  const assign = call.parent;
  const target = assign?.type === 'assignment' && assign.childForFieldName('right')?.equals(call) ? assign.childForFieldName('left') : null;
  if (target?.type !== 'identifier') return;
  const loop = enclosingLoop(call);
  const range = loop?.type === 'for_statement' ? loop.childForFieldName('right') : null;
  if (!loop || loop.childForFieldName('left')?.text !== keys[0]!.text) return;
  if (range?.type !== 'call' || range.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', range)) return;
  if (isTestCode(call, facts) || !usesAccelerator(facts)) return;
  // A NumPy row's sum slices without a device wait.
  const known = values(facts).valueOf(tensor);
  if (known && known.kind !== 'tensor') return;
  const slicedBy = occurrences(loop, target.text).filter((id) => id.startIndex > assign!.endIndex && isSliceBound(id));
  if (slicedBy.length === 0) return;
  ctx.report({
    node: call,
    construct: loop,
    hotReason: `once per row of \`${tensor.text}\``,
    message:
      `\`${target.text} = ${call.text}\` is a 0-d tensor, and slicing with it converts it to an int on the host: one wait for the device per row; ` +
      `\`${tensor.text}.sum(1).tolist()\` before the loop gives every row's count with one`,
  });
}

/** `x[:n]`, `x[n:]`, `x[1 : n + 1]`: the identifier is (part of) a slice bound. */
function isSliceBound(id: Node): boolean {
  for (let n = id.parent; n; n = n.parent) {
    if (n.type === 'slice') return true;
    if (n.type !== 'binary_operator' && n.type !== 'parenthesized_expression' && n.type !== 'unary_operator') return false;
  }
  return false;
}

const walkSyncsMemo = nodeMemo<Node[]>();

/** The `.item()` calls on the elements `loop` takes from a tensor that no per-step case claims, in document order. */
function walkSyncs(loop: Node, facts: FileFacts): Node[] {
  return walkSyncsMemo(facts, loop, () => {
    const accelerated = usesAccelerator(facts);
    return findDescendants(loop, (n) => n.type === 'call' && n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'item').filter(
      (c) => elementWalkOf(c, facts)?.loop.equals(loop) === true && !(accelerated && syncSite(c, facts)),
    );
  });
}

/**
 * The tensor `t` when the sync is `t[i].tolist()` (or `.item()`) in a list comprehension over `i in range(len(t))`,
 * `range(t.shape[0])` or `range(t.size(0))`: the comprehension builds exactly `t.tolist()`. Null otherwise.
 */
function wholeTensorOf(call: Node, method: string): string | null {
  if (method !== 'tolist' && method !== 'item') return null;
  const row = call.childForFieldName('function')?.childForFieldName('object');
  const tensor = row?.type === 'subscript' ? row.childForFieldName('value') : null;
  const keys = row?.type === 'subscript' ? row.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
  const comprehension = call.parent;
  if (!tensor || !isNameChain(tensor) || keys.length !== 1 || keys[0]!.type !== 'identifier') return null;
  if (comprehension?.type !== 'list_comprehension' || !comprehension.childForFieldName('body')?.equals(call)) return null;
  const clauses = comprehension.namedChildren.filter((c) => c?.type === 'for_in_clause' || c?.type === 'if_clause');
  if (clauses.length !== 1) return null;
  const clause = clauses[0]!;
  if (clause.childForFieldName('left')?.text !== keys[0]!.text) return null;
  const range = clause.childForFieldName('right');
  const args = range?.type === 'call' && range.childForFieldName('function')?.text === 'range' ? range.childForFieldName('arguments')?.namedChildren : null;
  if (!args || args.length !== 1 || !rowCounts(tensor.text).includes(args[0]!.text.replace(/\s+/g, ''))) return null;
  return tensor.text;
}

/** How `t`'s rows are counted: `len(t)`, `t.shape[0]`, `t.size(0)` or `t.size()[0]` (spaces left out). */
function rowCounts(t: string): string[] {
  return [`len(${t})`, `${t}.shape[0]`, `${t}.size(0)`, `${t}.size()[0]`];
}

interface SyncSite {
  /** What the sync runs once per step in: the loop, the step function, or the helper a loop calls. */
  block: Node;
  loop: TrainingLoop | null;
  where: string;
  unit: string;
  /** What to do instead, when it is not "keep it on the device and sync every N steps". */
  advice?: string;
  /** Why the sync repeats many times where it stands, when the rule sees it (see Report.hotReason). */
  hotReason?: string;
}

/**
 * Where a sync call runs once per training (or evaluation) step and could be left out of it, or null. A sync the step
 * cannot do without is not reported: its value decides what the block does next (`found_oom = flag.item()` ... `if
 * found_oom:` further down the step), it reads back a buffer the block built from host numbers to exchange with other
 * ranks (`t = torch.tensor([n_samples]); dist.all_reduce(t); n = t.item()`), or the block walks the same tensor's
 * elements in Python anyway (`for v in values.cpu().numpy():`), so the host needs all of it on this step.
 */
function syncSite(call: Node, facts: FileFacts): SyncSite | null {
  const site = stepSyncSite(call, facts);
  if (!site) return null;
  const recv = call.childForFieldName('function')!.childForFieldName('object')!;
  const root = chainRoot(recv, { throughCalls: true });
  if (decidesControlFlow(call, site.block)) return null;
  // The step hands the copy to code on the host that needs it now (`envs.step(actions.cpu().numpy())`, a replay buffer's
  // sample size, a Python index): it cannot move to every N steps. cleanrl's DQN, SAC, TD3 and C51 loops, judged wrong.
  if (consumedOnHost(call, site.block, facts)) return null;
  if (root && (iteratedOnHost(root.text, site.block).length > 0 || builtFromHostValues(root.text, site.block, facts))) return null;
  return site;
}

/** Where a sync call runs once per training (or evaluation) step, or null when it does not. */
function stepSyncSite(call: Node, facts: FileFacts): SyncSite | null {
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const method = fn?.childForFieldName('attribute')?.text ?? '';
  const args = call.childForFieldName('arguments');
  if (!recv || !args || !SYNC_METHODS.has(method)) return null;
  if (isTestCode(call, facts)) return null;
  // `arr.item(0)`, `x.tolist(...)` with positional arguments are NumPy's signatures, not a tensor's.
  if (args.namedChildren.some((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument')) return null;
  if (chainHasEarlierSync(recv)) return null;
  // A tensor in host memory has no GPU work to wait for: `torch.randint(n, (1,)).item()` (no `device=`), or `.numpy()`
  // straight on a tensor, which raises on a GPU tensor (only `.numpy(force=True)` copies one), so the code runs on the CPU.
  if ((method === 'numpy' && !keywordValue(call, 'force')) || isHostTensor(recv, facts) || hostElement(recv, facts)) return null;
  // A value the layer knows is no tensor (`(idx_end - idx_str).tolist()` of arrays from `np.load`, hydroDL's multiscale
  // trainer; review63 judged it wrong as a GPU sync): NumPy's `.tolist()` and `.item()` wait for nothing.
  if (knownNotTensor(recv, facts)) return null;
  // A value printed on every step is shown on purpose step by step (a demo, a debugging run); one the step branches on
  // (`if loss.item() < threshold:`, an all-reduced "any rank out of memory" flag) is needed on the host at that step:
  // syncing every N steps would change what the code shows or does.
  if (isDisplayedOnly(call, facts) || decidesControlFlow(call)) return null;
  // `model.cpu().parameters()`, `.state_dict()`: a module moved to the host on purpose (RPC, checkpoints), not a tensor sync.
  if (
    /^(parameters|named_parameters|state_dict|buffers)$/.test(call.parent?.type === 'attribute' ? (call.parent.childForFieldName('attribute')?.text ?? '') : '')
  )
    return null;

  const loop = enclosingTrainingLoop(call, facts, 'any');
  if (loop) {
    if (loop.framework !== 'torch' || loop.perEpoch || isUnderLoggingGuard(call, loop.node) || runsOnce(call, loop.node) || underDebugFlag(call, loop.node))
      return null;
    // Code that does not parse before the call (a notebook exercise's `d_loss = ` left blank) may have lost the guard
    // around it: face-generation's `if batch_i % print_every == 0:` became an ERROR node (judged wrong when shown).
    if (brokenBefore(call, loop.node)) return null;
    // A loop that trains only by calling gradient functions that update nothing (GradCAM per batch of a demo) is not training.
    if (loop.kind === 'train' && onlyGradientCalls(loop, facts)) return null;
    // The loop synchronises on purpose every step (`torch.cuda.synchronize()` for timing): one more sync costs nothing.
    // ...directly, or through a helper of the file (Real-Time-Voice-Cloning's `sync(device)` before each profiler tick).
    // A synchronize behind an opt-in flag (`if args.synchronize_step:`, off by default in timm's train.py) does not run on
    // every step: the loop still queues ahead, and its syncs stall it.
    if (synchronizesEachStep(loop.node) || callsSynchronizingHelper(loop.node, facts)) return null;
    // The step waits for the device anyway on every pass, where this rule does not report: it branches on a tensor
    // (`if torch.isnan(loss): raise ...`, allennlp's trainer) or calls a helper that reads one with `.item()`
    // (Dive-into-DL's `grad_clipping`, from the package beside the notebooks). Moving this sync off the step removes
    // no stall: blind review29 judged five such findings wrong.
    if (stepWaitsForHost(loop.node, facts)) return null;
    // Every device the loop's function puts tensors on is the CPU (`device = torch.device("cpu")`, the loss moved to a
    // `loss_device` on the CPU): there is no GPU queue for the sync to wait for.
    if (movesOnlyToCpu(loop.node, facts)) return null;
    // The file moves batches to a device in its other functions, and this one names no device at all: the author wrote
    // this one for the CPU (Dive-into-DL's `train_ch3` beside `train_ch5(..., device)`), or the sync sits in the branch
    // the code keeps on the host beside one that moves to a device (`else: # custom models, CPU only`). Judged wrong in
    // review29 when shown as a GPU stall.
    if (writtenForHost(call, loop.node, facts)) return null;
    // A loop over a plain DataLoader whose step moves nothing to a device: the batches stay in host memory, and so does the
    // model they are fed to (pytorch-book's LeNet cell, whose GPU version comes in a later cell; judged wrong).
    // (In a file that moves nothing anywhere, the hint below says so instead.)
    if (!neverMovesToDevice(facts) && hostOnlyLoaderStep(loop, facts)) return null;
    // The loop times each step (`tic = time.perf_counter()` ... `durations.append(toc - tic)`): the sync is what makes
    // the measured time include the GPU's work; without it the figures would time the kernel launches only.
    if (timesEachStep(loop.node, facts)) return null;
    // The step writes its outputs into a buffer in host memory on every pass (pygod's `self.decision_score_[idx] = score`
    // into `torch.zeros(n)`): the host gathers them each step by design, and the step waits for the device there.
    if (storesIntoHostBuffer(loop.node, facts)) return null;
    // Evaluation: only a metric pulled to the host per batch to be summed (`correct += (...).sum().item()`);
    // predictions copied to the host are often kept there on purpose (GPU memory).
    if (loop.kind === 'forward' && !(method === 'item' && isAccumulated(call))) return null;
    // ...and when the batch's outputs are copied to the host anyway (`preds.append(out.cpu().numpy())`), the batch waits
    // for the GPU there: moving the metric's `.item()` off the batch would not remove that wait.
    if (loop.kind === 'forward' && copiesToHostEachBatch(loop, call, facts)) return null;
    if (!mayBeDeviceTensor(recv, loop, facts)) return null;
    // `print(f"{loss.item()}")` then `if main: wandb.log({"loss": loss.item()})`: the statement before copied the same
    // value to the host on purpose, and nothing was queued on the GPU between them: this copy waits for nothing.
    if (displayedJustBefore(call, recv, loop.node, facts)) return null;
    const where = loop.kind === 'train' ? 'on every training step' : 'on every evaluation batch';
    return { block: loop.node, loop, where, unit: 'loop' };
  }
  const step = enclosingTrainStep(call, facts);
  if (step) {
    if (step.framework !== 'torch' || step.compiled || isUnderLoggingGuard(call, step.node) || runsOnce(call, step.node) || brokenBefore(call, step.node))
      return null;
    if (stepWaitsForHost(step.node, facts)) return null;
    if (!updatesParameters(step, facts)) return null;
    if (!mayBeDeviceTensor(recv, null, facts)) return null;
    if (returnedFrom(call, step.node) && callerBranchesOnResult(step.node, facts)) return null;
    return { block: step.node, loop: null, where: `on every call of train step \`${step.name}\``, unit: 'function' };
  }
  // A metric's update (`update`, `__call__`, `forward` of a `Metric` subclass): the metric API calls it on every batch
  // it measures, in training and in evaluation alike.
  const metric = metricUpdateOf(call);
  if (metric) {
    // A scalar read each batch; a batch's outputs moved to the host (`preds.cpu()`) are often kept there on purpose (memory).
    if (method !== 'item' || isUnderLoggingGuard(call, metric.fn) || !mayBeDeviceTensor(recv, null, facts)) return null;
    return { block: metric.fn, loop: null, where: `in \`${metric.name}()\`, which runs on every batch the metric measures`, unit: 'method' };
  }
  // A same-file helper that a training loop calls on every step (`log_metrics(loss)`), in its own loops too: a sync in
  // `for key, values in losses.items():` runs once per key on every step (improved-diffusion's log_loss_dict).
  const helper = enclosingFunctionDef(call);
  const caller = helper && !isUnderLoggingGuard(call, helper) ? perStepCaller(helper, facts) : null;
  if (!helper || !caller) return method === 'item' ? elementSyncSite(call, recv, facts) : null;
  if (!mayBeDeviceTensor(recv, null, facts) || stepWaitsForHost(caller.loop.node, facts, caller.call)) return null;
  if (storesIntoHostBuffer(caller.loop.node, facts)) return null;
  if (returnedFrom(call, helper) && callerBranchesOnResult(helper, facts)) return null;
  // `if record is not None: record["loss"] = loss.item()` in a helper whose `record=None` the loop's call leaves unset
  // (qlib's ADD model: only the evaluation passes a dict to fill): on a training step the sync never runs.
  if (underOptionLeftUnset(call, helper, caller.call)) return null;
  const name = helper.childForFieldName('name')?.text ?? 'helper';
  const line = caller.call.startPosition.row + 1;
  if (caller.loop.kind === 'forward') {
    // From an evaluation loop, as in the loop itself: only a metric returned as a number and summed there
    // (`acc1, acc5 = accuracy(logits, target)` ... `top1 += acc1`), and not where the batch waits anyway.
    if (method !== 'item' || !returnedFrom(call, helper) || copiesToHostEachBatch(caller.loop, caller.call, facts)) return null;
    return { block: helper, loop: null, where: `in \`${name}()\`, which the evaluation loop calls on every batch and sums (line ${line})`, unit: 'function' };
  }
  return { block: helper, loop: null, where: `in \`${name}()\`, which the training loop calls on every step (line ${line})`, unit: 'function' };
}

/**
 * The call sits in the body of `if x is None:` (between it and `block`) whose body assigns `x`: a lazy initialisation
 * that runs on the first step only (torch-rechub's `if self.initial_task_loss is None: self.initial_task_loss = [l.item()
 * for l in loss_list]`, judged wrong when reported as a per-step sync).
 */
function runsOnce(call: Node, block: Node): boolean {
  for (const { condition, consequence } of ifBranchesAround(call, (n) => n.equals(block))) {
    const tested =
      condition.type === 'comparison_operator' && /^is$/.test(condition.children[1]?.type ?? '') && condition.namedChild(1)?.type === 'none'
        ? condition.namedChild(0)
        : null;
    if (!tested) continue;
    const assigns = (a: Node) => a.type === 'assignment' && a.childForFieldName('left')?.text === tested.text;
    if (findDescendants(consequence, assigns, isNestedScope).length > 0) return true;
  }
  return false;
}

/** The last name of a debugging or visualisation option: `opt.debug`, `args.vis`, `self.visualize`. */
const DEBUG_FLAG = /(?:^|[._])(?:debug|debugging|vis|viz|visuali[sz]e)$/i;

/**
 * The call sits in the `if` branch of a test of a debugging option (`if opt.debug > 0: self.debug(batch, output)`,
 * CenterTrack's trainer, judged wrong when reported): a mode that draws or inspects the step's outputs on the host, off in
 * normal training.
 */
function underDebugFlag(call: Node, block: Node): boolean {
  for (const { condition } of ifBranchesAround(call, (n) => n.equals(block))) {
    const flag = condition.type === 'comparison_operator' ? condition.namedChild(0) : condition;
    if ((flag?.type === 'attribute' || flag?.type === 'identifier') && DEBUG_FLAG.test(flag.text)) return true;
  }
  return false;
}

/** A function or loop named for training: `train_step`, `update`, `fit_batch`, `step`, `learn`, `optimize`. */
const TRAINING_NAME = /train|update|fit|learn|optimi|(?:^|_)step(?:$|_)/i;

/** `opt.step()` (or `scaler.step(opt)`), the only `step` calls the training index keeps as evidence. */
function isOptimizerStep(node: Node): boolean {
  return node.type === 'call' && node.childForFieldName('function')?.childForFieldName('attribute')?.text === 'step';
}

/** The name a call calls: `f(...)` or `self.f(...)`. */
function calledName(node: Node): string | null {
  if (node.type !== 'call') return null;
  const fn = node.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  return fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? null) : null;
}

/**
 * The step function is a training step: it steps an optimizer, is named like one, or a loop of the file calls it and steps
 * an optimizer there. A function that only computes gradients (`compute_gradcam`: a backward pass to read attention
 * gradients for a saliency map, then nothing updated) runs once per request, not once per training step; blind reviews
 * judged both such LAVIS findings wrong (the synced lengths are needed on the host to slice the maps).
 */
function updatesParameters(step: TrainStep, facts: FileFacts): boolean {
  if (step.evidence.some(isOptimizerStep) || TRAINING_NAME.test(step.name)) return true;
  return trainingLoops(facts).some((l) => l.evidence.some(isOptimizerStep) && l.evidence.some((e) => calledName(e) === step.name));
}

/** Every call that makes the loop a training loop calls a same-file gradient function that updates nothing. */
function onlyGradientCalls(loop: TrainingLoop, facts: FileFacts): boolean {
  const steps = new Map(trainSteps(facts).map((s) => [s.name, s]));
  return loop.evidence.every((e) => {
    const step = steps.get(calledName(e) ?? '');
    return step !== undefined && !step.evidence.some(isOptimizerStep) && !TRAINING_NAME.test(step.name);
  });
}

/**
 * A call of `fn` in this file (`fn(...)`, or `self.fn(...)` for a method) binds the result to a name that a condition
 * reads later on the same pass of the caller's loop, or is itself a condition: `loss = self._train_batch(it)` ...
 * `if loss > diverge_th * best_loss: break` (an LR finder's early stop, pytorch-image-classification's LRFinder, judged
 * wrong twice). The caller needs the number on that step: the sync inside `fn` cannot move to every N steps.
 */
function callerBranchesOnResult(fn: Node, facts: FileFacts): boolean {
  const name = fn.childForFieldName('name')?.text;
  if (!name) return false;
  const isMethod = fn.parent?.parent?.type === 'class_definition' || fn.parent?.parent?.parent?.type === 'class_definition';
  return identifiersSpelledInFile(facts, name).some((id) => {
    const callee = isMethod ? id.parent : id;
    if (isMethod && (callee?.type !== 'attribute' || callee.childForFieldName('object')?.text !== 'self' || !callee.childForFieldName('attribute')?.equals(id)))
      return false;
    const call = callee?.parent;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(callee!)) return false;
    return decidesControlFlow(call, enclosingLoop(call) ?? undefined);
  });
}

/** The call is part of what `helper` returns (`return [c[:k].sum().item() for k in topk]`). */
function returnedFrom(call: Node, helper: Node): boolean {
  for (let n = call.parent; n && !n.equals(helper); n = n.parent) if (n.type === 'return_statement') return true;
  return false;
}

/**
 * The loop sums what `call` returns: `top1 += accuracy(...)`, or `acc1, acc5 = accuracy(...)` with a later
 * `top1 += acc1` in the loop body.
 */
function summedInLoop(call: Node, loop: Node): boolean {
  const parent = call.parent;
  if (parent?.type === 'augmented_assignment' && parent.childForFieldName('right')?.equals(call)) return true;
  if (parent?.type !== 'assignment' || !parent.childForFieldName('right')?.equals(call)) return false;
  const names = new Set(targetNames(parent.childForFieldName('left')!));
  return findDescendants(loop, (n) => n.type === 'augmented_assignment' && n.startIndex > parent.endIndex, isNestedScope).some((a) => {
    const right = a.childForFieldName('right');
    return right?.type === 'identifier' && names.has(right.text);
  });
}

/**
 * A sampling, decoding or evaluation loop that walks the elements of a device tensor and copies each to the host
 * (`for sigma, sigma_next in zip(sigmas[:-1], sigmas[1:]): ... sigma.item()`, or `map(lambda t: t.item(), (sigma,
 * sigma_next))`): every step waits there for the GPU work queued so far, where one `.tolist()` of the tensor before the
 * loop gives the same numbers with one wait. Only where the loop itself runs on a device (it allocates or moves tensors
 * there) and the walked tensor is known to be a tensor not in host memory: NumPy arrays, lists and CPU schedules stay silent.
 */
function elementSyncSite(call: Node, recv: Node, facts: FileFacts): SyncSite | null {
  if (recv.type !== 'identifier') return null;
  const mapped = mappedOver(recv);
  const anchor = mapped?.call ?? call;
  const names = mapped?.names ?? [recv.text];
  const loop = enclosingLoop(anchor);
  if (loop?.type !== 'for_statement' || isUnderLoggingGuard(anchor, loop)) return null;
  const elements = tensorElements(loop, facts);
  if (!elements || !names.every((n) => elements.has(n))) return null;
  // Each name is read as the loop bound it (not rebound in the body before the sync).
  if (names.some((n) => reassignedBefore(loop, n, anchor))) return null;
  const known = names.map((n) => elements.get(n)!).filter((t) => t.known);
  if (known.length === 0 || !runsOnDevice(loop, facts)) return null;
  const tensor = known[0].text;
  const each = names.length > 1 ? ` (for each of ${names.map((n) => `\`${n}\``).join(', ')})` : '';
  return {
    block: loop,
    loop: null,
    where: `on every step of this loop over \`${tensor}\`${each}`,
    unit: 'loop',
    advice: `convert the tensor once before the loop (\`${tensor}.tolist()\`) and loop over the numbers`,
    ...(names.length > 1 ? { hotReason: `${names.length} syncs on every step of the loop over \`${tensor}\`` } : {}),
  };
}

/** `x[a:b]`: a subscript by slices only. */
function isSlice(node: Node): boolean {
  return node.type === 'subscript' && node.childrenForFieldName('subscript').every((k) => k?.type === 'slice');
}

/** `map(lambda t: t.item(), (a, b, c))` with `recv` the lambda's parameter: the call of map and the names mapped over. */
function mappedOver(recv: Node): { call: Node; names: string[] } | null {
  let lambda: Node | null = recv.parent;
  while (lambda && lambda.type !== 'lambda') lambda = isNestedScope(lambda) ? null : lambda.parent;
  const params = lambda?.childForFieldName('parameters');
  if (!lambda || params?.namedChildCount !== 1 || params.namedChild(0)?.text !== recv.text) return null;
  const args = lambda.parent?.type === 'argument_list' ? lambda.parent : null;
  const call = args?.parent;
  const items = args?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  if (call?.type !== 'call' || call.childForFieldName('function')?.text !== 'map' || items.length !== 2 || !items[0].equals(lambda)) return null;
  const seq = items[1];
  if (seq.type !== 'tuple' && seq.type !== 'list') return null;
  const names = seq.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return names.length > 0 && names.every((n) => n.type === 'identifier') ? { call, names: names.map((n) => n.text) } : null;
}

/**
 * The loop's targets bound to elements of a tensor: `for s in sigmas`, `for a, b in zip(sigmas[:-1], sigmas[1:])`, through
 * `enumerate`, `tqdm`, `list`, `reversed` and one assignment of the iterable in the function (`pairs = list(zip(...))`).
 * Each target maps to the tensor walked (slices stripped) and whether the value layer knows it as a tensor not on the host.
 */
function tensorElements(loop: Node, facts: FileFacts): Map<string, { text: string; known: boolean }> | null {
  const loopLeft = loop.childForFieldName('left');
  const loopRight = loop.childForFieldName('right');
  if (!loopLeft || !loopRight) return null;
  let left: Node = loopLeft;
  let right: Node = loopRight;
  for (let depth = 0; depth < 6; depth++) {
    const unwrapped = unwrapIterable(right, facts);
    if (unwrapped.enumerated) {
      // `for i, (a, b) in enumerate(...)`: the second target is the element.
      const parts = left.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if ((left.type !== 'pattern_list' && left.type !== 'tuple_pattern') || parts.length !== 2) return null;
      left = parts[1].type === 'parenthesized_expression' ? (parts[1].namedChild(0) ?? parts[1]) : parts[1];
    }
    right = unwrapped.inner;
    const fn = right.type === 'call' ? right.childForFieldName('function')?.text : null;
    const args = right.type === 'call' ? positionalArguments(right) : [];
    if ((fn === 'list' || fn === 'tuple' || fn === 'reversed') && args.length === 1 && facts.isBuiltin(fn, right)) {
      right = args[0];
      continue;
    }
    if (right.type === 'identifier') {
      // `pairs = pairs[start:]` keeps the same elements: the other assignment says what they are.
      const name = right.text;
      const assigned = valuesAssignedTo(name, loop, facts).filter(
        (v) => !(v.type === 'subscript' && v.childForFieldName('value')?.text === name && isSlice(v)),
      );
      if (assigned.length !== 1 || assigned[0].startIndex > loop.startIndex || values(facts).valueOf(right)) break;
      right = assigned[0];
      continue;
    }
    break;
  }
  const out = new Map<string, { text: string; known: boolean }>();
  const zipped = right.type === 'call' && right.childForFieldName('function')?.text === 'zip' && facts.isBuiltin('zip', right);
  const sources = zipped ? positionalArguments(right) : [right];
  const targets = zipped ? left.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [left];
  if (sources.length !== targets.length) return null;
  sources.forEach((source, i) => {
    const target = targets[i];
    if (target.type !== 'identifier') return;
    let tensor = source;
    while (isSlice(tensor)) tensor = tensor.childForFieldName('value')!;
    const value = values(facts).valueOf(tensor);
    if (value && (value.kind !== 'tensor' || value.device === 'cpu')) return;
    out.set(target.text, { text: tensor.text, known: value !== null });
  });
  return out;
}

/** The loop body allocates tensors on a device (`torch.randn(shape, device=self.device)`) or moves them there (`.to(device)`, `.cuda()`). */
function runsOnDevice(loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'call').some((c) => {
    const method = c.childForFieldName('function')?.childForFieldName('attribute')?.text;
    if (method === 'cuda') return true;
    const target = keywordValue(c, 'device') ?? (method === 'to' ? positionalArguments(c)[0] : undefined);
    if (!target || target.type === 'none') return false;
    const types = deviceTypes(target, facts);
    return types ? [...types].some((t) => t !== 'cpu') : /(^|\.)_?device$/.test(target.text);
  });
}

/** Calls and names that put data on an accelerator, in any spelling: `to_cuda(x)`, `move_to_device(b)`, `gpu_id`. */
const DEVICE_WORD = /cuda|gpu|device|accelerat|xla|mps/i;

/**
 * The loop iterates a DataLoader built in this file over a library's dataset (hostLoader; `loader = DataLoader(...)`, every
 * binding of the name such a call) and its body moves nothing to a device: no `.to(...)` or `.cuda()`, no `device=`, no call
 * or argument naming a device (`to_device(batch)`, `prepare(batch, gpu)`), no call of a function of the file or a method of
 * `self`, either of which may move the batch (python-machine-learning-book's `d_train(x)`). A DataLoader hands out tensors in host memory, so everything the step
 * computes from them stays there. Not with Accelerate or Lightning, whose loaders move the batches themselves.
 */
function hostOnlyLoaderStep(loop: TrainingLoop, facts: FileFacts): boolean {
  const loader = loop.loader;
  const body = loop.node.childForFieldName('body');
  if (!loader || !body || ['accelerate', 'lightning', 'pytorch_lightning'].some((m) => facts.importsModule(m))) return false;
  const bound = loader.type === 'identifier' ? boundValues(loader, loop.node, facts) : [loader];
  if (bound.length === 0 || !bound.every((v) => v.type === 'call' && hostLoader(v, loop.node, facts))) return false;
  return !findDescendants(body, (n) => {
    if (n.type === 'keyword_argument') return n.childForFieldName('name')?.text === 'device';
    if (n.type === 'identifier') return DEVICE_WORD.test(n.text);
    if (n.type !== 'call') return false;
    const fn = n.childForFieldName('function');
    // A function of the file (`d_train(x)`) or a method of the object (`self.step(batch)`) may move the batch itself.
    if (fn?.type === 'identifier' && definitionsNamed(facts, 'function_definition', fn.text).length > 0) return true;
    if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') return true;
    const method = fn?.childForFieldName('attribute')?.text;
    return method === 'to' || method === 'cuda';
  }).length;
}

/** Every value assigned to the name in its function, or else at module level (a script's or notebook's global). */
function boundValues(id: Node, at: Node, facts: FileFacts): Node[] {
  const local = valuesAssignedTo(id.text, at, facts);
  const top = facts.root.namedChild(0);
  return local.length > 0 || !top ? local : valuesAssignedTo(id.text, top, facts);
}

/** Dataset packages whose datasets hand out tensors in host memory. */
const HOST_DATASETS = /^(?:torchvision|torchaudio|torchtext)\.datasets\./;

/**
 * A DataLoader over a dataset of torchvision, torchaudio or torchtext (or a name bound only to one), with no `collate_fn`:
 * nothing of the project's own (a collate function or a Dataset class, which may move each batch to the GPU, as
 * python-machine-learning-book's `collate_batch` does) stands between the files and the batches.
 */
function hostLoader(call: Node, at: Node, facts: FileFacts): boolean {
  if (!isDataLoaderCall(call, facts) || dataLoaderArgument(call, 'collate_fn') || hasSplatArguments(call)) return false;
  const dataset = dataLoaderArgument(call, 'dataset');
  const made = dataset?.type === 'identifier' ? boundValues(dataset, at, facts) : dataset ? [dataset] : [];
  return made.length > 0 && made.every((v) => v.type === 'call' && HOST_DATASETS.test(facts.calleeName(v) ?? ''));
}

/** The value layer knows `recv` and it is not a tensor (an ndarray, a list, a DataFrame). */
function knownNotTensor(recv: Node, facts: FileFacts): boolean {
  const value = values(facts).valueOf(recv);
  return !!value && value.kind !== 'tensor';
}

/**
 * The value layer places `recv` on the host: a factory called without `device=` (or with `device="cpu"`), or a name
 * bound to one. Not where the file changes the default device, which such factories then follow.
 */
function isHostTensor(recv: Node, facts: FileFacts): boolean {
  if (/\bset_default_(?:device|tensor_type)\b/.test(facts.text)) return false;
  const value = values(facts).valueOf(recv);
  if (value?.kind === 'tensor' && value.device === 'cpu') return true;
  return recv.type === 'identifier' && elementOfHostTensor(recv, facts);
}

/**
 * `for i, idx in enumerate(torch.randint(n, (16,)))` (kraken's sample logging) or `for img_id in img_ids` after
 * `img_ids = torch.unique(rois[:, 0].cpu())` (mmaction's roi2bbox): the name is an element of a tensor in host memory,
 * whose `.item()` waits for no device. Review68 judged both such findings wrong.
 */
function elementOfHostTensor(id: Node, facts: FileFacts): boolean {
  const bound = walkBinding(id, id.text);
  if (bound?.loop.type !== 'for_statement' || bound.row.length !== 1) return false;
  // walkBinding unwraps `enumerate` by name; only the builtin hands over the elements it is given.
  const right = bound.loop.childForFieldName('right');
  if (!right?.equals(bound.iterable) && !facts.isBuiltin('enumerate', right!)) return false;
  return hostIterable(bound.iterable, bound.loop, facts, 0);
}

/** Torch functions whose result stays where their input is. */
const SAME_PLACE = new Set(['torch.unique', 'torch.sort', 'torch.flatten', 'torch.nonzero', 'torch.argsort']);

/** A tensor in host memory: a host factory, a `.cpu()` copy, one of SAME_PLACE of either, or a name bound once to one. */
function hostIterable(expr: Node, at: Node, facts: FileFacts, depth: number): boolean {
  if (depth > 3) return false;
  if (expr.type === 'identifier') {
    const bound = valuesAssignedTo(expr.text, at, facts);
    return bound.length === 1 && hostIterable(bound[0]!, at, facts, depth + 1);
  }
  const value = values(facts).valueOf(expr);
  if (value?.kind === 'tensor' && value.device === 'cpu') return true;
  if (expr.type !== 'call') return false;
  const fn = expr.childForFieldName('function');
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'cpu' && positionalArguments(expr).length === 0) return true;
  const first = positionalArguments(expr)[0];
  return SAME_PLACE.has(facts.calleeName(expr) ?? '') && !!first && hostIterable(first, at, facts, depth + 1);
}

/**
 * `[p.repeat(n).flatten().tolist() for p in rows]` after `rows = [torch.tensor(list(range(k))) for ...]` (cornac's
 * DNNTSP graph building, judged wrong when reported): the comprehension walks a list whose every element is a tensor made
 * on the host, and the chain to the sync moves nothing to a device.
 */
function hostElement(recv: Node, facts: FileFacts): boolean {
  const root = chainRoot(recv, { throughCalls: true });
  const source = root?.type === 'identifier' ? comprehensionSource(root) : null;
  if (!source || /\.(?:to|cuda)\s*\(|device/.test(recv.text) || /\bset_default_(?:device|tensor_type)\b/.test(facts.text)) return false;
  const bound = valuesAssignedTo(source.text, source, facts);
  return (
    bound.length > 0 &&
    bound.every((v) => {
      const element = v.type === 'list_comprehension' ? v.namedChild(0) : null;
      return !!element && (isHostTensor(element, facts) || hostRange(element, facts));
    })
  );
}

/** `torch.tensor(list(range(n)))` with no `device=`: a tensor of Python integers, made in host memory. */
function hostRange(call: Node, facts: FileFacts): boolean {
  if (call.type !== 'call' || facts.calleeName(call) !== 'torch.tensor' || keywordValue(call, 'device')) return false;
  const data = call.childForFieldName('arguments')?.namedChildren[0];
  return !!data && /^(?:list\s*\(\s*)?range\s*\(/.test(data.text) && facts.isBuiltin('range', data);
}

/**
 * Another call in the loop copies a tensor that may be on the GPU to the host on every batch (`.cpu()`, `.tolist()`, under
 * no `if` of the loop) to keep it there: the batch waits for the GPU there whatever becomes of `call`. A copy summed into
 * a running total (`correct += (...).sum().cpu()`) could stay on the device as well, so it does not count.
 */
function copiesToHostEachBatch(loop: TrainingLoop, call: Node, facts: FileFacts): boolean {
  const body = loop.node.childForFieldName('body');
  if (!body) return false;
  return findDescendants(
    body,
    (n) =>
      n.type === 'call' &&
      !n.equals(call) &&
      (/^(cpu|tolist)$/.test(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '') || isCpuTypeConversion(n)),
    isNestedScope,
  ).some((copy) => {
    const recv = copy.childForFieldName('function')!.childForFieldName('object')!;
    if (chainHasEarlierSync(recv) || underConditionOrTotal(copy, loop.node)) return false;
    return mayBeDeviceTensor(recv, loop, facts) && !isHostTensor(recv, facts);
  });
}

/** Between `node` and the loop: an `if` (or conditional expression), or a running total (`+=`). */
function underConditionOrTotal(node: Node, loop: Node): boolean {
  for (let n = node.parent; n && !n.equals(loop); n = n.parent) {
    // `x.numpy() if not on_gpu else x.cpu().numpy()`: both arms copy to the host, so the copy happens either way.
    if (n.type === 'conditional_expression' && bothArmsCopyToHost(n)) continue;
    if (n.type === 'if_statement' || n.type === 'conditional_expression' || n.type === 'augmented_assignment') return true;
  }
  return false;
}

/** Both results of `a if cond else b` copy a tensor to the host (`.cpu()`, `.numpy()`, `.tolist()`). */
function bothArmsCopyToHost(conditional: Node): boolean {
  const copies = (n: Node) => n.type === 'call' && HOST_COPIES.test(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '');
  // findDescendants leaves out the arm itself, which may be the copy (`x.numpy() if ... else ...`).
  return [conditional.namedChild(0), conditional.namedChild(2)].every((arm) => arm !== null && (copies(arm) || findDescendants(arm, copies).length > 0));
}

/** Methods that copy a tensor to host memory. */
const HOST_COPIES = /^(?:cpu|numpy|tolist)$/;

/**
 * `t.type(torch.FloatTensor)`, `t.type("torch.LongTensor")`: a conversion to one of the legacy CPU tensor types, which
 * copies a GPU tensor to the host (Part 8 of deep-learning-v2-pytorch computes its accuracy that way on every batch).
 */
function isCpuTypeConversion(call: Node): boolean {
  if (call.childForFieldName('function')?.childForFieldName('attribute')?.text !== 'type') return false;
  const arg = positionalArguments(call)[0];
  return !!arg && /^["']?torch\.(?:Float|Double|Half|BFloat16|Byte|Char|Short|Int|Long|Bool)Tensor["']?$/.test(arg.text);
}

/** An ERROR or missing node in `block` before `call`: the statements around the call may not be what the code means. */
function brokenBefore(call: Node, block: Node): boolean {
  if (!block.hasError) return false;
  return findDescendants(block, (n) => (n.type === 'ERROR' || n.isMissing) && n.startIndex < call.startIndex).length > 0;
}

/** The loop calls `...synchronize()` other than under an opt-in flag (see optInFlagAround). */
function synchronizesEachStep(loop: Node): boolean {
  if (!/\bsynchronize\s*\(/.test(loop.text)) return false;
  return findDescendants(loop, (n) => n.type === 'call' && /(?:^|\.)synchronize$/.test(n.childForFieldName('function')?.text ?? '')).some(
    (c) => !optInFlagAround(c, loop),
  );
}

/** Flags about where the code runs (`if use_cuda:`, `if device.type == "cuda":`): on that device they hold on every step. */
const DEVICE_FLAG = /cuda|gpu|device|available|accel|npu|xla|mps/i;

/**
 * `node` runs only in the `if` branch of a bare option flag between it and `loop` (`if args.synchronize_step:`,
 * `if self.cfg.sync:`, `if profile:`): a name or attribute, not a step test, not about the device in use.
 */
function optInFlagAround(node: Node, loop: Node): boolean {
  let child = node;
  for (let n = node.parent; n && !n.equals(loop); child = n, n = n.parent) {
    if (n.type !== 'if_statement' || !n.childForFieldName('consequence')?.equals(child)) continue;
    const cond = n.childForFieldName('condition');
    if ((cond?.type === 'attribute' || cond?.type === 'identifier') && !DEVICE_FLAG.test(cond.text) && !isLoggingGuardCondition(cond, loop)) return true;
  }
  return false;
}

const hostBufferMemo = nodeMemo<boolean>();

/**
 * On every pass (under no `if`, `try` or conditional of the loop) the loop writes into part of a tensor made in host
 * memory before the loop (`self.decision_score_ = torch.zeros(n)` ... `self.decision_score_[idx] = score`, pygod's
 * detectors): the step's per-item outputs are gathered on the host each step, which waits for the device. Blind review39
 * judged the three syncs reported beside such stores wrong: deferring them removes no wait.
 */
function storesIntoHostBuffer(loop: Node, facts: FileFacts): boolean {
  return hostBufferMemo(facts, loop, () => {
    const body = loop.childForFieldName('body');
    if (!body) return false;
    const stores = findDescendants(body, (n) => n.type === 'assignment' && n.childForFieldName('left')?.type === 'subscript', isNestedScope);
    return stores.some((store) => {
      for (let n = store.parent; n && !n.equals(loop); n = n.parent) if (/^(if_statement|conditional_expression|try_statement)$/.test(n.type)) return false;
      const buffer = store.childForFieldName('left')!.childForFieldName('value');
      return !!buffer && (buffer.type === 'identifier' || buffer.type === 'attribute') && madeOnHostBefore(buffer.text, loop, facts);
    });
  });
}

/** The last assignment of `name` before `loop`, in a block around the loop, is a tensor the value layer places on the host. */
function madeOnHostBefore(name: string, loop: Node, facts: FileFacts): boolean {
  const fn = enclosingFunctionDef(loop);
  if (!fn) return false;
  const around = (a: Node) => {
    const block = a.parent?.parent;
    return block?.type === 'block' && block.startIndex <= loop.startIndex && block.endIndex >= loop.endIndex;
  };
  const assignments = findDescendants(
    fn,
    (n) => n.type === 'assignment' && n.endIndex <= loop.startIndex && n.childForFieldName('left')?.text === name && around(n),
    isNestedScope,
  );
  const last = assignments[assignments.length - 1]?.childForFieldName('right');
  return !!last && isHostTensor(last, facts);
}

const syncHelperMemo = nodeMemo<boolean>();

/** The loop calls a function of this file (`sync(device)`) whose body calls `...synchronize(...)`. */
function callsSynchronizingHelper(loop: Node, facts: FileFacts): boolean {
  return syncHelperMemo(facts, loop, () =>
    findDescendants(loop, (n) => n.type === 'call' && n.childForFieldName('function')?.type === 'identifier', isNestedScope).some((c) =>
      definitionsNamed(facts, 'function_definition', c.childForFieldName('function')!.text).some((def) => /\bsynchronize\s*\(/.test(def.text)),
    ),
  );
}

const cpuMovesMemo = nodeMemo<boolean>();

/**
 * Every place the function around the loop (or the module, for a top-level loop) puts tensors or modules on a device
 * names the CPU: `.to(device)` and `device=` with `device = torch.device("cpu")`, `.to("cpu")`; no `.cuda()`, and at
 * least one such place. A device the value layer cannot resolve (a parameter, a conditional) is not known to be the CPU.
 */
function movesOnlyToCpu(loop: Node, facts: FileFacts): boolean {
  return cpuMovesMemo(facts, loop, () => {
    const scope = enclosingFunctionDef(loop) ?? moduleOf(loop);
    let moves = 0;
    for (const c of findDescendants(scope, (n) => n.type === 'call')) {
      const method = c.childForFieldName('function')?.childForFieldName('attribute')?.text;
      if (method === 'cuda') return false;
      const target = keywordValue(c, 'device') ?? (method === 'to' ? positionalArguments(c)[0] : undefined);
      if (!target || target.type === 'none') continue;
      // `.to(torch.float32)`, `.to(other_tensor)`: not a device, or one not named here.
      if (method === 'to' && !keywordValue(c, 'device') && /(?:^|\.)(?:float|half|double|bfloat16|int|long|bool|u?int\d+|float\d+)$/.test(target.text))
        continue;
      const types = deviceTypes(target, facts) ?? parameterDeviceTypes(target, scope, facts);
      if (!types || [...types].some((t) => t !== 'cpu')) return false;
      moves++;
    }
    return moves > 0;
  });
}

/** How many calls of a function are read to learn what its device parameter receives. */
const DEVICE_CALLERS = 16;

/**
 * The device types a plain function's parameter receives from every call of it in the file (`def test(model, device,
 * loader)` called as `test(model, device, loader)` after `device = torch.device("cpu")`), or null when a call passes
 * something else, nothing, or is out of reach (methods, `*args`, no call in the file).
 */
function parameterDeviceTypes(target: Node, def: Node, facts: FileFacts): Set<string> | null {
  if (target.type !== 'identifier' || def.type !== 'function_definition' || def.parent?.parent?.type === 'class_definition') return null;
  const index = parameterNames(def).indexOf(target.text);
  const calls = index < 0 ? [] : callsOf(def, facts);
  if (calls.length === 0 || calls.length > DEVICE_CALLERS) return null;
  const out = new Set<string>();
  for (const call of calls) {
    const arg = argumentFor(call, target.text, index);
    const types = arg ? deviceTypes(arg, facts) : null;
    if (!types) return null;
    for (const t of types) out.add(t);
  }
  return out;
}

const syncsMemo = nodeMemo<Node[]>();
const displaysMemo = nodeMemo<(Node | null)[]>();

/** For each of syncsOf(block), the display call that shows its number on every step (displayedEachStep), or null. */
function displaysOf(block: Node, facts: FileFacts): (Node | null)[] {
  return displaysMemo(facts, block, () => syncsOf(block, facts).map((c) => displayedEachStep(c, block, facts)));
}

/** The sync calls that run once per step of block, in document order. */
function syncsOf(block: Node, facts: FileFacts): Node[] {
  return syncsMemo(facts, block, () => {
    const candidates = findDescendants(
      block,
      (n) => n.type === 'call' && SYNC_METHODS.has(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? ''),
    );
    return candidates.filter((c) => syncSite(c, facts)?.block.equals(block));
  });
}

/**
 * True when the synced value is read on the step that makes it: passed on (`losses.append(loss.item())`, `log(...)`,
 * `return {...}`), or bound to a name the block reads again; and for a running total (`total += loss.item()`) that the
 * function returns after the loop: its callers get a float by contract (imagen's `trainer(...)`, fairseq's train step,
 * MONAI's LR finder and GAN step), so keeping it on the device changes an API for one short stall a step; blind reviews
 * judged those four noise. False for a total never read, or read only here (printed, compared: pyod's
 * `if epoch_loss < best_loss`, judged useful), or `last = loss.item()` that nothing in the block reads: only the value
 * after the loop counts, so the sync can move after it.
 */
function usedOnEachStep(call: Node, block: Node): boolean {
  // In a loop or comprehension of its own the sync runs once per item, not once per step.
  const inner = enclosingLoop(call, true);
  if (inner && !inner.equals(block) && inner.startIndex >= block.startIndex && inner.endIndex <= block.endIndex) return false;
  for (let n: Node | null = call.parent; n && !n.equals(block); n = n.parent) {
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const target = n.childForFieldName('left');
      if (target?.type !== 'identifier') return true;
      if (occurrences(block, target.text).some((id) => !(id.startIndex >= n!.startIndex && id.endIndex <= n!.endIndex))) return true;
      return n.type === 'augmented_assignment' && (returnedAfter(block, target.text) || readAfterInOuterStep(block, target.text));
    }
    if (n.type.endsWith('statement') || n.type === 'block') return true;
  }
  return true;
}

/** `total += x.item()`, `meter.update(x.item())`, `losses.append(x.item())`: a per-batch value summed or kept. */
function isAccumulated(call: Node): boolean {
  for (let n: Node | null = call.parent; n; n = n.parent) {
    if (n.type === 'augmented_assignment') return true;
    if (n.type === 'call') {
      const method = n.childForFieldName('function')?.childForFieldName('attribute')?.text;
      return method === 'append' || method === 'update' || method === 'extend';
    }
    if (n.type.endsWith('statement') || n.type === 'assignment' || n.type === 'block') return false;
  }
  return false;
}

/**
 * The loop `block` is the inner loop of a step (gradient accumulation: `for _ in range(accumulate): ... total += loss.item()`)
 * and the loop around it reads `name` after it on every outer step (`pbar.set_description(f"loss: {total:.4f}")`): the
 * total is shown once per optimizer step, the usual progress display (denoising-diffusion's trainers, judged noise).
 */
function readAfterInOuterStep(block: Node, name: string): boolean {
  if (block.type !== 'for_statement' && block.type !== 'while_statement') return false;
  const outer = enclosingLoop(block);
  if (!outer) return false;
  return occurrences(outer, name).some((id) => id.startIndex >= block.endIndex && !isAssignedHere(id));
}

/** The identifier is the target of an assignment (`total = 0.`), not a read. */
function isAssignedHere(id: Node): boolean {
  const parent = id.parent;
  return (parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.equals(id) === true;
}

/** The call runs in a loop or comprehension of its own inside `block`: once per item, not once per call. */
function inOwnLoop(call: Node, block: Node): boolean {
  const inner = enclosingLoop(call, true);
  return !!inner && inner.startIndex >= block.startIndex && inner.endIndex <= block.endIndex && !inner.equals(block);
}

/**
 * `.item()` whose number the function returns: `return loss.item()`, or stored into a dict or list the function returns
 * (`losses.update({"critic_loss": loss_critic.item()})`, `stats["loss"] = loss.item()`, `out.append(...)`, then `return losses`).
 */
function returnedAsNumber(call: Node, block: Node): boolean {
  if (call.childForFieldName('function')?.childForFieldName('attribute')?.text !== 'item') return false;
  const fn = block.type === 'function_definition' ? block : enclosingFunctionDef(block);
  if (!fn) return false;
  let container: string | null = null;
  for (let n: Node | null = call.parent; n && !n.equals(fn); n = n.parent) {
    if (n.type === 'return_statement') return true;
    if (n.type === 'call') {
      const callee = n.childForFieldName('function');
      const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : null;
      if (method === 'update' || method === 'append') container = callee!.childForFieldName('object')?.text ?? null;
      break;
    }
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'subscript') container = left.childForFieldName('value')?.text ?? null;
      break;
    }
    if (n.type.endsWith('statement') || n.type === 'block') break;
  }
  if (!container || !/^\w+$/.test(container)) return false;
  const name = container;
  return occurrences(fn, name).some((id) => {
    for (let p = id.parent; p && !p.equals(fn); p = p.parent) {
      if (p.type === 'return_statement') return true;
      if (isNestedScope(p)) return false;
    }
    return false;
  });
}

/**
 * Every sync is summed into a running total (`total += x.item()`) that the function returns after the loop, and their
 * statements follow one another at one level of the loop's body, so no GPU work is queued between them.
 */
function returnedTotalsSideBySide(syncs: Node[], block: Node): boolean {
  const statements = syncs.map((c) => {
    const total = c.parent;
    const target = total?.type === 'augmented_assignment' && total.childForFieldName('right')?.equals(c) ? total.childForFieldName('left') : null;
    const stmt = total?.parent;
    return target?.type === 'identifier' && stmt?.type === 'expression_statement' && returnedAfter(block, target.text) ? stmt : null;
  });
  if (statements.some((st) => st === null)) return false;
  const stmts = statements as Node[];
  return stmts.every((st, i) => {
    if (i === 0) return true;
    let before = st.previousNamedSibling;
    while (before?.type === 'comment') before = before.previousNamedSibling;
    return before?.equals(stmts[i - 1]) === true;
  });
}

/**
 * Every sync is summed straight into a running total of a loss or metric (`total += x.item()`,
 * `acc += float(x.cpu().item()) / n`, `info["loss"] += x.item()`) on the step itself, not in a loop of its own inside it;
 * their statements follow one another (no GPU work queued between them, so only the first waits); and each total is
 * read, and read only to be recorded: logged every N steps, printed or returned after the loop. A total nothing reads,
 * one the code computes with, or a count read off the batch is not bookkeeping.
 */
function totalsOnlyLogged(syncs: Node[], block: Node): boolean {
  if (syncs.length === 0 || (block.type !== 'for_statement' && block.type !== 'while_statement')) return false;
  const scope = enclosingFunctionDef(block) ?? moduleOf(block);
  const statements: Node[] = [];
  for (const c of syncs) {
    const total = runningTotalOf(c);
    const statement = total?.parent?.parent;
    if (!total || statement?.type !== 'expression_statement' || !enclosingLoop(statement, true)?.equals(block)) return false;
    // A loss or metric the step computes, not a count read off the batch (litgpt's token counts, synced in a loop that
    // otherwise never waits: those stalls are the loop's only ones).
    if (!LOGGED_QUANTITY.test(total.text) && !LOGGED_QUANTITY.test(c.childForFieldName('function')?.childForFieldName('object')?.text ?? '')) return false;
    const reads = totalReads(total, scope);
    if (!reads || reads.length === 0 || !reads.every((id) => onlyRecorded(valueAround(id), scope))) return false;
    statements.push(statement);
  }
  return statements.every((st, i) => {
    if (i === 0) return true;
    let before = st.previousNamedSibling;
    while (before?.type === 'comment') before = before.previousNamedSibling;
    return before?.equals(statements[i - 1]) === true;
  });
}

/**
 * A sync is summed into a running total (`total += x.item()`, rooted at a local name) that nothing reads afterwards
 * (the sync is wasted) or that the code decides with (`if epoch_loss < best:`, an early stop). Such a total is worth
 * keeping on the device, where the other per-step syncs are the step's bookkeeping (logged, returned, handed to a logger).
 */
function wastedOrComputedTotals(syncs: Node[], block: Node): boolean {
  if (syncs.length === 0) return false;
  const scope = enclosingFunctionDef(block) ?? moduleOf(block);
  return syncs.some((c) => {
    if (overwrittenEachStep(c, block)) return true;
    const reads = totalReads(runningTotalOf(c), scope);
    return reads !== null && (reads.length === 0 || reads.some((id) => decidesWith(id, scope)));
  });
}

/**
 * The reads of the local name a running total is rooted at (`total`, or `info` of `info["loss"] += ...`), its writes left
 * out; null when the total is not a local's (`self.loss`, or no total at all).
 */
function totalReads(total: Node | null, scope: Node): Node[] | null {
  let root = total;
  while (root && (root.type === 'subscript' || root.type === 'attribute')) root = root.childForFieldName(root.type === 'subscript' ? 'value' : 'object');
  if (root?.type !== 'identifier' || root.text === 'self') return null;
  return occurrences(scope, root.text).filter((id) => !isWrittenThrough(id));
}

/**
 * The sync runs once per row of a tensor inside the step: in a loop or comprehension of the step over the tensor itself
 * (`[r.item() for r in loss]`) or over its size (`for i in range(x.size(0))`, `range(len(x))`, `range(x.shape[0])`); or once
 * per parameter of a model (a snapshot of its state_dict).
 */
function perRowOfTensor(sync: Node, block: Node): boolean {
  if (!inOwnLoop(sync, block)) return false;
  const inner = enclosingLoop(sync, true)!;
  const clause = inner.type === 'for_statement' ? inner : inner.namedChildren.find((c) => c.type === 'for_in_clause');
  const iterable = clause?.childForFieldName('right');
  const variable = clause?.childForFieldName('left');
  if (!iterable || !variable) return false;
  if (iterable.type === 'call' && iterable.childForFieldName('function')?.text === 'range') return /\.size\(|\.shape\b|\blen\(/.test(iterable.text);
  // A model's every parameter copied on each step (`{k: v.cpu() for k, v in model.state_dict().items()}`): the whole model.
  if (/\.(state_dict|parameters|named_parameters|buffers)\(\)/.test(iterable.text)) return true;
  const recv = sync.childForFieldName('function')?.childForFieldName('object');
  return (iterable.type === 'identifier' || iterable.type === 'attribute') && recv?.text === variable.text;
}

/**
 * `last = loss.item()` in a loop that never reads `last`: every step's number but the last is overwritten unread (deepchem's
 * returned last loss, judged useful: one sync a step for one number); in a step function, a copy the function never reads.
 */
function overwrittenEachStep(sync: Node, block: Node): boolean {
  if (block.type !== 'for_statement' && block.type !== 'while_statement' && block.type !== 'function_definition') return false;
  let node = sync;
  while (
    node.parent &&
    (node.parent.type === 'parenthesized_expression' ||
      (node.parent.type === 'argument_list' && /^(float|int)$/.test(node.parent.parent?.childForFieldName('function')?.text ?? '')))
  ) {
    node = node.parent.type === 'argument_list' ? node.parent.parent! : node.parent;
  }
  const assign = node.parent;
  const name = assign?.type === 'assignment' && assign.childForFieldName('right')?.equals(node) ? assign.childForFieldName('left') : null;
  if (name?.type !== 'identifier') return false;
  return !occurrences(block, name.text).some((id) => !isWrittenThrough(id));
}

/**
 * The read of a number, through arithmetic, is compared or tested: `if epoch_loss / n < best:`, `while loss > tol`; or it is
 * assigned to a name (`mean_loss = epoch_loss / n`) that is (`if mean_loss < 0.01:`), one assignment deep.
 */
function decidesWith(id: Node, scope: Node, follow = true): boolean {
  let node = id;
  for (let p = id.parent; p; node = p, p = p.parent) {
    if (p.type === 'binary_operator' || p.type === 'parenthesized_expression' || p.type === 'unary_operator') continue;
    if (p.type === 'comparison_operator' || p.type === 'not_operator' || p.type === 'boolean_operator') return true;
    const left = p.type === 'assignment' && p.childForFieldName('right')?.equals(node) ? p.childForFieldName('left') : null;
    if (left?.type === 'identifier' && follow) {
      return occurrences(scope, left.text).some((use) => !isWrittenThrough(use) && decidesWith(use, scope, false));
    }
    return (p.type === 'if_statement' || p.type === 'elif_clause' || p.type === 'while_statement') && p.childForFieldName('condition')?.equals(node) === true;
  }
  return false;
}

/** Names of the numbers a training loop keeps running totals of for its log: losses, accuracies, correct counts, metrics. */
const LOGGED_QUANTITY = /loss|acc(?!um|el)|correct|metric|score/i;

/** The name is (the root of) the target of an assignment: `total = 0.0`, `total += x`, `info["loss"] += x`. */
function isWrittenThrough(id: Node): boolean {
  let node = id;
  while (node.parent && ((node.parent.type === 'subscript' && node.parent.childForFieldName('value')?.equals(node)) || node.parent.type === 'attribute')) {
    node = node.parent;
  }
  const parent = node.parent;
  return (parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.equals(node) === true;
}

/** The value a read of a total flows into through arithmetic and the branches of `a if c else b` (`total / n if n else 0`). */
function valueAround(id: Node): Node {
  let node = id;
  for (let p = id.parent; p; node = p, p = p.parent) {
    if (p.type === 'binary_operator' || p.type === 'parenthesized_expression') continue;
    // `a if c else b`: the first named child is `a`, the last `b`; the condition is the middle one.
    if (p.type === 'conditional_expression' && (p.namedChildren[0]?.equals(node) || p.namedChildren.at(-1)?.equals(node))) continue;
    break;
  }
  return node;
}

/** The target of the `+=` that sums the sync's number (through arithmetic, `float(...)` and methods of the value), or null. */
function runningTotalOf(sync: Node): Node | null {
  let child = sync;
  for (let n = sync.parent; n; child = n, n = n.parent) {
    if (n.type === 'augmented_assignment') {
      const plus = n.childForFieldName('operator')?.text === '+=';
      return plus && n.childForFieldName('right')?.equals(child) ? n.childForFieldName('left') : null;
    }
    if (n.type === 'binary_operator' || n.type === 'parenthesized_expression') continue;
    // `x.cpu().item()`: a method of the value carries it on.
    if (n.type === 'attribute' && n.childForFieldName('object')?.equals(child)) continue;
    if (n.type === 'call' && n.childForFieldName('function')?.equals(child)) continue;
    if (n.type === 'argument_list' && n.parent?.type === 'call' && /^(float|int)$/.test(n.parent.childForFieldName('function')?.text ?? '')) continue;
    if (n.type === 'call' && /^(float|int)$/.test(n.childForFieldName('function')?.text ?? '')) continue;
    return null;
  }
  return null;
}

/** `name` is returned (alone or in a returned tuple, dict or call) after the loop `block` by the function around it. */
function returnedAfter(block: Node, name: string): boolean {
  if (block.type !== 'for_statement' && block.type !== 'while_statement') return false;
  const fn = enclosingFunctionDef(block);
  if (!fn) return false;
  return occurrences(fn, name).some((id) => {
    if (id.startIndex < block.endIndex) return false;
    for (let p = id.parent; p && !p.equals(fn); p = p.parent) {
      if (p.type === 'return_statement') return true;
      if (p.type === 'function_definition' || p.type === 'lambda') return false;
    }
    return false;
  });
}

const perStepCallerMemo = nodeMemo<{ call: Node; loop: TrainingLoop } | null>();

/**
 * A call of helper (by its bare name, or `self.<name>` for a method) from the body of a torch
 * training loop, not under a logging guard: the helper runs on every step.
 */
function perStepCaller(helper: Node, facts: FileFacts): { call: Node; loop: TrainingLoop } | null {
  return perStepCallerMemo(facts, helper, () => findPerStepCaller(helper, facts));
}

function findPerStepCaller(helper: Node, facts: FileFacts): { call: Node; loop: TrainingLoop } | null {
  const name = helper.childForFieldName('name')?.text ?? '';
  const isMethod = helper.parent?.parent?.type === 'class_definition' || helper.parent?.parent?.parent?.type === 'class_definition';
  // Training loops first; an evaluation loop only when it sums what the helper returns.
  const loops = [...trainingLoops(facts)].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'train' ? -1 : 1));
  for (const loop of loops) {
    if (loop.framework !== 'torch' || loop.perEpoch) continue;
    const calls = findDescendants(
      loop.node,
      (n) => {
        if (n.type !== 'call') return false;
        const f = n.childForFieldName('function');
        if (isMethod) return f?.type === 'attribute' && f.childForFieldName('object')?.text === 'self' && f.childForFieldName('attribute')?.text === name;
        return f?.type === 'identifier' && f.text === name;
      },
      isNestedScope,
    );
    const call = calls.find(
      (c) =>
        !isUnderLoggingGuard(c, loop.node) &&
        !underDebugFlag(c, loop.node) &&
        enclosingTrainingLoop(c, facts, 'any')?.node.equals(loop.node) &&
        (loop.kind === 'train' || summedInLoop(c, loop.node)),
    );
    if (call) return { call, loop };
  }
  return null;
}

/** `x.cpu().numpy()`: only the first sync in a chain is reported. */
function chainHasEarlierSync(recv: Node): boolean {
  for (let n: Node | null = recv; n;) {
    if (n.type === 'call') {
      const fn: Node | null = n.childForFieldName('function');
      if (fn?.type === 'attribute' && SYNC_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return true;
      n = fn;
    } else if (n.type === 'attribute') {
      n = n.childForFieldName('object');
    } else if (n.type === 'subscript') {
      n = n.childForFieldName('value');
    } else if (n.type === 'parenthesized_expression') {
      n = n.namedChild(0);
    } else {
      return false;
    }
  }
  return false;
}

/**
 * False for receivers that are surely not GPU tensors: the raw batch from the DataLoader (still on
 * the host until moved), the loop index, or a value from another imported library (`np.*`).
 */
function mayBeDeviceTensor(recv: Node, loop: TrainingLoop | null, facts: FileFacts): boolean {
  const root = chainRoot(recv, { throughCalls: true }); // `out` for `out.logits.argmax(-1)`
  if (!root) return true;
  const binding = facts.binding(root.text);
  if (binding && !binding.target.startsWith('torch')) return false;
  // `arr = np.asarray(values)` ... `arr.sum().item()`: the value layer knows the root is no tensor.
  const value = root.type === 'identifier' ? values(facts).valueOfName(root.text, root) : null;
  if (value && value.kind !== 'tensor') return false;
  if (!loop) return true;
  if (root.text === loop.indexName) return false;
  if (loop.batchNames.includes(root.text) && !reassignedBefore(loop.node, root.text, recv)) return false;
  // `[label.tolist() for label in target]`: the elements of a batch the loader handed over, still on the host.
  const batch = comprehensionSource(root);
  if (batch && loop.batchNames.includes(batch.text) && !reassignedBefore(loop.node, batch.text, recv)) return false;
  return true;
}

/** For a name a comprehension binds (`label` in `[... for label in target]`), the plain name it iterates; else null. */
function comprehensionSource(id: Node): Node | null {
  for (let n: Node | null = id.parent; n && !isNestedScope(n); n = n.parent) {
    if (!/comprehension|generator_expression/.test(n.type)) continue;
    for (const clause of n.namedChildren) {
      if (clause?.type !== 'for_in_clause') continue;
      const left = clause.childForFieldName('left');
      const right = clause.childForFieldName('right');
      if (left?.type === 'identifier' && left.text === id.text) return right?.type === 'identifier' ? right : null;
    }
    return null;
  }
  return null;
}

/**
 * The batch name is rebound in the loop body before `use` reads it (`labels = labels.to(device)`).
 * A rebinding that `use` is part of (`labels = encode(labels.numpy())`) or that comes after it
 * does not count: the loader rebinds the name at the top of each step.
 */
function reassignedBefore(loop: Node, name: string, use: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope).some((a) => {
    const left = a.childForFieldName('left');
    return left !== null && a.endIndex <= use.startIndex && targetNames(left).includes(name);
  });
}

/** What a value passes through on its way into a displayed text: f-strings, formatting, dict displays, arguments. */
const INTO_TEXT = new Set([
  'interpolation',
  'string',
  'concatenated_string',
  'format_expression',
  'argument_list',
  'keyword_argument',
  'pair',
  'dictionary',
  'parenthesized_expression',
  // `print("[D loss: %f] [G loss: %f]" % (d_loss.item(), g_loss.item()))`: the values of a `%` format.
  'tuple',
]);

/** `print(f"loss {loss.item()}")`, `pbar.set_postfix({"loss": loss.item()})`: the value only goes into displayed text. */
function isDisplayedOnly(call: Node, facts: FileFacts): boolean {
  let n: Node | null = call.parent;
  while (n && (INTO_TEXT.has(n.type) || (n.type === 'binary_operator' && isStringFormatting(n)))) {
    if (n.type === 'argument_list') {
      const owner = n.parent;
      return owner?.type === 'call' && isDisplayCall(owner, facts);
    }
    n = n.parent;
  }
  return false;
}

/** `"%.3f" % x` or `"loss " + str(x)`: a string built for display. */
function isStringFormatting(op: Node): boolean {
  const left = op.childForFieldName('left');
  return left?.type === 'string' || left?.type === 'concatenated_string';
}

/** Functions and methods that record a number for a person or a log: printing, logging, a progress bar, a history list. */
const RECORD_CALLS = new Set([
  'print',
  'write',
  'log',
  'log_dict',
  'log_metrics',
  'add_scalar',
  'add_scalars',
  'info',
  'debug',
  'set_postfix',
  'set_postfix_str',
  'set_description',
  'set_description_str',
  'append',
  'extend',
  'update',
  // `self.logger.record("loss", loss.item())` (Stable-Baselines3's and imitation's logger), `avg_loss.add(loss.item())` (a
  // running-average meter), `metrics.add_dict({"loss": loss.item() * n})` (fast-autoaugment's accumulator): records too.
  'record',
  'add',
  'add_dict',
]);
/**
 * A dict entry or attribute named as a record (`stats["loss_d"]`, `self.hist_loss`, `names[k + "_loss"]`), not a computed
 * input: not `self.logits`, `self.accum_steps` or `self.acceleration`.
 */
const RECORD_TARGET = /loss|acc(?!um|el)|hist|log(?!it)|stat|metric|score|record|summary/i;
/** A class spelled in CapWords: `OptInfo`, `Stats`. */
const RECORD_TYPE = /^[A-Z][A-Za-z0-9]*$/;

/** Arguments all given by keyword: the fields of a record type, not the inputs of a computation. */
function recordFields(args: Node): boolean {
  const named = args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return named.length > 0 && named.every((a) => a.type === 'keyword_argument');
}

/** Functions through which a recorded number passes on its way to the record: NumPy reductions, conversions, rounding. */
const RECORD_CARRIER = /^(?:np|numpy)\.\w+$|^(?:float|int|round|abs|min|max|sum|str|len)$/;
/** Expressions through which a value flows into a bigger value unchanged in kind: arithmetic, displays, formatting. */
const CARRIER_TYPES = new Set([...INTO_TEXT, 'list', 'binary_operator', 'comparison_operator', 'unary_operator', 'attribute', 'subscript']);

/**
 * The value of `expr` (a sync, or a name bound from one) ends only in records on this step of `block`: printed, logged,
 * appended to a history, stored in a dict, returned, or bound to names (through NumPy reductions, arithmetic, formatting)
 * that are themselves only recorded in the block. A value the step computes with (a loss weight, a branch, a model input)
 * is not. `depth` bounds the names followed.
 */
function onlyRecorded(expr: Node, block: Node, depth = 0): boolean {
  let child = expr;
  for (let n = expr.parent; n && !n.equals(block); child = n, n = n.parent) {
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      // `x.cpu().numpy()`, `pred.mean()`: a method of the value itself carries it on.
      if (fn?.equals(child)) continue;
      const name = fn?.text ?? '';
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : name;
      if (RECORD_CALLS.has(method ?? '')) return n.parent?.type === 'expression_statement';
      if (RECORD_CARRIER.test(name)) continue;
      // `OptInfo(loss=loss.item(), entropy=entropy.item())` (rlpyt's A2C): a record type filled with numbers by keyword,
      // recorded wherever the record goes.
      if (fn?.type === 'identifier' && RECORD_TYPE.test(name) && child.type === 'argument_list' && recordFields(child)) continue;
      return false;
    }
    if (n.type === 'return_statement') return true;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (!left || !n.childForFieldName('right')?.equals(child)) return false;
      // `stats["loss_d"] = loss_d.item()`, `self.last_loss = ...`: kept for a report, not computed with on this step.
      if (left.type === 'subscript' || left.type === 'attribute') return RECORD_TARGET.test(left.text);
      if (left.type !== 'identifier' || depth >= 3) return false;
      const reads = occurrences(block, left.text).filter((id) => id.startIndex > n!.endIndex);
      // A name also read outside the block (after the loop) keeps its last step's value for later: not only a record.
      const outside = occurrences(enclosingFunctionDef(block) ?? moduleOf(block), left.text).filter((id) => id.startIndex >= block.endIndex);
      return reads.length > 0 && outside.length === 0 && reads.every((id) => !isAssignedHere(id) && onlyRecorded(id, block, depth + 1));
    }
    // `rows[i.item()]` computes with the number; `pred[0]` carries it on.
    if (n.type === 'subscript' && !n.childForFieldName('value')?.equals(child)) return false;
    if (CARRIER_TYPES.has(n.type)) continue;
    return false;
  }
  return false;
}

/**
 * The receiver of a sync among `syncs` that copies a whole tensor into NumPy (`scores.cpu().numpy()`, under no `if` of
 * the block) for the host to compute with, when every other sync is only recorded; else null.
 */
function hostArrayCopyBeside(syncs: Node[], block: Node): string | null {
  const copies = syncs.filter((c) => !onlyRecorded(c, block));
  if (copies.length === 0 || !copies.every((c) => intoNumpy(c) && !underConditionOrTotal(c, block))) return null;
  return oneLineText(copies[0].childForFieldName('function')!.childForFieldName('object')!.text);
}

/** `x.cpu().numpy()`, `x.detach().cpu().numpy()`, `x.numpy(force=True)`: the sync makes a NumPy array of the whole tensor. */
function intoNumpy(call: Node): boolean {
  const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text;
  if (method === 'numpy') return true;
  let n: Node | null = call;
  while (n?.parent?.type === 'attribute' && n.parent.parent?.type === 'call') {
    const next = n.parent.childForFieldName('attribute')?.text;
    if (next === 'numpy') return true;
    if (next !== 'detach' && next !== 'float') return false;
    n = n.parent.parent;
  }
  return false;
}

/** Words that put tensors on an accelerator, once `device=x.device` (a tensor made where another one already is) is left out. */
const MOVES_TO_DEVICE = /\.cuda\s*\(|\.to\s*\(|["'](?:cuda|mps|xpu)|\bdevice\b|\baccelerator\b|\bxla\b|\blightning\b|\bset_default_/;

/** Text that moves a tensor or module to a device, or names one (or a wrapper that places them: Fabric, Accelerate, XLA). */
const NAMES_A_DEVICE = /\.cuda\s*\(|\.to\s*\(|\bdevice\b|["'](?:cuda|mps|xpu)|\baccelerat|\bfabric\b|\bxla\b|\bxm\./;
/** A callable's name that says it places its argument (`to_gpu(images)`, `move_to_device(batch)`). */
const PLACES_BY_NAME = /gpu|cuda|device|accel/i;

/**
 * The sync runs in code written for the host: its function names no device while another function of the file moves
 * tensors to one, or it sits in an `if`/`else` branch (inside the loop) that names no device beside a branch that does.
 */
function writtenForHost(call: Node, loop: Node, facts: FileFacts): boolean {
  const fn = enclosingFunctionDef(loop);
  if (fn && namesNoDevice(fn, loop, facts) && otherFunctionMovesToDevice(fn, facts)) return true;
  let child = call;
  for (let n = call.parent; n && !n.equals(loop); child = n, n = n.parent) {
    if (n.type !== 'if_statement' || n.childForFieldName('condition')?.equals(child)) continue;
    const branches = [n.childForFieldName('consequence'), ...n.childrenForFieldName('alternative')].filter((b): b is Node => b !== null);
    const own = branches.find((b) => b.startIndex <= call.startIndex && call.endIndex <= b.endIndex);
    if (own && !NAMES_A_DEVICE.test(own.text) && branches.some((b) => b !== own && /\.cuda\s*\(|\.to\s*\(/.test(b.text))) return true;
  }
  return false;
}

/**
 * The function names no device, calls no function of the file that does (a step function that moves the batch) nor one
 * named for it (`to_gpu(images)`), and its loop walks batches handed in as a parameter (a loader made elsewhere in the
 * file may carry a collate function that moves each batch).
 */
function namesNoDevice(fn: Node, loop: Node, facts: FileFacts): boolean {
  if (NAMES_A_DEVICE.test(fn.text)) return false;
  const loops = [loop, ...findDescendants(loop, (n) => n.type === 'for_statement', isNestedScope)];
  // The batch: what the loops bind. A function of the file handed it may move it (`discriminator_step(net, images)`); one
  // that is not (an evaluation over another loader) says nothing about this loop's tensors.
  const batch = new Set(
    loops.flatMap((l) => {
      const left = l.childForFieldName('left');
      return left ? targetNames(left) : [];
    }),
  );
  for (const c of findDescendants(loop, (n) => n.type === 'call' && n.childForFieldName('function')?.type === 'identifier', isNestedScope)) {
    const name = c.childForFieldName('function')!.text;
    if (PLACES_BY_NAME.test(name)) return false;
    const handsBatch = positionalArguments(c).some((a) => a.type === 'identifier' && batch.has(a.text));
    if (handsBatch && definitionsNamed(facts, 'function_definition', name).some((d) => NAMES_A_DEVICE.test(d.text))) return false;
  }
  const params = new Set(parameterNames(fn));
  return loops.some((l) => {
    const right = l.childForFieldName('right');
    const source = right ? unwrapIterable(right, facts).inner : null;
    return source?.type === 'identifier' && params.has(source.text);
  });
}

const otherMovesMemo = nodeMemo<boolean>();

/** Another function of the file moves something to a device (`.to(device)`, `.cuda()`). */
function otherFunctionMovesToDevice(fn: Node, facts: FileFacts): boolean {
  return otherMovesMemo(
    facts,
    fn,
    () =>
      findDescendants(
        facts.root,
        (n) => n.type === 'function_definition' && !n.equals(fn) && /\.cuda\s*\(|\.to\s*\(\s*device\b/.test(n.text),
        (n) => n.type === 'function_definition',
      ).length > 0,
  );
}

/**
 * The file names a device only to make a tensor beside another (`torch.zeros(n, device=X.device)`): no `.to(...)`,
 * `.cuda()`, device argument or variable, Accelerate or Lightning. usesAccelerator counts that one word as a device.
 */
const neverMovesToDevice = lintMemo((facts) => {
  // A device only defined and printed (`device = torch.device(...)`, `print(torch.__version__, device)`) moves nothing
  // (Dive-into-DL's machine-translation notebook, judged wrong in review29 when shown as a GPU stall).
  const uses = facts.text
    .replace(/^[ \t]*device[ \t]*=.*$/gm, '')
    .replace(/\bdevice\s*=\s*[\w.]+\.device\b/g, '')
    .replace(/^[ \t]*print\(.*\bdevice\b.*\)[ \t]*$/gm, '');
  return !MOVES_TO_DEVICE.test(uses);
});

/** The module node that holds node. */
function moduleOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** Syncs that are the iterable of a loop or comprehension in block (or zipped or enumerated there), with `name` as their root. */
function iteratedOnHost(name: string, block: Node): Node[] {
  const iterables = findDescendants(block, (n) => n.type === 'for_statement' || n.type === 'for_in_clause', isNestedScope).flatMap((loop) => {
    const right = loop.childForFieldName('right');
    if (!right) return [];
    const wrapped = right.type === 'call' && /^(zip|enumerate)$/.test(right.childForFieldName('function')?.text ?? '');
    return wrapped ? (right.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null) ?? []) : [right];
  });
  return iterables.filter(
    (it) =>
      it.type === 'call' &&
      SYNC_METHODS.has(it.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '') &&
      chainRoot(it, { throughCalls: true })?.text === name,
  );
}

/** Methods that convert or move a tensor without mixing in other data. */
const CONVERSIONS = new Set([
  'to',
  'round',
  'int',
  'float',
  'long',
  'double',
  'half',
  'cuda',
  'clone',
  'detach',
  'contiguous',
  'view',
  'reshape',
  'squeeze',
  'unsqueeze',
]);

/**
 * Every assignment of `name` in block builds it from host numbers (`torch.tensor([n_samples, n_tokens])`, maybe moved to
 * a device by a wrapper or `.to(device)`) or converts such a name, and nothing adds to it in place: a buffer for a
 * collective (`dist.all_reduce`), whose value the host sent and now reads back. Keeping it on the device saves nothing.
 */
function builtFromHostValues(name: string, block: Node, facts: FileFacts, visiting: Set<string> = new Set()): boolean {
  // A name met again on the way (`t = t_int` after `t_int = t.round()`) adds no other source: the others decide.
  if (visiting.has(name)) return true;
  if (visiting.size > 3 || boundOtherwise(name, block)) return false;
  visiting.add(name);
  const writes = findDescendants(block, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope).filter((a) => {
    const left = a.childForFieldName('left');
    return !!left && targetNames(left).includes(name);
  });
  return (
    writes.length > 0 &&
    writes.every((a) => {
      const right = a.childForFieldName('right');
      return a.type === 'assignment' && a.childForFieldName('left')?.type === 'identifier' && !!right && hostBuilt(right, block, facts, visiting);
    })
  );
}

/** `name` is a parameter of the function around block, or a loop, comprehension or `with` target there: its value came from elsewhere. */
function boundOtherwise(name: string, block: Node): boolean {
  let fn: Node | null = block;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const scope = fn ?? block;
  const parameters = fn?.childForFieldName('parameters');
  if (parameters && findDescendants(parameters, (n) => n.type === 'identifier' && n.text === name).length > 0) return true;
  return findDescendants(scope, (n) => n.type === 'for_statement' || n.type === 'for_in_clause' || n.type === 'as_pattern', isNestedScope).some((n) => {
    const target = n.type === 'as_pattern' ? n.childForFieldName('alias') : n.childForFieldName('left');
    return !!target && targetNames(target).includes(name);
  });
}

/** `torch.tensor([a, b])`, `wrap(torch.tensor(...))`, `torch.tensor(...).to(device)`, or a conversion of a host-built name. */
function hostBuilt(expr: Node, block: Node, facts: FileFacts, visiting: Set<string>): boolean {
  if (expr.type === 'identifier') return builtFromHostValues(expr.text, block, facts, visiting);
  if (expr.type !== 'call') return false;
  const positional =
    expr.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument') ?? [];
  if (facts.calleeName(expr) === 'torch.tensor')
    return positional.length === 1 && (/^(list|tuple|integer|float)$/.test(positional[0].type) || hostNumber(positional[0], block, facts));
  const fn = expr.childForFieldName('function');
  if (
    fn?.type === 'attribute' &&
    CONVERSIONS.has(fn.childForFieldName('attribute')?.text ?? '') &&
    hostBuilt(fn.childForFieldName('object')!, block, facts, visiting)
  ) {
    return true;
  }
  return positional.length === 1 && positional[0].type === 'call' && hostBuilt(positional[0], block, facts, visiting);
}

/** Builtins that give a Python number. */
const NUMBER_BUILTINS = new Set(['max', 'min', 'float', 'int', 'round', 'abs']);

/**
 * `self.learning_rate` (or a plain name) that every assignment of it in block sets to a Python number: a literal,
 * `max(1e-5, self.learning_rate / 1.5)`, or an `.item()`. rsl_rl's PPO adapts its learning rate on the host, broadcasts
 * it from rank 0 in `torch.tensor(self.learning_rate)` and reads it back to set `param_group["lr"]` (judged wrong in
 * review40): the value the tensor carries came from the host and must return there.
 */
function hostNumber(value: Node, block: Node, facts: FileFacts): boolean {
  if (value.type !== 'identifier' && value.type !== 'attribute') return false;
  const writes = findDescendants(block, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope).filter(
    (a) => a.childForFieldName('left')?.text === value.text,
  );
  return (
    writes.length > 0 &&
    writes.every((a) => {
      const right = a.type === 'assignment' ? a.childForFieldName('right') : null;
      if (right?.type === 'integer' || right?.type === 'float') return true;
      const fn = right?.type === 'call' ? right.childForFieldName('function') : null;
      if (fn?.type === 'identifier') return NUMBER_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, right!);
      return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'item';
    })
  );
}

const CLOCKS = /^(?:time\.(?:perf_counter|perf_counter_ns|time|time_ns|monotonic|monotonic_ns)|timeit\.default_timer)$/;

/**
 * The loop body reads a clock into a name and appends its difference to a list (`durations.append(toc - tic)`): it
 * records each step's time, as a benchmark does. A meter shown in a progress line (`batch_time.update(time.time() -
 * end)`) or a log-interval timer is not a measurement the sync makes true.
 */
function timesEachStep(loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const started = new Set<string>();
  for (const a of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right?.type === 'call' && isClock(right, facts)) started.add(left.text);
  }
  if (started.size === 0) return false;
  return findDescendants(body, (n) => n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '-', isNestedScope).some(
    // Kept in a list, or printed with the step (`print(f"step {i} time {toc - tic:.2f}s")`, a memory and timing script).
    (op) => started.has(op.childForFieldName('right')?.text ?? '') && (isAppended(op) || isDisplayedOnly(op, facts)),
  );
}

/** `xs.append(<expr>)`: the expression is appended to a list as it is. */
function isAppended(expr: Node): boolean {
  const call = expr.parent?.type === 'argument_list' ? expr.parent.parent : null;
  return call?.type === 'call' && call.childForFieldName('function')?.childForFieldName('attribute')?.text === 'append';
}

function isClock(call: Node, facts: FileFacts): boolean {
  return CLOCKS.test(facts.calleeName(call) ?? '');
}

/**
 * The statement before the one holding `call` (at the loop body's level) only displays the same tensor (`print` of
 * `recv`'s sync), and the statement holding `call` queues nothing before it: an `if` whose condition calls nothing.
 */
function displayedJustBefore(call: Node, recv: Node, loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  let stmt: Node | null = call;
  while (stmt?.parent && !stmt.parent.equals(body ?? stmt)) stmt = stmt.parent;
  if (!stmt?.parent || !body || !stmt.parent.equals(body)) return false;
  if (stmt.type === 'if_statement' && findDescendants(stmt.childForFieldName('condition') ?? stmt, (n) => n.type === 'call').length > 0) return false;
  let before = stmt.previousNamedSibling;
  while (before?.type === 'comment') before = before.previousNamedSibling;
  if (before?.type !== 'expression_statement') return false;
  const same = sameText(recv.text);
  return findDescendants(
    before,
    (n) => n.type === 'call' && SYNC_METHODS.has(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? ''),
  ).some((sync) => isDisplayedOnly(sync, facts) && sameText(sync.childForFieldName('function')?.childForFieldName('object')?.text ?? '') === same);
}

function sameText(code: string): string {
  return code.replace(/\s+/g, '');
}

/** Loops and comprehensions whose targets a `.item()` may read. */
const WALKS = new Set(['for_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/**
 * What runs `child` (a direct child of `n`, reached going up from a node) once per pass: the `for` statement itself when
 * child is its body, every `for ... in` clause of a comprehension; none for anything else. Each has `left` and `right`.
 */
function walkClauses(n: Node, child: Node): Node[] {
  if (!WALKS.has(n.type)) return [];
  if (n.type === 'for_statement') return n.childForFieldName('body')?.equals(child) ? [n] : [];
  return n.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
}
/** Tensor methods that give a tensor again (so the receiver's kind carries over). */
const TENSOR_KEEPING = new Set([...CONVERSIONS, 'flatten', 'cpu', 't', 'flip', 'abs', 'argmax', 'argmin', 'sum', 'nonzero', 'unique', 'masked_select']);
/** Tensor methods whose result is a sequence of tensors: walking it gives tensors. */
const TENSOR_SPLITS = new Set(['split', 'chunk', 'unbind', 'tensor_split']);
/** torch functions that return one tensor whatever their arguments. */
const TORCH_TENSOR_FUNCTIONS =
  /^torch\.(?:unique|unique_consecutive|nonzero|masked_select|argsort|flatten|cat|concat|stack|tensor|as_tensor|from_numpy|arange|randperm|bincount|cumsum|diff|repeat_interleave|argmax|argmin|clamp|clip|where|searchsorted|bucketize|randint|multinomial)$/;

/** `t.view(-1)`, `t.reshape(-1)`, `t.flatten()`: every element of the tensor, one by one. */
const FLATTENED = /\.(?:view|reshape)\(\s*-1\s*\)$|\.flatten\(\s*\)$/;

interface ElementWalk {
  /** The loop or comprehension that takes the elements. */
  loop: Node;
  /** The tensor walked, as written. */
  tensor: string;
  /** It repeats inside another loop, or walks every element of a flattened tensor: warning rather than hint. */
  hot: boolean;
  /** The elements are taken by a range index (`t[i].item()`), not by the loop itself. */
  indexed: boolean;
  /** The part of the tensor the range indices reach, when less than all of it (`ys[:rows, :cols]`). */
  reached?: string;
  /** The expression the loop takes the elements from (`enumerate` unwrapped), for walks by the loop itself. */
  iterable?: Node;
}

/**
 * `for e in mask.view(-1): index[e.item()]`, `tuple(x.item() for x in tensor_slice)`: `.item()` on each element that a
 * loop or comprehension takes from a tensor. Walking a tensor makes one 0-d tensor per element and each `.item()` is one
 * more call into torch (and, on a GPU, one wait for the device): one `.tolist()` gives the same numbers in one call. The
 * walked expression must be known to be a tensor (the value layer, a torch function, a tensor-only method such as
 * `.view(-1)`, or a slice, row or split of one); a search loop that stops early (`break`, `return`) may not read most
 * elements, so converting them all could cost more: it is left alone.
 */
function elementWalkOf(call: Node, facts: FileFacts): ElementWalk | null {
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  if (fn?.childForFieldName('attribute')?.text !== 'item') return null;
  if (positionalArguments(call).length > 0 || isTestCode(call, facts)) return null;
  if (recv?.type === 'subscript') return indexedWalkOf(call, recv, facts);
  if (recv?.type !== 'identifier') return null;
  const bound = walkBinding(call, recv.text);
  if (!bound) return null;
  const { loop, iterable, row } = bound;
  if (loop.type === 'for_statement' && (reassignedBefore(loop, recv.text, call) || stopsEarly(loop))) return null;
  if (isUnderLoggingGuard(call, loop) || !lightBody(loop, facts) || !row.every((name) => onlyItsValueRead(name, loop))) return null;
  // `y = y.to(device)` just before `for i, yy in enumerate(y): yy.item()` (PFLlib's prototype clients, once per label of every
  // batch; review57's recall hunt): the batch just moved, whose labels the walk reads one wait at a time.
  const moved = iterable.type === 'identifier' && movedToDeviceJustBefore(iterable.text, loop) ? iterable.text : null;
  const tensor = tensorWalked(iterable, loop, facts, 0) ?? moved ?? (row.length > 1 ? nonzeroRows(iterable, loop, facts) : null);
  if (!tensor) return null;
  return { loop, tensor, hot: FLATTENED.test(tensor) || enclosingLoop(loop, true) !== null, indexed: false, iterable };
}

/**
 * `for src, dst in (adj != 0).nonzero(): g.add_edges(src.item(), dst.item())`: rows of `x.nonzero()` unpacked into two or
 * more names. NumPy's `nonzero()` gives a tuple of index arrays, whose elements (whole arrays) have no single `.item()`,
 * so rows unpacked this way and read with `.item()` are the rows of torch's (n, ndim) index tensor. The text walked, or null.
 */
function nonzeroRows(iterable: Node, loop: Node, facts: FileFacts): string | null {
  let expr = iterable;
  // `edge_list = (adj != 0).nonzero()` assigned once before the loop, in the same function.
  if (expr.type === 'identifier') {
    const assigned = valuesAssignedTo(expr.text, loop, facts);
    if (assigned.length !== 1 || assigned[0].startIndex > loop.startIndex) return null;
    expr = assigned[0];
  }
  const fn = expr.type === 'call' ? expr.childForFieldName('function') : null;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'nonzero') return null;
  return callArguments(expr).length === 0 ? iterable.text : null;
}

/**
 * `for gt in range(num_gt): torch.topk(cost[gt], k=ks[gt].item())`, `[feats[src[i].item()] for i in range(len(src))]`:
 * `.item()` on each element of a known tensor taken by a range index. Each is a torch call and, on a GPU, a wait for the
 * device; `ks.tolist()` once before the loop gives every number. Only when every read of the tensor in the loop is such
 * a `t[i].item()` (the tensor serves only as numbers there, so the list replaces it exactly), the loop cannot stop early,
 * and its body calls no model or helper of its own (torch functions are fine: they do not hide the per-element calls).
 */
function indexedWalkOf(call: Node, recv: Node, facts: FileFacts): ElementWalk | null {
  const tensor = recv.childForFieldName('value');
  const keys = recv.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (tensor?.type !== 'identifier' || keys.length === 0 || keys.some((k) => k!.type !== 'identifier')) return null;
  // `topk_idx[i, j].item()` in `for i in range(n): for j in range(k):` (a k-nearest-neighbour vote, review62's recall hunt):
  // each index is a range loop's own, and the walk is the outermost of those loops, which reads every element.
  let loop: Node | null = null;
  let iterable: Node | null = null;
  const spans: string[] = [];
  for (const key of keys) {
    const bound = walkBinding(call, key!.text);
    if (!bound || bound.row.length !== 1) return null;
    const range = bound.iterable;
    if (range.type !== 'call' || range.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', range)) return null;
    spans.push(spanOf(range, tensor.text));
    if (bound.loop.type === 'for_statement' && (reassignedBefore(bound.loop, key!.text, call) || stopsEarly(bound.loop))) return null;
    if (!loop || contains(bound.loop, loop)) {
      loop = bound.loop;
      iterable = range;
    }
  }
  if (!loop || !iterable) return null;
  if (isUnderLoggingGuard(call, loop) || !(isTensor(tensor, loop, facts, 0) || movedToDeviceJustBefore(tensor.text, loop))) return null;
  const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop;
  if (!body) return null;
  const inRange = (id: Node) => id.startIndex >= iterable.startIndex && id.endIndex <= iterable.endIndex;
  const onlyNumbers = occurrences(body, tensor.text).every((id) => {
    // `range(len(t))`: a comprehension's own clause, not a read in its body.
    if (inRange(id)) return true;
    const sub = id.parent;
    const attr = sub?.parent;
    return (
      sub?.type === 'subscript' &&
      sub.childForFieldName('value')?.equals(id) === true &&
      attr?.type === 'attribute' &&
      attr.childForFieldName('attribute')?.text === 'item' &&
      attr.parent?.type === 'call'
    );
  });
  if (!onlyNumbers) return null;
  const noOwnCalls = findDescendants(body, (n) => n.type === 'call', isNestedScope).every((c) => {
    const fn = c.childForFieldName('function');
    if (!fn) return false;
    if ((facts.calleeName(c) ?? '').startsWith('torch.')) return true;
    if (fn.type === 'identifier') return facts.isBuiltin(fn.text, c);
    return fn.type === 'attribute' && fn.childForFieldName('object')?.text !== 'self';
  });
  if (!noOwnCalls) return null;
  // `for c in range(cols): for q in range(rows): ys[q, c].item()` with `cols = min(beam_size, ys.size(1))` (AoANet's beam
  // step over a beam x vocabulary tensor): only that corner is read, and converting the whole tensor would cost more.
  const reached = spans.every((span) => span === ':') ? undefined : `${tensor.text}[${spans.join(', ')}]`;
  return { loop, tensor: tensor.text, hot: enclosingLoop(loop, true) !== null, indexed: true, reached };
}

/** A bound that is some tensor's or list's whole size (`len(boxes)`, `cost.shape[0]`, `x.size(1)`): a dimension in full. */
const WHOLE_SIZE = /^(len\(.*\)|.*\.shape\[\s*-?\d+\s*\]|.*\.size\(\s*-?\d*\s*\))$/s;

/**
 * The slice of one dimension a `range(...)` index reaches: `:` for a whole dimension (`range(len(t))`, `range(t.size(0))`,
 * `range(cost.shape[0])` of a tensor of as many rows, any bound that names the tensor), `:n` for any other `range(n)`
 * (`cols = min(beam_size, ys.size(1))`), `a:b` for `range(a, b)`.
 */
function spanOf(range: Node, tensor: string): string {
  const args = callArguments(range);
  if (args.length === 2) return `${args[0].text}:${args[1].text}`;
  if (args.length !== 1 || WHOLE_SIZE.test(args[0].text) || new RegExp(`(?<![\\w.])${escapeRegExp(tensor)}\\b`).test(args[0].text)) return ':';
  return `:${args[0].text}`;
}

/** `.to(device)`, `.to("cuda:0")`, `.to(self.device, non_blocking=True)`: the argument names a device, not only a dtype. */
const DEVICE_ARGUMENT = /\b(?:device|cuda|gpu|rank|local_rank)\b|^["']cuda/i;

/**
 * `targets = targets.to(device)` (or `inputs, targets = inputs.to(d), targets.to(d)`, or `.cuda()`) as the statement that last
 * binds `name` before the walk, in the same block: the batch an evaluation loop has just moved to the device, whose rows the
 * walk then reads one `.item()` at a time (avalanche's IL2M class means, review46). Only a tensor has both `.to(device)` and
 * rows with `.item()`; a NumPy array or a list has no `.to`, and `.item()` on a row of a module or a tokenizer's batch fails.
 */
function movedToDeviceJustBefore(name: string, walk: Node): boolean {
  let stmt: Node | null = walk;
  while (stmt?.parent && stmt.parent.type !== 'block' && stmt.parent.type !== 'module' && !isNestedScope(stmt.parent)) stmt = stmt.parent;
  for (let prev = stmt?.previousNamedSibling ?? null; prev; prev = prev.previousNamedSibling) {
    if (prev.type === 'comment') continue;
    const assign = prev.type === 'expression_statement' ? prev.namedChild(0) : null;
    const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
    const right = assign?.type === 'assignment' ? assign.childForFieldName('right') : null;
    if (left && right) {
      if (left.type === 'identifier') {
        if (left.text === name) return isDeviceMove(right);
        continue;
      }
      if ((left.type === 'pattern_list' || left.type === 'tuple_pattern') && (right.type === 'expression_list' || right.type === 'tuple')) {
        const targets = left.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        const values = right.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        const at = targets.findIndex((t) => t.type === 'identifier' && t.text === name);
        if (at >= 0) return targets.length === values.length && isDeviceMove(values[at]);
      }
    }
    // Any other statement that writes the name (an unpacking from a call, an `if` that rebinds it, a `with ... as`): unknown.
    if (occurrences(prev, name).some((id) => writesName(id))) return false;
  }
  return false;
}

/** `x.to(<device>)` or `x.cuda(...)`. */
function isDeviceMove(value: Node): boolean {
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (method === 'cuda') return true;
  if (method !== 'to') return false;
  const first = positionalArguments(value)[0] ?? keywordValue(value, 'device');
  return !!first && DEVICE_ARGUMENT.test(first.text);
}

/** The identifier is bound here: an assignment's or loop's target (also inside a pattern), a `with ... as`, a walrus. */
function writesName(id: Node): boolean {
  let node = id;
  while (node.parent && /^(pattern_list|tuple_pattern|list_pattern|parenthesized_expression)$/.test(node.parent.type)) node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  if (
    (parent.type === 'assignment' || parent.type === 'augmented_assignment' || parent.type === 'for_statement' || parent.type === 'for_in_clause') &&
    parent.childForFieldName('left')?.equals(node)
  )
    return true;
  if (parent.type === 'named_expression' && parent.childForFieldName('name')?.equals(node)) return true;
  return parent.type === 'as_pattern_target';
}

/**
 * The loop or comprehension (innermost first, within the function) whose target is `name`, and the iterable it walks;
 * `row` lists the names a row of the iterable is unpacked into (`[name]` when it is not unpacked).
 */
function walkBinding(call: Node, name: string): { loop: Node; iterable: Node; row: string[] } | null {
  let child: Node = call;
  for (let n = call.parent; n; child = n, n = n.parent) {
    if (isNestedScope(n)) return null;
    for (const clause of walkClauses(n, child)) {
      const left = clause.childForFieldName('left');
      const right = clause.childForFieldName('right');
      if (!left || !right) continue;
      if (left.type === 'identifier' && left.text === name) return { loop: n, iterable: right, row: [name] };
      // `for i, e in enumerate(t)`: the second target is the element.
      const parts = left.type === 'pattern_list' || left.type === 'tuple_pattern' ? left.namedChildren.filter((c): c is Node => c?.type === 'identifier') : [];
      const enumerated = right.type === 'call' && right.childForFieldName('function')?.text === 'enumerate';
      if (enumerated && parts.length === 2 && left.namedChildCount === 2 && parts[1].text === name) {
        const inner = positionalArguments(right)[0];
        return inner ? { loop: n, iterable: inner, row: [name] } : null;
      }
      // `for src, dst in rows:` (names only, not over `zip`/`enumerate`/`items()`): each row unpacked.
      const spread = right.type === 'call' && /^(?:zip|enumerate)$|\.items$/.test(right.childForFieldName('function')?.text ?? '');
      if (!spread && parts.length >= 2 && parts.length === left.namedChildCount && parts.some((p) => p.text === name)) {
        return { loop: n, iterable: right, row: parts.map((p) => p.text) };
      }
      if (targetNames(left).includes(name)) return null;
    }
  }
  return null;
}

/**
 * The walk's body does little else per element: it calls no torch function and no model or helper of its own (`net(x)`,
 * `self.step(x)`), only builtins and methods of other objects (`index[k].append(i)`, `vocab.get(k)`). Where each element
 * runs a model, the per-element call is lost in the model's time.
 */
function lightBody(loop: Node, facts: FileFacts): boolean {
  const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop;
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'call', isNestedScope).every((c) => {
    const fn = c.childForFieldName('function');
    if (!fn || (facts.calleeName(c) ?? '').startsWith('torch.')) return false;
    if (fn.type === 'identifier') return facts.isBuiltin(fn.text, c);
    return fn.type === 'attribute' && fn.childForFieldName('object')?.text !== 'self';
  });
}

/**
 * Every read of the element in the walk's body is `<element>.item()`: the loop uses its number only, so the numbers of
 * one `.tolist()` replace it. An element also used as a tensor (`mask == class_id`) costs tensor work per element anyway.
 */
function onlyItsValueRead(name: string, loop: Node): boolean {
  const body = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop;
  if (!body) return false;
  return occurrences(body, name).every((id) => {
    const attr = id.parent;
    if (attr?.type !== 'attribute' || !attr.childForFieldName('object')?.equals(id)) return isTarget(id, loop);
    return attr.childForFieldName('attribute')?.text === 'item' && attr.parent?.type === 'call';
  });
}

/** The identifier is the walk's own target (a comprehension's `for x in t` clause), not a read. */
function isTarget(id: Node, loop: Node): boolean {
  const clause = id.parent;
  return clause?.type === 'for_in_clause' && clause.parent?.equals(loop) === true && clause.childForFieldName('left')?.equals(id) === true;
}

/** A `break` or `return` in the loop's body (not in a nested loop's or function's): it may stop after a few elements. */
function stopsEarly(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return (
    findDescendants(body, (n) => n.type === 'return_statement' || (n.type === 'break_statement' && enclosingLoop(n)?.equals(loop) === true), isNestedScope)
      .length > 0
  );
}

/** The text of the tensor `iterable` walks (tqdm, `reversed` and slices stripped), or null when it is not known to be one. */
function tensorWalked(iterable: Node, at: Node, facts: FileFacts, depth: number): string | null {
  let expr = unwrapIterable(iterable, facts).inner;
  if (expr.type === 'call' && expr.childForFieldName('function')?.text === 'reversed' && facts.isBuiltin('reversed', expr))
    expr = positionalArguments(expr)[0] ?? expr;
  return isTensor(expr, at, facts, depth) ? expr.text : null;
}

/** `output_dict: Dict[str, torch.Tensor]`: a parameter of the function around `at` annotated as a mapping to tensors, never rebound there. */
function mapsToTensors(name: string, at: Node): boolean {
  const def = enclosingFunctionDef(at);
  const annotation = def ? parameterAnnotation(def, name) : null;
  if (!def || !annotation || !/^(?:typing\.)?(?:Dict|dict|Mapping|MutableMapping)\[\s*\w+\s*,\s*(?:torch\.)?\w*Tensor\s*\]$/.test(annotation)) return false;
  return valuesAssignedTo(name, at).length === 0;
}

/** True when expr is known to hold a tensor (any device): see elementWalkOf. */
function isTensor(expr: Node, at: Node, facts: FileFacts, depth: number): boolean {
  if (depth > 4) return false;
  const value = values(facts).valueOf(expr);
  if (value) return value.kind === 'tensor';
  // `_, idx = sim.topk(k, dim=1)`: torchTensors knows the parts of topk, sort and max(dim) (bentang18's k-nearest-neighbour
  // vote, review62's recall hunt).
  if (depth === 0 && expr.type === 'identifier' && tensorPlacement(expr, at, facts)) return true;
  if (expr.type === 'parenthesized_expression') return !!expr.namedChild(0) && isTensor(expr.namedChild(0)!, at, facts, depth + 1);
  if (expr.type === 'subscript') {
    const holder = expr.childForFieldName('value')!;
    return isTensor(holder, at, facts, depth + 1) || (holder.type === 'identifier' && mapsToTensors(holder.text, at));
  }
  if (expr.type === 'call') {
    const fn = expr.childForFieldName('function');
    if (TORCH_TENSOR_FUNCTIONS.test(facts.calleeName(expr) ?? '')) return true;
    if (fn?.type !== 'attribute') return false;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const args = positionalArguments(expr);
    // NumPy's `view` takes a dtype: `t.view(-1)`, `t.view(n, -1)` is a tensor's reshape.
    if (method === 'view' && args.length > 0 && args.every((a) => a.type === 'integer' || a.type === 'unary_operator' || a.type === 'identifier')) {
      return args.some((a) => a.type !== 'identifier') || isTensor(fn.childForFieldName('object')!, at, facts, depth + 1);
    }
    return TENSOR_KEEPING.has(method) && isTensor(fn.childForFieldName('object')!, at, facts, depth + 1);
  }
  if (expr.type !== 'identifier') return false;
  // A target of a loop (or comprehension) around `at` over a tensor's rows or splits: `for chunk in t.split(n, dim=-1):`,
  // `for row in t:`, `[[... for tok in row] for row in rows]`.
  for (let n = at.parent; n; n = n.parent) {
    if (isNestedScope(n)) break;
    const clause = n.type === 'for_statement' ? n : WALKS.has(n.type) ? n.namedChildren.find((c) => c?.type === 'for_in_clause') : null;
    if (!clause) continue;
    const left = clause.childForFieldName('left');
    const right = clause.childForFieldName('right');
    if (left?.type !== 'identifier' || left.text !== expr.text || !right) continue;
    const inner = unwrapIterable(right, facts).inner;
    const split = inner.type === 'call' ? inner.childForFieldName('function') : null;
    if (split?.type === 'attribute' && TENSOR_SPLITS.has(split.childForFieldName('attribute')?.text ?? '')) {
      return isTensor(split.childForFieldName('object')!, n, facts, depth + 1) || keywordValue(inner, 'dim') !== null;
    }
    return isTensor(inner, n, facts, depth + 1);
  }
  // One assignment in the function, before the walk: `ids = torch.unique(mask)`.
  const assigned = valuesAssignedTo(expr.text, at, facts);
  return assigned.length === 1 && assigned[0].startIndex < at.startIndex && isTensor(assigned[0], at, facts, depth + 1);
}

/**
 * The call runs only under `if option is not None:` / `if option:`, where `option` is a parameter of `helper` that
 * defaults to None or False, and `callerCall` (the per-step call of the helper) passes no value for it.
 */
function underOptionLeftUnset(call: Node, helper: Node, callerCall: Node): boolean {
  const params = parameterNames(helper);
  const args = callArguments(callerCall);
  // A splat may pass anything.
  if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return false;
  const positional = args.filter((a) => a.type !== 'keyword_argument').length;
  // `self.f(...)` binds the first parameter itself.
  const bound = callerCall.childForFieldName('function')?.type === 'attribute' && params[0] === 'self' ? 1 : 0;
  let child: Node = call;
  for (let n = call.parent; n && !n.equals(helper); child = n, n = n.parent) {
    if (n.type !== 'if_statement' || !n.childForFieldName('consequence')?.equals(child)) continue;
    const option = testedOption(n.childForFieldName('condition'));
    if (!option) continue;
    const fallback = parameterDefault(helper, option)?.type;
    if (fallback !== 'none' && fallback !== 'false') continue;
    const index = params.indexOf(option);
    const passed =
      args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === option) || (index >= bound && index - bound < positional);
    if (!passed) return true;
  }
  return false;
}

/** `x is not None` or a bare `x`: the name tested. */
function testedOption(condition: Node | null): string | null {
  if (condition?.type === 'identifier') return condition.text;
  if (condition?.type !== 'comparison_operator') return null;
  const [left, right] = condition.namedChildren;
  const ops = condition.children.filter((c) => c !== null && !c.isNamed).map((c) => c!.type);
  return left?.type === 'identifier' && right?.type === 'none' && ops.join(' ') === 'is not' ? left.text : null;
}

/** Logger and progress-bar methods that take numbers and need them on the host: besides the display calls of analysis/display. */
const LOG_METHODS = new Set(['log', 'log_dict', 'log_metrics', 'add_scalar', 'add_scalars', 'info', 'debug']);
/** How many names bound from a synced value are followed to the text or log that shows it (`loss_dict` → `pbar_dict`). */
const TEXT_DEPTH = 3;

/** Flags a process sets once (verbosity, being the main process): a branch on one runs on every step or on none. */
const PROCESS_FLAG = /^(?:(?:self|args|self\.args|cfg|config|opt)\.)?(?:verbose|is_main_process|main_process|is_master|master_process)$/;

/** `child` is the consequence of an `if` on a process flag alone (PROCESS_FLAG), with no elif or else. */
function processFlagBranch(ifNode: Node, child: Node): boolean {
  const condition = ifNode.childForFieldName('condition');
  return (
    !!condition &&
    PROCESS_FLAG.test(condition.text) &&
    ifNode.childForFieldName('consequence')?.equals(child) === true &&
    ifNode.childrenForFieldName('alternative').filter((c) => c !== null).length === 0
  );
}

/**
 * The short text of what turns one of the step's synced numbers into text or a log entry on every step, or null: an f-string
 * or `%` formatting that reads the sync or a name bound from it (a running total `train_loss += loss.item()`, a dict of
 * them), or a display or logging call given one, not under an `if` of the step (a logging guard, a `main process` test)
 * other than a branch on a flag alone that the process sets once (processFlagBranch), nor in a function defined in it.
 * Such a step needs the number on the host each step whatever this rule advises.
 */
function textEachStep(syncs: readonly Node[], block: Node, facts: FileFacts): string | null {
  const sink = (node: Node, guarded: boolean): Node | null => {
    for (let child = node, n = node.parent; n && !n.equals(block); child = n, n = n.parent) {
      if (isNestedScope(n)) return null;
      // `if self.verbose:` (VL-T5's trainers: the main process draws the progress bar on every step) is no per-step guard.
      if (n.type === 'if_statement' && processFlagBranch(n, child)) continue;
      if (!guarded && (n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'else_clause')) return null;
    }
    for (let n = node.parent; n && !n.equals(block); n = n.parent) {
      if (n.type === 'interpolation') return n;
      if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '%' && isStringFormatting(n)) return n;
      if (n.type === 'call') {
        const method = n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '';
        if (isDisplayCall(n, facts) || LOG_METHODS.has(method)) return n;
      }
      if (n.type.endsWith('statement')) return null;
    }
    return null;
  };
  const bound = (node: Node) => nameBoundFrom(node, block);
  /** What shows or logs the value of one sync (on every step unless `guarded`), following up to TEXT_DEPTH names bound from it. */
  const shownBy = (c: Node, guarded: boolean): Node | null => {
    const direct = sink(c, guarded);
    if (direct) return direct;
    const first = bound(c);
    let names = new Set<string>(first ? [first] : []);
    const seen = new Set(names);
    for (let depth = 0; depth < TEXT_DEPTH && names.size > 0; depth++) {
      const next = new Set<string>();
      for (const name of names) {
        for (const id of occurrences(block, name)) {
          const found = sink(id, guarded);
          if (found) return found;
          const further = bound(id);
          if (further && !seen.has(further)) {
            seen.add(further);
            next.add(further);
          }
        }
      }
      names = next;
    }
    return null;
  };
  // One sync is shown so on every step; every other one is shown or logged (a `main process` guard allowed), only
  // recorded, or summed into a running total on the host: one the step computes with (`k = 0.5 * loss.item()` weighting
  // the loss) is a wait worth removing, shown numbers or not.
  let display: Node | null = null;
  for (const c of syncs) {
    const by = shownBy(c, false);
    if (by) display ??= by;
    else if (!shownBy(c, true) && !onlyRecorded(c, block) && !runningTotal(c, block)) return null;
  }
  return display ? oneLineText(display.text) : null;
}

/**
 * The name the statement holding `node` binds from it (`train_loss += <node>`, `parts["loss"] = <node>` binds `parts`),
 * or null when the statement binds none or `node` is the target itself.
 */
function nameBoundFrom(node: Node, block: Node): string | null {
  for (let n = node.parent; n && !n.equals(block); n = n.parent) {
    // `loss_meter.update(loss.item())` (an AverageMeter, VL-T5's captioning trainer): the meter holds the number, and its
    // `.val` or `.avg` shown later shows it.
    const fn = n.type === 'call' ? n.childForFieldName('function') : null;
    if (
      fn?.type === 'attribute' &&
      fn.childForFieldName('attribute')?.text === 'update' &&
      fn.childForFieldName('object')?.type === 'identifier' &&
      n.parent?.type === 'expression_statement'
    )
      return fn.childForFieldName('object')!.text;
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      let left = n.childForFieldName('left');
      while (left && (left.type === 'subscript' || left.type === 'attribute')) left = left.childForFieldName(left.type === 'subscript' ? 'value' : 'object');
      return left?.type === 'identifier' && !n.childForFieldName('left')!.equals(node) ? left.text : null;
    }
    if (n.type.endsWith('statement') || isNestedScope(n)) return null;
  }
  return null;
}

/**
 * The display call (`print`, a progress bar's `set_postfix` or `set_description`) that shows the value of `call` on every
 * step of `block`, directly or through up to TEXT_DEPTH names bound from it (a running total `train_loss += loss.item()`
 * shown as `train_loss / (batch + 1)`, a dict of such totals), under no `if` of the step; else null. Such a step shows the
 * number every step by design, so the number has to reach the host every step: the sync is what the step asks for.
 */
function displayedEachStep(call: Node, block: Node, facts: FileFacts): Node | null {
  const display = (node: Node): Node | null => {
    let shownBy: Node | null = null;
    for (let child = node, n = node.parent; n && !n.equals(block); child = n, n = n.parent) {
      if (n.type === 'if_statement' && processFlagBranch(n, child)) continue;
      if (isNestedScope(n) || n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'else_clause') return null;
      if (!shownBy && n.type === 'call' && !n.childForFieldName('function')?.equals(node) && isDisplayCall(n, facts)) shownBy = n;
    }
    return shownBy;
  };
  let names = new Set<string>();
  const direct = display(call);
  if (direct) return direct;
  const first = nameBoundFrom(call, block);
  if (first) names.add(first);
  const seen = new Set(names);
  for (let depth = 0; depth < TEXT_DEPTH && names.size > 0; depth++) {
    const next = new Set<string>();
    for (const name of names) {
      for (const id of occurrences(block, name)) {
        if (isAssignedHere(id)) continue;
        const found = display(id);
        if (found) return found;
        const further = nameBoundFrom(id, block);
        if (further && !seen.has(further)) {
          seen.add(further);
          next.add(further);
        }
      }
    }
    names = next;
  }
  return null;
}

/** `total += x.item()` (or `/ n` of it): the sync's value is only summed into a name on the host. */
function runningTotal(call: Node, block: Node): boolean {
  for (let n = call.parent; n && !n.equals(block); n = n.parent) {
    if (n.type === 'augmented_assignment') return n.childForFieldName('left')?.type === 'identifier' || n.childForFieldName('left')?.type === 'subscript';
    if (n.type !== 'binary_operator' && n.type !== 'parenthesized_expression') return false;
  }
  return false;
}

/**
 * The text of a sync the step needs on the host and waits for, unguarded, before the first of `syncs` (`loss.item()` bound
 * to a name a later `if` of the step tests, or actions handed to `env.step`), or null. The rule leaves such a sync alone; the ones after it find the GPU idle.
 */
function neededSyncBefore(syncs: readonly Node[], block: Node, loop: TrainingLoop | null, facts: FileFacts): string | null {
  const first = syncs[0];
  if (!first) return null;
  const candidates = findDescendants(
    block,
    (n) =>
      n.type === 'call' && n.startIndex < first.startIndex && SYNC_METHODS.has(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? ''),
    isNestedScope,
  );
  for (const c of candidates) {
    if (syncs.some((s) => s.equals(c))) continue;
    const recv = c.childForFieldName('function')?.childForFieldName('object');
    if (!recv || positionalArguments(c).length > 0 || isUnderLoggingGuard(c, block)) continue;
    // Under a branch, the sync may not run on every step; in the branch's own condition (`if is_nan.item() > 0: continue`,
    // VoiceCraft's skip of a NaN batch) it does.
    let conditional = false;
    for (let child = c, n = c.parent; n && !n.equals(block); child = n, n = n.parent) {
      const condition = n.type === 'if_statement' ? n.childForFieldName('condition') : n.type === 'conditional_expression' ? n.namedChild(1) : null;
      if ((n.type === 'if_statement' || n.type === 'conditional_expression') && !condition?.equals(child)) conditional = true;
    }
    if (conditional || !(decidesControlFlow(c, block) || consumedOnHost(c, block, facts)) || isHostTensor(recv, facts) || !mayBeDeviceTensor(recv, loop, facts))
      continue;
    return oneLineText(c.text);
  }
  return null;
}

/**
 * Calls that only record a number (for a person, a log file, a dashboard or a history) and so do not need it on the host
 * on this step: by the method (`append`, `update`, `add_scalar`, `log_metric`, `set_postfix`) or by what it is called on
 * (`writer.…`, `self.logger.…`, `wandb.…`, a meter or tracker).
 */
const SINK_METHODS =
  /^(?:print|write|writerow|writerows|log|log_\w+|add|add_\w+|append|extend|update|insert|info|debug|warning|warn|error|set_postfix\w*|set_description\w*|record|track|report|put|put_nowait|push)$/;
const SINK_RECEIVERS =
  /(?:^|[._])(?:log|logs|logger|logging|writer|wandb|tb|tensorboard|summary|tracker|meter|meters|mlflow|neptune|comet|pbar|bar|progress|history|hist|stats|metrics|monitor)$/i;
/** Builtins through which a number passes unchanged in what it means: conversions, rounding, text. */
const BUILTIN_CARRIERS = new Set(['float', 'int', 'round', 'abs', 'min', 'max', 'sum', 'str', 'list', 'tuple', 'bool', 'repr']);
/** Builtins that hand a number to the host's control of the step: a count of Python iterations. */
const BUILTIN_CONSUMERS = new Set(['range']);
/** Methods that make host data of a tensor: a NumPy array or Python lists. */
const HOST_ARRAYS = /^(?:numpy|tolist)$/;
/** How many names bound from a synced value are followed to the place that consumes it. */
const CONSUMER_DEPTH = 3;

/** The call only records what it is given: see SINK_METHODS. */
function isRecordingCall(call: Node, facts: FileFacts): boolean {
  if (isDisplayCall(call, facts)) return true;
  const fn = call.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  if (SINK_METHODS.test(method ?? '')) return true;
  const owner = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  return !!owner && SINK_RECEIVERS.test(owner.text.replace(/\(.*$/s, ''));
}

/**
 * What on the host consumes the value of `expr` (a sync, or a name bound from one) on this step of `block`, or null: a
 * function of another library or of the program given the number or array (`envs.step(actions)`, `rb.sample(n)`,
 * `tokenizer.decode(ids)`, a NumPy call made for its effect), a condition (`if`, `while`, `x if c else y`), a Python index
 * (`vocab[i]`), `range(n)`, or a `for` over it. The step cannot run on without the value, so the sync is required there,
 * not deferrable. Records are not consumers: printing, logging, progress bars, appending to a history, `+=` into a running
 * total that nothing else reads, a dict or attribute store, f-strings and returns. Torch calls are not either: the number
 * goes back to the device. Followed through methods of the value (`.numpy().clip(...)`), NumPy functions, builtin
 * conversions, arithmetic and displays, and up to CONSUMER_DEPTH names it is bound to.
 */
function consumedOnHost(expr: Node, block: Node, facts: FileFacts, depth = 0, array = false): Node | null {
  let child = expr;
  let hostArray = array || HOST_ARRAYS.test(expr.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '');
  for (let n = expr.parent; n && !n.equals(block); child = n, n = n.parent) {
    if (isNestedScope(n)) return null;
    switch (n.type) {
      case 'call': {
        const fn = n.childForFieldName('function');
        // `x.cpu().numpy()`, `actions.clip(lo, hi)`: a method of the value carries it on.
        if (!fn || fn.equals(child)) {
          if (HOST_ARRAYS.test(fn?.childForFieldName('attribute')?.text ?? '')) hostArray = true;
          continue;
        }
        if (isRecordingCall(n, facts)) return null;
        const callee = facts.calleeName(n) ?? '';
        if (callee.startsWith('torch.')) return null;
        if (callee.startsWith('math.')) continue;
        // `average_precision_score(label.cpu(), pred.cpu())`: scikit-learn's and SciPy's functions take host arrays only
        // (GraphMixer's per-epoch validation feeds its early stopping so, review71 judged "sync every N steps" wrong).
        if (/^(?:sklearn|scipy)\./.test(callee)) return n;
        // `np.clip(a.cpu().numpy(), lo, hi)`, `pd.DataFrame(a.cpu().numpy())`: NumPy and pandas carry the array on, unless
        // the call is made for its effect (`np.save`).
        if (
          /^(?:np|numpy|pd|pandas)\.\w/.test(callee) ||
          (fn.type === 'attribute' && /^(?:format|join)$/.test(fn.childForFieldName('attribute')?.text ?? ''))
        ) {
          if (n.parent?.type === 'expression_statement') return n;
          continue;
        }
        if (fn.type === 'identifier' && facts.isBuiltin(fn.text, n)) {
          if (BUILTIN_CARRIERS.has(fn.text)) continue;
          return BUILTIN_CONSUMERS.has(fn.text) ? n : null;
        }
        // `t.view(n)`, `out.masked_fill(m, v)`: a method of a known tensor or module hands the number back to torch.
        const owner = fn.type === 'attribute' ? chainRoot(fn.childForFieldName('object')!, { throughCalls: true }) : null;
        const ownerKind = owner?.type === 'identifier' ? values(facts).valueOfName(owner.text, owner)?.kind : undefined;
        if (ownerKind === 'tensor' || ownerKind === 'module') return null;
        // `q_net.alpha.fill_(v)`, `buf.copy_(v)`: torch's in-place methods, spelled with a trailing underscore.
        const method = fn.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
        if (/^[a-z]\w*[a-z0-9]_$/.test(method)) return null;
        if (fn.type === 'attribute' && tensorPlacement(fn.childForFieldName('object')!, n, facts) !== null) return null;
        // `model(x, step)`, `self.net(x, scale)`: a function of the program, maybe a model, may take a number as readily
        // on the device; an array or list made for the host (`.numpy()`, `.tolist()`) is host data whoever takes it.
        if (!hostArray && (fn.type === 'identifier' || fn.childForFieldName('object')?.text === 'self')) return null;
        return n;
      }
      case 'argument_list':
      case 'keyword_argument':
      case 'parenthesized_expression':
      case 'binary_operator':
      case 'comparison_operator':
      case 'unary_operator':
      case 'not_operator':
      case 'boolean_operator':
      case 'list':
      case 'tuple':
      case 'expression_list':
      case 'dictionary':
      case 'pair':
      case 'attribute':
        continue;
      case 'subscript':
        // `x.tolist()[0]` carries it on; `vocab[i.item()]` indexes a container with the number. A tensor indexed so
        // (`emb[i.item()]`) could take the index as a tensor and stay on the device.
        if (n.childForFieldName('value')?.equals(child)) continue;
        return tensorPlacement(n.childForFieldName('value')!, n, facts) === null ? n : null;
      case 'slice':
        // `x[:, start:start + n]`: a slice bound fixes the shape of what the step builds; torch needs it as a Python
        // number now (StyleTTS2 crops each batch to its shortest clip: `n = int(lengths.min().item() / 2)`).
        return n;
      case 'conditional_expression':
        if (n.namedChild(1)?.equals(child)) return n;
        continue;
      case 'if_statement':
      case 'elif_clause':
      case 'while_statement':
        return n.childForFieldName('condition')?.equals(child) ? n : null;
      case 'for_statement':
        return n.childForFieldName('right')?.equals(child) ? n : null;
      // `total_loss += loss_val.item()` then `assert not np.isnan(total_loss)` (flownet2's per-step NaN guard, judged wrong
      // when reported): the step tests the number on the host before it goes on.
      case 'assert_statement':
        return n;
      case 'assignment':
      case 'augmented_assignment': {
        const left = n.childForFieldName('left');
        if (!left || !n.childForFieldName('right')?.equals(child) || depth >= CONSUMER_DEPTH) return null;
        // `stats["loss"] = ...`, `self.last = ...`, `counts["raw"] += ...`: a store, not a use on this step.
        if (left.type !== 'identifier' && left.type !== 'pattern_list' && left.type !== 'tuple_pattern') return null;
        const names = new Set(targetNames(left));
        const assignment = n;
        for (const id of findNamesRead(block, names, assignment.endIndex)) {
          const use = consumedOnHost(id, block, facts, depth + 1, hostArray);
          if (use) return use;
        }
        return null;
      }
      default:
        return null;
    }
  }
  return null;
}

/** The reads (not writes) of any of `names` in `block` after `offset`, in document order. */
function findNamesRead(block: Node, names: ReadonlySet<string>, offset: number): Node[] {
  return [...names].flatMap((name) => occurrences(block, name).filter((id) => id.startIndex > offset && !isAssignedHere(id)));
}

/** What the host does with a required sync's value, for a message: the function it is given to, a condition, an index. */
function consumerText(use: Node): string {
  if (use.type === 'call') return `\`${oneLineText((use.childForFieldName('function') ?? use).text)}\` takes it`;
  if (use.type === 'subscript') return 'it indexes a Python object';
  if (use.type === 'for_statement') return 'the step loops over it';
  return 'the step branches on it';
}

const iterationWaitMemo = nodeMemo<{ reason: string } | null>();

/**
 * A sync the host needs many times on each pass of a loop around `loop` (in the same function), outside `loop` itself: in
 * a loop of its own that is no training or evaluation loop, its value handed to a function on the host (consumedOnHost: an
 * RL rollout's `envs.step(action.cpu().numpy())` on each environment step), under no logging guard.
 * Each pass of that outer loop waits for the device there anyway, so syncs that `loop` adds on each of its steps cost a
 * wait per step next to one per environment step: low impact. The reason, or null.
 */
function requiredSyncAround(loop: Node, facts: FileFacts): { reason: string } | null {
  return iterationWaitMemo(facts, loop, () => {
    for (const outer of enclosingLoops(loop)) {
      const body = outer.childForFieldName('body');
      if (!body) continue;
      const syncs = findDescendants(
        body,
        (n) =>
          n.type === 'call' &&
          SYNC_METHODS.has(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '') &&
          !(n.startIndex >= loop.startIndex && n.endIndex <= loop.endIndex),
        isNestedScope,
      );
      for (const c of syncs) {
        const fn = c.childForFieldName('function')!;
        const recv = fn.childForFieldName('object');
        const method = fn.childForFieldName('attribute')?.text;
        if (!recv || positionalArguments(c).length > 0 || chainHasEarlierSync(recv) || isUnderLoggingGuard(c, outer)) continue;
        // `.numpy()` straight on a tensor only runs on the CPU (it raises on a GPU tensor).
        if ((method === 'numpy' && !keywordValue(c, 'force')) || isHostTensor(recv, facts) || !mayBeDeviceTensor(recv, null, facts)) continue;
        // Many times a pass, as the update steps are: in a loop of its own inside the outer one (the rollout's steps), not
        // once per pass (a per-epoch check), and not in a training or evaluation loop, whose waits are its own.
        const own = enclosingLoop(c);
        if (!own || own.equals(outer) || trainingLoopOf(own, facts)) continue;
        // Handed to a function on the host (`envs.step`), not only tested: an environment or simulator that needs it.
        const use = consumedOnHost(c, outer, facts);
        if (use?.type !== 'call') continue;
        const line = c.startPosition.row + 1;
        return {
          reason:
            `each pass of the loop around it already waits for \`${oneLineText(c.text)}\` (line ${line}), which the host needs there: ` +
            `${consumerText(use)}; one more short wait per step of this loop adds little to that`,
        };
      }
    }
    return null;
  });
}
