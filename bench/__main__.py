"""`python -m bench`: every benchmark, one after the other."""

from bench import fragments, history, org_cache, preflight, resilience, sandbox

if __name__ == "__main__":
    sandbox.main()
    org_cache.main()
    fragments.main()
    history.main()
    preflight.main()
    resilience.main()
