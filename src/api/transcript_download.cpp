#include "api/transcript_download.hpp"

#include <zip.h>

#include <memory>

#include "transcript/formats.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

const char* content_type_of(TranscriptFormat format) {
  switch (format) {
    case TranscriptFormat::txt: return "text/plain; charset=utf-8";
    case TranscriptFormat::srt: return "application/x-subrip; charset=utf-8";
    case TranscriptFormat::vtt: return "text/vtt; charset=utf-8";
    case TranscriptFormat::json: return "application/json";
    case TranscriptFormat::tsv: return "text/tab-separated-values; charset=utf-8";
  }
  return "application/octet-stream";
}

// The upload's name without its extension, safe inside a header and a zip.
std::string base_name_of(const Job& job) {
  std::string name = job.media_filename;
  if (auto dot = name.rfind('.'); dot != std::string::npos && dot > 0) name.erase(dot);
  std::string safe;
  for (char c : name) safe += (c == '"' || c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  return safe.empty() ? job.id : safe;
}

void check_zip(int status, zip_t* archive, const char* what) {
  if (status < 0) {
    throw Error(ErrorCode::internal, std::string("zip: ") + what + ": " + zip_strerror(archive));
  }
}

}  // namespace

std::string transcript_zip(const Transcript& transcript, const std::string& base_name) {
  zip_error_t error;
  zip_error_init(&error);
  // An in-memory archive: libzip writes into a buffer source we read back.
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) throw Error(ErrorCode::internal, "zip: cannot make a buffer");
  zip_source_keep(buffer);
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(buffer, &zip_source_free);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!archive) throw Error(ErrorCode::internal, "zip: cannot open the archive");
  std::vector<std::string> bodies;
  bodies.reserve(5);
  for (TranscriptFormat format : {TranscriptFormat::txt, TranscriptFormat::srt, TranscriptFormat::vtt,
                                  TranscriptFormat::json, TranscriptFormat::tsv}) {
    bodies.push_back(render_transcript(transcript, format));
    zip_source_t* entry = zip_source_buffer(archive, bodies.back().data(), bodies.back().size(), 0);
    if (!entry) throw Error(ErrorCode::internal, "zip: cannot add an entry");
    std::string name = base_name + "." + std::string(format_name(format));
    if (zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(entry);
      check_zip(-1, archive, "add");
    }
  }
  if (zip_close(archive) < 0) {
    std::string why = zip_strerror(archive);
    zip_discard(archive);
    throw Error(ErrorCode::internal, "zip: " + why);
  }
  zip_stat_t stat;
  if (zip_source_stat(buffer, &stat) < 0 || zip_source_open(buffer) < 0) {
    throw Error(ErrorCode::internal, "zip: cannot read the archive back");
  }
  std::string bytes(static_cast<std::size_t>(stat.size), '\0');
  zip_int64_t read = zip_source_read(buffer, bytes.data(), stat.size);
  zip_source_close(buffer);
  if (read != static_cast<zip_int64_t>(stat.size)) throw Error(ErrorCode::internal, "zip: short read");
  return bytes;
}

HttpResponse transcript_download(const Transcript& transcript, const Job& job, const std::string& format) {
  const std::string base = base_name_of(job);
  HttpResponse response;
  if (format == "zip") {
    response.body = transcript_zip(transcript, base);
    response.content_type = "application/zip";
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + base + ".zip\"");
    return response;
  }
  TranscriptFormat parsed = parse_format(format);
  response.body = render_transcript(transcript, parsed);
  response.content_type = content_type_of(parsed);
  response.headers.emplace_back("Content-Disposition", "inline; filename=\"" + base + "." +
                                                           std::string(format_name(parsed)) + "\"");
  return response;
}

}  // namespace soundscripter
