#include "service_notify.hpp"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "log.hpp"

namespace fsched {

namespace {
bool managed() {
  return std::getenv("NOTIFY_SOCKET") != nullptr;
}
}  // namespace

ServiceNotifier::~ServiceNotifier() {
  if (thread_.joinable()) thread_.join();
}

void ServiceNotifier::ready_when_answering(const std::string& mount_point,
                                           const std::string& status, std::function<void()> first) {
  if (!managed() && !first) return;
  thread_ = std::thread([mount_point, status, first = std::move(first)] {
    struct stat st;
    // Fails only if the loop ended first (an unmount): then not ready.
    if (::stat((mount_point + "/0").c_str(), &st) != 0) return;
    if (first) first();
    if (!managed()) return;
    int r = sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
    if (r < 0) log()->warn("sd_notify READY failed: {}", -r);
  });
}

void ServiceNotifier::stopping() {
  if (managed()) (void)sd_notify(0, "STOPPING=1\nSTATUS=unmounting");
}

}  // namespace fsched
