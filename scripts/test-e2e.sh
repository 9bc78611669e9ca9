#!/usr/bin/env bash
# `npm run test:e2e`: the engine tier alone (test/e2e: the real Pulumi engine against the simulator),
# after building the engine if it is missing. `npm test` runs the fast tiers; `npm run test:all` both.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node
ensure_node_modules
ensure_build
ensure_engine
npx jest --ci test/e2e "$@"
