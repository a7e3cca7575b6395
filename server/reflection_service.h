// gRPC server reflection, grpc.reflection.v1 and grpc.reflection.v1alpha,
// served from the API's descriptor set embedded at build time with its
// comments (protoc --include_source_info --include_imports; see
// proto/CMakeLists.txt). gRPC 1.51's own plugin serves only v1alpha, and
// only from the generated pool, which keeps no comments; grpcurl asks for
// v1 first and shows the comments in `describe`.
//
// Each request on the ServerReflectionInfo stream gets one response:
// list_services, file_by_filename, file_containing_symbol (a file comes
// with every file it imports, transitively), file_containing_extension,
// all_extension_numbers_of_type; an unknown name gets an error_response
// with NOT_FOUND, an empty request one with INVALID_ARGUMENT.
//
// Thread-safety: immutable after construction; streams run on gRPC's
// threads, each on its own reactor.
#ifndef STORYLINE_SERVER_REFLECTION_SERVICE_H_
#define STORYLINE_SERVER_REFLECTION_SERVICE_H_

#include <google/protobuf/descriptor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace storyline::server {

// The descriptor set's files and symbols, and the answer to one request.
class ReflectionIndex {
 public:
  // Parses a serialized FileDescriptorSet whose files come in dependency
  // order. kInvalidArgument if it does not parse or build.
  static absl::StatusOr<std::unique_ptr<ReflectionIndex>> Create(const std::string& set);
  // The set embedded in this binary.
  static absl::StatusOr<std::unique_ptr<ReflectionIndex>> Embedded();

  // The response to `request` (v1 messages; v1alpha's are the same on the
  // wire).
  grpc::reflection::v1::ServerReflectionResponse Answer(
      const grpc::reflection::v1::ServerReflectionRequest& request) const;

  // Fully qualified names of the services in the set.
  const std::vector<std::string>& services() const { return services_; }

 private:
  ReflectionIndex() = default;
  // Adds `file` and, first, what it imports to `out` (each file once).
  void AddFileWithImports(const google::protobuf::FileDescriptor* file,
                          std::vector<std::string>* seen,
                          grpc::reflection::v1::FileDescriptorResponse* out) const;

  void AnswerExtension(const grpc::reflection::v1::ExtensionRequest& ext,
                       grpc::reflection::v1::ServerReflectionResponse* response) const;
  void AnswerExtensionNumbers(const std::string& type_name,
                              grpc::reflection::v1::ServerReflectionResponse* response) const;

  google::protobuf::DescriptorPool pool_;
  std::map<std::string, std::string> serialized_;  // file name -> FileDescriptorProto bytes
  std::vector<std::string> services_;
};

// grpc.reflection.v1.ServerReflection.
class ReflectionServiceV1 final : public grpc::reflection::v1::ServerReflection::CallbackService {
 public:
  // `index` is not owned and must outlive the server.
  explicit ReflectionServiceV1(const ReflectionIndex* index) : index_(index) {}
  grpc::ServerBidiReactor<grpc::reflection::v1::ServerReflectionRequest,
                          grpc::reflection::v1::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* ctx) override;

 private:
  const ReflectionIndex* index_;
};

// grpc.reflection.v1alpha.ServerReflection, answered as v1.
class ReflectionServiceV1Alpha final
    : public grpc::reflection::v1alpha::ServerReflection::CallbackService {
 public:
  // `index` is not owned and must outlive the server.
  explicit ReflectionServiceV1Alpha(const ReflectionIndex* index) : index_(index) {}
  grpc::ServerBidiReactor<grpc::reflection::v1alpha::ServerReflectionRequest,
                          grpc::reflection::v1alpha::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* ctx) override;

 private:
  const ReflectionIndex* index_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_REFLECTION_SERVICE_H_
