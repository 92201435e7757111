"""`python -m bench`: every benchmark, one after the other."""

from bench import fragments, history, preflight, resilience, sandbox

if __name__ == "__main__":
    sandbox.main()
    fragments.main()
    history.main()
    preflight.main()
    resilience.main()
