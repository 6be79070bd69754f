# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hypothesis settings every property test shares.

CI (the default 'ci' profile): derandomized, no example database, so every run draws the same examples.
ACTIVITYLOG_HYPOTHESIS=explore (``make properties-explore``): ten times as many fresh examples, shrinking, and the
seed of a failure.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, Phase, settings

PROFILE = os.environ.get('ACTIVITYLOG_HYPOTHESIS', 'ci')
settings.register_profile('ci', derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile('explore', database=None, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)
SCALE = 10 if PROFILE == 'explore' else 1
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


def examples(count: int):
    """``count`` examples; half as many on Python 3.9 and 3.10, where each costs about twice as much."""
    return settings(max_examples=count * SCALE // (2 if sys.version_info < (3, 11) else 1))


def process_settings(count: int):
    """A small number of examples, without shrinking (each shrink step would be another process) unless exploring."""
    if PROFILE == 'explore':
        return settings(max_examples=count * SCALE)
    return settings(max_examples=count, phases=NO_SHRINK)
