"""API endpoints of the ledger app (mounted under /api/ledger/ in superteam/api/urls.py)."""

from ninja import Router

router = Router()
