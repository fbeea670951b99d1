#!/usr/bin/env bash
# Image test (npm run test:image): builds the OVA (unless --ova FILE is given), checks the OVF package (well-formed
# descriptor, references and sizes resolve, manifest digests match), takes the VMDK back out of the OVA and boots it
# under QEMU (TCG) with BIOS and with UEFI, two NICs, the management one port-forwarded from the host; each boot must
# print the console banner (version and setup token) on the serial console and answer on the forwarded HTTPS port.
# Ends with a plain "N passed, N failed" line; exit status 1 when anything failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$HERE/image.config.sh"
source "$HERE/lib/common.sh"
OUT="$ROOT/out/image"
OVA=""
BOOT_TIMEOUT="${BOOT_TIMEOUT:-240}"
while [ $# -gt 0 ]; do
  case "$1" in
    --ova) OVA="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

ensure_host_packages qemu-system-x86 qemu-utils ovmf libxml2-utils curl
if [ -z "$OVA" ]; then
  "$HERE/build-image.sh" --out "$OUT" || die "image build failed"
  OVA="$(ls -t "$OUT"/*.ova | head -n1)"
fi
mkdir -p "$OUT"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

# --- the OVF package
tar -xf "$OVA" -C "$T"
names="$(tar -tf "$OVA")"
check "OVA holds the descriptor first, then the manifest" test "$(echo "$names" | sed -n 1p | grep -c '\.ovf$')" = 1 -a "$(echo "$names" | sed -n 2p | grep -c '\.mf$')" = 1
OVF="$(ls "$T"/*.ovf)"
MF="$(ls "$T"/*.mf)"
check "descriptor is well-formed XML" xmllint --noout "$OVF"
refs_ok=1
for href in $(xmllint --xpath '//*[local-name()="File"]/@*[local-name()="href"]' "$OVF" 2>/dev/null | sed -E 's/[^"]*"([^"]*)"/\1 /g'); do
  size="$(xmllint --xpath "string(//*[local-name()='File'][@*[local-name()='href']='$href']/@*[local-name()='size'])" "$OVF")"
  [ -f "$T/$href" ] && [ "$(stat -c %s "$T/$href")" = "$size" ] || refs_ok=0
done
check "every file reference resolves with its declared size" test "$refs_ok" = 1
mf_ok=1
while read -r line; do
  f="$(echo "$line" | sed -E 's/^SHA256\(([^)]*)\)= .*/\1/')"
  d="$(echo "$line" | sed -E 's/.*= //')"
  [ "$(sha256sum "$T/$f" | cut -d' ' -f1)" = "$d" ] || mf_ok=0
done < "$MF"
check "manifest digests match" test "$mf_ok" = 1
ova_mib=$(( $(stat -c %s "$OVA") / 1048576 ))
check "OVA is under 400 MiB ($ova_mib MiB)" test "$ova_mib" -lt 400
VMDK="$(ls "$T"/*.vmdk)"

# --- boots
boot() { # <firmware> <port>
  local fw="$1" port="$2" log="$OUT/serial-$1.log" started ended
  local bios=()
  [ "$fw" = uefi ] && bios=(-bios /usr/share/ovmf/OVMF.fd)
  started=$(date +%s)
  qemu-system-x86_64 -accel tcg -machine q35 -smp 2 -m 1024 "${bios[@]}" -snapshot \
    -drive "file=$VMDK,if=none,id=d0,format=vmdk" -device ahci,id=ahci -device ide-hd,drive=d0,bus=ahci.0 \
    -nic "user,model=e1000,restrict=on,hostfwd=tcp:127.0.0.1:$port-:443" \
    -nic "user,model=e1000,restrict=on" \
    -display none -serial "file:$log" -monitor none -daemonize -pidfile "$T/qemu-$fw.pid"
  local token="" answered=0
  while [ $(( $(date +%s) - started )) -lt "$BOOT_TIMEOUT" ]; do
    token="$(grep -a -o 'Setup token: [A-Za-z0-9_-]*' "$log" 2>/dev/null | tail -n1 | cut -d' ' -f3)"
    if curl -sk --max-time 3 -o /dev/null "https://127.0.0.1:$port/"; then answered=1; fi
    [ -n "$token" ] && [ "$answered" = 1 ] && break
    sleep 3
  done
  ended=$(date +%s)
  check "$fw boot: the banner shows the setup token on the serial console" test -n "$token"
  check "$fw boot: the service answers on HTTPS through the forwarded port ($((ended - started)) s)" test "$answered" = 1
  local base="https://127.0.0.1:$port/api/v1"
  local setup_status login_status
  setup_status="$(curl -sk -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d "{\"token\":\"$token\",\"username\":\"operator\",\"password\":\"Image-Test-2026!\"}" "$base/setup/complete")"
  check "$fw boot: the wizard's setup completes through the API with the console token" test "$setup_status" = 200
  login_status="$(curl -sk -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d '{"username":"operator","password":"Image-Test-2026!"}' "$base/auth/login")"
  check "$fw boot: the new admin signs in" test "$login_status" = 200
  kill "$(cat "$T/qemu-$fw.pid")" 2>/dev/null
  echo "# serial console of the $fw boot: $log"
}
boot bios 18443
boot uefi 18444

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
