#include "index/lsa_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <span>
#include <utility>

#include "absl/strings/str_cat.h"
#include "index/lsa_image.h"

namespace storyline::index {
namespace {

absl::Status ErrnoError(const std::string& what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Writes all of `bytes` to `fd`.
bool WriteAll(int fd, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return true;
}

absl::Status SyncDirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : ErrnoError("cannot sync directory", dir);
}

// A read-only mapping, unmapped when the last model using it goes.
struct Mapping {
  Mapping(void* d, size_t n) : data(d), size(n) {}
  ~Mapping() { ::munmap(data, size); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  void* data;
  size_t size;
};

absl::StatusOr<std::shared_ptr<Mapping>> MapFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no semantic model at ", path));
    return ErrnoError("cannot open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return ErrnoError("cannot stat", path);
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* data = size == 0 ? MAP_FAILED : ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  if (size == 0)
    return absl::DataLossError(absl::StrCat("semantic model file ", path, " is empty"));
  if (data == MAP_FAILED) {
    errno = map_errno;
    return ErrnoError("cannot map", path);
  }
  return std::make_shared<Mapping>(data, size);
}

}  // namespace

absl::Status SaveLsaModel(const LsaModel& model, const std::string& path) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", tmp);
  const bool written = WriteAll(fd, model.image().bytes()) && ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    errno = write_errno;
    return ErrnoError("cannot write", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = ErrnoError("cannot rename to", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDirectoryOf(path);
}

absl::StatusOr<std::shared_ptr<const LsaModel>> LoadLsaModel(const std::string& path) {
  absl::StatusOr<std::shared_ptr<Mapping>> mapping = MapFile(path);
  if (!mapping.ok()) return mapping.status();
  const std::span<const std::byte> bytes(static_cast<const std::byte*>((*mapping)->data),
                                         (*mapping)->size);
  absl::StatusOr<std::unique_ptr<LsaImage>> image = LsaImage::Adopt(*std::move(mapping), bytes);
  if (!image.ok()) {
    return absl::Status(image.status().code(), absl::StrCat(path, ": ", image.status().message()));
  }
  return LsaModel::FromImage(*std::move(image));
}

}  // namespace storyline::index
