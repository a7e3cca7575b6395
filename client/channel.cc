#include "storyline/channel.h"

#include <arpa/inet.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace storyline {
namespace {

enum class Family { kV4, kV6 };

// "1.2.3.4:P", "localhost:P" (as 127.0.0.1) or "[v6]:P", normalised, with
// its family.
absl::StatusOr<std::pair<std::string, Family>> ParseListElement(absl::string_view element) {
  auto bad = [element](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("address list element \"", element, "\": ", why,
                     " (list servers as IP:PORT,IP:PORT, or use dns:///NAME:PORT for a name "
                     "that resolves to several)"));
  };
  const size_t colon = element.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(element.substr(colon + 1), &port) ||
      port < 1 || port > 65535) {
    return bad("needs a port from 1 to 65535");
  }
  std::string host(element.substr(0, colon));
  if (host == "localhost") host = "127.0.0.1";
  unsigned char addr[16];
  if (inet_pton(AF_INET, host.c_str(), addr) == 1) {
    return std::make_pair(absl::StrCat(host, ":", port), Family::kV4);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']' &&
      inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), addr) == 1) {
    return std::make_pair(absl::StrCat(host, ":", port), Family::kV6);
  }
  return bad("is not an IP address");
}

}  // namespace

std::string ReplicaServiceConfigJson() {
  return R"({
  "loadBalancingConfig": [{"round_robin": {}}],
  "healthCheckConfig": {"serviceName": "storyline.v1.StoryService"},
  "methodConfig": [{
    "name": [{"service": "storyline.v1.StoryService"}],
    "retryPolicy": {
      "maxAttempts": 5,
      "initialBackoff": "0.05s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})";
}

absl::StatusOr<ChannelPlan> PlanChannel(absl::string_view address) {
  if (absl::StartsWith(address, "dns:")) {
    return ChannelPlan{std::string(address), ReplicaServiceConfigJson()};
  }
  if (!absl::StrContains(address, ',')) return ChannelPlan{std::string(address), ""};
  std::vector<std::string> elements;
  std::optional<Family> family;
  for (absl::string_view element : absl::StrSplit(address, ',')) {
    element = absl::StripAsciiWhitespace(element);
    if (element.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("address list \"", address, "\" has an empty element"));
    }
    auto parsed = ParseListElement(element);
    if (!parsed.ok()) return parsed.status();
    if (family && *family != parsed->second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "address list \"", address, "\" mixes IPv4 and IPv6 addresses; use one family"));
    }
    family = parsed->second;
    elements.push_back(std::move(parsed->first));
  }
  return ChannelPlan{
      absl::StrCat(*family == Family::kV4 ? "ipv4:" : "ipv6:", absl::StrJoin(elements, ",")),
      ReplicaServiceConfigJson()};
}

}  // namespace storyline
