"""API endpoints of the innovations app (mounted under /api/innovations/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
