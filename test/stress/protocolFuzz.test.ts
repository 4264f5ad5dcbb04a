// The short protocol-fuzzer run in npm test (the long one: npm run stress -- --protocol-minutes N).
// Fixed seed: the same operations every run (timings, and so the interleavings, vary). No huge
// documents here: their first lint in the worker takes tens of seconds on a loaded machine (the
// long run has them).
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';
import { formatReport, fuzzProtocol } from './protocolFuzz';

describe('language server: protocol fuzzer (short run)', function () {
  this.timeout(180_000);
  it('never crashes, answers every request in time, and every edit and settled diagnostic is right', async () => {
    const report = await fuzzProtocol({ seed: 2323, durationMs: 20_000, engine: await getEngine(), hugeEvery: 0, responseBoundMs: 45_000 });
    console.log(formatReport(report).replace(/^/gm, '      '));
    assert.deepEqual(report.violations, []);
    assert.ok((report.counts['requests'] ?? 0) > 100, 'the run sent too few requests to mean anything');
    assert.ok((report.counts['settled diagnostics equal to a full lint'] ?? 0) > 3);
  });
});
