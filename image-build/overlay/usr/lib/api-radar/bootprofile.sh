#!/bin/sh
# Boot profile (a debugging aid, run only with apiradar.bootprofile on the kernel command line): waits until the
# service listens on its HTTPS port (or 10 minutes have passed), then prints where the boot went (systemd-analyze, the service's journal with
# monotonic timestamps) on the serial console, between "=== bootprofile" markers the image test reads.
set -u
port="$(sed -n 's/^API_RADAR_HTTPS_PORT=//p' /etc/default/api-radar | tail -n1)"
i=0
while [ "$i" -lt 300 ] && ! ss -Hltn "sport = :${port:-443}" | grep -q .; do sleep 2; i=$((i + 1)); done
{
  echo "=== bootprofile: listening at $(cut -d' ' -f1 /proc/uptime) s after the kernel started"
  systemd-analyze time
  systemd-analyze critical-chain api-radar.service
  systemd-analyze blame --no-pager | head -n 30
  systemctl status --no-pager -n 0 api-radar.service
  journalctl -b -o short-monotonic --no-pager -u api-radar.service -u api-radar-firstboot.service | head -n 40
  echo "=== bootprofile end"
} > /dev/ttyS0 2>&1
