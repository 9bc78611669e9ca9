#!/usr/bin/env bash
# Drift check for one stack: reads every managed object back from Altinn/Digdir and fails (exit
# code 255 from the engine) when anything differs from the stack's state, printing the diff. It
# changes nothing (--preview-only). Used by the nightly workflow; run it by hand the same way:
#   bash scripts/drift.sh test
set -euo pipefail
stack=${1:?usage: scripts/drift.sh <stack>}
cd "$(dirname "$0")/.."
# Pulumi.yaml runs the compiled program (dist/).
node scripts/build.js
exec pulumi refresh --stack "$stack" --preview-only --expect-no-changes --diff --non-interactive
