"""Floqer 'Salesforce: Upsert Record' configurator, with its built-in Floqer sandbox."""
