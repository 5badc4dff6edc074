// gradlaws: list, check and report the catalogue of batch-gradient laws and fallacies.
#include "cli.hpp"

#include <iostream>

int main(int argc, char **argv) {
  return gradlaws::cli::run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
