#!/usr/bin/env bash
# Installs the Pulumi engine (CLI + Node.js language host) built from Go modules, for machines
# where the official installer cannot download it. Idempotent and cached: a second run with the
# same engine/ wrapper modules does nothing.
#
# When a `pulumi` is already on PATH (the official CLI), nothing is built and it is used as is,
# unless ALTINN_IAC_BUILD_ENGINE=1.
#
# The binaries go where the npm `pulumi` launcher and the Automation API look:
# $PULUMI_HOME/versions/<version>/bin (PULUMI_HOME defaults to ~/.pulumi). This script prints that
# directory on its last line; callers put it first on PATH.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
module_version() { awk -v m="$1" '$1 == m || ($1 == "require" && $2 == m) { v = ($1 == m) ? $2 : $3; sub(/^v/, "", v); print v; exit }' "$2"; }
version=$(module_version github.com/pulumi/pulumi/pkg/v3 "$root/engine/cli/go.mod")
host_version=$(module_version github.com/pulumi/pulumi/sdk/v3 "$root/engine/nodejs-host/go.mod")

if [ -z "${ALTINN_IAC_BUILD_ENGINE:-}" ] && existing=$(command -v pulumi 2>/dev/null) &&
  [[ "$existing" != "${PULUMI_HOME:-$HOME/.pulumi}/versions/"* ]]; then
  echo "using the pulumi on PATH: $existing ($(pulumi version))" >&2
  dirname "$existing"
  exit 0
fi

bin="${PULUMI_HOME:-$HOME/.pulumi}/versions/$version/bin"
stamp="$bin/.altinn-iac-engine"
want=$(cat "$root"/engine/cli/go.{mod,sum} "$root"/engine/nodejs-host/go.{mod,sum} | sha256sum | cut -d' ' -f1)

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "pulumi v$version already built in $bin" >&2
else
  command -v go >/dev/null || { echo "error: Go is needed to build the Pulumi engine (or install the official pulumi CLI)" >&2; exit 1; }
  mkdir -p "$bin"
  echo "building pulumi v$version from Go modules (a few minutes the first time)..." >&2
  (cd "$root/engine/cli" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
    -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  echo "building the Node.js language host (sdk v$host_version)..." >&2
  (cd "$root/engine/nodejs-host" && go build -trimpath \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$host_version" \
    -o "$bin/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
  mv "$bin/pulumi.tmp" "$bin/pulumi"
  mv "$bin/pulumi-language-nodejs.tmp" "$bin/pulumi-language-nodejs"
  echo "$want" >"$stamp"
fi

# The dynamic-provider plugin is a script shipped inside @pulumi/pulumi; the CLI looks for it next
# to its own binary. Copied (not linked) so the bin directory works from any project.
plugin="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ ! -f "$plugin" ]; then
  echo "error: $plugin is missing: run npm ci first" >&2
  exit 1
fi
install -m 0755 "$plugin" "$bin/pulumi-resource-pulumi-nodejs"
echo "$bin"
