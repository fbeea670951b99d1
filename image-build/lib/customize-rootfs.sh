#!/usr/bin/env bash
# mmdebstrap customize hook: installs the application into the root filesystem at $1 and configures the appliance.
# Usage: customize-rootfs.sh <rootfs> <work-dir> <version>
set -euo pipefail
R="$1"
WORK="$2"
VERSION="$3"
HERE="$(cd "$(dirname "$0")/.." && pwd)"

# application and runtime: the application as the first release, `current` the one the service runs (upgrade
# bundles add releases and switch it; docs/image.md "Upgrades"); VERSION and README follow `current`
mkdir -p "$R/opt/api-radar/releases"
cp -a "$WORK/app" "$R/opt/api-radar/releases/$VERSION"
echo "$VERSION" > "$R/opt/api-radar/releases/$VERSION/VERSION"
ln -s "releases/$VERSION" "$R/opt/api-radar/current"
ln -s current/VERSION "$R/opt/api-radar/VERSION"
ln -s current/README.md "$R/opt/api-radar/README.md"
mkdir -p "$R/opt/api-radar/runtime/bin"
cp "$WORK/node/bin/node" "$R/opt/api-radar/runtime/bin/node"
ln -sf /opt/api-radar/runtime/bin/node "$R/usr/local/bin/node"
chown -R root:root "$R/opt/api-radar"

# system files of the appliance (units, scripts, defaults)
cp -a "$HERE/overlay/." "$R/"
# public keys whose signatures on upgrade bundles this appliance accepts (build-image.sh put the build key's there)
install -d -m 0755 "$R/usr/lib/api-radar/upgrade-keys"
install -m 0644 "$WORK"/upgrade-keys/*.pem "$R/usr/lib/api-radar/upgrade-keys/"

# service user and data directory (kept across upgrades)
chroot "$R" useradd --system --home-dir /var/lib/api-radar --no-create-home --shell /usr/sbin/nologin api-radar
install -d -m 0750 -o "$(chroot "$R" id -u api-radar)" -g "$(chroot "$R" id -g api-radar)" "$R/var/lib/api-radar"

# networking: systemd-networkd (first boot writes the NIC files), resolved stub, time sync
chroot "$R" systemctl enable systemd-networkd.service >/dev/null 2>&1
chroot "$R" systemctl enable api-radar.service api-radar-firstboot.service api-radar-banner.timer api-radar-banner.path api-radar-bootprofile.service >/dev/null 2>&1
# upgrade bundles uploaded in Settings -> System are applied as root when the service asks (request file); the root
# partition grows beside the service's start instead of before it
chroot "$R" systemctl enable api-radar-upgrade.path api-radar-growroot.service >/dev/null 2>&1
chroot "$R" systemctl disable ssh.service >/dev/null 2>&1 || true
chroot "$R" systemctl enable serial-getty@ttyS0.service >/dev/null 2>&1
# boot time (the boot profile under TCG showed both on the critical path): e2scrub_reap only removes e2scrub's LVM
# snapshots (no LVM here); timesyncd is ordered before sysinit.target and time-set.target, so every timer and with them
# basic.target waited for its sandboxed start - it now starts with the services and leaves time-set.target alone
# (the clock comes from the hypervisor's RTC until the first NTP answer)
chroot "$R" systemctl disable e2scrub_reap.service >/dev/null 2>&1
chroot "$R" systemctl disable systemd-timesyncd.service >/dev/null 2>&1
sed -e 's/^Before=.*/Before=shutdown.target/' -e 's/^Wants=time-set.target$//' -e 's/^WantedBy=sysinit.target$/WantedBy=multi-user.target/' \
  "$R/usr/lib/systemd/system/systemd-timesyncd.service" > "$R/etc/systemd/system/systemd-timesyncd.service"
chroot "$R" systemctl enable systemd-timesyncd.service >/dev/null 2>&1
rm -f "$R"/etc/ssh/ssh_host_*
# host settings the service asks for (NTP servers, unattended upgrades) are applied as root by a path unit; the
# timesyncd drop-in folder must exist (the apply unit may write only there and in apt.conf.d); unattended security
# upgrades start on, the service's default (Settings > System turns them off)
chroot "$R" systemctl enable api-radar-host-apply.path >/dev/null 2>&1
mkdir -p "$R/etc/systemd/timesyncd.conf.d"
printf '// Written by API Radar (Settings > System): unattended security upgrades on.\nAPT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n' > "$R/etc/apt/apt.conf.d/20auto-upgrades"

printf '127.0.0.1\tlocalhost\n127.0.1.1\tapi-radar\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
# an empty machine-id makes systemd generate one on first boot
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
passwd -R "$R" -l root >/dev/null

# log rotation of the journal is systemd's; keep it bounded
mkdir -p "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nSystemMaxUse=200M\n' > "$R/etc/systemd/journald.conf.d/api-radar.conf"

# capture: the cap addon dlopens libpcap.so, the development link (without libpcap0.8-dev and the toolchain headers
# it pulls)
ln -sf libpcap.so.0.8 "$R/usr/lib/x86_64-linux-gnu/libpcap.so"
# PDF reports: the headless shell, not the full Chromium the service looks for by default
echo "CHROMIUM_PATH=/usr/bin/chromium-headless-shell" >> "$R/etc/default/api-radar"

source "$HERE/image.config.sh"
chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${IMAGE_PURGE_PACKAGES[@]}" >/dev/null

# kernel modules: only the listed ones and their dependencies stay, then the initramfs is rebuilt without the rest
for kdir in "$R"/usr/lib/modules/*/kernel; do
  kver="$(basename "$(dirname "$kdir")")"
  keep="$WORK/modules-keep-$kver.txt"
  for m in "${KERNEL_MODULES_KEEP[@]}"; do
    chroot "$R" modprobe -S "$kver" --show-depends "$m" || { echo "customize-rootfs: no kernel module $m" >&2; exit 1; }
  done | awk -v r="$R/usr" '$1 == "insmod" { print r $2 }' | sort -u > "$keep"
  find "$kdir" -name '*.ko*' | sort | comm -23 - "$keep" | xargs -r rm -f
  find "$kdir" -type d -empty -delete
  chroot "$R" depmod "$kver"
  chroot "$R" update-initramfs -u -k "$kver" >/dev/null 2>&1
done

# smaller image: caches and package lists go
rm -rf "$R/var/cache/apt/archives/"*.deb "$R/var/lib/apt/lists/"* "$R/var/log/"*.log
