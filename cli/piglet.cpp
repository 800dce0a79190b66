// piglet: a tight CPU loop, the fair-share assignment's CPU-bound user.
//   piglet [SECONDS]   (forever without)
#include <cstdio>
#include <cstdlib>
#include <ctime>

int main(int argc, char** argv) {
  double limit = argc > 1 ? std::atof(argv[1]) : 0;
  if (argc > 2 || (argc == 2 && limit <= 0)) {
    std::fprintf(stderr, "usage: piglet [SECONDS]\n");
    return 2;
  }
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  volatile unsigned long spin = 0;
  for (;;) {
    // The clock is asked rarely, so the loop is nearly all user time.
    for (int i = 0; i < 50'000'000; ++i) spin = spin + 1;
    if (limit <= 0) continue;
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= limit) return 0;
  }
}
