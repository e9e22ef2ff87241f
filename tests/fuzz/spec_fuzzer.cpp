// libFuzzer target: any bytes as a fleet spec, through everything `lgtmgen
// validate` runs (YAML, limits, schema, literal-secret check, model build and
// validation, diagnostics formatting), on an in-memory disk. Finds crashes,
// sanitizer errors and hangs; a refusal is a normal outcome.
// Build and run: see tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diag/diagnostics.h"
#include "out/filesystem.h"
#include "pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  lgtmgen::out::MemFileSystem disk;  // dashboard files resolve to nothing
  lgtmgen::diag::Diagnostics diags;
  (void)lgtmgen::LoadModel(lgtmgen::SpecInput{"fuzz.yaml", text, "."}, disk, diags);
  lgtmgen::diag::SourceTexts sources;
  sources.Add("fuzz.yaml", text);
  (void)lgtmgen::diag::Format(diags, sources);
  return 0;
}
