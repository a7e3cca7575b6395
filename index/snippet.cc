#include "index/snippet.h"

#include <algorithm>
#include <utility>

#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// Where to look for the first match, and how much context to keep before it.
constexpr size_t kScanBytes = 64 * 1024;
constexpr size_t kLeadBytes = 60;
// Letters of a stem a word must start with before it is worth stemming.
constexpr size_t kPrefixCheck = 3;

void AppendEscaped(absl::string_view s, std::string* out) {
  for (const char c : s) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out->push_back(' ');
        break;
      default:
        out->push_back(c);
    }
  }
}

// Appends `text` to `out` (escaped) within a budget of `max_bytes` source
// bytes, of which `emitted` are spent.
class BoundedAppender {
 public:
  BoundedAppender(size_t max_bytes, std::string* out) : max_bytes_(max_bytes), out_(out) {}

  // Appends at most the remaining budget of `piece`, cut at a UTF-8
  // character boundary; returns false (after "...") once the budget is spent.
  bool Append(absl::string_view piece) {
    if (emitted_ + piece.size() <= max_bytes_) {
      AppendEscaped(piece, out_);
      emitted_ += piece.size();
      return true;
    }
    size_t cut = max_bytes_ > emitted_ ? max_bytes_ - emitted_ : 0;
    while (cut > 0 && (static_cast<unsigned char>(piece[cut]) & 0xC0) == 0x80) --cut;
    AppendEscaped(piece.substr(0, cut), out_);
    *out_ += "...";
    return false;
  }
  // True if `word` no longer fits after something was emitted.
  bool Overflows(absl::string_view word) const {
    return emitted_ + word.size() > max_bytes_ && emitted_ > 0;
  }
  // Counts a word appended by the caller (with its highlighting).
  void Spent(size_t bytes) { emitted_ += bytes; }

 private:
  const size_t max_bytes_;
  std::string* const out_;
  size_t emitted_ = 0;
};

}  // namespace

Highlighter::Highlighter(const Xapian::Stem& stemmer, std::vector<std::string> stems)
    : stemmer_(stemmer), stems_(std::move(stems)) {
  stems_.erase(
      std::remove_if(stems_.begin(), stems_.end(), [](const std::string& s) { return s.empty(); }),
      stems_.end());
}

bool Highlighter::Matches(absl::string_view word) const {
  if (stems_.empty() || word.empty()) return false;
  bool candidate = false;
  for (const std::string& stem : stems_) {
    const size_t n = std::min({kPrefixCheck, stem.size(), word.size()});
    bool same = true;
    for (size_t i = 0; i < n && same; ++i) same = AsciiLower(word[i]) == stem[i];
    if (same) {
      candidate = true;
      break;
    }
  }
  if (!candidate) return false;
  const std::string lower = AsciiLower(word);
  const std::string stemmed = stemmer_(lower);
  return std::find(stems_.begin(), stems_.end(), stemmed) != stems_.end() ||
         std::find(stems_.begin(), stems_.end(), lower) != stems_.end();
}

size_t Highlighter::SnippetStart(absl::string_view text) const {
  // Find the first matching word.
  size_t start = 0;
  const absl::string_view scan = text.substr(0, kScanBytes);
  for (WordSpan w = NextWord(scan, 0); w.found(); w = NextWord(scan, w.end)) {
    if (Matches(scan.substr(w.begin, w.end - w.begin))) {
      start = w.begin;
      break;
    }
  }
  if (start <= kLeadBytes) return 0;
  // Back up to give context, to a word start.
  size_t back = start - kLeadBytes;
  while (back < start && IsWordByte(static_cast<unsigned char>(text[back])) && back > 0 &&
         IsWordByte(static_cast<unsigned char>(text[back - 1]))) {
    ++back;  // move forward to the next word boundary
  }
  return back;
}

std::string Highlighter::Snippet(absl::string_view text, size_t max_bytes) const {
  const size_t start = SnippetStart(text);
  std::string out;
  out.reserve(max_bytes + 64);
  if (start > 0) out += "...";
  BoundedAppender appender(max_bytes, &out);
  size_t pos = start;
  while (pos < text.size()) {
    const WordSpan w = NextWord(text, pos);
    const size_t gap_end = w.found() ? w.begin : text.size();
    if (!appender.Append(text.substr(pos, gap_end - pos))) return out;
    if (!w.found()) break;
    const absl::string_view word = text.substr(w.begin, w.end - w.begin);
    if (appender.Overflows(word)) {
      out += "...";
      return out;
    }
    if (word.size() > max_bytes) {  // one "word" longer than the snippet (CJK text)
      appender.Append(word);
      return out;
    }
    if (Matches(word)) {
      out += "<em>";
      AppendEscaped(word, &out);
      out += "</em>";
    } else {
      AppendEscaped(word, &out);
    }
    appender.Spent(word.size());
    pos = w.end;
  }
  return out;
}

}  // namespace storyline::index
