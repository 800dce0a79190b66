// Telling the service manager how the daemon is doing (systemd's
// Type=notify, sd_notify(3)). Without $NOTIFY_SOCKET all of it is a no-op.
#pragma once

#include <functional>
#include <string>
#include <thread>

namespace fsched {

class ServiceNotifier {
 public:
  ServiceNotifier() = default;
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  // READY=1 must mean "the tree answers", not "mount(2) returned": a unit
  // ordered after ours may `ls` the tree at once. So a thread stats
  // MOUNT_POINT/0, a request only the running FUSE loop can answer, and
  // reports READY=1 with `status` once it is answered. `first` runs in
  // that thread before READY=1 (and without a service manager too): work
  // that needs the loop answering, such as a bind mount of the tree's.
  void ready_when_answering(const std::string& mount_point, const std::string& status,
                            std::function<void()> first = {});
  void stopping();

 private:
  std::thread thread_;
};

}  // namespace fsched
