// The unit tests' precompiled prelude is built with this (empty) source.
