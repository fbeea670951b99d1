#!/usr/bin/env bash
# Packages a raw disk as an OVA (OVF 1.0 descriptor, streamOptimized VMDK on a SATA/AHCI controller, two E1000 NICs
# — management and capture — and a SHA-256 manifest; ustar with the OVF first) and as a compressed qcow2, with
# SHA256SUMS. Usage: build-ova.sh <disk.raw> <out-dir> <name>
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
source "$HERE/image.config.sh"
RAW="$1"
OUT="$2"
NAME="$3"
STAGE="$OUT/ova-stage"
rm -rf "$STAGE"
mkdir -p "$STAGE"
VMDK="$NAME-disk1.vmdk"
qemu-img convert -O vmdk -o subformat=streamOptimized,adapter_type=ide "$RAW" "$STAGE/$VMDK"
CAPACITY=$(( $(stat -c %s "$RAW") ))
VMDK_SIZE=$(stat -c %s "$STAGE/$VMDK")
"$HERE/lib/ovf.descriptor.sh" "$NAME" "$VMDK" "$VMDK_SIZE" "$CAPACITY" "$VM_CPUS" "$VM_MEMORY_MIB" > "$STAGE/$NAME.ovf"
xmllint --noout "$STAGE/$NAME.ovf"
(cd "$STAGE" && for f in "$NAME.ovf" "$VMDK"; do echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"; done) > "$STAGE/$NAME.mf"
rm -f "$OUT/$NAME.ova"
tar --format=ustar -C "$STAGE" -cf "$OUT/$NAME.ova" "$NAME.ovf" "$NAME.mf" "$VMDK"
qemu-img convert -c -O qcow2 "$RAW" "$OUT/$NAME.qcow2"
rm -rf "$STAGE"
(cd "$OUT" && sha256sum "$NAME.ova" "$NAME.qcow2" > SHA256SUMS)
