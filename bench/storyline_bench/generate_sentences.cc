#include "bench/storyline_bench/generate_sentences.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace storyline::bench {
namespace {

constexpr size_t kMinWords = 4;
constexpr size_t kMaxWords = 80;

// Words whose final '.' does not end a sentence.
bool IsAbbreviation(absl::string_view word) {
  static const auto* const kAbbreviations = new absl::flat_hash_set<absl::string_view>{
      "Mr",  "Mrs", "Ms",   "Dr",  "St",  "Jr", "Sr",   "Co",  "Inc", "Ltd", "Corp", "vs",
      "etc", "Gen", "Gov",  "Sen", "Rep", "No", "Jan",  "Feb", "Aug", "Sep", "Sept", "Oct",
      "Nov", "Dec", "Prof", "Mt",  "Col", "Lt", "Capt", "e.g", "i.e", "Fig", "Vol",  "pp"};
  absl::string_view stem = word.substr(0, word.size() - 1);  // without the '.'
  if (stem.size() == 1 && absl::ascii_isalpha(static_cast<unsigned char>(stem[0]))) return true;
  if (stem.find('.') != absl::string_view::npos) return true;  // U.S.
  return kAbbreviations->contains(stem);
}

// True if `word` closes a sentence.
bool EndsSentence(absl::string_view word) {
  while (!word.empty() && absl::string_view("\"')]").find(word.back()) != absl::string_view::npos) {
    word.remove_suffix(1);
  }
  if (word.empty()) return false;
  const char last = word.back();
  if (last == '!' || last == '?') return true;
  return last == '.' && !IsAbbreviation(word);
}

// True if `sentence` (whitespace collapsed) reads as prose.
bool LooksLikeProse(absl::string_view sentence, size_t words) {
  if (words < kMinWords || words > kMaxWords) return false;
  if (sentence.find_first_of("@<>|\\{}_=#*~^") != absl::string_view::npos) return false;
  if (sentence.find("--") != absl::string_view::npos) return false;
  size_t letters = 0;
  for (const char c : sentence) {
    const auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isalpha(u) || u >= 0x80 || c == ' ') ++letters;
  }
  return letters * 5 >= sentence.size() * 4;  // at least 80% letters and spaces
}

// Collects words into the current sentence and emits finished ones.
class SentenceBuilder {
 public:
  explicit SentenceBuilder(std::vector<std::string>* out) : out_(out) {}

  void AddWord(absl::string_view word) {
    if (!current_.empty()) current_.push_back(' ');
    current_.append(word.data(), word.size());
    ++words_;
    if (EndsSentence(word)) Flush();
  }

  void Flush() {
    if (LooksLikeProse(current_, words_)) out_->push_back(current_);
    current_.clear();
    words_ = 0;
  }

 private:
  std::vector<std::string>* out_;
  std::string current_;
  size_t words_ = 0;
};

bool IsQuotedLine(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  return !line.empty() && (line[0] == '>' || line[0] == '|');
}

}  // namespace

std::vector<absl::string_view> SplitWords(absl::string_view text) {
  return absl::StrSplit(text, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty());
}

std::string JoinWords(const std::vector<absl::string_view>& words, size_t begin, size_t end) {
  std::string joined;
  for (size_t i = begin; i < end && i < words.size(); ++i) {
    if (!joined.empty()) joined.push_back(' ');
    joined.append(words[i].data(), words[i].size());
  }
  return joined;
}

std::vector<std::string> SplitSentences(absl::string_view body) {
  std::vector<std::string> sentences;
  SentenceBuilder builder(&sentences);
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (absl::StripAsciiWhitespace(line).empty()) {
      builder.Flush();  // a paragraph ends a sentence
      continue;
    }
    if (IsQuotedLine(line)) {
      builder.Flush();  // a quotation ends the sentence before it
      continue;
    }
    for (absl::string_view word : SplitWords(line)) builder.AddWord(word);
  }
  builder.Flush();
  return sentences;
}

}  // namespace storyline::bench
