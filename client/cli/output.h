// Shared pieces of the `storyline` CLI: exit codes, the global flags, error
// reporting, per-RPC timing and the text formatting every subcommand uses.
//
// Thread-safety: the functions here are thread-compatible; the CLI writes
// to stdout/stderr from one thread only.
#ifndef STORYLINE_CLIENT_CLI_OUTPUT_H_
#define STORYLINE_CLIENT_CLI_OUTPUT_H_

#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace storyline::cli {

// Exit codes. Scripts rely on these, so they never change meaning.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // ingest: some lines were not indexed
inline constexpr int kExitUsage = 2;     // bad flags or arguments
inline constexpr int kExitRpc = 3;       // the RPC failed (or health != SERVING)

// Options accepted before or after any subcommand.
struct GlobalFlags {
  // gRPC target; --addr, else $STORYLINE_ADDR, else localhost:50051.
  std::string addr = "localhost:50051";
  // Print each response as one line of proto3 JSON instead of text.
  bool json = false;
  // Per-call deadline in seconds (--deadline).
  double deadline_seconds = 10;
  // True when --deadline was given explicitly; ingest then uses it instead
  // of its one-hour default.
  bool deadline_given = false;
  // Print the wall time of each RPC to stderr.
  bool verbose = false;
  // File holding the bearer token (--token-file); else $STORYLINE_TOKEN.
  std::string token_file;
  // TLS (--tls), trusting --tls-ca (else the system roots); --tls-cert and
  // --tls-key present a client certificate (mutual TLS). Any of the file
  // flags implies --tls.
  bool tls = false;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// Prints "storyline: <CODE_NAME>: <message>" to stderr, then the error's
// details (storyline/error_details.h), one a line: "  field page_size: must
// be ...", "  retry after 250 ms", "  reason: PAGE_SIZE_OUT_OF_RANGE" (not
// when the reason only repeats the code's name). Returns kExitRpc.
int ReportRpcError(const absl::Status& status);

// Prints "storyline: <message>" and a --help hint to stderr and returns
// kExitUsage.
int ReportUsageError(absl::string_view message);

// Prints `json` (one proto3 JSON object) as a line on stdout. An empty
// string means the message could not be rendered, which is reported as an
// error. Returns the exit code.
int PrintJsonLine(const std::string& json);

// True if `fd` is a terminal.
bool IsTerminal(int fd);

// True if stdout is a terminal that should get ANSI styling (honours the
// NO_COLOR convention and TERM=dumb).
bool StdoutWantsAnsi();

// `value` with exactly `decimals` digits after the point.
std::string FormatFixed(double value, int decimals);

// 1234567 -> "1,234,567".
std::string FormatCount(int64_t value);

// Bytes in binary units: "512 B", "1.5 KiB", "3.2 GiB".
std::string FormatBytes(int64_t bytes);

// RFC 3339 in UTC with second precision, e.g. "2025-01-14T10:15:00Z".
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);

// The UTC calendar date, e.g. "2025-01-14".
std::string FormatDate(const google::protobuf::Timestamp& ts);

// `text` made safe to print on a terminal: ASCII control characters (which
// could move the cursor or start escape sequences) become spaces. With
// `keep_newlines`, '\n' and '\t' are kept so multi-line bodies stay readable.
std::string Sanitize(absl::string_view text, bool keep_newlines = false);

// Renders a search snippet: <em>..</em> becomes bold when `ansi`, else the
// markers are dropped; HTML entities (&amp; &lt; &gt; &quot; &#39;) are
// decoded and line breaks become spaces.
std::string RenderSnippet(absl::string_view snippet, bool ansi);

// True if `text` is well-formed UTF-8 (protobuf string fields require it).
bool IsValidUtf8(absl::string_view text);

// `text` as a JSON string literal, quotes included. Invalid UTF-8 becomes
// U+FFFD so the output always parses.
std::string JsonQuote(absl::string_view text);

// The first line of `text` (protobuf's JSON errors append a multi-line
// excerpt with a caret that is unreadable on one line).
absl::string_view FirstLine(absl::string_view text);

// Runs `fn` (one RPC) and, with --verbose, prints "<name>: 3.2 ms" to stderr.
template <typename Fn>
auto TimedCall(const GlobalFlags& flags, absl::string_view name, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  auto result = fn();
  if (flags.verbose) {
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    std::cerr << name << ": " << FormatFixed(elapsed.count(), 1) << " ms\n";
  }
  return result;
}

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_OUTPUT_H_
