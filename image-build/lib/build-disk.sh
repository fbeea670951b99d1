#!/usr/bin/env bash
# Assembles one raw GPT disk that boots under BIOS and UEFI from the root filesystem directory, without mounts:
#   p1 ESP (FAT, built with mkfs.vfat + mtools): kernel and initrd, syslinux (BIOS, via the LegacyBIOSBootable
#      attribute and gptmbr) and systemd-boot as EFI/BOOT/BOOTX64.EFI (UEFI; unsigned, Secure Boot off);
#   p2 root ext4, built straight from the directory with mke2fs -d.
# Usage: build-disk.sh <work-dir> <disk.raw>
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
source "$HERE/image.config.sh"
WORK="$1"
DISK="$2"
ROOTFS="$WORK/rootfs"
ESP="$WORK/esp.img"
ROOTIMG="$WORK/root.img"
ROOT_UUID="$(cat /proc/sys/kernel/random/uuid)"
ESP_START_MIB=1
ROOT_START_MIB=$((ESP_START_MIB + ESP_SIZE_MIB))
ROOT_SIZE_MIB=$((DISK_SIZE_MIB - ROOT_START_MIB - 1))

KERNEL="$(ls "$ROOTFS"/boot/vmlinuz-* | sort -V | tail -n1)"
INITRD="$(ls "$ROOTFS"/boot/initrd.img-* | sort -V | tail -n1)"
CMDLINE="root=UUID=$ROOT_UUID ro console=tty0 console=ttyS0,115200 net.ifnames=1 quiet"

# fstab of the root filesystem
printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$ROOT_UUID" > "$ROOTFS/etc/fstab"

# ESP
rm -f "$ESP"
truncate -s "${ESP_SIZE_MIB}M" "$ESP"
mkfs.vfat -F 32 -n APIRADAR "$ESP" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$ESP" ::/syslinux ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
mcopy -i "$ESP" "$KERNEL" ::/vmlinuz
mcopy -i "$ESP" "$INITRD" ::/initrd.img
cat > "$WORK/syslinux.cfg" <<CFG
DEFAULT apiradar
PROMPT 0
TIMEOUT 10
SERIAL 0 115200
LABEL apiradar
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND $CMDLINE
CFG
mcopy -i "$ESP" "$WORK/syslinux.cfg" ::/syslinux/syslinux.cfg
syslinux --install --directory /syslinux "$ESP"
mcopy -i "$ESP" /usr/lib/systemd/boot/efi/systemd-bootx64.efi ::/EFI/BOOT/BOOTX64.EFI
printf 'default apiradar.conf\ntimeout 1\nconsole-mode keep\n' > "$WORK/loader.conf"
printf 'title API Radar\nlinux /vmlinuz\ninitrd /initrd.img\noptions %s\n' "$CMDLINE" > "$WORK/apiradar.conf"
mcopy -i "$ESP" "$WORK/loader.conf" ::/loader/loader.conf
mcopy -i "$ESP" "$WORK/apiradar.conf" ::/loader/entries/apiradar.conf

# the kernel and initrd boot from the ESP only: their copies in the root filesystem go (the packages stay installed)
rm -f "$KERNEL" "$INITRD" "$ROOTFS"/boot/System.map-* "$ROOTFS"/vmlinuz* "$ROOTFS"/initrd.img*

# root filesystem image
rm -f "$ROOTIMG"
mke2fs -q -t ext4 -U "$ROOT_UUID" -L api-radar-root -E root_owner=0:0 -d "$ROOTFS" "$ROOTIMG" "${ROOT_SIZE_MIB}M"

# the disk: GPT with the ESP (bootable for legacy BIOS) and the root partition
rm -f "$DISK"
truncate -s "${DISK_SIZE_MIB}M" "$DISK"
sfdisk --quiet "$DISK" <<PART
label: gpt
start=${ESP_START_MIB}MiB, size=${ESP_SIZE_MIB}MiB, type=uefi, name=ESP, attrs="LegacyBIOSBootable"
start=${ROOT_START_MIB}MiB, size=${ROOT_SIZE_MIB}MiB, type=linux, name=root
PART
dd if=/usr/lib/SYSLINUX/gptmbr.bin of="$DISK" bs=440 count=1 conv=notrunc status=none
dd if="$ESP" of="$DISK" bs=1M seek="$ESP_START_MIB" conv=notrunc,sparse status=none
dd if="$ROOTIMG" of="$DISK" bs=1M seek="$ROOT_START_MIB" conv=notrunc,sparse status=none
rm -f "$ESP" "$ROOTIMG"
