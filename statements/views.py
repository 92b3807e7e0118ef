from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from statements import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "statements/home.html", {"latest": selectors.statement_latest(limit=10)})


@require_GET
def statement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    statement = selectors.statement_get_for_reader(slug=slug, user=request.user)
    if statement is None:
        target = selectors.statement_redirect_target(old_slug=slug, user=request.user)
        if target is not None:
            return redirect(target, permanent=True)
        raise Http404("No statement at this address.")
    authorships = list(statement.authorships.all())
    return render(
        request,
        "statements/statement_detail.html",
        {
            "statement": statement,
            "authors": [a for a in authorships if a.role == "author"],
            "signatories": [a for a in authorships if a.role == "signatory"],
            "other_credits": [a for a in authorships if a.role not in ("author", "signatory")],
            "is_preview": not statement.is_public,
        },
    )
