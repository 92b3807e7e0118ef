"""Settings for the archive, read from the environment, one module per topic.

Production is the default posture: DEBUG is off, a secret key and allowed hosts must be given,
cookies are secure and HTTPS is enforced. Development is the opt-in (``DEBUG=1``). Each
setting read from the environment has the environment variable's name, and every one is
documented in the operators' guide (docs/operators/environment.md; a test holds the two
together). The modules read values; they hold no logic.
"""

from archive.settings.base import *  # noqa: F403
from archive.settings.cache import *  # noqa: F403
from archive.settings.database import *  # noqa: F403
from archive.settings.logs import *  # noqa: F403
from archive.settings.queue import *  # noqa: F403
from archive.settings.security import *  # noqa: F403
from archive.settings.site import *  # noqa: F403
from archive.settings.sources import *  # noqa: F403
from archive.settings.storage import *  # noqa: F403
