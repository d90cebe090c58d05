"""A Celery worker process registers the document fonts once, when it starts, not on its first document."""

from celery.signals import worker_process_init

from .documents import fonts


@worker_process_init.connect
def register_fonts(**_kwargs) -> None:
    fonts.register()
