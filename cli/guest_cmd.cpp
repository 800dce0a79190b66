#include "guest_cmd.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli_error.hpp"
#include "guest_object.hpp"
#include "mount_point.hpp"

namespace fsched::cli {

namespace {

std::string read_object(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What an errno of the tree means for a load, in the user's words.
std::string load_error(int err, const std::string& name) {
  switch (err) {
    case EEXIST:
      return "a scheduler named " + name + " is loaded already (rm schedulers/" + name +
             " first, or give another NAME)";
    case EPERM:
    case EACCES:
      return "only root loads guest schedulers";
    case EOPNOTSUPP:
      return "this machine cannot run guest schedulers: they need backend=scx on a kernel "
             "with sched_ext sub-schedulers (Linux 7.3 or later); the daemon's log says more";
    case EINVAL:
      return "the tree refused it: a bad NAME, or not a loadable guest";
    default:
      return std::strerror(err);
  }
}

bool is_file(const std::string& path) {
  return ::access(path.c_str(), R_OK) == 0;
}

// Where fsched_guest.h and the kernel types are: $FSCHED_GUEST_SDK, the
// installed copy, or the source tree this fsched was built from.
std::string sdk_dir() {
  if (const char* env = std::getenv("FSCHED_GUEST_SDK"); env && *env) return env;
  for (const char* dir : {FSCHED_GUEST_SDK_INSTALLED, FSCHED_GUEST_SDK_SOURCE})
    if (is_file(std::string(dir) + "/fsched_guest.h")) return dir;
  throw CliError("cannot find the guest SDK (fsched_guest.h); set FSCHED_GUEST_SDK");
}

std::string find_clang() {
  if (const char* env = std::getenv("CLANG"); env && *env) return env;
  for (const char* name : {"clang-19", "clang"}) {
    std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  throw CliError("fsched guest build needs clang (clang-19); install it or set CLANG");
}

}  // namespace

std::pair<std::string, std::uint64_t> parse_knob(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw CliError("--set takes KNOB=VALUE, not \"" + text + "\"");
  std::string value = text.substr(eq + 1);
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || p != value.data() + value.size())
    throw CliError("knob " + text.substr(0, eq) + " takes a non-negative integer, not \"" +
                   value + "\"");
  return {text.substr(0, eq), v};
}

int run_guest_load(const GuestLoadOptions& o) {
  std::string elf = read_object(o.object);
  for (const auto& [knob, value] : o.knobs) {
    auto patched = scx::set_guest_knob(elf, knob, value);
    if (!patched) throw CliError(o.object + ": " + patched.error().message);
    elf = std::move(patched.value());
  }
  std::string name = o.name;
  auto info = scx::inspect_guest(elf);
  if (!info) throw CliError(o.object + ": " + info.error().message);
  if (name.empty()) name = info->ops_name;
  if (name.empty()) throw CliError(o.object + ": the scheduler has no name; give NAME");
  const std::string path = find_mount(o.mount) + "/schedulers/" + name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw CliError("cannot load " + name + ": " + load_error(errno, name));
  int err = 0;
  for (std::size_t done = 0; done < elf.size() && !err;) {
    ssize_t n = ::write(fd, elf.data() + done, elf.size() - done);
    if (n < 0) err = errno;
    else done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && !err) err = errno;
  if (err == EINVAL) {
    // The daemon logged the kernel's reason; the same check here shows it.
    auto why = scx::verify_guest(elf);
    throw CliError("cannot load " + name + ": " +
                   (why ? std::string("the daemon refused it (its log says why)")
                        : why.error().message));
  }
  if (err) throw CliError("cannot load " + name + ": " + load_error(err, name));
  std::printf("loaded %s (scheduler \"%s\", %zu bytes); run it with: echo %s > GROUP/scheduler\n",
              name.c_str(), info->ops_name.c_str(), elf.size(), name.c_str());
  return 0;
}

int run_guest_build(const std::string& source, const std::string& output) {
  std::string out = output;
  if (out.empty()) {
    const std::string suffix = ".bpf.c";
    out = source.size() > suffix.size() &&
                  source.compare(source.size() - suffix.size(), suffix.size(), suffix) == 0
              ? source.substr(0, source.size() - 2) + ".o"
              : source + ".o";
  }
  if (!is_file(source)) throw CliError("cannot read " + source);
  const std::string clang = find_clang(), sdk = sdk_dir();
  std::vector<std::string> argv = {clang, "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86",
                                   "-Wall", "-Wno-missing-declarations", "-I", sdk, "-c", source, "-o", out};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw CliError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "fsched: cannot run %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw CliError("clang could not build " + source + " (its messages are above)");
  auto info = scx::inspect_guest(read_object(out));
  if (!info) throw CliError(out + ": " + info.error().message);
  std::printf("built %s (scheduler \"%s\"); load it with: fsched guest load %s\n", out.c_str(),
              info->ops_name.c_str(), out.c_str());
  return 0;
}

}  // namespace fsched::cli
