// --synonyms FILE: loads the synonym file into the SynonymSet the searchers
// read, at start-up and again on each SIGHUP.
//
// Thread-safety: call from one thread (the main thread: start-up, then
// the signal loop). The SynonymSet it fills is read by every searcher.
#ifndef STORYLINE_SERVER_SYNONYM_RELOAD_H_
#define STORYLINE_SERVER_SYNONYM_RELOAD_H_

#include <string>

#include "absl/status/status.h"
#include "index/synonyms.h"

namespace storyline::server {

class SynonymReloader {
 public:
  // `path` may be empty (no synonyms); `synonyms` must outlive this.
  SynonymReloader(std::string path, index::SynonymSet* synonyms)
      : path_(std::move(path)), synonyms_(synonyms) {}

  // Start-up: loads the file. A file that cannot be read or parsed is an
  // error (kNotFound / kInvalidArgument naming the line) and the server
  // does not start. Nothing to do without a path.
  absl::Status Load();

  // SIGHUP: reads the file again. On success the new groups serve the next
  // searches and the count is logged at info; on failure the error is
  // logged and the groups loaded before stay. Returns what it logged.
  absl::Status Reload();

 private:
  absl::Status ReadAndReplace();

  const std::string path_;
  index::SynonymSet* const synonyms_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_SYNONYM_RELOAD_H_
