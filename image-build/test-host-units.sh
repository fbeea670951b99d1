#!/usr/bin/env bash
# Host-units test (npm run test:image-units, as root): the built image's root filesystem booted natively with
# systemd-nspawn (no QEMU, so a minute instead of a TCG boot) to check the appliance's own systemd units as the image
# ships them: the service starts and publishes its host settings, the root path unit applies them (timesyncd
# drop-in, 20auto-upgrades) and the sandboxed service reads the result and the clock state back; settings changed
# through the API are applied; the console menu's password reset goes through the real service; tty1 runs the menu.
# The root partition is taken out of the qcow2 (default: the newest in out/image) and loop-mounted; the container has
# no network of its own (--private-network), so the API is reached inside its namespace. Timesyncd itself does not run
# in a container (ConditionVirtualization=!container): its drop-in is checked, not a sync.
# Ends with a plain "N passed, N failed" line; exit status 1 when anything failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/checks.sh"
source "$HERE/lib/nspawn.sh"
QCOW2=""
while [ $# -gt 0 ]; do
  case "$1" in
    --qcow2) QCOW2="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "the host-units test needs root (loop mount, systemd-nspawn)"
ensure_host_packages systemd-container qemu-utils fdisk curl
[ -n "$QCOW2" ] || QCOW2="$(ls -t "$ROOT"/out/image/*.qcow2 2>/dev/null | head -n1)"
[ -f "$QCOW2" ] || die "no qcow2 image: build one with npm run image or pass --qcow2 FILE"
T="$(mktemp -d /var/tmp/api-radar-units.XXXXXX)"
cleanup() {
  nspawn_stop
  mountpoint -q "$T/root" && umount "$T/root"
  rm -rf "$T"
}
trap cleanup EXIT

step "root filesystem out of $(basename "$QCOW2")"
qemu-img convert -O raw "$QCOW2" "$T/disk.raw"
read -r start size < <(sfdisk -d "$T/disk.raw" | awk -F'[=,]' '/name="root"/ { gsub(/ /, ""); print $2, $4 }')
dd if="$T/disk.raw" of="$T/root.img" bs=512 skip="$start" count="$size" conv=sparse status=none
rm -f "$T/disk.raw"
mkdir -p "$T/root"
mount -o loop "$T/root.img" "$T/root"

step "boot it with systemd-nspawn"
nspawn_boot "$T/root" "$T/console.log" --private-network
# api <curl arguments...>: the service's API from inside the container's network namespace
api() { nsenter -t "$INIT_PID" -n -- curl -sk --max-time 30 "$@"; }
json() { node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{try{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v?.[k];if(v!==undefined)console.log(typeof v==="object"?JSON.stringify(v):v)}catch{}})' "$1"; }
# wait_for <seconds> <command...>: retries the command every second
wait_for() { local n="$1"; shift; for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 1; done; return 1; }
B="https://127.0.0.1/api/v1"

check "the service starts and writes the setup token" wait_for 120 inside test -s /var/lib/api-radar/setup-token
check "the service published its host settings at start (NTP pool.ntp.org, upgrades on)" \
  wait_for 30 inside grep -qx 'ntp=pool.ntp.org' /var/lib/api-radar/host/desired.conf
check "the root path unit applied them (status ok, timesyncd drop-in)" \
  wait_for 30 inside sh -c 'grep -qx result=ok /var/lib/api-radar-host/status.conf && grep -qx NTP=pool.ntp.org /etc/systemd/timesyncd.conf.d/api-radar.conf'
token="$(inside cat /var/lib/api-radar/setup-token)"
api -o /dev/null -H 'content-type: application/json' -d "{\"token\":\"$token\",\"username\":\"operator\",\"password\":\"Units-Test-2026!\"}" "$B/setup/complete"
jar="$T/cookies"
csrf="$(api -c "$jar" -H 'content-type: application/json' -d '{"username":"operator","password":"Units-Test-2026!"}' "$B/auth/login" | json csrfToken)"
check "setup completes and the admin signs in" test -n "$csrf"
api -o /dev/null -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' -X PUT \
  -d '{"timezone":"Asia/Shanghai","ntpServers":["ntp.units-test.example","10.0.2.2"]}' "$B/settings/system"
api -o /dev/null -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' -X PUT -d '{"automaticSecurityUpdates":false}' "$B/settings/upgrades"
host_applied() { [ "$(api -b "$jar" "$B/system/host" | json host.pending)" = false ]; }
check "NTP servers and upgrades changed through the API are applied (not pending)" wait_for 30 host_applied
host_json="$(api -b "$jar" "$B/system/host")"
echo "# GET /system/host: $host_json"
check "timesyncd drop-in holds the new servers" inside grep -qx 'NTP=ntp.units-test.example 10.0.2.2' /etc/systemd/timesyncd.conf.d/api-radar.conf
check "20auto-upgrades switched off" inside grep -qx 'APT::Periodic::Unattended-Upgrade "0";' /etc/apt/apt.conf.d/20auto-upgrades
check "the sandboxed service reads the clock state (timedatectl)" test -n "$(echo "$host_json" | json host.timeSync)" -a "$(echo "$host_json" | json host.timeSync)" != null
security_only() {
  local p
  p="$(inside apt-config dump | grep 'Origins-Pattern:: ')"
  echo "# unattended-upgrades origins: $(echo "$p" | tr '\n' ' ')"
  [ "$(echo "$p" | grep -c Debian-Security)" -eq 2 ] && ! echo "$p" | grep -vq Debian-Security
}
check "unattended upgrades: Debian security origins only (apt-config in the image)" security_only
printf '3\noperator\ny\n\n' | inside env API_RADAR_RESET_WAIT=120 /usr/lib/api-radar/console-menu.sh > "$T/menu.out" 2>&1
password="$(sed -n 's/^New password of operator: //p' "$T/menu.out")"
login_status() { api -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d "{\"username\":\"operator\",\"password\":\"$1\"}" "$B/auth/login"; }
wait_for 60 sh -c "nsenter -t $INIT_PID -n -- curl -sk -o /dev/null --max-time 5 $B/health" >/dev/null
check "console menu: the password reset prints a new password that signs in" test -n "$password" -a "$(login_status "$password")" = 200
check "console menu: the old password no longer signs in" test "$(login_status 'Units-Test-2026!')" = 401
check "tty1 runs the console menu (getty@tty1 drop-in)" \
  sh -c "nsenter -t $INIT_PID -a -- systemctl show -p ExecStart getty@tty1.service | grep -q 'path=/usr/lib/api-radar/console-menu.sh'"
summary
