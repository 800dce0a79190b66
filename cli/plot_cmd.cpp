#include "plot_cmd.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli_error.hpp"
#include "plot_data.hpp"

namespace fsched::cli {

namespace {
// gnuplot on the PATH, or "" when it is not installed.
std::string find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    std::size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(at, end - at);
    std::string candidate = (dir.empty() ? "." : dir) + "/gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    at = end + 1;
  }
  return "";
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A directory of our own for gnuplot's input, removed when done.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/fsched-plot-XXXXXX";
    if (!::mkdtemp(tmpl.data()))
      throw CliError("cannot make a directory in " + tmpl + ": " + std::strerror(errno));
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  if (!f) throw CliError("cannot write " + path);
}

int run_program(const std::string& program, const std::string& arg) {
  pid_t pid = ::fork();
  if (pid < 0) throw CliError(std::string("cannot fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::execl(program.c_str(), program.c_str(), arg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

std::string default_plot_output(const std::string& file) {
  std::filesystem::path p(file);
  if (p.filename().string().find('.') != std::string::npos && p.filename().string().front() != '.')
    p.replace_extension(".svg");
  else
    p += ".svg";
  return p.string();
}

int run_plot(const PlotOptions& o) {
  const std::string out = o.out.empty() ? default_plot_output(o.file) : o.out;
  if (!ends_with(out, ".svg") && !ends_with(out, ".png"))
    throw CliError("plot: -o must end in .svg or .png, not \"" + out + "\"");
  if (out == o.file) throw CliError("plot: the picture would overwrite " + o.file);
  std::ifstream in(o.file);
  if (!in) throw CliError("cannot read " + o.file + ": " + std::strerror(errno));
  const PlotData data = read_record(in, o.file, o.by_user, o.groups);
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty())
    throw CliError(
        "plot needs gnuplot, which is not on the PATH (Debian: apt-get install gnuplot-nox)");

  ScratchDir scratch;
  const std::string data_path = scratch.path() + "/shares.tsv";
  const std::string script_path = scratch.path() + "/plot.gp";
  const std::string tmp_out = scratch.path() + "/out" + (ends_with(out, ".png") ? ".png" : ".svg");
  write_text(data_path, gnuplot_data(data));
  write_text(script_path, gnuplot_script(data, data_path, tmp_out, o.by_user));
  if (int rc = run_program(gnuplot, script_path); rc != 0)
    throw CliError("gnuplot failed (exit status " + std::to_string(rc) + "), as it says above");
  struct stat st;
  if (::stat(tmp_out.c_str(), &st) != 0 || st.st_size == 0)
    throw CliError("gnuplot wrote no picture");
  // Drawn aside and copied over: a failed run leaves an older picture be.
  std::error_code ec;
  std::filesystem::copy_file(tmp_out, out, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw CliError("cannot write " + out + ": " + ec.message());
  std::printf("%s: %zu samples, %zu series\n", out.c_str(), data.times.size(),
              shown_series(data).size());
  return 0;
}

}  // namespace fsched::cli
