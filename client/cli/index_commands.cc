#include "client/cli/index_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli/ingest.h"
#include "client/cli/printers.h"
#include "client/cli/validators.h"

namespace storyline::cli {
namespace {

int RunDelete(Client& client, const GlobalFlags& global, const std::vector<std::string>& ids) {
  v1::DeleteArticlesRequest request;
  for (const std::string& id : ids) request.add_ids(id);
  absl::StatusOr<v1::DeleteArticlesResponse> response =
      TimedCall(global, "delete", [&] { return client.DeleteArticles(request); });
  return PrintResponse(global, response, PrintDeleted);
}

int RunStats(Client& client, const GlobalFlags& global) {
  absl::StatusOr<v1::IndexStats> response =
      TimedCall(global, "stats", [&] { return client.GetIndexStats(); });
  return PrintResponse(global, response, PrintStats);
}

int RunHealth(Client& client, const GlobalFlags& global, const std::string& service) {
  const absl::Status status =
      TimedCall(global, "health", [&] { return client.CheckHealth(service); });
  if (!status.ok()) return ReportRpcError(status);
  std::cout << (global.json ? "{\"status\":\"SERVING\"}" : "SERVING") << '\n';
  return kExitOk;
}

}  // namespace

Command AddIngestCommand(CLI::App& app) {
  auto flags = std::make_shared<IngestFlags>();
  CLI::App* cmd =
      app.add_subcommand("ingest", "Index a JSONL file of articles (one JSON Article per line)");
  cmd->add_option("file", flags->path, "JSONL file, or - for stdin")->required();
  CLI::Option* progress =
      cmd->add_flag("--progress", flags->progress, "Show progress even if not a terminal");
  cmd->add_flag("--no-progress", flags->no_progress, "Never show progress")->excludes(progress);
  cmd->add_flag("--resume", flags->resume,
                "Skip the lines an interrupted run got committed (its checkpoint file)");
  cmd->add_option("--checkpoint", flags->checkpoint,
                  "Checkpoint file (default: FILE's name + .ingest-checkpoint, here)");
  cmd->add_flag("--ignore_unknown_fields,--ignore-unknown-fields", flags->ignore_unknown_fields,
                "Skip JSON fields that Article lacks (default: such a line is rejected)");
  return {.app = cmd, .check = nullptr, .run = [flags](Client& client, const GlobalFlags& global) {
            return RunIngest(client, global, *flags);
          }};
}

Command AddDeleteCommand(CLI::App& app) {
  auto ids = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("delete", "Delete articles by id");
  cmd->add_option("ids", *ids, "Article ids")->required()->check(Utf8Validator());
  return {.app = cmd, .check = nullptr, .run = [ids](Client& client, const GlobalFlags& global) {
            return RunDelete(client, global, *ids);
          }};
}

Command AddStatsCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("stats", "Print index size and freshness");
  return {.app = cmd, .check = nullptr, .run = RunStats};
}

Command AddHealthCommand(CLI::App& app) {
  auto service = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("health", "Check that the server is SERVING");
  cmd->add_option("service", *service, "Service name (default: the whole server)")
      ->check(Utf8Validator());
  return {
      .app = cmd, .check = nullptr, .run = [service](Client& client, const GlobalFlags& global) {
        return RunHealth(client, global, *service);
      }};
}

}  // namespace storyline::cli
