// lgtmgen's entry point: the CLI on the real file system.
#include <cstdlib>
#include <iostream>

#include "cli/cli.h"

namespace {

// Where render records go: $LGTMGEN_CACHE_DIR (empty: keep none), else the
// XDG cache folder.
std::string CacheDir() {
  if (const char* dir = std::getenv("LGTMGEN_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/lgtmgen";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.cache/lgtmgen";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  lgtmgen::out::RealFileSystem fs;
  return lgtmgen::cli::Main(std::vector<std::string>(argv + 1, argv + argc), fs, std::cout, std::cerr, CacheDir());
}
