#include "client/job_upload.hpp"

namespace soundscripter {
namespace {

int on_transfer(void* user, curl_off_t, curl_off_t, curl_off_t total, curl_off_t sent) {
  const auto& progress = *static_cast<const UploadProgress*>(user);
  if (!progress) return 0;
  return progress(static_cast<std::uint64_t>(sent), static_cast<std::uint64_t>(total)) ? 0 : 1;
}

}  // namespace

ApiResponse upload_job(const ApiClient& client, const std::filesystem::path& file, const FormFields& fields,
                       const UploadProgress& on_progress) {
  CurlEasy curl = new_curl_easy();
  CurlHeaders headers;
  // curl waits up to a second for "100 Continue" before a large body; the
  // server reads the body anyway, so that wait is lost time.
  headers.remove("Expect");
  client.prepare(curl.get(), "/v1/jobs", headers);

  CurlMime form(curl_mime_init(curl.get()));
  for (const auto& [name, value] : fields) {
    curl_mimepart* part = curl_mime_addpart(form.get());
    curl_mime_name(part, name.c_str());
    curl_mime_data(part, value.c_str(), CURL_ZERO_TERMINATED);
  }
  curl_mimepart* part = curl_mime_addpart(form.get());
  curl_mime_name(part, "file");
  ApiResponse response;
  if (curl_mime_filedata(part, file.c_str()) != CURLE_OK) {
    throw Error(ErrorCode::not_found, "cannot read the file");
  }
  curl_mime_filename(part, file.filename().c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, form.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &append_to_string);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, &on_transfer);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &on_progress);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  ApiClient::finish(curl.get(), curl_easy_perform(curl.get()), response);
  return response;
}

}  // namespace soundscripter
