// Each subcommand lives in its own file and registers itself here. A
// command's callback runs during parsing and records its exit status.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace soundscripter {

void register_transcribe_command(CLI::App& app);  // transcribe_command.cpp
void register_models_command(CLI::App& app);      // models_command.cpp
void register_serve_command(CLI::App& app);       // serve_command.cpp
void register_worker_command(CLI::App& app);      // worker_command.cpp
void register_jobs_command(CLI::App& app);        // jobs_command.cpp
void register_submit_command(CLI::App& app);      // submit_command.cpp
// jobs list|show|cancel|delete|download, on a running server.
void add_remote_jobs_commands(CLI::App& jobs);    // remote_jobs_command.cpp

// The exit status the command that ran asked for (0 by default).
int command_exit_status();
void set_command_exit_status(int status);

// Runs a subcommand's body. CLI11 callbacks must not throw anything but its
// own parse errors, so an error becomes one `error: ...` line on stderr and
// exit status 2 (a usage mistake, ErrorCode::invalid_argument) or 1.
void run_reporting_errors(const std::function<void()>& body);

}  // namespace soundscripter
