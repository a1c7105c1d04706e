# OpenMP is required on Linux: every parallel kernel runs through csrc/core/parallel.h.
find_package(OpenMP COMPONENTS CXX)
if(NOT OpenMP_CXX_FOUND)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    message(FATAL_ERROR
      "kerasnet needs OpenMP and the compiler found none. With GCC install libgomp "
      "(Debian/Ubuntu: 'apt install libgomp1 gcc g++'; Fedora: 'dnf install libgomp'); "
      "with Clang install libomp (Debian/Ubuntu: 'apt install libomp-dev').")
  endif()
  message(WARNING "OpenMP not found: kerasnet kernels will run on one thread.")
  add_library(OpenMP::OpenMP_CXX INTERFACE IMPORTED)
endif()
