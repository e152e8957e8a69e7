#!/usr/bin/env bash
# Install dibao on a machine without internet from the folder `make wheelhouse` built (this script's folder).
#   bash install-offline.sh [VENV]      (default /opt/dibao; then see docs/deploy.md for the service)
# The Debian packages in debian-packages.txt come from the office's Debian mirror or installation DVD.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${1:-/opt/dibao}"
missing=()
while read -r p; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done < "$HERE/debian-packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
  echo "请先从内网 Debian 源或安装光盘安装：${missing[*]} / install these Debian packages first: ${missing[*]}" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PIP_CONFIG_FILE=/dev/null "$VENV/bin/pip" install --no-index --find-links "$HERE" --upgrade dibao
"$VENV/bin/dibao" --version
