// A small JSON reader for the benchmark runner (workloads.json): objects, arrays, strings,
// numbers, booleans, null. Not a general-purpose parser: no \u escapes beyond ASCII.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kn_bench {

struct Json {
  enum class Type { Null, Bool, Number, String, Array, Object } type = Type::Null;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::map<std::string, Json> obj;

  bool has(const std::string& k) const { return type == Type::Object && obj.count(k); }
  const Json& operator[](const std::string& k) const;
  const Json& operator[](size_t i) const { return arr.at(i); }
  size_t size() const { return type == Type::Array ? arr.size() : obj.size(); }
  long long as_int() const { return (long long)num; }
  // An int or a list of ints (workloads write `strides: 1` or `kernel: [3, 3]`).
  std::vector<long long> ints(size_t n_if_scalar) const;
};

Json parse_json(const std::string& text);
Json read_json_file(const std::string& path);

}  // namespace kn_bench
