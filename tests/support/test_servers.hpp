// Real servers (PostgreSQL, Redis, RabbitMQ) for the tests that need them.
//
// scripts/test starts one of each for the whole run, in a temporary
// directory on free ports, and passes their URLs as
// SOUNDSCRIPTER_TEST_POSTGRES_URL, SOUNDSCRIPTER_TEST_REDIS_URL and
// SOUNDSCRIPTER_TEST_RABBITMQ_URL. A test binary run by hand without them
// starts its own with the same script (scripts/servers/NAME start DIR) on
// first use and stops it when the process exits. Tests keep apart from each
// other by name (a database, a queue prefix, random job ids), not by server.
#pragma once

#include <string>

namespace soundscripter::test {

// name: "postgres", "redis" or "rabbitmq". Throws std::runtime_error with
// the script's output when the server cannot be started.
std::string test_server_url(const std::string& name);

// The directory scripts/servers/NAME used for the server this process
// started, or the one named by SOUNDSCRIPTER_TEST_SERVERS_DIR/NAME; tests
// that restart a server pass it to `scripts/servers/NAME restart DIR`.
std::string test_server_dir(const std::string& name);

// Runs `scripts/servers/NAME VERB DIR` (stop, start, restart) on the server
// the tests use; throws when it fails.
void control_test_server(const std::string& name, const std::string& verb);

// A new, empty database on the tests' PostgreSQL server; its URL. Left for
// the server's removal at the end of the run.
std::string fresh_postgres_database();

// A name no other test uses at the same time ("t_" + random hex), for a
// database, queue prefix or channel.
std::string unique_test_name(const std::string& prefix = "t");

}  // namespace soundscripter::test
