"""The API token page: a signed-in person lists, creates and revokes their device tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from superteam.api.forms import TokenForm
from superteam.api.models import ApiToken
from superteam.api.services import issue_token, revoke_token
from superteam.core.permissions import require


@never_cache
@login_required
def tokens(request):
    """Own tokens, newest first; a new token's secret is shown once, on this response only."""
    require(request, "api.manage_tokens")
    form = TokenForm(person=request.user)
    raw = None
    if request.method == "POST":
        form = TokenForm(request.POST, person=request.user)
        if form.is_valid():
            _token, raw = issue_token(
                person=request.user, name=form.cleaned_data["name"], actor=request.user
            )
            form = TokenForm(person=request.user)
    context = {
        "form": form,
        "raw": raw,
        "tokens": list(ApiToken.objects.filter(person=request.user).order_by("-created_at")[:100]),
        "api_url": request.build_absolute_uri("/api/"),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request, pk: int):
    """Revoke one of one's own tokens (another person's token is refused)."""
    token = get_object_or_404(ApiToken, pk=pk)
    require(request, "api.manage_tokens", token)
    revoke_token(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("tokens:list")
