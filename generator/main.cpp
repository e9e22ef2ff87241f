// lgtmgen's entry point: builds the real file system, runs the CLI, and turns
// the exceptions that mean I/O failure or a bug into an exit code and one line.

#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  using lgtmgen::cli::ExitCode;
  std::vector<std::string> args(argv + 1, argv + argc);
  lgtmgen::out::RealFileSystem fs;
  lgtmgen::cli::Context ctx{fs, std::cout, std::cerr};
  try {
    return lgtmgen::cli::Run(args, ctx);
  } catch (const lgtmgen::out::IoError& e) {
    std::cerr << "lgtmgen: error: " << e.what() << "\n";
    return ExitCode::kIoError;
  } catch (const std::exception& e) {
    std::cerr << "lgtmgen: internal error: " << e.what() << "\n  please report this with the spec that caused it\n";
    return ExitCode::kIoError;
  }
}
