// InlineVec<T, N>: a vector keeping its first N elements inline (no heap allocation until it
// grows past N). Autograd nodes use it so that recording an op allocates once, not per field.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <new>
#include <utility>
#include <vector>

namespace kn {

template <class T, size_t N>
class InlineVec {
 public:
  InlineVec() = default;
  InlineVec(std::initializer_list<T> init) {
    for (const T& v : init) push_back(v);
  }
  InlineVec(const InlineVec& o) {
    for (const T& v : o) push_back(v);
  }
  InlineVec& operator=(const InlineVec& o) {
    if (this != &o) {
      clear();
      for (const T& v : o) push_back(v);
    }
    return *this;
  }
  ~InlineVec() { clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return i < N ? inline_ptr()[i] : heap_[i - N]; }
  const T& operator[](size_t i) const { return i < N ? inline_ptr()[i] : heap_[i - N]; }

  void push_back(T v) {
    if (size_ < N) {
      new (inline_ptr() + size_) T(std::move(v));
    } else {
      heap_.push_back(std::move(v));
    }
    ++size_;
  }
  void reserve(size_t n) {
    if (n > N) heap_.reserve(n - N);
  }
  void assign(size_t n, const T& v) {
    clear();
    for (size_t i = 0; i < n; ++i) push_back(v);
  }
  void clear() {
    for (size_t i = 0; i < size_ && i < N; ++i) inline_ptr()[i].~T();
    heap_.clear();
    size_ = 0;
  }

  class const_iterator {
   public:
    const_iterator(const InlineVec* v, size_t i) : v_(v), i_(i) {}
    const T& operator*() const { return (*v_)[i_]; }
    const T* operator->() const { return &(*v_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }

   private:
    const InlineVec* v_;
    size_t i_;
  };
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }

 private:
  T* inline_ptr() { return reinterpret_cast<T*>(storage_); }
  const T* inline_ptr() const { return reinterpret_cast<const T*>(storage_); }

  alignas(T) unsigned char storage_[N * sizeof(T)];
  std::vector<T> heap_;
  size_t size_ = 0;
};

}  // namespace kn
