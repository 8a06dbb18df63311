// Fetching models over real HTTP from a local server with Range support
// (tests/support/range_http_server.py): whole downloads, resuming a .part,
// dropped connections, redirects, checksum failures, an unreachable server,
// and the `soundscripter models` command line against the same server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "models/model_fetch.hpp"
#include "support/process.hpp"
#include "support/range_http_server.hpp"
#include "support/scoped_env.hpp"
#include "support/test_paths.hpp"
#include "util/error.hpp"

namespace soundscripter::test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string random_bytes(std::size_t size) {
  std::mt19937 generator(1234);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(generator() & 0xFF);
  return bytes;
}

// The checksum comes from the system's sha1sum, not from the code under test.
std::string sha1sum(const fs::path& path) {
  const ProcessResult result = run_process({"sha1sum", path.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out.substr(0, 40);
}

std::string sha256sum(const fs::path& path) {
  const ProcessResult result = run_process({"sha256sum", path.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out.substr(0, 64);
}

int count_occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}


class models_fetch : public ::testing::Test {
 protected:
  static constexpr std::size_t model_size = 300'000;

  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("soundscripter-fetch-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    served_ = root_ / "served";
    installed_ = root_ / "models";
    fs::create_directories(served_);
    fs::create_directories(installed_);
    content_ = random_bytes(model_size);
    write_file(served_ / "ggml-fixture.bin", content_);
    model_ = {"fixture", model_size, sha1sum(served_ / "ggml-fixture.bin")};
  }
  void TearDown() override { fs::remove_all(root_); }

  FetchOptions options_for(const RangeHttpServer& server) {
    FetchOptions options;
    options.base_url = server.base_url();
    return options;
  }

  fs::path root_;
  fs::path served_;     // what the server serves
  fs::path installed_;  // where models are fetched to
  std::string content_;
  KnownModel model_;
};

TEST_F(models_fetch, DownloadsChecksAndInstallsTheFile) {
  RangeHttpServer server({served_});
  FetchOptions options = options_for(server);
  FetchProgress last;
  options.on_progress = [&](const FetchProgress& progress) { last = progress; };

  const fs::path path = fetch_model(model_, installed_, options);

  EXPECT_EQ(path, installed_ / "ggml-fixture.bin");
  EXPECT_EQ(read_file(path), content_);
  EXPECT_EQ(sha1sum(path), model_.sha1);
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin.part"));
  EXPECT_EQ(last.received, model_size);
  EXPECT_EQ(last.total, model_size);
  EXPECT_EQ(server.request_log(), "GET /ggml-fixture.bin range=-\n");
}

TEST_F(models_fetch, AnInstalledModelIsNotDownloadedAgain) {
  RangeHttpServer server({served_});
  fetch_model(model_, installed_, options_for(server));
  fetch_model(model_, installed_, options_for(server));
  EXPECT_EQ(count_occurrences(server.request_log(), "GET "), 1) << server.request_log();
}

TEST_F(models_fetch, ResumesAPartFileWithARangeRequest) {
  const std::size_t half = model_size / 2;
  write_file(installed_ / "ggml-fixture.bin.part", content_.substr(0, half));
  RangeHttpServer server({served_});

  const fs::path path = fetch_model(model_, installed_, options_for(server));

  EXPECT_EQ(read_file(path), content_);
  EXPECT_EQ(server.request_log(),
            "GET /ggml-fixture.bin range=bytes=" + std::to_string(half) + "-\n");
}

TEST_F(models_fetch, ResumesAfterTheServerDropsTheConnection) {
  // Every response stops after 100 kB, so the 300 kB file takes several requests.
  RangeHttpServer server({served_, 100'000});

  const fs::path path = fetch_model(model_, installed_, options_for(server));

  EXPECT_EQ(read_file(path), content_);
  const std::string log = server.request_log();
  EXPECT_NE(log.find("range=bytes=100000-"), std::string::npos) << log;
  EXPECT_NE(log.find("range=bytes=200000-"), std::string::npos) << log;
}

TEST_F(models_fetch, StartsOverWhenTheServerIgnoresTheRange) {
  write_file(installed_ / "ggml-fixture.bin.part", content_.substr(0, 1000));
  RangeHttpServer server({served_, 0, /*ignore_ranges=*/true});

  const fs::path path = fetch_model(model_, installed_, options_for(server));

  // Appending the whole file to the 1000 bytes would have failed the size check.
  EXPECT_EQ(read_file(path), content_);
  EXPECT_EQ(server.request_log(), "GET /ggml-fixture.bin range=bytes=1000-\n");
}

TEST_F(models_fetch, ConcurrentFetchesOfOneModelTakeTurns) {
  RangeHttpServer server({served_, 50'000});
  std::vector<fs::path> results(3);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] { result = fetch_model(model_, installed_, options_for(server)); });
  }
  for (auto& thread : threads) thread.join();

  for (const auto& result : results) EXPECT_EQ(result, installed_ / "ggml-fixture.bin");
  EXPECT_EQ(read_file(installed_ / "ggml-fixture.bin"), content_);
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin.part"));
  // One fetch downloads (300 kB in 50 kB pieces); the others wait and find it installed.
  EXPECT_EQ(count_occurrences(server.request_log(), "GET "), 6) << server.request_log();
}

TEST_F(models_fetch, FollowsRedirects) {
  RangeHttpServer server({served_});
  FetchOptions options = options_for(server);
  options.base_url = server.base_url() + "/redirect/";
  EXPECT_EQ(read_file(fetch_model(model_, installed_, options)), content_);
}

TEST_F(models_fetch, ChecksumMismatchLeavesNoFileAndIsModelInvalid) {
  RangeHttpServer server({served_});
  KnownModel wrong = model_;
  wrong.sha1 = "0000000000000000000000000000000000000000";
  try {
    fetch_model(wrong, installed_, options_for(server));
    FAIL() << "a file with the wrong checksum was installed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::model_invalid);
    const std::string message = error.what();
    EXPECT_NE(message.find(server.base_url() + "/ggml-fixture.bin"), std::string::npos) << message;
    EXPECT_NE(message.find("SHA-1 is " + model_.sha1), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin"));
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin.part"));
}

// Parakeet's files: a SHA-256 where one is published, else the size alone.
TEST_F(models_fetch, ChecksTheSha256WhereThatIsThePublishedSum) {
  RangeHttpServer server({served_});
  KnownModel model{"fixture", model_size, "", sha256sum(served_ / "ggml-fixture.bin"), ModelFamily::parakeet};
  EXPECT_EQ(read_file(fetch_model(model, installed_, options_for(server))), content_);

  fs::remove(installed_ / "ggml-fixture.bin");
  model.sha256[0] = model.sha256[0] == '0' ? '1' : '0';
  try {
    fetch_model(model, installed_, options_for(server));
    FAIL() << "expected model_invalid";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::model_invalid);
    EXPECT_NE(std::string(error.what()).find("SHA-256 is"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin"));
}

TEST_F(models_fetch, WithoutAChecksumOnlyTheSizeIsCheckedAndWithNeitherNothingIsFetched) {
  RangeHttpServer server({served_});
  KnownModel sized{"fixture", model_size, "", "", ModelFamily::parakeet};
  EXPECT_EQ(read_file(fetch_model(sized, installed_, options_for(server))), content_);

  fs::remove(installed_ / "ggml-fixture.bin");
  KnownModel wrong_size{"fixture", model_size + 1, "", "", ModelFamily::parakeet};
  EXPECT_THROW(fetch_model(wrong_size, installed_, options_for(server)), Error);
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin"));

  KnownModel unknown{"fixture", 0, "", "", ModelFamily::parakeet};
  try {
    fetch_model(unknown, installed_, options_for(server));
    FAIL() << "expected invalid_argument";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
  }
}

TEST_F(models_fetch, CliSaysWhenItCouldCheckOnlyTheSize) {
  // parakeet-tdt-0.6b-v3-q4_0 has a published size and no published sum;
  // a sparse file of that size stands in for it.
  const KnownModel* q4 = find_known_model("parakeet-tdt-0.6b-v3-q4_0");
  ASSERT_NE(q4, nullptr);
  ASSERT_TRUE(q4->sha256.empty() && q4->sha1.empty() && q4->size_bytes > 0);
  const fs::path served = served_ / q4->file_name();
  { std::ofstream(served, std::ios::binary); }
  fs::resize_file(served, q4->size_bytes);
  RangeHttpServer server({served_});
  ScopedEnv url("SOUNDSCRIPTER_MODELS_URL", server.base_url());
  const ProcessResult result = run_process(
      {soundscripter_binary().string(), "models", "fetch", "parakeet-tdt-0.6b-v3-q4_0", "--dir", installed_.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("no checksum is published"), std::string::npos) << result.err;
  EXPECT_EQ(fs::file_size(installed_ / q4->file_name()), q4->size_bytes);
}

TEST_F(models_fetch, MissingFileOnTheServerIsAnHttpError) {
  RangeHttpServer server({served_});
  KnownModel absent = model_;
  absent.name = "absent";
  try {
    fetch_model(absent, installed_, options_for(server));
    FAIL() << "no error for a 404";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::backend_unavailable);
    EXPECT_STREQ(error.what(), (server.base_url() + "/ggml-absent.bin: HTTP 404").c_str());
  }
}

TEST_F(models_fetch, UnreachableServerIsBackendUnavailable) {
  FetchOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(unused_local_port());
  try {
    fetch_model(model_, installed_, options);
    FAIL() << "no error for an unreachable server";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::backend_unavailable);
    EXPECT_NE(std::string(error.what()).find(options.base_url + "/ggml-fixture.bin: "),
              std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(fs::exists(installed_ / "ggml-fixture.bin"));
}

TEST_F(models_fetch, CliRejectsAnUnknownNameListingTheKnownOnes) {
  RangeHttpServer server({served_});
  ScopedEnv url("SOUNDSCRIPTER_MODELS_URL", server.base_url());
  ScopedEnv dir("SOUNDSCRIPTER_MODELS_DIR", installed_.string());

  const ProcessResult result =
      run_process({soundscripter_binary().string(), "models", "fetch", "no-such-model"});

  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(result.err.starts_with("error: unknown model \"no-such-model\" (known models: tiny, "))
      << result.err;
  EXPECT_NE(result.err.find("base.en"), std::string::npos) << result.err;
  EXPECT_EQ(count_occurrences(result.err, "\n"), 1) << result.err;
  EXPECT_EQ(server.request_log(), "");
}

TEST_F(models_fetch, CliReportsADownloadThatIsNotThePublishedModel) {
  // The server's ggml-tiny.bin is not the real one, so the size check must refuse it.
  write_file(served_ / "ggml-tiny.bin", content_);
  RangeHttpServer server({served_});
  ScopedEnv url("SOUNDSCRIPTER_MODELS_URL", server.base_url());
  ScopedEnv dir("SOUNDSCRIPTER_MODELS_DIR", installed_.string());

  const ProcessResult result = run_process({soundscripter_binary().string(), "models", "fetch", "tiny"});

  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("error: fetch tiny: " + server.base_url() +
                            "/ggml-tiny.bin: got 300000 bytes, expected 77691713"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(installed_ / "ggml-tiny.bin"));
  EXPECT_FALSE(fs::exists(installed_ / "ggml-tiny.bin.part"));
}

TEST_F(models_fetch, CliFetchFindsAModelAlreadyInTheDirOption) {
  // A real catalog entry cannot be served here, but an installed one is
  // recognised without any request: fetch then only prints where it is.
  RangeHttpServer server({served_});
  ScopedEnv url("SOUNDSCRIPTER_MODELS_URL", server.base_url());
  const fs::path elsewhere = root_ / "elsewhere";
  fs::create_directories(elsewhere);
  write_file(elsewhere / "ggml-tiny.bin", "");
  fs::resize_file(elsewhere / "ggml-tiny.bin", 77691713);

  const ProcessResult result = run_process(
      {soundscripter_binary().string(), "models", "fetch", "tiny", "--dir", elsewhere.string()});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, (elsewhere / "ggml-tiny.bin").string() + "\n");
  EXPECT_EQ(server.request_log(), "");
}

TEST_F(models_fetch, CliListShowsTheDirectoryAndWhatIsInstalled) {
  ScopedEnv dir("SOUNDSCRIPTER_MODELS_DIR", installed_.string());
  write_file(installed_ / "ggml-my-finetune.bin", "weights");

  const ProcessResult result = run_process({soundscripter_binary().string(), "models", "list"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "models directory: " + installed_.string());
  std::getline(lines, line);
  EXPECT_EQ(line, "NAME                       ENGINE          SIZE  INSTALLED   PATH");
  std::getline(lines, line);
  EXPECT_EQ(line, "tiny                       whisper      77.7 MB  no");
  EXPECT_NE(result.out.find("my-finetune"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("default: " + (installed_ / "ggml-my-finetune.bin").string()),
            std::string::npos)
      << result.out;
}

TEST_F(models_fetch, CliCheckOfAMissingModelSaysWhereItLooked) {
  ScopedEnv dir("SOUNDSCRIPTER_MODELS_DIR", installed_.string());
  const ProcessResult result = run_process({soundscripter_binary().string(), "models", "check", "base.en"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "error: no model \"base.en\": no such file, and no ggml-base.en.bin in " +
                            installed_.string() + "\n");
}

}  // namespace
}  // namespace soundscripter::test
