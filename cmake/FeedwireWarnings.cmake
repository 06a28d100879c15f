# Warnings are applied per target through one function, so third-party
# headers (included as SYSTEM) never drown our own diagnostics.
function(feedwire_warnings target)
  set(options PURE)
  cmake_parse_arguments(FW "${options}" "" "" ${ARGN})
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wold-style-cast -Wcast-qual -Wundef -Wformat=2 -Wnon-virtual-dtor
    -Woverloaded-virtual -Wsuggest-override -Wextra-semi
    -Wmissing-declarations -Wimplicit-fallthrough)
  # GCC-only checks; clang builds the fuzz targets (FEEDWIRE_FUZZ).
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wduplicated-branches -Wlogical-op>)
  # Boost 1.74's Asio trips -Wzero-as-null-pointer-constant at our call
  # sites, so it is enabled only on the pure libraries.
  if(FW_PURE)
    target_compile_options(${target} PRIVATE -Wzero-as-null-pointer-constant)
  endif()
  if(FEEDWIRE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
