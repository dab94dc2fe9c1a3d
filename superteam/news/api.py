"""API endpoints of the news app (mounted under /api/news/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
