from django import template

register = template.Library()


@register.filter
def vn_full_name(user) -> str:
    """Vietnamese order: family and middle names (last_name) before the given name (first_name)."""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
