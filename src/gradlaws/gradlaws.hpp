#pragma once
// Everything a user of gradlaws needs: the precision ladder, registries, models, the backprop
// engine, the oracle, generators, verdicts, the property harness and reports.

#include "gradlaws/activation.hpp"
#include "gradlaws/backprop.hpp"
#include "gradlaws/catalogue.hpp"
#include "gradlaws/dual.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/gen.hpp"
#include "gradlaws/layer.hpp"
#include "gradlaws/literals.hpp"
#include "gradlaws/loss.hpp"
#include "gradlaws/model.hpp"
#include "gradlaws/oracle.hpp"
#include "gradlaws/problem.hpp"
#include "gradlaws/property.hpp"
#include "gradlaws/report.hpp"
#include "gradlaws/scalar.hpp"
#include "gradlaws/verdict.hpp"
