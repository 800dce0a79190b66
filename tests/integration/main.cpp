// Root integration tests: they mount the real filesystem over real cgroups.
// Where that cannot be done they exit 77, which meson reports as a skip,
// after saying why.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>

#include "harness.hpp"

int main(int argc, char** argv) {
  std::string why = it::skip_reason();
  if (!why.empty()) {
    std::printf("SKIP: %s\n", why.c_str());
    return 77;
  }
  int failed = Catch::Session().run(argc, argv);
  if (it::g_daemon_failed) {
    std::printf("FAIL: a daemon under test did not exit cleanly (see above)\n");
    return failed ? failed : 1;
  }
  return failed;
}
