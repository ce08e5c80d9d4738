# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# One layer = the C files of src/<layer>/, compiled once as an object library, packed as the
# static library zcx_<layer> that links the layers it uses. Tests of a layer link only that
# layer, so a layer builds and tests without the ones above it. libzcx (shared and static)
# is every layer's objects together.

set(ZCX_LAYERS "" CACHE INTERNAL "")

function(zcx_add_layer layer)
  cmake_parse_arguments(L "" "" "DEPS;LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${layer}/*.c)
  if(NOT srcs)
    return()
  endif()
  add_library(zcx_${layer}_obj OBJECT ${srcs})
  target_link_libraries(zcx_${layer}_obj PRIVATE zcx_flags)
  foreach(lib ${L_LIBS})
    # Include directories and definitions of the external libraries the layer uses.
    target_link_libraries(zcx_${layer}_obj PRIVATE ${lib})
  endforeach()
  add_library(zcx_${layer} STATIC $<TARGET_OBJECTS:zcx_${layer}_obj>)
  target_link_libraries(zcx_${layer} PUBLIC zcx_flags ${L_LIBS})
  foreach(dep ${L_DEPS})
    if(TARGET zcx_${dep})
      target_link_libraries(zcx_${layer} PUBLIC zcx_${dep})
    endif()
  endforeach()
  set(ZCX_LAYERS ${ZCX_LAYERS} ${layer} CACHE INTERNAL "")
  set(ZCX_LAYER_LIBS_${layer} ${L_LIBS} CACHE INTERNAL "")
endfunction()

function(zcx_finish_layers)
  set(objs "")
  set(libs "")
  foreach(layer ${ZCX_LAYERS})
    list(APPEND objs $<TARGET_OBJECTS:zcx_${layer}_obj>)
    list(APPEND libs ${ZCX_LAYER_LIBS_${layer}})
  endforeach()
  list(REMOVE_DUPLICATES libs)
  # libzcx.so: the public API only (-fvisibility=hidden, ZCX_API exports).
  add_library(zcx SHARED ${objs})
  target_link_libraries(zcx PRIVATE ${libs})
  target_include_directories(zcx PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(zcx PROPERTIES VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR})
  if(ZCX_SANITIZE)
    target_link_libraries(zcx PRIVATE zcx_flags)
  elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # A reference that no layer defines fails the link here, not in the program that loads
    # libzcx.so. (Sanitizer runtimes resolve only in the executable, hence not with them.)
    target_link_options(zcx PRIVATE -Wl,--no-undefined)
  endif()
  # libzcx.a: the same objects for static linking.
  add_library(zcx_static STATIC ${objs})
  set_target_properties(zcx_static PROPERTIES OUTPUT_NAME zcx)
  # Installed, the static library names its dependencies plainly (-ljansson...) instead of
  # the PkgConfig:: targets of this build, which a consumer of the package does not have;
  # zcxConfig.cmake finds Threads and ZLIB again.
  set(install_libs "")
  foreach(lib ${libs})
    if(lib MATCHES "^PkgConfig::(.+)$")
      list(APPEND install_libs ${${CMAKE_MATCH_1}_LIBRARIES})
    else()
      list(APPEND install_libs ${lib})
    endif()
  endforeach()
  target_link_libraries(zcx_static PUBLIC "$<BUILD_INTERFACE:${libs}>"
    "$<INSTALL_INTERFACE:${install_libs}>")
  target_include_directories(zcx_static PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # Everything, with internal headers, for the tools, benchmarks and the Python module.
  add_library(zcx_all INTERFACE)
  foreach(layer ${ZCX_LAYERS})
    target_link_libraries(zcx_all INTERFACE zcx_${layer})
  endforeach()
endfunction()
