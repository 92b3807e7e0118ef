import os

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the archive locally: apply migrations, load the demo into an empty archive, "
        "then serve it (runserver)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, addr, noreload, **options):
        # runserver's autoreloader runs this command again in a child process (RUN_MAIN);
        # the set-up belongs to the first run only.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=1)
            call_command("load_demo")
            if not get_user_model().objects.filter(is_staff=True).exists():
                self.stdout.write(
                    "\nNo editor account yet. In another terminal, create one with:\n"
                    "  .venv/bin/python manage.py createsuperuser          (full rights)\n"
                    "  .venv/bin/python manage.py create_editor NAME       (Editors group)\n"
                    f"then sign in at http://{addr}/admin/\n"
                )
        call_command("runserver", addr, use_reloader=not noreload)
