import { defineRule, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  assignmentTarget,
  enclosingClass,
  enclosingLoops,
  FileFacts,
  findDescendants,
  importedFunctionHas,
  inheritedBaseNames,
  isDataLoaderCall,
  isNestedScope,
  keywordValue,
  ownReturnStatements,
  parameterNames,
  scopeBody,
  targetNames,
  unwrapIterable,
} from '../../server/analysis';
import { indentAt, insertAt, lineStartOf } from '../../server/fixes';

const SAMPLERS = new Set(['torch.utils.data.DistributedSampler', 'torch.utils.data.distributed.DistributedSampler']);

export default defineRule({
  id: 'torch-sampler-set-epoch',
  title: 'DistributedSampler used without set_epoch(epoch)',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-distributed',
  requires: ['torch'],
  message: '`DistributedSampler` without `set_epoch(epoch)` shuffles every epoch in the same order',
  docs: {
    why:
      '`DistributedSampler` seeds its shuffle with `seed + epoch`, and the epoch only changes when you call ' +
      '`sampler.set_epoch(epoch)`. Without it every epoch visits the samples in exactly the same order on every ' +
      'rank, which quietly weakens the shuffling that SGD relies on. Not reported for a sampler with `shuffle=False` or ' +
      'over an evaluation split (`val_sampler`, `DistributedSampler(test_data)`): metrics summed over the whole split ' +
      'do not depend on its order.',
    instead:
      'Call `sampler.set_epoch(epoch)` at the start of each epoch, before iterating the DataLoader. The same holds for a ' +
      "project's own subclass of `DistributedSampler` (a bucket sampler grouping samples of similar length), and for a sampler " +
      'handed to the loader as `batch_sampler=` (`loader.batch_sampler.set_epoch(epoch)`).',
    example: {
      before: 'sampler = DistributedSampler(ds)\nloader = DataLoader(ds, sampler=sampler)\nfor epoch in range(E):\n    for x, y in loader: ...',
      after:
        'sampler = DistributedSampler(ds)\nloader = DataLoader(ds, sampler=sampler)\nfor epoch in range(E):\n    sampler.set_epoch(epoch)\n    for x, y in loader: ...',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Call set_epoch(epoch) at the start of each epoch',
    reason: 'from the second epoch on, samples come in a different order than before (the intended shuffle, but results change)',
  },
  query: `
(assignment
  left: (identifier) @name
  right: (call
    function: [(identifier) @fn (attribute attribute: (identifier) @fn)]) @ctor)

(assignment
  left: (identifier) @name
  right: (conditional_expression
    (call
      function: [(identifier) @fn (attribute attribute: (identifier) @fn)]) @ctor))

(assignment
  left: (pattern_list) @names
  right: (expression_list
    (call
      function: [(identifier) @fn (attribute attribute: (identifier) @fn)]) @ctor))

(assignment
  left: (identifier) @name
  right: (dictionary_comprehension
    body: (pair
      value: (call
        function: [(identifier) @fn (attribute attribute: (identifier) @fn)]) @ctor)) @samplers)

(call
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @kw
      value: (call
        function: [(identifier) @fn (attribute attribute: (identifier) @fn)]) @ctor))
  (#any-of? @kw "sampler" "batch_sampler")) @loader`,
  check(m, ctx) {
    const ctor = m.need('ctor');
    const facts = ctx.facts;
    const fn = m.need('fn');
    // Attribute form by name; bare names by import binding, so any alias works (a map lookup).
    const library = SAMPLERS.has(facts.calleeName(ctor) ?? '');
    if (!library && !projectDistributedSampler(ctor, facts)) return;
    if (library && (fn.parent?.type === 'attribute' ? fn.text !== 'DistributedSampler' : !facts.binding(fn.text))) return;
    // shuffle=False: the order is fixed on purpose (evaluation), set_epoch changes nothing.
    if (keywordValue(ctor, 'shuffle')?.type === 'false') return;
    if (m.get('samplers')) {
      reportSamplerDict(ctor, m.need('name').text, ctx);
      return;
    }
    const scope = scopeBody(ctor);
    const inline = m.get('loader');
    // `train_sampler, shuffle = DistributedSampler(trainset), False` (flowtron, review41's recall hunt F3-01): the name at
    // the sampler's place in the pattern.
    const names = m.get('names');
    const sampler = inline ? null : names ? unpackedName(names, ctor) : m.need('name').text;
    if (!inline && !sampler) return;
    if (inline && !isDataLoaderCall(inline, facts)) return;
    if (forEvaluation(ctor, sampler)) return;

    const kind = library ? '`DistributedSampler`' : `\`${fn.text}\` (a \`DistributedSampler\`)`;
    // The DataLoaders that draw from this sampler, and the epoch loops that iterate them.
    const loaders = inline
      ? [inline]
      : findDescendants(scope, (n) => n.type === 'call' && drawsFrom(n, sampler!), isNestedScope).filter((c) => isDataLoaderCall(c, facts));
    for (const loader of loaders) {
      // The verdict rests on the bodies of the same-file helpers consulted on the way (RuleContext.restsOn): a loop over the
      // loader typed into one, or its set_epoch call removed, makes the finding appear.
      const rest = (def: Node) => ctx.restsOn(def);
      const local = epochLoopFor(loader, scope, facts, rest);
      const handed = local ? null : handedToEpochLoop(loader, scope, facts, rest);
      const epoch = local ?? handed ?? returnedToEpochLoop(loader, scope, facts, rest);
      if (!epoch) {
        if (reportAttributeLoader(loader, ctor, kind, ctx)) return;
        continue;
      }
      // set_epoch on THIS sampler (or on the loader's sampler) in THIS epoch loop, or in a same-file helper it calls.
      // In the caller of a function that returns the loader, any set_epoch there will do: the sampler may come back too.
      if (setsEpoch(epoch.loop, local ? sampler : null, epoch.loaderName, facts, rest)) return;
      if (!local && /\.set_epoch\s*\(/.test(epoch.loop.text)) return;
      const owner = local ? (sampler ?? (epoch.loaderName ? `${epoch.loaderName}.sampler` : null)) : `${epoch.loaderName}.sampler`;
      // `RandomSampler(...) if rank == -1 else DistributedSampler(...)` (CodeT5), or the same name bound in an if/else: an
      // unconditional `sampler.set_epoch(epoch)` would raise on the RandomSampler branch, so no edit is offered. No fix in the
      // caller of a function returning the loader either: it may hand back a loader without this sampler (`sampler=None` on one GPU).
      const otherSampler = ctor.parent?.type === 'conditional_expression' || (sampler !== null && assignmentsTo(scope, sampler) > 1);
      const fix = owner && local && !otherSampler ? setEpochEdit(ctx.text, epoch.loop, owner) : null;
      const call = `${owner ?? 'sampler'}.set_epoch(${epoch.variable ?? 'epoch'})`;
      const caller = local ? null : epoch.helper?.childForFieldName('name')?.text;
      ctx.report({
        node: ctor,
        message: handed
          ? `This ${kind} feeds a loader that \`${caller}\` iterates, whose epoch loop never tells it the epoch: call \`${call}\` there at the start of each epoch (when the loader has this sampler), or every epoch repeats the same order`
          : caller
            ? `This ${kind} goes back with \`${epoch.loaderName}\` to \`${caller}\`, whose epoch loop never tells it the epoch: call \`${call}\` there at the start of each epoch (when the loader has this sampler), or every epoch repeats the same order`
            : `This ${kind} is never told the epoch: call \`${call}\` at the start of each epoch, or every epoch repeats the same order`,
        edits: fix && epoch.variable ? [fix(epoch.variable)] : undefined,
        // The finding rests on the helper's loop over the loader (the mismatch probe's seed 24 broke it in the helper).
        restsOn: epoch.helper ?? undefined,
      });
      return;
    }
  },
});

/**
 * `img_sampler = {x: DistributedSampler(image_datasets[x]) for x in ["train", "val"]}`, `dataloaders = {x: DataLoader(...,
 * sampler=img_sampler[x]) for x in ...}`, then `for phase in ...: for data in dataloaders[phase]` inside an epoch loop (the
 * PyTorch transfer-learning tutorial made distributed: Person_reID's train_DDP.py, review43's recall hunt F3-02). Which
 * split a key is cannot be told, so only a file that never spells `set_epoch` is reported, and without a fix.
 */
function reportSamplerDict(ctor: Node, samplers: string, ctx: RuleContext): void {
  const facts = ctx.facts;
  if (facts.wordOffsets('set_epoch').length > 0) return;
  const scope = scopeBody(ctor);
  const drawsFromDict = (n: Node) => {
    const value = n.type === 'call' ? keywordValue(n, 'sampler') : null;
    return value?.type === 'subscript' && value.childForFieldName('value')?.text === samplers && isDataLoaderCall(n, facts);
  };
  for (const loader of findDescendants(scope, drawsFromDict, isNestedScope)) {
    const loaders = comprehensionName(loader);
    const epoch = loaders ? dictEpochLoop(loaders, scope, ctx) : null;
    if (!loaders || !epoch) continue;
    ctx.report({
      node: ctor,
      message:
        `These \`DistributedSampler\`s (one per key of \`${samplers}\`) are never told the epoch: call \`${samplers}[...].set_epoch(${epoch.variable ?? 'epoch'})\` ` +
        `for the training split at the start of each epoch, or every epoch repeats the same order`,
      restsOn: epoch.helper ?? undefined,
      // Made once at module level, but read by every epoch of the loop: the setup is not what the ranking should weigh.
      hotReason: `every epoch of the loop at line ${epoch.loop.startPosition.row + 1} draws from these samplers`,
      hotDespiteSetup: true,
    });
    return;
  }
}

/** `loaders` in `loaders = {k: <call> for k in ...}` where the call is the comprehension's value, else null. */
function comprehensionName(call: Node): string | null {
  const pair = call.parent;
  const comprehension = pair?.type === 'pair' && pair.childForFieldName('value')?.equals(call) ? pair.parent : null;
  const assignment = comprehension?.type === 'dictionary_comprehension' ? comprehension.parent : null;
  const left = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(comprehension!) ? assignment.childForFieldName('left') : null;
  return left?.type === 'identifier' ? left.text : null;
}

/**
 * The epoch loop around a loop over `loaders[key]`: in the scope of the dict, or (a module-level dict) in a module-level
 * function that reads the global without binding it. Each such function is what the verdict rests on.
 */
function dictEpochLoop(loaders: string, scope: Node, ctx: RuleContext): EpochLoop | null {
  const facts = ctx.facts;
  const homes = scope.type === 'module' ? [scope, ...moduleFunctions(scope).filter((f) => readsGlobal(f, loaders))] : [scope];
  for (const home of homes) {
    if (home.type === 'function_definition') ctx.restsOn(home);
    const body = home.type === 'function_definition' ? home.childForFieldName('body') : home;
    const overDict = (n: Node) => {
      const right = n.type === 'for_statement' ? n.childForFieldName('right') : null;
      const inner = right ? unwrapIterable(right, facts).inner : null;
      return inner?.type === 'subscript' && inner.childForFieldName('value')?.text === loaders;
    };
    for (const loop of body ? findDescendants(body, overDict, isNestedScope) : []) {
      // `for phase in splits` (or `in ["train", "val"]`) around it goes over the splits, not the epochs: the outermost other
      // loop is the epoch loop.
      const key = unwrapIterable(loop.childForFieldName('right')!, facts).inner.childrenForFieldName('subscript');
      const keyNames = new Set(key.flatMap((k) => (k ? [k, ...k.descendantsOfType('identifier')] : [])).map((k) => k!.text));
      const overSplits = (l: Node) =>
        /^(list|tuple)$/.test(l.childForFieldName('right')?.type ?? '') || targetNames(l.childForFieldName('left') ?? l).some((n) => keyNames.has(n));
      const outer = enclosingLoops(loop)
        .reverse()
        .find((l) => !overSplits(l));
      if (outer) return { loop: outer, variable: epochVariable(outer), loaderName: null, helper: home.type === 'function_definition' ? home : null };
    }
  }
  return null;
}

/** The module's function definitions, decorated or not (not methods). */
function moduleFunctions(root: Node): Node[] {
  return root.namedChildren.flatMap((c) => {
    const def = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
    return def?.type === 'function_definition' ? [def] : [];
  });
}

/** The function spells `name` and never binds it (no assignment, parameter or loop target of that name): it reads the global. */
function readsGlobal(fn: Node, name: string): boolean {
  if (!new RegExp(`\\b${name}\\b`).test(fn.text) || parameterNames(fn).includes(name)) return false;
  const binds = (n: Node) => (n.type === 'assignment' || n.type === 'for_statement') && targetNames(n.childForFieldName('left') ?? n).includes(name);
  return findDescendants(fn, binds, isNestedScope).length === 0;
}

/** How many assignments in the function (not in nested defs) bind `name`. */
function assignmentsTo(scope: Node, name: string): number {
  return findDescendants(scope, (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === name, isNestedScope).length;
}

/** The identifier at the place of `value` in `a, b = value, other`, or null when the two sides do not pair up. */
function unpackedName(names: Node, value: Node): string | null {
  const right = value.parent;
  const items = (n: Node | null) => n?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const targets = items(names);
  const values = items(right);
  const index = values.findIndex((v) => v.equals(value));
  if (index < 0 || targets.length !== values.length) return null;
  return targets[index].type === 'identifier' ? targets[index].text : null;
}

/** The epoch loop found for a loader: the loop, its variable, the name the loader is bound to, the helper that iterates it. */
interface EpochLoop {
  loop: Node;
  variable: string | null;
  loaderName: string | null;
  helper: Node | null;
}

/**
 * `def prepare_dataloaders(...): ... return train_loader, valset` and `train_loader, valset = prepare_dataloaders(...)` in
 * another function of the file, whose epoch loop iterates it (flowtron's and tacotron2's train.py; review41's recall hunt,
 * F3-01): the epoch loop of the one caller of the module-level function that makes the loader, at its one place in what
 * the function returns.
 */
function returnedToEpochLoop(loader: Node, scope: Node, facts: FileFacts, rest: (def: Node) => void): EpochLoop | null {
  const assigned = assignmentTarget(loader);
  const def = scope.parent;
  const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : null;
  if (assigned?.type !== 'identifier' || !name || !sameFileFunction(name, facts)) return null;
  const place = returnedPlace(def!, assigned.text);
  if (place === undefined) return null;
  const callers = findDescendants(facts.root, (n) => n.type === 'call' && n.childForFieldName('function')?.text === name);
  if (callers.length !== 1) return null;
  const call = callers[0];
  const target = assignmentTarget(call);
  const received = place === null ? target : target?.type === 'pattern_list' ? target.namedChildren.filter((c) => c !== null)[place] : null;
  if (received?.type !== 'identifier') return null;
  const home = enclosingFunction(call);
  const body = home?.childForFieldName('body');
  if (!home || !body) return null;
  rest(home);
  const epoch = loopsOver(null, received.text, body, facts, rest);
  return epoch ? { ...epoch, helper: epoch.helper ?? home } : null;
}

/**
 * `TrainImgLoader = DataLoader(train_dataset, sampler=train_sampler)` in the `__main__` block, then `train(model, ...,
 * TrainImgLoader, ...)`, a function of the file whose epoch loop iterates that parameter (CasMVSNet's and CasStereoNet's
 * train.py, review72's hunt): the epoch loop is the callee's, and the loader reaches it under the parameter's name. Or
 * a function of the module reads the loader as a global in its epoch loop (CasStereoNet's main.py).
 */
function handedToEpochLoop(loader: Node, scope: Node, facts: FileFacts, rest: (def: Node) => void): EpochLoop | null {
  const assigned = assignmentTarget(loader);
  if (assigned?.type !== 'identifier') return null;
  const calls = findDescendants(scope, (n) => n.type === 'call' && n.startIndex > loader.endIndex, isNestedScope);
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    const helper = callee?.type === 'identifier' ? sameFileFunction(callee.text, facts) : null;
    const def = helper?.type === 'decorated_definition' ? helper.childForFieldName('definition') : helper;
    const body = def?.childForFieldName('body');
    if (!helper || !def || !body || def.equals(enclosingFunction(loader) ?? loader)) continue;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
    const index = args.findIndex((a) => a.type === 'identifier' && a.text === assigned.text);
    const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('value')?.text === assigned.text);
    const positional =
      index >= 0 && args.slice(0, index).every((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
    const param = keyword ? keyword.childForFieldName('name')?.text : positional ? parameterNames(def)[index] : undefined;
    if (!param) continue;
    rest(helper);
    const epoch = loopsOver(null, param, body, facts, rest);
    if (epoch) return { ...epoch, helper: epoch.helper ?? def };
  }
  // A loader made at module level and read as a global by a function's epoch loop (CasStereoNet's `train()`).
  if (enclosingFunction(loader)) return null;
  for (const fn of moduleFunctions(facts.root)) {
    const body = fn.childForFieldName('body');
    if (!body || !readsGlobal(fn, assigned.text)) continue;
    const epoch = loopsOver(null, assigned.text, body, facts, rest);
    if (!epoch) continue;
    rest(fn);
    return { ...epoch, helper: epoch.helper ?? fn };
  }
  return null;
}

/** Where the def's every return hands back `name`: null for `return name`, the index for `return name, other`; undefined otherwise. */
function returnedPlace(def: Node, name: string): number | null | undefined {
  const returns = ownReturnStatements(def);
  let place: number | null | undefined = undefined;
  for (const ret of returns) {
    const value = ret.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null;
    const here =
      value?.type === 'identifier' && value.text === name
        ? null
        : value?.type === 'expression_list'
          ? value.namedChildren.filter((c) => c !== null && c.type !== 'comment').findIndex((c) => c!.type === 'identifier' && c!.text === name)
          : -1;
    if (here === -1 || (place !== undefined && place !== here)) return undefined;
    place = here;
  }
  return place;
}

function enclosingFunction(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return null;
}

/**
 * A name that says the split is for evaluation: `val_sampler`, `DistributedSampler(valid_set)`, `test_data`, and the
 * same words run together (UniMatch's `valsampler = DistributedSampler(valset)`, review72).
 */
const EVALUATION_NAME =
  /(?:^|_)(?:val|valid|validation|eval|evaluation|test|dev)(?:_|\d|$)|^(?:val|valid|eval|test|dev)(?:sampler|set|data|dataset|loader|ds)$/i;

/**
 * A sampler over an evaluation split (semseg's `val_sampler = DistributedSampler(val_data)`): every epoch's metrics sum
 * over the whole split, so its order changes nothing and set_epoch is not needed (a blind review judged the finding wrong).
 */
function forEvaluation(ctor: Node, sampler: string | null): boolean {
  const data = ctor.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument');
  return EVALUATION_NAME.test(sampler ?? '') || (data?.type === 'identifier' && EVALUATION_NAME.test(data.text));
}

/** `<sampler>.set_epoch(` / `<loader>.sampler.set_epoch(` in the epoch loop, or any set_epoch in a same-file function it calls. */
function setsEpoch(loop: Node, sampler: string | null, loaderName: string | null, facts: FileFacts, rest: (def: Node) => void): boolean {
  const owners = [
    sampler,
    loaderName && `${loaderName}.sampler`,
    loaderName && `${loaderName}.batch_sampler`,
    loaderName && `${loaderName}.batch_sampler.sampler`,
    loaderName,
  ].filter((o): o is string => !!o);
  const calls = findDescendants(loop, (n) => n.type === 'call');
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'set_epoch') {
      if (owners.includes(callee.childForFieldName('object')?.text ?? '')) return true;
    }
    // `getattr(loader.sampler, "set_epoch")`, `hasattr(...)` guards: the text names the sampler and set_epoch.
    if (callee?.type === 'identifier' && /^(getattr|hasattr)$/.test(callee.text) && /set_epoch/.test(call.text)) return true;
    const helper = callee?.type === 'identifier' ? sameFileFunction(callee.text, facts) : null;
    if (helper) rest(helper);
    if (helper && /\.set_epoch\s*\(/.test(helper.text)) return true;
  }
  return false;
}

/** The DataLoader call draws from the sampler named so: `sampler=train_sampler`, or `batch_sampler=train_sampler`. */
function drawsFrom(call: Node, sampler: string): boolean {
  return keywordValue(call, 'sampler')?.text === sampler || keywordValue(call, 'batch_sampler')?.text === sampler;
}

/**
 * A class of a workspace module that subclasses `DistributedSampler` (VITS' `DistributedBucketSampler`, copied by its
 * many forks: batches of similar lengths, shuffled with `self.epoch` as the base class does).
 */
function projectDistributedSampler(ctor: Node, facts: FileFacts): boolean {
  // Every assignment of a call reaches here: only a class named as a sampler is looked up in its module.
  const name = ctor.childForFieldName('function');
  const last = name?.type === 'attribute' ? name.childForFieldName('attribute')?.text : name?.text;
  return /Sampler$/.test(last ?? '') && importedFunctionHas(ctor, facts, distributedSamplerClasses);
}

/** The top-level classes of a module that derive from torch's `DistributedSampler` (inheritedBaseNames). */
function distributedSamplerClasses(facts: FileFacts): ReadonlySet<string> {
  const names = new Set<string>();
  for (const c of facts.root.namedChildren) {
    const cls = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
    if (cls?.type !== 'class_definition') continue;
    for (const base of inheritedBaseNames(cls, facts))
      if (SAMPLERS.has(base)) {
        names.add(cls.childForFieldName('name')!.text);
        break;
      }
  }
  return names;
}

/** A module-level function of this file with that name (none when the name is imported or bound twice). */
function sameFileFunction(name: string, facts: FileFacts): Node | null {
  if (facts.binding(name)) return null;
  const defs = facts.root.namedChildren.filter(
    (c): c is Node =>
      c !== null &&
      (c.type === 'function_definition' ? c : c.type === 'decorated_definition' ? c.childForFieldName('definition') : null)?.childForFieldName('name')?.text ===
        name,
  );
  return defs.length === 1 ? defs[0] : null;
}

/**
 * The outer (epoch) loop around the iteration of `loader`: the loader is iterated (directly, or
 * through the name it is assigned to) by a for loop nested in another loop of the same function,
 * or handed per iteration to a same-file function that iterates it (`train_one_epoch(loader)`).
 */
function epochLoopFor(loader: Node, scope: Node, facts: FileFacts, rest: (def: Node) => void): EpochLoop | null {
  const assigned = assignmentTarget(loader);
  const loaderName = assigned?.type === 'identifier' ? assigned.text : null;
  return loopsOver(loader, loaderName, scope, facts, rest);
}

/** The epoch loop in `scope` around a loop over `loader` (the call, or the name it is bound to), or the loop handing it to a helper. */
function loopsOver(loader: Node | null, loaderName: string | null, scope: Node, facts: FileFacts, rest: (def: Node) => void): EpochLoop | null {
  const names = loaderName !== null ? loaderNames(scope, loaderName, facts) : new Set<string>();
  for (const loop of findDescendants(scope, (n) => n.type === 'for_statement' || n.type === 'while_statement', isNestedScope)) {
    const right = loop.type === 'for_statement' ? loop.childForFieldName('right') : null;
    const inner = right ? unwrapIterable(right, facts).inner : null;
    const iterates = inner !== null && ((loader !== null && inner.equals(loader)) || (inner.type === 'identifier' && names.has(inner.text)));
    if (iterates) {
      const outer = enclosingLoops(loop)[0];
      // A loader created inside the epoch loop (iterated once per epoch) is also fine: the loop is `outer`.
      if (outer) return { loop: outer, variable: epochVariable(outer), loaderName, helper: null };
      continue;
    }
    const helper = loaderName !== null ? iteratingHelper(loop, loaderName, facts, rest) : null;
    if (helper) return { loop, variable: epochVariable(loop), loaderName, helper };
  }
  return null;
}

/**
 * The loader's name and the names bound to a progress-bar or enumerate wrapper of it, or to the loader itself, in the same
 * function (CodeT5's `bar = tqdm(train_dataloader, ...)` at the top of each epoch, then `for step, batch in enumerate(bar)`):
 * iterating the wrapper iterates the loader. Only a name bound once, to such a wrapper or alias, counts.
 */
function loaderNames(scope: Node, loaderName: string, facts: FileFacts): Set<string> {
  const names = new Set([loaderName]);
  const bindings = new Map<string, number>();
  const wrappers: string[] = [];
  for (const a of findDescendants(scope, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    bindings.set(left.text, (bindings.get(left.text) ?? 0) + 1);
    const right = a.childForFieldName('right');
    // A plain alias (`bar = train_dataloader`, CodeXGLUE's run.py files) iterates the same loader as a wrapper does.
    if (right?.type === 'identifier' && right.text === loaderName) {
      wrappers.push(left.text);
      continue;
    }
    const inner = right?.type === 'call' ? unwrapIterable(right, facts).inner : null;
    if (inner && !inner.equals(right!) && inner.type === 'identifier' && inner.text === loaderName) wrappers.push(left.text);
  }
  for (const w of wrappers) if (bindings.get(w) === 1) names.add(w);
  return names;
}

/** The same-file def that the loop's body hands the loader to and that iterates its parameter (one pass per iteration), or null. */
function iteratingHelper(loop: Node, loaderName: string, facts: FileFacts, rest: (def: Node) => void): Node | null {
  const body = loop.childForFieldName('body');
  if (!body) return null;
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    const callee = call.childForFieldName('function');
    const helper = callee?.type === 'identifier' ? sameFileFunction(callee.text, facts) : null;
    const def = helper?.type === 'decorated_definition' ? helper.childForFieldName('definition') : helper;
    if (!helper || !def) continue;
    rest(helper);
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const index = args.findIndex((a) => a?.type === 'identifier' && a.text === loaderName);
    const keyword = args.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('value')?.text === loaderName);
    const params = parameterNames(def);
    const param = keyword ? keyword.childForFieldName('name')?.text : index >= 0 ? params[index] : undefined;
    if (!param) continue;
    const iterates = (n: Node) => n.type === 'for_statement' && unwrapIterable(n.childForFieldName('right')!, facts).inner.text === param;
    if (findDescendants(def, iterates, isNestedScope).length > 0) return def;
  }
  return null;
}

/**
 * `self._train_loader = DataLoader(train_set, sampler=train_sampler)` in a setup method, and `for epoch in ...: for data in
 * self._train_loader:` in another method of the class (FixRes' trainers, review71's hunt): a class that never spells
 * `set_epoch` cannot tell the sampler the epoch, whatever the method. Reported without a fix (the sampler is a local of
 * another method: `self._train_loader.sampler.set_epoch(epoch)` reaches it).
 */
function reportAttributeLoader(loader: Node, ctor: Node, kind: string, ctx: RuleContext): boolean {
  const left = assignmentTarget(loader);
  if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== 'self') return false;
  const classOf = (n: Node) => {
    const method = enclosingFunction(n);
    return method ? enclosingClass(method) : null;
  };
  const cls = classOf(loader);
  if (!cls || /\.set_epoch\s*\(/.test(cls.text)) return false;
  const facts = ctx.facts;
  for (const loop of findDescendants(cls, (n) => n.type === 'for_statement')) {
    const right = loop.childForFieldName('right');
    if (!right || unwrapIterable(right, facts).inner.text !== left.text) continue;
    const outer = enclosingLoops(loop)[0];
    if (!outer || !classOf(outer)?.equals(cls)) continue;
    const variable = epochVariable(outer) ?? 'epoch';
    const method = enclosingFunction(outer)?.childForFieldName('name')?.text;
    ctx.report({
      node: ctor,
      message: `This ${kind} feeds \`${left.text}\`, whose epoch loop${method ? ` in \`${method}\`` : ''} never tells it the epoch: call \`${left.text}.sampler.set_epoch(${variable})\` at the start of each epoch, or every epoch repeats the same order`,
    });
    return true;
  }
  return false;
}

function epochVariable(outer: Node): string | null {
  if (outer.type !== 'for_statement') return null;
  const left = outer.childForFieldName('left');
  const names = left ? targetNames(left) : [];
  return left?.type === 'identifier' && !/^_+$/.test(left.text) ? left.text : (names.find((n) => /epoch/i.test(n)) ?? null);
}

function setEpochEdit(text: string, loop: Node, sampler: string): ((variable: string) => ReturnType<typeof insertAt>) | null {
  const body = loop.childForFieldName('body');
  const first = body?.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null;
  if (!body || !first) return null;
  // A one-line body (`for e in r: f()`) has no line of its own to insert into.
  if (lineStartOf(text, first.startIndex) === lineStartOf(text, loop.startIndex)) return null;
  const indent = indentAt(text, first.startIndex);
  const at = lineStartOf(text, first.startIndex);
  return (variable) => insertAt(at, `${indent}${sampler}.set_epoch(${variable})${detectEol(text)}`);
}
