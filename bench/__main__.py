"""`python -m bench`: every benchmark, one after the other."""

from bench import fragments, resilience, sandbox

if __name__ == "__main__":
    sandbox.main()
    fragments.main()
    resilience.main()
