#!/usr/bin/env bash
# mmdebstrap customize hook: installs the application into the root filesystem at $1 and configures the appliance.
# Usage: customize-rootfs.sh <rootfs> <work-dir> <version>
set -euo pipefail
R="$1"
WORK="$2"
VERSION="$3"
HERE="$(cd "$(dirname "$0")/.." && pwd)"

# application and runtime
mkdir -p "$R/opt"
cp -a "$WORK/app" "$R/opt/api-radar"
mkdir -p "$R/opt/api-radar/runtime/bin"
cp "$WORK/node/bin/node" "$R/opt/api-radar/runtime/bin/node"
echo "$VERSION" > "$R/opt/api-radar/VERSION"
ln -sf /opt/api-radar/runtime/bin/node "$R/usr/local/bin/node"
chown -R root:root "$R/opt/api-radar"

# system files of the appliance (units, scripts, defaults)
cp -a "$HERE/overlay/." "$R/"

# service user and data directory (kept across upgrades)
chroot "$R" useradd --system --home-dir /var/lib/api-radar --no-create-home --shell /usr/sbin/nologin api-radar
install -d -m 0750 -o "$(chroot "$R" id -u api-radar)" -g "$(chroot "$R" id -g api-radar)" "$R/var/lib/api-radar"

# networking: systemd-networkd (first boot writes the NIC files), resolved stub, time sync
chroot "$R" systemctl enable systemd-networkd.service systemd-timesyncd.service >/dev/null 2>&1
chroot "$R" systemctl enable api-radar.service api-radar-firstboot.service api-radar-banner.timer >/dev/null 2>&1
chroot "$R" systemctl disable ssh.service >/dev/null 2>&1 || true
chroot "$R" systemctl enable serial-getty@ttyS0.service >/dev/null 2>&1
rm -f "$R"/etc/ssh/ssh_host_*

printf '127.0.0.1\tlocalhost\n127.0.1.1\tapi-radar\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
# an empty machine-id makes systemd generate one on first boot
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
passwd -R "$R" -l root >/dev/null

# log rotation of the journal is systemd's; keep it bounded
mkdir -p "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nSystemMaxUse=200M\n' > "$R/etc/systemd/journald.conf.d/api-radar.conf"

# kernel modules a virtual appliance never needs, then the initramfs rebuilt without them
source "$HERE/image.config.sh"
for kdir in "$R"/usr/lib/modules/*/kernel; do
  for m in "${KERNEL_MODULE_PRUNE[@]}"; do rm -rf "$kdir"/$m; done
  kver="$(basename "$(dirname "$kdir")")"
  chroot "$R" depmod "$kver"
  chroot "$R" update-initramfs -u -k "$kver" >/dev/null 2>&1
done
rm -rf "$R/usr/share/icons" "$R/usr/share/doc-base"

# smaller image: caches and package lists go
rm -rf "$R/var/cache/apt/archives/"*.deb "$R/var/lib/apt/lists/"* "$R/var/log/"*.log
