from django import template

register = template.Library()


@register.filter
def vn_full_name(user) -> str:
    """The person's name in Vietnamese order: the linked member record's full name when the account has one (the
    party's own record of the name), else the account's family and middle names (last_name) before the given
    name (first_name), else the login name."""
    member = getattr(user, "member", None)  # reverse one-to-one: loaded once per request, None when unlinked
    if member is not None and member.full_name:
        return member.full_name
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
