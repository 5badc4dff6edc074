# Every dependency comes from a Debian package (scripts/install-deps installs them); nothing is
# downloaded at configure or build time.
find_package(Boost 1.81 REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(rapidcheck REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(GMP REQUIRED IMPORTED_TARGET gmp)
pkg_check_modules(MPFR REQUIRED IMPORTED_TARGET mpfr)

# MPFI ships neither a CMake package nor a pkg-config file.
find_path(MPFI_INCLUDE_DIR mpfi.h REQUIRED)
find_library(MPFI_LIBRARY mpfi REQUIRED)
add_library(gradlaws_mpfi INTERFACE)
target_include_directories(gradlaws_mpfi INTERFACE ${MPFI_INCLUDE_DIR})
target_link_libraries(gradlaws_mpfi INTERFACE ${MPFI_LIBRARY})
