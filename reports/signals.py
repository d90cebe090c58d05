"""Signal receivers of the reports app.

- A Celery worker registers the document fonts once, before it forks its pool, and freezes what it has loaded
  out of the garbage collector's reach: every pool process inherits the parsed fonts and shares the parent's memory
  (a collection in a child would otherwise write to every inherited object's header and copy its page). A pool
  process that did not inherit them (a pool that does not fork) registers them when it starts.
- A worker that starts sends again the jobs kept while the queue was unreachable (reports.services.send_pending).
- A deleted job takes its file with it, whatever deleted it (the admin, a cascade from its unit, a shell): a file
  left in MEDIA_ROOT would outlive the record whose access check guards it (connected in ReportsConfig.ready).
"""

import gc

from celery.signals import worker_init, worker_process_init, worker_ready
from django.db import transaction

from .documents import fonts


@worker_init.connect
def prepare_pool(**_kwargs) -> None:
    fonts.register()
    gc.freeze()


@worker_process_init.connect
def register_fonts(**_kwargs) -> None:
    fonts.register()  # inherited from the parent: nothing to do


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
