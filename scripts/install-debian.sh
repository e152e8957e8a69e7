#!/usr/bin/env bash
# Debian packages dibao needs beyond Python wheels. Idempotent: installs only what is missing.
#   install-debian.sh          what running dibao needs (make demo, servers, scripts/install-server.sh)
#   install-debian.sh --test   that plus what only the tests need (make test)
#   install-debian.sh --list [--test]   print the package names, install nothing (for the offline wheelhouse)
# Running:
#   python3-venv          Debian's python3 cannot create the .venv without it
#   fonts-noto-cjk        CJK fonts for scans, PDFs, charts (rendering Chinese)
#   libharfbuzz-subset0   fast font subsetting in weasyprint (13 s → 0.3 s per PDF with CJK fonts)
#   libpango-1.0-0 libpangoft2-1.0-0   weasyprint lays out the PDFs (notices, dossiers) with Pango
# Testing only:
#   poppler-utils         pdftotext/pdftoppm/pdfinfo, used by tests to read generated PDFs back
#   libreoffice-writer-nogui  tests prove generated Word files open (soffice --headless --convert-to pdf); where it is
#                             installed, `dibao form -o .pdf` prints the office's edited Word template (else an HTML layout)
#   chromium              the browser the web tests drive through Playwright (no browser download)
#   systemd               systemd-analyze verify checks the service units (tests/test_deploy.py)
#   postgresql            the tests start a throw-away PostgreSQL server for the catalog's second dialect (issue 28)
#   redis-server          the OCR queue's broker, started on a loopback port by tests/archiver/test_queue.py and
#                         bench/cluster.py (a cluster's queue machine installs it itself: docs/deploy.md)
# The cluster role only (install-debian.sh --cluster; never for the embedded default):
#   postgresql            the catalog's database server (docs/deploy.md, "A city on a cluster")
#   postgresql-client     pg_dump/pg_restore: `dibao backup`/`restore` of a catalog on PostgreSQL
set -euo pipefail
RUNTIME=(python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
TESTING=(poppler-utils libreoffice-writer-nogui chromium systemd postgresql redis-server)
CLUSTER=(postgresql postgresql-client)
PACKAGES=("${RUNTIME[@]}")
LIST=0
for arg in "$@"; do
  case "$arg" in
    --test) PACKAGES+=("${TESTING[@]}") ;;
    --cluster) PACKAGES+=("${CLUSTER[@]}") ;;
    --list) LIST=1 ;;
    *) echo "用法 / usage: $0 [--test] [--cluster] [--list]" >&2; exit 2 ;;
  esac
done
if [ "$LIST" -eq 1 ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi
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
