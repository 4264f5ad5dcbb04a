import * as assert from 'node:assert/strict';
import {
  forEachSpelling,
  gateHit,
  gateHitNear,
  GateWords,
  hasWord,
  hitOutlivesEdits,
  isSpelledBetween,
  possibleCallsOf,
  TextGates,
  WordIndex,
  wordOffsets,
  wordRunsNear,
} from '../../server/syntax/spelling';
import { isForeignAttribute } from '../../server/engine/incremental';
import { ALL_RULES } from '../../rules';

describe('spelling prefilters', () => {
  it('finds whole words only', () => {
    assert.deepEqual(wordOffsets('profile profiler _profile profile', 'profile'), [0, 26]);
    assert.equal(hasWord('line_profiler', 'profile'), false);
    assert.equal(hasWord('x = profile(1)', 'profile'), true);
    assert.equal(hasWord('', 'profile'), false);
  });

  it('keeps a remembered word index exact across random edits (shifted away from the edit, searched again near it)', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const words = ['a', 'ab', 'abc', 'b', 'self', 'x1'];
    const alphabet = ['a', 'b', 'c', ' ', '.', '(', '1', 'x', 's', 'e', 'l', 'f', '\n', 'é'];
    let text = 'self.a = ab(abc, b)\nx1 = a + self.b\nabc ab a b';
    let index = new WordIndex(text);
    for (const w of words) index.of(w);
    for (let step = 0; step < 3000; step++) {
      const start = random(text.length + 1);
      const oldEnd = Math.min(text.length, start + random(4));
      const inserted = Array.from({ length: random(4) }, () => alphabet[random(alphabet.length)]).join('');
      text = text.slice(0, start) + inserted + text.slice(oldEnd);
      index = index.edited(text, { start, oldEnd, newEnd: start + inserted.length });
      if (text.length > 400) {
        text = text.slice(0, 200);
        index = new WordIndex(text);
      }
      for (const w of words) assert.deepEqual(index.of(w), wordOffsets(text, w), `step ${step}: ${w} in ${JSON.stringify(text)}`);
    }
  });

  it('keeps a word index exact when its words are read only now and then (lazy shifts that pile up over edits)', () => {
    let seed = 19;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Non-ASCII words are searched around the edit one by one; the others found among the runs of word characters there.
    const words = ['a', 'ab', 'abc', 'b', 'self', 'x1', '_a', 'é', 'aé'];
    const alphabet = ['a', 'b', 'c', ' ', '.', '(', '1', 'x', 's', 'e', 'l', 'f', '\n', 'é', '_'];
    let text = 'self.a = ab(abc, b)\nx1 = a + self.b\nabc ab a b _a aé é';
    let index = new WordIndex(text);
    for (const w of words) index.of(w);
    for (let step = 0; step < 4000; step++) {
      const start = random(text.length + 1);
      const oldEnd = Math.min(text.length, start + random(4));
      const inserted = Array.from({ length: random(6) }, () => alphabet[random(alphabet.length)]).join('');
      text = text.slice(0, start) + inserted + text.slice(oldEnd);
      index = index.edited(text, { start, oldEnd, newEnd: start + inserted.length });
      if (text.length > 400) {
        text = text.slice(0, 200);
        index = new WordIndex(text);
        for (const w of words) index.of(w);
      }
      // Whether a word is spelled in a window, from the offsets as they stand (pending shifts included, none applied).
      const from = random(text.length + 1);
      const to = from + random(12);
      for (const w of words) assert.equal(index.spelledBetween(w, from, to), isSpelledBetween(text, w, from, to), `step ${step}: ${w} in [${from}, ${to})`);
      assert.equal(index.spelledBetween('zz', from, to), undefined, 'a word not remembered');
      // A word read after some edits, another after many: each read applies what piled up since its last one.
      const w = words[random(words.length)];
      if (random(3) === 0) assert.deepEqual(index.of(w), wordOffsets(text, w), `step ${step}: ${w} in ${JSON.stringify(text)}`);
    }
    for (const w of words) assert.deepEqual(index.of(w), wordOffsets(text, w), `end: ${w}`);
  });

  it('shifts a remembered word lazily: an edit above its spellings writes none of them until it is read', () => {
    let text = `x = 1\n${'self.a = self.b\n'.repeat(500)}`;
    let index = new WordIndex(text);
    assert.equal(index.of('self').length, 1000);
    const before = WordIndex.shiftedEntries;
    for (let k = 0; k < 20; k++) {
      // A letter typed after `x`, then deleted: the thousand `self`s move by one and back.
      text = `xq${text.slice(1)}`;
      index = index.edited(text, { start: 1, oldEnd: 1, newEnd: 2 });
      text = `x${text.slice(2)}`;
      index = index.edited(text, { start: 1, oldEnd: 2, newEnd: 1 });
    }
    text = `xq${text.slice(1)}`;
    index = index.edited(text, { start: 1, oldEnd: 1, newEnd: 2 });
    assert.equal(WordIndex.shiftedEntries - before, 0);
    assert.deepEqual(index.of('self'), wordOffsets(text, 'self'));
    assert.equal(WordIndex.shiftedEntries - before, 1000);
  });

  it('gives the spellings of words as wordOffsets does, remembers them across edits and records no read (spellings)', () => {
    let seed = 23;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pool = ['a', 'ab', 'abc', 'b', 'Generic', 'Gen', 'x1', 'aé', 'é', '_a'];
    const alphabet = ['a', 'b', 'c', ' ', '.', '(', '1', 'x', '_', '\n', 'é', 'G', 'e', 'n'];
    let text = 'class Generic: pass\nclass Gen(Generic): ab = a\nx1 = Generic() + Gen(aé) é _a\n';
    let index = new WordIndex(text);
    for (let step = 0; step < 2000; step++) {
      const words = new Set(Array.from({ length: 1 + random(7) }, () => pool[random(pool.length)]));
      const found: string[] = [];
      index.spellings(words, (at, word) => found.push(`${at}:${word}`));
      const expected = [...words].flatMap((w) => wordOffsets(text, w).map((at) => `${at}:${w}`));
      assert.deepEqual(found.sort(), expected.sort(), `step ${step}: ${[...words].join(',')} in ${JSON.stringify(text)}`);
      assert.equal(index.reads.words.size, 0, "the linter's own look-ups are no reads of a ranking");
      // Remembered, then carried by the edit: a stale entry (not shifted, not searched again near the edit) fails above.
      const start = random(text.length + 1);
      const oldEnd = Math.min(text.length, start + random(4));
      const inserted = Array.from({ length: random(5) }, () => alphabet[random(alphabet.length)]).join('');
      text = text.slice(0, start) + inserted + text.slice(oldEnd);
      index = index.edited(text, { start, oldEnd, newEnd: start + inserted.length });
      if (text.length > 400) {
        text = text.slice(0, 200);
        index = new WordIndex(text);
      }
    }
  });

  it('finds the spellings of several words in one scan exactly as wordOffsets finds each (forEachSpelling)', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Words that begin and end one another, a non-ASCII one (searched alone), and neighbours that are not ASCII.
    const pool = ['a', 'ab', 'abc', 'b', 'ba', 'self', 'x1', '_a', 'a_', 'é', 'aé', 'Generic', 'Gen'];
    const alphabet = ['a', 'b', 'c', ' ', '.', '(', '1', 'x', 's', 'e', 'l', 'f', '_', '\n', 'é', 'G', 'n', 'r', 'i'];
    for (let step = 0; step < 400; step++) {
      const text = Array.from({ length: random(120) }, () => alphabet[random(alphabet.length)]).join('') + ' Generic(Gen) aé é';
      const words = [...new Set(Array.from({ length: 1 + random(9) }, () => pool[random(pool.length)]))];
      const found: string[] = [];
      forEachSpelling(text, words, (at, word) => found.push(`${at}:${word}`));
      const expected = words.flatMap((w) => wordOffsets(text, w).map((at) => `${at}:${w}`));
      assert.deepEqual(found.sort(), expected.sort(), `${JSON.stringify(words)} in ${JSON.stringify(text)}`);
    }
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
      for (const text of texts) assert.equal(gateHit(gate, text) !== null, gate.test(text), `${gate} on ${JSON.stringify(text)}`);
    }
  });

  it('reports where a gate matched: the earliest whole word, or the regular expression match', () => {
    assert.deepEqual(gateHit(/\b(async|await)\b/, 'asyncio\nx = await y\nasync def f(): ...'), { start: 12, end: 17 });
    assert.deepEqual(gateHit(/__slots__/, 'class A:\n    __slots__ = ()'), { start: 13, end: 22 });
    assert.equal(gateHit(/\bprofile\b/, 'profiler'), null);
    assert.deepEqual(gateHit(/^import\b/m, 'x\nimport y'), { start: 2, end: 8 });
    assert.equal(hitOutlivesEdits(/\b(async|await)\b/), true);
    assert.equal(hitOutlivesEdits(/__slots__/), true);
    assert.equal(hitOutlivesEdits(/^import\b/m), false, 'anchored: the context matters');
  });

  it('answers each gate once per lint and trusts the hits it was handed', () => {
    const gate = /\b(async|await)\b/;
    assert.equal(new TextGates('x = 1').matches(gate), false);
    const carried = new TextGates('x = 1', new Map([[gate, { start: 0, end: 5 }]]));
    assert.equal(carried.matches(gate), true);
    const fresh = new TextGates('await x');
    assert.equal(fresh.matches(gate), true);
    assert.deepEqual(fresh.hits.get(gate), { start: 0, end: 5 });
  });

  it('takes the handed answers over instead of copying them: what it finds later is added to that map', () => {
    // A keystroke's lint hands over the answers it carried for this lint alone; the result's hits are the same map.
    const known = new Map<RegExp, { start: number; end: number } | null>([[/__slots__/, null]]);
    const gates = new TextGates('await x', known);
    const gate = /\b(async|await)\b/;
    assert.equal(gates.matches(gate), true);
    assert.equal(gates.hits, known);
    assert.deepEqual(known.get(gate), { start: 0, end: 5 });
    assert.equal(gates.hits.size, 2);
  });

  it("answers gates the same when their words are first searched for all together (a whole-file lint's prefilter)", () => {
    // Words that begin one another (`local`, `locals`), overlap (`abc`, `bcd` in `abcd`) or repeat; gates declared
    // twice (two objects of one source); a gate the words were not collected from and one that is no word gate.
    const gates = [/\b(abc|bcd)\b/, /\blocal\b/, /\blocals\b/, /__slots__/, /__slots__/, /slots/, /\b(async|await)\b/];
    const others = [/\bprofile\b/, /^import\b/m];
    const words = new GateWords(gates);
    const pieces = ['abc', 'bcd', 'd', 'local', 's', '__slots__', 'slot', 'async', 'await', 'profile', 'import', ' ', '\n', '_', 'x', '.'];
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let k = random(9); k > 0; k--) text += pieces[random(pieces.length)];
      const together = new TextGates(text, undefined, words);
      for (const gate of [...gates, ...others]) {
        assert.equal(together.matches(gate), gateHit(gate, text) !== null, `${gate} on ${JSON.stringify(text)}`);
        assert.deepEqual(together.hits.get(gate), gateHit(gate, text), `${gate}'s hit on ${JSON.stringify(text)}`);
      }
    }
    assert.deepEqual([...words.present('abcd locals')].sort(), ['abc', 'bcd', 'local', 'locals']);
  });

  it('finds a gate match that an edit creates by looking only around the edit', () => {
    // Random texts and edits from word pieces: whenever the text had no match before the edit,
    // the look around the edit must agree with a scan of the whole new text.
    const pieces = ['async', 'asyncio', 'await', 'aw', 'ait', 'prof', 'ile', 'profile', ' ', '_', 'x', '\n', '.', '(', 'é'];
    const gates = [/\b(async|await)\b/, /\bprofile\b/, /__slots__/];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = (k: number) => Array.from({ length: k }, () => pieces[next(pieces.length)]).join('');
    let checked = 0;
    for (let round = 0; round < 4000; round++) {
      const before = pick(1 + next(8));
      const start = next(before.length + 1);
      const end = Math.min(before.length, start + next(4));
      const inserted = next(2) ? pick(next(3)) : '';
      const after = before.slice(0, start) + inserted + before.slice(end);
      for (const gate of gates) {
        if (gateHit(gate, before) !== null) continue;
        checked++;
        const spans = [{ start, end: start + inserted.length }];
        const near = gateHitNear(gate, after, spans);
        assert.equal(near !== null, gateHit(gate, after) !== null, `${gate} after editing ${JSON.stringify(before)} into ${JSON.stringify(after)}`);
        // Looked up among the runs of word characters around the spans (an incremental lint's carried gates): the same hit,
        // with one span and with a second one elsewhere.
        assert.deepEqual(gateHitNear(gate, after, spans, wordRunsNear(after, spans)), near, `${gate} (runs) in ${JSON.stringify(after)}`);
        const other = next(after.length + 1);
        const two = [spans[0], { start: other, end: Math.min(after.length, other + next(3)) }];
        assert.deepEqual(
          gateHitNear(gate, after, two, wordRunsNear(after, two)),
          gateHitNear(gate, after, two),
          `${gate} (runs, two spans) in ${JSON.stringify(after)}`,
        );
      }
    }
    assert.ok(checked > 1000, `only ${checked} cases checked`);
    // Any text (matches elsewhere too) and one to three spans: the runs around the spans give the same hit as the search.
    for (let round = 0; round < 3000; round++) {
      const text = pick(1 + next(10));
      const spans = Array.from({ length: 1 + next(3) }, () => {
        const start = next(text.length + 1);
        return { start, end: Math.min(text.length, start + next(5)) };
      });
      for (const gate of gates) {
        assert.deepEqual(
          gateHitNear(gate, text, spans, wordRunsNear(text, spans)),
          gateHitNear(gate, text, spans),
          `${gate} near ${JSON.stringify(spans)} in ${JSON.stringify(text)}`,
        );
      }
    }
    // The edges, spelled out: a deletion joins a word, frees its left or right side, an insertion completes it.
    const cases: [string, number, number, string][] = [
      ['prof_ile', 4, 5, ''],
      ['xprofile', 0, 1, ''],
      ['profilex', 7, 8, ''],
      ['prof', 4, 4, 'ile'],
      ['ile', 0, 0, 'prof'],
      ['pro ile', 3, 4, 'f'],
    ];
    for (const [before, start, end, inserted] of cases) {
      const after = before.slice(0, start) + inserted + before.slice(end);
      assert.deepEqual(gateHitNear(/\bprofile\b/, after, [{ start, end: start + inserted.length }]), gateHit(/\bprofile\b/, after), `${before} → ${after}`);
    }
  });

  it('tells method names of other objects from names and from attributes of self and cls (the incremental region words)', () => {
    const at = (code: string, word: string) => isForeignAttribute(code, code.lastIndexOf(word));
    assert.equal(at('rows.append(x)', 'append'), true);
    assert.equal(at('rows.append(x)', 'rows'), false);
    assert.equal(at('rows.append(x)', 'x'), false);
    assert.equal(at('self.cache[key] = v', 'cache'), false, 'an attribute of self is a word');
    assert.equal(at('cls._registry.add(c)', '_registry'), false);
    assert.equal(at('cls._registry.add(c)', 'add'), true);
    assert.equal(at('other.self.cache', 'cache'), true, 'self must be the whole object');
    assert.equal(at('f().cache', 'cache'), true);
    assert.equal(at('(df\n    .groupby("k")\n    .sum())', 'groupby'), true, 'a chain broken over lines');
    assert.equal(at('self . cache', 'cache'), false);
    assert.equal(at('x = 1.5 + total', 'total'), false);
  });
});

describe("rules' text gates", () => {
  it('are word gates, whose answer a keystroke carries instead of scanning the whole text again', () => {
    const scanned = ALL_RULES.filter((rule) => rule.requiresText && !hitOutlivesEdits(rule.requiresText)).map((rule) => `${rule.id}: ${rule.requiresText}`);
    assert.deepEqual(scanned, []);
  });
});
