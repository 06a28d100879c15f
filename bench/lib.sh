# Shared by the bench scripts (sourced, from the repository root).

# bench_build DIR TARGET: a Release build in DIR with the benchmarks
# (configured when DIR has no TARGET yet), TARGET brought up to date.
bench_build() {
  local build=$1 target=$2
  if [ ! -x "$build/bench/$target" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFEEDWIRE_BUILD_TESTS=OFF \
      -DFEEDWIRE_BUILD_BENCH=ON >/dev/null
  fi
  cmake --build "$build" --target "$target" >/dev/null
}
