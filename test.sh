#!/usr/bin/env bash
# Installs what the tests need (Debian: fonts, poppler-utils, xvfb, Qt runtime) and runs them.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/setup-env.sh
install_system_packages test
make_venv test
export QT_QPA_PLATFORM=offscreen
exec "$VENV/bin/python" -m pytest "$@"
