#include "gradlaws/gallery_case.hpp"
#include "gradlaws/opaque.hpp"

#include <algorithm>

namespace gradlaws {

namespace {
std::vector<gallery_case> &registry() {
  static std::vector<gallery_case> cases;
  return cases;
}

std::string detail_of(const run_result &r, const std::string &key) {
  for (const auto &[k, v] : r.details)
    if (k == key) return v;
  return "";
}

/// True when the run's diagnosis ("matches" for pipelines, "diagnosis" for batch gradients)
/// names what the case expects.
bool names(const run_result &r, const std::string &expected) {
  return r.status == run_status::falsified &&
         (detail_of(r, "matches").find(expected) != std::string::npos ||
          detail_of(r, "diagnosis").find(expected) != std::string::npos);
}
} // namespace

bool register_gallery_case(gallery_case c) {
  if (c.info.name.empty()) throw error("a gallery case needs a name");
  for (const gallery_case &g : registry())
    if (g.info.name == c.info.name) throw error("gallery case '" + c.info.name + "' is registered twice");
  if (c.bug.index() != c.twin.index())
    throw error("gallery case '" + c.info.name + "': the bug and its twin must be subjects of one kind");
  if (c.info.subject.empty()) {
    switch (c.bug.index()) {
    case 0: c.info.subject = "batch gradient"; break;
    case 1:
      c.info.subject = "pipeline (" + std::string(c.options.pipeline ? to_string(*c.options.pipeline)
                                                                     : "no family") + ")";
      break;
    case 2: c.info.subject = "training step"; break;
    default: c.info.subject = "gradient accumulation"; break;
    }
  }
  registry().push_back(std::move(c));
  return true;
}

std::vector<gallery_info> gallery_cases() {
  std::vector<gallery_info> out;
  for (const gallery_case &g : registry()) out.push_back(g.info);
  return out;
}

namespace {
const gallery_case &find_case(const std::string &name) {
  const auto &all = registry();
  const auto it = std::find_if(all.begin(), all.end(), [&](const gallery_case &g) { return g.info.name == name; });
  if (it == all.end()) {
    std::vector<std::string> known;
    for (const gallery_case &g : all) known.push_back(g.info.name);
    throw unknown_name_error("gallery case", name, known);
  }
  return *it;
}
} // namespace

gallery_outcome run_gallery_case(const std::string &name, const run_options &opt) {
  const gallery_case *it = &find_case(name);
  check_options o = it->options;
  o.run = opt;
  gallery_outcome out;
  out.info = it->info;
  std::visit([&](const auto &s) { out.bug = check(s, o); }, it->bug);
  std::visit([&](const auto &s) { out.twin = check(s, o); }, it->twin);
  return out;
}

namespace {
/// s, handed `inside` in double and float whatever model it is given, declared as written for
/// an opaque module of inside's sizes.
gradient_subject hide_model(const gradient_subject &s, std::shared_ptr<const model> inside) {
  gradient_subject h(s.name());
  auto pass = [&s, inside]<class F>(type_list<F>) {
    return [f = s.on<F>(), inside](const model &, const vec<F> &theta, const mat<F> &x,
                                   const mat<F> &y, const reduction &r) {
      return f(*inside, theta, x, y, r);
    };
  };
  h.set<double>(pass(type_list<double>{}));
  h.set<float>(pass(type_list<float>{}));
  capabilities c = s.supported();
  c.fixed_model = std::make_shared<const model>(opaque_model(
      "hidden " + inside->describe(), inside->input_dim(), inside->output_dim(),
      inside->parameter_count(), std::shared_ptr<const loss>(inside, &inside->objective_loss())));
  c.batch_coupled = c.batch_coupled || inside->batch_coupled();
  return h.supports(std::move(c));
}
} // namespace

namespace {
/// The case's options for a hidden run, and the model its subjects are handed.
std::pair<check_options, std::shared_ptr<const model>>
hidden_options(const gallery_case &c, const run_options &opt, const model &inside) {
  if (c.bug.index() != 0)
    throw error("gallery case '" + c.info.name + "' is a pipeline; only batch gradients can be hidden");
  check_options o = c.options;
  o.run = opt;
  model base = o.fixed_model ? *o.fixed_model : inside;
  // Code for class-index losses gets a module under one of them, with two classes.
  const capabilities &can = std::get<0>(c.bug).supported();
  if (!can.losses.admits(base.objective_loss())) {
    const auto admitted = can.losses.of(losses());
    if (admitted.empty())
      throw error("gallery case '" + c.info.name + "' admits no registered loss");
    base = make_mlp(base.input_dim(), {3}, {"tanh"}, 2, admitted.front()->name());
  }
  auto m = std::make_shared<const model>(std::move(base));
  o.fixed_model.reset();
  o.variants.clear(); // a hidden model has one variant: double, judged against float
  return {o, m};
}
} // namespace

const model &hidden_default_model() {
  static const model m = make_mlp(2, {3}, {"tanh"}, 1, "mse");
  return m;
}

gallery_outcome run_gallery_case_hidden(const std::string &name, const run_options &opt,
                                        const model &inside) {
  const gallery_case &c = find_case(name);
  const auto [o, m] = hidden_options(c, opt, inside);
  gallery_outcome out;
  out.info = c.info;
  // The diagnosis probes with a model of its own, which code for one module cannot run: a
  // hidden bug is caught when a law falsifies it.
  out.info.expected_match.clear();
  out.bug = check(hide_model(std::get<0>(c.bug), m), o);
  out.twin = check(hide_model(std::get<0>(c.twin), m), o);
  return out;
}

std::vector<run_result> run_gallery_twin_hidden(const std::string &name, const run_options &opt,
                                                const model &inside) {
  const gallery_case &c = find_case(name);
  const auto [o, m] = hidden_options(c, opt, inside);
  return check(hide_model(std::get<0>(c.twin), m), o);
}

std::vector<run_result> run_gallery_twin_on_machine(const std::string &name, const run_options &opt) {
  const gallery_case &c = find_case(name);
  check_options o = c.options;
  o.run = opt;
  std::vector<run_result> out;
  std::visit([&](const auto &s) {
    for (const auto &[law, v] : plan(s, o))
      if (variant::parse(v).on == rung::machine) {
        check_options one = o;
        one.laws = {law};
        one.variants = {v};
        for (run_result &r : check(s, one)) out.push_back(std::move(r));
      }
  }, c.twin);
  return out;
}

const run_result *gallery_outcome::witness() const {
  // The run whose diagnosis names the expected convention speaks best for the bug.
  if (!info.expected_match.empty())
    for (const run_result &r : bug)
      if (names(r, info.expected_match)) return &r;
  for (const run_result &r : bug)
    if (r.status == run_status::falsified) return &r;
  return nullptr;
}

bool gallery_outcome::caught() const {
  const run_result *w = witness();
  if (!w) return false;
  if (info.expected_match.empty()) return true;
  return std::any_of(bug.begin(), bug.end(),
                     [&](const run_result &r) { return names(r, info.expected_match); });
}

bool gallery_outcome::twin_passed() const {
  return !twin.empty() && std::all_of(twin.begin(), twin.end(), [](const run_result &r) { return r.passed; });
}

} // namespace gradlaws
