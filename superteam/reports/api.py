"""API endpoints of the reports app (mounted under /api/reports/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
