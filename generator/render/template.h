#pragma once
// The strict template helper. Templates are files under templates/; their
// syntax collides with nothing our outputs contain ({{ }}, ${}, $values...):
//
//   @@name@@          replaced by the variable's value. When it is alone on a
//                     line, every line of a multi-line value is indented like
//                     the placeholder, and an empty value removes the line.
//   #~if name         keeps the lines up to the matching #~end when the
//   #~ifnot name      variable is non-empty and not "false" (#~ifnot: the
//   #~end             opposite). Blocks nest.
//   #~ anything else  a template comment, dropped.
//
// A variable the template uses but the caller did not give, or gives but the
// template never uses, is an error naming template:line.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lgtmgen::render {

/// Variables by name; looked up by string_view (std::less<>) while rendering.
using Vars = std::map<std::string, std::string, std::less<>>;

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Renders text (named name in errors) with vars. Throws TemplateError.
[[nodiscard]] std::string Render(std::string_view text, const std::string& name, const Vars& vars);

/// Renders the embedded (or --templates overridden) file templates/<path>.
[[nodiscard]] std::string RenderFile(const std::string& path, const Vars& vars);

/// The variables of vars that the template text uses, in placeholders and in
/// #~if/#~ifnot conditions: for emitters that hold
/// one set of values for several templates. A variable the template uses but
/// vars lacks is left out, so Render still reports it as unknown.
[[nodiscard]] Vars UsedBy(std::string_view text, const Vars& vars);

/// "true" or "false", for #~if variables.
[[nodiscard]] inline std::string Flag(bool b) { return b ? "true" : "false"; }

}  // namespace lgtmgen::render
