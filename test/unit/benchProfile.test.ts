// The bench's before/after profile table reads each build's profile.js output back as text; an older
// build's profile.js prints no inference figure, a newer one may.
import * as assert from 'node:assert/strict';
import { parseProfile } from '../../bench/profileText';

const OLD_BUILD = `447 files, 210 findings, wall 4762 ms, cpu 4130 ms
parse 1660 ms, query 1685 ms (608 passes; gated 693 ms, anchored 182 ms), facts 38 ms, checks 733 ms
  pass (base)                                                          782 ms   446 passes
  pass functools                                                       108 ms    25 passes
  slots-candidate                                   67 ms     2752 matches
  recursion-without-memoization                     66 ms    12924 matches
`;

describe('bench profile text', () => {
  it('reads the phases, passes and slowest checks of a build without an inference figure', () => {
    const p = parseProfile(OLD_BUILD);
    assert.deepEqual(
      { files: p.files, cpu: p.cpuMs, parse: p.parseMs, query: p.queryMs, passes: p.passes, facts: p.factsMs, checks: p.checksMs, inference: p.inferenceMs },
      { files: 447, cpu: 4130, parse: 1660, query: 1685, passes: 608, facts: 38, checks: 733, inference: undefined },
    );
    assert.deepEqual(p.top, [
      ['slots-candidate', 67],
      ['recursion-without-memoization', 66],
    ]);
  });

  it('reads the impact ranking when a build reports it, and leaves it unknown when not', () => {
    assert.equal(parseProfile(OLD_BUILD).rankingMs, undefined);
    const p = parseProfile(OLD_BUILD.replace('checks 733 ms', 'checks 733 ms (of which inference 120 ms), impact ranking 95 ms'));
    assert.equal(p.rankingMs, 95);
    assert.equal(p.checksMs, 733);
  });

  it('reads the inference share of the checks when a build reports it', () => {
    const p = parseProfile(OLD_BUILD.replace('checks 733 ms', 'checks 733 ms (of which inference 120 ms)'));
    assert.equal(p.inferenceMs, 120);
    assert.equal(p.checksMs, 733);
  });
});
