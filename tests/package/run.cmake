# The package test: installs this build into a staging prefix, then configures, builds and
# runs examples/ against it, as a user's project would (find_package(gradlaws)).
# Variables: BUILD_DIR, SOURCE_DIR, STAGE, GENERATOR, CXX, BUILD_TYPE, CXX_FLAGS, LINK_FLAGS
# (the build's own, so that a sanitizer build's consumer is built with the same runtime).
file(REMOVE_RECURSE ${STAGE})
# The examples run as a user's tests would, with a shorter budget: the point here is the
# package, the gallery's own tests run it in full.
set(ENV{RC_PARAMS} "max_success=25")
foreach(step
    "${CMAKE_COMMAND};--install;${BUILD_DIR};--prefix;${STAGE}/prefix"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR}/examples;-B;${STAGE}/examples;-G;${GENERATOR};-DCMAKE_CXX_COMPILER=${CXX};-DCMAKE_BUILD_TYPE=${BUILD_TYPE};-DCMAKE_PREFIX_PATH=${STAGE}/prefix;-DCMAKE_CXX_FLAGS=${CXX_FLAGS};-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}"
    "${CMAKE_COMMAND};--build;${STAGE}/examples;-j;2"
    "${CMAKE_CTEST_COMMAND};--test-dir;${STAGE}/examples;--output-on-failure")
  execute_process(COMMAND ${step} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " shown "${step}")
    message(FATAL_ERROR "package test: `${shown}` failed (${status}):\n${out}")
  endif()
  message(STATUS "${out}")
endforeach()
