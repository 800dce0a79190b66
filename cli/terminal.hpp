// The terminal while `fsched top` runs: keys arrive unbuffered and
// unechoed, and whatever happens the terminal is given back as it was.
#pragma once

#include <termios.h>

namespace fsched::cli {

class RawTerminal {
 public:
  // Does nothing when stdin is not a terminal.
  RawTerminal();
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  // Waits up to `seconds` for a key; 0 when none came.
  static int wait_key(double seconds);
  // Rows and columns, or 24x80 when unknown.
  static void size(int* rows, int* cols);

 private:
  bool active_ = false;
  termios saved_{};
};

}  // namespace fsched::cli
