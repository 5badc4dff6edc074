# Helpers that keep the target definitions declarative.

# Warnings and definitions every gradlaws source is compiled with; the same for all, so that the
# precompiled prelude can be shared.
set(GRADLAWS_WARNINGS -Wall -Wextra -Wno-missing-field-initializers)

# The heavy prelude every multiprecision source pays for: Eigen and Boost.Multiprecision over
# GMP, MPFR and MPFI, plus RapidCheck. (Not GoogleTest: its targets add GTEST_HAS_PTHREAD, a
# definition the layers do not have, and a prelude must see the same definitions everywhere.)
set(GRADLAWS_PRELUDE
  <boost/multiprecision/gmp.hpp> <boost/multiprecision/mpfr.hpp>
  <boost/multiprecision/mpfi.hpp> <Eigen/Core> <boost/multiprecision/eigen.hpp>)

# gradlaws_prelude: the prelude precompiled once, at the start of the build, and reused by
# every static layer, the catalogue and the tests (the shared engine, compiled with -fPIC,
# precompiles its own). Reusing it requires the same flags, hence GRADLAWS_WARNINGS.
function(gradlaws_add_prelude)
  add_library(gradlaws_prelude OBJECT ${PROJECT_SOURCE_DIR}/cmake/prelude.cpp)
  target_link_libraries(gradlaws_prelude PRIVATE Boost::headers Eigen3::Eigen rapidcheck)
  target_compile_features(gradlaws_prelude PRIVATE cxx_std_20)
  target_compile_options(gradlaws_prelude PRIVATE ${GRADLAWS_WARNINGS})
  set_target_properties(gradlaws_prelude PROPERTIES POSITION_INDEPENDENT_CODE OFF)
  if(GRADLAWS_PRECOMPILED_HEADERS)
    target_precompile_headers(gradlaws_prelude PRIVATE ${GRADLAWS_PRELUDE} <rapidcheck.h>)
  endif()
endfunction()

# gradlaws_use_prelude(<target>): compile <target> with the shared precompiled prelude.
function(gradlaws_use_prelude target)
  target_compile_options(${target} PRIVATE ${GRADLAWS_WARNINGS})
  if(GRADLAWS_PRECOMPILED_HEADERS)
    target_precompile_headers(${target} REUSE_FROM gradlaws_prelude)
  endif()
endfunction()

# gradlaws_library(<layer> [STATIC] SOURCES ... [PUBLIC ...] [PRIVATE ...] [PRECOMPILE header...])
# One layer of the library: target gradlaws_<layer>, alias gradlaws::<layer>, whose public
# headers live under src/<layer>/gradlaws/ and are included as <gradlaws/...>. Only this
# folder is on the target's include path, so a header of a layer above cannot be included:
# a back-edge fails to build.
function(gradlaws_library layer)
  cmake_parse_arguments(arg "STATIC" "" "SOURCES;PUBLIC;PRIVATE;PRECOMPILE" ${ARGN})
  if(arg_STATIC)
    add_library(gradlaws_${layer} STATIC ${arg_SOURCES})
  else()
    add_library(gradlaws_${layer} ${arg_SOURCES})
  endif()
  add_library(gradlaws::${layer} ALIAS gradlaws_${layer})
  target_include_directories(gradlaws_${layer} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(gradlaws_${layer} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
  target_compile_features(gradlaws_${layer} PUBLIC cxx_std_20)
  target_compile_options(gradlaws_${layer} PRIVATE ${GRADLAWS_WARNINGS})
  set_target_properties(gradlaws_${layer} PROPERTIES
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  if(arg_PRECOMPILE STREQUAL "SHARED_PRELUDE")
    gradlaws_use_prelude(gradlaws_${layer})
  elseif(arg_PRECOMPILE AND GRADLAWS_PRECOMPILED_HEADERS)
    target_precompile_headers(gradlaws_${layer} PRIVATE ${arg_PRECOMPILE})
  endif()
  # A layer's sources share most of their instantiations: two unity sources per layer (one
  # per core) compile them once. Sources that must stay alone set SKIP_UNITY_BUILD_INCLUSION.
  list(LENGTH arg_SOURCES count)
  math(EXPR batch "(${count} + 1) / 2")
  set_target_properties(gradlaws_${layer} PROPERTIES UNITY_BUILD ${GRADLAWS_UNITY_BUILD}
                        UNITY_BUILD_BATCH_SIZE ${batch})
endfunction()

# One CTest test per GoogleTest test, labelled; `filter` selects tests by name.
function(gradlaws_discover target filter label)
  gtest_discover_tests(${target}
    TEST_FILTER "${filter}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${label}" TIMEOUT 300
               ENVIRONMENT "GRADLAWS_REPORT_DIR=${PROJECT_BINARY_DIR}/reports")
endfunction()
