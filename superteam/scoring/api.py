"""API endpoints of the scoring app (mounted under /api/scoring/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
