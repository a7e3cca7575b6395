#include "server/story_service.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/grpc_status.h"
#include "server/proto_convert.h"
#include "server/raw_codec.h"
#include "server/rpc_log.h"

namespace storyline::server {
namespace {

// The client's deadline as absl::Time (InfiniteFuture when none was set).
absl::Time Deadline(const grpc::CallbackServerContext* ctx) {
  const auto d = ctx->deadline();
  if (d >= std::chrono::system_clock::time_point::max() - std::chrono::hours(24 * 365)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(d);
}

void Finish(grpc::ServerUnaryReactor* reactor, const RpcTimer& timer, const absl::Status& status) {
  timer.Log(status);
  reactor->Finish(ToGrpcStatus(status));
}

// Serves one unary read RPC:
//   prepare(request) -> StatusOr<Params>    on the gRPC thread (validation)
//   run(Searcher&, Params&) -> StatusOr<Reply>   on a pool worker
// then serializes the reply into `out` and finishes the call.
template <typename Request, typename Prepare, typename Run>
grpc::ServerUnaryReactor* Serve(const char* method, index::SearcherPool* pool, bool inline_reads,
                                grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* in,
                                grpc::ByteBuffer* out, Prepare prepare, Run run) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  RpcTimer timer(method);
  Request request;
  if (absl::Status s = ParseMessage(*in, &request); !s.ok()) {
    Finish(reactor, timer, s);
    return reactor;
  }
  auto params = prepare(request);
  if (!params.ok()) {
    Finish(reactor, timer, params.status());
    return reactor;
  }
  auto shared = std::make_shared<std::decay_t<decltype(*params)>>(std::move(*params));
  auto job = [ctx, reactor, out, timer, shared, run](absl::StatusOr<index::Searcher*> searcher) {
    if (ctx->IsCancelled()) {
      Finish(reactor, timer, absl::CancelledError("the client cancelled the call"));
      return;
    }
    if (!searcher.ok()) {
      Finish(reactor, timer, searcher.status());
      return;
    }
    auto reply = run(**searcher, *shared);
    if (!reply.ok()) {
      Finish(reactor, timer, reply.status());
      return;
    }
    Finish(reactor, timer, SerializeMessage(*reply, out));
  };
  if (inline_reads) {
    pool->RunInline(job);
    return reactor;
  }
  absl::Status queued = pool->Submit(std::move(job));
  if (!queued.ok()) Finish(reactor, timer, queued);
  return reactor;
}

grpc::ServerUnaryReactor* Unimplemented(const char* method, const char* why,
                                        grpc::CallbackServerContext* ctx) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Finish(reactor, RpcTimer(method), absl::UnimplementedError(absl::StrCat(method, " ", why)));
  return reactor;
}

constexpr char kRelatedOff[] =
    "is turned off on this server (it was started with --norelated_stories)";

}  // namespace

StoryService::StoryService(index::SearcherPool* pool, const index::PageTokenCodec* tokens,
                           StoryServiceOptions options)
    : pool_(pool), tokens_(tokens), options_(options) {}

grpc::ServerUnaryReactor* StoryService::Search(grpc::CallbackServerContext* ctx,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, "Search", ctx)) {
    return refused;
  }
  const index::PageTokenCodec* tokens = tokens_;
  return Serve<v1::SearchRequest>(
      "Search", pool_, options_.inline_reads, ctx, request, response,
      [ctx, tokens](const v1::SearchRequest& req) {
        return ToSearchParams(req, *tokens, absl::Now(), Deadline(ctx));
      },
      [tokens](index::Searcher& searcher,
               const index::SearchParams& params) -> absl::StatusOr<v1::SearchResponse> {
        absl::StatusOr<index::SearchResults> results = searcher.Search(params);
        if (!results.ok()) return results.status();
        v1::SearchResponse reply;
        ToSearchResponse(std::move(*results), params, *tokens, absl::Now(), &reply);
        return reply;
      });
}

grpc::ServerUnaryReactor* StoryService::GetArticle(grpc::CallbackServerContext* ctx,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, "GetArticle", ctx)) {
    return refused;
  }
  return Serve<v1::GetArticleRequest>(
      "GetArticle", pool_, options_.inline_reads, ctx, request, response,
      [](const v1::GetArticleRequest& req) -> absl::StatusOr<std::string> {
        if (absl::Status s = ValidateId(req.id()); !s.ok()) return s;
        return req.id();
      },
      [](index::Searcher& searcher, const std::string& id) { return searcher.Get(id); });
}

grpc::ServerUnaryReactor* StoryService::SimilarStories(grpc::CallbackServerContext* ctx,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, "SimilarStories", ctx)) {
    return refused;
  }
  if (!options_.related_stories) return Unimplemented("SimilarStories", kRelatedOff, ctx);
  return Serve<v1::SimilarStoriesRequest>(
      "SimilarStories", pool_, options_.inline_reads, ctx, request, response,
      [ctx](const v1::SimilarStoriesRequest& req) { return ToSimilarParams(req, Deadline(ctx)); },
      [](index::Searcher& searcher,
         const index::SimilarParams& params) -> absl::StatusOr<v1::SimilarStoriesResponse> {
        absl::StatusOr<index::SimilarResults> results = searcher.Similar(params);
        if (!results.ok()) return results.status();
        v1::SimilarStoriesResponse reply;
        ToSimilarResponse(std::move(*results), &reply);
        return reply;
      });
}

grpc::ServerUnaryReactor* StoryService::Recommend(grpc::CallbackServerContext* ctx,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, "Recommend", ctx)) {
    return refused;
  }
  if (!options_.related_stories) return Unimplemented("Recommend", kRelatedOff, ctx);
  return Serve<v1::RecommendRequest>(
      "Recommend", pool_, options_.inline_reads, ctx, request, response,
      [ctx](const v1::RecommendRequest& req) {
        return ToRecommendParams(req, absl::Now(), Deadline(ctx));
      },
      [](index::Searcher& searcher,
         const index::RecommendParams& params) -> absl::StatusOr<v1::RecommendResponse> {
        absl::StatusOr<index::RecommendResults> results = searcher.Recommend(params);
        if (!results.ok()) return results.status();
        v1::RecommendResponse reply;
        ToRecommendResponse(std::move(*results), &reply);
        return reply;
      });
}

grpc::ServerUnaryReactor* StoryService::TopicClusters(grpc::CallbackServerContext* ctx,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, "TopicClusters", ctx)) {
    return refused;
  }
  return Serve<v1::TopicClustersRequest>(
      "TopicClusters", pool_, options_.inline_reads, ctx, request, response,
      [ctx](const v1::TopicClustersRequest& req) { return ToClusterParams(req, Deadline(ctx)); },
      [](index::Searcher& searcher,
         const index::ClusterParams& params) -> absl::StatusOr<v1::TopicClustersResponse> {
        absl::StatusOr<index::ClusterResults> results = searcher.Clusters(params);
        if (!results.ok()) return results.status();
        v1::TopicClustersResponse reply;
        ToClusterResponse(std::move(*results), &reply);
        return reply;
      });
}

grpc::ServerUnaryReactor* StoryService::GetIndexStats(grpc::CallbackServerContext* ctx,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, "GetIndexStats", ctx)) {
    return refused;
  }
  return Serve<v1::GetIndexStatsRequest>(
      "GetIndexStats", pool_, options_.inline_reads, ctx, request, response,
      [](const v1::GetIndexStatsRequest&) -> absl::StatusOr<bool> { return true; },
      [](index::Searcher& searcher, bool) -> absl::StatusOr<v1::IndexStats> {
        absl::StatusOr<index::IndexStatsData> stats = searcher.Stats();
        if (!stats.ok()) return stats.status();
        v1::IndexStats reply;
        ToIndexStatsProto(*stats, &reply);
        return reply;
      });
}

}  // namespace storyline::server
