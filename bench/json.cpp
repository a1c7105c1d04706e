// The benchmark runner's JSON reader (see json.h).
#include "json.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kn_bench {
namespace {

struct Parser {
  const std::string& s;
  size_t i = 0;

  void ws() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("workloads JSON: ") + what + " at offset " +
                             std::to_string(i));
  }
  Json value() {
    ws();
    if (i >= s.size()) fail("unexpected end");
    const char c = s[i];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      Json j;
      j.type = Json::Type::String;
      j.str = string();
      return j;
    }
    if (s.compare(i, 4, "true") == 0) {
      i += 4;
      Json j;
      j.type = Json::Type::Bool;
      j.b = true;
      return j;
    }
    if (s.compare(i, 5, "false") == 0) {
      i += 5;
      Json j;
      j.type = Json::Type::Bool;
      return j;
    }
    if (s.compare(i, 4, "null") == 0) {
      i += 4;
      return Json();
    }
    size_t end = i;
    while (end < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[end])) || std::strchr("+-.eE", s[end])))
      ++end;
    if (end == i) fail("unexpected character");
    Json j;
    j.type = Json::Type::Number;
    j.num = std::stod(s.substr(i, end - i));
    i = end;
    return j;
  }
  std::string string() {
    std::string out;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        ++i;
        const char e = s[i];
        out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      } else {
        out.push_back(s[i]);
      }
      ++i;
    }
    if (i >= s.size()) fail("unterminated string");
    ++i;
    return out;
  }
  Json array() {
    Json j;
    j.type = Json::Type::Array;
    ++i;
    ws();
    if (s[i] == ']') {
      ++i;
      return j;
    }
    for (;;) {
      j.arr.push_back(value());
      ws();
      if (s[i] == ',') {
        ++i;
        continue;
      }
      if (s[i] == ']') {
        ++i;
        return j;
      }
      fail("expected , or ]");
    }
  }
  Json object() {
    Json j;
    j.type = Json::Type::Object;
    ++i;
    ws();
    if (s[i] == '}') {
      ++i;
      return j;
    }
    for (;;) {
      ws();
      if (s[i] != '"') fail("expected a key");
      std::string k = string();
      ws();
      if (s[i] != ':') fail("expected :");
      ++i;
      j.obj[k] = value();
      ws();
      if (s[i] == ',') {
        ++i;
        continue;
      }
      if (s[i] == '}') {
        ++i;
        return j;
      }
      fail("expected , or }");
    }
  }
};

}  // namespace

const Json& Json::operator[](const std::string& k) const {
  auto it = obj.find(k);
  if (it == obj.end()) throw std::runtime_error("workloads JSON: missing key '" + k + "'");
  return it->second;
}

std::vector<long long> Json::ints(size_t n_if_scalar) const {
  if (type == Type::Number) return std::vector<long long>(n_if_scalar, as_int());
  std::vector<long long> out;
  for (const Json& v : arr) out.push_back(v.as_int());
  return out;
}

Json parse_json(const std::string& text) {
  Parser p{text};
  return p.value();
}

Json read_json_file(const std::string& path) {
  std::ifstream f(path);
  if (!f)
    throw std::runtime_error("cannot open workloads file '" + path + "' (use --workloads PATH)");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_json(ss.str());
}

}  // namespace kn_bench
