#include "server/story_service.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "server/error_details.h"
#include "server/grpc_status.h"
#include "server/proto_convert.h"
#include "server/raw_codec.h"
#include "server/request_checks.h"
#include "server/story_paging.h"

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

void Finish(grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
  reactor->Finish(ToGrpcStatus(status));
}

// A retry delay for refusals that have no better estimate: a pool queue
// that is full or stopping, a semantic model still being built (the server
// looks for index changes every 2 seconds).
constexpr absl::Duration kQueueRetryDelay = absl::Seconds(1);
constexpr absl::Duration kModelRetryDelay = absl::Seconds(2);

// A pool's refusal, with its reason and retry delay.
absl::Status QueueRefusal(absl::Status status) {
  const char* reason =
      status.code() == absl::StatusCode::kUnavailable ? "SHUTTING_DOWN" : "INDEX_BUSY";
  status = WithReason(std::move(status), reason);
  SetRetryInfo(&status, kQueueRetryDelay);
  return status;
}

// A read's failure, with the reason the index could not attach: every
// NOT_FOUND of a read is an unknown article id, and TopicClusters is
// UNAVAILABLE only until the semantic model exists.
absl::Status WithReadReason(absl::Status status, const char* method) {
  if (status.code() == absl::StatusCode::kNotFound) {
    return WithReason(std::move(status), "ARTICLE_NOT_FOUND");
  }
  if (status.code() == absl::StatusCode::kUnavailable &&
      absl::string_view(method) == MethodName(RpcMethod::kTopicClusters)) {
    status = WithReason(std::move(status), "MODEL_NOT_READY");
    SetRetryInfo(&status, kModelRetryDelay);
  }
  return status;
}

// How one method's calls are served: its admission limiter, its pool and
// its response size limit.
struct Lane {
  RpcMethod method;
  index::SearcherPool* pool;
  bool inline_reads;
  Admission* admission;
  size_t max_response_bytes;
  absl::Duration test_delay;
};

Lane MakeLane(RpcMethod method, index::SearcherPool* pool, const StoryServiceOptions& options) {
  return {.method = method,
          .pool = pool,
          .inline_reads = options.inline_reads && CostOf(method) == CostClass::kCheap,
          .admission = options.admission,
          .max_response_bytes = options.max_response_bytes,
          .test_delay = options.TEST_read_delay};
}

// Runs `job` on the lane's pool (or inline) once the call has its slot,
// handing it the ticket to release as it finishes the call. A call that
// had to wait and whose client has gone (or whose deadline passed) in the
// meantime is shed without running.
template <typename Job>
void Dispatch(const Lane& lane, grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor,
              Job job, Admission::Ticket ticket) {
  if (ticket.waited() > absl::ZeroDuration()) {
    if (ctx->IsCancelled()) {
      ticket.Shed();
      Finish(reactor, absl::CancelledError("the client cancelled the call"));
      return;
    }
    if (absl::Now() >= Deadline(ctx)) {
      const int64_t waited = absl::ToInt64Milliseconds(ticket.waited());
      ticket.Shed();
      Finish(reactor, absl::DeadlineExceededError(
                          absl::StrCat("the deadline passed while the call waited ", waited,
                                       " ms for a slot; the server is busy, retry with backoff")));
      return;
    }
  }
  auto held = std::make_shared<Admission::Ticket>(std::move(ticket));
  auto run = [job = std::move(job), held](absl::StatusOr<index::Searcher*> searcher) {
    job(searcher, *held);
    held->Release();  // in case the job did not
  };
  if (lane.inline_reads) {
    lane.pool->RunInline(run);
    return;
  }
  if (absl::Status queued = lane.pool->Submit(run); !queued.ok()) {
    held->Release();
    Finish(reactor, QueueRefusal(std::move(queued)));
  }
}

// Where a read's reply goes, and what limits it.
struct ReplyTarget {
  grpc::CallbackServerContext* ctx;
  grpc::ServerUnaryReactor* reactor;
  grpc::ByteBuffer* out;
  const char* method;
  size_t max_bytes;
  absl::Duration test_delay;
};

// On the worker: runs `run` over `params` and finishes the call with its
// reply, fitted to the size limit, or with the first error.
template <typename Params, typename Run>
void RunAndFinish(const ReplyTarget& target, absl::StatusOr<index::Searcher*> searcher,
                  Admission::Ticket& ticket, const Params& params, const Run& run) {
  // The slot is free before the reply leaves, so a client that sends its
  // next call as soon as it has the reply finds it free.
  auto finish = [&target, &ticket](const absl::Status& status) {
    ticket.Release();
    Finish(target.reactor, status);
  };
  if (target.ctx->IsCancelled()) {
    finish(absl::CancelledError("the client cancelled the call"));
    return;
  }
  if (!searcher.ok()) {
    finish(searcher.status());
    return;
  }
  if (target.test_delay > absl::ZeroDuration()) absl::SleepFor(target.test_delay);
  auto reply = run(**searcher, params);
  if (!reply.ok()) {
    finish(WithReadReason(reply.status(), target.method));
    return;
  }
  if (absl::Status fits = FitResponse(target.method, target.max_bytes, &*reply); !fits.ok()) {
    finish(fits);
    return;
  }
  finish(SerializeMessage(*reply, target.out));
}

// Serves one unary read RPC:
//   prepare(request) -> StatusOr<Params>    on the gRPC thread (validation)
//   admission                                on the gRPC thread
//   run(Searcher&, Params&) -> StatusOr<Reply>   on a pool worker
// then fits the reply to the size limit, serializes it into `out` and
// finishes the call.
template <typename Request, typename Prepare, typename Run>
grpc::ServerUnaryReactor* Serve(const Lane& lane, grpc::CallbackServerContext* ctx,
                                const grpc::ByteBuffer* in, grpc::ByteBuffer* out, Prepare prepare,
                                Run run) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Request request;
  if (absl::Status s = ParseMessage(*in, &request); !s.ok()) {
    Finish(reactor, WithReason(std::move(s), "REQUEST_MALFORMED"));
    return reactor;
  }
  auto params = prepare(request);
  if (!params.ok()) {
    Finish(reactor, params.status());
    return reactor;
  }
  auto shared = std::make_shared<std::decay_t<decltype(*params)>>(std::move(*params));
  const ReplyTarget target{.ctx = ctx,
                           .reactor = reactor,
                           .out = out,
                           .method = MethodName(lane.method),
                           .max_bytes = lane.max_response_bytes,
                           .test_delay = lane.test_delay};
  auto job = [target, shared, run](absl::StatusOr<index::Searcher*> searcher,
                                   Admission::Ticket& ticket) {
    RunAndFinish(target, std::move(searcher), ticket, *shared, run);
  };
  if (lane.admission == nullptr) {
    Dispatch(lane, ctx, reactor, std::move(job), Admission::Ticket());
    return reactor;
  }
  absl::Status admitted = lane.admission->Admit(
      lane.method, [lane, ctx, reactor, job = std::move(job)](Admission::Ticket ticket) mutable {
        Dispatch(lane, ctx, reactor, std::move(job), std::move(ticket));
      });
  if (!admitted.ok()) {
    AddRetryMetadata(admitted, ctx);
    Finish(reactor, admitted);
  }
  return reactor;
}

// The reply `to_reply` fills from `results`, or their error.
template <typename Reply, typename Results, typename ToReply>
absl::StatusOr<Reply> ReplyFrom(absl::StatusOr<Results> results, ToReply to_reply) {
  if (!results.ok()) return results.status();
  Reply reply;
  to_reply(std::move(*results), &reply);
  return reply;
}

grpc::ServerUnaryReactor* Unimplemented(const char* method, const char* why,
                                        grpc::CallbackServerContext* ctx) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Finish(reactor, absl::UnimplementedError(absl::StrCat(method, " ", why)));
  return reactor;
}

constexpr char kRelatedOff[] =
    "is turned off on this server (it was started with --norelated_stories)";

}  // namespace

StoryService::StoryService(index::SearcherPool* pool, const PageTokenCodec* tokens,
                           StoryServiceOptions options)
    : pool_(pool), tokens_(tokens), options_(options) {}

grpc::ServerUnaryReactor* StoryService::Search(grpc::CallbackServerContext* ctx,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, ctx)) {
    return refused;
  }
  const PageTokenCodec* tokens = tokens_;
  return Serve<v1::SearchRequest>(
      MakeLane(RpcMethod::kSearch, pool_, options_), ctx, request, response,
      [ctx, tokens](const v1::SearchRequest& req) {
        return ToSearchCall(req, *tokens, absl::Now(), Deadline(ctx));
      },
      [tokens](index::Searcher& searcher, const SearchCall& call) {
        return ReplyFrom<v1::SearchResponse>(
            searcher.Search(call.params),
            [&](index::SearchResults results, v1::SearchResponse* reply) {
              ToSearchResponse(std::move(results), call.params, *tokens, absl::Now(), reply,
                               call.first_page_total);
            });
      });
}

grpc::ServerUnaryReactor* StoryService::GetArticle(grpc::CallbackServerContext* ctx,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, ctx)) {
    return refused;
  }
  return Serve<v1::GetArticleRequest>(
      MakeLane(RpcMethod::kGetArticle, pool_, options_), ctx, request, response,
      [](const v1::GetArticleRequest& req) -> absl::StatusOr<std::string> {
        RETURN_IF_ERROR(CheckArticleId(req.id()));
        return req.id();
      },
      [](index::Searcher& searcher, const std::string& id) { return searcher.Get(id); });
}

grpc::ServerUnaryReactor* StoryService::SimilarStories(grpc::CallbackServerContext* ctx,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, ctx)) {
    return refused;
  }
  if (!options_.related_stories) return Unimplemented("SimilarStories", kRelatedOff, ctx);
  const PageTokenCodec* tokens = tokens_;
  return Serve<v1::SimilarStoriesRequest>(
      MakeLane(RpcMethod::kSimilarStories, pool_, options_), ctx, request, response,
      [ctx, tokens](const v1::SimilarStoriesRequest& req) {
        return ToSimilarCall(req, *tokens, absl::Now(), Deadline(ctx));
      },
      [tokens](index::Searcher& searcher, const SimilarCall& call) {
        return ReplyFrom<v1::SimilarStoriesResponse>(
            searcher.Similar(call.params),
            [&](index::SimilarResults results, v1::SimilarStoriesResponse* reply) {
              ToSimilarPage(std::move(results), call, *tokens, absl::Now(), reply);
            });
      });
}

grpc::ServerUnaryReactor* StoryService::Recommend(grpc::CallbackServerContext* ctx,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, ctx)) {
    return refused;
  }
  if (!options_.related_stories) return Unimplemented("Recommend", kRelatedOff, ctx);
  const PageTokenCodec* tokens = tokens_;
  return Serve<v1::RecommendRequest>(
      MakeLane(RpcMethod::kRecommend, pool_, options_), ctx, request, response,
      [ctx, tokens](const v1::RecommendRequest& req) {
        return ToRecommendCall(req, *tokens, absl::Now(), Deadline(ctx));
      },
      [tokens](index::Searcher& searcher, const RecommendCall& call) {
        return ReplyFrom<v1::RecommendResponse>(
            searcher.Recommend(call.params),
            [&](index::RecommendResults results, v1::RecommendResponse* reply) {
              ToRecommendPage(std::move(results), call, *tokens, absl::Now(), reply);
            });
      });
}

grpc::ServerUnaryReactor* StoryService::TopicClusters(grpc::CallbackServerContext* ctx,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, ctx)) {
    return refused;
  }
  return Serve<v1::TopicClustersRequest>(
      MakeLane(RpcMethod::kTopicClusters, pool_, options_), ctx, request, response,
      [ctx](const v1::TopicClustersRequest& req) { return ToClusterParams(req, Deadline(ctx)); },
      [](index::Searcher& searcher, const index::ClusterParams& params) {
        return ReplyFrom<v1::TopicClustersResponse>(searcher.Clusters(params), ToClusterResponse);
      });
}

grpc::ServerUnaryReactor* StoryService::GetIndexStats(grpc::CallbackServerContext* ctx,
                                                      const grpc::ByteBuffer* request,
                                                      grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(options_.auth, Role::kRead, ctx)) {
    return refused;
  }
  return Serve<v1::GetIndexStatsRequest>(
      MakeLane(RpcMethod::kGetIndexStats, pool_, options_), ctx, request, response,
      [](const v1::GetIndexStatsRequest&) -> absl::StatusOr<bool> { return true; },
      [replica = options_.replica](index::Searcher& searcher, bool) {
        return ReplyFrom<v1::IndexStats>(
            searcher.Stats(), [replica](const index::IndexStatsData& stats, v1::IndexStats* out) {
              ToIndexStatsProto(stats, out);
              if (replica != nullptr) {
                ToReplicaStatusProto(replica->state(), absl::Now(), out->mutable_replica());
              }
            });
      });
}

}  // namespace storyline::server
