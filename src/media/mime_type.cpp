#include "media/mime_type.hpp"

#include <algorithm>
#include <map>

namespace soundscripter {

std::string mime_type_for(const std::string& filename) {
  static const std::map<std::string, std::string> kTypes = {
      {"wav", "audio/wav"},   {"mp3", "audio/mpeg"},  {"flac", "audio/flac"},
      {"ogg", "audio/ogg"},   {"opus", "audio/ogg"},  {"oga", "audio/ogg"},
      {"m4a", "audio/mp4"},   {"aac", "audio/aac"},   {"wma", "audio/x-ms-wma"},
      {"webm", "video/webm"}, {"mp4", "video/mp4"},   {"m4v", "video/mp4"},
      {"mkv", "video/x-matroska"}, {"mov", "video/quicktime"}, {"avi", "video/x-msvideo"},
  };
  auto dot = filename.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string ext = filename.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace soundscripter
