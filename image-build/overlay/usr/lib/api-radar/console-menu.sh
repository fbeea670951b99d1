#!/bin/bash
# The API Radar console menu on the local console (tty1, root, started by getty@tty1 in place of a login prompt):
# the banner (version, URL, setup token) above a menu to set a static IPv4 address on the management NIC or go back
# to DHCP, reset an admin's password, show the setup token, restart the service, reboot and shut down. Choices are
# read line by line from stdin, so tests drive it with a pipe; it ends at end of input. Paths move under a test root
# with API_RADAR_ROOT (and API_RADAR_SYSFS for /sys); commands (systemctl, networkctl, ip) are taken from PATH.
set -u
ROOT="${API_RADAR_ROOT:-}"
SYSFS="${API_RADAR_SYSFS:-/sys}"
HERE="$(dirname "$0")"
# shellcheck source=host-validate.sh
. "$HERE/host-validate.sh"
DATA_DIR="$ROOT/var/lib/api-radar"
NETWORK_FILE="$ROOT/etc/systemd/network/10-management.network"
ISSUE="$ROOT/etc/issue.d/api-radar.issue"
SERVICE_USER="${API_RADAR_SERVICE_USER-api-radar}"
REFRESH="${API_RADAR_MENU_REFRESH:-10}"
RESET_WAIT="${API_RADAR_RESET_WAIT:-300}"
RESET_REQUEST="$DATA_DIR/console-reset-admin"
RESET_RESULT="$DATA_DIR/console-reset-admin.result"

# Reads one line into the variable named $1 after printing prompt $2; ends the menu at end of input.
ask() {
  printf '%s' "$2"
  IFS= read -r "$1" || { echo; exit 0; }
}

# Asks a yes/no question ($1); succeeds on y/yes.
confirm() {
  local answer
  ask answer "$1 [y/N] "
  case "$answer" in y | Y | yes | YES) return 0 ;; *) echo "Cancelled."; return 1 ;; esac
}

pause() {
  local _
  ask _ "Press Enter to return to the menu."
}

# Prints up to $2 bytes of file $1, which the service writes: a link planted in its place is not followed.
read_service_file() { dd if="$1" iflag=nofollow bs="$2" count=1 status=none 2>/dev/null; }

mgmt_mac() { sed -n 's/^MACAddress=//p' "$NETWORK_FILE" 2>/dev/null | head -n1; }

# The interface name of the management NIC (by the MAC address first boot wrote), or nothing.
mgmt_if() {
  local mac d
  mac="$(mgmt_mac | tr 'A-F' 'a-f')"
  [ -n "$mac" ] || return 0
  for d in "$SYSFS"/class/net/*; do
    [ "$(tr 'A-F' 'a-f' < "$d/address" 2>/dev/null)" = "$mac" ] && { basename "$d"; return 0; }
  done
}

draw() {
  [ -t 1 ] && clear
  if [ -r "$ISSUE" ]; then tr -cd '[:print:]\n' < "$ISSUE"; else echo "API Radar"; echo; fi
  local ifname mode
  ifname="$(mgmt_if)"
  if [ ! -f "$NETWORK_FILE" ]; then mode="not configured"
  elif grep -q '^DHCP=yes' "$NETWORK_FILE"; then mode="DHCP"
  else mode="static $(sed -n 's/^Address=//p' "$NETWORK_FILE" | head -n1)"
  fi
  echo "  Management NIC: ${ifname:-?} ($(mgmt_mac)), $mode"
  echo
  echo "  1) Set a static IPv4 address on the management NIC"
  echo "  2) Use DHCP on the management NIC"
  echo "  3) Reset an admin's password"
  echo "  4) Show the setup token"
  echo "  5) Restart the API Radar service"
  echo "  6) Reboot"
  echo "  7) Shut down"
  echo
}

# Replaces the management NIC's networkd file with the [Network] lines on stdin and applies it.
write_network() {
  local mac ifname
  mac="$(mgmt_mac)"
  if [ -z "$mac" ]; then echo "No management NIC is configured (first boot found no network card)."; return 1; fi
  { printf '# Management NIC, written by the API Radar console menu.\n[Match]\nMACAddress=%s\n\n[Network]\n' "$mac"; cat; } > "$NETWORK_FILE.new"
  chmod 0644 "$NETWORK_FILE.new" && mv -f "$NETWORK_FILE.new" "$NETWORK_FILE"
  ifname="$(mgmt_if)"
  networkctl reload
  [ -n "$ifname" ] && networkctl reconfigure "$ifname"
  systemctl start api-radar-banner.service
  echo "Applied."
}

set_static() {
  local addr gw dns d
  ask addr "Address with prefix length (e.g. 192.168.1.20/24): "
  valid_ipv4_cidr "$addr" || { echo "Not an IPv4 address with prefix length: nothing changed."; return; }
  ask gw "Gateway (empty: none): "
  if [ -n "$gw" ]; then
    valid_ipv4 "$gw" || { echo "Not an IPv4 address: nothing changed."; return; }
    same_ipv4_network "$addr" "$gw" || { echo "The gateway is not in $addr: nothing changed."; return; }
  fi
  ask dns "DNS servers, space-separated (empty: none): "
  for d in $dns; do valid_ipv4 "$d" || { echo "Not an IPv4 address: $d - nothing changed."; return; }; done
  echo "Management NIC: address $addr, gateway ${gw:-none}, DNS ${dns:-none}."
  confirm "Apply? Connections to the old address end." || return
  {
    echo "Address=$addr"
    [ -n "$gw" ] && echo "Gateway=$gw"
    for d in $dns; do echo "DNS=$d"; done
  } | write_network
}

set_dhcp() {
  confirm "Switch the management NIC to DHCP?" || return
  echo "DHCP=yes" | write_network
}

show_token() {
  if [ -s "$DATA_DIR/setup-token" ]; then
    echo "Setup token: $(read_service_file "$DATA_DIR/setup-token" 200 | tr -cd 'A-Za-z0-9_-')"
    echo "Enter it in the setup wizard in a browser (the address is above)."
  else
    echo "Setup is complete: there is no setup token any more. Sign in with an admin account; if its password is"
    echo "lost, use 'Reset an admin's password'."
  fi
}

# A random password the service's rules accept: 4 groups of 4 letters and digits (no look-alikes) joined by '-'.
new_password() {
  local p
  while :; do
    p="$(LC_ALL=C tr -dc 'A-HJ-NP-Za-km-z2-9' < /dev/urandom | head -c 16)"
    [[ $p =~ [a-z] && $p =~ [A-Z] && $p =~ [0-9] ]] && break
  done
  echo "${p:0:4}-${p:4:4}-${p:8:4}-${p:12:4}"
}

# Sets a new random password on an admin account through the service (which consumes the request file when it
# starts) and prints it once. While setup is pending there is no admin yet: the setup token is shown instead.
reset_admin() {
  local user password tmp waited result
  if [ -s "$DATA_DIR/setup-token" ]; then
    echo "Setup is not complete yet, so there is no admin account: finish the wizard with the setup token."
    show_token
    return
  fi
  ask user "Admin user name (empty: the first admin): "
  if [ -n "$user" ] && ! [[ $user =~ ^[A-Za-z0-9._@-]{3,64}$ ]]; then echo "Not a user name: nothing changed."; return; fi
  confirm "Set a new password for ${user:-the first admin}, sign it out everywhere and restart the service?" || return
  password="$(new_password)"
  rm -f "$RESET_RESULT"
  # a fresh file (mktemp) renamed into place: a link planted at the request's name is replaced, never written through
  tmp="$(mktemp "$DATA_DIR/.console-reset.XXXXXX")" || { echo "Cannot write to $DATA_DIR."; return; }
  printf 'user=%s\npassword=%s\n' "$user" "$password" > "$tmp"
  chmod 0600 "$tmp"
  [ -n "$SERVICE_USER" ] && chown "$SERVICE_USER:$SERVICE_USER" "$tmp"
  mv -fT "$tmp" "$RESET_REQUEST"
  systemctl restart api-radar.service
  printf 'Waiting for the service'
  waited=0
  while [ ! -s "$RESET_RESULT" ] && [ "$waited" -lt "$RESET_WAIT" ]; do sleep 1; waited=$((waited + 1)); printf '.'; done
  echo
  if [ ! -s "$RESET_RESULT" ]; then
    rm -f "$RESET_REQUEST"
    echo "The service did not answer within $RESET_WAIT s: nothing changed. Check 'journalctl -u api-radar'."
    return
  fi
  result="$(read_service_file "$RESET_RESULT" 300 | tr -cd '[:print:]')"
  rm -f "$RESET_RESULT"
  case "$result" in
    "ok "*)
      echo "New password of ${result#ok }: $password"
      echo "It is shown only now. Sign in with it and change it (Settings > Users)."
      ;;
    *) echo "Not reset: ${result#error }" ;;
  esac
}

while :; do
  draw
  printf 'Choose 1-7: '
  choice=""
  while :; do
    part=""
    if IFS= read -r -t "$REFRESH" part; then choice="$choice$part"; break; fi
    status=$?
    choice="$choice$part"
    if [ "$status" -gt 128 ]; then
      # timed out: redraw (new address, token gone) unless something is half typed
      [ -z "$choice" ] && { draw; printf 'Choose 1-7: '; }
      continue
    fi
    [ -n "$choice" ] && break
    echo; exit 0
  done
  echo
  case "$choice" in
    1) set_static ;;
    2) set_dhcp ;;
    3) reset_admin ;;
    4) show_token ;;
    5) systemctl restart api-radar.service && echo "Restarted." ;;
    6) confirm "Reboot now?" && systemctl reboot ;;
    7) confirm "Shut down now?" && systemctl poweroff ;;
    '') continue ;;
    *) echo "Choose a number from 1 to 7." ;;
  esac
  pause
done
