"""kerasnet.ops: Keras 3's functional ops (numpy-like and nn) on kerasnet's engine."""

from kerasnet.ops.core import *  # noqa: F401,F403
from kerasnet.ops.core import slice, custom_gradient, stop_gradient  # noqa: F401
from kerasnet.ops.creation import *  # noqa: F401,F403
from kerasnet.ops.elementwise import *  # noqa: F401,F403
from kerasnet.ops.elementwise import abs, round  # noqa: F401
from kerasnet.ops.index import *  # noqa: F401,F403
from kerasnet.ops.matmul import *  # noqa: F401,F403
from kerasnet.ops.norm import *  # noqa: F401,F403
from kerasnet.ops.reduce import *  # noqa: F401,F403
from kerasnet.ops.reduce import all, any, max, min, sum  # noqa: F401
from kerasnet.ops.shape import *  # noqa: F401,F403
