#!/bin/sh
# Writes the console banner (/etc/issue.d/api-radar.issue, shown by every getty) and prints it on the serial console
# when it changed: product version, the management URL(s), and the one-time setup token until setup is complete.
set -u
VERSION="$(cat /opt/api-radar/VERSION 2>/dev/null || echo unknown)"
TOKEN_FILE="/var/lib/api-radar/setup-token"
OUT=/etc/issue.d/api-radar.issue
mkdir -p /etc/issue.d
addrs="$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4,a,"/"); print a[1]}')"
{
  echo "API Radar $VERSION"
  echo
  if [ -n "$addrs" ]; then
    for a in $addrs; do echo "  Open https://$a/ in a browser"; done
  else
    echo "  No management address yet (waiting for DHCP; use the console menu to set a static address)"
  fi
  if [ -s "$TOKEN_FILE" ]; then
    echo
    echo "  Setup token: $(head -c 200 "$TOKEN_FILE" | tr -cd 'A-Za-z0-9_-')"
  fi
  echo
} > "$OUT.new"
if ! cmp -s "$OUT.new" "$OUT" 2>/dev/null; then
  mv "$OUT.new" "$OUT"
  cat "$OUT" > /dev/ttyS0 2>/dev/null || true
  agetty --reload 2>/dev/null || true
else
  rm -f "$OUT.new"
fi
