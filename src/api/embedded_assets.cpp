// Lookup of the embedded assets by name, and their content types.
#include "api/embedded_assets.hpp"

#include <array>
#include <utility>

namespace soundscripter {

const EmbeddedAsset* find_embedded_asset(std::string_view name) {
  for (const auto& asset : embedded_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

std::string_view content_type_for(std::string_view file_name) {
  // Only the kinds of file the binary embeds; text ones say their charset so
  // a browser never guesses.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (file_name.ends_with(extension)) return type;
  }
  if (file_name.ends_with("LICENSE") || file_name.ends_with("NOTICE")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace soundscripter
