#include "server/response_cap.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace storyline::server {
namespace {

std::string Bytes(size_t n) {
  if (n >= (size_t{1} << 20)) return absl::StrCat(n, " bytes (", n >> 20, " MiB)");
  return absl::StrCat(n, " bytes");
}

absl::Status TooLarge(const char* method, size_t size, size_t max_bytes, const char* fix) {
  return absl::ResourceExhaustedError(absl::StrCat(
      method, " refused: the response would be ", Bytes(size), ", over this server's limit of ",
      Bytes(max_bytes), " (--max_response_bytes); ", fix));
}

// Drops bodies of `articles(i)` from the last backwards until `reply` fits
// with room for the note, then notes what was left out. `Items` is a
// repeated field of messages with a mutable_article().
template <typename Reply, typename Items>
absl::Status Trim(const char* method, size_t max_bytes, const char* what, Reply* reply,
                  Items* items) {
  size_t size = reply->ByteSizeLong();
  if (size <= max_bytes) return absl::OkStatus();
  constexpr size_t kNoteRoom = 512;
  const size_t target = max_bytes > kNoteRoom ? max_bytes - kNoteRoom : 0;
  int first_cut = items->size();
  int cut = 0;
  for (int i = items->size() - 1; i >= 0 && size > target; --i) {
    v1::Article* article = items->Mutable(i)->mutable_article();
    if (article->body().empty()) continue;
    size -= article->body().size();
    article->clear_body();
    first_cut = i;
    ++cut;
  }
  if (cut > 0) {
    reply->set_truncated(true);
    reply->set_truncation_note(absl::StrCat(
        "trimmed: the bodies of ", cut, " of the ", items->size(), " ", what, " (from ", what, " ",
        first_cut + 1, " on) were left out to keep the response under ", Bytes(max_bytes),
        " (--max_response_bytes); fetch them with GetArticle, or ask for fewer (page_size) to "
        "get every body"));
  }
  size = reply->ByteSizeLong();
  if (size <= max_bytes) return absl::OkStatus();
  return TooLarge(method, size, max_bytes,
                  "even without article bodies; ask for fewer results (page_size)");
}

}  // namespace

absl::Status FitResponse(const char* method, size_t max_bytes, v1::SearchResponse* reply) {
  if (max_bytes == 0) return absl::OkStatus();
  return Trim(method, max_bytes, "results", reply, reply->mutable_results());
}

absl::Status FitResponse(const char* method, size_t max_bytes, v1::SimilarStoriesResponse* reply) {
  if (max_bytes == 0) return absl::OkStatus();
  return Trim(method, max_bytes, "stories", reply, reply->mutable_stories());
}

absl::Status FitResponse(const char* method, size_t max_bytes, google::protobuf::Message* reply) {
  if (max_bytes == 0) return absl::OkStatus();
  const size_t size = reply->ByteSizeLong();
  if (size <= max_bytes) return absl::OkStatus();
  if (absl::string_view(method) == "GetArticle") {
    return TooLarge(method, size, max_bytes, "the article is larger than the server will send");
  }
  return TooLarge(method, size, max_bytes,
                  "ask for less (a smaller page_size, max_documents or cluster_count)");
}

}  // namespace storyline::server
