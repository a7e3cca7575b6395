#include "index/snippet.h"

#include <algorithm>
#include <utility>

namespace storyline::index {
namespace {

// Where to look for the first match, and how much context to keep before it.
constexpr size_t kScanBytes = 64 * 1024;
constexpr size_t kLeadBytes = 60;
// Letters of a stem a word must start with before it is worth stemming.
constexpr size_t kPrefixCheck = 3;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

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

struct Word {
  size_t begin, end;
};

// The next word at or after `pos`, or {npos, npos}.
Word NextWord(absl::string_view text, size_t pos) {
  while (pos < text.size() && !IsWordByte(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos >= text.size()) return {absl::string_view::npos, absl::string_view::npos};
  size_t end = pos;
  while (end < text.size() && IsWordByte(static_cast<unsigned char>(text[end]))) ++end;
  return {pos, end};
}

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
    for (size_t i = 0; i < n && same; ++i) same = Lower(word[i]) == stem[i];
    if (same) {
      candidate = true;
      break;
    }
  }
  if (!candidate) return false;
  std::string lower(word);
  for (char& c : lower) c = Lower(c);
  const std::string stemmed = stemmer_(lower);
  return std::find(stems_.begin(), stems_.end(), stemmed) != stems_.end() ||
         std::find(stems_.begin(), stems_.end(), lower) != stems_.end();
}

std::string Highlighter::Snippet(absl::string_view text, size_t max_bytes) const {
  // Find the first matching word.
  size_t start = 0;
  const absl::string_view scan = text.substr(0, kScanBytes);
  for (Word w = NextWord(scan, 0); w.begin != absl::string_view::npos; w = NextWord(scan, w.end)) {
    if (Matches(scan.substr(w.begin, w.end - w.begin))) {
      start = w.begin;
      break;
    }
  }
  // Back up to give context, to a word start.
  if (start > kLeadBytes) {
    size_t back = start - kLeadBytes;
    while (back < start && IsWordByte(static_cast<unsigned char>(text[back])) && back > 0 &&
           IsWordByte(static_cast<unsigned char>(text[back - 1]))) {
      ++back;  // move forward to the next word boundary
    }
    start = back;
  } else {
    start = 0;
  }

  std::string out;
  out.reserve(max_bytes + 64);
  if (start > 0) out += "...";
  size_t pos = start;
  size_t emitted = 0;
  // Appends at most the remaining budget of `piece`, cut at a UTF-8
  // character boundary; returns false once the budget is spent.
  auto append_bounded = [&](absl::string_view piece) {
    if (emitted + piece.size() <= max_bytes) {
      AppendEscaped(piece, &out);
      emitted += piece.size();
      return true;
    }
    size_t cut = max_bytes > emitted ? max_bytes - emitted : 0;
    while (cut > 0 && (static_cast<unsigned char>(piece[cut]) & 0xC0) == 0x80) --cut;
    AppendEscaped(piece.substr(0, cut), &out);
    out += "...";
    return false;
  };
  while (pos < text.size()) {
    const Word w = NextWord(text, pos);
    const size_t gap_end = w.begin == absl::string_view::npos ? text.size() : w.begin;
    if (!append_bounded(text.substr(pos, gap_end - pos))) return out;
    if (w.begin == absl::string_view::npos) break;
    const absl::string_view word = text.substr(w.begin, w.end - w.begin);
    if (emitted + word.size() > max_bytes && emitted > 0) {
      out += "...";
      return out;
    }
    if (word.size() > max_bytes) {  // one "word" longer than the snippet (CJK text)
      append_bounded(word);
      return out;
    }
    if (Matches(word)) {
      out += "<em>";
      AppendEscaped(word, &out);
      out += "</em>";
    } else {
      AppendEscaped(word, &out);
    }
    emitted += word.size();
    pos = w.end;
  }
  return out;
}

}  // namespace storyline::index
