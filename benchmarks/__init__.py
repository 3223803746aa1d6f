"""The benchmark suite of ``aggregate``: seeded scenario generator, phase timings, the
direct-highspy reference, solver comparison and LP-relaxation bounds (see README.md)."""
