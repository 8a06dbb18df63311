// Follows one job on a server to its end, as `submit` shows it: progress on
// a bar, each segment printed as it arrives, and the final state.
//
// A server that goes away (restarted, or the network gone) is tried again
// with ReconnectBackoff, and the stream resumes after the last event seen
// (Last-Event-ID), so nothing is shown twice and nothing is missed. A job
// that starts over on the server (requeued after a restart) sends the
// segments it had sent before again; those are not printed again either.
#pragma once

#include <functional>
#include <string>

#include "client/api_client.hpp"

namespace soundscripter {

struct FollowDisplay {
  std::string label;           // the file's name, in front of the bar
  bool label_segments = false; // put the label in front of segment lines too (several files)
  bool quiet = false;          // no bar, no segments
};

struct FollowOutcome {
  bool interrupted = false;  // Ctrl-C: the job is still on the server
  std::string state;         // completed, failed or cancelled (when not interrupted)
  std::string error;         // the job's error message, when it failed
};

// Throws Error when the server refuses the stream (an unknown job, a wrong
// key) or stays away past the backoff's limit.
FollowOutcome follow_job(const ApiClient& client, const std::string& job_id, const FollowDisplay& display,
                         const std::function<bool()>& interrupted);

// Calls request until the server answers (any status), waiting between
// tries as ReconnectBackoff says; the last response when it gives up or
// interrupted() turns true. what names the request in the retry notes.
ApiResponse until_server_answers(const std::function<ApiResponse()>& request, const std::string& what,
                                 const std::function<bool()>& interrupted);

}  // namespace soundscripter
