import { defineRule } from '../../server/engine/rule';

// Implemented by the engine (server/engine/suppressions.ts): it needs the outcome of every other rule.
export default defineRule({
  id: 'unused-suppression',
  title: 'Suppression comment that silences nothing',
  category: 'core-python',
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'using-perflens',
  message: 'Unused suppression comment',
  docs: {
    why:
      'A `# perflens: ignore[…]` or `# noqa: <perflens-rule>` comment that no longer silences anything is noise, and it ' +
      'will hide a real finding if the code under it changes. A comment naming a rule that does not exist is usually a typo ' +
      'and suppresses nothing.',
    instead: 'Remove the comment (the quick fix does), or correct the rule id. Comments for rules that are switched off are left alone.',
    example: { before: 'total = sum(xs)  # perflens: ignore[reduction-over-list-comprehension]', after: 'total = sum(xs)' },
  },
  fix: { safety: 'safe', title: 'Remove the unused suppression' },
  query: '',
  check() {},
});
