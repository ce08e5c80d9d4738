# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Installs headers, libzcx (shared and static), zcx.pc and the zcx CMake package, and the
# chart script of `zcx bench --plot`. (The zcx command and the Python module are installed
# by tools/ and python/.) Everything is relative to the prefix, so that
# `cmake --install BUILD --prefix DIR` yields a self-contained, relocatable tree.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/zcx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/zcx/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/zcx)
install(TARGETS zcx zcx_static EXPORT zcxTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT zcxTargets NAMESPACE zcx:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zcx)
configure_package_config_file(cmake/zcxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/zcxConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zcx)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/zcxConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/zcxConfig.cmake ${PROJECT_BINARY_DIR}/zcxConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zcx)

# zcx.pc finds the prefix from its own place (${pcfiledir}), so that it stays right when the
# tree is installed with --prefix or DESTDIR, or moved.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(ZCX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH ZCX_PC_UP "/zcx-prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/zcx-prefix")
  string(REGEX REPLACE "/$" "" ZCX_PC_UP "${ZCX_PC_UP}")
  set(ZCX_PC_PREFIX "\${pcfiledir}/${ZCX_PC_UP}")
endif()
configure_file(cmake/zcx.pc.in ${PROJECT_BINARY_DIR}/zcx.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/zcx.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The chart script of `zcx bench --plot`, found by the installed zcx at ../share/zcx/.
if(EXISTS ${PROJECT_SOURCE_DIR}/bench/plot.py)
  install(FILES bench/plot.py DESTINATION ${CMAKE_INSTALL_DATADIR}/zcx)
endif()
