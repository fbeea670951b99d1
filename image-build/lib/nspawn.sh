# shellcheck shell=bash
# Boots a root filesystem directory with systemd-nspawn for the image tests and runs commands in it (sourced; needs
# root). Sets NSPAWN_PID and INIT_PID; nspawn_stop powers the container off (call it from the caller's EXIT trap).
# test-installer.sh has the same steps inline and can move to these functions.
NSPAWN_PID=""
INIT_PID=""

# nspawn_boot <root dir> <console log> [systemd-nspawn options...]: boots the container without registering it (no
# machined here) and waits up to 120 s until its systemd reports running or degraded; stops the script if it does not
# start.
nspawn_boot() {
  local dir="$1" log="$2" state=""
  shift 2
  systemd-nspawn -D "$dir" -b --register=no --keep-unit -q --console=passive "$@" >"$log" 2>&1 &
  NSPAWN_PID=$!
  for _ in $(seq 1 120); do
    INIT_PID="$(pgrep -P "$NSPAWN_PID" | head -n1)"
    [ -n "$INIT_PID" ] && state="$(nsenter -t "$INIT_PID" -a -- systemctl is-system-running 2>/dev/null)" && case "$state" in running|degraded) break ;; esac
    sleep 1
  done
  [ -n "$INIT_PID" ] || die "the container did not start: $(cat "$log")"
  echo "# container state: ${state:-unknown}"
}

# nspawn_stop: powers the container off (30 s), then kills systemd-nspawn if it is still there.
nspawn_stop() {
  if [ -n "$INIT_PID" ]; then
    nsenter -t "$INIT_PID" -a -- systemctl poweroff >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 1; done
  fi
  [ -z "$NSPAWN_PID" ] || kill "$NSPAWN_PID" 2>/dev/null
  return 0
}

# inside <command...>: runs a command inside the container with a clean environment
inside() { nsenter -t "$INIT_PID" -a -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
