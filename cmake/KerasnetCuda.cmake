# KERASNET_CUDA=AUTO builds the CUDA kernels when nvcc is found, ON requires it, OFF never.
# The kernels link the static CUDA runtime and build for sm_80 and sm_90 plus PTX; they compile
# without a GPU, and at run time any CUDA error (no driver, no device) means "no GPU".
set(KN_WITH_CUDA OFF)
if(NOT KERASNET_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
    endif()
    set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(KN_WITH_CUDA ON)
  elseif(KERASNET_CUDA STREQUAL "ON")
    message(FATAL_ERROR "KERASNET_CUDA=ON but CMake found no CUDA compiler (nvcc). Install the "
                        "CUDA toolkit, put nvcc on PATH or set CUDACXX, or use KERASNET_CUDA=AUTO.")
  endif()
endif()
message(STATUS "kerasnet: CUDA kernels ${KN_WITH_CUDA}")

function(kerasnet_add_cuda_kernels target)
  if(KN_WITH_CUDA)
    file(GLOB_RECURSE cu CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/csrc/*.cu")
    target_sources(${target} PRIVATE ${cu})
    target_compile_definitions(${target} PUBLIC KN_WITH_CUDA=1)
    target_link_libraries(${target} PUBLIC CUDA::cudart_static)
    set_target_properties(${target} PROPERTIES CUDA_STANDARD 17 CUDA_SEPARABLE_COMPILATION OFF)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr
                           -Xcompiler=-fPIC>)
  endif()
endfunction()
