import { defineRule } from '../../server/engine/rule';
import { importedCallee, importedCallQuery, lintMemo } from '../../server/analysis';

const DDP = new Set(['torch.nn.parallel.DistributedDataParallel', 'torch.nn.parallel.distributed.DistributedDataParallel']);

/**
 * Signs that the process group is set up here or by a helper: init_process_group itself, a
 * helper named like `init_distributed_mode()` / `setup_ddp()`, or a launcher library that does it.
 */
const SETUP = /init_process_group|\b\w*(init\w*dist|dist\w*init|setup\w*(dist|ddp)|init\w*ddp)\w*\s*\(/i;
const LAUNCHERS = ['accelerate', 'lightning', 'pytorch_lightning', 'deepspeed', 'torch.distributed.run', 'ignite', 'colossalai', 'fairscale'];

const setsUpProcessGroup = lintMemo((facts) => SETUP.test(facts.text) || LAUNCHERS.some((m) => facts.importsModule(m)));

export default defineRule({
  id: 'torch-ddp-without-process-group',
  title: 'DistributedDataParallel with no init_process_group in sight',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'pytorch-distributed',
  requires: ['torch'],
  message: '`DistributedDataParallel` needs an initialised process group, and this file never calls `init_process_group()`',
  docs: {
    why:
      '`DistributedDataParallel` talks to the other processes through the default process group, so constructing ' +
      'it before `torch.distributed.init_process_group()` raises an error. This check only sees one file: if a ' +
      'helper in another module sets up the group, suppress it (helpers named like `init_distributed_mode()` or ' +
      '`setup_ddp()`, and launchers such as Accelerate or Lightning, already silence it).',
    instead:
      'Call `torch.distributed.init_process_group(backend="nccl")` (under `torchrun`, which sets `RANK`, ' +
      '`WORLD_SIZE` and `LOCAL_RANK`) before wrapping the model, and `destroy_process_group()` at the end.',
    example: {
      before: 'model = DDP(model, device_ids=[local_rank])',
      after: 'dist.init_process_group("nccl")\ntorch.cuda.set_device(local_rank)\nmodel = DDP(model.to(local_rank), device_ids=[local_rank])',
    },
  },
  query: importedCallQuery(['DistributedDataParallel']),
  check(m, ctx) {
    const call = m.need('call');
    if (!importedCallee(m.need('call'), m.need('fn'), ctx.facts, DDP)) return;
    if (setsUpProcessGroup(ctx.facts)) return;
    ctx.report({
      node: call.childForFieldName('function')!,
      message: `\`${call.childForFieldName('function')!.text}(...)\` needs an initialised process group, and this file never calls \`init_process_group()\``,
    });
  },
});
