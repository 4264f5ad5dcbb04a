import * as path from 'node:path';
import { defineRule } from '../../server/engine/rule';
import type { RuleContext } from '../../server/engine/rule';
import { escapeRegExp, type Node } from '../../server/syntax';
import {
  callArguments,
  calledSelfMethod,
  callsSpelledInFile,
  classIndex,
  classOfMethod,
  codeTextOf,
  contains,
  definitionOf,
  definitionsNamed,
  enclosingClass,
  enclosingLoop,
  enclosingStatement,
  enclosingTrainingLoop,
  FileFacts,
  findDescendants,
  identifiersSpelledInFile,
  importedFunctionHas,
  isNestedScope,
  isSmallLiteralLoop,
  isTestCode,
  isTestFile,
  isTestNamedScript,
  isTorchModuleClass,
  isUnderLoggingGuard,
  keywordValues,
  lintMemo,
  mainGuardAround,
  moduleFunctionDefs,
  namesInImportedModules,
  ownReturnStatements,
  parameterAnnotation,
  parameterNames,
  plainAssignments,
  positionalArguments,
  runsOnlyOnLegacyTorch,
  trainingLoops,
  values,
  valuesAssignedTo,
  VOLATILE_INPUT,
} from '../../server/analysis';
import { ensureImport, indentAt, insertAt, lineStartOf } from '../../server/fixes';

/** Names of functions that evaluate or infer: `evaluate`, `validate_epoch`, `run_inference`, `predict`, a script's `test(loader)`... */
const EVAL_NAME = /(^|_)(test|eval|evaluate|evaluation|validate|validation|val|valid|predict|prediction|predictions|infer|inference)(_|$)/i;
/** Methods that run a model forward: `model.forward(x)`, `model.inference(x_all)`, `model.predict(x)`. */
const FORWARD_METHOD = /^(forward|inference|infer|predict)$/;
/** Names a model goes by in training scripts: `net`, `cnn`, `rnn`, `model`, `net_dropped`, `encoder`... */
const MODEL_NAME = /(^|_)(net|cnn|rnn|lstm|gru|mlp|model|encoder|decoder|autoencoder|classifier|generator|discriminator)(_|\d|$)|net$/i;
/** Drawing or saving a figure: an evaluation that only feeds a plot (a few samples) costs little. */
const DRAWS = /\bplt\.\w|\bsave_image\s*\(|\.imshow\s*\(|\bsavefig\s*\(/;
/** The names of torch's gradient contexts. */
const GRAD_CONTEXT_NAME = '(no_grad|inference_mode|set_grad_enabled|enable_grad)';
/**
 * A `with` item or decorator that switches gradient recording off (or decides it explicitly): the name alone or in a
 * helper's name (`with no_grad():`, `with maybe_no_grad(...)`), torch's (`@torch.no_grad`), or called on any receiver
 * (`th.inference_mode()`). Not another object's attribute of that name, read without a call: OpenHands' `assert not
 * self.datamodule.test_dataset.inference_mode` is a dataset's flag (review64's hunt).
 */
const GRAD_CONTEXT = new RegExp(String.raw`(?:(?<!\.)|(?<=\b(?:torch|autograd)\.))${GRAD_CONTEXT_NAME}\b|\.${GRAD_CONTEXT_NAME}\s*\(`);
/** Every mention of a gradient context, and every `with` statement entering one (`with torch.no_grad(`), in a text. */
const GRAD_CONTEXTS = new RegExp(GRAD_CONTEXT.source, 'g');
const GRAD_CONTEXT_BLOCKS = new RegExp(String.raw`\bwith\s+[\w.]*` + GRAD_CONTEXT_NAME + String.raw`\s*\(`, 'g');
/**
 * A `with` block of the code's own that manages gradient state (`with preserve_grad_state(model):`), or a model asked to
 * differentiate its own output (`model(batch, compute_force=True, compute_stress=...)`: an interatomic potential's forces
 * are the energy's gradient with respect to the positions, so its evaluation needs autograd). MACE's `evaluate` does
 * both; review36 judged the `no_grad` advice wrong there: it would break the force computation.
 */
const OWN_GRAD_HANDLING = /\bwith\s+[\w.]*grad\w*\s*\(|\bcompute_(forces?|stress|virials|gradients?|hessians?)\s*=/;
/**
 * Code that needs gradients, or has already frozen the parameters: a backward pass, `torch.autograd.grad`, an optimizer
 * step, `requires_grad` switched on or off, a `.grad` read, captum's `.attribute(...)`, and an adversarial attack's
 * `.perturb(...)` (advertorch's API, and that of most hand-written PGD classes), which differentiates the model's loss
 * with respect to its input.
 */
const NEEDS_OR_FREEZES_GRAD =
  /\.backward\s*\(|\bautograd\.grad\s*\(|\.step\s*\(|\.requires_grad_\s*\(|\.requires_grad\s*=|\.grad\b|\.attribute\s*\(|\.perturb\s*\(|\bset_grad_enabled\b/;
/** What a helper the loop calls may do that needs autograd on in the caller: a backward pass, input gradients, `requires_grad`. */
const NEEDS_GRAD = /\.backward\s*\(|\bautograd\.grad\s*\(|\.requires_grad_\s*\(|\.requires_grad\s*=|\.perturb\s*\(/;
/**
 * Libraries of adversarial attacks, each of which differentiates the model with respect to its input: advertorch,
 * torchattacks, foolbox, the Adversarial Robustness Toolbox (`art.attacks`) and cleverhans.
 */
const ATTACK_LIBRARIES = ['advertorch', 'torchattacks', 'foolbox', 'art.attacks', 'cleverhans'];
const ATTACK_CALLEE = /^(advertorch|torchattacks|foolbox|art\.attacks|cleverhans)\./;
/**
 * A module of a project's own attacks (`from deeprobust.image.attack.pgd import PGD`, DeepRobust's defenses): a package
 * named for them in the imported path, as the attack libraries are.
 */
const ATTACK_MODULE = /(^|\.)(attacks?|adversarial_attacks?)\./;
/** Names an attack object goes by once built: `adversary`, `attack`, `atk`, `pgd_attack`, `attacker`. */
const ATTACK_NAME = /(^|_)(adversary|attack|attacker|atk)s?(_|\d|$)/i;

export default defineRule({
  id: 'torch-eval-without-no-grad',
  title: 'Evaluation or inference loop without torch.no_grad() / inference_mode()',
  category: 'pytorch',
  severity: 'warning',
  severityForms: [
    { severity: 'hint', when: 'when the repeated evaluation only draws or saves a figure (a few samples for a plot)' },
    {
      severity: 'hint',
      when: 'for a scikit-learn inference method (`decision_function`, `predict_proba`) whose model attribute is not known to be a torch module',
    },
    {
      severity: 'hint',
      when: 'for a prediction method that unpacks the output (`_, preds = self.model(x)`) or reads it through `.data`, when the model is not known to be a torch module',
    },
    {
      severity: 'hint',
      when: 'for a prediction method that runs its eval-mode model in a loop of its own, when neither the model nor the use of its outputs shows torch',
    },
  ],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency#evaluation-without-autograd',
  requires: ['torch'],
  message: 'This evaluation loop runs the model with autograd on; wrap it in `torch.no_grad()` or `torch.inference_mode()`',
  docs: {
    why:
      'Outside `torch.no_grad()`, every forward pass records an autograd graph and keeps the intermediate activations ' +
      'it would need for a backward pass that evaluation never runs. That costs time per batch and memory that grows ' +
      'with the batch (large eval batches then run out of GPU memory). `model.eval()` does not turn this off: it only ' +
      'switches dropout and batch-norm to inference behaviour. A loop is only taken for an evaluation when it calls a model on ' +
      'the batch: a helper of the file that calls nothing a model could be (text scoring, `random.sample`, box IoU on ' +
      'tensors) does not count, nor does an inference pipeline built by a library (`pipeline(...)`, a diffusers ' +
      '`...Pipeline.from_pretrained(...)`), which turns autograd off itself. Test modules are left alone, but not an inference ' +
      'program named like one (`u2net_test.py`, `test.py` with a `__main__` block and no tests in it).',
    instead:
      'Decorate the evaluation function with `@torch.no_grad()` (or `@torch.inference_mode()`, faster still when the ' +
      'outputs are never used in autograd later), or wrap its loop in `with torch.no_grad():`. The same holds for a test ' +
      'pass every N steps of a training loop, a loop over the validation loader beside the training loop of a `fit` (only that loop ' +
      "goes under `no_grad`; a validation loss summed as a tensor keeps every batch's graph), an eval-mode function the script " +
      'calls each epoch (a hint when it only draws a figure), ' +
      'and a prediction method that switches the model to eval mode, runs it once and detaches the output (`self.model(x).detach()`), ' +
      'or a scikit-learn inference method of an estimator class (`decision_function`, `predict_proba`) that detaches every output of its models. ' +
      'Also found: the evaluation branch of a function that trains or scores (`if train: ... else: model.eval(); for batch in loader:`, each ' +
      'of its loops), the validation call of a shared epoch function (`model.eval()` then `run_epoch(cross_valid=True)`, where the function ' +
      'steps only under `if not cross_valid:`: wrap that call), an inference helper (`infer(net, img)`) handed a model its caller switched ' +
      'to eval mode and called on every pass of a loop, a loop over data handed such a model (from a function or the `__main__` block), ' +
      "the `main` of a script named for inference (`infer_cls.py`), and a validation pass every few epochs after the epoch's training loop.",
    example: {
      before: 'def evaluate(model, loader):\n    model.eval()\n    for x, y in loader:\n        correct += (model(x).argmax(1) == y).sum()',
      after: '@torch.no_grad()\ndef evaluate(model, loader):\n    model.eval()\n    for x, y in loader:\n        correct += (model(x).argmax(1) == y).sum()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Decorate the function with @torch.no_grad()',
    reason: 'outputs of the function no longer carry gradients: a caller that differentiates through them (saliency maps, meta-learning) would break',
  },
  query: `
(function_definition name: (identifier) @name body: (block) @body) @def
(if_statement condition: (_) @cond consequence: (block) @then) @if
(call function: (attribute attribute: (identifier) @step) arguments: (argument_list . (_) @action) (#eq? @step "step")) @envstep`,
  check(m, ctx) {
    lintFactsOfTree.set(ctx.facts.tree, ctx.facts);
    // Code for PyTorch 0.3 (`loss.data[0]`, or `volatile=True` under a pin of 0.3.1): `torch.no_grad` does not exist there.
    if (runsOnlyOnLegacyTorch(ctx.facts, ctx.filePath, ctx.files)) return;
    if (m.pattern === 1) {
      periodicEvaluation(m.need('if'), m.need('then'), ctx);
      return;
    }
    if (m.pattern === 2) {
      reportActionSelection(m.need('envstep'), m.need('action'), ctx);
      return;
    }
    const def = m.need('def');
    const facts = ctx.facts;
    if (isTestSuiteFile(ctx) || (isTestCode(m.need('body'), facts) && !isOwnTestMethod(def, facts) && !isTrainerTestPass(def, facts))) return;
    const name = m.need('name').text;
    const loop = evaluationLoop(def, facts);
    if (!loop) {
      if (
        !reportRepeatedEvaluation(def, name, m.need('body'), ctx) &&
        !reportDetachedPrediction(def, name, m.need('body'), ctx) &&
        !reportEvalModeLoop(def, name, m.need('body'), ctx) &&
        !reportHandedEvalModel(def, name, m.need('body'), ctx) &&
        !reportValidationPassCall(name, m.need('body'), ctx) &&
        !reportDetachedCallback(def, name, m.need('body'), ctx)
      ) {
        reportDetachedScoring(def, name, m.need('body'), ctx);
      }
      return;
    }
    // Evaluation by name, the model switched to eval mode in the function, or a pass over the validation loader beside training.
    const validation = validationLoaderPass(loop, def, facts);
    if (
      !EVAL_NAME.test(name) &&
      !callsEval(def) &&
      !validation &&
      !handedEvalModeModel(def, name, facts) &&
      !inEvalModeModuleClass(def, ctx) &&
      !calledAfterSelfEvalMode(def, name, loop, facts)
    )
      return;
    // The loop switches a model to training mode on every batch (`self.inpaint_model.train()`, ZITS' trainer, whose model
    // backpropagates inside its own `process` method): a training loop, whatever else the function evaluates (review69,
    // judged wrong).
    if (TRAIN_MODE.test(codeTextOf(loop.childForFieldName('body') ?? loop))) return;
    // Gradients needed, parameters frozen, or a gradient context somewhere in the function (around the model call).
    const body = m.need('body').text;
    // A function that trains may still hold a validation pass of its own (below): only that loop is reported.
    const trains = needsGradients(m.need('body'), facts);
    if (trains && !validation && !evalPassBesideTraining(loop, m.need('body'), facts)) return;
    // A `with torch.no_grad():` that only wraps the inputs (`inputs = Variable(inputs)`, a port of PyTorch 0.3's
    // `volatile=True`) leaves the forward pass after it recording: it decides nothing (review61, Efficient-3DCNNs).
    const wrapsInputsOnly = GRAD_CONTEXT.test(body) && gradContextsOnlyWrapInputs(m.need('body'));
    // (OWN_GRAD_HANDLING's `with ...grad(` spells those blocks too: only another such block counts then.)
    const ownHandling = OWN_GRAD_HANDLING.test(wrapsInputsOnly ? body.replace(GRAD_CONTEXT_BLOCKS, '') : body);
    // `with torch.no_grad():` around one pass of the function and not around this one (UniTS' anomaly detection scores the
    // training set under it, then the test set without it; review74's hunt): the block this loop lacks.
    const otherHandling = OWN_GRAD_HANDLING.test(body.replace(GRAD_CONTEXT_BLOCKS, ''));
    const sibling = GRAD_CONTEXT.test(body) && !wrapsInputsOnly && !otherHandling ? noGradOnlyBeside(m.need('body'), loop) : null;
    if (needsGradients(loop, facts) || (GRAD_CONTEXT.test(body) && !wrapsInputsOnly && !sibling) || (ownHandling && !sibling)) return;
    if (gradDecided(loop) || calledUnderGradContext(name, facts) || delegatesToNoGradFunction(loop, facts)) return;
    if (modelRunsOnlyInNoGradCallees(loop, facts) || reachesOnlyLibraryInference(loop, facts) || forwardsOnlyNoGradEntryPoints(loop, facts)) return;
    if (forwardsRunNoGradModels(loop, ctx) || forwardsOnFunctionBundles(loop, ctx)) return;
    if (evalModelOnlyHandedToGuardedCalls(def, loop, facts)) return;
    if (inFrozenInferenceClass(def, ctx) || evalModelsFrozen(def, facts)) return;
    const right = loop.childForFieldName('right');
    // `predicted = predict8tta(model, samples)` with `Variable(batch, volatile=True)` in that helper (dsb2018's albu eval).
    if (VOLATILE_INPUT.test(body) || loopCalls(loop).some((call) => VOLATILE_INPUT.test(sameFileCallee(call, facts)?.text ?? ''))) {
      reportVolatileEvaluation(loop, name, ctx);
      return;
    }
    if (wrapsInputsOnly) {
      ctx.report({
        start: loop.startIndex,
        end: right?.endIndex ?? loop.startIndex + 3,
        message:
          `\`${name}\` runs the model on every batch with autograd recording: its \`with torch.no_grad():\` covers only the ` +
          `wrapping of the inputs, not the forward pass after it; decorate \`${name}\` with \`@torch.no_grad()\` (or move the forward into the block)`,
        edits: trains || trainsOutsideLoop(m.need('body'), loop, facts) ? undefined : decoratorEdit(def, facts),
      });
      return;
    }
    // The function also trains, itself or through a helper of this file that backpropagates (DeepADoTS' `fit` runs
    // `dagmm_step` per batch, then an eval-mode loop): decorating it would break the training, so the advice is the loop's
    // (review43).
    if (trains || trainsOutsideLoop(m.need('body'), loop, facts)) {
      const kept = validation ? accumulatedLoss(loop) : null;
      const keeps = kept ? ` (and \`${kept} +=\` keeps every batch's graph until the epoch ends)` : '';
      // Each evaluation pass of the function is its own loop to wrap: S3Rec's full-sort and sampled scoring (review57).
      const passes = trains && !validation ? evalPassesBesideTraining(def, m.need('body'), facts) : [loop];
      for (const pass of passes.some((p) => p.equals(loop)) ? passes : [loop]) {
        ctx.report({
          start: pass.startIndex,
          end: pass.childForFieldName('right')?.endIndex ?? pass.startIndex + 3,
          message: `This loop of \`${name}\` runs the model on every batch with autograd recording${keeps}; wrap the loop (not \`${name}\`, which also trains) in \`with torch.no_grad():\``,
        });
      }
      return;
    }
    if (sibling) {
      ctx.report({
        start: loop.startIndex,
        end: right?.endIndex ?? loop.startIndex + 3,
        message:
          `This loop of \`${name}\` runs the model on every batch with autograd recording: the \`with torch.no_grad():\` on line ` +
          `${sibling.startPosition.row + 1} covers another pass, not this one; wrap this loop in it too`,
      });
      return;
    }
    ctx.report({
      start: loop.startIndex,
      end: right?.endIndex ?? loop.startIndex + 3,
      message: `\`${name}\` runs the model on every batch with autograd recording; decorate it with \`@torch.no_grad()\` or use \`torch.inference_mode()\``,
      edits: decoratorEdit(def, facts),
    });
  },
});

/**
 * Every gradient context of the function is a `with` block whose statements only wrap or move inputs
 * (`inputs = Variable(inputs)`, `targets = targets.cuda()`): no model runs under it, and it is the only mention of a
 * gradient mode in the body (no decorator-like `set_grad_enabled(False)` statement elsewhere).
 */
function gradContextsOnlyWrapInputs(body: Node): boolean {
  const blocks = findDescendants(body, entersGradContext, isNestedScope);
  const mentions = body.text.match(GRAD_CONTEXTS)?.length ?? 0;
  if (blocks.length === 0 || mentions !== blocks.length) return false;
  return blocks.every((block) => {
    const statements = block.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    return statements.length > 0 && statements.every(wrapsInput);
  });
}

/** `x = Variable(x)`, `y = Variable(y.cuda())`, `x = x.cuda()` / `x.to(device)`: an input wrapped or moved, no model call. */
function wrapsInput(statement: Node): boolean {
  const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
  const right = assignment?.type === 'assignment' ? assignment.childForFieldName('right') : null;
  if (right?.type !== 'call') return false;
  const fn = right.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text === 'Variable';
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
  return (method === 'cuda' || method === 'to') && fn!.childForFieldName('object')?.type === 'identifier';
}

/** Parameters switched off for autograd: `p.requires_grad = False`, `net.requires_grad_(False)`. */
const FREEZES = /\.requires_grad\s*=\s*False\b|\.requires_grad_\s*\(\s*False\s*\)/;
/** `model.train()` or `model.train(True)`: a module switched to training mode. */
const TRAIN_MODE = /\.train\(\s*(?:True\s*)?\)/;
/** A backward pass or an optimizer step: the class trains something. */
const TRAINS = /\.backward\s*\(|\.step\s*\(/;

/**
 * The method belongs to a class (with the bases this file defines for it) that freezes its models' parameters and never
 * backpropagates: an inference-only sampler that has decided autograd itself. review47: ResShift's `BaseSampler` freezes
 * the diffusion model and runs every model call under `no_grad` in the diffusion module, so `inference` was judged wrong.
 */
function inFrozenInferenceClass(def: Node, ctx: RuleContext): boolean {
  const classes = methodClassAndFileBases(def, ctx);
  return classes.some((c) => FREEZES.test(c.text)) && !classes.some((c) => TRAINS.test(c.text));
}

/** The class of a method with the bases this file defines for it (the result rests on those bases too); none for a function. */
function methodClassAndFileBases(def: Node, ctx: RuleContext): Node[] {
  const cls = classOfMethod(def);
  if (!cls) return [];
  const classes = classAndFileBases(cls, ctx.facts);
  for (const c of classes) if (!c.equals(cls)) ctx.restsOn(c);
  return classes;
}

/**
 * `self.eval()`, `self.model = load(...).eval()` or `self.model.eval()`: the object puts itself, or the model it holds, in
 * eval mode (wsolevaluation's `CAMComputer` takes the trained model and switches it in `__init__`; review73's hunt).
 */
const SELF_EVAL_MODE = /\bself\.eval\s*\(\s*\)|\bself\.\w+\s*=[^\n]*\.eval\s*\(\s*\)|\bself\.\w+\.eval\s*\(\s*\)/;

/**
 * The method belongs to a class that switches itself (or the model it holds) to eval mode once, at construction or
 * load, and never backpropagates or steps an optimizer: an inference wrapper whose every method only predicts (review66:
 * PytorchWildlife's classifiers run `self.forward(imgs)` over a DataLoader in `batch_image_classification` and keep every
 * batch's logits, and with them every batch's graph, until the end).
 */
function inEvalModeModuleClass(def: Node, ctx: RuleContext): boolean {
  const classes = methodClassAndFileBases(def, ctx);
  return classes.some((c) => SELF_EVAL_MODE.test(c.text)) && !classes.some((c) => TRAINS.test(c.text) || /\.train\s*\(/.test(c.text));
}

/**
 * Every model the function switches to eval mode has its parameters taken out of autograd by the file: `for p in
 * teacher.parameters(): p.detach_()` (or `p.requires_grad = False`, `p.requires_grad_(False)`), or
 * `teacher.requires_grad_(False)`. Its forward then records nothing on inputs that need no gradient, so `no_grad` saves
 * nothing (review59: InfoGraph's mean teacher, judged wrong).
 */
function evalModelsFrozen(def: Node, facts: FileFacts): boolean {
  const models = evalModeCalls(def.childForFieldName('body')!).map((c) => c.childForFieldName('function')!.childForFieldName('object')?.text ?? '');
  if (models.length === 0 || models.some((m) => !/^[\w.]+$/.test(m))) return false;
  const text = facts.text;
  return models.every((m) => {
    const model = m.replace(/\./g, '\\.');
    const perParameter = new RegExp(
      `for\\s+(\\w+)\\s+in\\s+${model}\\.parameters\\(\\)\\s*:\\s*\\n?\\s*\\1\\.(detach_\\(\\)|requires_grad\\s*=\\s*False\\b|requires_grad_\\(\\s*False\\s*\\))`,
    );
    return perParameter.test(text) || new RegExp(`(^|[^\\w.])${model}\\.requires_grad_\\(\\s*False\\s*\\)`, 'm').test(text);
  });
}

/** The class and the classes of this file it derives from, by name (four levels at most). */
function classAndFileBases(cls: Node, facts: FileFacts): Node[] {
  const byName = new Map<string, Node>();
  for (const child of facts.root.namedChildren) {
    const d = child && definitionOf(child);
    if (d?.type === 'class_definition') byName.set(d.childForFieldName('name')!.text, d);
  }
  const out = [cls];
  for (let i = 0; i < out.length && out.length < 5; i++) {
    for (const base of out[i].childForFieldName('superclasses')?.namedChildren ?? []) {
      const found = base?.type === 'identifier' ? byName.get(base.text) : undefined;
      if (found && !out.some((c) => c.equals(found))) out.push(found);
    }
  }
  return out;
}

/** What, besides a training step, makes a function need autograd: frozen parameters, input gradients, attributions, attacks. */
const NEEDS_GRAD_BEYOND_TRAINING =
  /\bautograd\.grad\s*\(|\.requires_grad_\s*\(|\.requires_grad\s*=|\.grad\b|\.attribute\s*\(|\.perturb\s*\(|\bset_grad_enabled\b/;

/**
 * A function that trains and, in the same function, validates: `self.nn_model.eval()` and after it, in the same block or
 * a block around the loop's, a loop that runs that model (obp's `fit`, whose early-stopping pass runs the model over the
 * validation loader each epoch: review45's blind recall hunt, F4-05; S3Rec's `iteration(train=False)`, whose `else:`
 * switches the model to eval mode and scores every user in a loop of an inner `if full_sort:`, review57's hunt). Only
 * that loop could go under `torch.no_grad()`. Silent when the function needs autograd for more than its training steps
 * (NEEDS_GRAD_BEYOND_TRAINING, an attack), when a statement after the loop in those blocks backpropagates or steps (the
 * loop may build a loss), or when the loop does not run the eval-mode model.
 */
function evalPassBesideTraining(loop: Node, body: Node, facts: FileFacts): boolean {
  if (NEEDS_GRAD_BEYOND_TRAINING.test(body.text) || ATTACK_NAME.test(body.text)) return false;
  const loopBody = loop.childForFieldName('body') ?? loop;
  for (let child: Node | null = loop; child && !child.equals(body); child = child.parent) {
    const block = child.parent;
    if (block?.type !== 'block') continue;
    const statements = block.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
    const at = statements.findIndex((s) => s.equals(child));
    if (at < 0 || statements.slice(at + 1).some((s) => NEEDS_OR_FREEZES_GRAD.test(s.text))) return false;
    const models = statements.slice(0, at).flatMap((s) => evalCallReceiver(s) ?? []);
    if (models.some((model) => forwardCallOf(model, loopBody) !== undefined || loopRunsModel(loop, model, facts))) return true;
  }
  return false;
}

/** The forward loops directly in def that are evaluation passes beside its training (evalPassBesideTraining), in order. */
function evalPassesBesideTraining(def: Node, body: Node, facts: FileFacts): Node[] {
  return trainingLoops(facts)
    .filter((l) => l.kind === 'forward' && l.framework === 'torch' && enclosingDef(l.node)?.equals(def))
    .map((l) => l.node)
    .filter((l) => evalPassBesideTraining(l, body, facts) && !needsGradients(l, facts) && !gradDecided(l));
}

/** The loop's forward evidence runs `model`: `self.model(x)`, or a method of it on the batch (`self.model.finetune(ids)`). */
function loopRunsModel(loop: Node, model: string, facts: FileFacts): boolean {
  const record = trainingLoops(facts).find((l) => l.node.equals(loop));
  return (record?.evidence ?? []).some((call) => {
    const fn = call.childForFieldName('function');
    return fn?.text === model || (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === model);
  });
}

/** A loader named as validation data: `val_loader`, `valid_dataloader`, `self.validation_loader`, `dev_dl`. */
const VALIDATION_LOADER = /(^|_)(val|valid|validation|dev)_?(data_?)?(loader|dataloader|dl)s?$/i;

/**
 * A function that trains and, each epoch, runs the same model over a validation loader without switching it to eval
 * mode (tabzilla's `fit`, whose early-stopping loop adds each batch's loss tensor to `val_loss`, keeping every graph:
 * review47's blind recall hunt). The loop is a forward loop over a loader named as validation data (VALIDATION_LOADER),
 * and an earlier statement of its block is a training loop (backward or optimizer step) that calls the same model. Null
 * when the function needs autograd for more than its training steps, when anything after the loop in the function
 * backpropagates or steps (the validation loss may be a meta-objective), or when the loop runs another model.
 */
function validationLoaderPass(loop: Node, def: Node, facts: FileFacts): Node | null {
  const record = trainingLoops(facts).find((l) => l.node.equals(loop));
  const loader = record?.loader;
  const name = loader?.type === 'attribute' ? loader.childForFieldName('attribute')?.text : loader?.type === 'identifier' ? loader.text : undefined;
  if (!record || record.kind !== 'forward' || !name || !VALIDATION_LOADER.test(name)) return null;
  const body = def.childForFieldName('body');
  const block = loop.parent;
  if (!body || block?.type !== 'block' || NEEDS_GRAD_BEYOND_TRAINING.test(body.text) || ATTACK_NAME.test(body.text)) return null;
  const after = body.text.slice(loop.endIndex - body.startIndex);
  if (NEEDS_OR_FREEZES_GRAD.test(after)) return null;
  const model = modelOf(record.evidence[0]);
  if (!model) return null;
  const trainLoops = trainingLoops(facts).filter((l) => l.kind === 'train' && l.node.parent?.equals(block) && l.node.endIndex <= loop.startIndex);
  return trainLoops.some((l) => forwardCallOf(model, l.node.childForFieldName('body') ?? l.node) !== undefined) ? loop : null;
}

/** `val_loss` of `val_loss += loss_func(out, y)` directly in the loop's body: a loss tensor summed as it is, graph and all. */
function accumulatedLoss(loop: Node): string | null {
  const body = loop.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    const op = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (op?.type !== 'augmented_assignment' || op.childForFieldName('operator')?.text !== '+=') continue;
    const target = op.childForFieldName('left');
    const value = op.childForFieldName('right');
    const fn = value?.type === 'call' ? value.childForFieldName('function') : null;
    if (target?.type === 'identifier' && fn && /(^|[._])(loss\w*|criterion)$/i.test(fn.text)) return target.text;
  }
  return null;
}

/** The model a forward call runs: `self.model` of `self.model(x)` or `self.model.forward(x)`. */
function modelOf(call: Node | undefined): string | null {
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  if (!fn) return null;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type !== 'attribute') return null;
  const object = fn.childForFieldName('object');
  return object && FORWARD_METHOD.test(fn.childForFieldName('attribute')?.text ?? '') ? object.text : fn.text;
}

/** `model` in the statement `model.eval()`, else null. */
function evalCallReceiver(statement: Node): string | null {
  const call = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
  return call && isEvalModeCall(call) ? (call.childForFieldName('function')!.childForFieldName('object')?.text ?? null) : null;
}

/** `model.eval()`: a call of `eval` on something, with no arguments. */
function isEvalModeCall(n: Node): boolean {
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'eval' && n.childForFieldName('arguments')?.namedChildCount === 0;
}

/** Every `x.eval()` call in body, nested defs aside. */
function evalModeCalls(body: Node): Node[] {
  return findDescendants(body, isEvalModeCall, isNestedScope);
}

/** Outside the loop, body calls a function of this file that backpropagates or needs input gradients (NEEDS_GRAD), not under a gradient context. */
function trainsOutsideLoop(body: Node, loop: Node, facts: FileFacts): boolean {
  return findDescendants(body, (n) => n.type === 'call' && !contains(loop, n), isNestedScope).some((call) => {
    const callee = sameFileCallee(call, facts)?.childForFieldName('body');
    return !!callee && !gradDecided(call) && NEEDS_GRAD.test(callee.text);
  });
}

/**
 * `def test(self):` of a class that calls it itself (`acc = self.test()` after each epoch of its `train`): the class's
 * evaluation pass, not a test case. Not in a class named like a test case or deriving from `TestCase`, and nothing
 * around the class is test code either (isTestCode exempts a script's own called `test()` the same way).
 */
function isOwnTestMethod(def: Node, facts: FileFacts): boolean {
  const cls = classOfMethod(def);
  const name = def.childForFieldName('name')?.text;
  if (!cls || !name || isTestCode(def, facts) || /TestCase|Tests?\b/.test(cls.childForFieldName('superclasses')?.text ?? '')) return false;
  return (
    findDescendants(cls, (n) => {
      if (n.type !== 'call' || contains(def, n)) return false;
      const fn = n.childForFieldName('function');
      return fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self' && fn.childForFieldName('attribute')?.text === name;
    }).length > 0
  );
}

/**
 * `def test(self):` of a class whose other methods train (one backpropagates), that switches a model to eval mode and
 * asserts nothing: the trainer's test pass, which a script calls as `solver.test()` from another module
 * (DCdetector's `Solver.test`, review45's blind recall hunt, F4-04), not a test case. A class named or derived like a
 * test case, or code around it that is test code, keeps the method a test.
 */
function isTrainerTestPass(def: Node, facts: FileFacts): boolean {
  const cls = classOfMethod(def);
  const body = def.childForFieldName('body');
  if (!cls || !body || isTestCode(def, facts) || /Test/.test(cls.childForFieldName('superclasses')?.text ?? '')) return false;
  if (
    !callsEval(def) ||
    findDescendants(
      body,
      (n) => n.type === 'assert_statement' || (n.type === 'call' && /^self\.assert/.test(n.childForFieldName('function')?.text ?? '')),
      isNestedScope,
    ).length > 0
  )
    return false;
  const methods = cls.childForFieldName('body')?.namedChildren ?? [];
  return methods.some((m) => {
    const other = m && definitionOf(m);
    return other?.type === 'function_definition' && !other.equals(def) && /\.backward\s*\(/.test(other.text);
  });
}

/** The receiver of an environment's `step`: `env`, `envs`, `self.env`, `train_env`, `eval_envs`. */
const ENV_NAME = /(^|_)envs?(_|\d|$)/i;
/** Calls on a forward's output that pick an action or leave autograd: what the chain to `env.step` may pass through. */
const TO_ACTION = /^(argmax|sample|item|numpy|detach|cpu|tolist|squeeze|flatten|clamp|clip|max)$/;
/** Methods of a module that do not run it. */
const NOT_FORWARD = /^(parameters|named_parameters|to|cuda|cpu|eval|train|state_dict|load_state_dict|zero_grad|modules|children|apply|requires_grad_)$/;

/**
 * Reinforcement-learning action selection (issue 24): inside the loop over environment steps, the action handed to
 * `env.step` comes from a network's forward (`q_values = q_network(obs)` then `argmax(...).cpu().numpy()`, or a
 * local `get_action(obs)` that samples a policy), outside any gradient context. Autograd records a graph on every
 * step that nothing backpropagates. Silent when an output of the forward (or of a step in between) is read anywhere
 * else in the loop before being replaced by a detached value: a rollout that keeps log-probs or values for its update
 * needs the graph.
 */
function reportActionSelection(step: Node, action: Node, ctx: RuleContext): void {
  const env = step.childForFieldName('function')?.childForFieldName('object');
  const envName = env?.type === 'attribute' ? env.childForFieldName('attribute')?.text : env?.text;
  if (!envName || !ENV_NAME.test(envName)) return;
  const loop = enclosingLoop(step);
  const body = loop?.childForFieldName('body');
  if (!loop || !body || gradDecided(step) || isTestSuiteFile(ctx)) return;
  const forward = forwardBehind(action, enclosingStatement(step), body, ctx.facts, 0);
  if (!forward || gradDecided(forward) || calleeDecidesGrad(forward, ctx.facts)) return;
  // One finding per forward: several rollout loops may pick their actions through the same `act` method.
  const reported = reportedForwards.get(ctx.facts) ?? new Set<number>();
  reportedForwards.set(ctx.facts, reported);
  if (reported.has(forward.id)) return;
  reported.add(forward.id);
  const callee = forward.childForFieldName('function')!.text;
  // A local picker that keeps what the update differentiates: REINFORCE's `select_action` appends `m.log_prob(action)` to
  // `policy.saved_log_probs` for `finish_episode` to backpropagate (review50: three findings judged wrong).
  const picker = forward.childForFieldName('function')!.type === 'identifier' ? localFunction(callee, forward, ctx.facts) : null;
  if (picker && KEEPS_FOR_UPDATE.test(picker.text)) return;
  const method = enclosingDef(forward);
  // `act` marks its input `volatile=True`, which PyTorch 0.3 and older honour (no graph then) and later versions ignore.
  const volatile = method && !contains(method, step) && VOLATILE_INPUT.test(method.text);
  ctx.report({
    node: forward,
    message: volatile
      ? `\`${callee}(...)\` runs on every environment step only to choose the action; its \`volatile=True\` input is ignored from PyTorch 0.4 on, where the pass records autograd: wrap the action selection in \`torch.no_grad()\``
      : `\`${callee}(...)\` runs with autograd on every environment step only to choose the action; wrap the action selection in \`torch.no_grad()\``,
    ...(volatile ? { lowImpact: 'its input is marked `volatile=True`, which disables autograd on the PyTorch 0.3 this code was written for' } : {}),
  });
}

const reportedForwards = new WeakMap<FileFacts, Set<number>>();

/**
 * The call runs a def that settles gradients itself: a function or a method (of the class the receiver was last built
 * from) of this file or of an imported workspace module, decorated with a gradient context or entering one. DyGLib's
 * `evaluate_model_link_prediction` wraps its loop in `with torch.no_grad():` and tdmpc2's `TDMPC2.act` is decorated
 * `@torch.no_grad()`: review71 judged the findings on their callers wrong.
 */
function calleeDecidesGrad(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') {
    const local = localFunction(fn.text, call, facts);
    return local ? GRAD_CONTEXT.test(decoratedText(local)) : namesInImportedModules(facts, gradDecidingDefs).has(fn.text);
  }
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const method = fn?.childForFieldName('attribute')?.text;
  if (obj?.type !== 'identifier' || !method) return false;
  const built = valuesAssignedTo(obj.text, call, facts).filter((v) => v.startIndex < call.startIndex);
  const classes = new Set(
    built.map((v) => (v.type === 'call' && v.childForFieldName('function')?.type === 'identifier' ? v.childForFieldName('function')!.text : '')),
  );
  if (classes.size !== 1 || classes.has('')) return false;
  const [cls] = classes;
  const local = classIndex(facts).byClassName(cls)?.methods.get(method);
  if (local) return GRAD_CONTEXT.test(decoratedText(local));
  return namesInImportedModules(facts, gradDecidingDefs).has(`${cls}.${method}`);
}

/** A def's text with its decorators. */
function decoratedText(def: Node): string {
  return def.parent?.type === 'decorated_definition' ? def.parent.text : def.text;
}

/** A module's top-level functions (`name`) and class methods (`Class.name`) that are decorated with or enter a gradient context. */
const gradDecidingDefs = lintMemo((facts): ReadonlySet<string> => {
  const found = new Set<string>();
  if (!GRAD_CONTEXT.test(facts.text)) return found;
  for (const child of facts.root.namedChildren) {
    const d = child && definitionOf(child);
    if (d?.type === 'function_definition' && GRAD_CONTEXT.test(decoratedText(d))) found.add(d.childForFieldName('name')!.text);
    if (d?.type !== 'class_definition') continue;
    const name = d.childForFieldName('name')!.text;
    for (const [method, def] of classIndex(facts).byClassName(name)?.methods ?? []) {
      if (def.type === 'function_definition' && GRAD_CONTEXT.test(decoratedText(def))) found.add(`${name}.${method}`);
    }
  }
  return found;
});
/** What an action picker keeps for a later update: log-probabilities, values appended to a buffer, `saved_*` lists. */
const KEEPS_FOR_UPDATE = /\blog_prob\b|\.(?:append|extend)\s*\(|\bsaved_\w+/;

/**
 * `action = model.act(state, epsilon)`: a method of a module class of this file (the class `model` was last constructed
 * from before the call) that runs the module's own forward (`self.forward(x)`, `self(x)`) outside any gradient context and
 * returns only values that left autograd (`q.max(1)[1].data[0]`, `.numpy()[0]`, a `random` choice): the action picker
 * of a DQN agent. Its forward, or null.
 */
function actionMethodForward(call: Node, facts: FileFacts): Node | null {
  const fn = call.childForFieldName('function');
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const name = fn?.childForFieldName('attribute')?.text ?? '';
  if (obj?.type !== 'identifier' || NOT_FORWARD.test(name) || name === 'forward') return null;
  const cls = constructedClass(obj.text, call, facts);
  const def = cls?.methods.get(name);
  if (!cls || def?.type !== 'function_definition' || def.parent?.type === 'decorated_definition' || !isTorchModuleClass(cls.node, facts)) return null;
  const body = def.childForFieldName('body');
  if (!body || GRAD_CONTEXT.test(def.text)) return null;
  const forward = findDescendants(body, (n) => n.type === 'call' && isOwnForward(n.childForFieldName('function')), isNestedScope)[0];
  const returns = ownReturnStatements(body);
  if (!forward || returns.length === 0) return null;
  return returns.every((r) => r.namedChildren[0] != null && detachedValue(r.namedChildren[0], body, facts, 0)) ? forward : null;
}

/** `self.forward` or `self` as a callee. */
function isOwnForward(fn: Node | null): boolean {
  return (
    fn?.text === 'self' ||
    (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self' && fn.childForFieldName('attribute')?.text === 'forward')
  );
}

/**
 * The class of this file that `name` was last constructed from before `at` in its scope (`model = CnnDQN(...)`, then
 * `model = model.cuda()` passed through), or null when another value may reach it.
 */
function constructedClass(name: string, at: Node, facts: FileFacts) {
  const before = valuesAssignedTo(name, at, facts).filter((v) => v.endIndex < at.startIndex);
  for (let i = before.length - 1; i >= 0; i--) {
    const v = before[i];
    if (v.type !== 'call') return null;
    const fn = v.childForFieldName('function');
    if (fn?.type === 'identifier') return classIndex(facts).byClassName(fn.text);
    // `model.cuda()`, `model.to(device)`: the same module, moved.
    if (
      fn?.type !== 'attribute' ||
      fn.childForFieldName('object')?.text !== name ||
      !/^(cuda|to|cpu|eval|train)$/.test(fn.childForFieldName('attribute')?.text ?? '')
    )
      return null;
  }
  return null;
}

/** What a method returns carries no graph: a `.data` read, a call that leaves autograd, a `random` choice, an int, or a name bound only to such values. */
function detachedValue(expr: Node, body: Node, facts: FileFacts, depth: number): boolean {
  if (depth > 3) return false;
  if (expr.type === 'integer') return true;
  if (expr.type === 'subscript') return detachedValue(expr.childForFieldName('value')!, body, facts, depth + 1);
  if (expr.type === 'attribute') return expr.childForFieldName('attribute')?.text === 'data';
  if (expr.type === 'call') return leftAutograd(expr, facts) || /^(?:random|numpy\.random)\./.test(facts.calleeName(expr) ?? '');
  if (expr.type !== 'identifier') return false;
  const bound = findDescendants(body, (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === expr.text, isNestedScope);
  return bound.length > 0 && bound.every((a) => detachedValue(a.childForFieldName('right')!, body, facts, depth + 1));
}

/** The model call an action expression comes from, through at most four assignments in the loop body, or null. */
function forwardBehind(expr: Node, consumer: Node, body: Node, facts: FileFacts, depth: number): Node | null {
  if (depth > 4) return null;
  // Only the values a chain of action-picking calls leads from: `torch.argmax(q, dim=1).cpu().numpy()`, `a.detach()`.
  const roots: Node[] = [];
  if (!actionChain(expr, roots)) return null;
  for (const root of roots) {
    if (root.type === 'call') {
      if (isModelForward(root, facts, 0)) return root;
      continue;
    }
    const assign = lastAssignmentBefore(root.text, consumer, body);
    if (!assign) continue;
    const right = assign.childForFieldName('right');
    // `action = model.act(state, eps)`: an action picker of the module's class, whose result left autograd inside it.
    const picker = right?.type === 'call' ? actionMethodForward(right, facts) : null;
    if (picker) return picker;
    // A value that already left autograd (`.cpu().numpy()`, an argmax, a sample) may be stored anywhere (a replay buffer).
    if (!right || (!leftAutograd(right, facts) && !onlyReadBy(assign, consumer, body))) return null;
    const found = forwardBehind(right, enclosingStatement(assign), body, facts, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Walks an action-picking chain down to its roots (names or other calls); false when it holds anything else. */
function actionChain(expr: Node, roots: Node[]): boolean {
  if (expr.type === 'identifier') {
    roots.push(expr);
    return true;
  }
  if (expr.type === 'parenthesized_expression') return expr.namedChildren[0] ? actionChain(expr.namedChildren[0], roots) : false;
  if (expr.type !== 'call') return false;
  const fn = expr.childForFieldName('function');
  const args = expr.childForFieldName('arguments')?.namedChildren.filter((a) => a !== null && a.type !== 'keyword_argument') ?? [];
  const attr = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
  const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  // `torch.argmax(q, dim=1)`, `np.argmax(q)`: the first argument.
  if (obj && /^(torch|np|numpy)$/.test(obj.text) && TO_ACTION.test(attr)) return args[0] ? actionChain(args[0], roots) : false;
  if (obj && TO_ACTION.test(attr)) return actionChain(obj, roots);
  roots.push(expr);
  return true;
}

/** Calls whose result carries no graph: `.numpy()`, `.item()`, `.detach()`, an argmax (integer), a distribution's sample. */
const LEAVES_AUTOGRAD = /^(numpy|item|tolist|detach|argmax|sample)$/;

/** The expression ends in a call that leaves autograd: `torch.argmax(q, dim=1).cpu().numpy()`, `a.detach().cpu()`. */
function leftAutograd(expr: Node, facts: FileFacts, depth = 0): boolean {
  for (let e: Node | null | undefined = expr; e?.type === 'call';) {
    const fn = e.childForFieldName('function');
    // `act = get_action(obs)` where the local `get_action` returns `policy(obs).sample().item()`.
    if (fn?.type === 'identifier') {
      if (depth > 1) return false;
      const def = localFunction(fn.text, e, facts);
      const returns = def ? ownReturnStatements(def.childForFieldName('body')!) : [];
      return (
        returns.length > 0 &&
        returns.every((r) => r.namedChildren[0] != null && r.namedChildren[0].type === 'call' && leftAutograd(r.namedChildren[0], facts, depth + 1))
      );
    }
    if (fn?.type !== 'attribute') return false;
    const attr = fn.childForFieldName('attribute')?.text ?? '';
    if (LEAVES_AUTOGRAD.test(attr)) return true;
    if (!TO_ACTION.test(attr)) return false;
    e = fn.childForFieldName('object');
  }
  return false;
}

/** The last plain assignment to `name` in the loop body before `consumer` (the statement reading it). */
function lastAssignmentBefore(name: string, consumer: Node, body: Node): Node | null {
  let found: Node | null = null;
  for (const a of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    if (a.startIndex >= consumer.startIndex) break;
    if (assignedNames(a).includes(name)) found = a;
  }
  return found;
}

function assignedNames(assign: Node): string[] {
  const left = assign.childForFieldName('left');
  if (!left) return [];
  if (left.type === 'identifier') return [left.text];
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern') return left.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c!.text);
  return [];
}

/**
 * Every name the assignment binds is read, in the loop body, only by the consumer, by a later statement that
 * rebinds it first, or not at all (`_`). A read anywhere else may keep the graph for a backward.
 */
function onlyReadBy(assign: Node, consumer: Node, body: Node): boolean {
  for (const name of assignedNames(assign)) {
    if (name === '_') continue;
    const rebinds = findDescendants(body, (n) => n.type === 'assignment' && n.startIndex > assign.endIndex && assignedNames(n).includes(name), isNestedScope);
    const until = rebinds.length > 0 ? rebinds[0].childForFieldName('right')!.endIndex : Infinity;
    const reads = findDescendants(body, (n) => n.type === 'identifier' && n.text === name && !isBindingTarget(n), isNestedScope);
    for (const r of reads) {
      if (contains(consumer, r) || contains(assign, r)) continue;
      if (r.startIndex > until) continue;
      return false;
    }
  }
  return true;
}

function isBindingTarget(id: Node): boolean {
  for (let n: Node | null = id; n?.parent; n = n.parent) {
    const p: Node = n.parent;
    if (p.type === 'assignment') return p.childForFieldName('left')?.equals(n) ?? false;
    if (p.type !== 'pattern_list' && p.type !== 'tuple_pattern') return false;
  }
  return false;
}

/** A call that runs a torch module: the module itself, one of its methods (`actor.get_action(x)`), or a function of this file that does. */
function isModelForward(call: Node, facts: FileFacts, depth: number): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  const layer = values(facts);
  if (layer.calleeValue(fn)?.kind === 'module') return true;
  // `self.forward(state)` in a method of an nn.Module subclass (an agent whose `evaluate` rolls out its own policy).
  if (isOwnForward(fn)) {
    const cls = enclosingDef(call) ? classOfMethod(enclosingDef(call)!) : null;
    if (cls && isTorchModuleClass(cls, facts)) return true;
  }
  // A closure's model (`logits_net` bound in the function that defines `get_policy`): read where it is bound.
  if (fn.type === 'identifier' && closureBinding(fn.text, call, facts)?.kind === 'module') return true;
  if (fn.type === 'attribute') {
    const attr = fn.childForFieldName('attribute')?.text ?? '';
    return !NOT_FORWARD.test(attr) && layer.valueOf(fn.childForFieldName('object'))?.kind === 'module';
  }
  if (fn.type !== 'identifier' || depth > 1) return false;
  const def = localFunction(fn.text, call, facts);
  if (!def || gradDecided(def.childForFieldName('body')!) || GRAD_CONTEXT.test(def.text)) return false;
  return findDescendants(def.childForFieldName('body')!, (n) => n.type === 'call' && isModelForward(n, facts, depth + 1), isNestedScope).length > 0;
}

/** What a name free in a nested def holds, from its plain assignment in an enclosing def's own body. */
function closureBinding(name: string, at: Node, facts: FileFacts) {
  const own = enclosingDef(at);
  for (let scope = own ? enclosingDef(own) : null; scope; scope = enclosingDef(scope)) {
    const stmt = scope
      .childForFieldName('body')
      ?.namedChildren.find(
        (c) => c?.type === 'expression_statement' && c.namedChildren[0]?.type === 'assignment' && c.namedChildren[0].childForFieldName('left')?.text === name,
      );
    const right = stmt?.namedChildren[0]?.childForFieldName('right');
    if (right) return values(facts).valueOf(right);
  }
  return null;
}

/** The def a name calls: nested in an enclosing function, or at module level, decorated or not. */
function localFunction(name: string, at: Node, facts: FileFacts): Node | null {
  for (let scope: Node | null = enclosingDef(at); scope; scope = enclosingDef(scope)) {
    for (const child of scope.childForFieldName('body')?.namedChildren ?? []) {
      const def = child && definitionOf(child);
      if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return def;
    }
  }
  // The module's defs by name are read once per tree: localFunction is asked for every call of every loop checked.
  return moduleFunctionDefs(facts.root, name)[0] ?? null;
}

/**
 * An evaluation loop written for PyTorch <= 0.3 that marks its inputs volatile: there the pass records nothing, on
 * 0.4 and later it records autograd. Which one runs is not in the file, so the message says both, the finding is a
 * hint, and no fix is offered (`torch.no_grad` does not exist on 0.3).
 */
function reportVolatileEvaluation(loop: Node, name: string, ctx: RuleContext): void {
  const right = loop.childForFieldName('right');
  ctx.report({
    start: loop.startIndex,
    end: right?.endIndex ?? loop.startIndex + 3,
    message:
      `\`${name}\` turns autograd off with \`volatile=True\`, which only PyTorch 0.3 and older honour: from 0.4 on it is ignored and ` +
      'every batch records autograd; on PyTorch >= 0.4 run the loop under `torch.no_grad()`',
    lowImpact: 'its inputs are marked `volatile=True`, which disables autograd on the PyTorch 0.3 this code was written for',
  });
}

/**
 * An evaluation every N steps inside a training loop: `if step % 50 == 0:` then `net.eval()` or a forward pass of
 * a model the loop trains (`test_output = cnn(test_x)`) with no backward in the branch and no gradient context
 * around it. Each such pass records a graph for data it never learns from.
 */
function periodicEvaluation(ifNode: Node, then: Node, ctx: RuleContext): void {
  const facts = ctx.facts;
  const stepLoop = enclosingTrainingLoop(ifNode, facts);
  const loop = stepLoop ?? epochLoopAround(ifNode, facts);
  const first = then.namedChild(0);
  if (!loop || loop.framework !== 'torch' || !first || !isUnderLoggingGuard(first, loop.node)) return;
  if (isTestSuiteFile(ctx) || isTestCode(ifNode, facts) || gradDecided(ifNode)) return;
  if (needsGradients(then, facts) || GRAD_CONTEXT.test(then.text)) return;
  const trained = trainedModels(loop.node, then);
  const forward = findDescendants(
    then,
    (n) => n.type === 'call' && n.childForFieldName('function')?.type === 'identifier' && trained.has(n.childForFieldName('function')!.text),
    isNestedScope,
  )[0];
  if (!forward || feedsLaterStatements(forward, ifNode, loop.node) || calleeDecidesGrad(forward, ctx.facts)) return;
  ctx.report({
    node: forward,
    severity: DRAWS.test(then.text) ? 'hint' : undefined,
    message: `\`${forward.childForFieldName('function')!.text}\` evaluates every few ${stepLoop ? 'steps' : 'epochs'} of this training loop with autograd recording; run the evaluation under \`with torch.no_grad():\``,
  });
}

/**
 * The epoch loop around an `if` of its body that follows the epoch's training loop (`for epoch in ...: for x, y in
 * loader: ... backward() ...` then `if epoch % save_freq == 0:` with a pass over the validation loader): Medical-
 * Transformer's training script, whose validation every few epochs runs with autograd on (review58's hunt). Null when
 * the `if` is not directly in a loop's body after a training loop there.
 */
function epochLoopAround(ifNode: Node, facts: FileFacts): { node: Node; framework: 'torch' | 'tf' } | null {
  const outer = enclosingLoop(ifNode);
  const body = outer?.childForFieldName('body');
  if (!outer || !body || !ifNode.parent?.equals(body)) return null;
  const epoch = trainingLoops(facts).find((l) => l.kind === 'train' && l.node.parent?.equals(body) && l.node.endIndex <= ifNode.startIndex);
  return epoch ? { node: outer, framework: epoch.framework } : null;
}

/**
 * The forward's result is bound to a name the loop reads after the `if`: the branch picks how this step's forward runs
 * (`if opt.pretrain and epoch < 1: outputs = model(...)` before the loss and `backward()` below it, Pyraformer's
 * training loop, judged wrong in blind review33), it does not evaluate on the side.
 */
function feedsLaterStatements(forward: Node, ifNode: Node, loop: Node): boolean {
  const top = outputExpression(forward);
  const assign = top.parent?.type === 'assignment' && top.parent.childForFieldName('right')?.equals(top) ? top.parent : null;
  const names = assign ? derivedNames(assignedNames(assign), assign, ifNode) : [];
  const body = loop.childForFieldName('body');
  if (names.length === 0 || !body) return false;
  return findDescendants(body, (n) => n.type === 'identifier' && n.startIndex >= ifNode.endIndex && names.includes(n.text), isNestedScope).length > 0;
}

/**
 * The forward's output as the statement uses it: `discriminator(x)[-1]`, `model(x).logits`, `net(x).float()` (a subscript,
 * attribute or method chain on the call). MONAI's GAN tutorials bind `logits_fake = discriminator(recon)[-1]`, whose
 * generator loss joins the backpropagated `loss_g` (judged wrong in review44 when reported as an evaluation).
 */
function outputExpression(forward: Node): Node {
  let top = forward;
  for (let up = top.parent; up; up = top.parent) {
    const owner =
      up.type === 'subscript'
        ? up.childForFieldName('value')
        : up.type === 'attribute'
          ? up.childForFieldName('object')
          : up.type === 'call'
            ? up.childForFieldName('function')
            : null;
    if (!owner?.equals(top)) break;
    top = up;
  }
  return top;
}

/**
 * The names, and those the branch computes from them after `from` (`mean_pred = sm(outputs1 + outputs2)`, then
 * `loss += 0.01 * reg`): Person_reID's DG-Market branch runs the model on extra inputs for a KL term added to the
 * step's loss, which is backpropagated after the `if` (judged wrong in review43 when reported as an evaluation).
 */
function derivedNames(names: string[], from: Node, branch: Node): string[] {
  const out = new Set(names);
  const steps = findDescendants(branch, (n) => (n.type === 'assignment' || n.type === 'augmented_assignment') && n.startIndex > from.startIndex, isNestedScope);
  for (const step of steps) {
    const right = step.childForFieldName('right');
    if (!right || findDescendants(right, (n) => n.type === 'identifier' && out.has(n.text)).length === 0) continue;
    const left = step.childForFieldName('left');
    if (left?.type === 'identifier') out.add(left.text);
    // `a, b = ...`: the names it binds, not `self` of `self.x = ...`.
    if (left?.type === 'pattern_list' || left?.type === 'tuple_pattern') for (const id of left.namedChildren) if (id?.type === 'identifier') out.add(id.text);
  }
  return [...out];
}

/**
 * Helpers named for a model that handle it without running it: `unwrap_model(model)`, `save_model(...)`, `copy_model`,
 * `load_model`, `export_model`. LMFlow's checkpoint branch (`temp_model = unwrap_model(copy.deepcopy(model))` every
 * `save_steps`) runs no forward pass (judged wrong in review38).
 */
const MODEL_HANDLING = /^(unwrap|save|load|copy|deepcopy|clone|export|freeze|wrap|prepare)_/i;

/**
 * Names the training loop calls as models outside `skip`: `out = cnn(b_x)` whose result reaches a loss that
 * is backpropagated in the same loop (`loss = loss_func(out, b_y)` ... `loss.backward()`).
 */
function trainedModels(loop: Node, skip: Node): Set<string> {
  const body = loop.childForFieldName('body');
  const out = new Set<string>();
  if (!body || !/\.backward\s*\(/.test(body.text)) return out;
  for (const assign of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    if (contains(skip, assign)) continue;
    const right = assign.childForFieldName('right');
    let call = right;
    while (call && call.type === 'subscript') call = call.childForFieldName('value');
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    if (fn?.type === 'identifier' && /^[a-z_][a-z0-9_]*$/i.test(fn.text) && MODEL_NAME.test(fn.text) && !MODEL_HANDLING.test(fn.text)) out.add(fn.text);
  }
  return out;
}

/**
 * A function that switches a model to eval mode and runs it (`model.eval(); out = model(data.x)`, or
 * `model.inference(x)`) with no loop of its own, called from a loop of this file (once per epoch of the
 * training script): each call records a graph of the whole forward pass.
 */
function reportRepeatedEvaluation(def: Node, name: string, body: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  const model = evalModeReceiver(body);
  if (!model || needsGradients(body, facts) || GRAD_CONTEXT.test(body.text)) return false;
  const forward = forwardCallOf(model, body);
  if (!forward || gradDecided(def) || calledUnderGradContext(name, facts) || !calledInLoop(name, def, facts)) return false;
  if (trainsAnotherModel(body, model) || fitsModel(body, model)) return false;
  ctx.report({
    node: forward,
    severity: DRAWS.test(body.text) ? 'hint' : undefined,
    message: `\`${name}\` runs \`${model}\` in eval mode with autograd recording, from a loop; decorate it with \`@torch.no_grad()\` or use \`torch.inference_mode()\``,
    edits: decoratorEdit(def, facts),
  });
  return true;
}

/**
 * `net0.train(); net1.eval()`: a training step that freezes one network and trains another through it (cellpose's
 * perceptual loss runs the denoiser's output through a frozen segmenter; a blind review judged the finding wrong): the
 * loss is backpropagated through the eval-mode model, so it needs autograd.
 */
function trainsAnotherModel(body: Node, model: string): boolean {
  for (const m of body.text.matchAll(/([\w.]+)\.train\(\s*(?:True\s*)?\)/g)) if (m[1] !== model) return true;
  return false;
}

/**
 * `gcn.fit(features, adj, labels, ...)` then `gcn.eval(); output = gcn.predict()` (DeepRobust's single_test after each
 * attack): the function trains the model it evaluates, so `@torch.no_grad()` on it would stop the training too.
 */
function fitsModel(body: Node, model: string): boolean {
  return new RegExp(`(^|[^\\w.])${escapeRegExp(model)}\\.(fit|train_model)\\s*\\(`).test(codeTextOf(body));
}

/**
 * A prediction method that switches its model to eval mode and then runs it on every pass of a loop of its own that is
 * no DataLoader loop (freqtrade's transformer regressor slides a window over the input and calls the model per window):
 * each pass records a graph and keeps the activations for a backward pass that never comes. Shown when the value layer
 * knows the model is a torch module or the loop hands each output to torch (`torch.cat`); a hint otherwise.
 */
function reportEvalModeLoop(def: Node, name: string, body: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  const { model, forward } = evalModeForward(name, body, facts, ctx.filePath) ?? {};
  const loop = forward ? enclosingLoop(forward) : null;
  if (!model || !forward || !loop || isSmallLiteralLoop(loop, facts)) return false;
  if (gradDecided(def) || calledUnderGradContext(name, facts) || delegatesToNoGradFunction(loop, facts) || needsGradients(loop, facts)) return false;
  const loopBody = loop.childForFieldName('body');
  const torchUse =
    values(facts).calleeValue(forward.childForFieldName('function'))?.kind === 'module' ||
    (!!loopBody && findDescendants(loopBody, (n) => n.type === 'call' && /^torch\./.test(facts.calleeName(n) ?? ''), isNestedScope).length > 0);
  const right = loop.childForFieldName('right') ?? loop.childForFieldName('condition');
  ctx.report({
    start: loop.startIndex,
    end: right?.endIndex ?? loop.startIndex + 3,
    message:
      `\`${name}\` switches \`${model}\` to eval mode, then runs it on every pass of this loop with autograd recording; ` +
      `decorate it with \`@torch.no_grad()\` or use \`torch.inference_mode()\`${torchUse ? '' : ` (\`${model}\` is not known here to be a torch module)`}`,
    edits: decoratorEdit(def, facts),
    ...(torchUse ? {} : { severity: 'hint' as const }),
  });
  return true;
}

/** The entry point of a script: in an inference script (`infer_cls.py`, `predict.py`), `main` is its inference. */
const SCRIPT_ENTRY = /^_?(main|run)$/;

/**
 * A module-level inference helper (`infer(net, img, scales)`, named for it) that runs a model it is handed, called on
 * every pass of a loop of this file by a function that switched that very model to eval mode first
 * (`net = net.cuda().eval()` before `for sample in dataset: infer(net, ...)`): the lightweight pose estimator's COCO
 * validation and webcam demo, review57's hunt. Every frame records a graph the caller never uses. Silent when the
 * helper or the caller's loop needs gradients, or a gradient context covers either.
 */
function reportHandedEvalModel(def: Node, name: string, body: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  if (!EVAL_NAME.test(name) || enclosingClass(def) || needsGradients(body, facts) || GRAD_CONTEXT.test(body.text) || gradDecided(def)) return false;
  const params = parameterNames(def);
  for (const [at, param] of params.entries()) {
    if (!MODEL_NAME.test(param)) continue;
    const forward = forwardCallOf(param, body);
    const caller = forward ? evalModeCaller(name, at, param, def, facts) : null;
    if (!forward || !caller) continue;
    ctx.report({
      node: forward,
      message:
        `\`${name}\` runs \`${param}\` with autograd recording, and \`${caller}\` calls it on every pass of a loop after switching the model to eval mode; ` +
        'decorate it with `@torch.no_grad()` or use `torch.inference_mode()`',
      edits: decoratorEdit(def, facts),
    });
    return true;
  }
  return false;
}

/** Keywords that ask a shared train/validate epoch function for its validation pass: `cross_valid=True`, `validation=True`. */
const VALIDATION_FLAG = /^(cross_valid|cross_validation|valid|validate|validation|is_valid|is_val|val|eval|evaluate|evaluation|is_eval|test|is_test)$/;

/**
 * `self.model.eval()` then `val_loss = self._run_one_epoch(epoch, cross_valid=True)`: one epoch function of this file
 * serves training and validation, and trains only under `if not cross_valid:` (Conv-TasNet's solver; review57's hunt).
 * The validation call runs the model over the whole validation loader with autograd recording; wrapping that call in
 * `torch.no_grad()` is the fix. Silent when the callee sets the gradient mode or switches to eval mode itself (then the
 * finding is its own), when any backward pass or step of the callee is outside an `if` on the flag, or when a gradient
 * context covers the call.
 */
function reportValidationPassCall(name: string, body: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  if (!/=\s*True\b/.test(body.text) || GRAD_CONTEXT.test(body.text)) return false;
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    const flag = [...keywordValues(call)].find(([key, value]) => VALIDATION_FLAG.test(key) && value.text === 'True')?.[0];
    const statement = flag ? enclosingStatement(call) : null;
    const model = statement ? evalModelBefore(statement) : null;
    const callee = model ? sameFileCallee(call, facts) : null;
    if (!flag || !callee || !model || gradDecided(call) || !trainsOnlyUnlessFlag(callee, flag, facts)) continue;
    if (calledUnderGradContext(name, facts)) return false;
    ctx.report({
      node: call,
      message:
        `\`${name}\` switches \`${model}\` to eval mode and runs the epoch function \`${call.childForFieldName('function')!.text}\` as its validation pass ` +
        `(\`${flag}=True\`), which runs the model on every batch with autograd recording; wrap this call in \`with torch.no_grad():\``,
    });
    return true;
  }
  return false;
}

/** The model of a `model.eval()` statement earlier in the block that holds statement, or null. */
function evalModelBefore(statement: Node): string | null {
  const block = statement.parent;
  if (block?.type !== 'block') return null;
  let model: string | null = null;
  for (const s of block.namedChildren) {
    if (!s || s.startIndex >= statement.startIndex) break;
    model = evalCallReceiver(s) ?? model;
  }
  return model;
}

/**
 * The callee trains a model in a loop, has the parameter `flag`, and does every backward pass and optimizer step only
 * under an `if` whose condition reads `flag` (`if not cross_valid:`); it sets no gradient mode of its own and never
 * switches a model to eval mode.
 */
function trainsOnlyUnlessFlag(callee: Node, flag: string, facts: FileFacts): boolean {
  const body = callee.childForFieldName('body');
  if (!body || !parameterNames(callee).includes(flag) || GRAD_CONTEXT.test(body.text) || OWN_GRAD_HANDLING.test(body.text) || callsEval(callee)) return false;
  if (!trainingLoops(facts).some((l) => enclosingDef(l.node)?.equals(callee))) return false;
  const steps = findDescendants(
    body,
    (n) => n.type === 'call' && /\.(backward|step)\s*\($/.test(n.text.slice(0, n.childForFieldName('arguments')!.startIndex - n.startIndex + 1)),
    isNestedScope,
  );
  const onFlag = new RegExp(`\\b${flag}\\b`);
  return steps.length > 0 && steps.every((step) => underIfOn(step, body, onFlag));
}

/** node sits in a branch of an `if` (inside body) whose condition matches `condition`. */
function underIfOn(node: Node, body: Node, condition: RegExp): boolean {
  for (let n = node.parent; n && !n.equals(body); n = n.parent) {
    if (n.type === 'if_statement' && condition.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/**
 * A parameter of def named as a model that a caller in this file hands a model it switched to eval mode first
 * (vq-vae-2's `extract(env, loader, model, device)` after `model.eval()` in `main`; review58's hunt), with at least one
 * such call.
 */
function handedEvalModeModel(def: Node, name: string, facts: FileFacts): boolean {
  return parameterNames(def).some((param, at) => MODEL_NAME.test(param) && evalModeCaller(name, at, param, def, facts, false) !== null);
}

/**
 * The name of a function of this file (or its `__main__` block) that calls `name` (in a loop, unless `inLoop` is false)
 * with, as its `param` (position `at`, or keyword), a model it switched to eval mode earlier in its body, with no
 * gradient context, no gradient need in that loop (or body), and no caller of its own under a gradient context. Null
 * when there is none.
 */
function evalModeCaller(name: string, at: number, param: string, def: Node, facts: FileFacts, inLoop = true): string | null {
  for (const id of identifiersSpelledInFile(facts, name)) {
    const call = id.parent;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(id) || contains(def, call)) continue;
    const loop = enclosingLoop(call);
    const callerDef = enclosingDef(call);
    // A script's `if __name__ == "__main__":` block calls it as a function's body would (vq-vae-2's extract_code.py).
    const callerBody = callerDef ? callerDef.childForFieldName('body') : (mainGuardAround(call)?.childForFieldName('consequence') ?? null);
    const callerName = callerDef ? callerDef.childForFieldName('name')?.text : 'the `__main__` block';
    if ((inLoop && !loop) || !callerBody || !callerName || gradDecided(call) || GRAD_CONTEXT.test(callerBody.text)) continue;
    if (needsGradients(loop ?? callerBody, facts)) continue;
    const arg = keywordValues(call).get(param) ?? positionalArguments(call)[at];
    if (arg?.type !== 'identifier' || !evalModeNamesBefore(callerBody, call).has(arg.text)) continue;
    if (!callerDef || !calledUnderGradContext(callerName, facts)) return callerName;
  }
  return null;
}

/**
 * A method whose loop runs `self.<model>` and which its class calls only from methods that switched that model to eval
 * mode just before, with no gradient context or gradient need of their own (wsolevaluation's `evaluate`:
 * `self.model.eval()`, then `accuracy = self._compute_accuracy(loader=...)`; review73's hunt). A mention of the method
 * that is not such a call (handed on as a callback) leaves it unknown.
 */
function calledAfterSelfEvalMode(def: Node, name: string, loop: Node, facts: FileFacts): boolean {
  if (!classOfMethod(def)) return false;
  let callers = 0;
  for (const id of identifiersSpelledInFile(facts, name)) {
    if (contains(def, id) || id.equals(def.childForFieldName('name')!)) continue;
    const fn = id.parent;
    const call = fn?.parent;
    if (
      fn?.type !== 'attribute' ||
      fn.childForFieldName('object')?.text !== 'self' ||
      call?.type !== 'call' ||
      !call.childForFieldName('function')?.equals(fn)
    ) {
      return false;
    }
    const caller = enclosingDef(call);
    const body = caller?.childForFieldName('body');
    const callerName = caller?.childForFieldName('name')?.text;
    if (!body || !callerName || gradDecided(call) || GRAD_CONTEXT.test(body.text) || needsGradients(body, facts)) return false;
    const switched = evalModeCalls(body).filter((c) => c.endIndex <= call.startIndex && c.parent?.type === 'expression_statement');
    const models = switched.map((c) => c.childForFieldName('function')!.childForFieldName('object')!.text);
    if (!models.some((m) => m.startsWith('self.') && loopRunsModel(loop, m, facts)) || calledUnderGradContext(callerName, facts)) return false;
    callers++;
  }
  return callers > 0;
}

/**
 * Names switched to eval mode in body before `before`: `net.eval()` (also `net.cuda().eval()`), and `net = net.cuda().eval()`
 * or `net = net.eval()`.
 */
function evalModeNamesBefore(body: Node, before: Node): Set<string> {
  const names = new Set<string>();
  for (const call of evalModeCalls(body)) {
    if (call.endIndex > before.startIndex) continue;
    let root = call.childForFieldName('function')!.childForFieldName('object');
    while (root?.type === 'call' && root.childForFieldName('function')?.type === 'attribute')
      root = root.childForFieldName('function')!.childForFieldName('object');
    const assigned = call.parent?.type === 'assignment' && call.parent.childForFieldName('right')?.equals(call) ? call.parent.childForFieldName('left') : null;
    if (assigned?.type === 'identifier') names.add(assigned.text);
    else if (root?.type === 'identifier' && call.parent?.type === 'expression_statement') names.add(root.text);
  }
  return names;
}

/**
 * In a method named for prediction or evaluation (or the `main` of a script named so) that switches a model to eval mode and leaves gradients alone (no
 * backward, no grad context of its own): the model's name and its first forward call. Null otherwise.
 */
function evalModeForward(name: string, body: Node, facts: FileFacts, filePath: string | undefined): { model: string; forward: Node } | null {
  if (!EVAL_NAME.test(name) && !(SCRIPT_ENTRY.test(name) && EVAL_NAME.test(path.basename(filePath ?? '', path.extname(filePath ?? ''))))) return null;
  const model = evalModeReceiver(body);
  if (!model || needsGradients(body, facts) || GRAD_CONTEXT.test(body.text)) return null;
  const forward = forwardCallOf(model, body);
  return forward ? { model, forward } : null;
}

/** The first call of `model` (or `model.forward(...)`, `model.predict(...)`) in body, nested defs aside. */
function forwardCallOf(model: string, body: Node): Node | undefined {
  return findDescendants(
    body,
    (n) => {
      if (n.type !== 'call') return false;
      const fn = n.childForFieldName('function');
      if (fn?.text === model) return true;
      return fn?.type === 'attribute' && fn.childForFieldName('object')?.text === model && FORWARD_METHOD.test(fn.childForFieldName('attribute')?.text ?? '');
    },
    isNestedScope,
  )[0];
}

/** Methods that drop a tensor's autograd history: what follows them never needs the graph. */
const DETACHES = new Set(['detach', 'item', 'tolist']);

/**
 * A prediction method (`_predict`, `inference`) that switches a model to eval mode, runs it once and detaches what it
 * returns (`self.model(x).prediction_outputs.detach().cpu().numpy()`): the author does not want gradients, yet the
 * forward pass records a graph and keeps every activation it saved for a backward pass until the output is freed.
 * Each prediction pays that memory (a foundation model on a whole batch of series), and no caller can differentiate
 * through a detached result, so `@torch.no_grad()` changes nothing else.
 */
function reportDetachedPrediction(def: Node, name: string, body: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  const { model, forward } = evalModeForward(name, body, facts, ctx.filePath) ?? {};
  if (!model || !forward || enclosingLoop(forward) !== null) return false;
  const plain = onlyDetached(forward, body);
  if (!plain && !onlyDetached(forward, body, 0, true)) return false;
  if (gradDecided(def) || calledUnderGradContext(name, facts)) return false;
  // Unpacked outputs and `.data` reads (stanza's `Trainer.predict`: `_, preds = self.model(...)`, `pred.data.cpu().numpy()`,
  // found by hand in review12) are new shapes: shown only when the value layer knows the callee is a torch module.
  const known = plain || values(facts).calleeValue(forward.childForFieldName('function'))?.kind === 'module';
  reportDetachedForward(def, name, forward, model, known ? null : 'and callers in other modules may already disable gradients', ctx);
  return true;
}

/**
 * The finding of a prediction or scoring method that runs `model` and detaches its output, with the decorator fix. When
 * the model is not known to be a torch module (`unknown` says what else is not known, or is '' for nothing more), a hint.
 */
function reportDetachedForward(def: Node, name: string, forward: Node, model: string, unknown: string | null, ctx: RuleContext): void {
  ctx.report({
    node: forward,
    message:
      `\`${name}\` runs \`${model}\` with autograd recording and then detaches its output: the graph and the activations it keeps are built for nothing; ` +
      `decorate it with \`@torch.no_grad()\`${unknown === null ? '' : ` (\`${model}\` is not known here to be a torch module${unknown ? `, ${unknown}` : ''})`}`,
    edits: decoratorEdit(def, ctx.facts),
    ...(unknown === null ? {} : { severity: 'hint' as const }),
  });
}

/**
 * `def f(x): ... model(tv)[0].detach().cpu().numpy()` handed to another call (`shap.Explainer(f, tokenizer)`, an optimizer,
 * `map`): a callback the library runs again and again on new inputs, every output of whose model is detached, so no
 * caller can differentiate through it. A hint: how often the callee runs it is not in the file, and the model is
 * usually loaded by a library the value layer does not follow (shown when it knows every callee is an nn.Module).
 */
function reportDetachedCallback(def: Node, name: string, body: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  if (enclosingClass(def) || needsGradients(body, facts) || GRAD_CONTEXT.test(body.text)) return false;
  const forwards = findDescendants(body, (n) => n.type === 'call' && isNamedModelCall(n.childForFieldName('function')), isNestedScope);
  if (forwards.length === 0 || forwards.some((f) => enclosingLoop(f, true) !== null || !onlyDetached(f, body))) return false;
  if (forwards.some((f) => builtByTensorRt(f.childForFieldName('function')!.text, facts))) return false;
  if (!passedAsCallback(name, def, facts) || gradDecided(def) || calledUnderGradContext(name, facts)) return false;
  const layer = values(facts);
  const known = forwards.every((f) => layer.calleeValue(f.childForFieldName('function'))?.kind === 'module');
  const model = forwards[0]!.childForFieldName('function')!.text;
  ctx.report({
    node: forwards[0]!,
    message:
      `\`${name}\` is handed to another call that runs it on new inputs, and it runs \`${model}\` with autograd recording only to detach the output; ` +
      `decorate it with \`@torch.no_grad()\`` +
      (known ? '' : ` (\`${model}\` is not known here to be a torch module, and the caller may already disable gradients)`),
    edits: decoratorEdit(def, facts),
    ...(known ? {} : { severity: 'hint' as const }),
  });
  return true;
}

/**
 * `model_trt = torch2trt(model, [x])` or `TRTModule()`: an engine TensorRT runs, whose outputs are buffers it fills,
 * outside autograd (torch2trt's demo notebooks, review72: the advice saved nothing there).
 */
function builtByTensorRt(callee: string, facts: FileFacts): boolean {
  if (!facts.text.includes('torch2trt') && !facts.text.includes('TRTModule')) return false;
  const spelled = callee.replace(/[.]/g, '\\.');
  return new RegExp(String.raw`(?:^|[^\w.])${spelled}\s*=\s*(?:[\w.]*\.)?(?:torch2trt|TRTModule)\s*\(`, 'm').test(facts.text);
}

/** `model(x)`, `self.model(x)`, `net(x)`: a callee named as a model. */
function isNamedModelCall(fn: Node | null): boolean {
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : null;
  return !!name && MODEL_NAME.test(name);
}

/** The def's name is an argument of a call after the def (`shap.Explainer(f, masker)`, `fn=f`), not called by name. */
function passedAsCallback(name: string, def: Node, facts: FileFacts): boolean {
  return identifiersSpelledInFile(facts, name).some((id) => {
    if (id.startIndex < def.endIndex) return false;
    const holder = id.parent?.type === 'keyword_argument' && id.parent.childForFieldName('value')?.equals(id) ? id.parent.parent : id.parent;
    return holder?.type === 'argument_list';
  });
}

/** scikit-learn's inference methods: an estimator that wraps a torch model scores new data in them, never trains. */
const SKLEARN_INFERENCE = /^(decision_function|predict_proba|predict_log_proba|score_samples)$/;

/**
 * `def decision_function(self, X): return self.discriminator(torch.tensor(X)).detach().numpy().ravel()` (pyod's GAAL
 * detectors): a scikit-learn inference method of a class runs the class's models on the data and detaches every output,
 * without switching them to eval mode. No caller can differentiate through a detached result, so the graph and the
 * activations the forward pass keeps for it (over the whole input at once) are built for nothing. Shown when the value
 * layer knows every callee is an nn.Module; a hint otherwise, saying so.
 */
function reportDetachedScoring(def: Node, name: string, body: Node, ctx: RuleContext): void {
  const facts = ctx.facts;
  if (!SKLEARN_INFERENCE.test(name) || !enclosingClass(def)) return;
  if (needsGradients(body, facts) || GRAD_CONTEXT.test(body.text)) return;
  const forwards = findDescendants(body, (n) => n.type === 'call' && isSelfModelCallee(n.childForFieldName('function')), isNestedScope);
  if (forwards.length === 0 || forwards.some((f) => enclosingLoop(f, true) !== null || !onlyDetached(f, body))) return;
  if (gradDecided(def) || calledUnderGradContext(name, facts)) return;
  const layer = values(facts);
  const known = forwards.every((f) => layer.calleeValue(f.childForFieldName('function'))?.kind === 'module');
  reportDetachedForward(def, name, forwards[0]!, forwards[0]!.childForFieldName('function')!.text, known ? null : '', ctx);
}

/** `self.discriminator`, `self.model`, `self.encoder`: a model held by the class, named as one. */
function isSelfModelCallee(fn: Node | null): boolean {
  if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== 'self') return false;
  return MODEL_NAME.test(fn.childForFieldName('attribute')?.text ?? '');
}

/**
 * Every use of the forward's output goes through a detaching call: the call's own chain (`model(x).detach()`), or the
 * name it is assigned to (`out = model(x).logits`), each read of which detaches (`out.detach().cpu()`).
 */
function onlyDetached(forward: Node, body: Node, depth = 0, wide = false): boolean {
  const { top, detached } = chainFrom(forward, wide);
  if (detached) return true;
  const assignment = top.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(top) ? assignment.childForFieldName('left') : null;
  // `_, preds = self.model(...)` (wide only): every name the output unpacks into, `_` aside.
  const unpacked = wide && (target?.type === 'pattern_list' || target?.type === 'tuple_pattern') ? target.namedChildren : [];
  if (unpacked.some((c) => c?.type !== 'identifier')) return false; // `a, *rest = ...`: a starred or nested target
  const names = target?.type === 'identifier' ? [target] : unpacked.filter((c): c is Node => c !== null && c.text !== '_');
  if (names.length === 0) return false;
  // `logits = model(batch)`, `probs = F.softmax(logits, dim=1)`, `return probs.detach().cpu().numpy()`: the output passes
  // through one function into another name, every read of which detaches (LIME's batch_predict).
  return names.every((name) => {
    const reads = findDescendants(body, (n) => n.type === 'identifier' && n.text === name.text && n.startIndex > assignment!.endIndex, isNestedScope);
    return reads.length > 0 && reads.every((read) => chainFrom(read, wide).detached || (depth === 0 && passedOnDetached(read, body, wide)));
  });
}

/** `read` is an argument of a call assigned to a name (`probs = F.softmax(read, dim=1)`) whose every read detaches. */
function passedOnDetached(read: Node, body: Node, wide: boolean): boolean {
  const call = read.parent?.type === 'argument_list' ? read.parent.parent : null;
  return call?.type === 'call' && onlyDetached(call, body, 1, wide);
}

/** The attribute / subscript / call chain that continues from node (`node.a[0].b()`), and whether it calls `.detach()` (or `.item()`, `.tolist()`). */
function chainFrom(node: Node, wide = false): { top: Node; detached: boolean } {
  let top = node;
  let detached = false;
  for (let p = top.parent; p; p = top.parent) {
    if (p.type === 'attribute' && p.childForFieldName('object')?.equals(top)) {
      const callee = p.parent?.type === 'call' && p.parent.childForFieldName('function')?.equals(p);
      if (callee && DETACHES.has(p.childForFieldName('attribute')?.text ?? '')) detached = true;
      // `pred.data.cpu()` (wide only): the pre-0.4 way to read a tensor without its autograd history.
      if (wide && !callee && p.childForFieldName('attribute')?.text === 'data') detached = true;
    } else if (!(p.type === 'subscript' && p.childForFieldName('value')?.equals(top)) && !(p.type === 'call' && p.childForFieldName('function')?.equals(top))) {
      break;
    }
    top = p;
  }
  return { top, detached };
}

/** `model` of the one `model.eval()` in body (nested defs aside); null when there is none or several models. */
function evalModeReceiver(body: Node): string | null {
  const receivers = evalModeReceivers(body);
  return receivers.size === 1 ? [...receivers][0]! : null;
}

/** The receivers the body puts in eval mode (`model` of `model.eval()`), as spelled. */
function evalModeReceivers(body: Node): Set<string> {
  return new Set(evalModeCalls(body).map((c) => c.childForFieldName('function')!.childForFieldName('object')!.text));
}

/** The function is called inside a for or while loop of this file (outside itself). */
function calledInLoop(name: string, def: Node, facts: FileFacts): boolean {
  return identifiersSpelledInFile(facts, name).some(
    (id) => id.parent?.type === 'call' && id.parent.childForFieldName('function')?.equals(id) && !contains(def, id) && enclosingLoop(id) !== null,
  );
}

/** The first forward loop (a loop over a DataLoader calling the model, no backward) directly in def's body. */
function evaluationLoop(def: Node, facts: FileFacts): Node | null {
  let first: Node | null = null;
  for (const loop of trainingLoops(facts)) {
    if (loop.kind !== 'forward' || loop.framework !== 'torch') continue;
    if (!enclosingDef(loop.node)?.equals(def)) continue;
    // The first loop that no gradient context covers: a pass under `with torch.no_grad():` is settled, the one after it
    // may not be (UniTS' anomaly detection, review74's hunt).
    if (!gradDecided(loop.node)) return loop.node;
    first ??= loop.node;
  }
  return first;
}

function callsEval(def: Node): boolean {
  return evalModeCalls(def.childForFieldName('body')!).length > 0;
}

/** A `with torch.no_grad()` (or inference_mode / set_grad_enabled) around the loop, or such a decorator on an enclosing function. */
function gradDecided(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (entersGradContext(n)) return true;
    if (n.type === 'decorated_definition' && n.namedChildren.some((c) => c?.type === 'decorator' && isGradDecorator(c))) return true;
  }
  return false;
}

/**
 * The function's gradient contexts are all `with torch.no_grad():` / `with torch.inference_mode():` blocks beside `loop`:
 * none around it, none inside it, no `set_grad_enabled` or `enable_grad` anywhere (those switch recording for what
 * follows, or back on). The first such block, or null.
 */
function noGradOnlyBeside(fnBody: Node, loop: Node): Node | null {
  if (/\b(set_grad_enabled|enable_grad)\b/.test(fnBody.text)) return null;
  const blocks = findDescendants(fnBody, entersGradContext, isNestedScope);
  const mentions = [...fnBody.text.matchAll(GRAD_CONTEXTS)].length;
  if (blocks.length === 0 || blocks.length !== mentions) return null;
  const offGrad = (block: Node) => /^with\s+(?:torch\.)?(?:no_grad|inference_mode)\s*\(\s*\)\s*:/.test(block.text);
  if (!blocks.every(offGrad)) return null;
  if (blocks.some((b) => (b.startIndex <= loop.startIndex && loop.endIndex <= b.endIndex) || (loop.startIndex <= b.startIndex && b.endIndex <= loop.endIndex)))
    return null;
  return blocks[0]!;
}

/** `with torch.no_grad():` (or another gradient context, GRAD_CONTEXT) around a block. */
function entersGradContext(n: Node): boolean {
  return n.type === 'with_statement' && GRAD_CONTEXT.test(n.namedChildren.find((c) => c?.type === 'with_clause')?.text ?? '');
}

/**
 * `@torch.no_grad()`, or `@nograd` naming a module-level def of this file whose body enters a gradient context around the
 * call it wraps (`def nograd(f): def new_f(*a, **k): with t.no_grad(): return f(*a, **k)`): simple-faster-rcnn's
 * `predict`, judged wrong in review43 when reported.
 */
function isGradDecorator(decorator: Node): boolean {
  if (GRAD_CONTEXT.test(decorator.text)) return true;
  const expr = decorator.namedChildren.find((c) => c?.type !== 'comment');
  const name = expr?.type === 'call' ? expr.childForFieldName('function') : expr;
  if (name?.type !== 'identifier') return false;
  if (ownGradDecorators(decorator.tree).has(name.text)) return true;
  // Asked only for a decorator the file does not define: reading the imported modules' defs costs a lookup per module.
  const facts = lintFactsOfTree.get(decorator.tree);
  return !!facts && namesInImportedModules(facts, gradDecoratorNames).has(name.text);
}

const gradDecoratorsOf = new WeakMap<object, Set<string>>();

/**
 * Per tree, the facts of the lint under way, set as each check starts (isGradDecorator sees only the tree): with them it
 * asks which decorators of that kind the workspace modules the file imports from define. NeuralRecon's
 * `@make_nograd_func` on `test_sample` comes from its utils.py (review68: judged wrong when reported).
 */
const lintFactsOfTree = new WeakMap<object, FileFacts>();

/** For namesInImportedModules: a module's own gradient-context decorators. */
const gradDecoratorNames = (facts: FileFacts): ReadonlySet<string> => ownGradDecorators(facts.tree);

/** The module-level defs of the file that wrap their argument in a gradient context (a `with` of GRAD_CONTEXT in a nested def), memoised per tree. */
function ownGradDecorators(tree: Node['tree']): Set<string> {
  let names = gradDecoratorsOf.get(tree);
  if (!names) {
    names = new Set<string>();
    for (const child of tree.rootNode.namedChildren) {
      const def = child && definitionOf(child);
      const body = def?.type === 'function_definition' ? def.childForFieldName('body') : null;
      if (!body || !GRAD_CONTEXT.test(body.text)) continue;
      const wrapped = findDescendants(body, entersGradContext);
      if (wrapped.some((w) => enclosingDef(w) !== null && !enclosingDef(w)!.equals(def!))) names.add(def!.childForFieldName('name')!.text);
    }
    gradDecoratorsOf.set(tree, names);
  }
  return names;
}

/** Whether the file mentions a gradient context anywhere, memoised per lint (asked for every call of every loop checked). */
const mentionsGradContext = lintMemo((facts) => GRAD_CONTEXT.test(facts.text));

/**
 * The loop calls a function of this file decorated with a gradient context (`do_sampling(model, batch)` under
 * `@torch.no_grad()`, or `self.generate(...)`), or a helper it hands arguments to that runs the model it receives only
 * inside `with torch.no_grad():` (`acc_with_logits(model, x, y)` whose one line is `with torch.no_grad(): logits = model(x)`):
 * the model runs there, and its author has already decided.
 */
function delegatesToNoGradFunction(loop: Node, facts: FileFacts): boolean {
  const decided = noGradNames(facts);
  return loopCalls(loop).some((call) => {
    const fn = call.childForFieldName('function');
    const called =
      fn?.type === 'identifier'
        ? fn.text
        : fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self'
          ? fn.childForFieldName('attribute')?.text
          : null;
    if (!called) return false;
    if (decided.has(called)) return true;
    if (!mentionsGradContext(facts) || (call.childForFieldName('arguments')?.namedChildCount ?? 0) === 0) return false;
    const def = sameFileCallee(call, facts);
    return !!def && runsItsModelUnderGradContext(def, evalModeModelsAround(loop));
  });
}

/**
 * The models the function around the loop switches to eval mode (`rel_extractor.eval()`): a helper it calls may run one
 * of them as a module-level name rather than a parameter (TPLinker's `valid_step`, review72).
 */
function evalModeModelsAround(loop: Node): Set<string> {
  const def = enclosingDef(loop);
  const body = def?.childForFieldName('body');
  return body ? evalModeReceivers(body) : new Set();
}

/** The names of this file's defs decorated with a gradient context (`@torch.no_grad()`, `@torch.inference_mode()`), memoised per lint. */
const noGradNames = lintMemo(
  (facts) =>
    new Set(findDescendants(facts.root, (n) => n.type === 'function_definition' && gradDecorated(n)).map((d) => d.childForFieldName('name')?.text ?? '')),
);

/**
 * What an imported workspace module yields for modelRunsOnlyInNoGradCallees: the names it defines only with a gradient
 * context (a same-named undecorated def there leaves the name out, as undecoratedDefNamed does here).
 */
function onlyNoGradNames(facts: FileFacts): Set<string> {
  const names = new Set(noGradNames(facts));
  for (const name of names) if (undecoratedDefNamed(name, facts)) names.delete(name);
  return names;
}

/** Modules without parameters: on inputs that carry no gradient they record nothing. */
const PARAMETER_FREE_MODULE = /^torch\.nn\.(?:CosineSimilarity|PairwiseDistance|Softmax|LogSoftmax|Sigmoid|Tanh|ReLU|GELU|Identity|Flatten|Unflatten|\w*Loss)$/;

/**
 * The loop runs its models through methods this file decorates with a gradient context, called on another object
 * (`prior.embed_text(text)`, `predictor.predict_torch(points)` where `embed_text` and `predict_torch` are
 * `@torch.no_grad()` / `@torch.inference_mode()` methods of a class here, DALLE2's and SAM's shape), and every other
 * forward it makes is a parameter-free module (`cos(predicted, target)` with `cos = nn.CosineSimilarity()`) on their
 * outputs: nothing in the loop records autograd. Matched by method name: a same-named undecorated def breaks it.
 */
function modelRunsOnlyInNoGradCallees(loop: Node, facts: FileFacts): boolean {
  // ...or a workspace module this file imports from does: DALLE2's `trainer.embed_text(...)` and `trainer.p_sample_loop(...)`
  // are `@torch.no_grad()` methods of DiffusionPriorTrainer in dalle2_pytorch/trainer.py (judged wrong when reported).
  const imported = namesInImportedModules(facts, onlyNoGradNames);
  const decided = imported.size === 0 ? noGradNames(facts) : new Set([...noGradNames(facts), ...imported]);
  if (decided.size === 0) return false;
  const calls = loopCalls(loop);
  const viaDecorated = calls.filter((c) => {
    const called = calledMethodName(c);
    return !!called && decided.has(called) && !undecoratedDefNamed(called, facts);
  });
  if (viaDecorated.length === 0) return false;
  return loopForwards(loop, facts, calls).every((f) => viaDecorated.some((d) => d.equals(f)) || parameterFreeModuleCall(f, facts) || runsNoModel(f, facts));
}

/**
 * The loop's model calls: its training-loop record's forward evidence, and every call in it that runs a model (`calls`:
 * the loop's calls, when the caller has them already).
 */
function loopForwards(loop: Node, facts: FileFacts, calls = loopCalls(loop)): Node[] {
  const record = trainingLoops(facts).find((l) => l.node.equals(loop));
  return [...(record?.evidence ?? []), ...calls.filter((c) => isModelForward(c, facts, 0))];
}

/**
 * Every model call of the loop is an entry point that turns recording off itself: a transformers model's `generate`
 * (decorated with `torch.no_grad()`; simpletransformers' `predict`, review67), or `model.test()` after `model.set_input(...)`,
 * the pix2pix/CycleGAN model protocol whose `test` is `with torch.no_grad(): self.forward()` (gan-compression's
 * evolution search, review67). Both judged wrong.
 */
function forwardsOnlyNoGradEntryPoints(loop: Node, facts: FileFacts): boolean {
  const calls = loopCalls(loop);
  const protocolTest = (call: Node): boolean => {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'test') return false;
    const owner = fn.childForFieldName('object')?.text;
    return calls.some((c) => isSetInput(c) && c.childForFieldName('function')?.childForFieldName('object')?.text === owner);
  };
  const forwards = loopForwards(loop, facts, calls).filter((f) => !isSetInput(f));
  // The model calls the training-loop layer found, else (a model object that is no nn.Module) the protocol's own test call.
  if (forwards.length === 0) return calls.some(protocolTest);
  return forwards.every((f) => {
    const fn = f.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    return method === 'generate' ? facts.importsModule('transformers') : protocolTest(f);
  });
}

/** `model.set_input(batch)`: the pix2pix/CycleGAN protocol's way to hand a model its batch. */
function isSetInput(call: Node): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'set_input';
}

/** A gradient context that switches recording off: what a model's own `forward` may run its whole body under. */
const NO_GRAD_CONTEXT = /\b(no_grad|inference_mode)\b/;

/**
 * The model each forward of the loop calls is an object whose own `forward` runs its whole body under `torch.no_grad()` (or
 * `inference_mode`): a beam-search translator built for prediction. nlp-recipes' bertsum `predict` runs
 * `predictor(**input)` per batch, where `predictor = build_predictor(...)` (imported from the workspace module
 * bertsum/predictor.py) returns a `Translator` whose `forward` is one `with torch.no_grad():` block; review48 judged the
 * finding wrong (D001). The name must be bound only to such a construction (a class of this file or of an imported
 * workspace module, or a factory function there that returns one) or re-bound by a call that takes it as its first
 * argument (`predictor = move_to_device(predictor, device)`, `DataParallel(predictor)`).
 */
function forwardsRunNoGradModels(loop: Node, ctx: RuleContext): boolean {
  const forwards = loopForwards(loop, ctx.facts);
  return forwards.length > 0 && forwards.every((f) => noGradModelCall(f, ctx));
}

/** An annotation that declares a bundle of functions or fields, not a module: `namedtuple`, `Optional[namedtuple]`, `NamedTuple`. */
const FUNCTION_BUNDLE_ANNOTATION = /^(typing\.)?(Optional\[)?\s*(collections\.|typing\.)?(namedtuple|NamedTuple)\s*\]?$/;

/**
 * Each forward of the loop runs on a value declared as a `namedtuple`, a bundle of functions rather than a module:
 * DI-engine's evaluators and collectors hold a policy's `eval_mode`, a namedtuple of its functions whose `forward` runs
 * the model under `torch.no_grad()` itself (review56: both judges called the finding on `MetricSerialEvaluator.eval`
 * wrong). The receiver is a parameter so annotated, or `self.<attr>` that every assignment in its class binds to one.
 */
function forwardsOnFunctionBundles(loop: Node, ctx: RuleContext): boolean {
  const forwards = loopForwards(loop, ctx.facts);
  return forwards.length > 0 && forwards.every((f) => onFunctionBundle(f, ctx));
}

function onFunctionBundle(call: Node, ctx: RuleContext): boolean {
  const fn = call.childForFieldName('function');
  const receiver = fn?.type === 'attribute' && FORWARD_METHOD.test(fn.childForFieldName('attribute')?.text ?? '') ? fn.childForFieldName('object') : fn;
  const def = enclosingDef(call);
  if (!receiver || !def) return false;
  if (receiver.type === 'identifier') return bundleParameter(def, receiver.text);
  const attr = receiver.type === 'attribute' && receiver.childForFieldName('object')?.text === 'self' ? receiver.childForFieldName('attribute')?.text : null;
  const cls = attr ? classOfMethod(def) : null;
  if (!attr || !cls) return false;
  const stores = findDescendants(cls, (n) => n.type === 'assignment' && n.childForFieldName('left')?.text.replace(/\s+/g, '') === `self.${attr}`);
  return (
    stores.length > 0 &&
    stores.every((store) => {
      const value = store.childForFieldName('right');
      const method = enclosingDef(store);
      // The verdict rests on the other methods' parameters: an edit of their annotations re-runs it.
      if (method && !method.equals(def)) ctx.restsOn(method);
      return value?.type === 'identifier' && method !== null && bundleParameter(method, value.text);
    })
  );
}

/** def's parameter `name` is annotated as a namedtuple. */
function bundleParameter(def: Node, name: string): boolean {
  return FUNCTION_BUNDLE_ANNOTATION.test(parameterAnnotation(def, name)?.replace(/\s+/g, '') ?? '');
}

function noGradModelCall(call: Node, ctx: RuleContext): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier') return false;
  const def = enclosingDef(call);
  if (def && parameterNames(def).includes(fn.text)) return false;
  const bound = valuesAssignedTo(fn.text, call, ctx.facts).filter((v) => v.startIndex < call.startIndex);
  let built = false;
  for (const value of bound) {
    if (value.type !== 'call') return false;
    const first = positionalArguments(value)[0];
    if (first?.type === 'identifier' && first.text === fn.text) continue;
    if (!constructsNoGradModel(value, ctx)) return false;
    built = true;
  }
  return built;
}

/** `Translator(...)` or `build_predictor(...)`: a class whose forward runs under no_grad, or a factory returning one. */
function constructsNoGradModel(call: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier') return false;
  const cls = classIndex(facts).byClassName(fn.text);
  const local = cls?.node ?? localFunction(fn.text, call, facts);
  if (local) {
    ctx.restsOn(local);
    return noGradModels(facts).has(fn.text);
  }
  if (!facts.calleeName(call)?.includes('.')) return false;
  return importedFunctionHas(call, facts, noGradModels) || namesInImportedModules(facts, noGradModels).has(fn.text);
}

/**
 * The module-level classes of a module whose `forward` (or `__call__`) runs its whole body under `torch.no_grad()` or
 * `torch.inference_mode()` (one such `with` block after the docstring, or the decorator), and the module-level functions
 * whose every return is a construction of one of them (directly or through a name bound only to one).
 */
const noGradModels = lintMemo((facts): ReadonlySet<string> => {
  const found = new Set<string>();
  const defs: Node[] = [];
  for (const child of facts.root.namedChildren) {
    const d = child && definitionOf(child);
    if (d?.type === 'function_definition') defs.push(d);
    if (d?.type !== 'class_definition') continue;
    const name = d.childForFieldName('name')!.text;
    const info = classIndex(facts).byClassName(name);
    const forward = info?.methods.get('forward') ?? info?.methods.get('__call__');
    if (forward?.type === 'function_definition' && wholeBodyWithoutGrad(forward)) found.add(name);
  }
  if (found.size > 0) {
    for (const def of defs) {
      const body = def.childForFieldName('body')!;
      const returns = ownReturnStatements(body);
      const builds = (expr: Node | null | undefined): boolean => {
        if (expr?.type === 'call') {
          const fn = expr.childForFieldName('function');
          return fn?.type === 'identifier' && found.has(fn.text);
        }
        if (expr?.type !== 'identifier') return false;
        const bound = valuesAssignedTo(expr.text, expr, facts);
        return bound.length > 0 && bound.every((v) => builds(v));
      };
      if (returns.length > 0 && returns.every((r) => builds(r.namedChildren.find((c) => c?.type !== 'comment'))))
        found.add(def.childForFieldName('name')!.text);
    }
  }
  return found;
});

/** The def is decorated with no_grad / inference_mode, or its body (after a docstring) is one `with` block of one. */
function wholeBodyWithoutGrad(def: Node): boolean {
  if (def.parent?.type === 'decorated_definition' && def.parent.namedChildren.some((c) => c?.type === 'decorator' && NO_GRAD_CONTEXT.test(c.text))) return true;
  const statements = (def.childForFieldName('body')?.namedChildren ?? []).filter(
    (s): s is Node => s !== null && s.type !== 'comment' && !(s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string'),
  );
  return (
    statements.length === 1 &&
    statements[0].type === 'with_statement' &&
    NO_GRAD_CONTEXT.test(statements[0].namedChildren.find((c) => c?.type === 'with_clause')?.text ?? '')
  );
}

/**
 * Every model call of the loop (its forward evidence) runs a function of this file that runs no model itself and hands its
 * model to an imported library's inference API (`inference_detector(model, img)`, `inference_segmentor`): those high-level
 * entry points (mmdet, mmseg, mmpose) run the model under `torch.no_grad()` themselves. mmskeleton's `inference` loop only
 * calls `inference_model(image, detection_model, ...)`, which calls mmdet's `inference_detector` (judged wrong in review44).
 */
function reachesOnlyLibraryInference(loop: Node, facts: FileFacts): boolean {
  const forwards = loopForwards(loop, facts);
  return forwards.length > 0 && forwards.every((f) => handsModelOnlyToLibraryInference(f, facts));
}

/** The call runs a def of this file whose only model work is handing a model parameter to an imported inference API. */
function handsModelOnlyToLibraryInference(call: Node, facts: FileFacts): boolean {
  const def = sameFileCallee(call, facts);
  const body = def?.childForFieldName('body');
  if (!def || !body) return false;
  const params = new Set(parameterNames(def).filter((p) => p !== 'self'));
  let handed = false;
  for (const n of findDescendants(body, (x) => x.type === 'call', isNestedScope)) {
    if (libraryInference(n, facts)) {
      handed ||= positionalArguments(n).some((a) => a.type === 'identifier' && params.has(a.text) && MODEL_NAME.test(a.text));
      continue;
    }
    const fn = n.childForFieldName('function');
    const owner = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    const runsParam =
      (fn?.type === 'identifier' && params.has(fn.text)) ||
      (owner?.type === 'identifier' && params.has(owner.text) && FORWARD_METHOD.test(fn?.childForFieldName('attribute')?.text ?? ''));
    if (runsParam || isNamedModelCall(fn) || (fn && values(facts).calleeValue(fn)?.kind === 'module')) return false;
  }
  return handed;
}

/** A call of a function imported from a library other than torch, named for inference (`mmdet.apis.inference_detector`). */
function libraryInference(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  const qualified = fn?.type === 'identifier' && !localFunction(fn.text, call, facts) ? facts.calleeName(call) : null;
  if (!qualified || !qualified.includes('.') || qualified.startsWith('torch.')) return false;
  return /(^|_)(inference|infer|predict)(_|$)/.test(qualified.slice(qualified.lastIndexOf('.') + 1));
}

/**
 * `pad_gather_reduce(trainer, x)` (DALLE2's `report_cosine_sims`): the model handed to a function of this file that never
 * runs it, nor any other model (it reads `trainer.accelerator` to gather a number): no forward pass there.
 */
function runsNoModel(call: Node, facts: FileFacts): boolean {
  const def = sameFileCallee(call, facts);
  const body = def?.childForFieldName('body');
  if (!def || !body) return false;
  const params = new Set(parameterNames(def));
  const runs = findDescendants(
    body,
    (n) => {
      const fn = n.type === 'call' ? n.childForFieldName('function') : null;
      if (!fn) return false;
      if (fn.type === 'identifier' && params.has(fn.text)) return true;
      const owner = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
      return (
        (owner?.type === 'identifier' && params.has(owner.text) && !NOT_FORWARD.test(fn.childForFieldName('attribute')?.text ?? '')) || isNamedModelCall(fn)
      );
    },
    isNestedScope,
  );
  return runs.length === 0 && !runsAnotherModel(body, '', facts);
}

/** `name(...)`, `obj.name(...)`: the name of the def it calls. */
function calledMethodName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  return fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
}

/** A def of this file named `name` without a gradient-context decorator. */
function undecoratedDefNamed(name: string, facts: FileFacts): boolean {
  return identifiersSpelledInFile(facts, name).some((id) => {
    const def = id.parent;
    return def?.type === 'function_definition' && def.childForFieldName('name')?.equals(id) && !gradDecorated(def);
  });
}

/** The def is decorated with a gradient context (`@torch.no_grad()`, `@torch.inference_mode()`). */
function gradDecorated(def: Node): boolean {
  return def.parent?.type === 'decorated_definition' && def.parent.namedChildren.some((c) => c?.type === 'decorator' && isGradDecorator(c));
}

/** `cos(a, b)` where the function assigns `cos = nn.CosineSimilarity(...)` (or another module without parameters). */
function parameterFreeModuleCall(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  const def = enclosingDef(call);
  if (fn?.type !== 'identifier' || !def) return false;
  const assignedIn = (scope: Node) => findDescendants(scope, (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === fn.text, isNestedScope);
  const local = assignedIn(def.childForFieldName('body')!);
  // ...or, when the function binds no such name, at module level (DALLE2's `cos = nn.CosineSimilarity(dim=1)`).
  const assigned = local.length > 0 || parameterNames(def).includes(fn.text) ? local : assignedIn(facts.root);
  return (
    assigned.length > 0 &&
    assigned.every((a) => {
      const right = a.childForFieldName('right');
      return right?.type === 'call' && PARAMETER_FREE_MODULE.test(facts.calleeName(right) ?? '');
    })
  );
}

/** The calls in the loop's body, nested defs aside. */
function loopCalls(loop: Node): Node[] {
  return findDescendants(loop.childForFieldName('body') ?? loop, (n) => n.type === 'call', isNestedScope);
}

/**
 * The def a call runs, when it is in this file: a function called by name (nested in an enclosing def or at module
 * level), or a method of the caller's class called on `self`. Null otherwise.
 */
function sameFileCallee(call: Node, facts: FileFacts): Node | null {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' ? localFunction(fn.text, call, facts) : calledSelfMethod(call);
}

/**
 * Every call in the helper's body that runs one of its parameters (`model(x)`, `model.forward(x)`, `net.predict(x)`)
 * sits under a gradient context of its own, and there is at least one.
 */
function runsItsModelUnderGradContext(def: Node, evalModels: ReadonlySet<string> = new Set()): boolean {
  const body = def.childForFieldName('body');
  const own = parameterNames(def).filter((p) => p !== 'self');
  // An eval-mode model of the caller the helper reads as a global, unless the helper binds that name itself.
  const globals = [...evalModels].filter((m) => !own.includes(m) && plainAssignments(def, m).length === 0);
  const params = new Set([...own, ...globals]);
  if (!body || params.size === 0) return false;
  const forwards = findDescendants(
    body,
    (n) => {
      if (n.type !== 'call') return false;
      const fn = n.childForFieldName('function');
      if (fn?.type === 'identifier') return params.has(fn.text);
      return (
        fn?.type === 'attribute' && params.has(fn.childForFieldName('object')?.text ?? '') && FORWARD_METHOD.test(fn.childForFieldName('attribute')?.text ?? '')
      );
    },
    isNestedScope,
  );
  return forwards.length > 0 && forwards.every(gradDecided);
}

/**
 * Issue 24 (blind review30, kohya-ss' `prepare_buckets_latents.py`): `main` switches `vae` to eval mode, but its loop never
 * runs it; a nested `process_batch()` the loop calls hands it to `train_util.cache_batch_latents(vae, ...)`, a function of
 * the project's `library/` that encodes under `torch.no_grad()`. Silent when, wherever the loop reaches the eval-mode
 * model (its body, and the functions of this file it calls, two calls down), the model is only read (`vae.device`,
 * `vae.to(d)`) or handed to functions that run it only under a gradient context of their own (of this file, or of a
 * workspace module), at least once, and no other model runs there. A model handed to a library's function keeps the
 * finding, as does one handed to a helper that runs it with autograd.
 */
function evalModelOnlyHandedToGuardedCalls(def: Node, loop: Node, facts: FileFacts): boolean {
  const model = evalModeReceiver(def.childForFieldName('body')!);
  const body = loop.childForFieldName('body');
  if (!model || !body) return false;
  let handed = false;
  for (const scope of scopesReached(body, facts)) {
    if (runsAnotherModel(scope, model, facts)) return false;
    for (const use of spellingsOf(model, scope, isNestedScope)) {
      const found = modelUse(use);
      if (found.kind === 'read' || (found.kind === 'run' && gradDecided(use))) continue;
      if (found.kind !== 'handed' || !handedToGuardedCall(found.call, found.arg, facts)) return false;
      handed = true;
    }
  }
  return handed;
}

/** The loop's body and the bodies of the functions of this file it calls (closures, `self` methods, module functions), two calls down. */
function scopesReached(body: Node, facts: FileFacts): Node[] {
  const scopes = [body];
  let level = [body];
  for (let depth = 0; depth < 2; depth++) {
    const next: Node[] = [];
    for (const call of level.flatMap((scope) => findDescendants(scope, (n) => n.type === 'call', isNestedScope))) {
      const callee = sameFileCallee(call, facts)?.childForFieldName('body');
      if (!callee || scopes.some((s) => s.equals(callee))) continue;
      scopes.push(callee);
      next.push(callee);
    }
    level = next;
  }
  return scopes;
}

/** A call in scope (nested defs aside) of a model other than `model`: one named as a model (`net(x)`, `self.encoder(x)`) or known as an nn.Module. */
function runsAnotherModel(scope: Node, model: string, facts: FileFacts): boolean {
  const layer = values(facts);
  return (
    findDescendants(
      scope,
      (n) => {
        const fn = n.type === 'call' ? n.childForFieldName('function') : null;
        if (!fn || fn.text === model || (fn.type === 'attribute' && fn.childForFieldName('object')?.text === model)) return false;
        // `self.model_fn(self.model, batch)` is named like a model but is handed the model: a hand-off, judged as one.
        if (callArguments(n).some((a) => (a.type === 'keyword_argument' ? a.childForFieldName('value') : a)?.text === model)) return false;
        return isNamedModelCall(fn) || layer.calleeValue(fn)?.kind === 'module';
      },
      isNestedScope,
    ).length > 0
  );
}

/** Where scope spells `name` (`vae`, or `self.network`) as a value: not `x.vae`, not the keyword of `f(vae=...)`. */
function spellingsOf(name: string, scope: Node, stopAt?: (n: Node) => boolean): Node[] {
  const type = name.includes('.') ? 'attribute' : 'identifier';
  return findDescendants(
    scope,
    (n) =>
      n.type === type &&
      n.text === name &&
      !(n.parent?.type === 'attribute' && n.parent.childForFieldName('attribute')?.equals(n)) &&
      !(n.parent?.type === 'keyword_argument' && n.parent.childForFieldName('name')?.equals(n)),
    stopAt,
  );
}

type ModelUse = { kind: 'run' | 'read' | 'other' } | { kind: 'handed'; call: Node; arg: Node };

/**
 * What a spelling of a model does there: runs it (`vae(x)`, `vae.encode(x)`), only reads it (`vae.device` as a value,
 * `vae.to(d)`, `vae.eval()`), hands it to a call (`arg` is the argument, or its `name=` keyword argument), or something
 * else (`m = vae`, `vae.module.encode(x)`), which may run it.
 */
function modelUse(use: Node): ModelUse {
  const parent = use.parent;
  if (parent?.type === 'call') return { kind: parent.childForFieldName('function')?.equals(use) ? 'run' : 'other' };
  if (parent?.type === 'attribute' && parent.childForFieldName('object')?.equals(use)) {
    const above = parent.parent;
    if (above?.type === 'call' && above.childForFieldName('function')?.equals(parent)) {
      return { kind: NOT_FORWARD.test(parent.childForFieldName('attribute')?.text ?? '') ? 'read' : 'run' };
    }
    return { kind: above?.type === 'attribute' || above?.type === 'subscript' ? 'other' : 'read' };
  }
  const keyword = parent?.type === 'keyword_argument' && parent.childForFieldName('value')?.equals(use) ? parent : null;
  const list = keyword ? keyword.parent : parent;
  if (list?.type === 'argument_list' && list.parent?.type === 'call') return { kind: 'handed', call: list.parent, arg: keyword ?? use };
  return { kind: 'other' };
}

/**
 * The call that receives the model runs it only under a gradient context: it sits in one itself, or the function it
 * calls (of this file, or a top-level function of a workspace module) runs that parameter only under one.
 */
function handedToGuardedCall(call: Node, arg: Node, facts: FileFacts): boolean {
  if (gradDecided(call) || toldItEvaluates(call)) return true;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  const at = args.findIndex((a) => a.equals(arg));
  if (at < 0 || args.slice(0, at).some((a) => a.type === 'list_splat' || a.type === 'keyword_argument' || a.type === 'dictionary_splat')) return false;
  const slot = arg.type === 'keyword_argument' ? `=${arg.childForFieldName('name')?.text}` : `#${at}`;
  const local = sameFileCallee(call, facts);
  // `self.helper(self.vae)`: the method's first parameter is `self`.
  if (local) return guardedParameters(local, call.childForFieldName('function')?.type === 'attribute').includes(slot);
  return importedFunctionHas(call, facts, guardedParametersOfModule, slot);
}

/** Keywords that tell a callee it evaluates (`eval=True`, `mode="val"`) or must not train (`training=False`). */
const EVAL_FLAG = /^(eval|evaluate|evaluation|is_eval|eval_mode|inference|is_inference|test|is_test)$/;
const TRAIN_FLAG = /^(train|training|is_train|is_training|train_mode|requires_grad|compute_grad|with_grad)$/;
const EVAL_MODE = /^['"](eval|val|valid|validation|test|inference|predict)['"]$/;

/**
 * The call is told it evaluates: `model_fn(model, batch, eval=True)`, `step(model, x, training=False)`,
 * `run(model, x, mode="val")`. Such a callee sets its own gradient mode (review47: the pointnet2 trainer that PointWeb and
 * others copy hands the model to a `model_fn` that runs it under `torch.set_grad_enabled(not eval)`, judged wrong).
 */
function toldItEvaluates(call: Node): boolean {
  return [...keywordValues(call)].some(
    ([name, { text: value }]) =>
      (EVAL_FLAG.test(name) && value === 'True') || (TRAIN_FLAG.test(name) && value === 'False') || (name === 'mode' && EVAL_MODE.test(value)),
  );
}

/**
 * The parameters def runs only under a gradient context of its own (at least once, and every run, hand-off or other use
 * outside reads is under one; `@torch.no_grad()` on def covers all): `#0` by position, `=vae` by keyword.
 */
function guardedParameters(def: Node, skipFirst: boolean): string[] {
  const body = def.childForFieldName('body');
  const slots: string[] = [];
  let position = skipFirst ? -1 : 0;
  let positional = true;
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment' || p.type === 'positional_separator') continue;
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator') {
      positional = false;
      continue;
    }
    const name = p.type === 'identifier' ? p.text : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'))?.text;
    if (name && body && runsOnlyUnderGradContext(name, body)) slots.push(`=${name}`, ...(positional && position >= 0 ? [`#${position}`] : []));
    position++;
  }
  return slots;
}

/** Every use of the parameter in body that is not a read runs it or hands it on under a gradient context of body, and there is one. */
function runsOnlyUnderGradContext(param: string, body: Node): boolean {
  const uses = spellingsOf(param, body)
    .map((use) => ({ use, kind: modelUse(use).kind }))
    .filter(({ kind }) => kind !== 'read');
  return uses.length > 0 && uses.every(({ use, kind }) => kind !== 'other' && gradDecided(use) && !inNestedScope(use, body));
}

/** Node sits in a def, lambda or class inside body: it runs when that is called, maybe outside body's gradient context. */
function inNestedScope(node: Node, body: Node): boolean {
  for (let n = node.parent; n && !n.equals(body); n = n.parent) if (isNestedScope(n)) return true;
  return false;
}

/**
 * What a workspace module yields for importedFunctionHas: each top-level function's parameters that it runs only under a
 * gradient context, as `name#0` / `name=vae` (`train_util.cache_batch_latents`, whose `vae.encode(...)` calls sit in
 * `with torch.no_grad():`).
 */
function guardedParametersOfModule(facts: FileFacts): Set<string> {
  const out = new Set<string>();
  for (const child of facts.root.namedChildren) {
    const def = child && definitionOf(child);
    if (def?.type !== 'function_definition' || !GRAD_CONTEXT.test(child!.text)) continue;
    const name = def.childForFieldName('name')!.text;
    for (const slot of guardedParameters(def, false)) out.add(name + slot);
  }
  return out;
}

/**
 * The code needs autograd on: it computes gradients, freezes parameters or runs an attack itself (NEEDS_OR_FREEZES_GRAD,
 * runsAttack), or, for a loop, calls a helper of this file that does (a hand-written PGD step with `loss.backward()`
 * on the input, a `requires_grad_()` before an attack). `torch.no_grad()` around it would make those fail or do nothing.
 */
function needsGradients(node: Node, facts: FileFacts): boolean {
  // Code only: common-lit-kaggle's `eval_epoch` keeps a commented-out `# lr_scheduler.step()` (review63's recall hunt).
  if (NEEDS_OR_FREEZES_GRAD.test(codeTextOf(node)) || callsImportedGrad(node, facts) || runsAttack(node, facts)) return true;
  if (node.type !== 'for_statement' && node.type !== 'while_statement') return false;
  return loopCalls(node).some((call) => {
    const def = sameFileCallee(call, facts);
    const body = def?.childForFieldName('body') ?? gradClassOfInstance(call, node, facts);
    return !!body && !gradDecided(call) && (NEEDS_GRAD.test(codeTextOf(body)) || runsAttack(body, facts));
  });
}

/**
 * `attmap, outputs = gradcam(images)` where the function bound `gradcam` to an instance of a class of this file (`with
 * GradCAM(model, layer) as gradcam:`, or `gradcam = GradCAM(...)`): that class's body, whose `__call__` may backpropagate
 * (FACIL's LwM evaluation builds attention maps from gradients; review69 judged the `no_grad` advice wrong). Null otherwise.
 */
function gradClassOfInstance(call: Node, loop: Node, facts: FileFacts): Node | null {
  const fn = call.childForFieldName('function');
  const scope = enclosingDef(loop);
  if (fn?.type !== 'identifier' || !scope) return null;
  for (const bound of findDescendants(scope, (n) => (n.type === 'as_pattern' || n.type === 'assignment') && n.startIndex < call.startIndex, isNestedScope)) {
    const target = bound.type === 'as_pattern' ? bound.childForFieldName('alias')?.namedChild(0) : bound.childForFieldName('left');
    const value = bound.type === 'as_pattern' ? bound.namedChild(0) : bound.childForFieldName('right');
    if (target?.text !== fn.text || value?.type !== 'call') continue;
    const cls = value.childForFieldName('function');
    if (cls?.type !== 'identifier') continue;
    const [def] = definitionsNamed(facts, 'class_definition', cls.text);
    if (def) return def.childForFieldName('body');
  }
  return null;
}

/**
 * `from torch.autograd import grad` then `grad(outputs=energy, inputs=pos, create_graph=True)`: DIG's `val` computes
 * forces as the energy's gradient under the name the import binds (judged wrong in review38 when reported).
 */
function callsImportedGrad(node: Node, facts: FileFacts): boolean {
  return facts
    .importsOf('torch.autograd')
    .some(
      (b) =>
        (b.target === 'torch.autograd.grad' || b.target === 'torch.autograd.functional.jacobian') && new RegExp(`(?<![\\w.])${b.local}\\s*\\(`).test(node.text),
    );
}

/**
 * The code runs an adversarial attack, which differentiates the model's loss with respect to its input: a call of
 * something imported from an attack library (ATTACK_LIBRARIES: `torchattacks.PGD(model)(x, y)`), or, in a file that
 * imports one or a module of the project's own attacks (ATTACK_MODULE), a call of an object named as an attack (`adversary(x, y)`, `atk(images, labels)`,
 * `attack.generate(x=batch)`), which was built elsewhere and passed in.
 */
function runsAttack(node: Node, facts: FileFacts): boolean {
  if (!ATTACK_LIBRARIES.some((m) => facts.importsModule(m)) && !facts.imports.some((b) => ATTACK_MODULE.test(b.target))) return false;
  return (
    findDescendants(
      node,
      (n) => {
        if (n.type !== 'call') return false;
        if (ATTACK_CALLEE.test(facts.calleeName(n) ?? '')) return true;
        const fn = n.childForFieldName('function');
        const named = fn?.type === 'attribute' ? [fn.childForFieldName('object'), fn.childForFieldName('attribute')] : [fn];
        return named.some((x) => x?.type === 'identifier' && ATTACK_NAME.test(x.text));
      },
      isNestedScope,
    ).length > 0
  );
}

/** The function is called somewhere in this file under a gradient context: the caller already decided. */
function calledUnderGradContext(name: string, facts: FileFacts, depth = 0, seen = new Set<string>()): boolean {
  seen.add(name);
  // From where the file spells the name (its word index): a walk of the whole tree here, once per evaluation function and
  // caller, was most of the rule's time on a long file (1.4 s of a 5,000-line one).
  const calls = callsSpelledInFile(facts, name);
  if (calls.length === 0) return false;
  if (calls.some(gradDecided)) return true;
  // Through the functions of this file that call it: PointRCNN's main block runs `eval_single_ckpt` under `no_grad`, which
  // calls `eval_one_epoch`, which calls `eval_one_epoch_rpn` (review50: three findings judged wrong).
  if (depth >= MAX_CALLER_DEPTH) return false;
  return calls.some((call) => {
    const caller = enclosingDef(call)?.childForFieldName('name')?.text;
    return !!caller && !seen.has(caller) && calledUnderGradContext(caller, facts, depth + 1, seen);
  });
}

/** How many callers up a gradient context is looked for (the main block, a runner, an epoch loop, the evaluation). */
const MAX_CALLER_DEPTH = 3;

function enclosingDef(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return null;
}

/** `@torch.no_grad()` on its own line right above `def` (after any other decorators), with the import when missing. */
function decoratorEdit(def: Node, facts: FileFacts) {
  const { ref, edits } = ensureImport(facts, 'torch');
  const at = lineStartOf(facts.text, def.startIndex);
  // `async def`, or a def that shares its line with something else: leave it to the author.
  if (def.text.startsWith('async') || facts.text.slice(at, def.startIndex).trim() !== '') return undefined;
  const eol = facts.text.includes('\r\n') ? '\r\n' : '\n';
  return [...edits, insertAt(at, `${indentAt(facts.text, def.startIndex)}@${ref}.no_grad()${eol}`)];
}

/** A test file, unless it is an evaluation or inference program named like one (`u2net_test.py` with a `__main__` block). */
function isTestSuiteFile(ctx: RuleContext): boolean {
  return isTestFile(ctx.filePath) && !isTestNamedScript(ctx.filePath, ctx.facts);
}
