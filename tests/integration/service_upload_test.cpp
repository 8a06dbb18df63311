// POST /v1/jobs against a real server: every kind of media is accepted,
// transcribed and downloadable in every format; every kind of bad input is
// refused at once with its own status and code, and leaves nothing behind.
#include <gtest/gtest.h>

#include <fstream>

#include <filesystem>

#include "support/service_fixture.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

// Entries in a zip archive, from its end-of-central-directory record.
int zip_entry_count(const std::string& zip) {
  const auto at = zip.rfind(std::string("PK\x05\x06", 4));
  if (at == std::string::npos || at + 12 > zip.size()) return -1;
  return static_cast<unsigned char>(zip[at + 10]) | static_cast<unsigned char>(zip[at + 11]) << 8;
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t count = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++count;
  }
  return count;
}

class service_upload_media : public ServiceTest, public ::testing::WithParamInterface<MediaFormat> {};

TEST_P(service_upload_media, IsAcceptedTranscribedAndDownloadableInEveryFormat) {
  const auto file = jfk_as(GetParam());
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());

  HttpReply created = api.submit(file);
  ASSERT_EQ(created.status, 202) << created.describe();
  const nlohmann::json job = created.json();
  const std::string id = job.value("id", "");
  ASSERT_FALSE(id.empty()) << created.body;
  EXPECT_EQ(created.header("Location"), "/v1/jobs/" + id);
  EXPECT_EQ(job["state"], "queued");
  EXPECT_EQ(job["media"]["filename"], file.filename().string());
  EXPECT_EQ(job["media"]["bytes"], std::filesystem::file_size(file));
  EXPECT_NEAR(job["media"]["duration"].get<double>(), kJfkSeconds, 0.5);

  const nlohmann::json done = api.wait_until_finished(id);
  ASSERT_EQ(done["state"], "completed") << done.dump();
  EXPECT_EQ(done["attempts"], 1);
  EXPECT_EQ(done["progress"], 1.0);

  const std::string base = "/v1/jobs/" + id + "/transcript?format=";
  HttpReply txt = api.http().get(base + "txt");
  EXPECT_EQ(txt.status, 200) << txt.describe();
  EXPECT_TRUE(txt.header("Content-Type").value_or("").starts_with("text/plain")) << txt.header("Content-Type").value_or("");
  HttpReply srt = api.http().get(base + "srt");
  EXPECT_EQ(srt.status, 200) << srt.describe();
  EXPECT_TRUE(srt.body.starts_with("1\n00:00:")) << srt.body;
  HttpReply vtt = api.http().get(base + "vtt");
  EXPECT_EQ(vtt.status, 200) << vtt.describe();
  EXPECT_TRUE(vtt.body.starts_with("WEBVTT")) << vtt.body;
  HttpReply json = api.http().get(base + "json");
  ASSERT_EQ(json.status, 200) << json.describe();
  const nlohmann::json transcript = json.json();
  ASSERT_TRUE(transcript["segments"].is_array()) << json.body;
  EXPECT_FALSE(transcript["segments"].empty()) << json.body;
  EXPECT_NEAR(transcript.value("duration", 0.0), kJfkSeconds, 0.5) << json.body;
  HttpReply tsv = api.http().get(base + "tsv");
  EXPECT_EQ(tsv.status, 200) << tsv.describe();
  EXPECT_TRUE(tsv.body.starts_with("start\tend\ttext\n")) << tsv.body;
  // The default is JSON.
  EXPECT_EQ(api.http().get("/v1/jobs/" + id + "/transcript").body, json.body);

  HttpReply zip = api.http().get(base + "zip");
  ASSERT_EQ(zip.status, 200) << zip.describe();
  EXPECT_TRUE(zip.body.starts_with("PK")) << zip.body.substr(0, 16);
  EXPECT_EQ(zip_entry_count(zip.body), 5);
  const std::string stem = file.stem().string();
  for (const char* ext : {".txt", ".srt", ".vtt", ".json", ".tsv"}) {
    EXPECT_NE(zip.body.find(stem + ext), std::string::npos) << "no " << stem << ext << " in the zip";
  }
  EXPECT_NE(zip.header("Content-Disposition").value_or("").find("attachment"), std::string::npos);

  HttpReply unknown = api.http().get(base + "docx");
  EXPECT_EQ(unknown.status, 400) << unknown.describe();
}

INSTANTIATE_TEST_SUITE_P(formats, service_upload_media,
                         ::testing::Values(MediaFormat::wav, MediaFormat::mp3, MediaFormat::opus, MediaFormat::flac,
                                           MediaFormat::m4a, MediaFormat::mp4_video, MediaFormat::webm_video),
                         [](const ::testing::TestParamInfo<MediaFormat>& format) { return format_name(format.param); });

struct BadUpload {
  std::string name;
  std::filesystem::path (*file)();
  long status;
  std::string code;
};
void PrintTo(const BadUpload& bad, std::ostream* out) { *out << bad.name; }

class service_upload_refused : public ServiceTest, public ::testing::WithParamInterface<BadUpload> {};

TEST_P(service_upload_refused, AtOnceWithItsStatusAndCodeLeavingNothingBehind) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const auto file = GetParam().file();

  HttpReply reply = api.submit(file);
  EXPECT_EQ(reply.status, GetParam().status) << reply.describe();
  const nlohmann::json error = reply.json()["error"];
  EXPECT_EQ(error["code"], GetParam().code) << reply.body;
  // The message names the file as the user sent it, not a temporary name.
  EXPECT_NE(error.value("message", "").find(file.filename().string()), std::string::npos) << reply.body;
  EXPECT_LT(reply.seconds, 5.0);

  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
  EXPECT_EQ(files_in(server.data_dir() / "uploads"), 0u);
  EXPECT_EQ(files_in(server.data_dir() / "media"), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    inputs, service_upload_refused,
    ::testing::Values(BadUpload{"text", text_file, 415, "unsupported_media"},
                      BadUpload{"random_bytes", random_bytes_file, 415, "unsupported_media"},
                      BadUpload{"png", png_named_mp3, 415, "unsupported_media"},
                      BadUpload{"video_without_audio", video_without_audio, 415, "no_audio_stream"},
                      BadUpload{"empty", empty_file, 400, "empty_input"}),
    [](const ::testing::TestParamInfo<BadUpload>& bad) { return bad.param.name; });

class service_upload_form : public ServiceTest {};

TEST_F(service_upload_form, WithoutAFileFieldIsRefused) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  HttpReply reply = api.http().post_form("/v1/jobs", {FormPart::field("language", "en")});
  EXPECT_EQ(reply.status, 400) << reply.describe();
  EXPECT_EQ(reply.json()["error"]["code"], "invalid_argument");
  EXPECT_NE(reply.body.find("file"), std::string::npos) << reply.body;

  // A file under another name is not the file either.
  HttpReply other = api.http().post_form("/v1/jobs", {FormPart::upload("audio", jfk_wav())});
  EXPECT_EQ(other.status, 400) << other.describe();

  // Not multipart at all.
  HttpReply json = api.http().post("/v1/jobs", R"({"file":"jfk.wav"})", "application/json");
  EXPECT_GE(json.status, 400) << json.describe();
  EXPECT_LT(json.status, 500) << json.describe();
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
}

TEST_F(service_upload_form, WrongFieldValuesAreAllListedInOneAnswer) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  HttpReply reply = api.submit(jfk_wav(), {FormPart::field("language", "xx-klingon"), FormPart::field("task", "sing"),
                                           FormPart::field("engine", "vosk"), FormPart::field("priority", "urgent"),
                                           FormPart::field("beam_size", "0"), FormPart::field("word_timestamps", "maybe"),
                                           FormPart::field("model", "no-such-model")});
  ASSERT_EQ(reply.status, 400) << reply.describe();
  EXPECT_EQ(reply.json()["error"]["code"], "invalid_argument");
  const std::string message = reply.json()["error"].value("message", "");
  for (const char* field : {"language", "task", "engine", "priority", "beam_size", "word_timestamps", "model"}) {
    EXPECT_NE(message.find(field), std::string::npos) << field << " is not named in: " << message;
  }
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
  EXPECT_EQ(files_in(server.data_dir() / "media"), 0u);
}

TEST_F(service_upload_form, ATemperatureThatIsNotANumberFromZeroToOneIsRefused) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  for (const char* value : {"nan", "NaN", "-nan", "inf", "1e39", "1.5", "-0.1", "0.5x"}) {
    const HttpReply reply = api.submit(jfk_wav(), {FormPart::field("temperature", value)});
    ASSERT_EQ(reply.status, 400) << value << ": " << reply.describe();
    EXPECT_NE(reply.json()["error"].value("message", "").find("temperature"), std::string::npos) << value;
  }
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
  EXPECT_EQ(api.submit(jfk_wav(), {FormPart::field("temperature", "0.4")}).status, 202);
}

TEST_F(service_upload_form, WhatTheSphinxEngineCannotDoIsRefusedAtUploadWithoutAJob) {
  ServeProcess& server = start_server(std::vector<std::string>{"--engine", "sphinx", "--workers", "1"});
  ServiceApi api(server.base_url());
  const HttpReply translation =
      api.http().post_form("/v1/audio/translations", {FormPart::upload("file", jfk_wav()), FormPart::field("model", "whisper-1")});
  EXPECT_EQ(translation.status, 400) << translation.describe();
  EXPECT_NE(translation.body.find("cannot translate"), std::string::npos) << translation.body;
  const HttpReply task = api.submit(jfk_wav(), {FormPart::field("task", "translate")});
  EXPECT_EQ(task.status, 400) << task.describe();
  const HttpReply french = api.submit(jfk_wav(), {FormPart::field("language", "fr")});
  EXPECT_EQ(french.status, 400) << french.describe();
  EXPECT_NE(french.body.find("English only"), std::string::npos) << french.body;
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0) << "a refused upload left a job behind";
  EXPECT_EQ(files_in(server.data_dir() / "media"), 0u);
  EXPECT_EQ(api.submit(jfk_wav(), {FormPart::field("language", "en")}).status, 202);
}

// A valid 16-bit mono WAV of `samples` silent samples at `rate` Hz.
std::filesystem::path silent_wav(const std::filesystem::path& path, std::uint32_t rate, std::uint32_t samples) {
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  u32(36 + samples * 2);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(rate);
  u32(rate * 2);
  u16(2);
  u16(16);
  out.write("data", 4);
  u32(samples * 2);
  out << std::string(samples * 2, '\0');
  return path;
}

TEST_F(service_upload_form, AudioLongerThanTheServerTakesIsRefusedAtUpload) {
  ServeProcess& server = start_server([] {
    auto args = fast_whisper_server_args(1);
    args.insert(args.end(), {"--max-media-duration", "1m"});
    return args;
  }());
  ServiceApi api(server.base_url());
  // 400 bytes that claim 200 s of audio at 1 Hz (16,000 times as many
  // samples once resampled), and a plain 2-minute recording.
  const auto tiny_but_long = silent_wav(server.data_dir().parent_path() / "one-hertz.wav", 1, 200);
  for (const auto& file : {tiny_but_long, long_speech_file(2)}) {
    const HttpReply reply = api.submit(file);
    EXPECT_EQ(reply.status, 413) << file << ": " << reply.describe();
    EXPECT_NE(reply.body.find("--max-media-duration"), std::string::npos) << reply.body;
  }
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
  EXPECT_EQ(files_in(server.data_dir() / "media"), 0u);
  EXPECT_EQ(api.submit(jfk_wav()).status, 202) << "11 s is within the limit";
}

TEST_F(service_upload_form, AFileNameWithAPathCannotLeaveTheMediaDirectory) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  HttpReply reply =
      api.http().post_form("/v1/jobs", {FormPart::upload("file", jfk_wav(), "../../../escape.wav")});
  ASSERT_EQ(reply.status, 202) << reply.describe();
  const nlohmann::json job = reply.json();
  const std::string id = job.value("id", "");
  EXPECT_EQ(job["media"]["filename"].get<std::string>().find('/'), std::string::npos) << reply.body;
  // Stored under the job's id only.
  std::vector<std::string> stored;
  for (const auto& entry : std::filesystem::directory_iterator(server.data_dir() / "media")) {
    stored.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(stored, std::vector<std::string>{id + ".wav"});
  for (const auto& dir : {server.data_dir(), server.data_dir().parent_path(), server.data_dir() / "uploads"}) {
    EXPECT_FALSE(std::filesystem::exists(dir / "escape.wav")) << dir;
  }
  EXPECT_EQ(api.wait_until_finished(id)["state"], "completed");
}

TEST_F(service_upload_form, TooLargeIsRefusedBeforeItIsReadAndNoOtherJobIsHarmed) {
  ServeProcess& server = start_server([] {
    auto args = fast_whisper_server_args(1);
    args.insert(args.end(), {"--max-upload-size", "1M"});
    return args;
  }());
  ServiceApi api(server.base_url());
  // A job running meanwhile, to show it is not disturbed.
  const std::string running = api.submit_ok(jfk_as(MediaFormat::flac));

  constexpr std::uint64_t kHuge = 256ull << 20;
  // With a Content-Length: refused from the headers, before the body.
  HttpReply declared = api.http().post_form("/v1/jobs", {FormPart::generated("file", kHuge, "huge.wav")});
  EXPECT_EQ(declared.status, 413) << declared.describe();
  EXPECT_EQ(declared.json()["error"]["code"], "too_large");
  EXPECT_LT(declared.uploaded, 64ull << 20) << "the server read far past the limit";
  EXPECT_LT(declared.seconds, 5.0);

  // Chunked, so the size is only known as it arrives: refused once past the limit.
  HttpReply chunked = api.http().post_form("/v1/jobs", {FormPart::generated("file", kHuge, "huge.wav")}, {}, true);
  EXPECT_EQ(chunked.status, 413) << chunked.describe();
  EXPECT_LT(chunked.uploaded, 64ull << 20) << "the server read far past the limit";
  EXPECT_LT(chunked.seconds, 5.0);

  // Nothing of them is left, and the service goes on as before.
  EXPECT_EQ(files_in(server.data_dir() / "uploads"), 0u);
  const std::string after = api.submit_ok(jfk_wav());
  EXPECT_EQ(api.wait_until_finished(running)["state"], "completed");
  EXPECT_EQ(api.wait_until_finished(after)["state"], "completed");
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 2);
}

}  // namespace
}  // namespace soundscripter::test
