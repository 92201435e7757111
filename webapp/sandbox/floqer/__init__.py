"""Simulated Floqer workspace: workflows, sheets, action chains, rows and their runs."""
