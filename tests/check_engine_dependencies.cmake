# Fails if the engine library refers to RapidCheck or GoogleTest: its undefined symbols and
# the libraries it needs must name neither.
execute_process(COMMAND nm -D --undefined-only -C ${LIBRARY} OUTPUT_VARIABLE undefined
                RESULT_VARIABLE nm_failed)
if(nm_failed)
  message(FATAL_ERROR "nm could not read ${LIBRARY}")
endif()
execute_process(COMMAND objdump -p ${LIBRARY} OUTPUT_VARIABLE headers)
foreach(name rc:: testing:: rapidcheck gtest)
  string(FIND "${undefined}${headers}" "${name}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "the engine depends on ${name}: it must build and link without "
                        "RapidCheck and GoogleTest")
  endif()
endforeach()
message(STATUS "the engine refers to neither RapidCheck nor GoogleTest")
