"""Signal receivers of the reports app.

- A Celery worker process registers the document fonts once, when it starts, not on its first document.
- A worker that starts sends again the jobs kept while the queue was unreachable (reports.services.send_pending).
- A deleted job takes its file with it, whatever deleted it (the admin, a cascade from its unit, a shell): a file
  left in MEDIA_ROOT would outlive the record whose access check guards it (connected in ReportsConfig.ready).
"""

from celery.signals import worker_process_init, worker_ready
from django.db import transaction

from .documents import fonts


@worker_process_init.connect
def register_fonts(**_kwargs) -> None:
    fonts.register()


@worker_ready.connect
def send_kept_jobs(**_kwargs) -> None:
    from .services import send_pending

    send_pending()


def remove_file_on_commit(sender, instance, **kwargs) -> None:  # noqa: ARG001 - signal signature
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name

    def delete_if_unused() -> None:
        # Files are stored under their SHA-256 (reports.services._store), so two jobs that rendered the same
        # bytes share one file: it goes only when no job is left that points at it.
        if not sender.objects.filter(file=name).exists():
            storage.delete(name)

    transaction.on_commit(delete_if_unused)  # only once the deletion is committed
