import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superteam.settings")
application = get_wsgi_application()

# What loading made (modules, models, URL patterns, the API's schemas) lives as long as
# the process: frozen out of the garbage collector, whose full collections otherwise walk
# it again and again (about 1 ms per report request on average, bench/reports.py).
get_resolver().url_patterns  # noqa: B018 - loaded now rather than on the first request
gc.collect()
gc.freeze()
