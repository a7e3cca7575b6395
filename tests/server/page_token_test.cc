// Tests for server/page_token.cc: sealed, expiring page tokens.
#include "server/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "server/error_details.h"
#include "tests/testing/status_matchers.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;

constexpr uint64_t kFingerprint = 0x0123456789abcdefULL;

absl::Time IssueTime() { return absl::FromUnixSeconds(1717000000); }

class PageTokenTest : public ::testing::Test {
 protected:
  PageTokenCodec codec_{"0123456789abcdef0123456789abcdef", absl::Hours(1)};
};

TEST_F(PageTokenTest, RoundTrip) {
  for (int64_t offset :
       {int64_t{0}, int64_t{1}, int64_t{10}, int64_t{9990}, std::numeric_limits<int64_t>::max()}) {
    const std::string token = codec_.Encode(kFingerprint, {.offset = offset}, IssueTime());
    absl::StatusOr<PagePosition> decoded =
        codec_.Decode(token, kFingerprint, IssueTime() + absl::Seconds(5));
    ASSERT_THAT(decoded, IsOk()) << "offset " << offset;
    EXPECT_EQ(decoded->offset, offset);
    EXPECT_FALSE(decoded->first_stage_order);
  }
}

TEST_F(PageTokenTest, CarriesTheFirstPagesTotalAndReferenceTime) {
  const absl::Time as_of = absl::FromUnixMicros(1717000000123456);
  const PagePosition sent{.offset = 20, .total_size = 600, .reference_time = as_of};
  const std::string token = codec_.Encode(kFingerprint, sent, IssueTime());
  absl::StatusOr<PagePosition> decoded = codec_.Decode(token, kFingerprint, IssueTime());
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, sent);
  // Without them: no total (-1) and no reference time.
  decoded = codec_.Decode(codec_.Encode(kFingerprint, {.offset = 20}, IssueTime()), kFingerprint,
                          IssueTime());
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->total_size, -1);
  EXPECT_FALSE(decoded->reference_time.has_value());
}

TEST_F(PageTokenTest, RefusalsNameTheFieldAndReason) {
  const absl::Status s = codec_
                             .Decode(codec_.Encode(kFingerprint, {.offset = 20}, IssueTime()),
                                     kFingerprint + 1, IssueTime())
                             .status();
  EXPECT_EQ(ErrorReason(s), "PAGE_TOKEN_INVALID");
  EXPECT_EQ(ErrorReason(codec_.Decode("garbage", kFingerprint, IssueTime()).status()),
            "PAGE_TOKEN_INVALID");
}

TEST_F(PageTokenTest, TokenIsWebSafe) {
  const std::string token = codec_.Encode(kFingerprint, {.offset = 20}, IssueTime());
  EXPECT_FALSE(token.empty());
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="),
      std::string::npos)
      << token;
}

TEST_F(PageTokenTest, RoundTripJustBeforeExpiry) {
  const std::string token = codec_.Encode(kFingerprint, {.offset = 30}, IssueTime());
  EXPECT_THAT(codec_.Decode(token, kFingerprint, IssueTime() + absl::Hours(1) - absl::Seconds(1)),
              IsOk());
}

TEST_F(PageTokenTest, EveryOneCharacterEditIsRejected) {
  const std::string token = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < token.size(); ++i) {
    // Replace by the next character of the alphabet: always a valid
    // base64 character, always different.
    std::string edited = token;
    const size_t pos = alphabet.find(token[i]);
    ASSERT_NE(pos, std::string::npos);
    edited[i] = alphabet[(pos + 1) % alphabet.size()];
    EXPECT_THAT(codec_.Decode(edited, kFingerprint, IssueTime()),
                StatusIs(absl::StatusCode::kInvalidArgument, _))
        << "position " << i << " of " << token.size() << ": " << token << " -> " << edited;
  }
}

TEST_F(PageTokenTest, FlippedPayloadByteFailsIntegrityCheck) {
  const std::string token = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  raw[12] ^= 0x01;  // inside the offset field
  EXPECT_THAT(codec_.Decode(absl::WebSafeBase64Escape(raw), kFingerprint, IssueTime()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("integrity")));
}

TEST_F(PageTokenTest, TokenForAnotherFingerprintIsRejected) {
  const std::string token = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  EXPECT_THAT(codec_.Decode(token, kFingerprint + 1, IssueTime()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("different query")));
}

TEST_F(PageTokenTest, TokenFromCodecWithAnotherKeyIsRejected) {
  PageTokenCodec other("another key, also 32 bytes long.", absl::Hours(1));
  const std::string token = other.Encode(kFingerprint, {.offset = 10}, IssueTime());
  EXPECT_THAT(codec_.Decode(token, kFingerprint, IssueTime()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("integrity")));
  // And the other way round.
  const std::string ours = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  EXPECT_THAT(other.Decode(ours, kFingerprint, IssueTime()),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST_F(PageTokenTest, RandomKeysDiffer) {
  const std::string a = PageTokenCodec::RandomKey();
  const std::string b = PageTokenCodec::RandomKey();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  PageTokenCodec ca(a), cb(b);
  EXPECT_THAT(
      cb.Decode(ca.Encode(kFingerprint, {.offset = 1}, IssueTime()), kFingerprint, IssueTime()),
      StatusIs(absl::StatusCode::kInvalidArgument, _));
}

TEST_F(PageTokenTest, ExpiredTokenIsRejected) {
  const std::string token = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  EXPECT_THAT(codec_.Decode(token, kFingerprint, IssueTime() + absl::Hours(1) + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expired")));
}

TEST_F(PageTokenTest, ExpiryHonoursConfiguredTtl) {
  PageTokenCodec short_lived("k", absl::Seconds(10));
  const std::string token = short_lived.Encode(kFingerprint, {.offset = 3}, IssueTime());
  EXPECT_THAT(short_lived.Decode(token, kFingerprint, IssueTime() + absl::Seconds(9)), IsOk());
  EXPECT_THAT(short_lived.Decode(token, kFingerprint, IssueTime() + absl::Seconds(11)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expired")));
}

TEST_F(PageTokenTest, GarbageIsRejectedWithoutCrashing) {
  const std::string valid = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  const std::string inputs[] = {
      "",
      "abc",
      "!!!",
      "====",
      "A",
      std::string(1000, 'A'),
      std::string("\0\0\0\0", 4),
      "\xff\xfe\xfd",
      valid.substr(0, valid.size() - 1),  // truncated
      valid + "A",                        // extended
      valid + "=",                        // padded: not the issued spelling
      valid + valid,
      absl::WebSafeBase64Escape(std::string(41, '\0')),  // a version 1 token's size
      absl::WebSafeBase64Escape(std::string(41, '\x01')),
      absl::WebSafeBase64Escape(std::string(42, '\0')),  // right size, wrong version
      absl::WebSafeBase64Escape(std::string(42, '\x01')),
      absl::WebSafeBase64Escape(std::string(42, '\x02')),  // right version, forged
  };
  for (const std::string& input : inputs) {
    EXPECT_THAT(codec_.Decode(input, kFingerprint, IssueTime()),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << "input \"" << absl::CEscape(input) << "\"";
  }
}

TEST_F(PageTokenTest, FirstStageOrderRoundTrips) {
  for (bool first_stage : {false, true}) {
    const PagePosition position{.offset = 25, .first_stage_order = first_stage};
    const std::string token = codec_.Encode(kFingerprint, position, IssueTime());
    absl::StatusOr<PagePosition> decoded = codec_.Decode(token, kFingerprint, IssueTime());
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(*decoded, position);
  }
}

TEST_F(PageTokenTest, FirstStageOrderChangesTheToken) {
  // The flag is sealed with the rest: the two lists' tokens differ, and
  // turning the flag on or off by hand fails the integrity check.
  const std::string plain = codec_.Encode(kFingerprint, {.offset = 10}, IssueTime());
  const std::string first_stage =
      codec_.Encode(kFingerprint, {.offset = 10, .first_stage_order = true}, IssueTime());
  EXPECT_NE(plain, first_stage);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(plain, &raw));
  raw[25] ^= 0x01;  // the flags byte, after version, fingerprint, offset and time
  EXPECT_THAT(codec_.Decode(absl::WebSafeBase64Escape(raw), kFingerprint, IssueTime()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("integrity")));
}

TEST_F(PageTokenTest, FirstStageTokenIsStillCheckedForFingerprintAndExpiry) {
  const std::string token =
      codec_.Encode(kFingerprint, {.offset = 10, .first_stage_order = true}, IssueTime());
  EXPECT_THAT(codec_.Decode(token, kFingerprint + 1, IssueTime()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("different query")));
  EXPECT_THAT(codec_.Decode(token, kFingerprint, IssueTime() + absl::Hours(2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expired")));
}

}  // namespace
}  // namespace storyline::server
