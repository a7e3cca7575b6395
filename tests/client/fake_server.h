// An in-process fake Storyline server for client tests: StoryService,
// IngestService's DeleteArticles and grpc.health.v1.Health, each answering
// what a Script says (a status and an optional retry-after-ms trailer) and
// recording the authorization metadata it saw. No index, no forked server.
#ifndef STORYLINE_TESTS_CLIENT_FAKE_SERVER_H_
#define STORYLINE_TESTS_CLIENT_FAKE_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storyline/v1/story_service.grpc.pb.h"

namespace storyline::testing {

// What every fake handler answers, and what it saw.
class Script {
 public:
  // Every method answers `status`, with the trailer retry-after-ms unless
  // it is empty; clears AnswerFor's overrides.
  void Answer(grpc::Status status, std::string retry_after_ms = "") {
    absl::MutexLock lock(&mu_);
    status_ = std::move(status);
    retry_after_ms_ = std::move(retry_after_ms);
    by_method_.clear();
  }
  // `method` (e.g. "GetIndexStats") answers `status` instead.
  void AnswerFor(const std::string& method, grpc::Status status) {
    absl::MutexLock lock(&mu_);
    by_method_[method] = std::move(status);
  }
  // Called by each handler with its method's name.
  grpc::Status Handle(grpc::ServerContext* ctx, const std::string& method) {
    absl::MutexLock lock(&mu_);
    auto auth = ctx->client_metadata().find("authorization");
    authorization_ = auth == ctx->client_metadata().end()
                         ? std::string()
                         : std::string(auth->second.data(), auth->second.size());
    if (!retry_after_ms_.empty()) ctx->AddTrailingMetadata("retry-after-ms", retry_after_ms_);
    auto it = by_method_.find(method);
    return it == by_method_.end() ? status_ : it->second;
  }
  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }

 private:
  absl::Mutex mu_;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  std::string retry_after_ms_ ABSL_GUARDED_BY(mu_);
  std::string authorization_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, grpc::Status> by_method_ ABSL_GUARDED_BY(mu_);
};

class FakeStoryService final : public v1::StoryService::Service {
 public:
  explicit FakeStoryService(Script* script) : script_(script) {}
  grpc::Status Search(grpc::ServerContext* ctx, const v1::SearchRequest* request,
                      v1::SearchResponse* response) override {
    response->set_corrected_query(request->query());  // echoes, to show the reply arrives
    return script_->Handle(ctx, "Search");
  }
  grpc::Status GetArticle(grpc::ServerContext* ctx, const v1::GetArticleRequest* request,
                          v1::Article* response) override {
    response->set_id(request->id());
    return script_->Handle(ctx, "GetArticle");
  }
  grpc::Status SimilarStories(grpc::ServerContext* ctx, const v1::SimilarStoriesRequest*,
                              v1::SimilarStoriesResponse*) override {
    return script_->Handle(ctx, "SimilarStories");
  }
  grpc::Status Recommend(grpc::ServerContext* ctx, const v1::RecommendRequest*,
                         v1::RecommendResponse*) override {
    return script_->Handle(ctx, "Recommend");
  }
  grpc::Status TopicClusters(grpc::ServerContext* ctx, const v1::TopicClustersRequest*,
                             v1::TopicClustersResponse*) override {
    return script_->Handle(ctx, "TopicClusters");
  }
  grpc::Status GetIndexStats(grpc::ServerContext* ctx, const v1::GetIndexStatsRequest*,
                             v1::IndexStats* response) override {
    response->set_article_count(42);
    return script_->Handle(ctx, "GetIndexStats");
  }

 private:
  Script* script_;
};

class FakeIngestService final : public v1::IngestService::Service {
 public:
  explicit FakeIngestService(Script* script) : script_(script) {}
  grpc::Status DeleteArticles(grpc::ServerContext* ctx, const v1::DeleteArticlesRequest*,
                              v1::DeleteArticlesResponse*) override {
    return script_->Handle(ctx, "DeleteArticles");
  }
  // Reads the whole stream, then answers what the script says.
  grpc::Status IngestArticles(
      grpc::ServerContext* ctx,
      grpc::ServerReaderWriter<v1::IngestProgress, v1::Article>* stream) override {
    v1::Article article;
    while (stream->Read(&article)) {
    }
    return script_->Handle(ctx, "IngestArticles");
  }

 private:
  Script* script_;
};

// SERVING, except NOT_SERVING for the service "down".
class FakeHealthService final : public grpc::health::v1::Health::Service {
 public:
  explicit FakeHealthService(Script* script) : script_(script) {}
  grpc::Status Check(grpc::ServerContext* ctx, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(request->service() == "down"
                             ? grpc::health::v1::HealthCheckResponse::NOT_SERVING
                             : grpc::health::v1::HealthCheckResponse::SERVING);
    return script_->Handle(ctx, "Check");
  }

 private:
  Script* script_;
};

// The fakes served on a free loopback port. Check ok() after construction.
class FakeServer {
 public:
  // With `separate_health`, Health answers health_script() (OK unless told
  // otherwise) instead of script(), so a test can fail the other services
  // while the server stays healthy.
  explicit FakeServer(bool separate_health = false)
      : health_(separate_health ? &health_script_ : &script_) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&story_);
    builder.RegisterService(&ingest_);
    builder.RegisterService(&health_);
    server_ = builder.BuildAndStart();
    target_ = absl::StrCat("127.0.0.1:", port);
  }
  ~FakeServer() { Shutdown(); }

  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  bool ok() const { return server_ != nullptr; }
  const std::string& target() const { return target_; }
  Script& script() { return script_; }
  Script& health_script() { return health_script_; }

  // Stops serving; later calls find nothing listening.
  void Shutdown() {
    if (server_ == nullptr) return;
    server_->Shutdown();
    server_.reset();
  }

 private:
  Script script_;
  Script health_script_;
  FakeStoryService story_{&script_};
  FakeIngestService ingest_{&script_};
  FakeHealthService health_;
  std::unique_ptr<grpc::Server> server_;
  std::string target_;
};

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_CLIENT_FAKE_SERVER_H_
