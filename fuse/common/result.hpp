// Recoverable errors travel as values; only what should end the daemon is
// thrown (FatalError, caught once in main).
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace fsched {

struct Error {
  int code = EIO;  // an errno: what a FUSE reply or a CLI exit reports
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that only succeed or fail.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(int code, std::string message) {
  return Error{code, std::move(message)};
}

class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace fsched
