// The shared precompiled prelude (cmake/GradlawsTargets.cmake) is built with this empty source.
