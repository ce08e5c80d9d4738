# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Installs the build into a fresh prefix and uses it from outside the tree: consumer/ is built
# through pkg-config (shared and static) and through find_package(zcx) (zcx::zcx and
# zcx::zcx_static), and each program runs and prints the line it should. Also checks the zcx
# command, the chart script and the Python module of the installed tree.
#
# cmake -DBUILD_DIR= -DSOURCE_DIR= -DWORK_DIR= -DC_COMPILER= -DGENERATOR= -DLIBDIR= -DBINDIR=
#       -DINCLUDEDIR= -DDATADIR= -DPYTHON= -DPYTHON_DIR= -DPYTHON_MODULE= -DSANITIZE=
#       -P install_test.cmake

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR C_COMPILER GENERATOR LIBDIR BINDIR INCLUDEDIR DATADIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_test.cmake: ${var} is not set")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(libdir "${prefix}/${LIBDIR}")
set(extra_flags "")
if(SANITIZE)
  set(extra_flags -fsanitize=address,undefined)
endif()

# Runs a command; stops the test with its output when it fails. Output in ${out_var}.
function(run out_var what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    WORKING_DIRECTORY "${WORK_DIR}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# The line consumer.c prints when everything worked.
set(expected_line "zcx consumer [0-9]+\\.[0-9]+\\.[0-9]+: pool pool\\(system\\), buffer of 1000 bytes \\(aligned, in use 1000\\), int64 array length 100 nulls 1 sum 4900")

function(check_consumer what exe)
  run(out "${what}" ${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${libdir}" ${exe})
  if(NOT out MATCHES "${expected_line}")
    message(FATAL_ERROR "${what}: unexpected output:\n${out}\nexpected a line matching:\n${expected_line}")
  endif()
  string(STRIP "${out}" out)
  message(STATUS "${what}: ${out}")
endfunction()

# Whether a program needs libzcx.so (readelf -d lists it as NEEDED).
function(needs_libzcx out_var exe)
  run(dyn "readelf -d ${exe}" readelf -d ${exe})
  if(dyn MATCHES "NEEDED[^\n]*libzcx\\.so")
    set(${out_var} TRUE PARENT_SCOPE)
  else()
    set(${out_var} FALSE PARENT_SCOPE)
  endif()
endfunction()

# --- install ---------------------------------------------------------------------------------
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(components "")
if(IS_ABSOLUTE "${PYTHON_DIR}")
  # The Python module would go outside the prefix: install everything else only.
  set(components --component Unspecified)
  set(PYTHON_MODULE "")
endif()
run(out "cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" ${components})

set(must_exist
  "${INCLUDEDIR}/zcx/zcx.h" "${INCLUDEDIR}/zcx/core.h" "${INCLUDEDIR}/zcx/memory.h"
  "${INCLUDEDIR}/zcx/buffer.h" "${INCLUDEDIR}/zcx/array.h" "${INCLUDEDIR}/zcx/version.h"
  "${LIBDIR}/libzcx.so" "${LIBDIR}/libzcx.a" "${LIBDIR}/pkgconfig/zcx.pc"
  "${LIBDIR}/cmake/zcx/zcxConfig.cmake" "${LIBDIR}/cmake/zcx/zcxConfigVersion.cmake"
  "${LIBDIR}/cmake/zcx/zcxTargets.cmake" "${BINDIR}/zcx" "${DATADIR}/zcx/plot.py")
if(PYTHON_MODULE)
  list(APPEND must_exist "${PYTHON_DIR}/${PYTHON_MODULE}")
endif()
foreach(f ${must_exist})
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()
# Every public header of the source tree is installed.
file(GLOB src_headers "${SOURCE_DIR}/../../include/zcx/*.h")
foreach(h ${src_headers})
  get_filename_component(name "${h}" NAME)
  if(NOT EXISTS "${prefix}/${INCLUDEDIR}/zcx/${name}")
    message(FATAL_ERROR "header not installed: ${name}")
  endif()
endforeach()
# The shared library carries a soname (libzcx.so.MAJOR) with its link.
run(dyn "readelf -d libzcx.so" readelf -d "${libdir}/libzcx.so")
if(NOT dyn MATCHES "SONAME[^\n]*\\[(libzcx\\.so\\.[0-9]+)\\]")
  message(FATAL_ERROR "libzcx.so has no soname libzcx.so.N:\n${dyn}")
endif()
if(NOT EXISTS "${libdir}/${CMAKE_MATCH_1}")
  message(FATAL_ERROR "the soname link ${CMAKE_MATCH_1} is not installed")
endif()
# The installed tree names no path of the build or source tree (it can be moved).
foreach(f "${LIBDIR}/pkgconfig/zcx.pc" "${LIBDIR}/cmake/zcx/zcxTargets.cmake"
          "${LIBDIR}/cmake/zcx/zcxConfig.cmake")
  file(READ "${prefix}/${f}" text)
  foreach(tree "${BUILD_DIR}" "${SOURCE_DIR}/../..")
    get_filename_component(tree "${tree}" REALPATH)
    string(FIND "${text}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${f} names ${tree}")
    endif()
  endforeach()
endforeach()

# --- pkg-config: shared, then static ---------------------------------------------------------
find_program(PKG_CONFIG pkg-config)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found")
endif()
set(pc_env ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${libdir}/pkgconfig")
run(pc_version "pkg-config --modversion" ${pc_env} ${PKG_CONFIG} --modversion zcx)
run(pc_flags "pkg-config --cflags --libs" ${pc_env} ${PKG_CONFIG} --cflags --libs zcx)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
run(out "cc (pkg-config, shared)" ${C_COMPILER} -std=c11 -Wall -Wextra -Werror ${extra_flags}
  "${SOURCE_DIR}/consumer/consumer.c" -o "${WORK_DIR}/consumer_pc" ${pc_flags})
needs_libzcx(shared "${WORK_DIR}/consumer_pc")
if(NOT shared)
  message(FATAL_ERROR "consumer_pc does not link libzcx.so")
endif()
check_consumer("pkg-config shared" "${WORK_DIR}/consumer_pc")

run(pc_static "pkg-config --static" ${pc_env} ${PKG_CONFIG} --cflags --libs --static zcx)
separate_arguments(pc_static UNIX_COMMAND "${pc_static}")
list(TRANSFORM pc_static REPLACE "^-lzcx$" "-l:libzcx.a")
run(out "cc (pkg-config, static)" ${C_COMPILER} -std=c11 -Wall -Wextra -Werror ${extra_flags}
  "${SOURCE_DIR}/consumer/consumer.c" -o "${WORK_DIR}/consumer_pc_static" ${pc_static})
needs_libzcx(shared "${WORK_DIR}/consumer_pc_static")
if(shared)
  message(FATAL_ERROR "consumer_pc_static links libzcx.so instead of libzcx.a")
endif()
check_consumer("pkg-config static" "${WORK_DIR}/consumer_pc_static")

# --- find_package(zcx) -----------------------------------------------------------------------
run(out "configure consumer project" ${CMAKE_COMMAND} -S "${SOURCE_DIR}/consumer"
  -B "${WORK_DIR}/consumer-build" -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_C_FLAGS=${extra_flags}"
  "-DCMAKE_EXE_LINKER_FLAGS=${extra_flags}")
run(out "build consumer project" ${CMAKE_COMMAND} --build "${WORK_DIR}/consumer-build")
needs_libzcx(shared "${WORK_DIR}/consumer-build/consumer_shared")
if(NOT shared)
  message(FATAL_ERROR "consumer_shared (zcx::zcx) does not link libzcx.so")
endif()
check_consumer("find_package zcx::zcx" "${WORK_DIR}/consumer-build/consumer_shared")
needs_libzcx(shared "${WORK_DIR}/consumer-build/consumer_static")
if(shared)
  message(FATAL_ERROR "consumer_static (zcx::zcx_static) links libzcx.so")
endif()
check_consumer("find_package zcx::zcx_static" "${WORK_DIR}/consumer-build/consumer_static")

# --- the zcx command and the Python module ---------------------------------------------------
run(out "zcx --help" "${prefix}/${BINDIR}/zcx" --help)
if(NOT out MATCHES "bench")
  message(FATAL_ERROR "zcx --help does not list its commands:\n${out}")
endif()
if(PYTHON_MODULE AND PYTHON AND NOT SANITIZE)
  run(out "import zcx" ${CMAKE_COMMAND} -E env "PYTHONPATH=${prefix}/${PYTHON_DIR}"
    ${PYTHON} -c "print(__import__('zcx').__file__)")
  string(STRIP "${out}" out)
  get_filename_component(out "${out}" REALPATH)
  get_filename_component(want "${prefix}/${PYTHON_DIR}/${PYTHON_MODULE}" REALPATH)
  if(NOT out STREQUAL want)
    message(FATAL_ERROR "import zcx found ${out}, not the installed ${want}")
  endif()
  message(STATUS "python: import zcx -> ${out}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "install test passed (pkg-config zcx ${pc_version})")
