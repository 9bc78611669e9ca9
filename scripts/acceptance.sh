#!/usr/bin/env bash
# `npm run acceptance -- [--stack <name>] [--sweep]`: the acceptance tier against the stack's
# environment (acceptance/cli.ts; `--help` says what it reads, writes and exits with).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node_modules
ensure_build
case " $* " in
  *" --help "* | *" -h "*) ;;
  *) ensure_engine ;;
esac
exec node -r ts-node/register/transpile-only acceptance/cli.ts "$@"
