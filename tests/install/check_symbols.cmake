# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Checks the exported interface of libzcx.so: every dynamic symbol it defines starts with zcx_
# (nm -D --defined-only), and every function declared ZCX_API in include/zcx/*.h is exported.
#
# cmake -DLIB=libzcx.so -DNM=nm -DINCLUDE_DIR=include/zcx -P check_symbols.cmake

foreach(var LIB NM INCLUDE_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_symbols.cmake: ${var} is not set")
  endif()
endforeach()

execute_process(COMMAND ${NM} -D --defined-only "${LIB}" RESULT_VARIABLE rc
  OUTPUT_VARIABLE nm_out ERROR_VARIABLE nm_err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -D --defined-only ${LIB} failed: ${nm_err}")
endif()

# Lines are "ADDRESS TYPE NAME"; names may carry a version ("name@@VER").
string(REPLACE "\n" ";" nm_lines "${nm_out}")
set(exported "")
set(foreign "")
foreach(line ${nm_lines})
  if(NOT line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) ([^ @]+)")
    continue()
  endif()
  set(kind "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  # Absolute symbols are version nodes and linker marks (_edata, _end, __bss_start), not code.
  if(kind STREQUAL "A")
    continue()
  endif()
  if(name MATCHES "^zcx_")
    list(APPEND exported "${name}")
  else()
    list(APPEND foreign "${kind} ${name}")
  endif()
endforeach()
list(LENGTH exported n_exported)
if(n_exported EQUAL 0)
  message(FATAL_ERROR "${LIB} exports no zcx_ symbol: is it built with ZCX_API exports?")
endif()
if(foreign)
  string(REPLACE ";" "\n  " foreign "${foreign}")
  message(FATAL_ERROR "${LIB} exports symbols outside the zcx_ namespace "
    "(make them static or leave ZCX_API off):\n  ${foreign}")
endif()

# Functions declared ZCX_API: "ZCX_API [ZCX_NODISCARD] TYPE [*]NAME(" across line breaks.
file(GLOB headers "${INCLUDE_DIR}/*.h")
set(declared "")
foreach(h ${headers})
  file(READ "${h}" text)
  # Drop preprocessor lines (the #define of ZCX_API itself) and comments, and make the
  # text one CMake list element (no semicolons).
  string(REPLACE ";" " " text "${text}")
  string(REGEX REPLACE "\n#[^\n]*" "\n" text "${text}")
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  string(REGEX MATCHALL "ZCX_API[ \t\r\n]+[A-Za-z0-9_ \t\r\n*]+\\(" decls "${text}")
  foreach(d ${decls})
    if(NOT d MATCHES "([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*\\($")
      continue()
    endif()
    list(APPEND declared "${CMAKE_MATCH_1}")
    set(where_${CMAKE_MATCH_1} "${h}")
  endforeach()
endforeach()
list(REMOVE_DUPLICATES declared)
list(LENGTH declared n_declared)
if(n_declared EQUAL 0)
  message(FATAL_ERROR "no ZCX_API declaration found in ${INCLUDE_DIR}")
endif()

set(missing "")
foreach(fn ${declared})
  list(FIND exported "${fn}" at)
  if(at EQUAL -1)
    get_filename_component(hname "${where_${fn}}" NAME)
    list(APPEND missing "${fn} (${hname})")
  endif()
endforeach()
if(missing)
  list(LENGTH missing n_missing)
  string(REPLACE ";" "\n  " missing "${missing}")
  message(FATAL_ERROR "${n_missing} of ${n_declared} ZCX_API functions are not exported by "
    "${LIB} (not defined, or defined without the declaring header in scope):\n  ${missing}")
endif()
message(STATUS "${n_exported} exported symbols, all zcx_; all ${n_declared} ZCX_API functions exported")
