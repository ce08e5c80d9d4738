# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Installs headers, libzcx (shared and static), zcx.pc and the zcx CMake package.
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
configure_file(cmake/zcx.pc.in ${PROJECT_BINARY_DIR}/zcx.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/zcx.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
