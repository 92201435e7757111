"""`python -m bench`: every benchmark, one after the other; `python -m bench fragments
history` runs only those (names: sandbox, org_cache, fragments, history, preflight,
resilience)."""

import sys

from bench import fragments, history, org_cache, preflight, resilience, sandbox

BENCHMARKS = {
    "sandbox": sandbox.main,
    "org_cache": org_cache.main,
    "fragments": fragments.main,
    "history": history.main,
    "preflight": preflight.main,
    "resilience": resilience.main,
}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"no benchmark named {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in chosen:
        BENCHMARKS[name]()
