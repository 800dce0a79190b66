#include "rules_reloader.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>

#include "log.hpp"

namespace fsched {

RulesSource RulesSource::from_option(const std::string& option) {
  if (option == "none") return {};
  if (!option.empty()) return {option, true};
  return {kDefaultRulesFile, false};
}

Result<std::shared_ptr<const RuleSet>> RulesSource::load() const {
  if (path.empty()) return std::shared_ptr<const RuleSet>{};
  // The default file is optional: without it the daemon places nothing.
  if (!required && ::access(path.c_str(), F_OK) != 0 && errno == ENOENT)
    return std::shared_ptr<const RuleSet>{};
  auto rules = load_rules(path);
  if (!rules) return rules.error();
  return std::make_shared<const RuleSet>(std::move(*rules));
}

void block_reload_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

RulesReloader::RulesReloader(RulesSource source, std::shared_ptr<const RuleSet> initial,
                             Placer& placer)
    : source_(std::move(source)), initial_(std::move(initial)), placer_(placer) {}

void RulesReloader::start() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  signal_fd_ = UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd_) log()->warn("rules: no signalfd ({}); SIGHUP will not reload", errno);
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RulesReloader::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
}

void RulesReloader::put_in_force(std::shared_ptr<const RuleSet> rules, const char* why) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = rules ? rules->rules().size() : 0;
  auto sum = placer_.set_rules(std::move(rules));
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  if (source_.path.empty() || n == 0) {
    log()->info("rules ({}): none in force", why);
    return;
  }
  log()->info("rules ({}): {} from {} in force; moved {} of {} processes ({} failed) in {} ms", why,
              n, source_.path, sum.moved, sum.looked, sum.failed, ms);
}

bool RulesReloader::reload() {
  auto rules = source_.load();
  if (!rules) {
    auto in_force = placer_.rules();
    log()->error("rules: {} refused whole; the {} rule(s) in force stay:\n{}", source_.path,
                 in_force ? in_force->rules().size() : 0, rules.error().message);
    return false;
  }
  put_in_force(std::move(*rules), "reload");
  return true;
}

void RulesReloader::loop() {
  put_in_force(std::move(initial_), "start");
  while (!stopping_) {
    pollfd fds[2] = {{signal_fd_ ? signal_fd_.get() : -1, POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (stopping_) break;
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo info;
    bool hup = false;
    while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) hup = true;
    if (hup) reload();
  }
}

}  // namespace fsched
