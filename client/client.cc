#include "storyline/client.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/article_jsonl.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storyline/channel.h"

namespace storyline {

namespace {

constexpr char kRetryPayload[] = "type.storyline.dev/retry-after-ms";

// FromGrpcStatus, plus the server's suggested retry delay (the trailing
// metadata `retry-after-ms`) as a payload for RetryDelay().
absl::Status FromCall(const grpc::ClientContext& ctx, const grpc::Status& status) {
  absl::Status out = FromGrpcStatus(status);
  const auto& trailing = ctx.GetServerTrailingMetadata();
  if (auto it = trailing.find("retry-after-ms"); !out.ok() && it != trailing.end()) {
    out.SetPayload(kRetryPayload,
                   absl::Cord(absl::string_view(it->second.data(), it->second.size())));
  }
  return out;
}

bool SetsMaxReceiveSize(const grpc::ChannelArguments& args) {
  const grpc_channel_args c_args = args.c_channel_args();
  for (size_t i = 0; i < c_args.num_args; ++i) {
    if (absl::string_view(c_args.args[i].key) == GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH) return true;
  }
  return false;
}

}  // namespace

std::optional<absl::Duration> RetryDelay(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryPayload);  // absl::optional
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms) || ms < 0) {
    return GetErrorDetails(status).retry_delay;
  }
  return absl::Milliseconds(ms);
}

Client::Client(Options options) : options_(std::move(options)) {
  if (!options_.token.empty()) authorization_ = absl::StrCat("Bearer ", options_.token);
  std::shared_ptr<grpc::ChannelCredentials> creds =
      options_.credentials ? options_.credentials : grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args = options_.channel_args;
  if (!SetsMaxReceiveSize(args)) args.SetMaxReceiveMessageSize(kDefaultMaxReceiveBytes);
  // A malformed list is dialled as given, and its calls fail UNAVAILABLE;
  // callers that take addresses from users check PlanChannel first.
  absl::StatusOr<ChannelPlan> plan = PlanChannel(options_.target);
  if (!plan.ok()) plan = ChannelPlan{options_.target, ""};
  if (!plan->service_config.empty()) args.SetServiceConfigJSON(plan->service_config);
  channel_ = grpc::CreateCustomChannel(plan->target, creds, args);
  story_ = v1::StoryService::NewStub(channel_);
  ingest_ = v1::IngestService::NewStub(channel_);
}

void Client::PrepareContext(grpc::ClientContext* ctx, const CallOptions& call,
                            absl::Duration fallback) const {
  const absl::Duration d = call.deadline.value_or(fallback);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + d));
  if (!authorization_.empty()) ctx->AddMetadata("authorization", authorization_);
}

// Every unary RPC: a fresh context with the call's deadline and token, the
// call itself (`rpc(&ctx, &response)`), and the status mapped with
// FromCall.
template <typename Response, typename Rpc>
absl::StatusOr<Response> Client::CallUnary(const CallOptions& call, Rpc&& rpc) const {
  grpc::ClientContext ctx;
  PrepareContext(&ctx, call, options_.default_deadline);
  Response response;
  grpc::Status s = rpc(&ctx, &response);
  if (!s.ok()) return FromCall(ctx, s);
  return response;
}

absl::StatusOr<v1::SearchResponse> Client::Search(const v1::SearchRequest& request,
                                                  const CallOptions& call) {
  return CallUnary<v1::SearchResponse>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return story_->Search(ctx, request, response);
  });
}

absl::StatusOr<v1::Article> Client::GetArticle(absl::string_view id, const CallOptions& call) {
  v1::GetArticleRequest request;
  request.set_id(std::string(id));
  return CallUnary<v1::Article>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return story_->GetArticle(ctx, request, response);
  });
}

absl::StatusOr<v1::SimilarStoriesResponse> Client::SimilarStories(
    const v1::SimilarStoriesRequest& request, const CallOptions& call) {
  return CallUnary<v1::SimilarStoriesResponse>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return story_->SimilarStories(ctx, request, response);
  });
}

absl::StatusOr<v1::RecommendResponse> Client::Recommend(const v1::RecommendRequest& request,
                                                        const CallOptions& call) {
  return CallUnary<v1::RecommendResponse>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return story_->Recommend(ctx, request, response);
  });
}

absl::StatusOr<v1::TopicClustersResponse> Client::TopicClusters(
    const v1::TopicClustersRequest& request, const CallOptions& call) {
  return CallUnary<v1::TopicClustersResponse>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return story_->TopicClusters(ctx, request, response);
  });
}

absl::StatusOr<v1::IndexStats> Client::GetIndexStats(const CallOptions& call) {
  return CallUnary<v1::IndexStats>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return story_->GetIndexStats(ctx, v1::GetIndexStatsRequest(), response);
  });
}

absl::StatusOr<v1::IndexArticlesResponse> Client::IndexArticles(const ArticleSource& next,
                                                                const CallOptions& call) {
  grpc::ClientContext ctx;
  PrepareContext(&ctx, call, options_.ingest_deadline);
  v1::IndexArticlesResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::Article>> writer = ingest_->IndexArticles(&ctx, &response);
  v1::Article article;
  while (true) {
    article.Clear();
    if (!next(&article)) break;
    // Write() fails only when the stream is broken; Finish() says why.
    if (!writer->Write(article)) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) return FromCall(ctx, s);
  return response;
}

absl::StatusOr<v1::IngestProgress> Client::IngestArticles(const ArticleSource& next,
                                                          const ProgressCallback& on_progress,
                                                          const CallOptions& call) {
  grpc::ClientContext ctx;
  PrepareContext(&ctx, call, options_.ingest_deadline);
  std::shared_ptr<grpc::ClientReaderWriter<v1::Article, v1::IngestProgress>> stream =
      ingest_->IngestArticles(&ctx);
  v1::IngestProgress total;  // the last message, with every message's errors
  std::thread acks([&] {
    v1::IngestProgress progress;
    while (stream->Read(&progress)) {
      if (on_progress) on_progress(progress);
      auto errors = std::move(*total.mutable_errors());
      total = progress;
      errors.MergeFrom(progress.errors());
      *total.mutable_errors() = std::move(errors);
    }
  });
  v1::Article article;
  while (true) {
    article.Clear();
    if (!next(&article)) break;
    if (!stream->Write(article)) break;  // broken; Finish() says why
  }
  stream->WritesDone();
  acks.join();
  grpc::Status s = stream->Finish();
  if (!s.ok()) return FromCall(ctx, s);
  if (!total.done()) {
    return absl::DataLossError("the server ended the stream without a final acknowledgement");
  }
  return total;
}

absl::StatusOr<v1::DeleteArticlesResponse> Client::DeleteArticles(
    const v1::DeleteArticlesRequest& request, const CallOptions& call) {
  return CallUnary<v1::DeleteArticlesResponse>(call, [&](grpc::ClientContext* ctx, auto* response) {
    return ingest_->DeleteArticles(ctx, request, response);
  });
}

absl::Status Client::CheckHealth(absl::string_view service, const CallOptions& call) {
  using grpc::health::v1::HealthCheckResponse;
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(std::string(service));
  absl::StatusOr<HealthCheckResponse> response = CallUnary<HealthCheckResponse>(
      call, [&](grpc::ClientContext* ctx, auto* out) { return stub->Check(ctx, request, out); });
  if (!response.ok()) return response.status();
  if (response->status() != HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        absl::StrCat("server reports ", HealthCheckResponse::ServingStatus_Name(response->status()),
                     service.empty() ? std::string() : absl::StrCat(" for ", service)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Article> ParseArticleJson(absl::string_view line) {
  absl::StatusOr<v1::Article> article = common::ParseArticleJson(line);
  if (!article.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a valid Article JSON object: ", article.status().message()));
  }
  return article;
}

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = pretty;
  opts.preserve_proto_field_names = true;
  // Printing a valid in-memory message cannot fail; an empty string is the
  // worst case.
  (void)google::protobuf::util::MessageToJsonString(message, &out, opts);
  return out;
}

}  // namespace storyline
