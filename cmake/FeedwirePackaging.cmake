# Installation layout and the Debian package.
#
#   bin/                        feedwired, feedwire
#   lib/systemd/system/         feedwired.service, feedwired@.service
#   share/man/man8, man1        feedwired.8.gz, feedwire.1.gz
#   share/doc/feedwire/examples the annotated configuration and feed lists
#   /etc/feedwire/              feedwire.toml (no feeds yet) and feeds.d/,
#                               under PREFIX/etc unless the prefix is /usr
#
# `cpack -G DEB` (./tools/package) builds feedwire_VERSION_ARCH.deb with
# the prefix /usr, its Depends from dpkg-shlibdeps, the configuration as
# a conffile, and the maintainer scripts in packaging/debian/.

install(FILES ${PROJECT_SOURCE_DIR}/systemd/feedwired.service
              ${PROJECT_SOURCE_DIR}/systemd/feedwired@.service
        DESTINATION lib/systemd/system)

install(FILES ${PROJECT_SOURCE_DIR}/config/examples/feedwire.toml
              ${PROJECT_SOURCE_DIR}/config/examples/feeds.opml
        DESTINATION share/doc/feedwire/examples)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/examples/feeds.d
        DESTINATION share/doc/feedwire/examples)

# Man pages are compressed when installed (Debian policy 12.1), with -n
# so that the archive does not depend on the source file's time.
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/man)
foreach(page IN ITEMS feedwired.8 feedwire.1)
  string(REGEX MATCH "[0-9]$" section ${page})
  install(CODE "execute_process(COMMAND gzip -9nc \"${PROJECT_SOURCE_DIR}/man/${page}\"
                                OUTPUT_FILE \"${PROJECT_BINARY_DIR}/man/${page}.gz\"
                                COMMAND_ERROR_IS_FATAL ANY)")
  install(FILES ${PROJECT_BINARY_DIR}/man/${page}.gz DESTINATION share/man/man${section})
endforeach()

# The configuration directory follows the prefix chosen at install time
# (cpack installs with /usr): /etc for /usr, as GNUInstallDirs has it. An
# existing configuration is the operator's and is left alone.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(confdir /etc/feedwire)
  else()
    set(confdir \"\${CMAKE_INSTALL_PREFIX}/etc/feedwire\")
  endif()
  if(EXISTS \"\$ENV{DESTDIR}\${confdir}/feedwire.toml\")
    message(STATUS \"Keeping: \$ENV{DESTDIR}\${confdir}/feedwire.toml\")
  else()
    file(INSTALL DESTINATION \"\${confdir}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES \"${PROJECT_SOURCE_DIR}/packaging/feedwire.toml\")
  endif()
  file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${confdir}/feeds.d\")
")

set(CPACK_PACKAGE_NAME feedwire)
set(CPACK_PACKAGE_VENDOR feedwire)
set(FEEDWIRE_PACKAGE_MAINTAINER "feedwire maintainers <feedwire@localhost>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${FEEDWIRE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "news feed ingestion daemon: RSS, Atom, JSON Feed and wires to Redis streams")
set(CPACK_PACKAGE_DESCRIPTION
    "feedwired polls RSS, Atom, JSON Feed and news-agency wire feeds (IPTC ninjs,
NewsML-G2, NITF), normalizes every entry into one news item, drops what it has
already delivered, marks revisions as updates and appends new items to Redis
streams. The package ships the daemon, its systemd units and the feedwire
command-line tool (parse, check-config, tail). The service starts once
/etc/feedwire/feedwire.toml lists feeds.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The configuration is installed with an absolute path (/etc): stage the
# whole tree through DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS redis-server)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
include(CPack)
