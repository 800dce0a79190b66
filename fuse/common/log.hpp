// One spdlog logger for the daemon ("fsched"): stderr in the foreground,
// syslog once detached.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace fsched {

std::shared_ptr<spdlog::logger> log();
void log_to_syslog();
void set_log_level(spdlog::level::level_enum level);

}  // namespace fsched
