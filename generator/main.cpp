// lgtmgen's entry point: the CLI on the real file system.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  lgtmgen::out::RealFileSystem fs;
  return lgtmgen::cli::Main(std::vector<std::string>(argv + 1, argv + argc), fs, std::cout, std::cerr);
}
