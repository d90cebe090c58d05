from .access import access_for


def roles(request):
    """Expose the user's access to templates lazily (the query runs only if a template asks)."""
    user = getattr(request, "user", None)
    return {"party_access": (lambda: access_for(user)) if user is not None else None}
