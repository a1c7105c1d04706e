# Every *_cpu.cpp kernel file is compiled once per ISA level, each copy in its own namespace
# (KN_ISA_NS) and registering its kernels for its level (KN_ISA_LEVEL); csrc/cpu/isa.cpp picks
# the best level the CPU supports at import. No -march=native unless KERASNET_NATIVE is set.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64|x64")
  set(KN_ISA_LEVELS generic avx2 avx512)
else()
  set(KN_ISA_LEVELS generic)
endif()

set(KN_ISA_FLAGS_generic "")
if(KERASNET_NATIVE)
  set(KN_ISA_FLAGS_generic "-march=native")  # opt-in: KERASNET_NATIVE only
endif()
set(KN_ISA_FLAGS_avx2 -mavx2 -mfma -mf16c -mbmi2)
set(KN_ISA_FLAGS_avx512 -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma -mf16c -mbmi2
    -mprefer-vector-width=512)
set(KN_ISA_ID_generic 0)
set(KN_ISA_ID_avx2 1)
set(KN_ISA_ID_avx512 2)

function(kerasnet_add_isa_kernels target sources)
  foreach(isa IN LISTS KN_ISA_LEVELS)
    set(lib kerasnet_kernels_${isa})
    add_library(${lib} OBJECT ${sources})
    target_include_directories(${lib} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/csrc")
    target_link_libraries(${lib} PRIVATE OpenMP::OpenMP_CXX)
    target_compile_definitions(${lib} PRIVATE KN_ISA_NS=${isa} KN_ISA_LEVEL=${KN_ISA_ID_${isa}})
    target_compile_options(${lib} PRIVATE ${KN_ISA_FLAGS_${isa}} -fno-math-errno -Wall
                           -Wno-unused-parameter)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${lib}>)
  endforeach()
  set(KN_ISA_LEVELS "${KN_ISA_LEVELS}" PARENT_SCOPE)
endfunction()
