import * as assert from 'node:assert/strict';
import { hasWord, possibleCallsOf, textMatches, wordOffsets } from '../../server/engine/spelling';

describe('spelling prefilters', () => {
  it('finds whole words only', () => {
    assert.deepEqual(wordOffsets('profile profiler _profile profile', 'profile'), [0, 26]);
    assert.equal(hasWord('line_profiler', 'profile'), false);
    assert.equal(hasWord('x = profile(1)', 'profile'), true);
    assert.equal(hasWord('', 'profile'), false);
  });

  it('counts possible bare calls', () => {
    assert.equal(possibleCallsOf('f(1); x.f(2); f (3); g(f)', 'f'), 2);
  });

  it('answers word gates exactly as the regular expression does', () => {
    const gates = [/\b(async|await)\b/, /\bprofile\b/, /\b(create_task|ensure_future)\b/, /__slots__/, /\bAsync\b/i];
    const texts = [
      'async def f(): pass',
      'asyncio.run(main())',
      'x = awaitable',
      'await x',
      '@profile\ndef f(): pass',
      'profiler = 1',
      'loop.create_task(c)',
      'ensure_futures()',
      'class A:\n    __slots__ = ()',
      'ASYNC = 1',
      'é_async',
      'async',
      '',
    ];
    for (const gate of gates) {
      for (const text of texts) assert.equal(textMatches(gate, text), gate.test(text), `${gate} on ${JSON.stringify(text)}`);
    }
  });
});
