// API keys: the file format, stable ids, identification, and that no error
// or listing ever contains a key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "api/api_keys.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

fs::path write_keys(const test::TempDir& dir, const std::string& name, const std::string& text) {
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path;
}

TEST(api_keys, AFileMayHoldDigestsInsteadOfKeys) {
  test::TempDir dir("keys");
  // printf %s sk-carol-secret | sha256sum (upper case works too)
  const fs::path file = write_keys(dir, "digests", "carol: sha256:1051ddd7b1a0624283df52ef70b82b0a5c88b5d998bcf710aa9060f18fdeb7d8\nsha256:B2C7B82777A8B5C7EB9309A86EAC2F57E216AEC1EA990696EF9DAFDBAC638E81\n");
  ApiKeys keys;
  keys.add_file(file);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.list()[0].name, "carol");
  EXPECT_EQ(keys.identify("sk-carol-secret"), ApiKeys::key_id("sk-carol-secret"))
      << "the same id as when the key itself is listed, so jobs keep their owner";
  EXPECT_EQ(keys.identify("sk-dave-secret"), ApiKeys::key_id("sk-dave-secret"));
  EXPECT_EQ(keys.identify("sha256:1051ddd7b1a0624283df52ef70b82b0a5c88b5d998bcf710aa9060f18fdeb7d8"), std::nullopt) << "the digest is not itself a key";
  // Not a digest (too short): then it is an ordinary key named "sha256".
  ApiKeys short_digest;
  short_digest.add("sha256:abc", "test");
  EXPECT_EQ(short_digest.list()[0].name, "sha256");
  EXPECT_EQ(short_digest.identify("abc"), ApiKeys::key_id("abc"));
}

TEST(api_keys, ReadsKeysWithAndWithoutNames) {
  test::TempDir dir("keys");
  const fs::path file = write_keys(dir, "names", "# team keys\n\nalice: sk-alice-1234\n  sk-anonymous-5678  \n"
                                              "bob:with:colons\n");
  ApiKeys keys;
  keys.add_file(file);
  ASSERT_EQ(keys.size(), 3u);
  const auto listed = keys.list();
  EXPECT_EQ(listed[0].name, "alice");
  EXPECT_EQ(listed[0].id, ApiKeys::key_id("sk-alice-1234"));
  EXPECT_EQ(listed[0].source, file.string() + ":3");
  EXPECT_EQ(listed[1].name, listed[1].id) << "an unnamed key is known by its id";
  EXPECT_EQ(listed[2].name, "bob");
  EXPECT_EQ(keys.identify("sk-alice-1234"), ApiKeys::key_id("sk-alice-1234"));
  EXPECT_EQ(keys.identify("sk-anonymous-5678"), ApiKeys::key_id("sk-anonymous-5678"));
  EXPECT_EQ(keys.identify("with:colons"), ApiKeys::key_id("with:colons"));
  EXPECT_EQ(keys.identify("sk-alice-123"), std::nullopt);
  EXPECT_EQ(keys.identify(""), std::nullopt);
}

TEST(api_keys, IdsAreShortStableAndRevealNothing) {
  const std::string id = ApiKeys::key_id("sk-alice-1234");
  EXPECT_EQ(id, ApiKeys::key_id("sk-alice-1234"));
  EXPECT_NE(id, ApiKeys::key_id("sk-alice-1235"));
  EXPECT_EQ(id.size(), 18u);
  EXPECT_TRUE(id.starts_with("k_"));
  EXPECT_EQ(id.find("alice"), std::string::npos);
  // SHA-256("abc") starts with ba7816bf8f01cfea: the id is that prefix.
  EXPECT_EQ(ApiKeys::key_id("abc"), "k_ba7816bf8f01cfea");
}

TEST(api_keys, ErrorsNameTheLineButNeverTheKey) {
  test::TempDir dir("keys");
  const fs::path duplicate = write_keys(dir, "dup", "a: sk-secret-1\nb: sk-secret-1\n");
  try {
    ApiKeys().add_file(duplicate);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(std::string(error.what()),
              duplicate.string() + ":2: the same API key is also at " + duplicate.string() + ":1");
  }
  const fs::path spaces = write_keys(dir, "spaces", "sk secret\n");
  try {
    ApiKeys().add_file(spaces);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find("secret"), std::string::npos) << error.what();
  }
  const fs::path empty = write_keys(dir, "empty", "# nothing yet\n");
  EXPECT_THROW(ApiKeys().add_file(empty), Error) << "an empty file must not silently turn authentication off";
  try {
    ApiKeys().add_file("/nonexistent/keys.txt");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

TEST(api_keys, LoadCombinesTheFileAndTheListedKeys) {
  test::TempDir dir("keys");
  const fs::path file = write_keys(dir, "load", "alice: sk-alice-1234\n");
  const ApiKeys keys = load_api_keys(file, {"ci: sk-ci-9999", "sk-other-0000"}, "env SOUNDSCRIPTER_API_KEYS");
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys.list()[1].source, "env SOUNDSCRIPTER_API_KEYS (entry 1)");
  EXPECT_TRUE(keys.identify("sk-other-0000"));
  EXPECT_TRUE(load_api_keys("", {}, "env SOUNDSCRIPTER_API_KEYS").empty());
  EXPECT_THROW(load_api_keys("", {"ci:"}, "flag"), Error);
}

TEST(api_keys, BearerTokenFromTheAuthorizationHeader) {
  EXPECT_EQ(bearer_token("Bearer sk-abc"), "sk-abc");
  EXPECT_EQ(bearer_token("bearer   sk-abc  "), "sk-abc");
  EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token(""), std::nullopt);
}

}  // namespace
}  // namespace soundscripter
