#!/bin/sh
# First boot: grows the root partition and its filesystem to the virtual disk's size (online, ext4).
set -u
root_dev="$(findmnt -n -o SOURCE /)"
disk="/dev/$(lsblk -n -o PKNAME "$root_dev" | head -n1)"
part="$(cat "/sys/class/block/$(basename "$root_dev")/partition" 2>/dev/null || echo 2)"
if growpart "$disk" "$part" >/dev/null 2>&1; then
  resize2fs "$root_dev" >/dev/null 2>&1 && { echo "api-radar-growroot: root filesystem grown to the disk size" > /dev/kmsg 2>/dev/null || true; }
fi
touch /var/lib/api-radar-growroot.done
