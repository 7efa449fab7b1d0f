#!/usr/bin/env bash
# Ensures Debian's chromium (/usr/bin/chromium), the browser the console's tests drive with playwright-core.
# Installs it with apt-get when missing and running as root; otherwise says how. Prints the binary's path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/stack/common.sh"
bin="${CONVEYOR_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$bin" ]; then
  apt_install chromium
  [ -x "$bin" ] || { stack_log "chromium is still missing at $bin"; exit 1; }
fi
echo "$bin"
