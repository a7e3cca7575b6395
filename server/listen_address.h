// Whether a --listen address is reachable only from this machine.
//
// Thread-safety: a pure function.
#ifndef STORYLINE_SERVER_LISTEN_ADDRESS_H_
#define STORYLINE_SERVER_LISTEN_ADDRESS_H_

#include "absl/strings/string_view.h"

namespace storyline::server {

// True for addresses only local processes can reach: `localhost:PORT`,
// `127.x.x.x:PORT`, `[::1]:PORT` (and `::ffff:127.x.x.x`), `unix:PATH` and
// `unix-abstract:NAME`. Everything else is public: `0.0.0.0`, `[::]`, an
// empty host (`:PORT`), other addresses and host names, and forms this
// function does not know.
bool IsLoopbackAddress(absl::string_view listen);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_LISTEN_ADDRESS_H_
