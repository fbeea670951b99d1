#!/usr/bin/env bash
# Builds the upgrade bundle (npm run image:upgrade-bundle): out/image/api-radar-<version>.upgrade.tar, the release an
# appliance installs from Settings -> System (see docs/image.md, "Upgrades"). The release is staged as for the image
# (lib/stage-app.sh: bundled service and children, production node_modules with the native addons for the image's
# Node.js runtime, built UI), its files pointing at /opt/api-radar/releases/<version>, then packed with a manifest
# (lib/upgrade-bundle.mjs).
# Usage: image-build/build-upgrade-bundle.sh [--out DIR] [--version V] [--prefix DIR] [--deps-from DIR] [--stage-hook CMD]
#   --version V      release version (default: package.json's)
#   --prefix DIR     where the appliance keeps its releases (default /opt/api-radar; tests install under a temporary root)
#   --deps-from DIR  tests: node_modules is a link to DIR instead of a production install (see lib/stage-app.sh)
#   --stage-hook CMD tests: run as `CMD <staged-dir>` before packing
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$HERE/image.config.sh"
source "$HERE/lib/common.sh"

OUT="$ROOT/out/image"
VERSION="$(node -p "require('$ROOT/package.json').version")"
PREFIX=/opt/api-radar
DEPS_FROM=""
HOOK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    --prefix) PREFIX="$2"; shift 2 ;;
    --deps-from) DEPS_FROM="$2"; shift 2 ;;
    --stage-hook) HOOK="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[ "$(node -p 'process.versions.node')" = "$NODE_VERSION" ] || [ -n "$DEPS_FROM" ] ||
  die "this host runs Node.js $(node -p 'process.versions.node'), the image $NODE_VERSION: its native addons would not load there"

mkdir -p "$OUT"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
STAGE_DEPS_FROM="$DEPS_FROM" "$HERE/lib/stage-app.sh" "$ROOT" "$W/app" "$PREFIX/releases/$VERSION"
[ -z "$HOOK" ] || $HOOK "$W/app"
node "$HERE/lib/upgrade-bundle.mjs" "$W/app" "$VERSION" "$OUT/$IMAGE_NAME-$VERSION.upgrade.tar"
