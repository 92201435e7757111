"""Simulated Salesforce org behind the sandbox."""
