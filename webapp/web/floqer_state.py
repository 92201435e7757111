"""(Being built for issue 9.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
