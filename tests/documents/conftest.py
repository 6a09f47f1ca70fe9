"""Fixtures shared by the document tests."""

from __future__ import annotations

import pytest

from reportgen.analysis.pipeline import analyse
from reportgen.inputs.config import Config


@pytest.fixture(scope="module")
def sample_inputs(tmp_path_factory):
    """A folder holding the bundled sample's workbooks, once for the module."""
    from reportgen.sample.dataset import write_sample

    inputs = tmp_path_factory.mktemp("sample") / "inputs"
    inputs.mkdir()
    write_sample(inputs)
    return inputs


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bundled sample, loaded and analysed: (analysis, dataset, config)."""
    from reportgen.analysis.pipeline import resolve_month
    from reportgen.inputs.load import load_inputs
    from reportgen.sample.dataset import write_sample

    inputs = tmp_path_factory.mktemp("demo") / "inputs"
    inputs.mkdir()
    write_sample(inputs)
    config = Config()
    data = load_inputs(inputs, config)
    month, notes = resolve_month(data, None)
    return analyse(data, config, month, notes), data, config
