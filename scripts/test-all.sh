#!/usr/bin/env bash
# `npm run test:all`: installs what is needed (npm packages, the Pulumi engine), then runs the
# checks and every test: unit, simulator, and end-to-end with the real engine. What CI runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node
ensure_node_modules
ensure_engine
echo "node: $(command -v node) ($(node --version)); pulumi: $(command -v pulumi) ($(pulumi version))"

npm run --silent typecheck
npm run --silent lint
npm run --silent format:check
# The GitHub workflows, checked with actionlint (built from Go modules, cached after the first run).
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
# What actionlint leaves out (zizmor-style): actions pinned by SHA, secrets per step, injection.
npm run --silent check:workflows
npx jest --ci "$@"
