"""How a view tells the user that a service refused: one helper for every app's views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def error_messages(request, exc: ValidationError) -> None:
    """Each message of a service's ``ValidationError`` as an error message on the next page, in order (a dict
    error's messages included, without their field names: a service speaks to the user in whole sentences)."""
    for message in exc.messages:
        messages.error(request, message)
