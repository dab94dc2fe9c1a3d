"""API endpoints of the agreements app (mounted under /api/agreements/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
