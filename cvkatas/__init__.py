"""The CV Katas harness: implementation loading, assertion helpers, gradient checks and speed limits.

Tests import their helpers from here; the pytest plugin (`cvkatas.plugin`) supplies the fixtures
`impl`, `reference`, `device`, `speed` and `kata`.
"""

from .asserts import (
    Call,
    assert_array,
    assert_close,
    assert_equal,
    assert_raises,
    assert_returns,
    fail,
    quiet_call,
    show,
    to_numpy,
)
from .gradcheck import assert_gradient_close, numerical_gradient, relative_error, torch_backward, weighted_sum

__all__ = [
    "Call",
    "assert_array",
    "assert_close",
    "assert_equal",
    "assert_gradient_close",
    "assert_raises",
    "assert_returns",
    "torch_backward",
    "weighted_sum",
    "fail",
    "numerical_gradient",
    "quiet_call",
    "relative_error",
    "show",
    "to_numpy",
]
