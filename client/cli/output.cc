#include "client/cli/output.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "storyline/error_details.h"

namespace storyline::cli {
namespace {

constexpr absl::string_view kBoldOn = "\x1b[1m";
constexpr absl::string_view kBoldOff = "\x1b[0m";

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if the
// bytes there are not one (overlong forms, surrogates and code points above
// U+10FFFF are rejected, as protobuf's own check does).
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char min2 = 0x80, max2 = 0xBF;  // allowed range of the 2nd byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min2 = 0xA0;  // overlong
    if (lead == 0xED) max2 = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min2 = 0x90;  // overlong
    if (lead == 0xF4) max2 = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  if (byte(i + 1) < min2 || byte(i + 1) > max2) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

}  // namespace

int ReportRpcError(const absl::Status& status) {
  absl::string_view message = status.message();
  // gRPC answers an RPC the server does not implement with no message at all.
  if (message.empty() && status.code() == absl::StatusCode::kUnimplemented) {
    message = "the server does not implement this RPC yet";
  }
  std::cerr << "storyline: " << absl::StatusCodeToString(status.code()) << ": " << Sanitize(message)
            << "\n";
  // The machine-readable details, when they add to the message.
  const ErrorDetails details = GetErrorDetails(status);
  for (const ErrorDetails::FieldViolation& v : details.field_violations) {
    // "page_size must be ..." reads "field page_size: must be ...".
    absl::string_view what = v.description;
    absl::ConsumePrefix(&what, absl::StrCat(v.field, " "));
    std::cerr << "  field " << Sanitize(v.field) << ": " << Sanitize(what) << "\n";
  }
  if (details.retry_delay) {
    std::cerr << "  retry after " << absl::ToInt64Milliseconds(*details.retry_delay) << " ms\n";
  }
  if (!details.reason.empty() && details.reason != absl::StatusCodeToString(status.code())) {
    std::cerr << "  reason: " << Sanitize(details.reason) << "\n";
  }
  return kExitRpc;
}

int ReportUsageError(absl::string_view message) {
  std::cerr << "storyline: " << message << "\nRun with --help for more information.\n";
  return kExitUsage;
}

int PrintJsonLine(const std::string& json) {
  if (json.empty()) {
    // storyline::ToJson returns "" when the message cannot be mapped (for
    // example an out-of-range Timestamp from the server).
    std::cerr << "storyline: INTERNAL: the response cannot be rendered as JSON\n";
    return kExitRpc;
  }
  std::cout << json << '\n';
  return kExitOk;
}

bool IsTerminal(int fd) { return ::isatty(fd) == 1; }

bool StdoutWantsAnsi() {
  if (!IsTerminal(STDOUT_FILENO)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

std::string FormatFixed(double value, int decimals) {
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  // Only absurd magnitudes overflow the buffer; fall back to %g for those.
  if (n < 0 || static_cast<size_t>(n) >= sizeof(buffer)) {
    std::snprintf(buffer, sizeof(buffer), "%g", value);
  }
  return buffer;
}

std::string FormatCount(int64_t value) {
  // Work on the unsigned magnitude so INT64_MIN does not overflow.
  const bool negative = value < 0;
  uint64_t magnitude = negative ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 + 1);
  if (negative) out.push_back('-');
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrCat(FormatFixed(value, 1), " ", kUnits[unit]);
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string FormatDate(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(ts.seconds()), absl::UTCTimeZone());
}

std::string Sanitize(absl::string_view text, bool keep_newlines) {
  std::string out(text);
  for (char& c : out) {
    if (IsControl(c) && !(keep_newlines && (c == '\n' || c == '\t'))) c = ' ';
  }
  return out;
}

std::string RenderSnippet(absl::string_view snippet, bool ansi) {
  static constexpr std::pair<absl::string_view, absl::string_view> kEntities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
  std::string out;
  out.reserve(snippet.size());
  bool bold = false;
  size_t i = 0;
  while (i < snippet.size()) {
    const absl::string_view rest = snippet.substr(i);
    if (absl::StartsWith(rest, "<em>")) {
      if (ansi) out.append(kBoldOn.data(), kBoldOn.size());
      bold = true;
      i += 4;
      continue;
    }
    if (absl::StartsWith(rest, "</em>")) {
      if (ansi) out.append(kBoldOff.data(), kBoldOff.size());
      bold = false;
      i += 5;
      continue;
    }
    if (rest[0] == '&') {
      bool decoded = false;
      for (const auto& [entity, replacement] : kEntities) {
        if (absl::StartsWith(rest, entity)) {
          out.append(replacement.data(), replacement.size());
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out.push_back(IsControl(rest[0]) ? ' ' : rest[0]);
    ++i;
  }
  // A snippet cut between <em> and </em> must not leave the terminal bold.
  if (ansi && bold) out.append(kBoldOff.data(), kBoldOff.size());
  return out;
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string JsonQuote(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      ++i;
      continue;
    }
    if (length > 1) {
      out.append(text.data() + i, length);
      i += length;
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned>(c));
          out.append(escape);
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

absl::string_view FirstLine(absl::string_view text) {
  const size_t newline = text.find('\n');
  return newline == absl::string_view::npos ? text : text.substr(0, newline);
}

}  // namespace storyline::cli
