// Request parsing and response serialization for the raw (ByteBuffer)
// callback handlers. Storyline parses requests itself so that a malformed
// message or a string field with invalid UTF-8 is answered with
// INVALID_ARGUMENT naming the message type (gRPC's own deserializer answers
// INTERNAL with no message), and so one bad article in an ingest stream
// does not end the stream.
#ifndef STORYLINE_SERVER_RAW_CODEC_H_
#define STORYLINE_SERVER_RAW_CODEC_H_

#include <google/protobuf/message.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace storyline::server {

// Parses `buffer` into `message`. kInvalidArgument if it is not a valid
// serialized message (including invalid UTF-8 in a string field).
inline absl::Status ParseMessage(const grpc::ByteBuffer& buffer,
                                 google::protobuf::Message* message) {
  grpc::ByteBuffer copy(buffer);  // shares slices; the reader needs non-const
  grpc::ProtoBufferReader reader(&copy);
  if (!reader.status().ok() || !message->ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(
        absl::StrCat("could not decode ", message->GetTypeName(),
                     ": the message is malformed or a string field holds invalid UTF-8; "
                     "send valid protobuf with UTF-8 text"));
  }
  return absl::OkStatus();
}

// Serializes `message` into `buffer`.
inline absl::Status SerializeMessage(const google::protobuf::Message& message,
                                     grpc::ByteBuffer* buffer) {
  bool own = false;
  grpc::Status s = grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(
      message, buffer, &own);
  if (!s.ok()) return absl::InternalError(absl::StrCat("serializing reply: ", s.error_message()));
  return absl::OkStatus();
}

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_RAW_CODEC_H_
