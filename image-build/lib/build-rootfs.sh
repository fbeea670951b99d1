#!/usr/bin/env bash
# Builds the appliance's root filesystem as a directory with mmdebstrap (no mounts, no Docker) and customises it:
# the staged application and Node.js runtime under /opt/api-radar, the service user, systemd units, networking,
# first-boot and banner scripts. Usage: build-rootfs.sh <work-dir> <version>
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
source "$HERE/image.config.sh"
WORK="$1"
VERSION="$2"
ROOTFS="$WORK/rootfs"
rm -rf "$ROOTFS"
INCLUDE="$(IFS=,; echo "${IMAGE_PACKAGES[*]}")"

DPKG_OPTS=()
for p in "${IMAGE_PATH_EXCLUDES[@]}"; do DPKG_OPTS+=(--dpkgopt="path-exclude=$p"); done
for p in "${IMAGE_PATH_INCLUDES[@]}"; do DPKG_OPTS+=(--dpkgopt="path-include=$p"); done

mmdebstrap --variant=apt --mode=root --format=directory \
  --include="$INCLUDE" "${DPKG_OPTS[@]}" \
  --essential-hook='echo "api-radar" > "$1/etc/hostname"' \
  --customize-hook="\"$HERE/lib/customize-rootfs.sh\" \"\$1\" \"$WORK\" \"$VERSION\"" \
  "$DEBIAN_SUITE" "$ROOTFS" \
  "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" \
  "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
  "deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main"
du -sh "$ROOTFS" >&2
