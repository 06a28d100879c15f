#!/usr/bin/env bash
# feeds/ and config/ are pure: no network, Redis, event loop, logging, files,
# clock or environment. CMake cannot stop an #include of a header that lives
# in /usr/include, so this check does.
set -u
root=${1:?project root}
status=0
pattern='#include *<(curl/|hiredis|boost/asio|boost/beast|spdlog|systemd/|fstream>|filesystem>|iostream>)|fopen *\(|system_clock::now|steady_clock::now|getenv *\(|std::rand *\(|time *\( *(nullptr|NULL|0) *\)'
for dir in feeds config; do
  [ -d "$root/$dir" ] || continue
  hits=$(grep -rnE "$pattern" "$root/$dir" --include='*.cpp' --include='*.hpp' || true)
  if [ -n "$hits" ]; then
    echo "$dir/ must stay pure (no I/O, clock, environment or logging):"
    echo "$hits"
    status=1
  fi
done
[ $status -eq 0 ] && echo "pure libraries: no forbidden includes or calls"
exit $status
