#!/usr/bin/env bash
# Debian packages dibao needs beyond Python wheels. Idempotent: installs only what is missing.
#   python3-venv          Debian's python3 cannot create the .venv without it
#   fonts-noto-cjk        CJK fonts for scans, PDFs, charts (rendering Chinese)
#   poppler-utils         pdftotext/pdftoppm/pdfinfo, used by tests to read generated PDFs back
#   libharfbuzz-subset0   fast font subsetting in weasyprint (13 s → 0.3 s per PDF with CJK fonts)
#   libreoffice-writer-nogui  tests prove generated Word files open (soffice --headless --convert-to pdf)
#   chromium              the browser the web tests drive through Playwright (no browser download)
set -euo pipefail
PACKAGES=(python3-venv fonts-noto-cjk poppler-utils libharfbuzz-subset0 libreoffice-writer-nogui chromium)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "需要安装：${missing[*]}（非Debian系统，请手动安装）/ please install: ${missing[*]}" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "安装系统软件包 / installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
