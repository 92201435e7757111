"""The orgs the sandbox can serve."""
