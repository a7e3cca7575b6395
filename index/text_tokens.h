// Words of a text, as every part of the index reads them: the spelling
// dictionary feed, SimHash, snippets, surface forms, spelling correction
// and explanations. A word is a run of word bytes; every byte of a
// multi-byte UTF-8 character is a word byte, so words never split one.
// Lower-casing is ASCII only (A-Z); other bytes are kept as they are.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_INDEX_TEXT_TOKENS_H_
#define STORYLINE_INDEX_TEXT_TOKENS_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace storyline::index {

// Which ASCII bytes belong to words (bytes >= 0x80 always do).
enum class WordChars {
  kLettersAndDigits,  // a-z, A-Z, 0-9: SimHash, snippets, surface forms, explanations
  kLetters,           // a-z, A-Z: the spelling dictionary and spelling correction
};

// True for bytes that belong to words: ASCII letters and digits, and every
// byte of a multi-byte UTF-8 character.
inline bool IsWordByte(unsigned char u) {
  return u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
}

// IsWordByte, or its letters-only variant.
inline bool IsWordByte(unsigned char u, WordChars chars) {
  if (chars == WordChars::kLettersAndDigits) return IsWordByte(u);
  return u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

// `c` with A-Z lowered; every other byte unchanged.
inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `word` with A-Z lowered.
std::string AsciiLower(absl::string_view word);

// A word's byte range [begin, end) in its text.
struct WordSpan {
  size_t begin = absl::string_view::npos;
  size_t end = absl::string_view::npos;
  bool found() const { return begin != absl::string_view::npos; }
};

// The first word starting at or after `pos`; !found() if there is none.
WordSpan NextWord(absl::string_view text, size_t pos,
                  WordChars chars = WordChars::kLettersAndDigits);

// Calls `fn` with each word of `text`, in order.
void ForEachWord(absl::string_view text, WordChars chars, absl::FunctionRef<void(WordSpan)> fn);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_TEXT_TOKENS_H_
