// StoryService: the read-side RPCs. Each handler checks the caller's token
// (when StoryServiceOptions::auth is set), parses and validates its
// request on the gRPC callback thread, asks admission control for a slot,
// queues the work on a SearcherPool (each worker owns its own
// Xapian::Database), and the worker serializes the reply (trimmed to the
// response size limit), calls Finish and frees the slot. The handler never
// blocks a gRPC thread.
//
// Thread-safety: the service is shared by all gRPC threads; it holds only
// pointers to thread-safe objects.
#ifndef STORYLINE_SERVER_STORY_SERVICE_H_
#define STORYLINE_SERVER_STORY_SERVICE_H_

#include "absl/time/time.h"
#include "index/searcher_pool.h"
#include "server/admission.h"
#include "server/auth.h"
#include "server/page_token.h"
#include "server/replica_sync.h"
#include "server/response_cap.h"
#include "storyline/v1/story_service.grpc.pb.h"

namespace storyline::server {

using RawStoryService = v1::StoryService::WithRawCallbackMethod_Search<
    v1::StoryService::WithRawCallbackMethod_GetArticle<
        v1::StoryService::WithRawCallbackMethod_SimilarStories<
            v1::StoryService::WithRawCallbackMethod_Recommend<
                v1::StoryService::WithRawCallbackMethod_TopicClusters<
                    v1::StoryService::WithRawCallbackMethod_GetIndexStats<
                        v1::StoryService::Service>>>>>>;

struct StoryServiceOptions {
  // Serve SimilarStories and Recommend; when off they answer
  // UNIMPLEMENTED (--norelated_stories).
  bool related_stories = true;
  // Run the cheap reads (Search, GetArticle, GetIndexStats) on the gRPC
  // callback thread instead of handing them to the search pool: no thread
  // hop, and admission control still bounds how many run at once. The
  // medium and expensive reads always go to the pool, so a long
  // TopicClusters never holds a gRPC thread. bench/README.md, "Search at
  // the engine's limit".
  bool inline_reads = true;
  // Checks every call's bearer token before anything else (not owned; must
  // outlive the server). Null, the default: no checks.
  const Authenticator* auth = nullptr;
  // Admission control: each method's calls are admitted (or refused with
  // RESOURCE_EXHAUSTED and a retry delay) on the gRPC thread before any work
  // is queued, and hold their slot until they finish. Not owned; must
  // outlive the server. Null, the default: every call is queued.
  Admission* admission = nullptr;
  // Largest serialized reply (see server/response_cap.h); 0 = no limit.
  size_t max_response_bytes = kDefaultMaxResponseBytes;
  // On a read replica: GetIndexStats reports its sync state (not owned;
  // must outlive the server). Null, the default: a writer, no replica field.
  const ReplicaSync* replica = nullptr;
  // Test only: each read sleeps this long on its worker, after admission
  // and before the index work, so tests can make a call outlast its
  // deadline on the server (--TEST_read_delay_ms). Zero, the default: none.
  absl::Duration TEST_read_delay = absl::ZeroDuration();
};

class StoryService final : public RawStoryService {
 public:
  // Neither pointer is owned; both must outlive the server.
  StoryService(index::SearcherPool* pool, const PageTokenCodec* tokens,
               StoryServiceOptions options = {});

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* ctx,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* ctx,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SimilarStories(grpc::CallbackServerContext* ctx,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* ctx,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* TopicClusters(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetIndexStats(grpc::CallbackServerContext* ctx,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

 private:
  index::SearcherPool* pool_;
  const PageTokenCodec* tokens_;
  const StoryServiceOptions options_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_STORY_SERVICE_H_
