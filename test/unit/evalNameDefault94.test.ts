// Round 94 (issue 24): `eval` of a parameter whose default is a class name (review70: keras-unet-collection's
// `activation='ReLU'`, IOPaint's `act='nn.GELU'`; eleven findings judged wrong, since ast.literal_eval and json.loads,
// which the message advised, cannot return a class).
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function evalFindings(source: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: ['eval-exec-untrusted'], filePath: '/tmp/perflens-r94/models/unet.py', impact: 'all' }).findings;
}

describe('eval-exec-untrusted: a parameter whose default is a (dotted) name', () => {
  it('is a hint that advises looking the name up', async () => {
    for (const def of ["activation='ReLU'", 'act="nn.GELU"', "norm_layer='nn.LayerNorm'"]) {
      const name = def.split('=')[0];
      const [f] = await evalFindings(`import torch.nn as nn\n\n\ndef block(x, ${def}):\n    layer = eval(${name})\n    return layer\n`);
      assert.ok(f, def);
      assert.equal(f.severity, 'hint', def);
      assert.match(f.message, /look the name up instead/, def);
      assert.doesNotMatch(f.message, /literal_eval/, def);
    }
  });

  it('keeps the parsing advice for a default that is an expression, and for no default', async () => {
    for (const def of ['expr="1 + 2"', 'expr']) {
      const [f] = await evalFindings(`def compute(${def}):\n    value = eval(expr)\n    return value * 2\n`);
      assert.ok(f, def);
      assert.match(f.message, /ast\.literal_eval/, def);
    }
  });

  it('advises looking the name up when the text splices a value into the called name (oceanspy, review70)', async () => {
    for (const text of [
      // A single literal template (`"dens{}(S)".format(x)`, an f-string) is a template the rule already leaves alone.
      '"_utils.dens{}(S, T, 0)-1000" "".format(params["eq_state"])',
      '"_utils.dens" + params["eq_state"] + "(S, T, 0)"',
    ]) {
      const [f] = await evalFindings(`def density(params, S, T):\n    return eval(${text})\n`);
      assert.ok(f, text);
      assert.match(f.message, /look the name up instead/, text);
    }
  });

  it('keeps the parsing advice when the value is spliced in as an argument', async () => {
    for (const text of ['"_utils.dens(" "{})".format(params["x"])', '"compute(" + params["x"] + ")"']) {
      const [f] = await evalFindings(`def density(params):\n    return eval(${text})\n`);
      assert.ok(f, text);
      assert.doesNotMatch(f.message, /look the name up/, text);
    }
  });
});
