#!/usr/bin/env bash
# `npm run demo`: installs what is needed, starts the Altinn simulator, and runs `pulumi up` of the
# `local` stack against it, printing the stack outputs. No credentials needed: the local stack's
# demo key is registered only in the simulator. State stays in .altinn-iac/ between runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node
ensure_node_modules
ensure_build
ensure_engine

url=$(node -e 'const y=require("fs").readFileSync("Pulumi.local.yaml","utf8");const m=/altinn-iac:simulatorUrl: (\S+)/.exec(y);console.log(m?m[1]:"http://127.0.0.1:5055")')
port=${url##*:}
mkdir -p .altinn-iac/state
if curl -fsS "$url/resourceregistry/api/v1/resource/orgs" >/dev/null 2>&1; then
  echo "using the simulator already running at $url"
else
  node dist/simulator/main.js --port "$port" \
    --persist .altinn-iac/simulator-state.json >.altinn-iac/simulator.log 2>&1 &
  simulator_pid=$!
  trap 'kill $simulator_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -fsS "$url/resourceregistry/api/v1/resource/orgs" >/dev/null 2>&1 && break
    kill -0 "$simulator_pid" 2>/dev/null || { cat .altinn-iac/simulator.log; exit 1; }
    sleep 0.2
  done
  echo "simulator started at $url (log: .altinn-iac/simulator.log)"
fi

# metadata=skip: no .attrs sidecar files, whose non-atomic write a crash can leave empty, after which
# every command fails "failed to load checkpoint: EOF" (docs/decisions.md). Sidecars an older run
# left are not needed (a missing one reads as default) and are removed.
export PULUMI_BACKEND_URL="file://$root/.altinn-iac/state?metadata=skip"
find "$root/.altinn-iac/state" -name '*.attrs' -type f -delete
# The local stack's secrets (a fake demo key) are encrypted with this documented passphrase.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-altinn-iac-local}"
pulumi stack select local --create --non-interactive >/dev/null
# --refresh: the simulator's state file may have been removed while Pulumi's state was kept.
# program/up-cli.ts (npm run up) first settles what an interrupted run left (lock, pending operations).
node dist/program/up-cli.js --stack local --yes --refresh --skip-preview
echo
echo "stack outputs:"
pulumi stack output --stack local --json
