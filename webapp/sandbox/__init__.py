"""A faithful local Floqer API over a simulated Salesforce org: the app's default backend.

It speaks only HTTP: the app reaches it through the same client and base URL as real
Floqer, never by importing it.
"""

from webapp.sandbox.server import create_sandbox_app
from webapp.sandbox.settings import SandboxSettings

__all__ = ["SandboxSettings", "create_sandbox_app"]
