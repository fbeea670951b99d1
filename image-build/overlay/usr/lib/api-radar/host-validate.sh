#!/bin/sh
# Validation helpers sourced by the console menu and the host-settings apply script: what a host name, an IPv4 address
# and an IPv4 address with prefix length look like. Both scripts run as root on input typed at the console or written
# by the network-facing service, so nothing passes unless it matches exactly.

# Succeeds when $1 is a dotted-quad IPv4 address (no leading zeros, each part 0-255).
valid_ipv4() {
  case "$1" in '' | *[!0-9.]*) return 1 ;; esac
  printf '%s' "$1" | grep -Eqx '((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])'
}

# Succeeds when $1 is an IPv4 address with a prefix length of 1-32 (192.0.2.10/24).
valid_ipv4_cidr() {
  case "$1" in */*) ;; *) return 1 ;; esac
  valid_ipv4 "${1%/*}" || return 1
  printf '%s' "${1#*/}" | grep -Eqx '[1-9]|[12][0-9]|3[0-2]'
}

# Succeeds when $1 is a DNS host name (RFC 1123 labels of 1-63 letters, digits and inner hyphens, 253 characters at
# most) or an IPv4 address: the NTP servers the service's settings accept.
valid_host() {
  case "$1" in '' | *[!A-Za-z0-9.-]*) return 1 ;; esac
  [ "${#1}" -le 253 ] || return 1
  valid_ipv4 "$1" && return 0
  printf '%s' "$1" | grep -Eqx '([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*' || return 1
  # a name made only of digits and dots would be read as an address
  ! printf '%s' "$1" | grep -Eqx '[0-9.]+'
}

# The 32-bit value of IPv4 address $1.
ipv4_value() {
  old_ifs="$IFS"; IFS=.
  # shellcheck disable=SC2086
  set -- $1
  IFS="$old_ifs"
  echo $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
}

# Succeeds when IPv4 address $2 is in the network of $1 (address/prefix).
same_ipv4_network() {
  prefix="${1#*/}"
  mask=$(( (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF ))
  [ $(( $(ipv4_value "${1%/*}") & mask )) -eq $(( $(ipv4_value "$2") & mask )) ]
}
