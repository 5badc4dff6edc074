// The HTML report in a real browser: `gradlaws report --html` is rendered by headless Chromium,
// which must show the answer's numbers and every family's picture in the page it lays out
// (its DOM after rendering), typeset its formulas as MathML, and paint screenshots that are
// not blank. The screenshots are kept in the build tree (tests/browser/) for a person to look
// at.

#include <gtest/gtest.h>
#include <png.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs a shell command; returns its exit status.
int run(const std::string &command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string quoted(const fs::path &p) { return "'" + p.string() + "'"; }

/// Where this test writes: the report, the DOM and the screenshots.
const fs::path &work_dir() {
  static const fs::path dir = [] {
    const fs::path d = fs::path(GRADLAWS_BROWSER_OUT);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

/// The report, written once for every test here.
const fs::path &html_report() {
  static const fs::path html = [] {
    const fs::path md = work_dir() / "gradlaws-report.md";
    const std::string cmd = std::string(quoted(GRADLAWS_CLI)) + " report --html --no-timings --out " +
                            quoted(md) + " > " + quoted(work_dir() / "report.log") + " 2>&1";
    EXPECT_EQ(run(cmd), 0) << read_file(work_dir() / "report.log");
    return work_dir() / "gradlaws-report.html";
  }();
  return html;
}

std::string chromium(const std::string &args) {
  return std::string(quoted(GRADLAWS_CHROMIUM)) +
         " --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
         "--disable-extensions --force-device-scale-factor=1 " + args;
}

/// The DOM of a page after Chromium has parsed and laid it out.
std::string dom_of(const fs::path &page, const std::string &name) {
  const fs::path out = work_dir() / (name + ".html");
  EXPECT_EQ(run(chromium("--dump-dom 'file://" + page.string() + "' > " + quoted(out) + " 2> " +
                         quoted(work_dir() / ("chromium-" + name + ".log")))),
            0);
  return read_file(out);
}

/// The report's DOM.
const std::string &rendered_dom() {
  static const std::string dom = dom_of(html_report(), "dom");
  return dom;
}

/// The report with one more style rule or script (the report itself has none), written beside it.
fs::path report_with(const std::string &before, const std::string &added, const std::string &name) {
  std::string page = read_file(html_report());
  const auto at = page.find(before);
  EXPECT_NE(at, std::string::npos) << before;
  page.insert(at == std::string::npos ? page.size() : at, added);
  const fs::path copy = work_dir() / (name + ".html");
  std::ofstream(copy) << page;
  return copy;
}

struct pixels {
  unsigned width = 0, height = 0;
  std::vector<unsigned char> rgba;
};

pixels screenshot(const std::string &url, const std::string &name, unsigned w, unsigned h) {
  const fs::path png = work_dir() / (name + ".png");
  EXPECT_EQ(run(chromium("--window-size=" + std::to_string(w) + "," + std::to_string(h) +
                         " --screenshot=" + quoted(png) + " '" + url + "' 2> " +
                         quoted(work_dir() / ("chromium-" + name + ".log")))),
            0);
  pixels p;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, png.string().c_str())) {
    ADD_FAILURE() << "cannot read the screenshot " << png << ": " << image.message;
    return p;
  }
  image.format = PNG_FORMAT_RGBA;
  p.width = image.width;
  p.height = image.height;
  p.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, p.rgba.data(), 0, nullptr))
    ADD_FAILURE() << "cannot decode the screenshot " << png << ": " << image.message;
  return p;
}

/// The share of pixels that are not (near) white, and the number of distinct colours.
std::pair<double, std::size_t> ink(const pixels &p) {
  std::size_t inked = 0;
  std::set<unsigned> colours;
  for (std::size_t k = 0; k + 3 < p.rgba.size(); k += 4) {
    const unsigned r = p.rgba[k], g = p.rgba[k + 1], b = p.rgba[k + 2];
    if (r < 235 || g < 235 || b < 235) ++inked;
    colours.insert((r >> 4) << 8 | (g >> 4) << 4 | (b >> 4));
  }
  return {p.rgba.empty() ? 0.0 : double(inked) / double(p.rgba.size() / 4), colours.size()};
}

/// True if some pixel is within `tol` of the colour #rrggbb.
bool has_colour(const pixels &p, unsigned rgb, int tol = 24) {
  const int r = int(rgb >> 16), g = int(rgb >> 8 & 0xff), b = int(rgb & 0xff);
  for (std::size_t k = 0; k + 3 < p.rgba.size(); k += 4)
    if (std::abs(p.rgba[k] - r) <= tol && std::abs(p.rgba[k + 1] - g) <= tol &&
        std::abs(p.rgba[k + 2] - b) <= tol)
      return true;
  return false;
}

TEST(HtmlReport, ChromiumLaysOutTheAnswerWithTheSeedsNumbersAndTheLinearityVerdict) {
  const std::string &dom = rendered_dom();
  ASSERT_FALSE(dom.empty());
  for (const char *text : {"The answer", "Is the gradient of the batch's average loss the same",
                           "<strong>Yes.</strong>", "held on all 21 variants", "0.23500", "0.22331",
                           "Jensen's gap", "The catalogue by family", "Glossary", "refuted"})
    EXPECT_NE(dom.find(text), std::string::npos) << text;
  EXPECT_EQ(dom.find(">PASS</td><td>fallacy"), std::string::npos);
}

TEST(HtmlReport, EveryFallacyFamilyHasAPictureInThePage) {
  const std::string &dom = rendered_dom();
  // One picture (an inline <svg> in a <figure>) for each part of the catalogue with fallacies.
  for (const char *picture : {"fallacy_derivative_at_mean.sigmoid_high.jensen-gap.svg",       // averaging before the nonlinearity
                              "fallacy_gradient_at_mean_example.linear_regression.gradients.svg", // … before the model
                              "fallacy_accumulation_mean_of_means.exact.weights.svg",           // the training pipeline
                              "fallacy_batchnorm_isolated_examples.batch_norm_high.normalised-values.svg",
                              "fallacy_batchnorm_examples_independent.batch_centring_exact.normalised-values.svg",
                              "fallacy_float_batching_bitwise.double.rounding.svg",             // floating point
                              "fallacy_nonlinear_reduction.rmse.sides.svg"})                    // linearity (reductions)
  {
    const auto at = dom.find(std::string("<figure id=\"") + picture + "\">");
    ASSERT_NE(at, std::string::npos) << picture;
    EXPECT_EQ(dom.compare(at + std::string("<figure id=\"").size() + std::string(picture).size() + 3, 4, "<svg"), 0)
        << picture;
  }
  EXPECT_NE(dom.find("the mean of σ′(z_i) ≈ 0.22331"), std::string::npos);
  EXPECT_NE(dom.find("σ′ at the mean z̄ ≈ 0.23500"), std::string::npos);
}

TEST(HtmlReport, TheFirstScreenIsPaintedWithTextAndThePicture) {
  const pixels first = screenshot("file://" + html_report().string(), "first-screen", 1200, 1400);
  ASSERT_EQ(first.width, 1200u);
  const auto [share, colours] = ink(first);
  EXPECT_GT(share, 0.03) << "the first screen is (nearly) blank";
  EXPECT_GT(colours, 8u);
  EXPECT_TRUE(has_colour(first, 0x0072B2)) << "no blue: neither the quote's bar nor the curve";
  EXPECT_TRUE(has_colour(first, 0xD55E00)) << "no vermilion: the witness points are missing";
}

TEST(HtmlReport, TheSigmoidSectionIsPaintedWithItsPicture) {
  // The section alone: the same page with every other part of <main> hidden by one rule.
  const std::string id = "fallacy-derivative_at_mean-sigmoid_high-refuted-as-expected";
  const fs::path alone =
      report_with("</head>", "<style>main > :not(section#" + id + "){display:none}</style>\n", "sigmoid-section");
  const pixels sigmoid = screenshot("file://" + alone.string(), "sigmoid-section", 1200, 1400);
  const auto [share, colours] = ink(sigmoid);
  EXPECT_GT(share, 0.03);
  EXPECT_GT(colours, 8u);
  EXPECT_TRUE(has_colour(sigmoid, 0x0072B2));
  EXPECT_TRUE(has_colour(sigmoid, 0xD55E00)) << "no vermilion: the witness points are missing";
  EXPECT_NE(rendered_dom().find("<section id=\"" + id + "\">"), std::string::npos);
}

TEST(HtmlReport, ChromiumTypesetsTheFormulasAsMathMl) {
  const std::string &dom = rendered_dom();
  EXPECT_NE(dom.find("<math><semantics><mrow>"), std::string::npos);
  EXPECT_EQ(dom.find("Σ_{i∈k}</td>"), std::string::npos) << "a formula shown as notation";
  // Laid out as mathematics: a fraction's numerator stands above its denominator (a browser
  // without MathML would set them side by side), and a subscript sits below its base. A
  // script in a copy of the page measures them and writes what it found into the DOM.
  const fs::path measured = report_with("</body>", R"(<script>
const frac = document.querySelector('main math mfrac');
const sub = document.querySelector('main math msub');
const [num, den] = [frac.children[0].getBoundingClientRect(), frac.children[1].getBoundingClientRect()];
const [base, script] = [sub.children[0].getBoundingClientRect(), sub.children[1].getBoundingClientRect()];
document.body.setAttribute('data-math',
  (num.bottom <= den.top + 1 ? 'stacked' : 'side-by-side') + ' ' + (script.bottom > base.bottom ? 'lowered' : 'level'));
</script>
)", "math-measured");
  const std::string found = dom_of(measured, "math-measured-dom");
  EXPECT_NE(found.find("data-math=\"stacked lowered\""), std::string::npos)
      << found.substr(found.find("<body"), 200);
}

} // namespace
