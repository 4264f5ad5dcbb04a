// Where unused-suppression points: at the comment, never at the line break after it. tree-sitter
// takes the "\r" of a CRLF line into a comment in a fresh parse but not always after an edit, so
// the same text gave two ranges (one ending past the line), and the editor's settled diagnostics
// differed from a full lint (found by the protocol fuzzer, seed 4242).
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

describe('suppression comments on CRLF lines', function () {
  this.timeout(60_000);
  for (const comment of ['# perflens: ignore[no-such-rule]', '# perflens: ignore[async-time-s"leep]']) {
    it(`${comment}: the finding ends where the comment does, before the "\\r"`, async () => {
      const engine = await getEngine();
      const text = `import time\r\n\r\nasync def f():\r\n    ${comment}\r\n    x = 1\r\n`;
      const findings = engine.lintText(text, { select: ['ALL'] }).findings.filter((f) => f.ruleId === 'unused-suppression');
      assert.equal(findings.length, 1, JSON.stringify(findings));
      assert.equal(text.slice(findings[0].start, findings[0].end), comment);
    });
  }
});
