// The flags of `serve`, one per key of the table. Each flag only records
// its text; resolve_serve_config applies it after the file and the
// environment, which is the precedence CLI11's own env/config would get
// wrong. The help shows each flag's environment variable and default.
#include "app/serve_config.hpp"
#include "app/serve_config_keys.hpp"

namespace soundscripter {

void add_serve_options(CLI::App& command, ServeCommandLine& command_line, const ServeConfig& defaults,
                       unsigned for_command) {
  command_line.for_command = for_command;
  command.add_option("--config", command_line.config_file,
                     "Config file of key = value lines (env SOUNDSCRIPTER_CONFIG)")
      ->type_name("FILE")
      ->group("Configuration");
  command.add_flag("--show-config", command_line.show_config,
                   "Print the effective configuration and where each value came from")
      ->group("Configuration");

  for (const auto& key : serve_config_keys()) {
    if (key.secret || !(key.commands & for_command)) continue;  // environment and file only: argv is visible to every user in ps
    const std::string name(key.name);
    const std::string shown_default = key.show(defaults);
    const std::string help = std::string(key.help) + " (default: " +
                             (shown_default.empty() ? "none" : shown_default) + "; env " + env_name(key) + ")";
    if (key.is_switch) {
      command
          .add_flag_callback(
              flag_name(key), [&command_line, name] { command_line.values.emplace_back(name, "true"); }, help)
          ->group(std::string(key.group));
      continue;
    }
    command
        .add_option_function<std::string>(
            flag_name(key), [&command_line, name](const std::string& text) { command_line.values.emplace_back(name, text); },
            help)
        ->type_name(std::string(key.value_name))
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
        ->group(std::string(key.group));
  }
  // The keys that have no flag still belong in --help, so people find them.
  std::string footer = "\nAlso from the environment or the config file only:";
  for (const auto& key : serve_config_keys()) {
    if (key.secret && (key.commands & for_command)) footer += "\n  " + env_name(key) + " (file key " + std::string(key.name) + "): " + std::string(key.help);
  }
  footer += "\nConfig file keys are the flag names with underscores (max_upload_size = 2G)."
            "\nPrecedence: flags > SOUNDSCRIPTER_* environment > config file > defaults.";
  command.footer(footer);
}

}  // namespace soundscripter
