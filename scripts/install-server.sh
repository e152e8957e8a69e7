#!/usr/bin/env bash
# Install or upgrade dibao as a service on a Debian server (docs/deploy.md). Idempotent: run it again after
# every upgrade (git pull / a new wheelhouse). As root, from a checkout:
#   bash scripts/install-server.sh [--wheelhouse DIR] [--name HOST_OR_IP]... [--org 单位名称] [--port 443]
#   --wheelhouse DIR   install from the folder `make wheelhouse` built (no internet needed)
#   --name X           a host name or address staff type in the browser (repeatable; default: this
#                      server's host names and addresses)
# Steps: Debian packages · system user dibao · /opt/dibao (venv, `pip install .`, not editable) ·
#        a full backup and the catalog migration (with its own backup) before the new code serves ·
#        /var/lib/dibao (the home) · /etc/dibao (settings, internal CA, server certificate) ·
#        systemd units (dibao.service with its watcher, dibao-watch.service, dibao-backup.timer).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/dibao
DATA=/var/lib/dibao
BACKUPS=/var/backups/dibao
ETC=/etc/dibao
UNITS=/etc/systemd/system
WHEELHOUSE=""
ORG="某某县民政局"
PORT=""
NAMES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wheelhouse) WHEELHOUSE="$(cd "$2" && pwd)"; shift 2 ;;
    --name) NAMES+=("$2"); shift 2 ;;
    --org) ORG="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "未知参数 / unknown option: $1" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ]; then
  echo "请以 root 运行（sudo bash $0）/ run as root" >&2
  exit 2
fi
say() { echo "== $*"; }
as_dibao() { runuser -u dibao -- "$@"; }
SYSTEMD=0
[ -d /run/systemd/system ] && SYSTEMD=1  # systemd is PID 1 (not so in most containers)

say "1/7 Debian 软件包 / Debian packages"
if [ -n "$WHEELHOUSE" ]; then
  missing=()
  while read -r p; do
    [ -n "$p" ] || continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done < "$WHEELHOUSE/debian-packages.txt"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "请先从内网 Debian 源或安装光盘安装：${missing[*]} / install first: ${missing[*]}" >&2
    exit 1
  fi
else
  bash "$REPO/scripts/install-debian.sh"
fi

say "2/7 系统用户 dibao / system user"
getent group dibao >/dev/null || groupadd --system dibao
getent passwd dibao >/dev/null || useradd --system --gid dibao --home-dir "$DATA" --no-create-home \
  --shell /usr/sbin/nologin --comment "dibao 低保档案" dibao

was_running=()
if [ "$SYSTEMD" -eq 1 ]; then
  for u in dibao.service dibao-watch.service; do
    if systemctl is-active --quiet "$u"; then was_running+=("$u"); fi
  done
fi
if [ -f "$DATA/catalog.sqlite" ] && [ -x "$PREFIX/bin/dibao" ]; then
  say "3/7 升级前完整备份 / full backup before the upgrade"
  install -d -o dibao -g dibao -m 0750 "$BACKUPS"
  dest="$BACKUPS"
  [ -f "$ETC/dibao.env" ] && dest="$(. "$ETC/dibao.env"; echo "${DIBAO_BACKUP_DIR:-$BACKUPS}")"
  # with the installed (old) program and only the options every version has; no rotation here, the
  # daily timer rotates
  if as_dibao "$PREFIX/bin/dibao" --version >/dev/null 2>&1 \
      && as_dibao "$PREFIX/bin/dibao" --home "$DATA" backup "$dest" --quiet; then
    :
  else  # an install that no longer runs (or cannot back up) must not keep the fix out: the home is copied as it is
    copy="$dest/pre-upgrade-copy-$(date +%Y%m%dT%H%M%S)"
    echo "已安装的程序无法运行或无法备份，改为原样复制档案目录到 $copy / the installed program cannot back up: copying the home"
    cp -a "$DATA" "$copy"
  fi
  [ ${#was_running[@]} -gt 0 ] && systemctl stop "${was_running[@]}"
else
  say "3/7 首次安装，无需备份 / first install, nothing to back up"
fi

say "4/7 程序 $PREFIX / program"
# Debian's own python3 (a python under /root or a pyenv would not be executable by the dibao user)
PYTHON="${DIBAO_PYTHON:-/usr/bin/python3}"
if [ -x "$PREFIX/bin/python" ] && ! runuser -u dibao -- "$PREFIX/bin/python" -c "" 2>/dev/null; then
  echo "重建 $PREFIX：其中的 Python 对 dibao 用户不可用 / rebuilding the venv: its python is not usable by dibao"
  rm -rf "$PREFIX"
fi
[ -x "$PREFIX/bin/python" ] || "$PYTHON" -m venv "$PREFIX"
"$PREFIX/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true  # offline: keep the venv's own pip
if [ -n "$WHEELHOUSE" ]; then
  PIP_CONFIG_FILE=/dev/null "$PREFIX/bin/pip" install -q --no-index --find-links "$WHEELHOUSE" --upgrade dibao
else
  # a real install (not editable), from a wheel pip builds of the checkout; setuptools would also ship files an
  # older build left in build/lib. The second step reinstalls dibao itself whatever its version says: pip takes
  # the same version from the same folder as already installed and would keep the old code
  rm -rf "$REPO/build/lib" "$REPO"/build/bdist.*
  "$PREFIX/bin/pip" install -q --upgrade "$REPO"
  "$PREFIX/bin/pip" install -q --no-deps --force-reinstall "$REPO"
fi
install -d -m 0755 "$PREFIX/share/doc"
install -m 0644 "$REPO/docs/deploy.md" "$PREFIX/share/doc/deploy.md" 2>/dev/null || true
"$PREFIX/bin/dibao" --version

say "5/7 档案库 $DATA / the home (migrations, each announced and backed up first)"
install -d -o dibao -g dibao -m 0750 "$DATA" "$BACKUPS"
as_dibao "$PREFIX/bin/dibao" --home "$DATA" init

say "6/7 设置与证书 $ETC / settings and the HTTPS certificate"
install -d -o root -g dibao -m 0750 "$ETC"
if [ ! -f "$ETC/dibao.env" ]; then
  install -o root -g dibao -m 0640 "$REPO/deploy/systemd/dibao.env" "$ETC/dibao.env"
fi
if [ -n "$PORT" ]; then
  sed -i "s/^DIBAO_PORT=.*/DIBAO_PORT=$PORT/" "$ETC/dibao.env"
fi
if [ ${#NAMES[@]} -eq 0 ]; then
  NAMES=("$(hostname)")
  fqdn="$(hostname -f 2>/dev/null || true)"
  [ -n "$fqdn" ] && [ "$fqdn" != "${NAMES[0]}" ] && NAMES+=("$fqdn")
  for ip in $(hostname -I 2>/dev/null || true); do NAMES+=("$ip"); done
fi
if [ ! -f "$ETC/ca/ca.key" ]; then
  permit=()
  for n in "${NAMES[@]}"; do
    if [[ "$n" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then permit+=(--permit "${n%.*}.0/24"); else permit+=(--permit "$n"); fi
  done
  install -d -o root -g root -m 0700 "$ETC/ca"
  "$PREFIX/bin/dibao" cert ca "$ETC/ca" --org "$ORG" "${permit[@]}"
fi
renew=1
if [ -f "$ETC/tls/server.crt" ] && openssl x509 -checkend $((30 * 86400)) -noout -in "$ETC/tls/server.crt" >/dev/null 2>&1; then
  renew=0  # still valid for 30 days or more: keep it
fi
if [ "$renew" -eq 1 ]; then
  args=()
  for n in "${NAMES[@]}"; do args+=(--name "$n"); done
  "$PREFIX/bin/dibao" cert issue --ca "$ETC/ca" "${args[@]}" -o "$ETC/tls"
fi
chown root:dibao "$ETC/tls" "$ETC/tls/server.key" "$ETC/tls/server.crt"
chmod 0750 "$ETC/tls"
chmod 0640 "$ETC/tls/server.key"
chmod 0644 "$ETC/tls/server.crt"
install -m 0644 "$ETC/ca/ca.crt" "$ETC/tls/ca.crt"  # for staff PCs to import (docs/deploy.md)

say "7/7 systemd 服务 / systemd units"
for f in dibao.service dibao-watch.service dibao-backup.service dibao-backup.timer dibao-worker@.service dibao-web@.service; do
  install -m 0644 "$REPO/deploy/systemd/$f" "$UNITS/$f"
done
if [ -d /etc/logrotate.d ]; then
  install -m 0644 "$REPO/deploy/logrotate/dibao" /etc/logrotate.d/dibao  # HOME/logs, weekly, two years
fi
# an env file from an older install lacks the newer settings: add them with their defaults, keep the rest
while IFS= read -r line; do
  case "$line" in DIBAO_*=*) grep -q "^${line%%=*}=" "$ETC/dibao.env" || echo "$line" >> "$ETC/dibao.env" ;; esac
done < "$REPO/deploy/systemd/dibao.env"
if [ "$SYSTEMD" -eq 1 ]; then
  systemctl daemon-reload
  systemctl enable --now dibao-backup.timer
  if grep -q -- '--no-watch' "$ETC/dibao.env"; then
    systemctl enable --now dibao.service dibao-watch.service
  else
    systemctl enable --now dibao.service
  fi
  [ ${#was_running[@]} -gt 0 ] && systemctl restart "${was_running[@]}"
  systemctl --no-pager --lines=0 status dibao.service || true
else
  echo "注意：本机 systemd 未运行（如容器内），服务单元已安装到 $UNITS 但未启用、未启动；"
  echo "在正式服务器上重新运行本脚本，或手工：systemctl daemon-reload && systemctl enable --now dibao.service dibao-backup.timer"
  echo "note: systemd is not running here (PID 1 is $(ps -p 1 -o comm= 2>/dev/null || echo '?')): units installed, not enabled or started"
fi
say "完成。把 $ETC/tls/ca.crt 安装到各工作人员电脑的受信任根证书（docs/deploy.md）/ done"
