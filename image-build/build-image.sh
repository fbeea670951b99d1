#!/usr/bin/env bash
# Builds the API Radar appliance image from scratch, without Docker: a Debian 12 root filesystem (mmdebstrap) holding
# the service, its pinned Node.js runtime and native modules; one GPT disk that boots under BIOS (syslinux) and UEFI
# (systemd-boot); then api-radar-<version>.ova (OVF 1.0 + streamOptimized VMDK + SHA-256 manifest),
# api-radar-<version>.qcow2 and their checksums in out/image/ (outside git).
#
# Usage: npm run image            (as root: installs the host packages it needs)
#        image-build/build-image.sh [--out DIR] [--keep-work]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=image.config.sh
source "$HERE/image.config.sh"
source "$HERE/lib/common.sh"

OUT="$ROOT/out/image"
KEEP_WORK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --keep-work) KEEP_WORK=1; shift ;;
    *) die "unknown option $1" ;;
  esac
done

VERSION="$(node -p "require('$ROOT/package.json').version")"
WORK="$OUT/work"
HOST_PACKAGES=(mmdebstrap qemu-utils mtools syslinux syslinux-common systemd-boot-efi dosfstools e2fsprogs fdisk libxml2-utils xz-utils binutils)

step "host packages"
ensure_host_packages "${HOST_PACKAGES[@]}"
[ "$(id -u)" -eq 0 ] || die "building the root filesystem needs root (mmdebstrap chroot hooks, device nodes)"

rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"

step "application bundle"
# installed as a release (/opt/api-radar/releases/<version>, `current` links to it): an upgrade bundle adds the next
"$HERE/lib/stage-app.sh" "$ROOT" "$WORK/app" "/opt/api-radar/releases/$VERSION"

step "upgrade bundle (the same release, for appliances already installed), signed"
node "$HERE/lib/upgrade-bundle.mjs" "$WORK/app" "$VERSION" "$OUT/$IMAGE_NAME-$VERSION.upgrade.tar"
# the image trusts the public half of the key that signed it (lib/signing-key.mjs; docs/image.md "Upgrades")
node "$HERE/lib/signing-key.mjs" install-public "$WORK/upgrade-keys" >/dev/null

step "Node.js $NODE_VERSION runtime (integrity checked)"
"$HERE/lib/fetch-node.sh" "$NODE_VERSION" "$NODE_INTEGRITY" "$WORK/node"

step "root filesystem (mmdebstrap $DEBIAN_SUITE)"
"$HERE/lib/build-rootfs.sh" "$WORK" "$VERSION"

step "disk image (GPT, BIOS + UEFI)"
"$HERE/lib/build-disk.sh" "$WORK" "$WORK/disk.raw"

step "OVA and qcow2"
"$HERE/lib/build-ova.sh" "$WORK/disk.raw" "$OUT" "$IMAGE_NAME-$VERSION"

[ "$KEEP_WORK" -eq 1 ] || rm -rf "$WORK"
step "done"
ls -l "$OUT"
