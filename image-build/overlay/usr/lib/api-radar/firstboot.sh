#!/bin/sh
# First boot: pick the management and capture NICs, SSH keys if enabled (the root partition grows in
# growroot.sh, which the service does not wait for).
set -u
log() { echo "api-radar-firstboot: $*" > /dev/kmsg 2>/dev/null || echo "$*"; }

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
