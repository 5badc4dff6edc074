#pragma once
// Formulas typeset as MathML, which browsers lay out without any script. gradlaws writes its
// formulas as Unicode text in the user's notation ("(1/N) Σ_i ∇_θ L_i(θ)"); the HTML report
// shows them through formula_mathml.

#include <string>
#include <string_view>

namespace gradlaws {

/// The formula as one inline <math> element (HTML syntax: no namespace attribute), the text
/// itself kept as its annotation. Reads, in gradlaws's notation:
///   subscripts `x_i`, `x_12`, `L_extra`, `Σ_{i∈k}`; superscripts `x^2`, `x^{n+1}`; primes
///   `σ′` (on the line, after their letter); `(a/b)` of simple terms as a fraction;
///   identifiers (a letter, with its combining accents: `x̄`); names called like functions
///   (`fl(…)`, `backward_{x̄}(…)`); numbers; operators (Σ as the summation sign, `..` as an
///   ellipsis); and runs of words as text ("for every k" is text, then the identifier k).
///   Two or more spaces are a wide gap.
/// Total: any text gives well-formed MathML (an unmatched bracket is shown as it is).
/// Example: formula_mathml("σ′(z_i)") is (on one line)
///   <math><semantics><mrow><mrow><mi>σ</mi><mo lspace="0" rspace="0">′</mo></mrow>
///   <mrow><mo stretchy="false">(</mo><msub><mi>z</mi><mi>i</mi></msub><mo stretchy="false">)</mo>
///   </mrow></mrow><annotation encoding="text/plain">σ′(z_i)</annotation></semantics></math>
std::string formula_mathml(std::string_view formula);

} // namespace gradlaws
