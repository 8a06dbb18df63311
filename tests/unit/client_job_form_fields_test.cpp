#include <gtest/gtest.h>

#include "app/job_form_fields.hpp"

namespace soundscripter {
namespace {

FormFields fields_for(std::vector<std::string> args, const std::string& priority = "") {
  CLI::App command;
  TranscribeSettings settings;
  add_file_arguments(command, settings);
  add_job_options(command, settings);
  args.insert(args.begin(), "a.wav");
  std::reverse(args.begin(), args.end());  // CLI11 parses a vector from its back
  command.parse(args);
  return job_form_fields(command, settings, priority);
}

TEST(client_job_form_fields, OnlyTheOptionsGivenAreSentSoTheServersDefaultsApply) {
  EXPECT_TRUE(fields_for({}).empty());
  EXPECT_EQ(fields_for({"--language", "de", "--translate", "--beam-size", "1", "--no-fallback", "-m", "base"}, "high"),
            (FormFields{{"model", "base"},
                        {"language", "de"},
                        {"task", "translate"},
                        {"beam_size", "1"},
                        {"no_fallback", "true"},
                        {"priority", "high"}}));
  EXPECT_EQ(fields_for({"--engine", "sphinx", "--word-timestamps", "--vad", "--prompt", "Quine"}),
            (FormFields{{"engine", "sphinx"}, {"prompt", "Quine"}, {"word_timestamps", "true"}, {"vad", "true"}}));
}

}  // namespace
}  // namespace soundscripter
