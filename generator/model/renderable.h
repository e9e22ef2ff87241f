#pragma once
// What a valid spec may ask for but this version does not render yet. It is
// the one list of such refusals: LoadModel runs it, so `lgtmgen validate`
// and `lgtmgen render` refuse exactly the same specs ("valid" means
// "renders"), each at the spec field that asks for it, before any file is
// produced. A repository that looks complete but is not would be worse than
// none.
#include "diag/diagnostics.h"
#include "model/model.h"
#include "spec/document.h"

namespace lgtmgen::model {

/// Reports every part of model this version cannot render. Never throws.
void CheckRenderable(const Model& model, const spec::Document& doc, diag::Diagnostics& diags);

}  // namespace lgtmgen::model
