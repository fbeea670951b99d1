#!/usr/bin/env bash
# Installer test (npm run test:installer, as root): a clean Debian 12 root filesystem (mmdebstrap minbase with
# systemd) booted with systemd-nspawn; scripts/install.sh from this working tree (copied without .git, so the
# installer's plain-tree path is used) runs inside it on the host's network with its own ports. Checks: the service
# starts as its own user and answers on HTTPS, the printed setup token completes setup, a second run upgrades in place
# keeping data, --uninstall removes the service and keeps data, --purge deletes data and user.
# The container trusts the CAs added on the host (/usr/local/share/ca-certificates), as hosts behind a TLS-inspecting
# proxy do. Ends with a plain "N passed, N failed" line; exit status 1 when anything failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$HERE/image.config.sh"
source "$HERE/lib/common.sh"
source "$HERE/lib/checks.sh"
HTTPS_PORT="${INSTALLER_TEST_HTTPS_PORT:-18643}"
HTTP_PORT="${INSTALLER_TEST_HTTP_PORT:-18680}"

[ "$(id -u)" -eq 0 ] || die "the installer test needs root (mmdebstrap, systemd-nspawn)"
ensure_host_packages mmdebstrap systemd-container curl
for p in "$HTTPS_PORT" "$HTTP_PORT"; do
  ! curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$p/" || die "port $p is in use on this host"
done
T="$(mktemp -d /var/tmp/api-radar-installer.XXXXXX)"
R="$T/rootfs"
NSPAWN_PID=""
INIT_PID=""
cleanup() {
  if [ -n "$INIT_PID" ]; then
    nsenter -t "$INIT_PID" -a -- systemctl poweroff >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 1; done
  fi
  [ -z "$NSPAWN_PID" ] || kill "$NSPAWN_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

step "clean Debian $DEBIAN_SUITE (mmdebstrap minbase + systemd)"
started=$(date +%s)
mmdebstrap --variant=minbase --include=systemd-sysv,dbus,iproute2,ca-certificates --format=directory \
  --customize-hook='echo installer-test > "$1/etc/hostname"' \
  --customize-hook='cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" 2>/dev/null; chroot "$1" update-ca-certificates >/dev/null' \
  "$DEBIAN_SUITE" "$R" \
  "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" \
  "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
  "deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main" >"$T/mmdebstrap.log" 2>&1 || { cat "$T/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
mkdir -p "$R/root/api-radar"
tar -C "$ROOT" --exclude=./node_modules --exclude=./out --exclude=./.git --exclude=./ui/dist --exclude=./test-results -cf - . \
  | tar -x -C "$R/root/api-radar"

step "boot it with systemd-nspawn"
systemd-nspawn -D "$R" -b --register=no --keep-unit -q --console=passive --resolv-conf=copy-host >"$T/console.log" 2>&1 &
NSPAWN_PID=$!
for _ in $(seq 1 60); do
  INIT_PID="$(pgrep -P "$NSPAWN_PID" | head -n1)"
  [ -n "$INIT_PID" ] && state="$(nsenter -t "$INIT_PID" -a -- systemctl is-system-running 2>/dev/null)" && case "$state" in running|degraded) break ;; esac
  sleep 1
done
[ -n "$INIT_PID" ] || die "the container did not start: $(cat "$T/console.log")"
# inside <command...>: runs a command inside the container with a clean environment
inside() { nsenter -t "$INIT_PID" -a -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
base="https://127.0.0.1:$HTTPS_PORT"

step "install"
t0=$(date +%s)
inside /root/api-radar/scripts/install.sh --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" >"$T/install1.log" 2>&1
rc=$?
echo "# first install: $(( $(date +%s) - t0 )) s ($(uptime | sed 's/.*load/load/'))"
tail -n 8 "$T/install1.log"
check "install.sh exits 0" test "$rc" = 0
token="$(sed -n 's/^  Setup token: //p' "$T/install1.log" | tr -cd 'A-Za-z0-9_-')"
url_printed="$(grep -c "Open https://.*:$HTTPS_PORT/" "$T/install1.log")"
check "install.sh prints the URL and the setup token" test "$url_printed" -gt 0 -a -n "$token"
check "the service is active and runs as its own user" \
  test "$(inside systemctl is-active api-radar.service)" = active \
  -a "$(inside stat -c %U "/proc/$(inside systemctl show -p MainPID --value api-radar.service)")" = api-radar
check "the wizard answers on HTTPS" test "$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' "$base/")" = 200
status="$(curl -sk -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  -d "{\"token\":\"$token\",\"username\":\"operator\",\"password\":\"Installer-Test-2026!\"}" "$base/api/v1/setup/complete")"
check "setup completes with the printed token" test "$status" = 200

step "install again (upgrade in place)"
t0=$(date +%s)
inside /root/api-radar/scripts/install.sh --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" >"$T/install2.log" 2>&1
rc=$?
echo "# second install: $(( $(date +%s) - t0 )) s"
check "a second run exits 0" test "$rc" = 0
status="$(curl -sk -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  -d '{"username":"operator","password":"Installer-Test-2026!"}' "$base/api/v1/auth/login")"
check "after the second run the service answers and the admin still signs in (data kept)" test "$status" = 200

step "uninstall"
inside /root/api-radar/scripts/install.sh --uninstall >"$T/uninstall.log" 2>&1
rc=$?
sleep 1
check "--uninstall exits 0" test "$rc" = 0
check "--uninstall stops and removes the service" \
  test "$(curl -sk --max-time 3 -o /dev/null -w '%{http_code}' "$base/")" = 000 -a ! -e "$R/etc/systemd/system/api-radar.service" -a ! -e "$R/opt/api-radar"
check "--uninstall keeps the data directory" test -d "$R/var/lib/api-radar"
inside /root/api-radar/scripts/install.sh --uninstall --purge >>"$T/uninstall.log" 2>&1
check "--uninstall --purge deletes the data and the user" test ! -e "$R/var/lib/api-radar" -a -z "$(inside getent passwd api-radar)"
echo "# installer test: $(( $(date +%s) - started )) s in all"
[ "$FAIL" -eq 0 ] || { echo "# install log:"; tail -n 40 "$T/install1.log"; }

summary
