#!/usr/bin/env bash
# The pre-commit hooks (.pre-commit-hooks.yaml) as a user meets them: Debian's pre-commit installs perflens from a
# clone of this repository at HEAD (npm install, npm pack with its prepack build, a global install into the hook's
# environment), then runs it on a throwaway git repository. `perflens` must fail on a finding and name it;
# `perflens-fix` must fix the file, after which both hooks pass.
# Tests the committed HEAD, not the work tree. The hook environment is built once per commit (npm installs the dev
# dependencies the build needs: about 40 s of CPU) and kept outside the repository in PERFLENS_PRE_COMMIT_CACHE
# (default ~/.cache/perflens-pre-commit) with the clone it came from; a rerun at the same commit takes seconds, and
# `pre-commit gc` at the end drops the environments of earlier commits.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v pre-commit >/dev/null; then
  echo "test-pre-commit: needs Debian's pre-commit: sudo apt-get install -y pre-commit" >&2
  exit 1
fi
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
  echo "test-pre-commit: note: uncommitted changes are not tested; the hooks are installed from HEAD" >&2
fi

cache="${PERFLENS_PRE_COMMIT_CACHE:-$HOME/.cache/perflens-pre-commit}"
export PRE_COMMIT_HOME="$cache/pre-commit-home"
work="$(mktemp -d "${TMPDIR:-/tmp}/perflens-pre-commit.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The hooks' repository: a clone of this one at HEAD, at a fixed path so that pre-commit's store (keyed by the
# repository's path and rev) finds an environment it built earlier for the same commit.
rev="$(git -C "$root" rev-parse HEAD)"
clone="$cache/perflens"
[ -d "$clone/.git" ] || git clone --quiet --no-checkout "$root" "$clone"
git -C "$clone" fetch --quiet "$root" HEAD
git -C "$clone" checkout --quiet --detach "$rev"

project="$work/project"
mkdir "$project"
cd "$project"
git init --quiet
# A file with one safe fix and the same file fixed. No rule the default output shows (a proven rule:
# server/engine/trackRecord.ts) has a safe fix since is-literal-comparison went back to preview on review51, so the hooks
# are configured with `args: [--preview]`, as a user opting into preview rules would (without it a rule in preview only
# gives hints, which the hook's output leaves out).
printf 'def is_done(state):\n    return state is "done"\n' >slow.py
printf 'def is_done(state):\n    return state == "done"\n' >expected.py
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $clone
    rev: $rev
    hooks:
      - id: perflens
        args: [--preview]
      - id: perflens-fix
        args: [--preview]
EOF
git add .

fail() {
  echo "test-pre-commit: FAIL: $1" >&2
  [ -f "$work/out" ] && cat "$work/out" >&2
  exit 1
}

# First run installs the hook environment; its log is shown only on failure.
set +e
pre-commit run perflens --all-files --color never >"$work/out" 2>&1
status=$?
set -e
[ "$status" -eq 1 ] || fail "perflens exited $status on a file with a finding, expected 1"
grep -q 'slow.py:2:[0-9]*: warning: is-literal-comparison' "$work/out" || fail "perflens did not name the finding"
cmp -s slow.py expected.py && fail "the check hook changed the file"

set +e
pre-commit run perflens-fix --all-files --color never >"$work/out" 2>&1
status=$?
set -e
# pre-commit fails a hook that modified files, so the user sees and stages the fix.
[ "$status" -eq 1 ] || fail "perflens-fix exited $status, expected 1 (files were modified)"
grep -q 'files were modified by this hook' "$work/out" || fail "pre-commit did not see perflens-fix change the file"
cmp -s slow.py expected.py || fail "perflens-fix did not apply the fix: $(cat slow.py)"

git add slow.py
pre-commit run --all-files --color never >"$work/out" 2>&1 || fail "the hooks did not pass on the fixed file"
pre-commit gc >/dev/null
echo "test-pre-commit: ok (perflens reports the finding, perflens-fix fixes it, both pass afterwards)"
