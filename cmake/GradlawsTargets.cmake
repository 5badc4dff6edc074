# Helpers that keep the target definitions declarative.

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
  target_compile_options(gradlaws_${layer} PRIVATE -Wall -Wextra)
  set_target_properties(gradlaws_${layer} PROPERTIES
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  if(arg_PRECOMPILE AND GRADLAWS_PRECOMPILED_HEADERS)
    target_precompile_headers(gradlaws_${layer} PRIVATE ${arg_PRECOMPILE})
  endif()
endfunction()

# The heavy prelude every multiprecision source pays for; precompiled where it is used.
set(GRADLAWS_PRELUDE
  <boost/multiprecision/gmp.hpp> <boost/multiprecision/mpfr.hpp>
  <boost/multiprecision/mpfi.hpp> <Eigen/Core> <boost/multiprecision/eigen.hpp>)

# One CTest test per GoogleTest test, labelled; `filter` selects tests by name.
function(gradlaws_discover target filter label)
  gtest_discover_tests(${target}
    TEST_FILTER "${filter}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${label}" TIMEOUT 300
               ENVIRONMENT "GRADLAWS_REPORT_DIR=${PROJECT_BINARY_DIR}/reports")
endfunction()
