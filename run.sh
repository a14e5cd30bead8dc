#!/usr/bin/env bash
# Installs what the program needs (Debian: Qt runtime libraries and fonts) and starts it.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts/setup-env.sh
install_system_packages runtime
make_venv
exec "$VENV/bin/python" main.py "$@"
