#!/usr/bin/env bash
# The Debian package as an operator receives it: cpack builds
# feedwire_VERSION_ARCH.deb from this build tree (as built: no rebuild),
# `dpkg-deb -x` unpacks it into a scratch root, and the test checks what
# it installs (binaries that run, units whose ExecStart names the packaged
# binary, man pages, examples, a configuration that check-config accepts),
# its control data (conffiles, Depends from dpkg-shlibdeps, Recommends),
# and what the maintainer scripts do. The scripts run with their absolute
# paths moved into the scratch root and with deb-systemd-helper,
# deb-systemd-invoke and systemctl replaced by stand-ins that record their
# calls: a first install with the shipped configuration must neither
# enable nor start the service; with feeds listed, it must do both.
# Skips (exit 77) where cpack or the dpkg tools are missing.
set -uo pipefail
build=${1:?path to the build tree}
source=${2:?path to the source tree}
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/cli/checks.sh
. "$(dirname "$0")/checks.sh"

# The build tree's CPack configuration, installing through the tree's
# install script instead of its "preinstall" target (which would build
# every target first): the test packages the tree ctest is testing. That
# path skips CPACK_STRIP_FILES, so the script asks for stripping itself.
cat >"$tmp/install.cmake" <<EOF
set(CMAKE_INSTALL_DO_STRIP 1)
include("$build/cmake_install.cmake")
EOF
cat >"$tmp/CPackConfig.cmake" <<EOF
include("$build/CPackConfig.cmake")
set(CPACK_INSTALL_CMAKE_PROJECTS "")
set(CPACK_INSTALL_SCRIPTS "$tmp/install.cmake")
EOF
if ! (cd "$build" && cpack --config "$tmp/CPackConfig.cmake" -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log"
  echo "FAIL: cpack"
  exit 1
fi
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
deb="$tmp/out/feedwire_${version}_$(dpkg --print-architecture).deb"
[ -n "$version" ] && [ -f "$deb" ]; check "package named feedwire_VERSION_ARCH.deb ($(ls "$tmp/out"))" $?
[ -f "$deb" ] || { echo "$passed passed, $failed failed"; exit 1; }
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

root="$tmp/root"
dpkg-deb -x "$deb" "$root"; check "dpkg-deb -x" $?
dpkg-deb -e "$deb" "$tmp/control"; check "dpkg-deb -e" $?

# Binaries.
for bin in feedwired feedwire; do
  [ -f "$root/usr/bin/$bin" ] && [ -x "$root/usr/bin/$bin" ]; check "/usr/bin/$bin is executable" $?
  readelf -S "$root/usr/bin/$bin" >"$tmp/sections.txt" 2>&1 && ! grep -q '\.symtab' "$tmp/sections.txt"
  check "/usr/bin/$bin is stripped" $?
done
"$root/usr/bin/feedwired" --help >"$tmp/out.txt" 2>&1; check "feedwired --help runs" $?
grep -q -- '--config' "$tmp/out.txt"; check "feedwired --help lists --config" $?
"$root/usr/bin/feedwire" --help >"$tmp/out.txt" 2>&1; check "feedwire --help runs" $?
grep -q 'check-config' "$tmp/out.txt"; check "feedwire --help lists check-config" $?

# Units, and the binary they start.
for unit in feedwired.service feedwired@.service; do
  f="$root/usr/lib/systemd/system/$unit"
  [ -f "$f" ]; check "unit $unit in /usr/lib/systemd/system" $?
  exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$f" 2>/dev/null)
  [ "$exec_path" = /usr/bin/feedwired ] && [ -x "$root$exec_path" ]
  check "$unit: ExecStart ($exec_path) is the packaged feedwired" $?
done

# Man pages.
for page in man8/feedwired.8.gz man1/feedwire.1.gz; do
  f="$root/usr/share/man/$page"
  gzip -t "$f" 2>/dev/null; check "man page $page" $?
  name=$(basename "$page" .gz)
  zcat "$f" 2>/dev/null | grep -qi "^\.TH ${name%.*} ${name##*.} "; check "$page: .TH ${name%.*} ${name##*.}" $?
done
zcat "$root/usr/share/man/man8/feedwired.8.gz" | grep -q 'state\\-dir'
check "feedwired(8) documents --state-dir" $?
zcat "$root/usr/share/man/man1/feedwire.1.gz" | grep -q 'from\\-start'
check "feedwire(1) documents tail --from-start" $?

# Configuration: the conffile, and the annotated example.
conf="$root/etc/feedwire/feedwire.toml"
cmp -s "$conf" "$source/packaging/feedwire.toml"; check "/etc/feedwire/feedwire.toml is packaging/feedwire.toml" $?
[ -d "$root/etc/feedwire/feeds.d" ]; check "/etc/feedwire/feeds.d installed" $?
grep -qx /etc/feedwire/feedwire.toml "$tmp/control/conffiles"; check "conffiles lists /etc/feedwire/feedwire.toml" $?
while read -r f; do
  [ -f "$root$f" ]; check "conffile $f is in the package" $?
done <"$tmp/control/conffiles"
"$root/usr/bin/feedwire" check-config "$conf" >"$tmp/out.txt" 2>&1; check "check-config accepts the shipped configuration" $?
grep -q '^ok: 0 feeds' "$tmp/out.txt"; check "the shipped configuration lists no feeds ($(head -n 1 "$tmp/out.txt"))" $?
example="$root/usr/share/doc/feedwire/examples/feedwire.toml"
[ -f "$example" ]; check "example configuration installed" $?
"$root/usr/bin/feedwire" check-config "$example" >"$tmp/out.txt" 2>&1; check "check-config accepts the example with its feed lists" $?
grep -qE '^ok: [1-9][0-9]* feeds' "$tmp/out.txt"; check "the example lists feeds ($(head -n 1 "$tmp/out.txt"))" $?

# Control data.
control="$tmp/control/control"
depends=$(sed -n 's/^Depends: //p' "$control")
echo "Depends: $depends"
for lib in libc6 libstdc++6 libcurl4 libhiredis libsystemd0; do
  echo "$depends" | grep -q "$lib"; check "Depends names $lib" $?
done
grep -qx 'Package: feedwire' "$control"; check "Package: feedwire" $?
grep -q '^Recommends:.*redis-server' "$control"; check "Recommends: redis-server" $?

# Maintainer scripts.
for script in postinst prerm postrm; do
  f="$tmp/control/$script"
  [ -x "$f" ] && head -n 1 "$f" | grep -qx '#!/bin/sh' && grep -qx 'set -e' "$f" && sh -n "$f"
  check "$script: POSIX sh with set -e" $?
done

# run_script SCRIPT CONFIG-DIR ARGS...: the packaged script with its
# paths in the scratch root and the systemd helpers recording to calls.log.
fake="$tmp/fakebin"
mkdir -p "$fake" "$tmp/run/systemd/system"
for tool in deb-systemd-helper deb-systemd-invoke systemctl; do
  cat >"$fake/$tool" <<'EOF'
#!/bin/sh
echo "$(basename "$0") $*" >>"$CALLS"
if [ "$(basename "$0")" = deb-systemd-helper ] && [ "$*" = "--quiet was-enabled feedwired.service" ]; then
  exit "${WAS_ENABLED:-1}"
fi
exit 0
EOF
  chmod +x "$fake/$tool"
done
run_script() {
  local script=$1 confdir=$2
  shift 2
  sed -e "s|/usr/bin/feedwired|$root/usr/bin/feedwired|g" \
      -e "s|/usr/bin/deb-systemd-helper|$fake/deb-systemd-helper|g" \
      -e "s|/etc/feedwire/|$confdir/|g" \
      -e "s|/run/systemd/system|$tmp/run/systemd/system|g" \
      -e "s|/var/lib/|$tmp/var/lib/|g" "$tmp/control/$script" >"$tmp/$script.run"
  : >"$tmp/calls.log"
  CALLS="$tmp/calls.log" PATH="$fake:$PATH" DPKG_MAINTSCRIPT_NAME=$script DPKG_MAINTSCRIPT_PACKAGE=feedwire \
    sh "$tmp/$script.run" "$@" >"$tmp/script.out" 2>&1
}
called() { grep -qxF "$1" "$tmp/calls.log"; }

# First install, shipped configuration: neither enabled nor started.
run_script postinst "$root/etc/feedwire" configure; check "postinst configure (first install) exits 0" $?
sed 's/^/  calls: /' "$tmp/calls.log"
called "systemctl --system daemon-reload"; check "first install: systemd is told about the unit" $?
called "deb-systemd-helper update-state feedwired.service"; check "first install: unit state recorded" $?
! grep -qE '^deb-systemd-helper enable|^deb-systemd-invoke (start|restart|try-restart)|^systemctl .*(start|enable)' "$tmp/calls.log"
check "first install without feeds: not enabled, not started" $?
grep -q 'lists no feeds' "$tmp/script.out"; check "first install: tells the operator what to do" $?

# First install where the operator already listed a feed: enabled and started.
mkdir -p "$tmp/etc-configured/feeds.d"
cp "$conf" "$tmp/etc-configured/feedwire.toml"
printf '[[feed]]\nurl = "https://news.example.com/world/rss.xml"\n' >"$tmp/etc-configured/feeds.d/world.toml"
run_script postinst "$tmp/etc-configured" configure; check "postinst configure (configured) exits 0" $?
called "deb-systemd-helper enable feedwired.service"; check "first install with feeds: enabled" $?
called "deb-systemd-invoke start feedwired.service"; check "first install with feeds: started" $?

# Upgrade: a running service is restarted, a stopped one is not started,
# a disabled unit stays disabled.
run_script postinst "$root/etc/feedwire" configure 0.0.9; check "postinst configure (upgrade) exits 0" $?
called "deb-systemd-invoke try-restart feedwired.service feedwired@*.service"; check "upgrade: try-restart" $?
! grep -qE '^deb-systemd-invoke (start|restart) |^deb-systemd-helper enable' "$tmp/calls.log"
check "upgrade of a disabled, stopped unit: not enabled, not started" $?
WAS_ENABLED=0 run_script postinst "$root/etc/feedwire" configure 0.0.9
called "deb-systemd-helper enable feedwired.service"; check "upgrade of an enabled unit: stays enabled" $?

# Removal and purge.
run_script prerm "$root/etc/feedwire" upgrade 0.2.0; check "prerm upgrade exits 0" $?
! grep -q 'stop' "$tmp/calls.log"; check "prerm upgrade: the service keeps running" $?
run_script prerm "$root/etc/feedwire" remove; check "prerm remove exits 0" $?
called "deb-systemd-invoke stop feedwired.service feedwired@*.service"; check "prerm remove: stopped" $?
run_script postrm "$root/etc/feedwire" remove; check "postrm remove exits 0" $?
called "deb-systemd-helper mask feedwired.service"; check "postrm remove: masked" $?
mkdir -p "$tmp/var/lib/private/feedwire/spool"
run_script postrm "$root/etc/feedwire" purge; check "postrm purge exits 0" $?
called "deb-systemd-helper purge feedwired.service"; check "postrm purge: state purged" $?
[ ! -e "$tmp/var/lib/private/feedwire" ]; check "postrm purge: state directory deleted" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
