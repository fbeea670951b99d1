#!/bin/sh
# Applies the host settings the unprivileged service asks for (api-radar-host-apply.path starts it as root when the
# service rewrites its desired-state file): NTP servers as a systemd-timesyncd drop-in (timesyncd restarted when they
# change) and unattended security upgrades on or off in /etc/apt/apt.conf.d/20auto-upgrades. The file comes from a
# network-facing service, so it is read without following links, bounded in size, and applied only when every line
# is valid; otherwise nothing changes. The outcome goes to a status file the service reads back.
#
# Desired-state file (key=value lines, # comments):
#   ntp=<host or IPv4> ...   up to 8, space-separated; empty: timesyncd's own defaults
#   auto-upgrades=on|off
# Paths can be moved under a test root with API_RADAR_ROOT; API_RADAR_HOST_DESIRED / API_RADAR_HOST_STATUS override
# the two files.
set -u -f
IFS=' '
ROOT="${API_RADAR_ROOT:-}"
HERE="$(dirname "$0")"
# shellcheck source=host-validate.sh
. "$HERE/host-validate.sh"
DESIRED="${API_RADAR_HOST_DESIRED:-$ROOT/var/lib/api-radar/host/desired.conf}"
STATUS="${API_RADAR_HOST_STATUS:-$ROOT/var/lib/api-radar-host/status.conf}"
TIMESYNC_DROPIN="$ROOT/etc/systemd/timesyncd.conf.d/api-radar.conf"
AUTO_UPGRADES="$ROOT/etc/apt/apt.conf.d/20auto-upgrades"
MAX_BYTES=4096
MAX_SERVERS=8

# At most MAX_BYTES + 1 bytes of the desired-state file, not following a link.
read_desired() { dd if="$DESIRED" iflag=nofollow bs="$((MAX_BYTES + 1))" count=1 status=none; }

# Writes the status file (result, time, what was applied or why nothing was) and exits with $1.
finish() {
  code="$1"; shift
  mkdir -p "$(dirname "$STATUS")"
  {
    if [ "$code" -eq 0 ]; then echo "result=ok"; else echo "result=error"; fi
    echo "at=$(date +%s)"
    for line in "$@"; do echo "$line"; done
  } > "$STATUS.new" && mv -f "$STATUS.new" "$STATUS"
  [ "$code" -eq 0 ] || echo "api-radar-host-apply: $*" >&2
  # the path unit may miss a change made while this ran: apply again when the file changed meanwhile (at most 3 times)
  if [ -n "${content+set}" ] && [ "$(read_desired 2>/dev/null)" != "$content" ] && [ "${API_RADAR_HOST_APPLY_RUN:-1}" -lt 4 ]; then
    API_RADAR_HOST_APPLY_RUN=$((${API_RADAR_HOST_APPLY_RUN:-1} + 1)) exec sh "$0"
  fi
  exit "$code"
}

# Replaces file $1 with the text on stdin when it differs; succeeds (0) when it changed, 1 when it was the same.
replace_if_changed() {
  mkdir -p "$(dirname "$1")"
  cat > "$1.new"
  if cmp -s "$1.new" "$1"; then rm -f "$1.new"; return 1; fi
  chmod 0644 "$1.new" && mv -f "$1.new" "$1"
}

[ -e "$DESIRED" ] || finish 0 "note=no desired state yet"
{ [ -f "$DESIRED" ] && [ ! -L "$DESIRED" ]; } || finish 1 "error=the desired-state file is not a regular file"
# iflag=nofollow: a link swapped in after the check above is not followed either
content="$(read_desired)" || finish 1 "error=the desired-state file cannot be read"
size="$(read_desired | wc -c)"
[ "$size" -le "$MAX_BYTES" ] || finish 1 "error=the desired-state file is larger than $MAX_BYTES bytes"

have_ntp=0; have_upgrades=0; ntp=""; upgrades=""; n=0
while IFS= read -r line; do
  n=$((n + 1))
  case "$line" in
    '#'* | '') continue ;;
    ntp=*)
      ntp="${line#ntp=}"; have_ntp=1; count=0
      for s in $ntp; do
        valid_host "$s" || finish 1 "error=line $n: an NTP server is not a host name or IPv4 address"
        count=$((count + 1))
      done
      [ "$count" -le "$MAX_SERVERS" ] || finish 1 "error=line $n: more than $MAX_SERVERS NTP servers"
      ;;
    auto-upgrades=on | auto-upgrades=off) upgrades="${line#auto-upgrades=}"; have_upgrades=1 ;;
    *) finish 1 "error=line $n is not ntp=... or auto-upgrades=on|off" ;;
  esac
done <<END
$content
END

if [ "$have_ntp" -eq 1 ]; then
  # one space between servers, none around (each word was checked above; IFS is a space and globbing is off)
  # shellcheck disable=SC2086
  set -- $ntp
  ntp="$*"
  changed=no
  if [ -n "$ntp" ]; then
    printf '# Written by API Radar (Settings > System) - changes here are overwritten.\n[Time]\nNTP=%s\n' "$ntp" | replace_if_changed "$TIMESYNC_DROPIN" && changed=yes
  elif [ -e "$TIMESYNC_DROPIN" ]; then
    rm -f "$TIMESYNC_DROPIN" && changed=yes
  fi
  if [ "$changed" = yes ]; then
    systemctl restart systemd-timesyncd.service || finish 1 "ntp=$ntp" "error=systemd-timesyncd did not restart"
  fi
fi
if [ "$have_upgrades" -eq 1 ]; then
  v=0; [ "$upgrades" = on ] && v=1
  printf '// Written by API Radar (Settings > System): unattended security upgrades %s.\nAPT::Periodic::Update-Package-Lists "%s";\nAPT::Periodic::Unattended-Upgrade "%s";\n' "$upgrades" "$v" "$v" | replace_if_changed "$AUTO_UPGRADES" || true
fi
if [ "$have_ntp" -eq 1 ] && [ "$have_upgrades" -eq 1 ]; then finish 0 "ntp=$ntp" "auto-upgrades=$upgrades"; fi
if [ "$have_ntp" -eq 1 ]; then finish 0 "ntp=$ntp"; fi
if [ "$have_upgrades" -eq 1 ]; then finish 0 "auto-upgrades=$upgrades"; fi
finish 0 "note=nothing to apply"
