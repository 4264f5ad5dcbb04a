// A suppression naming a category (`ignore[pandas]`) silences that category's findings, as the rule ids would: the
// category was accepted as a known name but silenced nothing, so the comment was reported unused beside a pandas finding
// it was meant for. And it is judged unused only when a rule of that category ran: with `--select unused-suppression`
// alone nothing of the category was checked (noticed by round 70's selection-independence helper).
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const SOURCE = 'import pandas as pd\n\n\ndef rows(df: pd.DataFrame):\n    for _, row in df.iterrows():  # perflens: ignore[pandas]\n        print(row)\n';

describe('suppression comments naming a category', () => {
  it('not reported when no rule of the category ran', async () => {
    const engine = await getEngine();
    for (const select of [['unused-suppression'], ['unused-suppression', 'http-call-without-timeout']]) {
      const found = engine.lintText(SOURCE, { select, impact: 'all' }).findings.filter((f) => f.ruleId === 'unused-suppression');
      assert.deepEqual(found, [], select.join(','));
    }
  });

  it('near misses: used when a category rule fires; reported when a category rule ran and found nothing', async () => {
    const engine = await getEngine();
    const used = engine.lintText(SOURCE, { select: ['unused-suppression', 'pandas-iterrows'], impact: 'all' }).findings;
    assert.deepEqual(
      used.filter((f) => f.ruleId === 'unused-suppression' || f.ruleId === 'pandas-iterrows'),
      [],
      JSON.stringify(used),
    );
    const quiet = SOURCE.replace('for _, row in df.iterrows():', 'for row in df.columns:');
    const unused = engine.lintText(quiet, { select: ['unused-suppression', 'pandas-iterrows'], impact: 'all' }).findings;
    assert.equal(unused.filter((f) => f.ruleId === 'unused-suppression').length, 1, JSON.stringify(unused));
  });

  it('a category silences its rules in every form (file-wide, a range), and only its own rules', async () => {
    const engine = await getEngine();
    const plain = SOURCE.replace('  # perflens: ignore[pandas]', '');
    const iterrows = (text: string) => engine.lintText(text, { select: ['pandas-iterrows'], impact: 'all' }).findings.length;
    assert.equal(iterrows(plain), 1);
    assert.equal(iterrows(`# perflens: ignore-file[pandas]\n${plain}`), 0);
    assert.equal(iterrows(plain.replace('    for _, row', '    # perflens: disable[pandas]\n    for _, row')), 0);
    assert.equal(iterrows(plain.replace('df.iterrows():', 'df.iterrows():  # perflens: ignore[numpy]')), 1);
  });
});
