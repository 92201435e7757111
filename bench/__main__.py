"""`python -m bench`: every benchmark, one after the other."""

from bench import fragments, preflight, resilience, sandbox

if __name__ == "__main__":
    sandbox.main()
    fragments.main()
    preflight.main()
    resilience.main()
