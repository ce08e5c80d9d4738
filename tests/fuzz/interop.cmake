# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Fuzz targets of the interop importers: Arrow C Data (a hostile ArrowSchema + ArrowArray
# tree built from the input) and DLPack (a hostile managed tensor). Under ctest the
# regression driver replays each seed corpus; with -DZCX_FUZZ=ON and clang, libFuzzer
# binaries are built too (run them on a copy of the corpus folder).
if(NOT TARGET zcx_interop)
  return()
endif()
foreach(interop_target fuzz_cdata_import fuzz_dlpack_import)
  if(interop_target STREQUAL "fuzz_cdata_import")
    set(interop_corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus_cdata)
  else()
    set(interop_corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus_dlpack)
  endif()
  add_executable(${interop_target}_regression regression_driver.c ${interop_target}.c)
  target_link_libraries(${interop_target}_regression PRIVATE zcx_interop)
  add_test(NAME fuzz/${interop_target} COMMAND ${interop_target}_regression ${interop_corpus})
  set_tests_properties(fuzz/${interop_target} PROPERTIES LABELS "fuzz;interop" TIMEOUT 300)
  if(ZCX_FUZZ AND CMAKE_C_COMPILER_ID MATCHES "Clang")
    add_executable(${interop_target} ${interop_target}.c)
    target_compile_options(${interop_target} PRIVATE -fsanitize=fuzzer)
    target_link_options(${interop_target} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${interop_target} PRIVATE zcx_interop)
  endif()
endforeach()
