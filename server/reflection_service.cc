#include "server/reflection_service.h"

#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"

// Defined by the file proto/CMakeLists.txt generates from the descriptor
// set (cmake/EmbedFile.cmake).
extern const unsigned char kStorylineApiDescriptorSet[];
extern const unsigned long kStorylineApiDescriptorSetSize;

namespace storyline::server {
namespace {

namespace v1 = grpc::reflection::v1;
namespace v1alpha = grpc::reflection::v1alpha;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

void SetError(v1::ServerReflectionResponse* response, grpc::StatusCode code, std::string message) {
  response->mutable_error_response()->set_error_code(code);
  response->mutable_error_response()->set_error_message(std::move(message));
}

// Reads requests and writes one response to each, in order, until the
// client half-closes. `Convert` turns the stream's messages into v1 ones
// and back (identity for v1; through the wire format for v1alpha).
template <typename Request, typename Response>
class ReflectionReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit ReflectionReactor(const ReflectionIndex* index) : index_(index) {
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status::OK);
      return;
    }
    v1::ServerReflectionRequest request;
    if constexpr (std::is_same_v<Request, v1::ServerReflectionRequest>) {
      request = request_;
    } else {
      request.ParseFromString(request_.SerializeAsString());
    }
    const v1::ServerReflectionResponse answer = index_->Answer(request);
    if constexpr (std::is_same_v<Response, v1::ServerReflectionResponse>) {
      response_ = answer;
    } else {
      response_.ParseFromString(answer.SerializeAsString());
    }
    this->StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::UNKNOWN, "the reflection reply was not sent"));
      return;
    }
    this->StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  const ReflectionIndex* index_;
  Request request_;
  Response response_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReflectionIndex>> ReflectionIndex::Create(const std::string& set) {
  google::protobuf::FileDescriptorSet files;
  if (!files.ParseFromString(set)) {
    return absl::InvalidArgumentError("the API descriptor set does not parse");
  }
  std::unique_ptr<ReflectionIndex> index(new ReflectionIndex());
  for (const google::protobuf::FileDescriptorProto& file : files.file()) {
    const FileDescriptor* built = index->pool_.BuildFile(file);
    if (built == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("the API descriptor set's ", file.name(), " does not build"));
    }
    index->serialized_[file.name()] = file.SerializeAsString();
    for (int i = 0; i < built->service_count(); ++i) {
      index->services_.push_back(built->service(i)->full_name());
    }
  }
  return index;
}

absl::StatusOr<std::unique_ptr<ReflectionIndex>> ReflectionIndex::Embedded() {
  return Create(std::string(reinterpret_cast<const char*>(kStorylineApiDescriptorSet),
                            kStorylineApiDescriptorSetSize));
}

void ReflectionIndex::AddFileWithImports(const FileDescriptor* file, std::vector<std::string>* seen,
                                         v1::FileDescriptorResponse* out) const {
  if (std::find(seen->begin(), seen->end(), file->name()) != seen->end()) return;
  seen->push_back(file->name());
  // The asked-for file first, as gRPC's own reflection answers.
  out->add_file_descriptor_proto(serialized_.at(file->name()));
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFileWithImports(file->dependency(i), seen, out);
  }
}

void ReflectionIndex::AnswerExtension(const v1::ExtensionRequest& ext,
                                      v1::ServerReflectionResponse* response) const {
  const Descriptor* type = pool_.FindMessageTypeByName(ext.containing_type());
  const FieldDescriptor* field =
      type ? pool_.FindExtensionByNumber(type, ext.extension_number()) : nullptr;
  if (field == nullptr) {
    SetError(response, grpc::StatusCode::NOT_FOUND,
             absl::StrCat("no extension ", ext.extension_number(), " of ", ext.containing_type()));
    return;
  }
  std::vector<std::string> seen;
  AddFileWithImports(field->file(), &seen, response->mutable_file_descriptor_response());
}

void ReflectionIndex::AnswerExtensionNumbers(const std::string& type_name,
                                             v1::ServerReflectionResponse* response) const {
  const Descriptor* type = pool_.FindMessageTypeByName(type_name);
  if (type == nullptr) {
    SetError(response, grpc::StatusCode::NOT_FOUND,
             absl::StrCat("no message type named ", type_name));
    return;
  }
  auto* out = response->mutable_all_extension_numbers_response();
  out->set_base_type_name(type->full_name());
  std::vector<const FieldDescriptor*> extensions;
  pool_.FindAllExtensions(type, &extensions);
  for (const FieldDescriptor* e : extensions) out->add_extension_number(e->number());
}

v1::ServerReflectionResponse ReflectionIndex::Answer(
    const v1::ServerReflectionRequest& request) const {
  v1::ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  std::vector<std::string> seen;
  switch (request.message_request_case()) {
    case v1::ServerReflectionRequest::kListServices:
      for (const std::string& name : services_) {
        response.mutable_list_services_response()->add_service()->set_name(name);
      }
      break;
    case v1::ServerReflectionRequest::kFileByFilename:
      if (const FileDescriptor* f = pool_.FindFileByName(request.file_by_filename())) {
        AddFileWithImports(f, &seen, response.mutable_file_descriptor_response());
      } else {
        SetError(&response, grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("no file named ", request.file_by_filename()));
      }
      break;
    case v1::ServerReflectionRequest::kFileContainingSymbol:
      if (const FileDescriptor* f =
              pool_.FindFileContainingSymbol(request.file_containing_symbol())) {
        AddFileWithImports(f, &seen, response.mutable_file_descriptor_response());
      } else {
        SetError(&response, grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("no symbol named ", request.file_containing_symbol()));
      }
      break;
    case v1::ServerReflectionRequest::kFileContainingExtension:
      AnswerExtension(request.file_containing_extension(), &response);
      break;
    case v1::ServerReflectionRequest::kAllExtensionNumbersOfType:
      AnswerExtensionNumbers(request.all_extension_numbers_of_type(), &response);
      break;
    default:
      SetError(&response, grpc::StatusCode::INVALID_ARGUMENT,
               "the request names nothing to look up; set one of list_services, "
               "file_by_filename, file_containing_symbol, file_containing_extension or "
               "all_extension_numbers_of_type");
  }
  return response;
}

grpc::ServerBidiReactor<v1::ServerReflectionRequest, v1::ServerReflectionResponse>*
ReflectionServiceV1::ServerReflectionInfo(grpc::CallbackServerContext*) {
  return new ReflectionReactor<v1::ServerReflectionRequest, v1::ServerReflectionResponse>(index_);
}

grpc::ServerBidiReactor<v1alpha::ServerReflectionRequest, v1alpha::ServerReflectionResponse>*
ReflectionServiceV1Alpha::ServerReflectionInfo(grpc::CallbackServerContext*) {
  return new ReflectionReactor<v1alpha::ServerReflectionRequest, v1alpha::ServerReflectionResponse>(
      index_);
}

}  // namespace storyline::server
