# Shared by the project's scripts: install what is missing, find the engine, run offline.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

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
