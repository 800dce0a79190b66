#include "log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/syslog_sink.h>

#include <mutex>

namespace fsched {

namespace {
std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_logger;
}  // namespace

std::shared_ptr<spdlog::logger> log() {
  std::lock_guard lock(g_mutex);
  if (!g_logger) {
    g_logger = spdlog::stderr_color_mt("fsched");
    g_logger->set_level(spdlog::level::info);
  }
  return g_logger;
}

void log_to_syslog() {
  auto level = log()->level();
  std::lock_guard lock(g_mutex);
  spdlog::drop("fsched");
  g_logger = spdlog::syslog_logger_mt("fsched", "fschedfs", LOG_PID, LOG_DAEMON);
  g_logger->set_level(level);
}

void set_log_level(spdlog::level::level_enum level) {
  log()->set_level(level);
}

}  // namespace fsched
