"""Build the stand-in piper voice of the tests: each phoneme id becomes 256 samples of a tone.

No trained weights: it lets the real piper-tts run end to end through Loa's piper backend.
Needs the `onnx` and `numpy` packages (not Loa's dependencies): python make_tiny_voice.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
HOP = 256
RATE = 22050


def model() -> onnx.ModelProto:
    """input [1, N] ids -> output [1, 1, N * HOP] samples; input_lengths and scales unused."""
    tone = np.sin(2 * np.pi * np.arange(HOP) * 440 / RATE) * 0.5
    nodes = [
        helper.make_node("Cast", ["input"], ["xf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["xf", "axis2"], ["x3"]),
        helper.make_node("Mul", ["x3", "zero"], ["z3"]),
        helper.make_node("Add", ["z3", "base"], ["wave"]),
        helper.make_node("Reshape", ["wave", "shape"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_piper",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, None])],
        initializer=[
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.zeros((1,), np.float32), "zero"),
            numpy_helper.from_array(tone.astype(np.float32).reshape(1, 1, HOP), "base"),
            numpy_helper.from_array(np.array([1, 1, -1], dtype=np.int64), "shape"),
        ],
    )
    built = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="loa-tests"
    )
    built.ir_version = 8
    onnx.checker.check_model(built)
    return built


def config() -> dict[str, object]:
    """espeak-ng's "vi" phonemes; an id for every Latin, IPA and combining character."""
    ranges = [(0x21, 0x7F), (0xC0, 0x250), (0x250, 0x300), (0x300, 0x370), (0x1D00, 0x1DC0)]
    chars = ["_", "^", "$", " "] + [chr(c) for lo, hi in ranges for c in range(lo, hi)]
    symbols = list(dict.fromkeys(chars + list("↓↑→↗↘")))
    return {
        "audio": {"sample_rate": RATE},
        "espeak": {"voice": "vi"},
        "phoneme_type": "espeak",
        "num_symbols": len(symbols) + 1,
        "num_speakers": 1,
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_id_map": {ch: [i] for i, ch in enumerate(symbols)},
        "piper_version": "1.0.0",
        "language": {"code": "vi_VN"},
        "dataset": "loa-tests",
    }


if __name__ == "__main__":
    onnx.save(model(), HERE / "tiny-vi.onnx")
    (HERE / "tiny-vi.onnx.json").write_text(json.dumps(config(), ensure_ascii=False))
