#!/bin/sh
# First boot: grow the root partition and filesystem, pick the management and capture NICs, SSH keys if enabled.
set -u
log() { echo "api-radar-firstboot: $*" > /dev/kmsg 2>/dev/null || echo "$*"; }

root_dev="$(findmnt -n -o SOURCE /)"
disk="/dev/$(lsblk -n -o PKNAME "$root_dev" | head -n1)"
part="$(cat "/sys/class/block/$(basename "$root_dev")/partition" 2>/dev/null || echo 2)"
if growpart "$disk" "$part" >/dev/null 2>&1; then
  resize2fs "$root_dev" >/dev/null 2>&1 && log "root filesystem grown to the disk size"
fi

# The first two Ethernet NICs by PCI order: management (DHCP) and capture (no address, brought up by the service).
nics="$(for d in /sys/class/net/*; do n="$(basename "$d")"; [ -e "$d/device" ] && [ "$(cat "$d/type")" = 1 ] && echo "$(readlink -f "$d/device") $n"; done | sort | awk '{print $2}')"
mgmt="$(echo "$nics" | sed -n 1p)"
capture="$(echo "$nics" | sed -n 2p)"
if [ -n "$mgmt" ]; then
  mac="$(cat "/sys/class/net/$mgmt/address")"
  printf '[Match]\nMACAddress=%s\n\n[Network]\nDHCP=yes\n' "$mac" > /etc/systemd/network/10-management.network
  log "management NIC $mgmt ($mac): DHCP"
fi
if [ -n "$capture" ]; then
  mac="$(cat "/sys/class/net/$capture/address")"
  printf '[Match]\nMACAddress=%s\n\n[Link]\nARP=no\nMulticast=no\nActivationPolicy=always-up\n\n[Network]\nDHCP=no\nLinkLocalAddressing=no\nIPv6AcceptRA=no\nLLDP=no\nEmitLLDP=no\n' "$mac" > /etc/systemd/network/20-capture.network
  echo "API_RADAR_CAPTURE_INTERFACE=$capture" >> /etc/default/api-radar
  log "capture NIC $capture ($mac): no address"
fi

if systemctl is-enabled ssh.service >/dev/null 2>&1; then
  ssh-keygen -A >/dev/null 2>&1 && log "SSH host keys generated"
fi
touch /var/lib/api-radar-firstboot.done
