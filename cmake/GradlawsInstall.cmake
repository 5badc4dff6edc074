# Installation: headers, libraries, the gradlaws command and a CMake package, so that another
# project can `find_package(gradlaws CONFIG REQUIRED)` and link gradlaws::<layer>.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GRADLAWS_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gradlaws)

foreach(layer engine gen check report testing)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/${layer}/gradlaws
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
endforeach()

set(GRADLAWS_EXPORTED gradlaws_engine gradlaws_gen gradlaws_check gradlaws_report
    gradlaws_catalogue_archive gradlaws_catalogue gradlaws_mpfi)
foreach(layer engine gen check report)
  set_target_properties(gradlaws_${layer} PROPERTIES EXPORT_NAME ${layer})
endforeach()
set_target_properties(gradlaws_mpfi PROPERTIES EXPORT_NAME mpfi)
if(TARGET gradlaws_gtest)
  set_target_properties(gradlaws_gtest PROPERTIES EXPORT_NAME gtest)
  list(APPEND GRADLAWS_EXPORTED gradlaws_gtest gradlaws_gtest_main)
endif()
# The installed command finds the installed engine next to it.
set_target_properties(gradlaws_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")

install(TARGETS ${GRADLAWS_EXPORTED} gradlaws_cli EXPORT gradlawsTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT gradlawsTargets NAMESPACE gradlaws:: DESTINATION ${GRADLAWS_CONFIG_DIR})

# The optional component torch (find_package(gradlaws COMPONENTS torch)): its own export set,
# so a package built without libtorch installs and loads as before.
if(TARGET gradlaws_torch)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/torch/gradlaws
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
  set_target_properties(gradlaws_torch PROPERTIES EXPORT_NAME torch)
  install(TARGETS gradlaws_torch EXPORT gradlawsTorchTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT gradlawsTorchTargets NAMESPACE gradlaws:: DESTINATION ${GRADLAWS_CONFIG_DIR})
  # gradlaws-torch: the command with the libtorch gallery (`gradlaws gallery --torch` runs it).
  set_target_properties(gradlaws_torch_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  install(TARGETS gradlaws_torch_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gradlawsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/gradlawsConfig.cmake INSTALL_DESTINATION ${GRADLAWS_CONFIG_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gradlawsConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gradlawsConfig.cmake
              ${PROJECT_BINARY_DIR}/gradlawsConfigVersion.cmake
        DESTINATION ${GRADLAWS_CONFIG_DIR})
