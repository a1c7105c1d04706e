// Device names: parsing and printing.
#include "core/device.h"

#include "core/errors.h"

namespace kn {

std::string Device::str() const {
  if (type == DeviceType::CPU) return "cpu";
  return "cuda:" + std::to_string(index);
}

Device parse_device(const std::string& name) {
  std::string kind = name;
  int index = 0;
  auto colon = name.find(':');
  if (colon != std::string::npos) {
    kind = name.substr(0, colon);
    const std::string num = name.substr(colon + 1);
    KN_CHECK(!num.empty() && num.find_first_not_of("0123456789") == std::string::npos,
             "Invalid device name '", name, "': expected 'cpu', 'cuda:N' or 'gpu:N'");
    index = std::stoi(num);
  }
  for (auto& c : kind) c = static_cast<char>(std::tolower(c));
  if (kind == "cpu") return Device{DeviceType::CPU, 0};
  if (kind == "cuda" || kind == "gpu") return Device{DeviceType::CUDA, static_cast<int16_t>(index)};
  KN_FAIL("Invalid device name '", name, "': expected 'cpu', 'cuda:N' or 'gpu:N'");
}

}  // namespace kn
