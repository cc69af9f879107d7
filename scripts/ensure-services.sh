#!/usr/bin/env bash
# What the test suite needs outside Python, installed or started when missing
# (idempotent): PostgreSQL running on 127.0.0.1:5432, Redis on 6379, Debian's Chromium for
# the browser tests, Noto fonts for right-to-left and Chinese text.
set -euo pipefail

apt_updated=0
need_pkg() {  # need_pkg COMMAND_OR_PATH PACKAGE...
  local probe=$1; shift
  if [ -e "$probe" ] || command -v "$probe" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "missing: $* (install with: sudo apt-get install -y $*)" >&2; return 1
  fi
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_pkg /usr/bin/chromium chromium
# WeasyPrint (the contract and statement PDFs) subsets fonts with HarfBuzz.
if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then need_pkg libharfbuzz-subset.so.0 libharfbuzz-subset0; fi
if ! fc-list 2>/dev/null | grep -q "Noto Naskh Arabic"; then need_pkg /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf fonts-noto-core; fi
if ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then need_pkg /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk; fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
pg_isready -h 127.0.0.1 -p 5432

# Redis on 127.0.0.1:6379 (the rate limits' shared storage in production; one test counts in it).
need_pkg redis-server redis-server
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping
