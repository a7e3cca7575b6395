#include "index/text_tokens.h"

namespace storyline::index {

std::string AsciiLower(absl::string_view word) {
  std::string out(word);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

WordSpan NextWord(absl::string_view text, size_t pos, WordChars chars) {
  while (pos < text.size() && !IsWordByte(static_cast<unsigned char>(text[pos]), chars)) ++pos;
  if (pos >= text.size()) return {};
  size_t end = pos;
  while (end < text.size() && IsWordByte(static_cast<unsigned char>(text[end]), chars)) ++end;
  return {pos, end};
}

void ForEachWord(absl::string_view text, WordChars chars, absl::FunctionRef<void(WordSpan)> fn) {
  for (WordSpan w = NextWord(text, 0, chars); w.found(); w = NextWord(text, w.end, chars)) fn(w);
}

}  // namespace storyline::index
