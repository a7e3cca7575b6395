#include "bench/storyline_bench/generate_articles.h"

#include <algorithm>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_format.h"
#include "bench/storyline_bench/generate_sentences.h"

namespace storyline::bench {
namespace {

constexpr uint32_t kMaxBodySentences = 200;
constexpr size_t kMaxTitleBytes = 200;
// Of a body's sentences, this share comes from the article's own topic.
constexpr double kOwnTopicShare = 0.85;

// SplitMix64 (Steele, Lea and Flood): small, fast, and well mixed enough to
// seed each article from its number. Its output is defined here, not by a
// standard library, so a corpus is the same with every compiler.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0 (Lemire's multiply-shift; the bias is below
  // 2^-32 for the sizes used here).
  uint64_t Below(uint64_t n) { return absl::Uint128High64(absl::uint128(Next()) * n); }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

 private:
  uint64_t state_;
};

uint64_t ArticleSeed(uint64_t seed, uint64_t index, uint32_t attempt) {
  Rng mix(seed);
  const uint64_t a = mix.Next() ^ (index * 0xd1b54a32d192ed03ULL);
  Rng mix2(a + attempt * 0x8cb92ba72f3d8dd7ULL);
  return mix2.Next();
}

template <typename T>
const T& Pick(const std::vector<T>& items, Rng& rng) {
  return items[rng.Below(items.size())];
}

// Cuts `title` to at most kMaxTitleBytes at a word boundary (or, in one
// enormous word, at a UTF-8 character boundary).
std::string CapTitle(std::string title) {
  if (title.size() <= kMaxTitleBytes) return title;
  size_t end = title.rfind(' ', kMaxTitleBytes);
  if (end == std::string::npos || end == 0) {
    end = kMaxTitleBytes;
    while (end > 1 && (static_cast<unsigned char>(title[end]) & 0xC0) == 0x80) --end;
  }
  title.resize(end);
  return title;
}

// A title for `pool`: mostly the front of one real title joined to the
// back of another, sometimes a real title whole, sometimes the lead
// sentence's first words.
std::string MakeTitle(const TopicPool& pool, const std::string& lead, Rng& rng) {
  const uint64_t kind = rng.Below(20);
  if (pool.titles.empty() || kind < 3) {
    const std::vector<absl::string_view> words = SplitWords(lead);
    return CapTitle(JoinWords(words, 0, 5 + rng.Below(6)));
  }
  const std::string& first = Pick(pool.titles, rng);
  if (kind < 8) return CapTitle(first);
  const std::string& second = Pick(pool.titles, rng);
  const std::vector<absl::string_view> a = SplitWords(first);
  const std::vector<absl::string_view> b = SplitWords(second);
  const size_t keep = (a.size() + 1) / 2;
  std::string title = JoinWords(a, 0, keep);
  if (b.size() >= 2) {
    title += ' ';
    title += JoinWords(b, b.size() / 2, b.size());
  }
  return CapTitle(std::move(title));
}

// A sentence for a body of `pool`: usually from it, else from the pool of a
// random real article (so topics mix in proportion to the source). Avoids
// the sentences already in `used` for a few draws (a small pool may have
// to repeat one).
const std::string* PickSentence(const SourceCorpus& corpus, uint32_t pool,
                                const std::vector<const std::string*>& used, Rng& rng) {
  constexpr int kDraws = 4;
  const std::string* sentence = nullptr;
  for (int draw = 0; draw < kDraws; ++draw) {
    const uint32_t from = rng.Chance(kOwnTopicShare) ? pool : Pick(corpus.patterns, rng).pool;
    sentence = &Pick(corpus.pools[from].sentences, rng);
    if (std::find(used.begin(), used.end(), sentence) == used.end()) break;
  }
  return sentence;
}

// `count` sentences in paragraphs of one to four, the first (the lead)
// always from `pool`.
std::vector<const std::string*> PickSentences(const SourceCorpus& corpus, uint32_t pool,
                                              uint32_t count, Rng& rng) {
  std::vector<const std::string*> sentences = {&Pick(corpus.pools[pool].sentences, rng)};
  while (sentences.size() < count) sentences.push_back(PickSentence(corpus, pool, sentences, rng));
  return sentences;
}

std::string JoinParagraphs(const std::vector<const std::string*>& sentences, Rng& rng) {
  std::string body;
  uint64_t left_in_paragraph = 1 + rng.Below(4);
  for (const std::string* sentence : sentences) {
    if (!body.empty()) {
      if (left_in_paragraph == 0) {
        body += "\n\n";
        left_in_paragraph = 1 + rng.Below(4);
      } else {
        body += ' ';
      }
    }
    body += *sentence;
    --left_in_paragraph;
  }
  return body;
}

}  // namespace

std::string GeneratedArticleId(uint64_t seed, uint64_t index) {
  return absl::StrFormat("gen%d-%08d", seed, index + 1);
}

ArticleGenerator::ArticleGenerator(const SourceCorpus& corpus, GeneratorOptions options)
    : corpus_(corpus), options_(options) {}

GeneratedArticle ArticleGenerator::Make(uint64_t index, uint32_t attempt) const {
  Rng rng(ArticleSeed(options_.seed, index, attempt));
  const ArticlePattern& pattern = Pick(corpus_.patterns, rng);
  const TopicPool& pool = corpus_.pools[pattern.pool];
  const uint32_t sentences = std::min(pattern.sentences, kMaxBodySentences) + attempt;
  GeneratedArticle article;
  article.id = GeneratedArticleId(options_.seed, index);
  const std::vector<const std::string*> picked =
      PickSentences(corpus_, pattern.pool, sentences, rng);
  article.body = JoinParagraphs(picked, rng);
  article.title = MakeTitle(pool, *picked.front(), rng);
  article.topic = pool.topic;
  article.source = corpus_.sources[pattern.source];
  const uint64_t span = static_cast<uint64_t>(options_.to_seconds - options_.from_seconds) + 1;
  article.publish_seconds = options_.from_seconds + static_cast<int64_t>(rng.Below(span));
  return article;
}

}  // namespace storyline::bench
