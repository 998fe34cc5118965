"""Root pytest configuration, loaded for every test path (tests/, the package's doctests, notebooks/).

Importing the package first makes a relative ``RESILIENCE_DATA_DIR`` (as in the README's
``../shared/data``) absolute in the environment, so the notebook kernels that nbval starts in
``notebooks/`` find the same folder.
"""

import resilience_analytics  # noqa: F401
