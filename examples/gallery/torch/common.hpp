#pragma once
// The libtorch gallery: averaging bugs as libtorch users write them (a module, forward,
// loss.backward(), the loops around it), each with its correct twin. gradlaws::torch hands
// each step its module with θ in the parameters and reads the gradients it leaves in .grad.

#include <gradlaws/gallery_case.hpp>
#include <gradlaws/torch.hpp>

#include <string>

namespace torch_gallery {

using namespace gradlaws;
namespace lt = gradlaws::libtorch;
namespace F = ::torch::nn::functional;
using ::torch::Tensor;
using net = ::torch::nn::Sequential;

/// Every model gradlaws draws, built as nn::Sequential.
inline net any_model(const model &m) { return lt::sequential(m); }

/// A gradient-subject case of the libtorch gallery: bug and twin are steps on nn::Sequential.
template <class Bug, class Twin>
gallery_case step_case(gallery_info info, const std::string &bug_name, Bug bug,
                       const std::string &twin_name, Twin twin, capabilities c = {},
                       check_options options = {}) {
  info.framework = "libtorch";
  return {.info = std::move(info),
          .bug = lt::make_gradient_subject(bug_name, any_model, bug, c),
          .twin = lt::make_gradient_subject(twin_name, any_model, twin, c),
          .options = std::move(options)};
}

/// A pipeline case: bug and twin are steps over the groups of a layout of `family`.
template <class Bug, class Twin>
gallery_case pipeline_case(gallery_info info, strategy_family family, const std::string &bug_name,
                           Bug bug, const std::string &twin_name, Twin twin, capabilities c = {}) {
  info.framework = "libtorch";
  return {.info = std::move(info),
          .bug = lt::make_pipeline_subject(bug_name, any_model, bug, c),
          .twin = lt::make_pipeline_subject(twin_name, any_model, twin, c),
          .options = {.pipeline = family}};
}

} // namespace torch_gallery
