#!/usr/bin/env bash
# systemd/feedwired.service and feedwired@.service as systemd reads them:
# `systemd-analyze verify` accepts both, and `systemd-analyze security
# --offline=yes` rates their exposure "OK" or better (systemd's bands:
# PERFECT, SAFE, OK, then MEDIUM, EXPOSED, UNSAFE, DANGEROUS). verify
# insists that ExecStart's binary exists, so the units are checked from a
# copy that runs the freshly built feedwired instead of /usr/bin/feedwired.
# Skips (exit 77) where systemd-analyze is missing.
set -u
units=${1:?path to the systemd/ folder}
feedwired=${2:?path to the built feedwired}
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/cli/checks.sh
. "$(dirname "$0")/checks.sh"

for unit in feedwired.service feedwired@.service; do
  sed "s|/usr/bin/feedwired|$feedwired|" "$units/$unit" >"$tmp/$unit"
  grep -q "^ExecStart=$feedwired " "$tmp/$unit"; check "$unit: ExecStart runs feedwired" $?
  for key in 'Type=notify' 'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=on-failure' \
             'WatchdogSec=30s' 'DynamicUser=yes' 'ProtectSystem=strict' 'CapabilityBoundingSet=' \
             'SystemCallFilter=@system-service' 'MemoryDenyWriteExecute=yes'; do
    grep -qxF "$key" "$tmp/$unit"; check "$unit: $key" $?
  done
done
grep -qx 'StateDirectory=feedwire' "$tmp/feedwired.service"; check "state directory" $?
grep -qx 'StateDirectory=feedwire/%i' "$tmp/feedwired@.service"; check "instance state directory" $?
grep -q -- '--config /etc/feedwire/%i.toml --state-dir %S/feedwire/%i' "$tmp/feedwired@.service"
check "instance config and state dir" $?

# verify: a template is verified through an instance of it.
(cd "$tmp" && systemd-analyze verify --man=no ./feedwired.service) >"$tmp/out" 2>&1
check "verify feedwired.service" $?
[ ! -s "$tmp/out" ] || { cat "$tmp/out"; check "verify feedwired.service is silent" 1; }
(cd "$tmp" && systemd-analyze verify --man=no ./feedwired@wires.service) >"$tmp/out" 2>&1
check "verify feedwired@wires.service" $?
[ ! -s "$tmp/out" ] || { cat "$tmp/out"; check "verify feedwired@wires.service is silent" 1; }

# security: the overall line reads "... exposure level for UNIT: 1.2 OK 🙂".
for unit in feedwired.service feedwired@.service; do
  systemd-analyze security --offline=yes --no-pager "$tmp/$unit" >"$tmp/out" 2>&1
  line=$(grep 'Overall exposure level' "$tmp/out")
  echo "$unit: ${line#→ }"
  echo "$line" | grep -qE ': [0-9]+\.[0-9] (PERFECT|SAFE|OK) '
  check "$unit: exposure OK or better" $?
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
