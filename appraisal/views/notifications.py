"""The user's notices: the list, marking one or all read. A notice is its addressee's only (404 otherwise)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..forms import NoticeOpenForm, PageForm
from ..models import Notification
from ..services import notification_mark_read


@login_required
def notification_list(request):
    notices = Notification.objects.filter(user=request.user)
    page = Paginator(notices, 50).get_page(PageForm(request.GET).number)
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "appraisal/notifications/list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notice read and go to what it is about (or back to the list)."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(actor=request.user, notification=notice)
    if NoticeOpenForm(request.POST).opens and notice.url:
        return redirect(notice.url)
    return redirect("appraisal:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    notification_mark_read(actor=request.user)
    return redirect("appraisal:notification_list")
