// storyline::Client: the C++ client library for a Storyline server.
//
//   storyline::Client client({.target = "localhost:50051"});
//   storyline::v1::SearchRequest req;
//   req.set_query("interest rates");
//   absl::StatusOr<storyline::v1::SearchResponse> resp = client.Search(req);
//
// Every method returns absl::Status / absl::StatusOr with the server's
// canonical code and message (INVALID_ARGUMENT names the field to fix,
// NOT_FOUND for unknown ids, DEADLINE_EXCEEDED when the deadline passes,
// UNAVAILABLE when the server cannot be reached, UNAUTHENTICATED without a
// token the server requires, PERMISSION_DENIED with a wrong one,
// RESOURCE_EXHAUSTED when the server is busy: see RetryDelay()).
//
// Thread-safety: a Client is thread-safe. It holds one channel and one stub
// per service; share one Client across threads rather than making many.
#ifndef STORYLINE_CLIENT_H_
#define STORYLINE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storyline/error_details.h"
#include "storyline/v1/article.pb.h"
#include "storyline/v1/story_service.grpc.pb.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline {

struct ClientOptions {
  // gRPC target, e.g. "localhost:50051", or several replicas:
  // "10.0.0.5:50051,10.0.0.6:50051" or "dns:///storyline.internal:443",
  // spread round robin with retries of reads (storyline/channel.h).
  std::string target = "localhost:50051";
  // Deadline applied to every call that does not pass its own. Ingest
  // streams use `ingest_deadline` instead, since they can run for minutes.
  absl::Duration default_deadline = absl::Seconds(10);
  absl::Duration ingest_deadline = absl::Hours(1);
  // Channel credentials; insecure (plaintext) when null. Use
  // grpc::SslCredentials(...) for TLS.
  std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr;
  // Bearer token sent with every call as the metadata
  // "authorization: Bearer <token>"; none when empty. Servers started with
  // --write_token_file need the write token for ingest and delete, and with
  // --read_token_file a token for reads (see storyline/credentials.h for
  // ReadTokenFile). gRPC sends it over plaintext channels too, so use TLS
  // anywhere but loopback.
  std::string token = "";
  // Extra channel arguments (message size limits, keepalive, ...). Unless
  // they set a maximum receive size, replies up to kDefaultMaxReceiveBytes
  // are accepted (gRPC's own default is 4 MiB; a server's replies may reach
  // its --max_response_bytes, 16 MiB by default).
  grpc::ChannelArguments channel_args = {};
};

// The largest reply a Client accepts unless ClientOptions::channel_args
// says otherwise: 64 MiB.
inline constexpr int kDefaultMaxReceiveBytes = 64 << 20;

// Per-call overrides.
struct CallOptions {
  // Overrides Options::default_deadline for this call.
  std::optional<absl::Duration> deadline = std::nullopt;
};

class Client {
 public:
  using Options = ClientOptions;
  using CallOptions = storyline::CallOptions;

  // Creates the channel. Connecting is lazy: an unreachable server shows up
  // as UNAVAILABLE on the first call.
  explicit Client(Options options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // --- StoryService ---
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request,
                                            const CallOptions& call = {});
  // NOT_FOUND if no article has `id`.
  absl::StatusOr<v1::Article> GetArticle(absl::string_view id, const CallOptions& call = {});
  absl::StatusOr<v1::SimilarStoriesResponse> SimilarStories(
      const v1::SimilarStoriesRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::RecommendResponse> Recommend(const v1::RecommendRequest& request,
                                                  const CallOptions& call = {});
  absl::StatusOr<v1::TopicClustersResponse> TopicClusters(const v1::TopicClustersRequest& request,
                                                          const CallOptions& call = {});
  absl::StatusOr<v1::IndexStats> GetIndexStats(const CallOptions& call = {});

  // --- IngestService ---
  // Produces the next article into `*article` and returns true, or returns
  // false at the end of the input.
  using ArticleSource = std::function<bool(v1::Article* article)>;

  // Streams every article `next` produces to the server. Articles the
  // server rejects are listed in the response's `errors` (by position in the
  // stream); the call itself fails only if the stream does (unreachable
  // server, deadline, ...). An OK response means the accepted articles are
  // committed and durable.
  absl::StatusOr<v1::IndexArticlesResponse> IndexArticles(const ArticleSource& next,
                                                          const CallOptions& call = {});

  // Convenience overload for any range of v1::Article.
  template <typename Range>
  absl::StatusOr<v1::IndexArticlesResponse> IndexArticles(const Range& articles,
                                                          const CallOptions& call = {}) {
    return IndexArticles(SourceOf(articles), call);
  }

  // Streams every article `next` produces through IngestArticles, which
  // commits at checkpoints (about once a second) and acknowledges each.
  // `on_progress` (optional) is called with every acknowledgement, on a
  // thread of the library's, while `next` is still being called: if the
  // call fails, every article at a position <= the last `committed_through`
  // it saw is durable, so a caller can resume after it (the CLI's
  // `ingest --resume` does). Returns the final progress, with `done` set,
  // the stream's cumulative counts and every error reported, or the error
  // that ended the stream (RESOURCE_EXHAUSTED or UNAVAILABLE when the
  // server's writer failed: retry from the last acknowledgement).
  using ProgressCallback = std::function<void(const v1::IngestProgress& progress)>;
  absl::StatusOr<v1::IngestProgress> IngestArticles(const ArticleSource& next,
                                                    const ProgressCallback& on_progress = {},
                                                    const CallOptions& call = {});

  // Convenience overload for any range of v1::Article.
  template <typename Range>
  absl::StatusOr<v1::IngestProgress> IngestArticles(const Range& articles,
                                                    const ProgressCallback& on_progress = {},
                                                    const CallOptions& call = {}) {
    return IngestArticles(SourceOf(articles), on_progress, call);
  }

  absl::StatusOr<v1::DeleteArticlesResponse> DeleteArticles(
      const v1::DeleteArticlesRequest& request, const CallOptions& call = {});

  // --- grpc.health.v1.Health ---
  // OK if the server reports SERVING for `service` ("" = the whole server),
  // UNAVAILABLE if it reports anything else, or the RPC's error.
  absl::Status CheckHealth(absl::string_view service = "", const CallOptions& call = {});

  const Options& options() const { return options_; }

 private:
  // An ArticleSource over `articles`, which must outlive it.
  template <typename Range>
  static ArticleSource SourceOf(const Range& articles) {
    return [it = std::begin(articles), end = std::end(articles)](v1::Article* out) mutable {
      if (it == end) return false;
      *out = *it;
      ++it;
      return true;
    };
  }

  void PrepareContext(grpc::ClientContext* ctx, const CallOptions& call,
                      absl::Duration fallback) const;
  // Runs one unary RPC, `rpc(grpc::ClientContext*, Response*)`, under the
  // default deadline (or the call's) and maps its status.
  template <typename Response, typename Rpc>
  absl::StatusOr<Response> CallUnary(const CallOptions& call, Rpc&& rpc) const;

  Options options_;
  std::string authorization_;  // "Bearer <token>", or empty
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::StoryService::Stub> story_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
};

// Maps a grpc::Status to the absl::Status with the same code and message,
// keeping the details of its `grpc-status-details-bin` trailer as payloads
// that GetErrorDetails() reads (storyline/error_details.h).
absl::Status FromGrpcStatus(const grpc::Status& status);

// How long the server asked the caller to wait before retrying, if it did:
// a busy server refuses calls past its admission limits with
// RESOURCE_EXHAUSTED, "... retry after N ms" and the trailing metadata
// `retry-after-ms`, which Client methods attach to the returned status, or
// (without it) the google.rpc.RetryInfo the error details carry.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

// Parses one JSONL line (proto3 JSON mapping of v1::Article). Unknown
// fields are rejected so typos are caught. kInvalidArgument on bad input.
absl::StatusOr<v1::Article> ParseArticleJson(absl::string_view line);

// Renders a message with the proto3 JSON mapping (for --json output).
std::string ToJson(const google::protobuf::Message& message, bool pretty = false);

}  // namespace storyline

#endif  // STORYLINE_CLIENT_H_
