"""API endpoints of the meetings app (mounted under /api/meetings/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
